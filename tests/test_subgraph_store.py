"""Reading a neighbourhood straight from the embedded store gives what selecting from the whole graph gives."""
from __future__ import annotations

import gc
from datetime import date

import pytest

from policykg.graph.views.neighbourhood import fetch
from policykg.graph.views.subgraph import Selection, select


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    from e2e.explorer_corpus import build_store
    from policykg.graph.stores.registry import open_store

    work = tmp_path_factory.mktemp("neighbourhood")
    build_store(work / "store", work / "files")
    store = open_store(path=str(work / "store"))
    yield store, store.load_graph()
    store.close()
    del store
    gc.collect()


def _shape(g):
    return set(g.nodes), {e.key for e in g.edges.values()}


@pytest.mark.parametrize("centre, depth, rels", [
    ("doc/002_9942bf19912af7cb", 1, ()),
    ("doc/000_e0bd7c87301b5859", 2, ()),
    ("dept/provincial/江苏省/education", 2, ("LEAD", "SUPPORT", "SUB_ORGANIZATION_OF")),
    ("task/004_2a2449f2b149ce8a/3", 3, ()),
])
def test_same_as_selecting_from_the_whole_graph(stored, centre, depth, rels):
    store, whole = stored
    selection = Selection(center=centre, depth=depth, relation_types=rels, max_nodes=5000)
    from_store = fetch(store, selection)
    expected = select(whole, selection)
    assert not expected.cut and len(expected) > 3
    assert _shape(from_store) == _shape(expected)
    assert from_store.nodes[centre].props == whole.nodes[centre].props
    assert {e.key: e.props for e in from_store.edges.values()} == {e.key: e.props for e in expected.edges.values()}
    assert from_store.focus == [centre]


def test_cap_cuts_and_gives_a_lower_bound(stored):
    store, whole = stored
    selection = Selection(center="dept/provincial/江苏省/education", depth=3, max_nodes=20)
    got = fetch(store, selection)
    assert got.cut and len(got) == 20 and got.total_nodes >= 20
    assert "dept/provincial/江苏省/education" in got.nodes
    for e in got.edges.values():
        assert e.source in got.nodes and e.target in got.nodes


def test_unknown_centre_and_other_stores_fall_back(stored):
    store, _ = stored
    assert fetch(store, Selection(center="dept/no-such")) is None
    assert fetch(object(), Selection(center="doc/x")) is None


def test_nodes_of_label_lists_what_the_graph_holds(stored):
    from policykg.graph.views.neighbourhood import nodes_of_label

    store, whole = stored
    for label in ("Document", "Department"):
        listed = {n.id: n.props for n in nodes_of_label(store, label)}
        assert listed == {n.id: n.props for n in whole.nodes_by_label(label)}
    assert nodes_of_label(object(), "Document") is None


@pytest.mark.parametrize("selection, keyword", [
    (Selection(department="dept/provincial/江苏省/education"), None),
    (Selection(department="dept/national/education", with_units=False), None),
    (Selection(document="002_9942bf19912af7cb"), "职业"),
    (Selection(function="education", levels=("national",)), None),
    (Selection(function="institution"), None),            # school units lead school measures
    (Selection(function="education", deadline_from=date(2022, 1, 1), deadline_to=date(2025, 12, 31)), None),
])
def test_task_graph_answers_browse_as_the_whole_graph(stored, selection, keyword):
    from policykg.graph.views.browse import find_tasks
    from policykg.graph.views.neighbourhood import task_graph

    store, whole = stored
    partial = task_graph(store, selection)
    assert len(partial) < len(whole)
    got, n_got = find_tasks(partial, selection, keyword)
    expected, n_expected = find_tasks(whole, selection, keyword)
    assert n_expected > 0
    assert [(v.id, v.lead, v.support, v.deadlines, v.targets, v.level) for v in got] == \
        [(v.id, v.lead, v.support, v.deadlines, v.targets, v.level) for v in expected]
    assert task_graph(store, Selection()) is None      # no focus: every task, the whole graph
