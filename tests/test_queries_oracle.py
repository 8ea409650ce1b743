"""Canned queries against a second, independent answer: plain Python over the mini graph's YAML.

``tests/helpers/query_oracle.py`` answers every query from its description, without SPARQL or Cypher. Here:
every case of ``expected.yaml`` must equal the oracle's rows (so the golden file cannot drift from what the
graph says), and every parameter of every query is exercised on a real embedded store (Oxigraph) and, when
the test Neo4j runs, on Neo4j, against the oracle's rows.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from helpers.query_oracle import ANSWERS, Mini, answer
from policykg.graph.model import Edge, Node, PolicyGraph
from policykg.graph.stores.rdf_store import OxigraphStore
from policykg.queries.registry import Registry
from policykg.queries.runner import run

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "queries"
MINI = Mini(FIXTURES / "mini_graph.yaml")
EXPECTED = yaml.safe_load((FIXTURES / "expected.yaml").read_text(encoding="utf-8"))
REGISTRY = Registry.load(include_builtin=True)

# Each parameter of each query, with values that select something and values that select nothing.
CASES: list[tuple[str, dict]] = [
    ("top-departments", {}),
    ("top-departments", {"level": "national"}),
    ("top-departments", {"level": "institution"}),
    ("top-departments", {"function": "education"}),
    ("top-departments", {"function": "finance"}),
    ("top-departments", {"jurisdiction": "江苏省"}),
    ("top-departments", {"document": "nat"}),
    ("top-departments", {"document": "js", "function": "education", "limit": 2}),
    ("top-departments", {"document": "no-such-doc"}),
    ("top-departments", {"limit": 1}),
    ("obligations-across-levels", {}),
    ("obligations-across-levels", {"function": "education"}),
    ("obligations-across-levels", {"document": "js"}),
    ("obligations-across-levels", {"document": "ln"}),
    ("obligations-across-levels", {"function": "nothing"}),
    ("department-obligations", {"department": "江苏省教育厅"}),
    ("department-obligations", {"department": "江苏省教育厅", "with_units": True}),
    ("department-obligations", {"department": "江苏省教育厅", "with_units": True, "limit": 3}),
    ("department-obligations", {"department": "职教处", "with_units": True}),
    ("department-obligations", {"department": "js-edu-zjc"}),
    ("department-obligations", {"department": "教育部"}),
    ("department-obligations", {"department": "各地有关部门"}),
    ("department-obligations", {"department": "锦州师范高等专科学校"}),
    ("department-obligations", {"department": "锦州师范高等专科学校", "with_units": True}),
    ("department-obligations", {"department": "江苏省教育厅", "with_units": True, "document": "nat"}),
    ("department-obligations", {"department": "没有这个部门"}),
    ("division-rollup", {"department": "江苏省教育厅"}),
    ("division-rollup", {"department": "js-edu-zjc"}),
    ("division-rollup", {"department": "锦州师范高等专科学校"}),
    ("division-rollup", {"department": "教育部"}),
    ("co-responsibility", {}),
    ("co-responsibility", {"department": "江苏省财政厅"}),
    ("co-responsibility", {"department": "js-edu-ksy"}),
    ("co-responsibility", {"document": "nat"}),
    ("co-responsibility", {"min_shared": 2}),
    ("co-responsibility", {"min_shared": 3}),
    ("co-responsibility", {"limit": 2}),
    ("co-responsibility", {"limit": 1}),
    ("co-responsibility", {"limit": 3}),
    ("co-responsibility", {"limit": 5}),
    ("co-responsibility", {"department": "江苏省财政厅", "document": "js"}),
    ("co-responsibility", {"department": "江苏省财政厅", "document": "nat"}),
    ("co-responsibility", {"department": "江苏省财政厅", "min_shared": 2, "limit": 1}),
    ("co-responsibility", {"department": "没有这个部门"}),
    ("coordination-burden", {}),
    ("coordination-burden", {"min_departments": 3}),
    ("coordination-burden", {"min_departments": 1}),
    ("coordination-burden", {"min_departments": 1, "document": "nat"}),
    ("coordination-burden", {"min_departments": 5}),
    ("coordination-burden", {"min_departments": 1, "limit": 2}),
    ("deadlines-by-year", {}),
    ("deadlines-by-year", {"document": "js"}),
    ("deadlines-by-year", {"kind": "by-date"}),
    ("deadlines-by-year", {"kind": "period", "document": "nat"}),
    ("due-by", {"date": "2025-12-31"}),
    ("due-by", {"date": "2025-12-30"}),
    ("due-by", {"date": "2022-12-31"}),
    ("due-by", {"date": "2022-12-30"}),
    ("due-by", {"date": "2030-01-01", "document": "js"}),
    ("due-by", {"date": "2030-01-01", "document": "ln"}),
    ("due-by", {"date": "2030-01-01", "document": "no-such-doc"}),
    ("due-by", {"date": "2030-01-01", "department": "职教处"}),
    ("due-by", {"date": "2030-01-01", "department": "js-fin"}),
    ("due-by", {"date": "2030-01-01", "department": "教育部", "document": "js"}),
    ("due-by", {"date": "2030-01-01", "limit": 2}),
    ("no-deadline", {}),
    ("no-deadline", {"document": "js"}),
    ("no-deadline", {"level": "national"}),
    ("no-deadline", {"level": "provincial", "limit": 2}),
    ("no-deadline", {"level": "county"}),
    ("targets", {}),
    ("targets", {"unit": "所"}),
    ("targets", {"document": "js"}),
    ("targets", {"unit": "所", "limit": 1}),
    ("targets", {"unit": "%"}),
    ("documents", {}),
    ("documents", {"level": "institution"}),
    ("documents", {"level": "provincial"}),
    ("documents", {"jurisdiction": "江苏省"}),
    ("documents", {"level": "county"}),
    ("documents", {"limit": 1}),
    ("search-tasks", {"keyword": "教材"}),
    ("search-tasks", {"keyword": "导师"}),
    ("search-tasks", {"keyword": "学校", "document": "nat"}),
    ("search-tasks", {"keyword": "学校", "limit": 1}),
    ("search-tasks", {"keyword": "没有的词"}),
    ("names", {"kind": "department"}),
    ("names", {"kind": "document", "document": "js"}),
    ("names", {"kind": "task"}),
    ("names", {"kind": "task", "document": "js", "limit": 2}),
    ("names", {"kind": "department", "after": "js-edu", "limit": 3}),
]
CASE_IDS = [f"{q}{p}" for q, p in CASES]


def test_every_case_of_expected_yaml_is_what_the_oracle_says():
    wrong = [(c["query"], c["params"]) for c in EXPECTED if answer(MINI, c["query"], c["params"]) != c["rows"]]
    assert not wrong
    assert {c["query"] for c in EXPECTED} <= set(ANSWERS)


def test_cases_cover_every_parameter_of_the_answered_queries():
    for name in ANSWERS:
        if name not in REGISTRY.names():
            continue
        used = {k for q, p in CASES if q == name for k in p}
        declared = {p.name for p in REGISTRY.get(name).parameters}
        assert declared <= used, (name, declared - used)


def test_cases_find_rows_and_find_none():
    """The oracle's own rows are not all empty: each query has cases that find rows."""
    for name in {q for q, _ in CASES}:
        assert any(answer(MINI, q, p) for q, p in CASES if q == name), name


