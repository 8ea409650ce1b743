"""The selection model on a small graph built by hand, where every expected answer can be read off."""
from __future__ import annotations

from datetime import date

import pytest

from policykg.graph.model import Edge, Node, PolicyGraph
from policykg.graph.views.subgraph import Selection, SelectionError, find_nodes, select


def make_graph() -> PolicyGraph:
    """Two documents (provincial, national), a ministry with a division, four tasks, deadlines and targets."""
    g = PolicyGraph()
    add = g.add_node
    add(Node("doc/p", "Document", {"doc_id": "p", "title": "省教育厅重点任务清单", "level": "provincial",
                                    "jurisdiction": "江西省"}, doc="p"))
    add(Node("doc/n", "Document", {"doc_id": "n", "title": "国家任务一览表", "level": "national",
                                    "jurisdiction": "全国"}, doc="n"))
    add(Node("fn/education", "Function", {"code": "education", "label_zh": "教育", "label_en": "Education"}))
    add(Node("fn/finance", "Function", {"code": "finance", "label_zh": "财政"}))
    add(Node("dept/jyt", "Department", {"key": "jx-jyt", "name": "省教育厅", "level": "provincial",
                                         "jurisdiction": "江西省", "function": "education"}))
    add(Node("dept/zjc", "Department", {"key": "jx-jyt-zjc", "name": "职教处", "level": "provincial",
                                         "jurisdiction": "江西省", "function": "education", "kind": "division"}))
    add(Node("dept/czt", "Department", {"key": "jx-czt", "name": "省财政厅", "level": "provincial",
                                         "jurisdiction": "江西省", "function": "finance"}))
    add(Node("dept/moe", "Department", {"key": "moe", "name": "教育部", "level": "national",
                                         "jurisdiction": "全国", "function": "education"}))
    tasks = [
        ("task/p/1", "p", "1", "建设1000门省级在线开放课程<script>alert(1)</script>", "dept/zjc", "dept/czt",
         ("2025-12-31", "2025-12-31")),
        ("task/p/2", "p", "2", "完善职业院校心理健康教育", "dept/jyt", None, ("2021-01-01", "2025-12-31")),
        ("task/p/3", "p", "3", "持续推进产教融合", "dept/czt", None, None),
        ("task/n/1", "n", "1", "遴选1000所左右优质中职学校", "dept/moe", None, ("2022-06-30", "2022-06-30")),
    ]
    for tid, doc, no, text, lead, support, dates in tasks:
        add(Node(tid, "Task", {"doc_id": doc, "task_no": no, "text": text}, doc=doc))
    g.add_edge(Edge("dept/zjc", "SUB_ORGANIZATION_OF", "dept/jyt"))
    for d, f in (("dept/jyt", "fn/education"), ("dept/zjc", "fn/education"), ("dept/moe", "fn/education"),
                 ("dept/czt", "fn/finance")):
        g.add_edge(Edge(d, "HAS_FUNCTION", f))
    for tid, doc, no, text, lead, support, dates in tasks:
        g.add_edge(Edge(f"doc/{doc}", "HAS_TASK", tid, doc=doc))
        g.add_edge(Edge(tid, "LEAD", lead, {"mention": g.nodes[lead].props["name"]}, doc=doc))
        if support:
            g.add_edge(Edge(tid, "SUPPORT", support, doc=doc))
        if dates:
            add(Node(f"{tid}/dl", "Deadline", {"doc_id": doc, "text": dates[1][:4] + "年底前", "kind": "by-date",
                                                "start": dates[0], "end": dates[1]}, doc=doc))
            g.add_edge(Edge(tid, "HAS_DEADLINE", f"{tid}/dl", doc=doc))
    add(Node("task/p/1/t", "Target", {"doc_id": "p", "text": "1000门", "value": 1000, "unit": "门"}, doc="p"))
    g.add_edge(Edge("task/p/1", "HAS_TARGET", "task/p/1/t", doc="p"))
    g.add_edge(Edge("task/p/2", "IMPLEMENTS", "task/n/1", {"score": 0.7}))
    return g


def ids(sub, label=None):
    return sorted(n.id for n in sub.nodes.values() if label is None or n.label == label)


