"""A report as a PDF a client can receive: the HTML page printed by a headless Chromium.

Chromium's own print engine (``--print-to-pdf``) lays the self-contained page out on A4 with the
report's print stylesheet (``@page``, a page break before each part), so the PDF is the page a
reader would print from the browser. Debian's ``chromium`` package is the one cxsim's tests and
``.ci/run`` use; nothing is fetched from the network (the page embeds every image).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from cxsim.errors import OutputError

__all__ = ["browser", "require_browser", "write_pdf"]

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
TIMEOUT_S = 180


def browser() -> str | None:
    """Path of a Chromium-family browser on this machine, or None."""
    return next((path for name in BROWSERS if (path := shutil.which(name))), None)


def require_browser() -> str:
    """The browser, or a one-line error saying what to install (checked before any work)."""
    found = browser()
    if found is None:
        raise OutputError(
            "--pdf: no Chromium found on PATH (chromium, chromium-browser or google-chrome); "
            "install Debian's chromium package, or leave out --pdf and print report.html"
        )
    return found


def write_pdf(page: Path, pdf: Path, chromium: str) -> Path:
    """Print the HTML file ``page`` to ``pdf`` (written whole or not at all)."""
    partial = pdf.with_name(f".{pdf.name}.partial")
    command = [
        chromium,
        "--headless",
        "--no-sandbox",  # a container's root user cannot use Chromium's sandbox
        "--disable-gpu",
        "--disable-background-networking",
        "--no-pdf-header-footer",
        f"--print-to-pdf={partial}",
        page.resolve().as_uri(),
    ]
    done = subprocess.run(command, capture_output=True, timeout=TIMEOUT_S, check=False)
    if done.returncode != 0 or not partial.exists() or partial.stat().st_size == 0:
        partial.unlink(missing_ok=True)
        raise OutputError(f"--pdf: {chromium} could not print {page.name} (exit {done.returncode})")
    os.replace(partial, pdf)
    return pdf
