"""The report in a real browser: Debian's chromium, headless, opening the files from disk.

Skipped, with the reason, only when no browser can be launched (.ci/run installs chromium
and chromium-driver with apt-get). A screenshot of a clicked flag is saved under
tests/artifacts/ and its path printed.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pipeline import schemas, store
from pipeline.report import build_report
from pipeline.report.model import records
from tests import report_tables as rt
from tests.conftest import REPO, SEEDS
from tests.test_cli import run

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is a dev dependency")
from selenium.common.exceptions import TimeoutException, WebDriverException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

ARTIFACTS = REPO / "tests" / "artifacts"
LAUNCH_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-dev-shm-usage", "--window-size=1280,900"]


def launch(user_data_dir: Path):
    """A headless chromium driven through Debian's chromedriver (no download of anything)."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if not chromium or not driver:
        pytest.skip("no browser: chromium and chromium-driver are not installed "
                    "(apt-get install chromium chromium-driver; .ci/run does this)")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in [*LAUNCH_FLAGS, f"--user-data-dir={user_data_dir}"]:
        options.add_argument(flag)
    try:
        return webdriver.Chrome(service=Service(driver), options=options)
    except WebDriverException as exc:
        pytest.skip(f"chromium could not be launched: {(exc.msg or str(exc)).splitlines()[0]}")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    driver = launch(tmp_path_factory.mktemp("chromium-profile"))
    yield driver
    driver.quit()


VISIBLE = """
const el = document.getElementById(arguments[0]);
if (!el) return "missing";
const r = el.getBoundingClientRect();
const header = document.querySelector("header").getBoundingClientRect().bottom;
if (r.width <= 0 || r.height <= 0) return "empty";
if (r.top < header || r.bottom > window.innerHeight) return "outside the viewport";
const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
return (hit === el || el.contains(hit)) ? "visible" : "covered";
"""


def wait_visible(driver, element_id: str) -> str:
    try:
        WebDriverWait(driver, 5).until(
            lambda d: d.execute_script(VISIBLE, element_id) == "visible")
    except TimeoutException:
        pass
    return driver.execute_script(VISIBLE, element_id)


def click_and_follow(driver, element) -> None:
    before = driver.current_url
    element.click()
    WebDriverWait(driver, 10).until(lambda d: d.current_url != before)
    WebDriverWait(driver, 10).until(
        lambda d: d.execute_script("return document.readyState") == "complete")


def screenshot(driver, name: str, capsys) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    assert driver.save_screenshot(str(path))
    with capsys.disabled():
        print(f"\nscreenshot: {path}")
    return path


def check_flag_click(driver, overview: Path, index: int, pages: dict) -> str:
    """Click the index-th flag on the overview; its quote must be highlighted in view."""
    driver.get(overview.as_uri())
    link = driver.find_elements(By.CSS_SELECTOR, "#flag-list article a.flag-message")[index]
    target = link.get_attribute("href")
    click_and_follow(driver, link)
    assert "/docs/" in driver.current_url and driver.current_url == target
    anchor = driver.current_url.split("#", 1)[1]
    assert wait_visible(driver, anchor) == "visible", anchor
    mark = driver.find_element(By.ID, anchor)
    assert mark.tag_name == "mark" and "ev" in mark.get_attribute("class").split()
    doc_id = driver.current_url.rsplit("/", 1)[1].split(".")[0]
    page, start, end = (int(x) for x in anchor.split("-")[1:])
    assert mark.text.split() == pages[(doc_id, page)][start:end].split()
    return anchor


@pytest.fixture(scope="module")
def seed_tables(tmp_path_factory, shared) -> Path:
    """`iop extract` on the five seeds, as a user runs it."""
    tables = tmp_path_factory.mktemp("seeds") / "tables"
    result = run("extract", str(SEEDS), "--out", str(tables), "--no-cache", "--workers", "1")
    assert result.returncode == 0, result.stderr
    return tables


def page_texts(tables: Path) -> dict:
    return {(r["doc_id"], r["page"]): r["text"] for r in records(store.read_table(tables, "pages"))}


