"""Every explorer page driven with Streamlit's AppTest on a real embedded store built from the examples
(plus one hostile document) through the real pipeline. Expected values come from the extraction records
or from the canned queries run directly on a store, never from the app's own code."""
from __future__ import annotations

import html
import re
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from e2e.explorer_corpus import HOSTILE_DOC, build_store

ENTRY = str(Path(__file__).resolve().parents[1] / "app" / "explorer.py")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    work = tmp_path_factory.mktemp("explorer")
    from policykg.graph.build import build
    from policykg.graph.pipeline import process_files
    from e2e.explorer_corpus import EXAMPLES, write_hostile

    counts = build_store(work / "store", work / "files")
    results, _ = process_files(sorted(EXAMPLES.glob("*.txt")) + [write_hostile(work / "files")])
    return {"store": work / "store", "queries": work / "my-queries", "counts": counts, "results": results,
            "graph": build(results)}


@pytest.fixture
def app(corpus, monkeypatch):
    monkeypatch.setenv("POLICYKG_STORE", str(corpus["store"]))
    monkeypatch.setenv("POLICYKG_QUERY_DIR", str(corpus["queries"]))
    corpus["queries"].mkdir(exist_ok=True)
    for name in ("NEO4J_URI", "POLICYKG_SPARQL_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    at = AppTest.from_file(ENTRY, default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def goto(at: AppTest, page: str) -> AppTest:
    at.switch_page(f"explorer_pages/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def charts(at: AppTest) -> list:
    return at.get("vega_lite_chart")


def test_overview_counts_documents_and_headline_chart(app, corpus):
    counts = corpus["counts"]
    shown = {m.label: m.value for m in app.metric}
    assert shown == {"文件": str(counts["Document"]), "任务": f"{counts['Task']:,}",
                     "学校举措": str(counts["SchoolMeasure"]),      # counted apart from the tasks
                     "部门": str(counts["Department"]), "量化目标": str(counts["Target"]),
                     "时限": str(counts["Deadline"])}
    assert counts["Document"] == 6 and counts["Task"] == sum(len(r.tasks) for r in corpus["results"])
    documents = app.dataframe[0].value
    # the hostile document has no manifest entry: its title (省教育厅测试任务清单) places it at the provincial level
    assert len(documents) == 6 and set(documents["层级"]) == {"国家级", "省级", "市级", "省级+学校/单位"}
    assert len(charts(app)) == 1
    assert any(str(corpus["store"]) in c.value for c in app.sidebar.caption)


def test_english_switch(app):
    app.sidebar.toggle[0].set_value(True).run()
    assert app.title[0].value == "Policy task graph"
    assert {m.label for m in app.metric} == {"Documents", "Tasks", "School measures", "Departments", "Targets",
                                             "Deadlines"}


def test_browse_keyword_highlights_and_counts(app, corpus):
    goto(app, "browse")
    app.text_input(key="browse_kw").input("在线开放课程").run()
    expected = sum("在线开放课程" in t.text for r in corpus["results"] for t in r.tasks)
    measures = sum(1 for r in corpus["results"] for t in r.tasks if t.school_measures is not None and "在线开放课程"
                   in (t.school_measures.measure or "") + "".join(t.school_measures.goals))
    assert expected > 0
    # what each count counts: tasks and school measures apart
    assert f"共 {expected + measures} 项（任务 {expected} 项、学校举措 {measures} 项）" in markdown(app)
    assert "<mark>在线开放课程</mark>" in markdown(app)
    located = [t for r in corpus["results"] for t in r.tasks if "在线开放课程" in t.text]
    # the source: document and row/paragraph, in words ("paragraph 10" reads 第10段, "table 1, row 7" 表1第7行)
    where = re.sub(r"table (\d+), row (\d+)", r"表\1第\2行", re.sub(r"paragraph (\d+)", r"第\1段",
                                                                    located[0].provenance.location))
    assert where in markdown(app)


def test_browse_department_rollup_matches_the_canned_query(app, corpus):
    from policykg.queries.registry import Registry
    from policykg.queries.runner import run

    goto(app, "browse")
    dept = "dept/provincial/江苏省/education"
    app.selectbox(key="browse_dept").select(dept).run()
    rolled = markdown(app)
    app.checkbox(key="browse_units").uncheck().run()
    own = markdown(app)
    # the same question answered by the SPARQL canned query, through the store the app holds open
    from policykg.app.explorer_data import store as app_store

    query = Registry.load().get("department-obligations")
    with_units = run(query, app_store(), {"department": "provincial/江苏省/education", "with_units": True,
                                          "limit": 10000})
    alone = run(query, app_store(), {"department": "provincial/江苏省/education", "with_units": False,
                                     "limit": 10000})
    docs_col = with_units.columns.index("document")
    no_col = with_units.columns.index("task_no")
    n_rolled = len({(r[docs_col], r[no_col]) for r in with_units.rows})
    n_alone = len({(r[docs_col], r[no_col]) for r in alone.rows})
    assert n_rolled > n_alone
    assert f"共 {n_rolled} 项（" in rolled
    assert f"共 {n_alone} 项（" in own


def test_hostile_text_is_shown_not_run(app):
    goto(app, "browse")
    app.selectbox(key="browse_doc").select(HOSTILE_DOC).run()
    shown = markdown(app)
    assert "共 2 项（任务 2 项、学校举措 0 项）" in shown
    assert "<script" not in shown and "<img" not in shown and "<b>" not in shown
    assert "&lt;script&gt;" in shown and "&#42;&#42;加粗&#42;&#42;" in shown and "&#36;x&#36;" in shown
    # what the reader sees is the text exactly as written
    assert "建设<script>window.__pwned=1</script>示范性" in html.unescape(shown)


def test_graph_view_renders_offline_and_reports_the_cap(app):
    goto(app, "graph")
    frames = app.get("iframe")
    assert frames, "no graph frame"
    page = frames[0].proto.srcdoc
    assert "new vis.Network(" in page and "cdnjs" not in page
    size = next(c.value for c in app.caption if "个节点" in c.value)
    assert not app.warning
    app.slider(key="graph_depth").set_value(4).run()
    app.number_input(key="graph_cap").set_value(20).run()
    assert app.warning and "只显示了其中最重要的 20 个" in app.warning[0].value
    assert "显示 20 个节点" in next(c.value for c in app.caption if "个节点" in c.value)
    assert size


def test_graph_view_of_hostile_text_carries_no_markup(app):
    app.query_params["node"] = f"doc/{HOSTILE_DOC}"
    goto(app, "graph")
    page = app.get("iframe")[0].proto.srcdoc
    assert "window.__pwned" in page              # the text is there ...
    assert "<script>window" not in page and "<img" not in page   # ... but never as markup


def test_graph_click_through_details_and_recentre(app, corpus):
    graph = corpus["graph"]
    task = "task/002_9942bf19912af7cb/1"
    lead = next(e.target for e in graph.edges.values() if e.source == task and e.type == "LEAD")
    app.query_params["node"] = task          # a link to a node opens the graph centred on it
    goto(app, "graph")
    assert app.radio(key="graph_kind").value == "Task"
    assert app.selectbox(key="graph_pick").value == task
    app.selectbox(key="graph_detail").select(lead).run()
    details = app.table[0].value
    assert graph.nodes[lead].props["name"] in details.to_string()
    app.button(key="graph_recentre").click().run()
    assert app.radio(key="graph_kind").value == "Department"
    assert app.selectbox(key="graph_pick").value == lead


def test_saved_query_form_table_and_csv(app):
    goto(app, "queries")
    app.selectbox(key="q_name").select("top-departments").run()
    app.button[0].click().run()   # the form's run button
    assert not app.error
    table = app.dataframe[0].value
    from policykg.app.explorer_data import store as app_store
    from policykg.queries.registry import Registry
    from policykg.queries.runner import run

    direct = run(Registry.load().get("top-departments"), app_store(), {})
    assert len(table) == len(direct.rows) > 5
    assert list(table["合计"]) == [row[direct.columns.index("total")] for row in direct.rows]
    assert any(b.label == "下载 CSV" for b in app.get("download_button"))


def test_custom_query_error_shown_and_save(app, corpus):
    goto(app, "queries")
    app.text_area(key="q_text").input("SELECT WHERE {").run()
    app.button(key="q_custom_run").click().run()
    # a sentence that says what to do, and the engine's own words below it for the query's author
    assert app.error and "语法错误" in app.error[0].value and not app.exception
    assert app.code and app.code[0].value
    app.text_area(key="q_text").input("DELETE WHERE { ?s ?p ?o }").run()
    app.button(key="q_custom_run").click().run()
    assert app.error and "只读" in app.error[0].value
    app.text_area(key="q_text").input(
        "PREFIX pk: <https://policykg.org/ontology#>\nSELECT ?doc (COUNT(?t) AS ?n) WHERE { ?t a pk:Task ; "
        "pk:docId ?doc } GROUP BY ?doc ORDER BY ?doc").run()
    app.button(key="q_custom_run").click().run()
    assert not app.error
    counts = app.dataframe[-1].value
    assert dict(zip(counts["doc"], counts["n"])) == {r.meta.doc: len(r.tasks) for r in corpus["results"]}
    app.text_input(key="q_save_name").input("tasks-per-document").run()
    app.button(key="q_save").click().run()
    assert (corpus["queries"] / "tasks-per-document.rq").is_file()
    assert (corpus["queries"] / "tasks-per-document.yaml").is_file()
    goto(app, "queries")
    assert any(o.endswith("（我的） · tasks-per-document") for o in app.selectbox(key="q_name").options)
    app.selectbox(key="q_name").select("tasks-per-document").run()
    app.button[0].click().run()
    assert dict(zip(app.dataframe[0].value["doc"], app.dataframe[0].value["n"])) == \
        {r.meta.doc: len(r.tasks) for r in corpus["results"]}


def test_timeline_marks_overdue_as_of_a_date(app, corpus):
    goto(app, "timeline")
    as_of = date(2023, 1, 1)
    app.date_input(key="timeline_as_of").set_value(as_of).run()
    expected, late_tasks, late_measures = 0, 0, 0
    for r in corpus["results"]:
        for t in r.tasks:
            late = [d for d in t.deadlines if (d.end or d.start) and date.fromisoformat(d.end or d.start) < as_of
                    and d.kind.value not in ("ongoing", "recurring")]
            expected += len(late)
            late_tasks += bool(late)
            if t.school_measures is not None:   # the school's completion times are years as printed: 2021年
                years = [int(re.fullmatch(r"(\d{4})年", d).group(1)) for d in t.school_measures.deadlines]
                expected += sum(1 for y in years if y < as_of.year)
                late_measures += any(y < as_of.year for y in years)
    assert late_measures > 0
    # deadlines counted apart from the tasks and school measures they belong to (a task may have several)
    assert f"已逾期的时限 {expected} 个（任务 {late_tasks} 项、学校举措 {late_measures} 项）" in markdown(app)
    assert len(charts(app)) == 1
    frame = app.dataframe[0].value
    assert (frame["状态"] == "逾期").sum() == expected


def test_timeline_browse_and_overview_count_alike(app, corpus):
    """Every count says what it counts, and the pages agree: tasks and school measures apart (as extracted),
    deadlines apart from the items they belong to."""
    tasks = [t for r in corpus["results"] for t in r.tasks]
    measures = sum(1 for t in tasks if t.school_measures is not None)
    whole = f"共 {len(tasks) + measures} 项（任务 {len(tasks)} 项、学校举措 {measures} 项）"
    assert {m.label: m.value for m in app.metric}["学校举措"] == str(measures) > "0"
    goto(app, "browse")
    assert whole in markdown(app)
    # every item reachable, a page of 50 at a time (the last page in the address too)
    total, pages = len(tasks) + measures, -(-(len(tasks) + measures) // 50)
    app.number_input(key="browse_page").set_value(pages).run()
    assert f"第 {50 * (pages - 1) + 1}–{total} 项，共 {total} 项（按文件和序号排列）" in [c.value for c in app.caption]
    assert app.query_params.get("page") in (str(pages), [str(pages)])
    goto(app, "timeline")
    assert markdown(app).startswith(f"**{whole}；在时间线上：任务 ")
    assert set(app.dataframe[0].value["任务或学校举措"]) == {"任务", "学校举措"}   # a school's years are dates too
    # one document: the Liaoning list with a school's measures beside its rows
    liaoning = next(r for r in corpus["results"] if r.meta.doc == "004_2a2449f2b149ce8a")
    mine = sum(1 for t in liaoning.tasks if t.school_measures is not None)
    app.selectbox(key="timeline_doc").select("004_2a2449f2b149ce8a").run()
    assert markdown(app).startswith(f"**共 {len(liaoning.tasks) + mine} 项（任务 {len(liaoning.tasks)} 项、"
                                    f"学校举措 {mine} 项）")


def test_a_school_units_measures_fall_due_by_their_years(app, corpus):
    """What a school's 教务处 owes: the school's measures beside the Liaoning list's rows, led by the first unit
    named, due at the end of the year printed (2021年: overdue by mid-2022; 2023年, 2025年: later), never
    counted as having no deadline."""
    measures = [t.school_measures for r in corpus["results"] for t in r.tasks
                if t.school_measures is not None and "教务处" in t.school_measures.units]
    lead = sum(1 for m in measures if m.units[0] == "教务处")
    earliest = [min(int(re.fullmatch(r"(\d{4})年", d).group(1)) for d in m.deadlines) for m in measures]
    app.query_params["dept"] = "dept/institution/锦州师范高等专科学校/教务处"
    app.query_params["as_of"] = "2022-06-30"
    goto(app, "department")
    assert (f"共 {len(measures)} 项（任务 0 项、学校举措 {len(measures)} 项）：牵头 {lead} 项，"
            f"配合 {len(measures) - lead} 项") in html.unescape(markdown(app))
    metrics = {m.label: int(m.value) for m in app.metric}
    assert metrics == {"已逾期": sum(1 for y in earliest if y < 2022), "30天内到期": 0, "31至90天内到期": 0,
                       "90天后到期": sum(1 for y in earliest if y >= 2022), "无明确时限": 0}
    assert metrics["已逾期"] > 0


def test_ingest_previews_then_writes(corpus, monkeypatch, tmp_path):
    monkeypatch.setenv("POLICYKG_STORE", str(tmp_path / "fresh"))
    monkeypatch.delenv("POLICYKG_QUERY_DIR", raising=False)
    at = AppTest.from_file(ENTRY, default_timeout=120)
    at.run()
    assert "数据库中还没有文件" in "\n".join(i.value for i in at.info)
    goto(at, "ingest")
    example = sorted((Path(__file__).resolve().parents[1] / "examples").glob("*.txt"))[0]
    at.file_uploader[0].set_value([(example.name, example.read_bytes(), "text/plain"),
                                   ("renamed.txt", b"%PDF-1.4 not really text", "text/plain")]).run()
    expected = next(len(r.tasks) for r in corpus["results"] if r.meta.doc == example.stem)
    assert any(f"{expected} 项任务" in e.label for e in at.expander)
    # the format is recognised from the bytes, whatever the name says (a broken PDF here, not text); the error
    # names the file and says what to do, in Chinese
    assert any("renamed.txt" in e.value and "无法读取" in e.value and "另存为 Word" in e.value for e in at.error)
    assert at.dataframe[0].value.shape[0] == expected
    at.button(key="ingest_write").click().run()
    assert any(f"{example.name}：已新增" in s.value for s in at.success), [s.value for s in at.success]
    goto(at, "overview")
    assert {m.label: m.value for m in at.metric}["任务"] == str(expected)


def test_the_cache_key_follows_writes_by_another_process(monkeypatch, tmp_path):
    """The explorer's results hang on ``version()``: the same while nothing is written, new after a
    `policykg ingest` beside it (read from its snapshot's name, not from every document's hash)."""
    import subprocess
    import sys

    from policykg.app import explorer_data as data

    examples = sorted((Path(__file__).resolve().parents[1] / "examples").glob("*.txt"))
    kg = tmp_path / "kg"

    def ingest(path: Path) -> None:
        done = subprocess.run([sys.executable, "-m", "policykg.app.cli", "ingest", str(path), "--store", str(kg),
                               "-q", "--no-link"], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr

    ingest(examples[0])
    monkeypatch.setenv("POLICYKG_STORE", str(kg))
    data._open_store.clear()
    first = data.version()
    assert first.startswith("snapshot ") and data.version() == first
    assert [d.doc_id for d in data.document_places()] == [examples[0].stem]
    ingest(examples[1])
    assert data.version() != first
    assert sorted(d.doc_id for d in data.document_places()) == sorted(e.stem for e in examples[:2])
    data._open_store.clear()


def test_ingest_refuses_a_file_over_the_limit(monkeypatch, tmp_path):
    monkeypatch.setenv("POLICYKG_STORE", str(tmp_path / "fresh"))
    monkeypatch.setenv("POLICYKG_UPLOAD_LIMIT_MB", "1")
    at = AppTest.from_file(ENTRY, default_timeout=120)
    at.run()
    goto(at, "ingest")
    at.file_uploader[0].set_value(("big.txt", "任务".encode() * 400_000, "text/plain")).run()
    assert any("big.txt" in e.value and "1 MB" in e.value for e in at.error)
    assert not at.get("button") or not any(getattr(b, "key", None) == "ingest_write" for b in at.button)


@pytest.mark.parametrize("page, title", [("browse", "Browse & search"), ("graph", "Graph"),
                                         ("queries", "Saved queries"), ("timeline", "Timeline"),
                                         ("ingest", "Ingest")])
def test_every_page_in_english(app, page, title):
    app.sidebar.toggle[0].set_value(True).run()
    goto(app, page)
    assert app.title[0].value == title
    assert not app.error


# ---- exports, the implementation chain, linking on ingest -------------------------------------------------------

@pytest.fixture
def served(monkeypatch):
    """What each deferred download button would serve: its callable, by file id (AppTest has no browser to click)."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    made: dict[str, object] = {}
    original = MediaFileManager.add_deferred

    def record(self, data_callable, *args, **kwargs):
        file_id = original(self, data_callable, *args, **kwargs)
        made[file_id] = data_callable
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", record)
    return made


def downloads(at: AppTest, served: dict) -> dict[str, bytes | None]:
    """Each export button's label -> the bytes it serves (None when the button is off)."""
    out = {}
    for button in at.get("download_button"):
        file_id = button.proto.deferred_file_id
        if file_id:
            out[button.proto.label] = None if button.proto.disabled else served[file_id]()
    return out


EXPORT_LABELS = ("GraphML", "CSV（zip）", "Turtle", "JSON-LD", "HTML 网页", "Word 简报")


def briefing_rows(data: bytes) -> list[list[str]]:
    """The numbered rows of the briefing's obligations table (序号, 任务内容, ..., 落实上级任务, 出处)."""
    import io

    from docx import Document

    document = Document(io.BytesIO(data))
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "序号")
    return [[c.text for c in row.cells] for row in table.rows[1:] if row.cells[0].text.isdigit()]


def stored_graph():
    from policykg.app.explorer_data import store as app_store

    return app_store().load_graph()


def test_graph_page_exports_a_department_in_every_format(app, served):
    import csv
    import io
    import json
    import xml.etree.ElementTree as ET
    import zipfile

    import pyoxigraph

    from policykg.graph.views.subgraph import Selection, matching_tasks

    dept = "dept/provincial/江苏省/education"
    app.query_params["node"] = dept
    goto(app, "graph")
    files = downloads(app, served)
    assert set(EXPORT_LABELS) <= set(files)
    graph = stored_graph()
    # the briefing lists every task of the department (with its units), each once
    expected = matching_tasks(graph, Selection(department=dept))
    rows = briefing_rows(files["Word 简报"])
    assert len(rows) == len(expected) > 5
    texts = {graph.nodes[t].props.get("text") for t in expected}
    assert all(any(row[1].startswith(text) for row in rows) for text in texts if text)
    # graph formats: the whole neighbourhood shown (depth 2 around the department), the same in each format
    graphml = ET.fromstring(files["GraphML"])
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    n_nodes = len(graphml.findall(".//g:node", ns))
    n_edges = len(graphml.findall(".//g:edge", ns))
    assert n_nodes > 20 and any(d.text == dept for d in graphml.iter("{http://graphml.graphdrawing.org/xmlns}data"))
    archive = zipfile.ZipFile(io.BytesIO(files["CSV（zip）"]))
    assert sorted(archive.namelist()) == ["edges.csv", "nodes.csv"]
    nodes = list(csv.DictReader(io.StringIO(archive.read("nodes.csv").decode("utf-8-sig"))))
    edges = list(csv.DictReader(io.StringIO(archive.read("edges.csv").decode("utf-8-sig"))))
    assert (len(nodes), len(edges)) == (n_nodes, n_edges) and dept in {n["id"] for n in nodes}
    turtle = pyoxigraph.Store()
    turtle.load(files["Turtle"], format=pyoxigraph.RdfFormat.TURTLE)
    assert len(turtle) > n_nodes
    assert json.loads(files["JSON-LD"])
    assert b"new vis.Network(" in files["HTML 网页"]


def chain_example(graph):
    """A task with a confident link and a suggestion upward, read from the store."""
    links: dict[str, list] = {}
    for e in graph.edges.values():
        if e.type == "IMPLEMENTS" and graph.nodes[e.source].label == "Task":
            links.setdefault(e.source, []).append(e)
    return next((task, sorted(es, key=lambda e: -e.props["score"])) for task, es in sorted(links.items())
                if {e.props["review"] for e in es} == {True, False})


def test_browse_lists_what_a_task_implements(app):
    graph = stored_graph()
    task, links = chain_example(graph)
    doc = graph.nodes[task].props["doc_id"]
    goto(app, "browse")
    app.selectbox(key="browse_doc").select(doc).run()
    shown = html.unescape(markdown(app))
    best = links[0]
    assert not best.props["review"]
    higher = graph.nodes[best.target].props
    assert f"{higher['task_no']}. {higher['text'][:30]}" in shown
    assert f"得分 {best.props['score']:.2f}" in shown
    assert "落实上级任务" in shown and "建议 / 待核" in shown
    # the higher task's own document lists the lower task under "implemented by"
    app.selectbox(key="browse_doc").select(higher["doc_id"]).run()
    assert "被下级落实" in markdown(app)


def test_graph_details_show_the_chain_and_follow_it(app):
    graph = stored_graph()
    task, links = chain_example(graph)
    app.query_params["node"] = task
    goto(app, "graph")
    app.selectbox(key="graph_detail").select(task).run()
    shown = html.unescape(markdown(app))
    assert "落实上级任务" in shown and "建议 / 待核" in shown
    assert f"得分 {links[0].props['score']:.2f}" in shown
    assert "IMPLEMENTS" in app.multiselect(key="graph_rels").value   # the chain is in the view by default
    # following the chain opens it as a tree by level on its own page, with the task chosen
    app.button(key="graph_chain").click().run()
    assert app.selectbox(key="chain_task").value == task
    page = app.get("iframe")[0].proto.srcdoc
    confident = [e for e in links if not e.props["review"]]
    assert all(f'"{e.target}"' in page for e in confident)   # every task it restates (confidently) is drawn


def test_saved_query_results_export_as_briefing(app, served):
    from policykg.app.explorer_data import store as app_store
    from policykg.queries.registry import Registry
    from policykg.queries.runner import run

    goto(app, "queries")
    app.selectbox(key="q_name").select("department-obligations").run()
    app.selectbox(key="q_department-obligations_department").select("provincial/江西省/education")
    app.button[0].click().run()   # a form: the field and its submit button in one run
    assert not app.error
    app.toggle(key="q_export").set_value(True).run()
    files = downloads(app, served)
    assert set(EXPORT_LABELS) <= set(files)
    direct = run(Registry.load().get("department-obligations"), app_store(),
                 {"department": "provincial/江西省/education"})
    cols = direct.columns
    tasks = {(r[cols.index("document")], r[cols.index("task_no")]) for r in direct.rows}
    rows = briefing_rows(files["Word 简报"])
    assert len(rows) == len(tasks) > 3


def test_ingest_links_the_cascade(monkeypatch, tmp_path):
    from policykg.graph.cascade import linker as cascade
    from policykg.graph.build import build
    from policykg.loaders import extract, read_bytes
    from policykg.ontology.resolve import resolve_result

    monkeypatch.setenv("POLICYKG_STORE", str(tmp_path / "fresh"))
    monkeypatch.delenv("POLICYKG_QUERY_DIR", raising=False)
    at = AppTest.from_file(ENTRY, default_timeout=120)
    at.run()
    goto(at, "ingest")
    # uploads carry no manifest: these two state their level in the text (a Jiangxi list; a Liaoning list with
    # one school's measures answering its tasks)
    examples = Path(__file__).resolve().parents[1] / "examples"
    files = [examples / "002_9942bf19912af7cb.txt", examples / "004_2a2449f2b149ce8a.txt"]
    at.file_uploader[0].set_value([(f.name, f.read_bytes(), "text/plain") for f in files]).run()
    at.button(key="ingest_write").click().run()
    assert not at.error
    results = [extract(read_bytes(f.read_bytes(), f.name)) for f in files]
    for result in results:
        resolve_result(result)
    expected = cascade.summary(cascade.link(build(results)))
    assert expected["confident"] > 0, expected
    assert any(s.value == f"落实关系：{expected['confident']} 条确定，{expected['suggestions']} 条建议（待核）"
               for s in at.success), [s.value for s in at.success]
    from policykg.app.explorer_data import store as app_store

    assert app_store().counts()["IMPLEMENTS"] == expected["links"]
    # the links show at once (links change no document hash; the cached reads were dropped)
    goto(at, "browse")
    at.selectbox(key="browse_doc").select("004_2a2449f2b149ce8a").run()
    assert "被下级落实" in markdown(at)   # its tasks, answered by the school's measures
