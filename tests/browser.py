"""A real browser (真实浏览器检验): the system's Chromium driven by Playwright, for tests/test_browser.py and
`make screenshot`.

Playwright is given the Chromium of the operating system's packages (Debian: chromium), never a browser
of its own: nothing is downloaded at test time. .ci/run installs it (with fonts-wqy-zenhei, so Chinese text
is drawn in a CJK font).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

#: Where Debian puts Chromium's binary (the real one, then the launcher script that runs it).
CANDIDATES = ("/usr/lib/chromium/chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser")


def chromium() -> str | None:
    """The system Chromium: PERFXLSX_CHROMIUM when set (None if that is not a program), else Debian's
    binary, else one on PATH."""
    given = os.environ.get("PERFXLSX_CHROMIUM")
    if given:
        return given if os.access(given, os.X_OK) else None
    found = next((path for path in CANDIDATES if os.access(path, os.X_OK)), None)
    return found or shutil.which("chromium") or shutil.which("chromium-browser")


def _playwright() -> bool:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return True


def require() -> None:
    """Called at the top of a test module that needs a browser: without Chromium or Playwright the module is
    skipped with what to install, unless PERFXLSX_REQUIRE_BROWSER=1 (CI), which makes it a failure."""
    import pytest

    if chromium() is not None and _playwright():
        return
    if os.environ.get("PERFXLSX_REQUIRE_BROWSER") == "1":
        pytest.fail("Chromium/Playwright 未安装，而 PERFXLSX_REQUIRE_BROWSER=1 要求运行这些测试", pytrace=False)
    pytest.skip(
        "Chromium 或 Playwright 未安装（apt-get install chromium；pip install -e '.[test]'）", allow_module_level=True
    )


def launch(playwright):
    """A headless Chromium: the system's (chromium()), never one Playwright would download."""
    return playwright.chromium.launch(executable_path=chromium(), headless=True)


#: The page's width in the screenshot: an office PC's screen.
VIEWPORT = {"width": 1280, "height": 900}


def screenshot(png: Path) -> Path:
    """The upload page after the sample was uploaded and processed, as a PNG of the whole page."""
    from playwright.sync_api import expect, sync_playwright

    from tests.golden import SAMPLE
    from tests.server import running

    with tempfile.TemporaryDirectory() as tmp, running(Path(tmp) / "data") as server, sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport=VIEWPORT)
        page.goto(server.url + "/")
        page.set_input_files("#files", SAMPLE)
        expect(page.locator("table.sheet td[data-ref=H5]")).to_have_text("87.57%", timeout=120_000)
        png.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(png), full_page=True)
        browser.close()
    return png


if __name__ == "__main__":  # make screenshot
    if chromium() is None or not _playwright():
        sys.exit("需要 Chromium 和 Playwright：apt-get install chromium fonts-wqy-zenhei；pip install -e '.[test]'")
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "out/serve.png")
    print(f"已生成：{screenshot(out)}")