def test_the_seeds_flags_are_listed_and_each_opens_its_quote(browser, seed_tables, tmp_path,
                                                             capsys):
    tables = seed_tables
    build_report(tables, tmp_path / "report")
    overview = tmp_path / "report" / "index.html"
    flags = records(store.read_table(tables, "flags"))
    browser.get(overview.as_uri())
    assert browser.find_element(By.ID, "flag-total").text == str(len(flags))
    listed = browser.find_element(By.ID, "flag-list").text
    for flag in flags:
        assert flag["message"] in listed and flag["code"] in listed
    assert browser.find_element(By.CSS_SELECTOR, ".card b").text == str(len(list(SEEDS.glob("*"))))
    pages = page_texts(tables)
    hrefs = [a.get_attribute("href") for a in
             browser.find_elements(By.CSS_SELECTOR, "#flag-list article a.flag-message")]
    assert len(hrefs) == len(flags) > 0  # the seeds have placeholders and unsigned lines
    clicked = [check_flag_click(browser, overview, index, pages)
               for index, href in enumerate(hrefs) if "#ev-" in href]
    assert len(clicked) == len(flags)  # every flag's evidence is located in its text
    check_flag_click(browser, overview, 0, pages)
    screenshot(browser, "report-flag-click.png", capsys)


def plant_flag(tables: Path, out: Path) -> dict:
    """The seeds' tables plus a memo-vs-agreement flag citing two real extracted amounts."""
    frames = {name: store.read_table(tables, name) for name in schemas.TABLES}
    documents = records(frames["documents"])
    amounts = records(frames["amounts"])
    kinds = {d["doc_id"]: d["kind"] for d in documents}
    memo = next(a for a in amounts if kinds[a["doc_id"]] == "memo")
    agreement = [a for a in amounts if kinds[a["doc_id"]] == "agreement"][-1]

    def cite(row):
        return {k: row[k] for k in ("doc_id", "page", "char_start", "char_end", "quote")} | {
            "table": "amounts", "value": row["amount_sek"]}
    flag = {"code": "MEMO_AGREEMENT_MISMATCH", "severity": "error",
            "doc_id": agreement["doc_id"], "related_doc_id": memo["doc_id"],
            "message": f"Planterad i testet: {memo['quote']} mot {agreement['quote']}.",
            "evidence": json.dumps([cite(agreement), cite(memo)], ensure_ascii=False),
            "rule_id": "test.planted"}
    frames["flags"] = schemas.frame("flags", [flag, *records(frames["flags"])])
    store.write_tables(frames, out, {})
    return flag


def test_a_cross_document_flag_opens_its_quote(browser, seed_tables, tmp_path, capsys):
    """A memo-vs-agreement flag planted on two real extracted amounts: the click opens the
    agreement at its amount; the memo's quote links to the memo."""
    tables = seed_tables
    planted = plant_flag(tables, tmp_path / "planted")
    build_report(tmp_path / "planted", tmp_path / "report")
    overview = tmp_path / "report" / "index.html"
    browser.get(overview.as_uri())
    assert planted["message"] in browser.find_element(By.ID, "flag-list").text
    anchor = check_flag_click(browser, overview, 0, page_texts(tables))
    evidence = json.loads(planted["evidence"])[0]
    assert anchor == f"ev-{evidence['page']}-{evidence['char_start']}-{evidence['char_end']}"
    assert browser.current_url.endswith(f"docs/{planted['doc_id']}.html#{anchor}")
    assert browser.execute_script("return window.scrollY") > 0  # it had to scroll down
    screenshot(browser, "report-cross-document-flag.png", capsys)
    memo = json.loads(planted["evidence"])[1]
    browser.get(overview.as_uri())
    quote_links = browser.find_elements(By.CSS_SELECTOR,
                                        "#flag-list article:first-child .evidence li a")
    click_and_follow(browser, quote_links[1])
    memo_anchor = f"ev-{memo['page']}-{memo['char_start']}-{memo['char_end']}"
    assert browser.current_url.endswith(f"docs/{memo['doc_id']}.html#{memo_anchor}")
    assert wait_visible(browser, memo_anchor) == "visible"


