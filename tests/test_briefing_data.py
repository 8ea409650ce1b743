"""Unit tests of a briefing's rows, groups and figures (app/briefing_data.py) on a graph built by hand.

Every expected value below is worked out by reading the little graph in ``_graph``; nothing is taken from the
code under test. The end-to-end briefing of the examples is in test_briefing.py.
"""
from __future__ import annotations

from datetime import date

import pytest

from policykg.app.briefing_data import (
    NO_DEADLINE, briefing_tasks, cite, document_name, groups, headline, quoted, rows_for)
from policykg.graph.model import Edge, Node, PolicyGraph
from policykg.graph.views.subgraph import Selection


def _graph() -> PolicyGraph:
    """Two documents (a national one, a provincial one), one department each, tasks with 0-2 deadlines."""
    g = PolicyGraph()
    add = g.add_node
    add(Node("doc/nat", "Document", {"doc_id": "nat", "title": "国家任务表", "level": "national",
                                     "jurisdiction": "中国"}))
    add(Node("doc/prov", "Document", {"doc_id": "prov", "title": "关于印发《省任务清单》的通知",
                                      "level": "provincial", "jurisdiction": "江西省"}))
    add(Node("dept/moe", "Department", {"name": "教育部", "level": "national"}))
    add(Node("dept/jx", "Department", {"name": "江西省教育厅", "level": "provincial"}))
    add(Node("dept/jx-fin", "Department", {"name": "江西省财政厅", "level": "provincial"}))
    tasks = {
        "task/nat/1": ("nat", "1", "国家任务一"),
        "task/nat/2": ("nat", "2", "国家任务二"),
        "task/prov/1": ("prov", "1", "省任务一"),     # two deadlines: 2023-06-30 and 2022-12-31
        "task/prov/2": ("prov", "2", "省任务二"),     # due exactly on the as-of date
        "task/prov/3": ("prov", "3", "省任务三"),     # no deadline
        "task/prov/4": ("prov", "4", "省任务四"),     # a period: start only
    }
    for tid, (doc, no, text) in tasks.items():
        add(Node(tid, "Task", {"doc_id": doc, "task_no": no, "text": text}, doc=doc))
        g.add_edge(Edge(f"doc/{doc}", "HAS_TASK", tid))
    g.add_edge(Edge("task/nat/1", "LEAD", "dept/moe"))
    g.add_edge(Edge("task/nat/2", "LEAD", "dept/moe"))
    for tid in ("task/prov/1", "task/prov/2", "task/prov/3", "task/prov/4"):
        g.add_edge(Edge(tid, "LEAD", "dept/jx", {"position": 0}))
    g.add_edge(Edge("task/prov/1", "SUPPORT", "dept/jx-fin", {"position": 1}))
    g.add_edge(Edge("task/prov/3", "SUPPORT", "dept/moe", {"position": 1}))
    deadlines = {
        "dl/p1a": ("task/prov/1", {"end": "2023-06-30"}),
        "dl/p1b": ("task/prov/1", {"end": "2022-12-31"}),
        "dl/p2": ("task/prov/2", {"end": "2024-06-30"}),
        "dl/p4": ("task/prov/4", {"start": "2025-01-01"}),
        "dl/n2": ("task/nat/2", {"end": "2025-12-31"}),
    }
    for did, (tid, props) in deadlines.items():
        add(Node(did, "Deadline", props))
        g.add_edge(Edge(tid, "HAS_DEADLINE", did))
    add(Node("tgt/p1", "Target", {"text": "100所"}))
    g.add_edge(Edge("task/prov/1", "HAS_TARGET", "tgt/p1"))
    # task/prov/1 implements both national tasks: nat/2 with the higher score, so it is cited first
    g.add_edge(Edge("task/prov/1", "IMPLEMENTS", "task/nat/1", {"score": 0.41, "review": True}))
    g.add_edge(Edge("task/prov/1", "IMPLEMENTS", "task/nat/2", {"score": 0.87, "review": False}))
    return g


