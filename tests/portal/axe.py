"""axe-core, the accessibility engine, injected into the portal's pages in Chromium (issue #21).

Fetched once from the npm registry at a pinned version and integrity (the same check as the Data
Docs' assets: expectations.datadocs.verified_tarball) and kept under the virtualenv, which git
ignores; nothing else is downloaded, and the browser itself stays offline.
"""

from __future__ import annotations

import io
import sys
import tarfile
from pathlib import Path

from expectations.datadocs import verified_tarball

NAME, VERSION = "axe-core", "4.10.3"
INTEGRITY = "sha512-Xm7bpRXnDSX2YE2YFfBk2FnF0ep6tmG7xPh8iHee8MIcrgq762Nkce856dYtJYLkuIoYZvGfTs/PbZhideTcEg=="
CACHE = Path(sys.prefix) / "share" / "ektp-axe" / f"axe-{VERSION}.min.js"
SERIOUS = ("serious", "critical")


def script() -> str:
    """axe.min.js, from the cache or fetched and checked now."""
    if not CACHE.is_file():
        data = verified_tarball(NAME, VERSION, INTEGRITY)
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
            member = archive.extractfile("package/axe.min.js")
            assert member is not None
            code = member.read()
        CACHE.parent.mkdir(parents=True, exist_ok=True)
        partial = CACHE.with_suffix(".part")
        partial.write_bytes(code)
        partial.replace(CACHE)  # never a half-written script for the next run
    return CACHE.read_text(encoding="utf-8")


def violations(page, source: str) -> list[str]:
    """The serious and critical violations axe finds on the page now: rule, impact, and where."""
    # The portal's CSP allows no inline script from the page; Playwright's evaluate runs in the
    # page's context through the DevTools protocol, which the CSP does not govern.
    page.evaluate(source)
    found = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => n.target.join(' ') + ' :: ' + n.failureSummary)}))"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} @ {' | '.join(v['nodes'][:3])}"
        for v in found
        if v["impact"] in SERIOUS
    ]


def report_violations(page, source: str) -> list[str]:
    """`violations` of a daily report the portal serves sandboxed (its CSP `sandbox` lets no script
    run, so axe's promise would never settle): the very bytes served at the page's address (asked
    with the page's cookies), opened in another page of the same size without that header."""
    served = page.context.request.get(page.url)
    assert served.ok, served.status
    copy = page.context.browser.new_page(viewport=page.viewport_size)
    try:
        copy.set_content(served.text())
        return violations(copy, source)
    finally:
        copy.close()
