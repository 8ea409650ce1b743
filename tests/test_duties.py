"""What a department owes (graph/views/duties.py) on a small graph made by hand: the statuses against an as-of
date at their boundaries, the earliest of several deadlines, lead winning over support, a division's tasks with
or without the units, the sort (by due date, the undated last, then document order), counts and filters.

Every expectation below is decided from the dates and roles written into the hand-made graph, not from a run."""
from __future__ import annotations

from datetime import date

import pytest

from policykg.graph.model import Edge, Node, PolicyGraph
from policykg.graph.views.duties import counts, department_duties, filtered, status_of
from policykg.graph.views.subgraph import SelectionError

AS_OF = date(2024, 6, 30)


@pytest.mark.parametrize("due, expected", [
    (None, "undated"),
    (date(2024, 6, 29), "overdue"),        # the day before
    (date(2024, 6, 30), "due30"),          # due on the as-of date itself: not yet passed
    (date(2024, 7, 30), "due30"),          # the 30th day after
    (date(2024, 7, 31), "due90"),          # the 31st
    (date(2024, 9, 28), "due90"),          # the 90th
    (date(2024, 9, 29), "later"),          # the 91st
])
def test_status_boundaries(due, expected):
    assert status_of(due, AS_OF) == expected


def owed_graph() -> PolicyGraph:
    """One document, five tasks. 教育厅 leads 1, 3, 5 and supports 2 and 3; its division 职教处 leads 4.
    Task 1 has two deadlines (2024-12-31 and 2024-07-15: due at the earlier); task 2 is ongoing only; task 3
    ends 2024-06-30; task 4 ends 2024-05-31; task 5 has none."""
    g = PolicyGraph()
    doc = "d1"
    g.add_node(Node("doc/d1", "Document", {"doc_id": doc, "title": "某省任务清单"}, doc=doc))
    g.add_node(Node("dept/edu", "Department", {"key": "edu", "name": "省教育厅"}))
    g.add_node(Node("dept/voc", "Department", {"key": "voc", "name": "省教育厅职教处"}))
    g.add_node(Node("dept/fin", "Department", {"key": "fin", "name": "省财政厅"}))
    g.add_edge(Edge("dept/voc", "SUB_ORGANIZATION_OF", "dept/edu"))
    deadlines = {1: [("2024年12月底前", "by", "2024-12-31"), ("2024年7月15日前", "by", "2024-07-15")],
                 2: [("长期坚持", "ongoing", None)], 3: [("2024年6月30日", "by", "2024-06-30")],
                 4: [("2024年5月底前", "by", "2024-05-31")], 5: []}
    roles = {1: [("LEAD", "edu")], 2: [("LEAD", "fin"), ("SUPPORT", "edu")],
             3: [("LEAD", "edu"), ("SUPPORT", "edu")], 4: [("LEAD", "voc")], 5: [("LEAD", "edu")]}
    for i in range(1, 6):
        t = f"task/d1/{i}"
        g.add_node(Node(t, "Task", {"doc_id": doc, "seq": i, "task_no": str(i), "text": f"任务{i}"}, doc=doc))
        g.add_edge(Edge("doc/d1", "HAS_TASK", t, doc=doc))
        for position, (rel, dept) in enumerate(roles[i], start=1):
            g.add_edge(Edge(t, rel, f"dept/{dept}", {"mention": dept, "position": position}, doc=doc))
        for k, (text, kind, end) in enumerate(deadlines[i], start=1):
            d = f"deadline/d1/{i}/{k}"
            g.add_node(Node(d, "Deadline", {"text": text, "kind": kind, "end": end}, doc=doc))
            g.add_edge(Edge(t, "HAS_DEADLINE", d, doc=doc))
    return g


def test_a_department_with_its_units_sorted_by_due_date():
    duties = department_duties(owed_graph(), "dept/edu", with_units=True, as_of=AS_OF)
    # due: 4 → 2024-05-31, 3 → 2024-06-30, 1 → 2024-07-15 (the earlier of its two); 2 (ongoing) and 5 undated,
    # in document order
    assert [d.task_no for d in duties] == ["4", "3", "1", "2", "5"]
    assert [d.due for d in duties] == [date(2024, 5, 31), date(2024, 6, 30), date(2024, 7, 15), None, None]
    assert [d.status for d in duties] == ["overdue", "due30", "due30", "undated", "undated"]
    assert [d.role for d in duties] == ["lead", "lead", "lead", "support", "lead"]   # 3: lead wins over support
    assert duties[0].units == ["省教育厅职教处"]
    assert counts(duties) == {"overdue": 1, "due30": 2, "due90": 0, "later": 0, "undated": 2, "lead": 4,
                              "support": 1, "all": 5, "measures": 0, "tasks": 5}
    assert [d.task_no for d in filtered(duties, roles=("support",))] == ["2"]
    assert [d.task_no for d in filtered(duties, statuses=("due30", "overdue"))] == ["4", "3", "1"]
    assert [d.task_no for d in filtered(duties, roles=("lead",), statuses=("undated",))] == ["5"]


def test_without_units_the_division_s_task_is_left_out():
    duties = department_duties(owed_graph(), "dept/edu", with_units=False, as_of=AS_OF)
    assert [d.task_no for d in duties] == ["3", "1", "2", "5"]


def test_an_unknown_department_is_an_error_naming_it():
    with pytest.raises(SelectionError, match="省教育局"):
        department_duties(owed_graph(), "省教育局", with_units=True, as_of=AS_OF)