def _graph(data: dict | None = None) -> PolicyGraph:
    data = data or yaml.safe_load((FIXTURES / "mini_graph.yaml").read_text(encoding="utf-8"))
    g = PolicyGraph()
    for n in data["nodes"]:
        g.add_node(Node(n["id"], n["label"], n["props"], n.get("doc")))
    for source, rel, target in data["edges"]:
        g.add_edge(Edge(source, rel, target, doc=g.nodes[source].doc))
    return g


def _fill(store, data: dict | None = None) -> None:
    g = _graph(data)
    for n in sorted(g.nodes_by_label("Document"), key=lambda n: n.props["doc_id"]):
        store.replace_document(n.props["doc_id"], n.props["sha256"], g)


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory):
    store = OxigraphStore(tmp_path_factory.mktemp("oracle-oxigraph"))
    _fill(store)
    yield store
    store.close()


@pytest.fixture(scope="module")
def neo4j(neo4j_uri):
    from conftest import wipe_neo4j
    from policykg.graph.stores.neo4j_store import Neo4jStore

    wipe_neo4j(neo4j_uri)
    store = Neo4jStore(neo4j_uri)
    _fill(store)
    yield store
    store.close()


def _known(name: str) -> None:
    if name not in REGISTRY.names():
        pytest.skip(f"no query {name} in this registry")


