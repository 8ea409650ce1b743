"""The three journeys of issue 15 in real headless Chromium (loopback only), screenshots kept under
test-output/screenshots/journey-*.png:

1. a national task down the levels: the tree drawn by level with its labels, the gaps beside it, suggestions
   shown dashed when switched on;
2. what a department owes: its page, lead/support and deadline filters, paging through every task, the view
   in the address;
3. a briefing download: "who has taken up this task" in the Word file;
4. shared addresses: a saved query run with its parameters, and a task found by DOC-NUMBER, opened afresh from
   their addresses show the same view.

National task 20's tree was written by READING the examples (tests/test_chain_tree.py's docstring):
全国 No. 20 ← 江苏省 No. 34 (← 江阴市 No. 19), 江西省 No. 38, 辽宁省 No. 26 and No. 48, 江阴市 No. 13; 锦州师范高等专科学校
not.
"""
from __future__ import annotations

import io
import os
import re
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from explorer_cdp import Browser, find_chromium, is_local
from explorer_server import explorer

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-output" / "screenshots"
TASK_20 = "task/001_8158844c7a4eb5af/20"
JX = "dept/provincial/江西省/education"
# as read: (vis level band, label) of each node of the confident tree
EXPECTED_NODES = {
    (0, "全国\n第20项"), (1, "江苏省\n第34项"), (1, "江西省\n第38项"), (1, "辽宁省\n第26项"), (1, "辽宁省\n第48项"),
    (2, "江阴市\n第19项"), (2, "江阴市\n第13项"),
}
NETWORK = "document.querySelector('iframe') && document.querySelector('iframe').contentWindow.policyNetwork"


@pytest.fixture(scope="module")
def chromium():
    path = find_chromium()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed, and CI must run the browser tests (apt-get install chromium)")
        pytest.skip("chromium is not installed")
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with explorer(tmp_path_factory.mktemp("journeys")) as url:
        yield url


@pytest.fixture(scope="module")
def browser(chromium):
    b = Browser(chromium, width=1440, height=1200)
    yield b
    b.close()


def text(browser) -> str:
    return browser.evaluate("document.body.innerText")


def click_text(browser, selector: str, words: str) -> None:
    """Click, with the mouse, the element matching ``selector`` whose text (or aria-label) is ``words``."""
    find = (f"[...document.querySelectorAll({selector!r})].find(e => (e.innerText || '').trim() === {words!r}"
            f" || e.getAttribute('aria-label') === {words!r})")
    box = browser.evaluate(f"(() => {{ const e = {find}; if (!e) return null; e.scrollIntoView({{block: 'center'}});"
                           f" const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; }})()")
    assert box, f"no {selector} reading {words!r}"
    for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
        browser.call("Input.dispatchMouseEvent", type=kind, x=box[0], y=box[1], button="left", clickCount=1)


def drawn(browser) -> tuple[set, list]:
    nodes = browser.evaluate("document.querySelector('iframe').contentWindow.policyNetwork.body.data.nodes.get()"
                             ".map(n => [n.level, n.label])")
    edges = browser.evaluate("document.querySelector('iframe').contentWindow.policyNetwork.body.data.edges.get()"
                             ".map(e => [e.from, e.to, !!e.dashes])")
    return {tuple(n) for n in nodes}, edges


def test_journey_a_national_task_down_the_levels(server, browser):
    browser.goto(f"{server}/chain?task={quote(TASK_20, safe='')}")
    browser.wait_for(f"{NETWORK} && document.body.innerText.includes('尚未承接')", timeout=120, settle=2)
    nodes, edges = drawn(browser)
    assert nodes == EXPECTED_NODES
    assert not any(dashed for *_, dashed in edges)
    city, jiangsu = "task/003_7fdab2a4388eb7e7/19", "task/000_e0bd7c87301b5859/34"
    assert [city, jiangsu, False] in edges              # 江阴市's No. 19 under 江苏省's No. 34
    shown = text(browser)
    assert "学校/单位：锦州师范高等专科学校" in shown     # the gap, as read
    assert "国家级" in shown and "确定的落实关系" in browser.evaluate(
        "document.querySelector('iframe').contentDocument.body.innerText")   # the legend
    browser.screenshot(SHOTS / "journey-chain.png")

    # suggestions: switched on, they join dashed; the address keeps the switch
    click_text(browser, "[data-testid=stCheckbox] label", "显示待核的建议链接（虚线）")
    browser.wait_for("location.search.includes('suggestions=1')", timeout=60, settle=2)
    browser.wait_for(NETWORK, timeout=60, settle=2)
    _, edges = drawn(browser)
    assert any(dashed for *_, dashed in edges) == ("另有" in shown)
    browser.screenshot(SHOTS / "journey-chain-suggestions.png")


