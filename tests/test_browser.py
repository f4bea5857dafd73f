"""``jixiao serve`` in a real browser: Debian's chromium + chromedriver through selenium.

Starts ``jixiao serve`` on a free loopback port with an index of the sample, types into the drafting
box and searches, as a user would. Skips (saying why) where chromium or chromedriver is missing; CI
installs them (.ci/run). Screenshots go to $JIXIAO_SCREENS when it is set.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

if str(Path(__file__).parent) not in sys.path:  # --import-mode=importlib leaves tests/ off sys.path
    sys.path.insert(0, str(Path(__file__).parent))
from apps_fixtures import PLANTED_TEXT, sample_index  # noqa: E402,F401

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1400,1000"]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)"),
    pytest.mark.skipif(CHROMEDRIVER is None, reason="chromedriver is not installed (apt-get install chromium-driver)"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(sample_index, tmp_path_factory):
    port = _free_port()
    home = tmp_path_factory.mktemp("serve-home")  # caches out of the real home directory
    env = dict(os.environ, XDG_CACHE_HOME=str(home / "cache"), XDG_DATA_HOME=str(home / "data"))
    proc = subprocess.Popen([sys.executable, "-m", "jixiao", "serve", "--port", str(port), "--index", sample_index],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    base = f"http://127.0.0.1:{port}"
    t0 = time.monotonic()
    try:
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/suggest?name=x", timeout=2).read()
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(f"jixiao serve exited: {proc.stderr.read().decode(errors='replace')}")
                if time.monotonic() - t0 > 180:
                    pytest.fail("jixiao serve did not answer within 180 s")
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stderr.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install '.[test]')")
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in FLAGS + [f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"]:
        opts.add_argument(flag)
    # both paths given: selenium never looks for (or downloads) a driver of its own
    driver = webdriver.Chrome(options=opts, service=Service(executable_path=CHROMEDRIVER))
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def _wait(driver, cond, timeout: float = 30):
    from selenium.webdriver.support.ui import WebDriverWait

    from selenium.common.exceptions import StaleElementReferenceException

    return WebDriverWait(driver, timeout, poll_frequency=0.1,
                         ignored_exceptions=(StaleElementReferenceException,)).until(cond)


def _shot(driver, name: str) -> None:
    d = os.environ.get("JIXIAO_SCREENS")
    if d:
        os.makedirs(d, exist_ok=True)
        driver.save_screenshot(os.path.join(d, name))


def _text(driver, css: str) -> str:
    """The visible text of everything ``css`` matches, read in one go (the page re-renders as it answers,
    so elements found first and read later may be gone)."""
    return driver.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0])).map((e) => e.innerText).join(' ');", css)


def test_drafting_box_suggests_as_you_type(server, browser):
    from selenium.webdriver.common.by import By

    browser.get(server + "/")
    name = browser.find_element(By.ID, "name")
    name.send_keys("培训人次")
    _wait(browser, lambda d: "数量指标" in _text(d, "#categories li:first-child"))
    first = _text(browser, "#categories li:first-child")
    assert first.startswith("数量指标") and "%" in first
    # a rate: the first category changes as the name changes
    name.clear()
    name.send_keys("服务对象满意率")
    _wait(browser, lambda d: "服务对象满意度指标" in _text(d, "#categories li:first-child"))
    _wait(browser, lambda d: "2021" in _text(d, "#typical"))
    assert "中位数" in _text(browser, "#typical") and "90–95%" in _text(browser, "#typical")
    browser.find_element(By.ID, "value").send_keys("50%")
    # what check says about the row appears under the box: 50% is far from 2021's 90–95%
    _wait(browser, lambda d: "2021年" in _text(d, "#row-findings"))
    assert "服务对象满意度指标" in _text(browser, "#categories li:first-child")
    _shot(browser, "draft_suggest.png")
    name.clear()
    name.send_keys("培训合格率")
    value = browser.find_element(By.ID, "value")
    value.clear()
    value.send_keys("良好")
    _wait(browser, lambda d: "无法衡量" in _text(d, "#row-findings .finding.error"))


def test_pasted_table_is_reviewed_row_by_row(server, browser):
    from selenium.webdriver.common.by import By

    browser.get(server + "/")
    area = browser.find_element(By.ID, "paste")
    # a paste, not typing: set the value the way the clipboard would
    browser.execute_script("arguments[0].value = arguments[1];", area,
                           PLANTED_TEXT + "产出指标\t质量指标\t<img src=x onerror=\"document.title='pwned'\">合格率\t良好\n")
    browser.find_element(By.ID, "check-paste").click()
    _wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#rows tbody tr:not(.proj)")) == 8)
    assert _text(browser, "#rows tr.proj") == "社区应急能力提升项目"
    rows = {r.find_elements(By.TAG_NAME, "td")[2].text: r
            for r in browser.find_elements(By.CSS_SELECTOR, "#rows tbody tr:not(.proj)")}
    assert "error" in rows["培训合格率"].get_attribute("class")
    assert "无法衡量" in rows["培训合格率"].text
    assert "500人次" in rows["培训人次"].text
    assert "缺少满意度指标" in _text(browser, "#table-findings")
    assert "错误" in _text(browser, "#summary")
    # document text is shown as text, never run as markup
    assert '<img src=x onerror="document.title=\'pwned\'">合格率' in rows
    assert browser.find_elements(By.CSS_SELECTOR, "#rows img") == [] and browser.title != "pwned"
    assert browser.find_element(By.ID, "download").is_enabled()
    _shot(browser, "draft_review.png")


def test_search_page_runs_a_search_and_filters_by_facet(server, browser):
    from selenium.webdriver.common.by import By

    browser.get(server + "/search")
    q = browser.find_element(By.ID, "q")
    q.send_keys("演练")
    browser.find_element(By.CSS_SELECTOR, "#search-form button[type=submit]").click()
    _wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#hits tbody tr")) > 0)
    assert "共" in _text(browser, "#search-status")
    assert browser.find_elements(By.CSS_SELECTOR, "#hits .snippet b")  # the match is highlighted
    total = len(browser.find_elements(By.CSS_SELECTOR, "#hits tbody tr"))
    facet = next(b for b in browser.find_elements(By.CSS_SELECTOR, "#facets button") if b.text.startswith("时效指标"))
    facet.click()
    _wait(browser, lambda d: all(r.find_elements(By.TAG_NAME, "td")[3].text == "时效指标"
                                 for r in d.find_elements(By.CSS_SELECTOR, "#hits tbody tr")))
    assert 0 < len(browser.find_elements(By.CSS_SELECTOR, "#hits tbody tr")) < total
    assert "level2=" in browser.current_url
    _shot(browser, "search.png")


def test_compare_page_says_what_it_needs(server, browser):
    browser.get(server + "/compare")
    _wait(browser, lambda d: "两个年度" in _text(d, "#compare-status"))
