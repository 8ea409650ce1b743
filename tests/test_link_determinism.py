"""Linking is repeatable: the same documents give the same links, scores, evidence and review flags whatever the
order and batches they were ingested in, however often linking runs, whatever PYTHONHASHSEED the process has
(set iteration order changes with it), and on either store.

Each ingest runs as its own `policykg` process with its own hash seed, as users run it.
"""
from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from policykg.graph.stores.rdf_store import OxigraphStore

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
FILES = sorted(EXAMPLES.glob("*.txt"))


def policykg(*args, seed: int) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONHASHSEED": str(seed), "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.run([sys.executable, "-m", "policykg.app.cli", *map(str, args)], capture_output=True,
                          text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return proc


def links_of(graph) -> list[tuple]:
    return sorted((e.source, e.target, e.props["review"], round(float(e.props["score"]), 4), e.props["evidence"])
                  for e in graph.edges_by_type("IMPLEMENTS"))


def stored_links(path: Path) -> list[tuple]:
    store = OxigraphStore(path, read_only=True)
    try:
        return links_of(store.load_graph())
    finally:
        store.close()


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> list[tuple]:
    kg = tmp_path_factory.mktemp("det") / "all"
    policykg("ingest", EXAMPLES, "--store", kg, "-q", seed=1)
    return stored_links(kg)


def test_any_order_and_batching_gives_the_same_links(reference, tmp_path):
    rng = random.Random(18)
    shuffled = FILES[:]
    rng.shuffle(shuffled)
    plans = {
        "one by one": [[f] for f in FILES],
        "one by one, reversed": [[f] for f in reversed(FILES)],
        "two batches, shuffled": [shuffled[:3], shuffled[3:]],
        "one by one, shuffled": [[f] for f in shuffled[::-1]],
    }
    for n, (name, batches) in enumerate(plans.items()):
        kg = tmp_path / f"kg{n}"
        for i, batch in enumerate(batches):
            policykg("ingest", *batch, "--store", kg, "-q", seed=100 * n + i + 2)
        got = stored_links(kg)
        flips = sum(1 for a, b in zip(got, reference) if a[:2] == b[:2] and a[2] != b[2])
        assert got == reference, f"{name}: {flips} review flags differ"
    confident = sum(1 for link in reference if not link[2])
    print(f"{len(plans)} ingest orders/batchings, each file in its own process and hash seed: the same "
          f"{len(reference)} links ({confident} confident), scores, evidence and review flags as one ingest of all")


def test_linking_again_changes_nothing(reference, tmp_path):
    kg = tmp_path / "kg"
    policykg("ingest", EXAMPLES, "--store", kg, "-q", seed=7)
    for seed in (8, 9, 10):
        policykg("link", "--store", kg, seed=seed)
        assert stored_links(kg) == reference, seed
    print(f"linking the same store 3 more times (hash seeds 8-10): 0 of {len(reference)} links or flags changed")


def test_the_order_of_the_graph_in_memory_does_not_matter(reference):
    from policykg.graph.cascade import linker as cascade
    from policykg.graph.build import build
    from policykg.graph.model import PolicyGraph
    from policykg.graph.pipeline import process_files

    results, _ = process_files(FILES)
    forward = build(results)
    backward = PolicyGraph()
    for node in reversed(list(forward.nodes.values())):
        backward.add_node(node)
    for edge in reversed(list(forward.edges.values())):
        backward.add_edge(edge)

    def as_rows(edges):
        return sorted((e.source, e.target, e.props["review"], e.props["score"], e.props["evidence"]) for e in edges)

    assert as_rows(cascade.link(forward)) == as_rows(cascade.link(backward)) == reference
    print("the graph built forwards and backwards in memory: identical links")


def test_neo4j_gives_the_same_links(reference, neo4j_uri):
    from conftest import wipe_neo4j

    from policykg.graph.stores.neo4j_store import Neo4jStore

    wipe_neo4j(neo4j_uri)
    policykg("ingest", *FILES[3:], "--neo4j", neo4j_uri, "-q", seed=31)
    policykg("ingest", *FILES[:3], "--neo4j", neo4j_uri, "-q", seed=32)
    policykg("link", "--neo4j", neo4j_uri, seed=33)
    store = Neo4jStore(neo4j_uri)
    try:
        got = links_of(store.load_graph())
    finally:
        store.close()
    assert got == reference
    print(f"Neo4j, ingested in two batches and linked again: the same {len(got)} links and flags as the embedded store")
