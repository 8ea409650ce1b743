"""graph.build: the one translator from records to graph elements, on a small hand-made result."""
from __future__ import annotations

import pytest

from policykg.graph.build import BuildError, build
from policykg.core.records import (Deadline, DeadlineKind, DocumentMeta, ExtractionResult, Provenance, Qualifier,
                                      ResolvedDepartment, SchoolMeasure, Target, TaskRecord)

SHA = "ab" * 32


def dept(mention, key, kind="government", resolved=True, parent=None, function="education"):
    return ResolvedDepartment(mention, key, mention, None, kind, "provincial", "江苏省", function,
                              parent=parent, parent_key=f"jiangsu/{parent}" if parent else None, resolved=resolved)


def result() -> ExtractionResult:
    meta = DocumentMeta("d1", "in/d1.txt", SHA, title="清单", level="provincial", jurisdiction="江苏省",
                        document_numbers=["苏教职〔2021〕1号"])
    t1 = TaskRecord("d1", "1", "一、总体", "建设1000门课程，到2025年底前完成。", ["职教处", "某某办", "各市"], ["职教处"],
                    deadlines=[Deadline("2025年底前", DeadlineKind.BY_DATE, end="2025-12-31", span=(12, 19))],
                    targets=[Target("1000门", 1000, "门", Qualifier.EXACT, object="课程", span=(2, 7))],
                    provenance=Provenance("in/d1.txt", SHA, "paragraph 3", row=3, span=(100, 121)),
                    resolved=[dept("职教处", "jiangsu/职教处", "division", parent="省教育厅"),
                              dept("某某办", "unresolved/某某办", "unresolved", resolved=False, function=None),
                              dept("各市", "jiangsu/各市", "collective", function=None)])
    t2 = TaskRecord("d1", "2", None, "持续推进。", ["职教处"], ["职教处"],
                    school_measures=SchoolMeasure("做好", ["目标一"], ["教务处"], ["2023年"], "single",
                                                  resolved_units=[dept("教务处", "jzsz/教务处", "division")]),
                    resolved=[dept("职教处", "jiangsu/职教处", "division", parent="省教育厅")])
    return ExtractionResult(meta, [t1, t2])


def test_ids_labels_and_ownership():
    g = build([result()])
    assert g.nodes["doc/d1"].props["document_numbers"] == ["苏教职〔2021〕1号"]
    assert g.nodes["doc/d1"].props["sha256"] == SHA and g.nodes["doc/d1"].doc == "d1"
    task = g.nodes["task/d1/1"]
    assert (task.label, task.doc, task.props["seq"], task.props["location"]) == ("Task", "d1", 1, "paragraph 3")
    assert (task.props["span_start"], task.props["span_end"]) == (100, 121)
    deadline = g.nodes["deadline/d1/1/1"]
    assert deadline.props["year"] == 2025 and deadline.props["kind"] == "by-date" and deadline.props["span_start"] == 12
    target = g.nodes["target/d1/1/1"]
    assert (target.props["value"], target.props["unit"], target.props["qualifier"]) == (1000, "门", "exact")
    for shared in ("dept/jiangsu/职教处", "function/education", "jurisdiction/江苏省"):
        assert g.nodes[shared].doc is None, shared
    assert g.nodes["function/education"].props["label_zh"] == "教育"
    assert g.nodes["jurisdiction/江苏省"].props["level"] == "provincial"
    assert g.edges[("doc/d1", "HAS_TASK", "task/d1/2")].doc == "d1"
    assert g.edges[("dept/jiangsu/职教处", "HAS_FUNCTION", "function/education")].doc is None


def test_lead_support_with_mention_and_position_and_nothing_dropped():
    g = build([result()])
    lead = g.edges[("task/d1/1", "LEAD", "dept/jiangsu/职教处")]
    assert lead.props == {"mention": "职教处", "position": 1}
    unresolved = g.edges[("task/d1/1", "SUPPORT", "dept/unresolved/某某办")]
    assert unresolved.props == {"mention": "某某办", "position": 2}
    assert g.nodes["dept/unresolved/某某办"].props["resolved"] is False
    assert g.nodes["dept/unresolved/某某办"].props["kind"] == "unresolved"
    assert g.nodes["dept/jiangsu/各市"].props["kind"] == "collective"


def test_parent_becomes_a_shared_department_and_school_units_lead_measures():
    g = build([result()])
    parent = g.nodes["dept/jiangsu/省教育厅"]
    assert parent.props == {"key": "jiangsu/省教育厅", "name": "省教育厅"} and parent.doc is None
    assert ("dept/jiangsu/职教处", "SUB_ORGANIZATION_OF", "dept/jiangsu/省教育厅") in g.edges
    measure = g.nodes["measure/d1/2"]
    assert measure.props["goals"] == ["目标一"] and measure.props["deadline_text"] == "2023年"
    assert ("task/d1/2", "HAS_MEASURE", "measure/d1/2") in g.edges
    assert g.edges[("measure/d1/2", "LEAD", "dept/jzsz/教务处")].props["mention"] == "教务处"


def test_ids_are_stable_across_builds_and_subgraph_is_the_document():
    a, b = build([result()]), build([result()])
    assert set(a.nodes) == set(b.nodes) and set(a.edges) == set(b.edges)
    sub = a.document_subgraph("d1")
    assert set(sub.nodes) == set(a.nodes)


def test_unresolved_records_are_refused_with_the_task_named():
    r = result()
    r.tasks[0].resolved = []
    with pytest.raises(BuildError, match=r"d1 task 1 \(#1\): 3 department mentions but 0 resolved"):
        build([r])


def test_a_school_measure_is_led_by_its_first_unit_and_supported_by_the_others():
    base = result()
    t2 = base.tasks[1]
    t2.school_measures = SchoolMeasure("做好", ["目标一"], ["教务处", "学生处", "团委"], ["2023年"], "single",
                                       resolved_units=[dept("教务处", "jzsz/教务处", "division"),
                                                       dept("学生处", "jzsz/学生处", "division"),
                                                       dept("团委", "jzsz/团委", "division")])
    g = build([base])
    roles = {(e.type, e.target, e.props["position"]) for e in g.edges.values() if e.source == "measure/d1/2"
             and e.type in ("LEAD", "SUPPORT")}
    assert roles == {("LEAD", "dept/jzsz/教务处", 1), ("SUPPORT", "dept/jzsz/学生处", 2),
                     ("SUPPORT", "dept/jzsz/团委", 3)}