def obligations() -> dict[tuple[str, str], str]:
    """(document, number) -> role of 江西省教育厅 and its units, by the canned query on a store of the examples."""
    import tempfile

    from explorer_corpus import build_store
    from policykg.graph.stores.registry import open_store
    from policykg.queries.registry import Registry
    from policykg.queries.runner import run

    with tempfile.TemporaryDirectory() as work:
        build_store(Path(work) / "store", Path(work) / "files")
        store = open_store(path=str(Path(work) / "store"), read_only=True)
        try:
            result = run(Registry.load().get("department-obligations"), store,
                         {"department": "provincial/江西省/education", "with_units": True, "limit": 100_000})
        finally:
            store.close()
    cols = result.columns
    out: dict[tuple[str, str], str] = {}
    for r in result.rows:
        key = (r[cols.index("document")], r[cols.index("task_no")])
        if out.get(key) != "lead":
            out[key] = r[cols.index("role")]
    return out


def test_journey_what_a_department_owes(server, browser):
    expected = obligations()
    lead = sum(1 for role in expected.values() if role == "lead")
    browser.goto(f"{server}/department?dept={quote(JX, safe='')}&as_of=2022-06-30")
    browser.wait_for("document.body.innerText.includes('按截止日期排列')", timeout=120, settle=2)
    shown = text(browser)
    assert f"共 {len(expected)} 项（任务 {len(expected)} 项、学校举措 0 项）：牵头 {lead} 项，配合 {len(expected) - lead} 项" \
        in shown
    assert "第 1–20 项" in shown and "表1第" in shown and "002_9942bf19912af7cb" not in shown
    browser.screenshot(SHOTS / "journey-department.png")

    click_text(browser, "[data-testid=stPills] button, [data-testid=stButtonGroup] button", "配合")
    browser.wait_for("location.search.includes('role=support')", timeout=60, settle=2)
    browser.wait_for(f"document.body.innerText.includes('共 {len(expected) - lead} 项（按截止日期排列）')",
                     timeout=60, settle=1)
    marks = browser.evaluate("[...document.querySelectorAll('[data-testid=stMarkdownContainer] p')]"
                             ".map(p => p.innerText).filter(t => /^(牵头|配合) 《/.test(t)).map(t => t.slice(0, 2))")
    assert marks and set(marks) == {"配合"}
    browser.screenshot(SHOTS / "journey-department-support.png")

    click_text(browser, "[data-testid=stPills] button, [data-testid=stButtonGroup] button", "配合")   # off again
    browser.wait_for("!location.search.includes('role=')", timeout=60, settle=2)
    pill = browser.evaluate("[...document.querySelectorAll('[data-testid=stPills] button, "
                            "[data-testid=stButtonGroup] button')].map(b => b.innerText).find(t => t.startsWith("
                            "'90天后到期'))")
    n = int(re.search(r"（(\d+)）", pill).group(1))
    click_text(browser, "[data-testid=stPills] button, [data-testid=stButtonGroup] button", pill)
    browser.wait_for("location.search.includes('status=later')", timeout=60, settle=2)
    browser.wait_for(f"document.body.innerText.includes('共 {n} 项（按截止日期排列）')", timeout=60, settle=1)
    browser.screenshot(SHOTS / "journey-department-due-later.png")

    # a shared link opens the same view
    url = browser.evaluate("location.href")
    browser.goto("about:blank")
    browser.goto(url)
    browser.wait_for(f"document.body.innerText.includes('共 {n} 项（按截止日期排列）')", timeout=120, settle=1)


