"""Store-wide totals of departments and of pairs of departments on a real Neo4j (graph/stores/neo4j_totals.py):
after batches of new documents, a replaced document that drops departments, an unchanged document written
again, and a store written before totals, they equal what the graph's LEAD / SUPPORT edges give when counted
directly (test_rdf_totals.counted, which never reads a summary) — the same figures as on the embedded store."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest
from typer.testing import CliRunner

from policykg.app.cli import app
from policykg.graph.build import build
from policykg.graph.pipeline import process_files
from policykg.graph.stores import neo4j_totals
from policykg.graph.stores.neo4j_store import Neo4jStore, Neo4jStoreError
from test_rdf_totals import counted


@pytest.fixture(scope="module")
def results():
    extracted, problems = process_files([Path(__file__).resolve().parents[1] / "examples"])
    assert not problems
    return extracted


def stored(store: Neo4jStore) -> dict:
    departments = store._read("MATCH (d:Department) WHERE d.total_items IS NOT NULL "
                              "RETURN d.id, d.total_items, coalesce(d.total_lead, 0), coalesce(d.total_support, 0)")
    pairs = store._read("MATCH (a:Department)<-[:TOTAL_FIRST]-(p:PairSummary)-[:TOTAL_SECOND]->(b:Department) "
                        "RETURN a.id, b.id, p.total")
    # a pair total is whole (its two ends and its count) or absent; none is 0, no department keeps a 0
    assert store._read("MATCH (p:PairSummary) WHERE p._doc IS NULL RETURN count(p)") == [[len(pairs)]]
    assert all(n > 0 for *_ends, n in pairs)
    assert store._read("MATCH (d:Department) WHERE d.total_items = 0 OR d.total_lead = 0 "
                       "OR d.total_support = 0 RETURN count(d)") == [[0]]
    return {d: (i, l, s) for d, i, l, s in departments} | {(a, b): (n,) for a, b, n in pairs}


def test_totals_after_batches_replace_and_rewrite(results, neo4j_store):
    items = [(r.meta.doc, r.meta.sha256, build([r])) for r in results]
    neo4j_store.write_documents(items[:2])
    neo4j_store.write_documents(items[2:])
    totals = stored(neo4j_store)
    assert totals == counted(build(results))
    # measured by the oracle on the examples (the same as the embedded store's): 119 departments, 335 pairs
    assert sum(isinstance(k, str) for k in totals) == 119 and sum(isinstance(k, tuple) for k in totals) == 335
    # the same documents again: unchanged, nothing added twice
    assert {o.action for o in neo4j_store.write_documents(items)} == {"unchanged"}
    assert stored(neo4j_store) == totals
    # a replaced version that drops departments: theirs go, the others count what is left
    shrunk = copy.deepcopy(results[1])
    shrunk.meta.sha256 = "e" * 64
    shrunk.tasks = shrunk.tasks[:1]
    outcome = neo4j_store.write_documents([(shrunk.meta.doc, shrunk.meta.sha256, build([shrunk])), items[0]])
    assert [o.action for o in outcome] == ["replaced", "unchanged"]
    expected = build([r for r in results if r is not results[1]] + [shrunk])
    assert stored(neo4j_store) == counted(expected) != totals


def test_a_store_written_before_totals_is_refused_to_readers_and_gets_them_from_its_first_writer(results, neo4j_store):
    items = [(r.meta.doc, r.meta.sha256, build([r])) for r in results]
    neo4j_store.write_documents(items)
    # what an older policykg left: summaries, no totals, no mark
    neo4j_store._driver.execute_query(
        "MATCH (d:Department) REMOVE d.total_items, d.total_lead, d.total_support "
        "WITH count(*) AS done MATCH (p:PairSummary) WHERE p._doc IS NULL DETACH DELETE p "
        "WITH count(*) AS done MATCH (s:PolicykgState {id: $id}) DELETE s", id=neo4j_totals.STATE_ID)
    reader = Neo4jStore(neo4j_store.uri)
    with pytest.raises(Neo4jStoreError, match="no store-wide totals"):
        reader.query("MATCH (d:Department) RETURN count(d)")
    cli = CliRunner()
    refused = cli.invoke(app, ["query", "top-departments", "--neo4j", neo4j_store.uri])
    assert refused.exit_code != 0 and "no store-wide totals" in refused.output + (refused.stderr or "")
    # what the refusal advises: any writing command, here the link step
    assert cli.invoke(app, ["link", "--neo4j", neo4j_store.uri], catch_exceptions=False).exit_code == 0
    assert stored(reader) == counted(build(results))
    assert reader.query("MATCH (d:Department) RETURN count(d)").rows     # answered now
    reader.close()


def test_a_store_emptied_under_its_writer_is_marked_again_by_its_next_write(results, neo4j_store):
    from conftest import wipe_neo4j

    first = [(r.meta.doc, r.meta.sha256, build([r])) for r in results[:1]]
    neo4j_store.write_documents(first)
    wipe_neo4j(neo4j_store.uri)         # the mark goes with everything else; the writer has made its schema
    neo4j_store.write_documents(first)
    reader = Neo4jStore(neo4j_store.uri)
    assert reader.query("MATCH (d:Department) RETURN count(d)").rows
    assert stored(reader) == counted(build(results[:1]))
    reader.close()
