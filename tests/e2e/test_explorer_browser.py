"""End to end: `policykg app` on a free port over a store built from the examples, loaded in real headless
Chromium that can resolve no name but loopback. Every page renders (screenshots under
test-output/screenshots/), the graph page draws vis-network nodes, hostile task text shows and runs nothing,
and no request leaves the machine."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from explorer_cdp import Browser, find_chromium, is_local
from explorer_corpus import HOSTILE_DOC, build_store
from processes import stop_process

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-output" / "screenshots"
# what proves each page has rendered (its data, not just the frame)
PAGES = {
    "overview": "document.querySelectorAll('[data-testid=stMetric]').length >= 5 && "
                "document.querySelector('[data-testid=stVegaLiteChart] canvas, [data-testid=stVegaLiteChart] svg')",
    "browse": "document.body.innerText.includes('项（任务 ') && document.querySelectorAll('.policykg-text').length > 3",
    "graph": "(() => { const f = document.querySelector('iframe'); const w = f && f.contentWindow;"
             " return w && w.policyNetwork && w.document.querySelector('#graph canvas') &&"
             " w.policyNetwork.body.data.nodes.length; })()",
    "queries": "document.body.innerText.includes('运行') && document.querySelector('textarea')",
    "timeline": "document.querySelector('[data-testid=stVegaLiteChart] canvas, [data-testid=stVegaLiteChart] svg') && "
                "document.body.innerText.includes('逾期')",
    "ingest": "document.querySelector('[data-testid=stFileUploader]')",
}


@pytest.fixture(scope="module")
def chromium():
    path = find_chromium()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed, and CI must run the browser tests (apt-get install chromium)")
        pytest.skip("chromium is not installed")
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    work = tmp_path_factory.mktemp("e2e")
    build_store(work / "store", work / "files")
    port = _free_port()
    log = open(work / "streamlit.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "policykg.app.cli", "app", "--store", str(work / "store"),
                             "--port", str(port), "--query-dir", str(work / "queries")],
                            stdout=log, stderr=subprocess.STDOUT, cwd=work)
    (work / "queries").mkdir()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).status == 200:
                break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(f"policykg app did not start: {(work / 'streamlit.log').read_text()[-2000:]}")
        time.sleep(0.3)
    yield url
    stop_process(proc, timeout=15)
    log.close()


@pytest.fixture(scope="module")
def browser(chromium):
    b = Browser(chromium, width=1440, height=1000)
    yield b
    b.close()


@pytest.mark.parametrize("page", list(PAGES))
def test_page_renders(server, browser, page):
    browser.goto(f"{server}/{'' if page == 'overview' else page}")   # the default page lives at the root
    browser.wait_for(PAGES[page], timeout=90, settle=1.5)
    assert not browser.evaluate("document.querySelector('[data-testid=stException]')"), "a traceback is shown"
    assert "Page not found" not in browser.evaluate("document.body.innerText")
    browser.screenshot(SHOTS / f"{page}.png")


def test_graph_draws_nodes_offline(server, browser):
    browser.goto(f"{server}/graph")
    nodes = browser.wait_for(PAGES["graph"], timeout=90)
    shown = browser.evaluate("document.body.innerText")
    assert f"显示 {nodes} 个节点" in shown
    # the drawing is done: physics settled and the canvas holds pixels
    browser.wait_for("(() => { const w = document.querySelector('iframe').contentWindow;"
                     " const c = w.document.querySelector('#graph canvas'); const d = c.getContext('2d')"
                     ".getImageData(0, 0, c.width, c.height).data; for (let i = 3; i < d.length; i += 4)"
                     " { if (d[i]) return true; } return false; })()", timeout=60, settle=2)
    browser.screenshot(SHOTS / "graph-drawn.png")


def test_hostile_text_shows_and_runs_nothing(server, browser):
    browser.goto(f"{server}/graph?node=doc/{HOSTILE_DOC}")
    browser.wait_for(PAGES["graph"], timeout=90, settle=2)
    tip = browser.evaluate(f"document.querySelector('iframe').contentWindow.policyNetwork.body.data.nodes"
                           f".get('task/{HOSTILE_DOC}/1').title.textContent")
    assert "<script>window.__pwned=1</script>" in tip
    assert browser.evaluate("window.__pwned === undefined && "
                            "document.querySelector('iframe').contentWindow.__pwned === undefined")
    browser.screenshot(SHOTS / "graph-hostile.png")

    browser.goto(f"{server}/browse")
    browser.wait_for(PAGES["browse"], timeout=90)
    browser.evaluate("document.querySelector('[data-testid=stTextInput] input').focus()")   # the keyword box
    browser.call("Input.insertText", text="pwned")
    for kind in ("keyDown", "keyUp"):
        browser.call("Input.dispatchKeyEvent", type=kind, key="Enter", code="Enter", windowsVirtualKeyCode=13)
    browser.wait_for("document.body.innerText.includes('共 1 项（任务 1 项、学校举措 0 项）')", timeout=60, settle=1)
    text = browser.evaluate("document.body.innerText")
    assert "<script>window.__pwned=1</script>" in text and "**加粗**" in text
    assert browser.evaluate("window.__pwned === undefined && !document.querySelector('.policykg-text script, "
                            ".policykg-text img')")
    browser.screenshot(SHOTS / "browse-hostile.png")


def test_no_request_left_the_machine(server, browser):
    browser.goto(f"{server}/")
    browser.wait_for(PAGES["overview"], timeout=90, settle=2)
    assert browser.requests, "no requests were recorded"
    outside = sorted({u for u in browser.requests if not is_local(u)})
    assert not outside, f"requests beyond loopback: {outside[:10]}"
    refused = [(u, e) for u, e in browser.failed if "NAME_NOT_RESOLVED" in e]
    assert not refused, refused


@pytest.fixture(scope="module")
def linked_task():
    """A task with a confident link and a suggestion upward: the server's store is linked the same way (the
    examples through the real pipeline, then ``cascade.link``)."""
    from policykg.graph.cascade import linker as cascade
    from policykg.graph.build import build
    from policykg.graph.pipeline import process_files

    from explorer_corpus import EXAMPLES

    edges = cascade.link(build(process_files(sorted(EXAMPLES.glob("*.txt")))[0]))
    by_task: dict[str, set[bool]] = {}
    for e in edges:
        if e.source.startswith("task/"):
            by_task.setdefault(e.source, set()).add(e.props["review"])
    return next(task for task, flags in sorted(by_task.items()) if flags == {True, False})


def test_graph_chain_and_briefing_download(server, browser, linked_task, tmp_path):
    import io

    from docx import Document

    browser.goto(f"{server}/graph?node={linked_task}")
    browser.wait_for(PAGES["graph"], timeout=90, settle=2)
    text = browser.evaluate("document.body.innerText")
    assert "落实上级任务" in text and "建议 / 待核" in text      # the centre task's chain, in its details
    for label in ("GraphML", "CSV（zip）", "Turtle", "JSON-LD", "HTML 网页", "Word 简报"):
        assert label in text
    browser.evaluate("[...document.querySelectorAll('h3')].find(h => h.innerText.includes('节点详情'))"
                     ".scrollIntoView({block: 'center'})")
    browser.drain(1)
    browser.screenshot(SHOTS / "graph-export-chain.png")
    # a real click on the deferred download: the briefing is made on the server and saved by the browser
    browser.call("Browser.setDownloadBehavior", behavior="allow", downloadPath=str(tmp_path))
    browser.evaluate("[...document.querySelectorAll('button')].find(b => b.innerText.includes('Word 简报')).click()")
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob("*.docx")) and time.monotonic() < deadline:
        browser.drain(0.5)
    saved = list(tmp_path.glob("*.docx"))
    assert saved, f"no briefing downloaded: {list(tmp_path.iterdir())}"
    document = Document(io.BytesIO(saved[0].read_bytes()))
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "序号")
    assert any(row.cells[0].text.isdigit() for row in table.rows[1:])