AS_OF = date(2024, 6, 30)


def _row(rows, tid):
    (row,) = [r for r in rows if r.task_id == tid]
    return row


def test_a_row_with_several_deadlines_is_due_at_the_earliest():
    g = _graph()
    row = _row(rows_for(g, ["task/prov/1"]), "task/prov/1")
    assert row.due == date(2022, 12, 31)
    assert row.lead == ["江西省教育厅"] and row.support == ["江西省财政厅"]
    assert row.targets == ["100所"]
    assert row.citation == "《省任务清单》第1项"   # the attachment of a 印发 notice is what is cited


def test_a_period_without_an_end_is_due_at_its_start_and_no_deadline_is_none():
    rows = rows_for(_graph(), ["task/prov/3", "task/prov/4"])
    assert _row(rows, "task/prov/4").due == date(2025, 1, 1)
    assert _row(rows, "task/prov/3").due is None


def test_implementation_citations_highest_score_first():
    row = _row(rows_for(_graph(), ["task/prov/1"]), "task/prov/1")
    assert [(i.citation, i.review) for i in row.implements] == [
        ("《国家任务表》第2项", False), ("《国家任务表》第1项", True)]


def test_due_on_the_as_of_date_is_not_passed():
    g = _graph()
    rows = rows_for(g, ["task/prov/1", "task/prov/2", "task/prov/3", "task/prov/4"])
    h = headline(g, rows, AS_OF, None)
    # prov/1 due 2022-12-31: passed; prov/2 due 2024-06-30 = as-of: coming; prov/4 2025-01-01: coming
    assert (h.passed, h.coming, h.undated) == (1, 2, 1)
    assert h.within_year == 2          # 2024-06-30 and 2025-01-01 are both within a year of 2024-06-30
    assert (h.tasks, h.targets, h.departments, h.lead, h.support) == (4, 1, 3, 4, 2)
    titled = [(gr.title, gr.passed, [r.task_id for r in gr.rows]) for gr in groups(rows, AS_OF)]
    assert titled == [
        ("2022年12月31日前完成（已到期）", True, ["task/prov/1"]),
        ("2024年6月30日前完成（未到期）", False, ["task/prov/2"]),
        ("2025年1月1日前完成（未到期）", False, ["task/prov/4"]),
        (f"{NO_DEADLINE}（持续推进或未写明时限）", None, ["task/prov/3"]),
    ]


def test_a_day_after_the_due_date_it_is_passed():
    g = _graph()
    rows = rows_for(g, ["task/prov/2"])
    h = headline(g, rows, date(2024, 7, 1), None)
    assert (h.passed, h.coming) == (1, 0)
    assert groups(rows, date(2024, 7, 1))[0].passed is True


def test_within_a_year_counts_the_day_a_year_later_but_not_the_next():
    g = _graph()
    rows = rows_for(g, ["task/prov/4", "task/nat/2"])     # due 2025-01-01 and 2025-12-31
    assert headline(g, rows, date(2024, 12, 31), None).within_year == 0 + 1   # 2025-01-01 only
    assert headline(g, rows, date(2025, 1, 1), None).within_year == 2          # 2025-12-31 <= 2026-01-01
    assert headline(g, rows, date(2025, 1, 2), None).within_year == 1          # 2025-01-01 has passed


def test_headline_counts_lead_and_support_for_the_focus_departments():
    g = _graph()
    rows = rows_for(g, ["task/prov/1", "task/prov/3", "task/nat/1"])
    h = headline(g, rows, AS_OF, {"dept/moe"})
    # 教育部 leads nat/1 and only supports prov/3; it has nothing to do with prov/1
    assert (h.lead, h.support, h.relative) == (1, 1, True)
    h = headline(g, rows, AS_OF, {"dept/jx-fin"})
    assert (h.lead, h.support) == (0, 1)