def test_department_with_and_without_units():
    g = make_graph()
    rolled = select(g, Selection(department="省教育厅"))
    assert ids(rolled, "Task") == ["task/p/1", "task/p/2"]           # 职教处's task rolls up
    assert "dept/zjc" in rolled.nodes and "task/p/1/t" in rolled.nodes   # context: division, target
    own = select(g, Selection(department="jx-jyt", with_units=False))
    assert ids(own, "Task") == ["task/p/2"]
    assert own.focus == ["dept/jyt"] and not own.cut and own.total_nodes == len(own)


def test_document_brings_tasks_and_their_context():
    sub = select(make_graph(), Selection(document="p"))
    assert ids(sub, "Task") == ["task/p/1", "task/p/2", "task/p/3"]
    assert ids(sub, "Department") == ["dept/czt", "dept/jyt", "dept/zjc"]
    assert ("doc/p", "HAS_TASK", "task/p/3") in sub.edges
    assert "task/n/1" not in sub.nodes     # the implemented national task is outside the document


def test_function_across_levels_and_level_filter():
    g = make_graph()
    sub = select(g, Selection(function="education"))
    assert ids(sub, "Task") == ["task/n/1", "task/p/1", "task/p/2"]
    national = select(g, Selection(function="education", levels=("national",)))
    assert ids(national, "Task") == ["task/n/1"]
    assert "dept/jyt" not in national.nodes and "fn/education" in national.nodes


def test_a_combined_list_matches_either_of_its_levels():
    """A province's list printed with a school's own columns is 'provincial+institution': a filter on either
    level keeps its tasks, a filter on another level does not."""
    g = make_graph()
    g.nodes["doc/p"].props["level"] = "provincial+institution"
    for level in ("provincial", "institution"):
        assert ids(select(g, Selection(levels=(level,))), "Task") == ["task/p/1", "task/p/2", "task/p/3"], level
    assert ids(select(g, Selection(levels=("national",))), "Task") == ["task/n/1"]


def test_deadline_range_and_jurisdiction():
    g = make_graph()
    sub = select(g, Selection(deadline_from=date(2025, 1, 1), deadline_to=date(2025, 12, 31)))
    assert ids(sub, "Task") == ["task/p/1", "task/p/2"]     # a period is due at its end; undated task drops
    sub = select(g, Selection(deadline_to=date(2022, 12, 31)))
    assert ids(sub, "Task") == ["task/n/1"]
    sub = select(g, Selection(jurisdictions=("全国",)))
    assert ids(sub, "Task") == ["task/n/1"]


def test_neighbourhood_depth_and_relation_types():
    g = make_graph()
    one = select(g, Selection(center="dept/czt", depth=1))
    assert ids(one) == ["dept/czt", "fn/finance", "task/p/1", "task/p/3"]
    two = select(g, Selection(center="dept/czt", depth=2))
    assert {"doc/p", "dept/zjc", "task/p/1/t", "task/p/1/dl"} <= set(two.nodes)
    lead_only = select(g, Selection(center="dept/czt", depth=1, relation_types=("LEAD",)))
    assert ids(lead_only) == ["dept/czt", "task/p/3"]
    assert all(e.type == "LEAD" for e in lead_only.edges.values())


def test_query_result_nodes():
    sub = select(make_graph(), Selection(nodes=("task/n/1", "省财政厅"), depth=0))
    assert "task/n/1" in sub.nodes and "dept/czt" in sub.nodes and "dept/moe" in sub.nodes


def test_cap_cuts_and_says_so():
    g = make_graph()
    full = select(g, Selection(document="p"))
    capped = select(g, Selection(document="p", max_nodes=4))
    assert capped.cut and capped.total_nodes == len(full) and len(capped) == 4
    assert "doc/p" in capped.nodes          # the focus survives the cut
    for e in capped.edges.values():
        assert e.source in capped.nodes and e.target in capped.nodes


def test_errors_name_the_value():
    g = make_graph()
    with pytest.raises(SelectionError, match="不存在的部门"):
        select(g, Selection(department="不存在的部门"))
    with pytest.raises(ValueError, match="depth"):
        Selection(center="x", depth=-1)
    with pytest.raises(ValueError, match="empty"):
        Selection(deadline_from=date(2025, 1, 1), deadline_to=date(2024, 1, 1))
    assert find_nodes(g, "教育部", "Department") == ["dept/moe"]