def test_clicking_a_fact_scrolls_to_it_and_hovering_shows_the_field(browser, tmp_path):
    build_report(rt.write(tmp_path / "tables"), tmp_path / "report")
    browser.get((tmp_path / "report" / "docs" / f"{rt.AGREEMENT}.html").as_uri())
    assert wait_visible(browser, "f-signatories-0") == "outside the viewport"
    browser.find_element(By.CSS_SELECTOR, 'a.fact-link[href="#f-signatories-0"]').click()
    assert wait_visible(browser, "f-signatories-0") == "visible"
    mark = browser.find_element(By.ID, "f-signatories-0")
    ActionChains(browser).move_to_element(mark).perform()
    tooltip = browser.execute_script(
        "return getComputedStyle(arguments[0], '::after').content", mark)
    assert tooltip == json.dumps(mark.get_attribute("data-label"), ensure_ascii=False)
    assert "Underskrifter: Anna Andersson" in tooltip


def test_a_planted_script_stays_text(browser, tmp_path):
    build_report(rt.write(tmp_path / "tables"), tmp_path / "report")
    for page in (tmp_path / "report").rglob("*.html"):
        browser.get(page.as_uri())
        assert browser.execute_script("return window.__pwned === undefined"), page
    browser.get((tmp_path / "report" / "docs" / f"{rt.HOSTILE}.html").as_uri())
    assert rt.PWN in browser.find_element(By.CSS_SELECTOR, "pre.page-text").text
    assert browser.find_elements(By.TAG_NAME, "img") == []


def test_the_report_script_runs_under_its_content_security_policy(browser, tmp_path):
    """Row clicks and the filter are the report's own script: the CSP hash must admit it."""
    build_report(rt.write(tmp_path / "tables"), tmp_path / "report")
    browser.get((tmp_path / "report" / "docs" / f"{rt.AGREEMENT}.html").as_uri())
    row = browser.find_element(By.CSS_SELECTOR, 'tr[data-href="#f-signatories-0"] td')
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", row)
    row.click()  # a cell, not the link: the script follows the row's data-href
    WebDriverWait(browser, 5).until(lambda d: d.current_url.endswith("#f-signatories-0"))
    assert wait_visible(browser, "f-signatories-0") == "visible"
    browser.get((tmp_path / "report" / "documents-1.html").as_uri())
    browser.find_element(By.CSS_SELECTOR, "input[data-filter]").send_keys("memo.docx")
    shown = [r for r in browser.find_elements(By.CSS_SELECTOR, "#documents tbody tr")
             if r.is_displayed()]
    assert [r.find_element(By.TAG_NAME, "td").text for r in shown] == ["memo.docx"]


def test_a_redacted_report_renders_and_names_nobody(browser, tmp_path):
    """--redact persons: the signatory's name is a role label in the facts, the text and
    the hover label alike, and clicking the fact still lands on it in the text."""
    build_report(rt.write(tmp_path / "tables"), tmp_path / "report", redact="persons")
    for page in (tmp_path / "report").rglob("*.html"):
        assert "Andersson" not in page.read_text(encoding="utf-8"), page
    browser.get((tmp_path / "report" / "docs" / f"{rt.AGREEMENT}.html").as_uri())
    assert "Andersson" not in browser.page_source
    browser.find_element(By.CSS_SELECTOR, 'a.fact-link[href="#f-signatories-0"]').click()
    assert wait_visible(browser, "f-signatories-0") == "visible"
    mark = browser.find_element(By.ID, "f-signatories-0")
    assert mark.text == "Undertecknare 1 för Föreningen Hopp"
    assert "Underskrifter: Undertecknare 1 för Föreningen Hopp" in mark.get_attribute(
        "data-label")
    assert browser.execute_script("return window.__pwned === undefined")
