"""Neo4j write throughput: the store's batched UNWIND writer against a naive one-MERGE-per-row writer.

The data is the five examples (extracted, resolved, built) repeated with fresh document ids until the graph
holds --tasks tasks (default 20,000), as in bench_rdf_store.py: shared departments, functions and
jurisdictions, per-document tasks, targets and deadlines. Both writers get the same documents, one
transaction per document, on the same server with the same constraints, measured in one run:

  batched   Neo4jStore.replace_document: rows grouped by label / relationship type, one UNWIND per group
  naive     one MERGE statement per node and one per relationship (the usual first attempt)
  unchanged replace_document again for every document: the hash check alone (idempotent re-ingest)

The server is --neo4j URI, else NEO4J_TEST_URI, else the test launcher (tests/neo4j-launcher, built by
scripts/setup.sh --test) started for the run. The database is emptied before each writer: use a scratch one.

    .venv/bin/python benchmarks/bench_neo4j_writer.py [--tasks 20000] [--neo4j bolt://127.0.0.1:7687 --server-pid PID]

A freshly started JVM is slow until its JIT has compiled the hot paths; on a busy 2-core machine that takes
minutes, so for steady-state figures point it at a server that has already done some work.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests"))

from bench_rdf_store import copies  # noqa: E402  (the examples repeated with fresh document ids)

from policykg.graph.stores import cypher_codec as cc  # noqa: E402
from policykg.graph.build import build  # noqa: E402
from policykg.graph.model import PolicyGraph  # noqa: E402
from policykg.graph.stores.neo4j_store import Neo4jStore  # noqa: E402
from policykg.graph.pipeline import process_files  # noqa: E402


def naive_write(store: Neo4jStore, doc: str, g: PolicyGraph) -> None:
    """One transaction per document, one MERGE per node and per relationship: no batching at all."""
    m = store.m

    def work(tx) -> None:
        for node in g.nodes.values():
            tx.run(f"MERGE (n:{cc.ident(node.label)} {{id: $id}}) SET n += $props",
                   id=node.id, props=cc.node_row(node, m)).consume()
        for e in g.edges.values():
            labels = (g.nodes[e.source].label, g.nodes[e.target].label)
            tx.run(f"MATCH (a:{cc.ident(labels[0])} {{id: $s}}) MATCH (b:{cc.ident(labels[1])} {{id: $t}}) "
                   f"MERGE (a)-[r:{cc.ident(e.type)}]->(b) SET r = $props",
                   s=e.source, t=e.target, props=cc.edge_props(e, m, labels)).consume()

    with store._session() as session:
        session.execute_write(work)


def wipe(store: Neo4jStore) -> None:
    with store._session() as session:
        session.run("MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()


def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def cpu_seconds(pid: int | None) -> float:
    """User+system CPU time of a local process (the server), from /proc; 0 when unknown."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=20_000)
    parser.add_argument("--neo4j", default=os.environ.get("NEO4J_TEST_URI"))
    parser.add_argument("--server-pid", type=int, help="pid of a local server given by --neo4j, for its CPU time")
    args = parser.parse_args()

    launcher = None
    uri = args.neo4j
    if not uri:
        from conftest import start_neo4j_launcher

        # the full JIT (not the tests' C1-only setting): the benchmark is about steady-state throughput
        launcher, uri = start_neo4j_launcher(Path(tempfile.mkdtemp()) / "neo4j.log", jvm=("-Xmx1g",))
    try:
        run(uri, args.tasks, launcher.pid if launcher is not None else args.server_pid)
    finally:
        if launcher is not None:
            launcher.stdin.close()
            launcher.wait(timeout=60)


def run(uri: str, tasks: int, server_pid: int | None) -> None:
    """Wall-clock time, and (when the benchmark started the server itself) the server's CPU seconds: on a
    shared, busy machine the CPU time shows the work each writer costs the server whatever the load."""
    results, problems = process_files([ROOT / "examples"])
    graph = build(results)
    base = {r.meta.doc: graph.document_subgraph(r.meta.doc) for r in results}
    docs = copies(base, tasks)
    n_tasks = sum(sum(1 for _ in g.nodes_by_label("Task")) for _, g in docs)
    n_rows = sum(len(g.nodes) + len(g.edges) for _, g in docs)
    print(f"Neo4j at {uri}: {len(docs)} documents, {n_tasks} tasks, {n_rows} node+edge rows", flush=True)

    store = Neo4jStore(uri)
    store.ensure_schema()
    warm = docs[:5]                               # plans and JIT warmed for both writers alike
    figures = []
    unchanged = None
    for name, write in (("batched UNWIND (replace_document)", lambda d, g: store.replace_document(d, "x", g)),
                        ("naive MERGE per row", lambda d, g: naive_write(store, d, g))):
        wipe(store)
        for doc, g in warm:
            write(doc, g)
        wipe(store)
        cpu0, client0 = cpu_seconds(server_pid), time.process_time()
        seconds = timed(lambda: [write(doc, g) for doc, g in docs])
        cpu, client = cpu_seconds(server_pid) - cpu0, time.process_time() - client0
        counts = store.counts()
        figures.append((name, seconds, counts, cpu, client))
        print(f"  {name}: {seconds:.1f} s", flush=True)
        if unchanged is None:             # right after the batched writer: every document is already there
            unchanged = timed(lambda: [store.replace_document(doc, "x", g) for doc, g in docs])
    store.close()

    assert figures[0][2] == figures[1][2], "the two writers stored different graphs"
    base_rate = n_tasks / figures[1][1]
    print()
    print(f"{'writer':<36} {'seconds':>8} {'tasks/s':>9} {'rows/s':>9} {'vs naive':>9} {'server CPU s':>13} "
          f"{'client CPU s':>13}")
    for name, seconds, _, cpu, client in figures:
        print(f"{name:<36} {seconds:8.1f} {n_tasks / seconds:9.0f} {n_rows / seconds:9.0f} "
              f"{n_tasks / seconds / base_rate:8.1f}x {cpu if server_pid else float('nan'):13.1f} {client:13.1f}")
    print(f"{'re-ingest, all unchanged':<36} {unchanged:8.1f} {n_tasks / unchanged:9.0f} {'':>9} {'':>9}")
    c = figures[0][2]
    print(f"\nstored: {c['Document']} documents, {c['Task']} tasks, {c['Department']} departments, "
          f"{sum(v for k, v in c.items() if k.isupper())} relationships (same for both writers)")


if __name__ == "__main__":
    main()
