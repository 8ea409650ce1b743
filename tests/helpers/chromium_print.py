"""Pages printed to PDF and saved as one file (.mhtml) by a real headless Chromium over CDP, the way people keep
the web pages of task lists. Scripts are off: a saved page runs none, and without a network some portal
scripts keep the browser busy for minutes."""
from __future__ import annotations

import base64
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))
from explorer_cdp import Browser, find_chromium  # noqa: E402


def chromium_or_skip() -> str:
    executable = find_chromium()
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is required under CI (scripts/setup.sh --test)", pytrace=False)
        pytest.skip("chromium is not installed")
    return executable


def print_pages(pages: list[Path], out: Path, mhtml: bool = False) -> Path:
    """out/STEM.pdf for every page (and out/STEM.mhtml when asked)."""
    out.mkdir(parents=True, exist_ok=True)
    browser = Browser(chromium_or_skip())
    try:
        browser.call("Emulation.setScriptExecutionDisabled", value=True)
        for page in pages:
            browser.goto(page.resolve().as_uri())
            browser.wait_for("document.readyState === 'complete'", timeout=60, settle=0.2)
            data = browser.call("Page.printToPDF", timeout=120)["data"]
            (out / f"{page.stem}.pdf").write_bytes(base64.b64decode(data))
            if mhtml:
                archive = browser.call("Page.captureSnapshot", format="mhtml")["data"]
                (out / f"{page.stem}.mhtml").write_text(archive, encoding="utf-8")
    finally:
        browser.close()
    return out
