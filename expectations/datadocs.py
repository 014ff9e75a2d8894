"""The Great Expectations Data Docs, made to work where the offices are: offline.

GX writes pages that load jQuery, Bootstrap, Font Awesome, bootstrap-table and Vega from public
CDNs; on a government intranet the index then renders unstyled and its list of validation results,
drawn by script, stays empty. The same packages are fetched once at setup (`make setup` runs
`python -m expectations.datadocs`) from the npm registry, checked against the pinned integrity
hashes below, and kept in the virtualenv; every built site gets a copy of them and its pages'
CDN addresses rewritten to it.
"""

from __future__ import annotations

import base64
import hashlib
import io
import logging
import os
import re
import shutil
import sys
import tarfile
import urllib.request
from pathlib import Path

log = logging.getLogger(__name__)

# npm package and version -> the tarball's sha512 integrity (from the registry, pinned here).
PACKAGES = {
    (
        "jquery",
        "3.7.1",
    ): "sha512-m4avr8yL8kmFN8psrbFFFmB/If14iN5o9nw/NgnnM+kybDJpRsAynV2BsfpTYrTRysYUdADVD7CkUUizgkpLfg==",
    (
        "popper.js",
        "1.12.9",
    ): "sha512-s0EEi9xiSCdqz9lV4IiVH5yIZnDX/U1t0tCjB+0jXx9jW8lrR7kOpVupiUg175ogqVoudpDXHF1p6dKATCHMeg==",
    (
        "bootstrap",
        "4.3.1",
    ): "sha512-rXqOmH1VilAt2DyPzluTi2blhk17bO7ef+zLLPlWvG494pDxcM234pJ8wTc/6R40UWizAIIMgxjvxZg5kmsbag==",
    (
        "@forevolve/bootstrap-dark",
        "1.1.0",
    ): "sha512-A3ucpEpxPoTVO490lZZCfjPXxv832l7mm1IxX3bXyxvgwnPGXDLyh7dWrphXKO8YBAu3EswbBEu3VSW8NRMW3A==",
    (
        "bootstrap-datepicker",
        "1.9.0",
    ): "sha512-9rYYbaVOheGYxjOr/+bJCmRPihfy+LkLSg4fIFMT9Od8WwWB/MB50w0JO1eBgKUMbb7PFHQD5uAfI3ArAxZRXA==",
    (
        "@fortawesome/fontawesome-free",
        "6.6.0",
    ): "sha512-60G28ke/sXdtS9KZCpZSHHkCbdsOGEhIUGlwq6yhY74UpTiToIh8np7A8yphhM4BWsvNFtIvLpi4co+h9Mr9Ow==",
    (
        "bootstrap-table",
        "1.19.1",
    ): "sha512-WvV+l1AI/C+zThaKmfHmi/IuayVNB0qdFyEhFx1jyZhO0oLtNJNANkCR3rvJf6Dkh72dsLElxpE/bzK9seEQLA==",
    (
        "vega",
        "5.33.1",
    ): "sha512-1fArfVDUqVbb5z8n+/nVQb+VNBzx8svY6CrsyTK4Ujm4yrd9I1auoKxBAPXLCavY1LcrbHUskQbGUP8gXOzyQw==",
    (
        "vega-lite",
        "5.23.0",
    ): "sha512-l4J6+AWE3DIjvovEoHl2LdtCUkfm4zs8Xxx7INwZEAv+XVb6kR6vIN1gt3t2gN2gs/y4DYTs/RPoTeYAuEg6mA==",
    (
        "vega-embed",
        "6.29.0",
    ): "sha512-PmlshTLtLFLgWtF/b23T1OwX53AugJ9RZ3qPE2c01VFAbgt3/GSNI/etzA/GzdrkceXFma+FDHNXUppKuM0U6Q==",
}
# An address GX 1.24 writes into its pages -> (package, version, the file in the package).
ASSETS = {
    "https://code.jquery.com/jquery-3.7.1.min.js": ("jquery", "3.7.1", "dist/jquery.min.js"),
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js": (
        "popper.js",
        "1.12.9",
        "dist/umd/popper.min.js",
    ),
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": (
        "bootstrap",
        "4.3.1",
        "dist/css/bootstrap.min.css",
    ),
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": (
        "bootstrap",
        "4.3.1",
        "dist/js/bootstrap.min.js",
    ),
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css": (
        "@forevolve/bootstrap-dark",
        "1.1.0",
        "dist/css/bootstrap-prefers-dark.css",
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css": (
        "bootstrap-datepicker",
        "1.9.0",
        "dist/css/bootstrap-datepicker.min.css",
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js": (
        "bootstrap-datepicker",
        "1.9.0",
        "dist/js/bootstrap-datepicker.min.js",
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css": (
        "@fortawesome/fontawesome-free",
        "6.6.0",
        "css/all.min.css",
    ),
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css": (
        "bootstrap-table",
        "1.19.1",
        "dist/bootstrap-table.min.css",
    ),
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js": (
        "bootstrap-table",
        "1.19.1",
        "dist/bootstrap-table.min.js",
    ),
    # GX asks for the 1.19.0 stylesheet of this extension beside 1.19.1's script: one copy serves both.
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/"
    "bootstrap-table-filter-control.min.css": (
        "bootstrap-table",
        "1.19.1",
        "dist/extensions/filter-control/bootstrap-table-filter-control.min.css",
    ),
    "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/"
    "bootstrap-table-filter-control.min.js": (
        "bootstrap-table",
        "1.19.1",
        "dist/extensions/filter-control/bootstrap-table-filter-control.min.js",
    ),
    "https://cdn.jsdelivr.net/npm/vega@5": ("vega", "5.33.1", "build/vega.min.js"),
    "https://cdn.jsdelivr.net/npm/vega-lite@5": ("vega-lite", "5.23.0", "build/vega-lite.min.js"),
    "https://cdn.jsdelivr.net/npm/vega-embed@6": ("vega-embed", "6.29.0", "build/vega-embed.min.js"),
}
# Folders a stylesheet refers to by relative address (Font Awesome's fonts).
FOLDERS = {("@fortawesome/fontawesome-free", "6.6.0"): ("webfonts/",)}
# GX's logo, asked of its web-assets bucket with a changing query: the site has its own copy.
_LOGO = re.compile(
    r"https://great-expectations-web-assets\.s3\.[a-z0-9-]+\.amazonaws\.com/logo-long\.png(\?[^\"']*)?"
)
REGISTRY = "https://registry.npmjs.org"
VENDOR = Path(sys.prefix) / "share" / "ektp-data-docs"