def test_a_neighbourhood_briefing_keeps_only_the_levels_asked_for():
    g = _graph()
    everything = set(briefing_tasks(g, Selection(center="dept/moe", depth=1)))
    assert everything == {"task/nat/1", "task/nat/2", "task/prov/3"}
    provincial = briefing_tasks(g, Selection(center="dept/moe", depth=1, levels=("provincial",)))
    assert provincial == ["task/prov/3"]
    national = set(briefing_tasks(g, Selection(center="dept/moe", depth=1, levels=("national",))))
    assert national == {"task/nat/1", "task/nat/2"}


def test_a_neighbourhood_briefing_keeps_only_the_jurisdictions_and_dates_asked_for():
    g = _graph()
    assert briefing_tasks(g, Selection(center="dept/moe", depth=1, jurisdictions=("江西省",))) == ["task/prov/3"]
    dated = briefing_tasks(g, Selection(center="dept/jx", depth=1, deadline_from=date(2024, 1, 1),
                                        deadline_to=date(2024, 12, 31)))
    assert dated == ["task/prov/2"]


def test_a_task_selection_keeps_only_the_levels_asked_for():
    g = _graph()
    assert set(briefing_tasks(g, Selection(function=None, levels=("national",)))) == {"task/nat/1", "task/nat/2"}
    assert briefing_tasks(g, Selection(department="教育部", levels=("provincial",))) == ["task/prov/3"]


@pytest.mark.parametrize("title, name", [
    ("关于印发《江西省任务清单》的通知", "江西省任务清单"),
    ("国家任务表", "国家任务表"),
    ("关于印发  《一  二》的通知", "一 二"),
])
def test_document_name(title, name):
    assert document_name({"title": title}) == name


def test_quoted_nests_book_title_marks_and_cite_without_a_document():
    assert quoted("关于《甲》的意见") == "《关于〈甲〉的意见》"
    task = Node("t", "Task", {"doc_id": "d9", "location": "第3段"})
    assert cite(None, task) == "d9 第3段"


# -- the selection in words, focus departments, school measures (a larger graph: units, a measure, a function) --

from policykg.app.briefing_data import describe, documents_named, focus_departments, task_text  # noqa: E402


def _graph_with_units() -> PolicyGraph:
    g = _graph()
    g.add_node(Node("function/education", "Function", {"code": "education", "label_zh": "教育"}))
    g.add_node(Node("dept/jx-zjc", "Department", {"name": "职教处", "level": "provincial", "function": "education"}))
    g.add_edge(Edge("dept/jx-zjc", "SUB_ORGANIZATION_OF", "dept/jx"))
    g.add_edge(Edge("dept/moe", "HAS_FUNCTION", "function/education"))
    g.add_edge(Edge("dept/jx", "HAS_FUNCTION", "function/education"))
    g.add_node(Node("measure/prov/1", "SchoolMeasure", {"doc_id": "prov", "task_no": "1", "measure": "学校举措一",
                                                        "goals": ["目标甲"]}, doc="prov"))
    g.add_edge(Edge("task/prov/1", "HAS_MEASURE", "measure/prov/1"))
    g.add_edge(Edge("measure/prov/1", "LEAD", "dept/jx-zjc"))
    g.add_node(Node("task/prov/9", "Task", {"doc_id": "prov", "task_no": "9", "text": "落实“双减”要求"}, doc="prov"))
    g.add_edge(Edge("doc/prov", "HAS_TASK", "task/prov/9"))
    return g