@pytest.mark.parametrize("name,params", CASES, ids=CASE_IDS)
def test_oxigraph_gives_the_oracles_rows(name, params, oxigraph):
    _known(name)
    assert run(REGISTRY.get(name), oxigraph, params).rows == answer(MINI, name, params)


@pytest.mark.neo4j
@pytest.mark.parametrize("name,params", CASES, ids=CASE_IDS)
def test_neo4j_gives_the_oracles_rows(name, params, neo4j):
    _known(name)
    assert run(REGISTRY.get(name), neo4j, params).rows == answer(MINI, name, params)


# Documents whose ids share their first fifteen characters (what the listings sort on first): their rows interleave
# in task order, so a listing that picks whole documents before the limit must pick both together. A copy of the
# national document comes after them (a second group with targets, so that the cut between groups is tried).
SHARED_HEAD = {"nat": "policy-lists-20-nat", "js": "policy-lists-20-js", "ln": "policy-lists-19-ln",
               "copy": "policy-lists-21-nat"}


def _with_shared_heads(tmp_path: Path) -> Path:
    data = yaml.safe_load((FIXTURES / "mini_graph.yaml").read_text(encoding="utf-8"))
    copied = {n["id"]: n["id"].replace("nat", "copy", 1) for n in data["nodes"] if n.get("doc") == "nat"}
    for n in [n for n in data["nodes"] if n["id"] in copied]:
        props = {**n["props"], "doc_id": "copy"} if "doc_id" in n["props"] else dict(n["props"])
        if "sha256" in props:
            props["sha256"] = "copy of " + props["sha256"]
        data["nodes"].append({**n, "id": copied[n["id"]], "doc": "copy", "props": props})
    data["edges"] += [[copied[s], rel, copied.get(t, t)] for s, rel, t in data["edges"] if s in copied]
    for n in data["nodes"]:
        if n.get("doc") in SHARED_HEAD:
            n["doc"] = SHARED_HEAD[n["doc"]]
        if n["props"].get("doc_id") in SHARED_HEAD:
            n["props"]["doc_id"] = SHARED_HEAD[n["props"]["doc_id"]]
    path = tmp_path / "mini_shared_heads.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_targets_pages_across_documents_sharing_their_first_characters(tmp_path):
    """Every limit from 1 past the last row, with and without a unit or a document: the oracle's rows."""
    path = _with_shared_heads(tmp_path)
    mini, data = Mini(path), yaml.safe_load(path.read_text(encoding="utf-8"))
    store = OxigraphStore(tmp_path / "kg")
    _fill(store, data)
    everything = answer(mini, "targets", {"limit": 1000})
    nat, js, copy = SHARED_HEAD["nat"], SHARED_HEAD["js"], SHARED_HEAD["copy"]
    assert [r[0] for r in everything] == [nat, nat, js, nat, js, copy, copy, copy]
    tried = 0
    for filters in ({}, {"unit": "所"}, {"unit": "个"}, {"unit": "%"}, {"document": js}):
        for limit in range(1, len(answer(mini, "targets", {**filters, "limit": 1000})) + 2):
            params = {**filters, "limit": limit}
            assert run(REGISTRY.get("targets"), store, params).rows == answer(mini, "targets", params), params
            tried += 1
    assert tried == 21
    store.close()
