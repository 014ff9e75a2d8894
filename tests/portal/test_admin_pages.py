"""The admin's account pages (issue #21 item 2): add, disable and enable, role and district,
e-mail, with CSRF and the password policy, each action a row of the admin log shown on the page;
and the same in `ektp akun`."""

from __future__ import annotations

import io
import re

import pytest

from ektp import cli
from portal import adminlog
from tests.portal.support import Browser, build_world, portal

GOOD = "kabut-pagi-senggigi-41"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    world = build_world(tmp_path_factory.mktemp("admin"), nightly=False)
    with portal(world.settings) as url:
        yield world, url


def log_rows(page: str) -> list[list[str]]:
    table = page.split('id="catatan-admin"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr><td.*?</tr>", table, re.S)
    return [re.findall(r"<td[^>]*>(.*?)</td>", r, re.S) for r in rows]


def test_the_admin_adds_an_account_on_the_web_and_it_signs_in(site):
    _, url = site
    with Browser(url) as adm:
        adm.login("adm")
        adm.get("/admin")
        made = adm.post(
            "/admin/akun",
            {
                "nama": "lotim",
                "peran": "kabupaten",
                "kabupaten": "5203",
                "surel": "dukcapil@lomboktimurkab.go.id",
                "sandi": GOOD,
                "ulang": GOOD,
            },
        )
        assert made.status_code == 303 and made.headers["location"] == "/admin?pesan=dibuat"
        page = adm.get(made.headers["location"]).text
        assert "Akun dibuat." in page
        assert 'id="akun-lotim"' in page and 'value="dukcapil@lomboktimurkab.go.id"' in page
        by, action, target, note = log_rows(page)[0][1:5]
        assert (by, action, target) == ("adm", "akun dibuat", "lotim")
        assert note == "kabupaten 5203 dukcapil@lomboktimurkab.go.id"
    with Browser(url) as lotim:
        assert lotim.login("lotim", GOOD).headers["location"] == "/kabupaten/5203"


@pytest.mark.parametrize(
    ("fields", "said"),
    [
        ({"nama": "lotim2", "peran": "kabupaten", "kabupaten": "5203", "sandi": "pendek"}, "terlalu pendek"),
        ({"nama": "lotim2", "peran": "kabupaten", "kabupaten": "5203", "sandi": "lotim2lotim2"}, "nama akun"),
        ({"nama": "lotim2", "peran": "kabupaten", "kabupaten": "", "sandi": GOOD}, "perlu --kabupaten"),
        ({"nama": "Lo Tim", "peran": "kabupaten", "kabupaten": "5203", "sandi": GOOD}, "nama akun harus"),
        ({"nama": "prov", "peran": "provinsi", "kabupaten": "", "sandi": GOOD}, "akun sudah ada"),
        ({"nama": "lotim2", "peran": "raja", "kabupaten": "", "sandi": GOOD}, "peran harus"),
    ],
)
def test_a_refused_account_says_why_and_nothing_is_added(site, fields, said):
    _, url = site
    with Browser(url) as adm:
        adm.login("adm")
        adm.get("/admin")
        before = log_rows(adm.get("/admin").text)
        refused = adm.post("/admin/akun", {**fields, "ulang": fields["sandi"]})
        assert refused.status_code == 400 and "Akun tidak dibuat" in refused.text and said in refused.text
        assert 'id="akun-lotim2"' not in refused.text
        assert log_rows(refused.text) == before


def test_every_account_action_needs_the_csrf_token_and_the_admin_role(site):
    _, url = site
    actions = [
        ("/admin/akun", {"nama": "x1", "peran": "provinsi", "sandi": GOOD, "ulang": GOOD}),
        ("/admin/akun/kobi/nonaktif", {}),
        ("/admin/akun/kobi/aktif", {}),
        ("/admin/akun/kobi/peran", {"peran": "provinsi"}),
        ("/admin/akun/kobi/surel", {"surel": "a@b.id"}),
    ]
    with Browser(url) as adm, Browser(url) as prov:
        adm.login("adm")
        prov.login("prov")
        for path, data in actions:
            assert adm.post(path, data, csrf=False).status_code == 403
            assert adm.post(path, data, csrf="palsu").status_code == 403
            assert prov.post(path, data).status_code == 403
        # no account x1 (its row): the bare "x1" turned up in the page's random CSRF token
        page = adm.get("/admin").text
        assert 'id="akun-x1"' not in page and "<td>x1</td>" not in page


def test_a_disabled_account_signs_not_in_and_its_session_ends_until_enabled(site):
    _, url = site
    with Browser(url) as kobi, Browser(url) as adm:
        assert kobi.login("kobi").status_code == 303
        adm.login("adm")
        assert adm.post("/admin/akun/kobi/nonaktif").status_code == 303
        page = adm.get("/admin").text
        assert "nonaktif</strong>" in page.split('id="akun-kobi"', 1)[1].split("</tr>", 1)[0]
        assert kobi.get("/kabupaten/5272").status_code == 303  # its session ended
        assert kobi.login("kobi").status_code == 401
        assert adm.post("/admin/akun/kobi/aktif").status_code == 303
        assert kobi.login("kobi").status_code == 303
        actions = [r[2] for r in log_rows(adm.get("/admin").text)[:2]]
        assert actions == ["akun diaktifkan", "akun dinonaktifkan"]
        # never oneself: the only admin cannot lock itself out
        assert adm.post("/admin/akun/adm/nonaktif").status_code == 400
        assert adm.post("/admin/akun/tidak-ada/nonaktif").status_code == 404


def test_the_admin_changes_a_role_and_district_and_the_session_ends(site):
    world, url = site
    with Browser(url) as adm:
        adm.login("adm")
        adm.get("/admin")
        made = adm.post(
            "/admin/akun",
            {"nama": "pindah", "peran": "kabupaten", "kabupaten": "5201", "sandi": GOOD, "ulang": GOOD},
        )
        assert made.status_code == 303
        with Browser(url) as moved:
            moved.login("pindah", GOOD)
            assert (
                adm.post("/admin/akun/pindah/peran", {"peran": "kabupaten", "kabupaten": "5204"}).status_code
                == 303
            )
            assert moved.get("/kabupaten/5201").status_code == 303  # signed out
            assert moved.login("pindah", GOOD).headers["location"] == "/kabupaten/5204"
        refused = adm.post("/admin/akun/pindah/peran", {"peran": "kabupaten", "kabupaten": "9999"})
        assert refused.status_code == 400 and "Peran tidak diubah" in refused.text
        changed = adm.post("/admin/akun/pindah/peran", {"peran": "provinsi", "kabupaten": "5204"})
        assert changed.status_code == 303
        page = adm.get(changed.headers["location"]).text
        assert "Peran akun diubah" in page
        assert log_rows(page)[0][2:5] == ["peran diubah", "pindah", "provinsi"]
        assert adm.post("/admin/akun/pindah/surel", {"surel": "bukan surel"}).status_code == 400
        assert adm.post("/admin/akun/pindah/surel", {"surel": "pindah@ntbprov.go.id"}).status_code == 303
        page = adm.get("/admin").text
        assert 'value="pindah@ntbprov.go.id"' in page
        assert log_rows(page)[0][2:5] == ["surel diubah", "pindah", "pindah@ntbprov.go.id"]
    rows = adminlog.latest(world.settings.portal_database)
    assert {r["tindakan"] for r in rows} >= {"akun_dibuat", "peran_diubah", "surel_diubah"}


def akun(args, stdin=""):
    import sys

    old = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        return cli.main(["akun", *args])
    finally:
        sys.stdin = old


def test_the_same_actions_exist_in_ektp_akun_and_are_logged(tmp_path, capsys):
    flags = ["--warehouse", str(tmp_path / "gudang" / "ektp.duckdb")]
    path = tmp_path / "gudang" / "portal.sqlite"
    assert (
        akun(
            ["tambah", "lobar", "--peran", "kabupaten", "--kabupaten", "5201", "--sandi-stdin", *flags],
            GOOD + "\n",
        )
        == 0
    )
    assert akun(["nonaktif", "lobar", *flags]) == 0
    assert akun(["daftar", *flags]) == 0
    assert "nonaktif" in capsys.readouterr().out.splitlines()[1]
    assert akun(["nonaktif", "lobar", "--aktifkan", *flags]) == 0
    assert akun(["peran", "lobar", "--peran", "kabupaten", "--kabupaten", "5202", *flags]) == 0
    assert akun(["surel", "lobar", "dukcapil@lomboktengahkab.go.id", *flags]) == 0
    assert akun(["surel", "lobar", *flags]) == 2  # an address, or --hapus
    assert akun(["daftar", *flags]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert listed[-2].split()[:5] == ["lobar", "kabupaten", "5202", "aktif", "dukcapil@lomboktengahkab.go.id"]
    assert akun(["surel", "lobar", "--hapus", *flags]) == 0
    assert akun(["hapus", "lobar", *flags]) == 0
    actions = [r["tindakan"] for r in reversed(adminlog.latest(path))]
    assert actions == [
        "akun_dibuat",
        "akun_dinonaktifkan",
        "akun_diaktifkan",
        "peran_diubah",
        "surel_diubah",
        "surel_diubah",
        "akun_dihapus",
    ]
    assert all(r["oleh"].startswith("cli:") for r in adminlog.latest(path))