@pytest.mark.parametrize("selection, query_title, words", [
    (Selection(department="江西省教育厅"), None, "江西省教育厅及其内设机构、下属单位承担的任务"),
    (Selection(department="dept/jx", with_units=False), None, "江西省教育厅承担的任务"),
    (Selection(department="某某局", with_units=False), None, "某某局承担的任务"),
    (Selection(document="prov"), None, "《省任务清单》所列任务"),
    (Selection(document="zzz"), None, "《zzz》所列任务"),
    (Selection(function="education"), None, "教育职能部门（各层级）承担的任务"),
    (Selection(function="zzz"), None, "zzz职能部门（各层级）承担的任务"),
    (Selection(center="dept/moe", depth=2), None, "“教育部”周边2步以内的任务"),
    (Selection(center="task/prov/9"), None, "“9. 落实‘双减’要求”周边1步以内的任务"),
    (Selection(center="无此节点"), None, "“无此节点”周边1步以内的任务"),
    (Selection(nodes=("task/nat/1",)), "到期任务", "查询“到期任务”结果所涉任务"),
    (Selection(nodes=("task/nat/1",)), None, "所列节点涉及的任务"),
    (Selection(), "到期任务", "图谱中的全部任务"),
    (Selection(department="教育部", document="nat", with_units=False), None, "教育部承担的任务中的《国家任务表》所列任务"),
    (Selection(levels=("provincial", "national")), None, "图谱中的全部任务（省级、国家级）"),
    (Selection(jurisdictions=("江西省", "江苏省")), None, "图谱中的全部任务（江西省、江苏省）"),
    (Selection(deadline_from=date(2024, 1, 1)), None, "图谱中的全部任务（完成时限2024年1月1日至不限）"),
    (Selection(deadline_to=date(2024, 12, 31)), None, "图谱中的全部任务（完成时限不限至2024年12月31日）"),
    (Selection(levels=("county",), jurisdictions=("江西省",), deadline_from=date(2024, 1, 1),
               deadline_to=date(2024, 2, 1)), None,
     "图谱中的全部任务（县级；江西省；完成时限2024年1月1日至2024年2月1日）"),
])
def test_the_selection_in_words(selection, query_title, words):
    assert describe(_graph_with_units(), selection, query_title) == words


def test_focus_departments_of_a_department_or_function_selection():
    g = _graph_with_units()
    assert focus_departments(g, Selection(department="江西省教育厅")) == {"dept/jx", "dept/jx-zjc"}
    assert focus_departments(g, Selection(department="江西省教育厅", with_units=False)) == {"dept/jx"}
    # a function: the departments carrying it by property or by HAS_FUNCTION edge, never the Function node
    assert focus_departments(g, Selection(function="education")) == {"dept/moe", "dept/jx", "dept/jx-zjc"}
    assert focus_departments(g, Selection(document="prov")) is None
    assert focus_departments(g, Selection()) is None


def test_a_school_measure_row_cites_its_tasks_document_and_counts_as_a_measure():
    g = _graph_with_units()
    (row,) = rows_for(g, ["measure/prov/1"])
    assert (row.citation, row.doc_id, row.text, row.lead) == ("《省任务清单》第1项", "prov", "学校举措一", ["职教处"])
    h = headline(g, rows_for(g, ["measure/prov/1", "task/prov/1"]), AS_OF, None)
    assert (h.tasks, h.measures) == (2, 1)


def test_task_text_of_a_measure_falls_back_to_its_goals():
    assert task_text(Node("m", "SchoolMeasure", {"measure": "举措", "goals": ["甲"]})) == "举措"
    assert task_text(Node("m", "SchoolMeasure", {"goals": ["甲", "乙"]})) == "甲；乙"
    assert task_text(Node("m", "SchoolMeasure", {})) == ""
    assert task_text(Node("t", "Task", {"text": "任务"})) == "任务"
    assert task_text(Node("t", "Task", {})) == ""


def test_documents_named_in_first_seen_order_without_repeats():
    g = _graph_with_units()
    rows = rows_for(g, ["task/prov/1", "task/nat/1", "task/prov/2"])
    # rows come in document order (the documents by id, then each one's order), whatever order they were asked in
    assert [r.task_id for r in rows] == ["task/nat/1", "task/prov/1", "task/prov/2"]
    rows = [rows[1], rows[0], rows[2]]
    rows.append(rows[0].__class__("x", "", "gone", None, "", [], [], [], None, None))
    assert documents_named(g, rows) == ["《省任务清单》", "《国家任务表》", "gone"]


