"""flows/serve.py without a server: the secrets its runs inherit through the environment."""

from __future__ import annotations

import os

from contract.settings import Settings
from flows import serve


def test_each_secret_is_handed_down_under_the_variable_the_settings_read(monkeypatch):
    for variable in map(serve.variable, serve.SECRETS):
        monkeypatch.setenv(variable, "")  # recorded: put back as it was after the test
        monkeypatch.delenv(variable)
    given = Settings(smtp_password="rahasia", notify_url="https://hook.test/t/abc", pengingat_url=None)
    serve.hand_down(given)
    assert os.environ["EKTP_SMTP_PASSWORD"] == "rahasia"
    assert os.environ["EKTP_NOTIFY_URL"] == "https://hook.test/t/abc"
    assert "EKTP_PENGINGAT_URL" not in os.environ  # not given: nothing handed down
    inherited = Settings()  # what a run's process reads from the environment it inherits
    assert {f: getattr(inherited, f) for f in serve.SECRETS} == {f: getattr(given, f) for f in serve.SECRETS}
