"""The analyst's journeys of issue 15 in the explorer, driven with AppTest on the examples' store: a national task
down the levels, what a department owes, the busiest departments; filters in the page address; every message in
words (no developer text in the Chinese interface) and every page in both languages.

Expected values come from the examples as read by hand (national task 20: see tests/test_chain_tree.py) or from
the canned queries run directly on the store, never from the pages' own code."""
from __future__ import annotations

import html
import re
from datetime import date
from pathlib import Path

import pytest
import yaml
from e2e.explorer_corpus import build_store
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
ENTRY = str(ROOT / "app" / "explorer.py")
TASK_20 = "task/001_8158844c7a4eb5af/20"
JX = "dept/provincial/江西省/education"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    work = tmp_path_factory.mktemp("journeys")
    build_store(work / "store", work / "files")
    return work


@pytest.fixture
def app(corpus, monkeypatch):
    monkeypatch.setenv("POLICYKG_STORE", str(corpus / "store"))
    monkeypatch.delenv("POLICYKG_QUERY_DIR", raising=False)
    for name in ("NEO4J_URI", "POLICYKG_SPARQL_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    at = AppTest.from_file(ENTRY, default_timeout=180)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def goto(at: AppTest, page: str, **params) -> AppTest:
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(f"explorer_pages/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def opened(page: str, **params) -> AppTest:
    """A new session (a colleague opening a shared link) at ``page`` with the address ``params``."""
    at = AppTest.from_file(ENTRY, default_timeout=180)
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(f"explorer_pages/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def shown(at: AppTest) -> str:
    """Every text the page shows (markdown, captions, titles, metrics, messages), unescaped."""
    parts = [e.value for e in at.markdown] + [e.value for e in at.caption] + [e.value for e in at.title]
    parts += [e.value for e in at.subheader] + [f"{m.label} {m.value}" for m in at.metric]
    for kind in ("info", "success", "warning", "error"):
        parts += [e.value for e in at.get(kind)]
    return html.unescape("\n".join(str(p) for p in parts))


def param(at: AppTest, name: str) -> list[str]:
    """A parameter of the page address, as a list of its values ([] when absent)."""
    value = at.query_params.get(name)
    return [] if value is None else value if isinstance(value, list) else [value]


def store():
    from policykg.app.explorer_data import store as app_store

    return app_store()


# ---- a national task down the levels ---------------------------------------------------------------------------

def test_national_task_20_down_the_levels(app):
    goto(app, "chain", task=TASK_20)
    text = shown(app)
    assert app.radio(key="chain_level").value == "national"
    assert app.selectbox(key="chain_task").value == TASK_20
    # as read from the examples: 江苏省 34 (with 江阴市 19 under it), 江西省 38, 辽宁省 26 and 48 (its incentive for
    # the 产教融合型企业 it cultivates; tests/test_chain_tree.py), 江阴市 13
    tree = re.findall(r"^( *)- \*\*(.+?)\*\*", "\n".join(m.value for m in app.markdown), flags=re.MULTILINE)
    heads = [(len(indent) // 4, html.unescape(h)) for indent, h in tree]
    assert [(depth, h.split(" · ")[1], re.search(r"第(\d+)项", h).group(1)) for depth, h in heads] == [
        (0, "全国", "20"), (1, "江苏省", "34"), (2, "江阴市", "19"), (1, "江西省", "38"), (1, "辽宁省", "26"),
        (1, "辽宁省", "48"), (1, "江阴市", "13")]
    assert "学校/单位：锦州师范高等专科学校" in text and "尚未承接" in text
    # the drawing: one node per task, labelled with jurisdiction and number; a legend
    page = app.get("iframe")[0].proto.srcdoc
    assert page.count('"shape": "box"') == 7 and "江苏省\\n第34项" in page and "江阴市\\n第19项" in page
    assert "确定的落实关系" in page


def test_suggestions_are_hidden_until_asked_for(app):
    goto(app, "chain", task=TASK_20)
    hidden = re.search(r"另有 (\d+) 项任务只由待核的建议链接相连", shown(app))
    page = app.get("iframe")[0].proto.srcdoc
    assert '"dashes": true' not in page
    app.toggle(key="chain_suggestions").set_value(True).run()
    assert param(app, "suggestions") == ["1"]
    page = app.get("iframe")[0].proto.srcdoc
    if hidden:    # the linker suggested something: it shows dashed, marked, and says so
        assert '"dashes": true' in page and "建议 / 待核" in shown(app)
    assert "另有" not in shown(app)


def test_the_task_picker_searches_the_whole_text(app):
    goto(app, "chain")
    options = app.selectbox(key="chain_task").options
    # a word from the end of national task 16's text finds it (the whole text is in the option)
    assert any("推进1+X证书制度试点" in o for o in options)
    long = next(o for o in options if "第3项" in o)
    assert "遴选100个左右德育特色案例" in long
    goto(app, "graph")
    app.radio(key="graph_kind").set_value("Task").run()
    app.selectbox(key="graph_task_doc").select("doc/001_8158844c7a4eb5af").run()
    assert any("遴选100个左右德育特色案例" in o for o in app.selectbox(key="graph_pick").options)


def test_the_task_picker_offers_one_document_of_the_level_at_a_time(app):
    """A level, then one of its documents, then that document's tasks: the picker never lists every task of a
    level (at 100,000 tasks that read took seconds). Expected: the hand-checked records of the examples
    (tests/fixtures/seeds_gold/documents.json: each document's level, title, place and task count)."""
    import json

    records = json.loads((ROOT / "tests" / "fixtures" / "seeds_gold" / "documents.json").read_text(encoding="utf-8"))
    provincial = {r["doc"]: r for r in records if r["level"].split("+")[0] == "provincial"}
    goto(app, "chain")
    app.radio(key="chain_level").set_value("provincial").run()
    assert app.radio(key="chain_level").value == "provincial"   # the first pick of a level holds (it snapped back)
    documents = app.selectbox(key="chain_doc")
    # by title, each with its place; Liaoning's title quotes the 意见, whose marks turn to 〈〉 inside 《》; the
    # store's hostile test list (e2e/explorer_corpus.py) is provincial by its 省教育厅, with no place
    assert documents.options == ["《〈教育部辽宁省人民政府关于整省推进职业教育实用高效发展提升服务辽宁振兴能力的意见〉任务落实举措清单》 · 辽宁省",
                                 "《江西省工作任务清单》 · 江西省", "《省教育厅测试任务清单》", "《省教育厅重点任务清单》 · 江苏省"]
    for doc, record in sorted(provincial.items()):
        documents.select(doc).run()
        options = app.selectbox(key="chain_task").options
        head = f"《{record['title'].replace('《', '〈').replace('》', '〉')}》"
        assert [re.match(r"《.+?》第(\d+)项（(\d{3})-\1）", o).groups() for o in options] == \
            [(str(n), doc[:3]) for n in range(1, record["task_count"] + 1)]
        assert all(o.startswith(head) for o in options)
        picked = app.selectbox(key="chain_task").value
        assert param(app, "task") == [picked] and picked.split("/")[1] == doc   # the first task, in the address
        documents = app.selectbox(key="chain_doc")


# as read: the tasks of the examples a search names (DOC-NUMBER, title and number, words of the whole text)
JX_38 = "task/002_9942bf19912af7cb/38"     # 江西省工作任务清单 No. 38: 建立江西省产教融合型企业认证制度 …
JY_19 = "task/003_7fdab2a4388eb7e7/19"     # 江阴市 No. 19: 健全支持民办职业学校发展的相关政策 (restates 江苏 No. 34)


@pytest.mark.parametrize("words, task, level", [
    ("001-20", TASK_20, "national"),                                   # DOC-NUMBER, as the command line takes it
    ("江西省工作任务清单 第38项", JX_38, "provincial"),                  # a title and a number
    ("《江西省工作任务清单》第38项", JX_38, "provincial"),
    ("健全支持民办职业学校发展的相关政策", JY_19, "municipal"),           # words of one task's text, any level
    ("抵免该企业当年应缴教育费附加", JX_38, "provincial"),                # words from the end of a long text
])
def test_the_tree_starts_from_any_task_found_by_reference_or_words(app, words, task, level):
    goto(app, "chain")
    app.text_input(key="chain_find").input(words).run()
    assert app.selectbox(key="chain_task").value == task
    assert app.radio(key="chain_level").value == level
    assert param(app, "task") == [task]
    assert not app.warning and not app.error


def test_a_search_naming_several_tasks_offers_them_to_choose(app):
    goto(app, "chain")
    # as read: 产教融合型企业 is in national tasks 20 and 27 (the national list comes first), 江西省's No. 38,
    # 江阴市's No. 13 and rows of 辽宁省's list
    app.text_input(key="chain_find").input("产教融合型企业").run()
    found = app.selectbox(key="chain_found_pick")
    assert found.options[:2] == [
        "《重点任务（项目）一览表》第20项（001-20） · 遴选建设一批产教融合型城市，培育数以万计的产教融合型企业",
        "《重点任务（项目）一览表》第27项（001-27） · 建立健全省级产教融合型企业认证制度，落实“金融+财政+土地+信用”的组合式激励政策"]
    assert all("产教融合型企业" in option for option in found.options)
    assert re.fullmatch(r"找到 \d+ 项任务，请选择其中一项（输入更多词语可缩小范围）", found.label)
    found.select_index(next(i for i, o in enumerate(found.options) if "第13项（003-13）" in o)).run()
    picked = app.selectbox(key="chain_task")
    assert picked.options[picked.index] == \
        "《江阴市推进职业教育改革创新 打造高质量发展样板的实施方案》第13项（003-13） · 培育不少于3家省级产教融合型企业。"
    assert app.radio(key="chain_level").value == "municipal" and param(app, "task") == [picked.value]


def test_a_search_that_finds_nothing_says_what_to_do(app):
    goto(app, "chain")
    app.text_input(key="chain_find").input("001-999").run()
    assert [w.value for w in app.warning] == [
        "没有找到“001&#45;999”。请检查文件编号和序号（如 001-7），或换用任务内容中的其他词语。"]
    assert param(app, "task") == [app.selectbox(key="chain_task").value]   # the picker keeps its task


def test_follow_the_chain_from_the_graph_page(app):
    goto(app, "graph", node=TASK_20)
    app.selectbox(key="graph_detail").select(TASK_20).run()
    app.button(key="graph_chain").click().run()
    assert app.selectbox(key="chain_task").value == TASK_20


# ---- what a department owes -------------------------------------------------------------------------------------

def obligations(department: str) -> dict[tuple[str, str], str]:
    """(document, number) -> the department's role, from the canned query on the store (lead wins)."""
    from policykg.queries.registry import Registry
    from policykg.queries.runner import run

    result = run(Registry.load().get("department-obligations"), store(),
                 {"department": department, "with_units": True, "limit": 100_000})
    cols = result.columns
    out: dict[tuple[str, str], str] = {}
    for r in result.rows:
        key = (r[cols.index("document")], r[cols.index("task_no")])
        if out.get(key) != "lead":
            out[key] = r[cols.index("role")]
    return out


def cards(at: AppTest) -> list[str]:
    return [html.unescape(m.value) for m in at.markdown if re.match(r":(blue|gray)-background\[", m.value)]


def test_a_department_page_with_lead_support_and_deadline_filters(app):
    expected = obligations("provincial/江西省/education")
    goto(app, "department", dept=JX, as_of="2022-06-30")
    text = shown(app)
    lead = sum(1 for role in expected.values() if role == "lead")
    assert f"共 {len(expected)} 项（任务 {len(expected)} 项、学校举措 0 项）：牵头 {lead} 项，配合 {len(expected) - lead} 项" in text
    metrics = {m.label: int(m.value) for m in app.metric}
    assert sum(metrics.values()) == len(expected)
    # every task reachable: page through, each once, sorted by deadline (the undated last)
    seen, pages = [], int(re.search(r"共 (\d+) 页", app.number_input(key="dept_page").label).group(1))
    for page in range(1, pages + 1):
        app.number_input(key="dept_page").set_value(page).run()
        assert param(app, "page") == ([] if page == 1 else [str(page)])
        seen += cards(app)
    assert len(seen) == len(expected) > 20 and len(set(seen)) == len(seen)
    dated = [c for c in seen if "无明确时限" not in c.split("\n")[0]]
    assert seen[:len(dated)] == dated
    # lead and support marked; the filters keep their part, and say so in the address
    app.number_input(key="dept_page").set_value(1).run()
    app.pills(key="dept_roles").set_value(["support"]).run()
    assert param(app, "role") == ["support"]
    assert f"共 {len(expected) - lead} 项" in shown(app)
    assert all(c.startswith(":gray-background[配合]") for c in cards(app))
    app.pills(key="dept_roles").set_value([]).run()
    app.pills(key="dept_status").set_value(["later"]).run()
    later = [c for c in cards(app)]
    assert len(later) == metrics["90天后到期"] and all("90天后到期" in c for c in later)
    # the source row of each, in words: the document's title and the row, never a hash id
    assert all("来源" in m.value for m in app.markdown if "本部门承担单位" in m.value)
    assert "表1第" in text or "表1第" in shown(app)
    assert "002_9942bf19912af7cb" not in shown(app) and "table 1" not in shown(app)


def test_a_collective_placeholder_is_marked(app):
    goto(app, "department", dept="dept/collective/全国/各地有关部门")
    assert "泛指的一类部门" in shown(app)


def test_the_overview_keeps_named_departments_apart_from_placeholders(app):
    from policykg.queries.registry import Registry
    from policykg.queries.runner import run

    ranked = run(Registry.load().get("top-departments"), store(), {"limit": 1000})
    cols = ranked.columns
    named = [r[cols.index("department")] for r in ranked.rows if not r[cols.index("key")].startswith("collective/")]
    placeholders = [r[cols.index("department")] for r in ranked.rows if r[cols.index("key")].startswith("collective/")]
    frames = [d.value for d in app.dataframe]
    busiest = next(f for f in frames if "牵头" in f.columns)
    assert list(busiest["部门"]) == named[:10]
    assert "各地有关部门" in placeholders and "各地有关部门" not in list(busiest["部门"])
    apart = next(f for f in frames if "牵头" not in f.columns and "部门" in f.columns)
    assert list(apart["部门"]) == placeholders
    # counts say what they count: tasks and school measures apart, as browse counts them
    counts = store().counts()
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["任务"] == f"{counts['Task']:,}" and metrics["学校举措"] == f"{counts['SchoolMeasure']:,}"
    goto(app, "browse")
    assert (f"共 {counts['Task'] + counts['SchoolMeasure']} 项（任务 {counts['Task']} 项、"
            f"学校举措 {counts['SchoolMeasure']} 项）") in shown(app)
    # documents by their titles, never their ids
    goto(app, "overview")
    assert "001_8158844c7a4eb5af" not in "".join(str(v) for f in app.dataframe for v in f.value.to_numpy().ravel())


def test_level_colours_are_fixed_per_level_in_both_languages(app):
    """The overview's chart colours each level by the level, never by the order or the language: 国家级 and
    National are one colour, and so on for every level."""
    import json

    from policykg.graph.views.network_page import LEVEL_COLOURS

    def colours() -> dict[str, str]:
        scale = json.loads(app.get("vega_lite_chart")[0].proto.spec)["encoding"]["color"]["scale"]
        return dict(zip(scale["domain"], scale["range"]))

    chinese = colours()
    app.sidebar.toggle[0].set_value(True).run()
    english = colours()
    assert list(chinese) == ["国家级", "省级", "市级", "县级", "学校/单位"]
    assert list(english) == ["National", "Provincial", "Municipal", "County", "Institution"]
    assert list(chinese.values()) == list(english.values()) == [LEVEL_COLOURS[lv] for lv in (
        "national", "provincial", "municipal", "county", "institution")]
    assert len(set(chinese.values())) == 5


# ---- the address holds the view -----------------------------------------------------------------------------------

def test_filters_live_in_the_address(app):
    goto(app, "browse", dept=JX, kw="职业")
    assert app.selectbox(key="browse_dept").value == JX and app.text_input(key="browse_kw").value == "职业"
    app.checkbox(key="browse_units").uncheck().run()
    assert param(app, "units") == ["0"]
    goto(app, "timeline", as_of="2023-01-01")
    assert app.date_input(key="timeline_as_of").value == date(2023, 1, 1)
    goto(app, "queries", q="due-by")
    assert app.selectbox(key="q_name").value == "due-by"
    # a date parameter has a value to start from
    assert app.date_input(key="q_due-by_date").value is not None


def test_a_saved_query_with_its_parameters_is_shared_by_its_address(app):
    national = "001_8158844c7a4eb5af"
    goto(app, "queries", q="search-tasks")
    app.text_input(key="q_search-tasks_keyword").input("产教融合型企业")
    app.selectbox(key="q_search-tasks_document").select(national)
    app.button[0].click().run()
    assert (param(app, "keyword"), param(app, "document"), param(app, "run")) == (["产教融合型企业"], [national], ["1"])
    assert param(app, "limit") == []   # a default is left out
    # a colleague opening the address sees the same question, values and answer without running it again: as
    # read, 产教融合型企业 is in the national list's tasks 20 and 27
    shared = opened("queries", q="search-tasks", keyword="产教融合型企业", document=national, run="1")
    assert shared.selectbox(key="q_name").value == "search-tasks"
    assert shared.text_input(key="q_search-tasks_keyword").value == "产教融合型企业"
    assert shared.selectbox(key="q_search-tasks_document").value == national
    table = shared.dataframe[0].value
    assert list(table["序号"]) == ["20", "27"] and set(table["文件"]) == {"重点任务（项目）一览表"}
    # another question picked there starts from its own defaults, and the address follows
    shared.selectbox(key="q_name").select("due-by").run()
    assert param(shared, "q") == ["due-by"] and param(shared, "keyword") == [] and param(shared, "run") == []
    assert not shared.dataframe


def test_a_date_parameter_is_in_the_address_and_a_bad_value_is_left_out(app):
    shared = opened("queries", q="due-by", date="2022-12-31", run="1")
    assert shared.date_input(key="q_due-by_date").value == date(2022, 12, 31)
    assert shared.dataframe and param(shared, "date") == ["2022-12-31"]
    # a value the question cannot take is not put into the form (the form keeps its default)
    shared = opened("queries", q="top-departments", level="citywide")
    assert shared.selectbox(key="q_top-departments_level").value is None and not shared.error


def test_the_graph_view_is_shared_by_its_address(app):
    goto(app, "graph", node=JX, depth="1", cap="100")
    app.multiselect(key="graph_rels").set_value(["LEAD", "SUPPORT"]).run()
    assert (param(app, "node"), param(app, "depth"), param(app, "cap"), param(app, "rel")) == \
        ([JX], ["1"], ["100"], ["LEAD", "SUPPORT"])
    shared = opened("graph", node=JX, depth="1", cap="100", rel=["LEAD", "SUPPORT"])
    assert shared.radio(key="graph_kind").value == "Department" and shared.selectbox(key="graph_pick").value == JX
    assert (shared.slider(key="graph_depth").value, shared.number_input(key="graph_cap").value) == (1, 100)
    assert shared.multiselect(key="graph_rels").value == ["LEAD", "SUPPORT"]


def test_the_tree_and_the_timeline_are_shared_by_their_address(app):
    shared = opened("chain", task=JY_19, suggestions="1")
    assert shared.selectbox(key="chain_task").value == JY_19 and shared.radio(key="chain_level").value == "municipal"
    assert shared.toggle(key="chain_suggestions").value is True
    # the search words travel too: a link made while several tasks were offered offers them again
    app_search = opened("chain", find="产教融合型企业")
    assert app_search.text_input(key="chain_find").value == "产教融合型企业"
    assert all("产教融合型企业" in o for o in app_search.selectbox(key="chain_found_pick").options)
    shared = opened("chain", find="001-20")
    assert shared.selectbox(key="chain_task").value == TASK_20 and param(shared, "find") == ["001-20"]
    shared = opened("timeline", as_of="2023-01-01", dept=JX, units="0")
    assert shared.date_input(key="timeline_as_of").value == date(2023, 1, 1)
    assert shared.selectbox(key="timeline_dept").value == JX and shared.checkbox(key="timeline_units").value is False


# ---- messages: sentences that say what to do, in the chosen language ---------------------------------------------

DEVELOPER_TEXT = re.compile(r"\b(?:table \d|paragraph \d|by-date|doc_id|task_no|[A-Z][a-zA-Z]+Error|Traceback|"
                            r"None|null)\b")
# words a Chinese interface may show in Latin letters: formats, products, settings and commands named by their names
ALLOWED_LATIN = {"English", "GraphML", "CSV", "zip", "Turtle", "JSON-LD", "HTML", "Word", "PDF", "Excel", "MB",
                 "SPARQL", "Cypher", "POLICYKG_QUERY_MAX_ROWS", "POLICYKG_QUERY_DIR", "docx", "fonts-noto-cjk",
                 "policykg", "ingest", "WPS", "Neo4j", "SERVICE", "FROM", "LOAD"}


def test_every_chinese_string_is_chinese():
    strings = yaml.safe_load((ROOT / "app" / "i18n.yaml").read_text(encoding="utf-8"))
    entries = {k: v for k, v in strings.items() if k != "columns"} | {f"columns.{k}": v
                                                                       for k, v in strings["columns"].items()}
    for key, entry in entries.items():
        assert set(entry) == {"zh", "en"}, key
        latin = set(re.findall(r"[A-Za-z][A-Za-z0-9_-]*", re.sub(r"\{[a-z_]+\}", "", entry["zh"])))
        assert latin <= ALLOWED_LATIN, (key, latin - ALLOWED_LATIN)


# Two uploads whose unread rows were found by reading them: a text list with an annotation before its first item
# (paragraph 3) and a date in a department column (paragraph 5); a pipe table with a row without text (row 3,
# the header being row 1) and a number cell 第三 (row 4).
UNREAD_PARAGRAPHS = """附件
省教育厅测试任务清单
（责任单位：省教育厅）
一、基础建设
1. 建设示范性虚拟仿真实训基地10个。（责任单位：省教育厅、2023年底前完成）
2. 完成教材建设。（责任单位：职教处）
"""
UNREAD_ROWS = """省教育厅测试任务清单
| 序号 | 重点任务 | 责任单位 | 完成时限 |
| 1 | 建设示范性虚拟仿真实训基地10个 | 省教育厅 | 2023年底 |
| 2 |  | 省教育厅 | 2023年底 |
| 第三 | 完成教材建设 | 省财政厅 | 2024年底 |
| 4 | 推进产教融合 | 省发展改革委 | 2024年底 |
"""


def test_ingest_warnings_say_where_and_what_in_chinese(app):
    goto(app, "ingest")
    app.file_uploader[0].set_value([("段落.txt", UNREAD_PARAGRAPHS.encode(), "text/plain"),
                                    ("表格.txt", UNREAD_ROWS.encode(), "text/plain")]).run()
    assert [e.label for e in app.expander] == ["段落.txt：2 项任务，2 条警告", "表格.txt：2 项任务，2 条警告"]
    assert [html.unescape(w.value) for w in app.warning] == [
        "第3段：这条责任单位标注在第一个编号事项之前，没有归入任何任务。请打开文件核对它属于哪项任务。",
        "第5段：“2023年底前完成”含有句子中的词语或日期，不是部门名称，没有作为责任单位保存。请打开文件核对这一行的责任单位。",
        "表1第3行：这一行没有任务内容，没有读取。请打开文件核对这一行。",
        "表1第4行：序号栏“第三”不是任务序号，这一行没有读取。请打开文件核对这一行的序号。"]
    app.sidebar.toggle[0].set_value(True).run()
    assert [html.unescape(w.value) for w in app.warning][2:] == [
        "table 1, row 3: the row has no task text and was not read. Check this row in the file.",
        "table 1, row 4: the number cell “第三” is no task number, and the row was not read. Check this row's "
        "number in the file."]


@pytest.mark.parametrize("exc, words", [
    ("NoSuchName", "请从下拉列表中重新选择"), ("QueryTimeout", "缩小范围"), ("StoreBusy", "稍等"),
    ("QueryError", "带 * 的参数"), ("BriefingError", "放宽筛选条件"), ("RuntimeError", "服务器日志"),
])
def test_failures_are_sentences_that_say_what_to_do(app, exc, words):
    from policykg.app.explorer_data import failure_of

    cls = type(exc, (Exception,), {})
    failure = failure_of(cls("an English detail"))
    assert words in failure.message and "English" not in failure.message and exc not in failure.message
    assert failure.detail == f"{exc}: an English detail"


def test_a_missing_parameter_is_a_sentence(app):
    goto(app, "queries", q="department-obligations")
    app.button[0].click().run()
    assert app.error and "请填写带 * 的参数" in app.error[0].value
    assert "QueryError" not in app.error[0].value


@pytest.mark.parametrize("page, params", [
    ("overview", {}), ("browse", {}), ("department", {"dept": JX}), ("chain", {"task": TASK_20}),
    ("graph", {"node": TASK_20}), ("queries", {"q": "due-by"}), ("timeline", {}), ("ingest", {})])
def test_every_page_in_both_languages(app, page, params):
    goto(app, page, **params)
    chinese = shown(app)
    assert not DEVELOPER_TEXT.search(chinese), DEVELOPER_TEXT.search(chinese)
    assert not re.search(r"\d{3}_[0-9a-f]{16}", chinese)   # documents by their titles, never their ids
    assert not app.error
    app.sidebar.toggle[0].set_value(True).run()
    english = shown(app)
    assert not app.exception and not app.error
    assert app.title[0].value != "" and english != chinese
    assert not re.search(r"[\u4e00-\u9fff]{2,}", app.title[0].value)   # the page's title is English


def test_every_message_is_used_and_every_failure_kind_has_one():
    """No dead strings: each key of i18n.yaml is named in the explorer's code, literally or as one of the
    families built from data (count_<label>, err_<kind>, d_status_<status>, i_action_<action>, page_<page>,
    x_<format>); and each kind of failure the explorer tells apart has its sentence."""
    from policykg.app.explorer_data import _FAILURE_KINDS

    strings = yaml.safe_load((ROOT / "app" / "i18n.yaml").read_text(encoding="utf-8"))
    code = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "app").rglob("*.py"))
    families = ("count_", "err_", "d_status_", "i_action_", "page_", "x_")
    unused = [k for k in strings if k != "columns" and f'"{k}"' not in code and f"'{k}'" not in code
              and not k.startswith(families)]
    assert not unused
    assert set(_FAILURE_KINDS.values()) | {"err_unexpected"} <= set(strings)


def test_query_results_read_in_chinese(app):
    """Saved queries' tables: headers, roles, directions, levels, yes/no and documents in words."""
    goto(app, "queries", q="task-chain")
    app.text_input(key="q_task-chain_task").input(TASK_20)
    app.button[0].click().run()
    assert not app.error, [e.value for e in app.error]
    table = app.dataframe[0].value
    assert {"方向", "下级文件", "下级层级", "待核"} <= set(table.columns)
    assert set(table["方向"]) == {"向下"} and set(table["待核"]) <= {"是", "否"}
    assert set(table["下级层级"]) <= {"省级", "市级", "学校/单位"}
    assert not any(str(v).startswith(("00", "task/")) for v in table["下级文件"])
    goto(app, "queries", q="department-obligations")
    app.selectbox(key="q_department-obligations_department").select("provincial/江西省/education")
    app.button[0].click().run()
    assert set(app.dataframe[0].value["角色"]) == {"牵头", "配合"}