def test_documents_get_labels_once_and_citations_stay_short():
    from policykg.app.briefing_data import document_labels, short_citation

    labels = document_labels(["b", "a", "b", *[f"d{i}" for i in range(10)]])
    assert [labels["b"], labels["a"], labels["d0"], labels["d7"], labels["d8"]] == ["①", "②", "③", "⑩", "〔11〕"]
    assert short_citation("①", "12") == "①第12项" and short_citation("②", None) == "②"


def test_a_query_in_words_names_its_date_and_values():
    from policykg.app.briefing_data import query_date, query_in_words

    g = _graph_with_units()
    assert query_in_words("截至某日应完成的任务", {"date": "2022-12-31", "limit": 100}) == "截至2022年12月31日应完成的任务"
    assert query_in_words("承担任务最多的部门", {"level": "provincial", "with_units": True}) == "承担任务最多的部门（层级：省级）"
    assert query_in_words("某部门的全部任务", {"department": "dept/jx"}, g).endswith("（部门：江西省教育厅）")
    assert query_in_words("x", {"date": date(2023, 1, 2)}) == "x（截至2023年1月2日）"
    assert query_date({"date": "2022-12-31"}) == date(2022, 12, 31) and query_date({}) is None


def test_document_name_falls_back_to_the_id_and_cite_to_the_location():
    assert document_name({"doc_id": "d1"}) == "d1"
    assert document_name({}) == ""
    doc = Node("doc/d", "Document", {"doc_id": "d", "title": "甲"})
    assert cite(doc, Node("t", "Task", {"location": "第2段"})) == "《甲》第2段"


def test_departments_in_edge_position_order_a_missing_position_first():
    g = _graph()
    for key, name in (("a", "甲"), ("b", "乙"), ("z", "丙")):
        g.add_node(Node(f"dept/{key}", "Department", {"name": name}))
    g.add_node(Node("task/x/1", "Task", {"doc_id": "x", "text": "t1"}))
    g.add_node(Node("task/x/2", "Task", {"doc_id": "x", "text": "t2"}))
    g.add_edge(Edge("task/x/1", "LEAD", "dept/a"))                      # no position: counts as 0
    g.add_edge(Edge("task/x/1", "LEAD", "dept/b", {"position": 0}))
    g.add_edge(Edge("task/x/2", "LEAD", "dept/z"))
    g.add_edge(Edge("task/x/2", "LEAD", "dept/b", {"position": 0}))
    g.add_edge(Edge("task/x/2", "SUPPORT", "dept/a", {"position": 2}))
    rows = {r.task_id: r for r in rows_for(g, ["task/x/1", "task/x/2"])}
    assert rows["task/x/1"].lead == ["甲", "乙"]      # same position 0: by node id
    assert rows["task/x/2"].lead == ["乙", "丙"]
    assert rows["task/x/2"].support == ["甲"] and rows["task/x/2"].doc_id == "x"


def test_a_link_without_a_score_is_cited_after_scored_ones():
    g = _graph()
    g.add_edge(Edge("task/prov/2", "IMPLEMENTS", "task/nat/1"))
    g.add_edge(Edge("task/prov/2", "IMPLEMENTS", "task/nat/2", {"score": 0.5}))
    (row,) = rows_for(g, ["task/prov/2"])
    assert [i.citation for i in row.implements] == ["《国家任务表》第2项", "《国家任务表》第1项"]


def test_dates_that_are_not_dates_are_no_due_date():
    g = _graph()
    g.add_node(Node("dl/bad", "Deadline", {"end": "2024-13-45"}))
    g.add_node(Node("dl/time", "Deadline", {"end": "2026-03-01T08:00:00"}))
    g.add_edge(Edge("task/prov/3", "HAS_DEADLINE", "dl/bad"))
    g.add_edge(Edge("task/nat/1", "HAS_DEADLINE", "dl/time"))
    rows = {r.task_id: r for r in rows_for(g, ["task/prov/3", "task/nat/1"])}
    assert rows["task/prov/3"].due is None
    assert rows["task/nat/1"].due == date(2026, 3, 1)