def tarball(name: str, version: str) -> str:
    return f"{REGISTRY}/{name}/-/{name.rsplit('/', 1)[-1]}-{version}.tgz"


def verified_tarball(name: str, version: str, integrity: str) -> bytes:
    """The npm package's tarball from the registry, refused unless it has the pinned integrity
    (also the portal tests' axe-core: tests/portal/axe.py)."""
    with urllib.request.urlopen(tarball(name, version), timeout=120) as response:
        data = response.read()
    algorithm, expected = integrity.split("-", 1)
    if base64.b64encode(hashlib.new(algorithm, data).digest()).decode() != expected:
        raise RuntimeError(f"{name}@{version}: integrity mismatch")
    return data


def fetch(dest: Path = VENDOR) -> None:
    """Download every package once, check its integrity, keep the files the pages need."""
    for (name, version), integrity in PACKAGES.items():
        target = dest / f"{name}@{version}"
        if (target / ".ok").exists():
            continue
        data = verified_tarball(name, version, integrity)
        wanted = {path for (n, v, path) in ASSETS.values() if (n, v) == (name, version)}
        folders = FOLDERS.get((name, version), ())
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
            for member in archive.getmembers():
                inner = member.name.split("/", 1)[-1]
                if member.isfile() and (inner in wanted or inner.startswith(folders)):
                    out = target / inner
                    out.parent.mkdir(parents=True, exist_ok=True)
                    contents = archive.extractfile(member)
                    assert contents is not None, member.name  # a regular file (isfile above)
                    out.write_bytes(contents.read())
        (target / ".ok").write_text("")


def localise(site: Path, vendor: Path = VENDOR) -> bool:
    """Copy the packages into the site and point its pages at them; False (and a warning) when
    they were never fetched, so the pages keep their CDN addresses."""
    if not all((vendor / f"{n}@{v}" / ".ok").exists() for n, v in PACKAGES):
        log.warning("aset Data Docs belum diambil (jalankan `make setup`); Data Docs memakai CDN")
        return False
    local = site / "static" / "vendor"
    if not (local / ".ok").exists():
        shutil.copytree(vendor, local, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".ok"))
        (local / ".ok").write_text("")
    for page in site.rglob("*.html"):
        _rewrite(page, site)
    return True


def _rewrite(page: Path, site: Path) -> None:
    up = os.path.relpath(site, page.parent)
    text = original = page.read_text(encoding="utf-8")
    for url, (name, version, path) in ASSETS.items():
        text = text.replace(f'"{url}"', f'"{up}/static/vendor/{name}@{version}/{path}"')
    text = _LOGO.sub(f"{up}/static/images/logo-long.png", text)
    if text != original:
        page.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    fetch()
    print(f"Aset Data Docs ada di {VENDOR}")