def test_journey_a_briefing_download(server, browser, tmp_path):
    from docx import Document

    browser.goto(f"{server}/chain?task={quote(TASK_20, safe='')}")
    browser.wait_for(f"{NETWORK} && document.body.innerText.includes('Word 简报（谁承接了这项任务）')",
                     timeout=120, settle=2)
    browser.call("Browser.setDownloadBehavior", behavior="allow", downloadPath=str(tmp_path))
    browser.evaluate("[...document.querySelectorAll('button')].find(b => b.innerText.includes('谁承接了这项任务'))"
                     ".scrollIntoView({block: 'center'})")
    browser.drain(1)
    browser.screenshot(SHOTS / "journey-briefing-button.png")
    browser.evaluate("[...document.querySelectorAll('button')].find(b => b.innerText.includes('谁承接了这项任务'))"
                     ".click()")
    deadline = time.monotonic() + 90
    while not list(tmp_path.glob("*.docx")) and time.monotonic() < deadline:
        browser.drain(0.5)
    saved = list(tmp_path.glob("*.docx"))
    assert saved, f"no briefing downloaded: {list(tmp_path.iterdir())}"
    document = Document(io.BytesIO(saved[0].read_bytes()))
    scope = next(p.text for p in document.paragraphs if p.text.startswith("涉及文件"))
    labels = dict(re.findall(r"([①-⑩])(《.+?》)(?=[；。])", scope))
    uptake = next(t for t in document.tables if t.rows[0].cells[1].text == "已承接（逐级）")
    row = uptake.rows[1]
    assert row.cells[0].text.startswith("①第20项") and labels["①"] == "《重点任务（项目）一览表》"
    taken = [re.match(r"(　*)([①-⑩])第(\d+)项　(\S+?)(（学校举措）)?$", line).groups()
             for line in row.cells[1].text.split("\n")]
    assert [(indent, no, who) for indent, _, no, who, _ in taken] == [
        ("", "34", "江苏省"), ("　", "19", "江阴市"), ("", "38", "江西省"), ("", "26", "辽宁省"), ("", "48", "辽宁省"),
        ("", "13", "江阴市")]
    assert labels[taken[0][1]] == "《省教育厅重点任务清单》" and labels[taken[2][1]] == "《江西省工作任务清单》"
    assert row.cells[2].text == "学校/单位：锦州师范高等专科学校"


def test_journey_shared_addresses_restore_the_view(server, browser):
    """A saved query run with its parameters, and a task found by its reference: the address holds the view, and
    opening it afresh (a colleague's browser) shows the same."""
    browser.goto(f"{server}/queries?q=search-tasks")
    browser.wait_for("document.querySelector('[data-testid=stForm] [data-testid=stTextInput] input')", timeout=120,
                     settle=2)
    browser.evaluate("document.querySelector('[data-testid=stForm] [data-testid=stTextInput] input').focus()")
    browser.call("Input.insertText", text="乡村振兴人才培养优质校")
    click_text(browser, "button", "运行")
    browser.wait_for("location.search.includes('run=1') && location.search.includes('keyword=')", timeout=60,
                     settle=1)
    url = browser.evaluate("location.href")
    assert f"keyword={quote('乡村振兴人才培养优质校')}" in url
    browser.goto("about:blank")
    browser.goto(url)
    # as read: only the national list's task 26 (建设100所乡村振兴人才培养优质校) has these words
    browser.wait_for("document.body.innerText.includes('1 行结果')", timeout=120, settle=2)
    assert browser.evaluate("document.querySelector('[data-testid=stForm] [data-testid=stTextInput] input').value") \
        == "乡村振兴人才培养优质校"
    browser.screenshot(SHOTS / "journey-shared-query.png")

    browser.goto(f"{server}/chain")
    browser.wait_for("document.querySelector('input[aria-label=\"查找任务（任意层级）\"]')", timeout=120, settle=2)
    browser.evaluate("document.querySelector('input[aria-label=\"查找任务（任意层级）\"]').focus()")
    browser.call("Input.insertText", text="江西省工作任务清单 第38项")
    for kind in ("keyDown", "keyUp"):
        browser.call("Input.dispatchKeyEvent", type=kind, key="Enter", code="Enter", windowsVirtualKeyCode=13)
    jx_38 = "task/002_9942bf19912af7cb/38"
    browser.wait_for(f"location.search.includes({quote(jx_38, safe='')!r})", timeout=60, settle=2)
    url = browser.evaluate("location.href")
    browser.goto("about:blank")
    browser.goto(url)
    browser.wait_for(f"{NETWORK} && document.body.innerText.includes('尚未承接')", timeout=120, settle=2)
    nodes, _ = drawn(browser)
    assert "江西省\n第38项" in {label for _, label in nodes}
    browser.screenshot(SHOTS / "journey-shared-tree.png")


def test_the_overview_link_and_nothing_leaves_the_machine(server, browser):
    browser.goto(f"{server}/overview")
    browser.wait_for("document.querySelectorAll('[data-testid=stMetric]').length >= 6 && "
                     "document.body.innerText.includes('承担任务最多的部门')", timeout=120, settle=2)
    assert "Page not found" not in text(browser)
    browser.screenshot(SHOTS / "journey-overview.png")
    outside = sorted({u for u in browser.requests if not is_local(u)})
    assert not outside, f"requests beyond loopback: {outside[:10]}"