def test_within_a_year_ends_on_the_same_day_a_year_later_day_capped_at_28():
    g = PolicyGraph()
    for i, due in enumerate(["2025-01-28", "2025-01-29", "2025-06-28"]):
        g.add_node(Node(f"t{i}", "Task", {"text": str(i)}))
        g.add_node(Node(f"d{i}", "Deadline", {"end": due}))
        g.add_edge(Edge(f"t{i}", "HAS_DEADLINE", f"d{i}"))
    rows = rows_for(g, ["t0", "t1", "t2"])
    # as of 2024-01-29 a year later is 2025-01-28 (the day is capped at 28 so that it exists in every month)
    assert headline(g, rows, date(2024, 1, 29), None).within_year == 1
    assert headline(g, rows, date(2024, 6, 28), None).within_year == 3      # 2025-06-28 itself is within


def test_a_large_neighbourhood_briefing_lists_every_task():
    g = PolicyGraph()
    g.add_node(Node("doc/big", "Document", {"doc_id": "big", "title": "大表", "level": "provincial"}))
    for i in range(120):
        g.add_node(Node(f"task/big/{i}", "Task", {"doc_id": "big", "text": f"任务{i}"}))
        g.add_edge(Edge("doc/big", "HAS_TASK", f"task/big/{i}"))
    assert len(briefing_tasks(g, Selection(center="doc/big", depth=1))) == 120


def test_a_missing_position_sorts_before_position_1():
    g = _graph()
    g.add_node(Node("dept/b", "Department", {"name": "乙"}))
    g.add_node(Node("dept/z", "Department", {"name": "丙"}))
    g.add_node(Node("task/x/3", "Task", {"doc_id": "x", "text": "t3"}))
    g.add_edge(Edge("task/x/3", "LEAD", "dept/z"))                      # no position: 0, before position 1
    g.add_edge(Edge("task/x/3", "LEAD", "dept/b", {"position": 1}))
    assert rows_for(g, ["task/x/3"])[0].lead == ["丙", "乙"]


def test_measures_are_counted_apart_from_tasks():
    g = _graph_with_units()
    rows = rows_for(g, ["measure/prov/1", "task/prov/1", "task/prov/2"])
    assert headline(g, rows, AS_OF, None).measures == 1


def test_an_unknown_document_does_not_stop_the_list():
    g = _graph_with_units()
    rows = rows_for(g, ["task/prov/1"])
    rows.insert(0, rows[0].__class__("x", "", "gone", None, "", [], [], [], None, None))
    assert documents_named(g, rows) == ["gone", "《省任务清单》"]


def test_a_department_without_a_name_is_described_by_its_label_or_the_reference():
    g = _graph_with_units()
    g.add_node(Node("dept/lz", "Department", {"key": "lz", "label_zh": "标签局"}))
    g.add_node(Node("dept/nn", "Department", {"key": "nn"}))
    assert describe(g, Selection(department="lz", with_units=False)) == "标签局承担的任务"
    assert describe(g, Selection(department="nn", with_units=False)) == "nn承担的任务"


def test_an_ambiguous_reference_is_described_by_its_first_match():
    g = _graph_with_units()
    # "甲局" is one department's name and another's key: the name match comes first
    g.add_node(Node("dept/a1", "Department", {"name": "甲局"}))
    g.add_node(Node("dept/a2", "Department", {"key": "甲局", "name": "乙局"}))
    assert describe(g, Selection(department="甲局", with_units=False)) == "甲局承担的任务"
    # "prov" is a document's id and another document's title
    g.add_node(Node("doc/other", "Document", {"doc_id": "other", "title": "prov"}))
    assert describe(g, Selection(document="prov")) == "《省任务清单》所列任务"
    # a centre named by a reference two nodes carry: the first found
    g.add_node(Node("dept/a3", "Department", {"name": "丙局", "key": "centre"}))
    g.add_node(Node("dept/a4", "Department", {"name": "丁局", "key": "centre"}))
    assert describe(g, Selection(center="centre")) == "“丙局”周边1步以内的任务"
