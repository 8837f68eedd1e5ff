"""perfxlsx serve in a real browser (真实浏览器): the system's Chromium, driven by Playwright, against a real
server (uvicorn in a subprocess, tests/server.py). A clerk's steps: upload the sample through the page's file
input and read its figures and the preview of its completed 自评表; download the completed workbook (the
same bytes `perfxlsx fill` writes); upload a broken file and read its Chinese message; and, with a password,
be kept out until logging in.

Skipped with a reason when Chromium or Playwright is absent; CI sets PERFXLSX_REQUIRE_BROWSER=1 and installs
them, which turns the skip into a failure.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from perf_xlsx.batch import process
from tests import browser
from tests.conftest import PINNED_EPOCH
from tests.golden import SAMPLE
from tests.rule_cases import variant
from tests.server import running

browser.require()

from playwright.sync_api import expect, sync_playwright  # noqa: E402 - after the skip when it is missing

#: How long the page may take to show a processed file (ms): the machine is shared, a file takes ~1 s alone.
DONE = 120_000


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with running(tmp_path_factory.mktemp("browser") / "data", "-j", "2") as live:
        yield live


@pytest.fixture(scope="module")
def chromium():
    with sync_playwright() as p:
        launched = browser.launch(p)
        yield launched
        launched.close()


@pytest.fixture
def page(chromium):
    context = chromium.new_context(accept_downloads=True, viewport=browser.VIEWPORT)
    yield context.new_page()
    context.close()


@pytest.fixture(scope="module")
def sample_page(chromium, server):
    """The page after the sample was uploaded through its file input and processed."""
    context = chromium.new_context(accept_downloads=True, viewport=browser.VIEWPORT)
    page = context.new_page()
    page.goto(server.url + "/")
    page.set_input_files("#files", SAMPLE)
    expect(page.locator("article.file.done")).to_have_count(1, timeout=DONE)
    yield page
    context.close()


def test_the_sample_uploaded_through_the_page_shows_its_figures(sample_page):
    card = sample_page.locator("article.file.done")
    expect(card.locator("h3")).to_have_text(SAMPLE.name)
    expect(card.locator(".rate")).to_have_text("预算执行率 87.57%")
    expect(card.locator(".score")).to_have_text("总分 95.00")
    expect(card.locator(".grade")).to_have_text("等次 优")
    expect(card.locator("table.findings tr.warning")).to_have_count(11)
    # the completed 自评表: the rate perfxlsx filled in, as Excel shows it, marked with its two 提示
    h5 = card.locator("table.sheet td[data-ref=H5]")
    expect(h5).to_have_text("87.57%", timeout=DONE)
    expect(h5).to_have_class("num filled mark mark-warning")
    expect(h5).to_have_attribute(
        "title",
        "H5 提示：预算执行率 87.57%，低于 90%，但“偏差原因分析及改进措施”一栏为空\n"
        + "H5 提示：预算执行率 87.57% 按全年执行数计算；按基本支出＋项目支出计算为 80.77%，相差 6.80 个百分点，请确认全年执行数的口径",
    )
    expect(card.locator("table.sheet td[data-ref=G21]")).to_have_text("95.00")
    expect(card.locator("table.sheet td[data-ref=F22]")).to_have_text("优")
    expect(card.locator("table.sheet td[data-ref=A1]")).to_have_attribute("colspan", "9")  # a merged title
    # the severity filter: only 错误 — none here, so no cell stays marked
    sample_page.select_option("#severity", "error")
    expect(card.locator("table.sheet td.mark")).to_have_count(0)
    expect(card.get_by_text("没有这一类审核发现。")).to_be_visible()
    sample_page.select_option("#severity", "")
    expect(card.locator("table.sheet td.mark")).to_have_count(4)


def test_a_preview_the_clerk_closed_stays_closed_when_the_page_redraws(sample_page):
    """The page redraws every file while others are pending (and on a filter change): a closed preview stays closed."""
    preview = sample_page.locator("article.file.done details.preview")
    expect(preview).to_have_attribute("open", "")
    preview.locator("summary").click()
    expect(preview).not_to_have_attribute("open", "")
    sample_page.select_option("#severity", "warning")  # render() builds every card again
    sample_page.select_option("#severity", "")
    expect(sample_page.locator("article.file.done details.preview")).not_to_have_attribute("open", "")
    sample_page.locator("article.file.done details.preview summary").click()
    sample_page.select_option("#severity", "warning")
    expect(sample_page.locator("article.file.done details.preview")).to_have_attribute("open", "")


def test_the_workbook_downloaded_from_the_page_is_the_clis(sample_page, tmp_path):
    with sample_page.expect_download() as info:
        sample_page.get_by_text("下载已填工作簿").click()
    download = info.value
    env = {**os.environ, "SOURCE_DATE_EPOCH": PINNED_EPOCH}  # the server's pinned time of the run
    subprocess.run(
        [sys.executable, "-m", "perf_xlsx.launch", "fill", str(SAMPLE), "-o", str(tmp_path / "cli")],
        check=True,
        capture_output=True,
        env=env,
        timeout=120,
    )
    (cli,) = (tmp_path / "cli").glob("*.xlsx")
    assert download.suggested_filename == cli.name
    downloaded = tmp_path / "downloaded.xlsx"
    download.save_as(downloaded)
    assert downloaded.read_bytes() == cli.read_bytes()


def test_a_broken_file_shows_its_chinese_message(page, server, tmp_path):
    broken = tmp_path / "坏文件.xlsx"
    broken.write_bytes(b"this is not a workbook")
    expected = process(broken, tmp_path / "out").error
    assert expected is not None and "坏文件.xlsx" in expected
    page.goto(server.url + "/")
    page.set_input_files("#files", broken)
    expect(page.locator("article.file.error .error-message")).to_have_text(expected, timeout=DONE)
    expect(page.get_by_text("下载已填工作簿")).to_have_count(0)


def test_an_error_is_marked_on_the_preview_and_a_workbooks_text_stays_text(page, server, tmp_path):
    markup = '<img src=x onerror="window.pwned=1">'
    path = variant(tmp_path, {"dept.money.total.rate": "100%", "dept.goals.expected": markup}, name="有错误.xlsx")
    page.goto(server.url + "/")
    page.set_input_files("#files", path)
    h5 = page.locator("table.sheet td[data-ref=H5]")
    expect(h5).to_have_text("100%", timeout=DONE)
    expect(h5).to_have_class("mark mark-error")  # the 错误 outlines it, before its two 提示
    error = page.locator("table.findings tr.error td").nth(3).inner_text()
    assert "填报 100.00%" in error and "87.57%" in error
    expect(h5).to_have_attribute("title", re.compile("^H5 错误：" + re.escape(error) + "\nH5 提示："))
    expect(page.locator("table.sheet td[data-ref=B12]")).to_have_text(markup)  # shown as text, not markup
    assert page.locator("table.sheet img").count() == 0
    assert page.evaluate("window.pwned") is None


def test_the_password_keeps_an_anonymous_browser_out(chromium, tmp_path):
    with running(tmp_path / "data", "--password", "s3cret", "-j", "1") as locked:
        context = chromium.new_context()
        page = context.new_page()
        response = page.goto(locked.url + "/")
        assert response is not None and response.status == 401
        expect(page.get_by_text("本页面需要密码")).to_be_visible()
        expect(page.locator("#files")).to_have_count(0)  # not the app
        assert page.evaluate("fetch('/api/summary').then((r) => r.status)") == 401  # nor its data
        page.fill("input[name=password]", "wrong")
        page.click("button[type=submit]")
        expect(page.get_by_text("密码不正确")).to_be_visible()
        page.fill("input[name=password]", "s3cret")
        page.click("button[type=submit]")
        expect(page.locator("#files")).to_be_attached()
        expect(page.locator("header h1")).to_have_text("部门整体支出绩效自评")
        assert page.evaluate("fetch('/api/summary').then((r) => r.status)") == 200
        anonymous = chromium.new_context().new_page()  # another browser, without the login's cookie
        assert anonymous.goto(locked.url + "/summary").status == 401
        context.close()
