"""The run summary as a Prefect markdown artifact: what operators see on the flow run in the UI."""

from __future__ import annotations

import logging
import re

from reports.summary import Summary, hari_laporan, markdown

log = logging.getLogger(__name__)


def key_for(kind: str) -> str:
    """Artifact key: the UI's Artifacts page keeps one history per key (lowercase, digits, dashes)."""
    return f"ringkasan-{re.sub(r'[^a-z0-9-]', '-', kind.lower())}"


def publish(s: Summary, kind: str) -> bool:
    """Attach the summary to the current flow run; a failing API call is noted, never raised."""
    from prefect.artifacts import create_markdown_artifact

    try:
        create_markdown_artifact(
            markdown(s, kind), key=key_for(kind), description=f"Ringkasan {kind} {hari_laporan(s)}"
        )
    except Exception as exc:  # the run's data is loaded; a lost artifact must not fail it
        note = f"artefak Prefect tidak dibuat: {type(exc).__name__}: {exc}"
        log.warning(note)
        s.catatan.append(note)
        return False
    return True
