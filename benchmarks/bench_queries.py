"""Latency of every canned query on both stores at scale (default 100,000 tasks), printed side by side.

The graph is the five examples (extracted, resolved, built, linked by the cascade) repeated with fresh document
ids until it holds --tasks tasks; departments, functions and jurisdictions are shared across the copies, as in a
real national corpus where the same departments recur in every list. The first copy keeps the examples' ids, so
the parameter sets of tests/fixtures/queries/params.yaml select real rows: each query runs with its first set.

Each query runs once to warm up, then --runs times; median and 95th percentile wall times are printed per
store. Neo4j is --neo4j URI, else NEO4J_TEST_URI / NEO4J_URI, else the test launcher
(tests/neo4j-launcher/target/neo4j-launcher.jar, built by `mvn -q -f tests/neo4j-launcher package`) is started
for the run and stopped after it.

    .venv/bin/python benchmarks/bench_queries.py [--tasks 100000] [--runs 10] [--neo4j bolt://...] [--only NAME]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from policykg.graph.model import Edge, Node, PolicyGraph
from policykg.graph.stores.rdf_store import OxigraphStore
from policykg.queries.registry import Registry
from policykg.queries.runner import run

ROOT = Path(__file__).resolve().parents[1]
PARAMS = ROOT / "tests" / "fixtures" / "queries" / "params.yaml"
LAUNCHER = ROOT / "tests" / "neo4j-launcher" / "target" / "neo4j-launcher.jar"


def example_graph() -> PolicyGraph:
    """The examples as stored after ingest and `policykg link`: read back from a linked Oxigraph store."""
    from policykg.graph.cascade import linker as cascade
    from policykg.graph.build import build
    from policykg.graph.pipeline import process_files

    results, problems = process_files([ROOT / "examples"])
    if problems:
        sys.exit(f"cannot read the examples: {problems}")
    graph = build(results)
    with tempfile.TemporaryDirectory() as tmp:
        store = OxigraphStore(tmp)
        for doc, sha in documents(graph):
            store.replace_document(doc, sha, graph)
        cascade.link_store(store)
        linked = store.load_graph()
        store.close()
    return linked


def documents(graph: PolicyGraph) -> list[tuple[str, str]]:
    return sorted((n.props["doc_id"], n.props["sha256"]) for n in graph.nodes_by_label("Document"))


def renamed(sub: PolicyGraph, doc: str, copy: str) -> PolicyGraph:
    """One document's subgraph as document ``copy``: owned ids and doc_id rewritten, shared nodes kept."""
    def nid(node_id: str) -> str:
        node = sub.nodes[node_id]
        return node_id.replace(doc, copy, 1) if node.doc == doc else node_id

    out = PolicyGraph()
    for n in sub.nodes.values():
        props = dict(n.props)
        if n.doc == doc:
            if "doc_id" in props:
                props["doc_id"] = copy
            if "sha256" in props:
                props["sha256"] = f"{props['sha256']}-{copy}"
        out.add_node(Node(nid(n.id), n.label, props, copy if n.doc == doc else n.doc))
    for e in sub.edges.values():
        out.add_edge(Edge(nid(e.source), e.type, nid(e.target), dict(e.props), copy if e.doc == doc else e.doc))
    return out


def copies(base: PolicyGraph, min_tasks: int):
    """(document id, sha256, its graph) for every copy, then (None, None, that copy's IMPLEMENTS links)."""
    docs = documents(base)
    subs = {doc: base.document_subgraph(doc) for doc, _ in docs}
    per_copy = sum(1 for _ in base.nodes_by_label("Task"))
    links = list(base.edges_by_type("IMPLEMENTS"))
    for r in range(-(-min_tasks // per_copy)):
        prefix = "" if r == 0 else f"r{r:04d}-"
        for doc, _ in docs:
            g = renamed(subs[doc], doc, prefix + doc)
            yield prefix + doc, g.nodes[f"doc/{prefix + doc}"].props["sha256"], g
        if links:
            yield None, None, _copy_links(base, links, prefix)


def fill(store, base: PolicyGraph, min_tasks: int, batch: int = 50) -> tuple[int, int, float]:
    """Write the copies through the store's own batched writer (``write_documents``, ``batch`` documents a call,
    as `policykg ingest` does); returns (documents, tasks, seconds)."""
    started, n_docs, n_tasks = time.perf_counter(), 0, 0
    pending: list = []
    for doc, sha, g in copies(base, min_tasks):
        if doc is None:
            store.write_documents(pending)     # a copy's links need its documents stored
            pending = []
            store.add_links(g)
            continue
        pending.append((doc, sha, g))
        n_docs += 1
        n_tasks += sum(1 for _ in g.nodes_by_label("Task"))
        if len(pending) >= batch:
            store.write_documents(pending)
            pending = []
        if n_docs % 500 == 0:
            print(f"  {store.kind}: {n_tasks:,} tasks written", file=sys.stderr)
    if pending:
        store.write_documents(pending)
    return n_docs, n_tasks, time.perf_counter() - started


def fill_oxigraph_bulk(path: Path, base: PolicyGraph, min_tasks: int) -> tuple[OxigraphStore, int, int, float]:
    """The copies through the store's bulk loader (``OxigraphStore.bulk_load``, what `policykg ingest --bulk`
    uses), then each copy's links."""
    started, n_docs, n_tasks = time.perf_counter(), 0, 0
    links: list[PolicyGraph] = []

    def items():
        nonlocal n_docs, n_tasks
        for doc, sha, g in copies(base, min_tasks):
            if doc is None:
                links.append(g)
                continue
            n_docs += 1
            n_tasks += sum(1 for _ in g.nodes_by_label("Task"))
            yield doc, sha, g

    store = OxigraphStore(path)
    store.bulk_load(items())
    for g in links:
        store.add_links(g)
    return store, n_docs, n_tasks, time.perf_counter() - started


def _copy_links(base: PolicyGraph, links: list[Edge], prefix: str) -> PolicyGraph:
    out = PolicyGraph()

    def nid(node_id: str) -> str:
        node = base.nodes[node_id]
        return node_id.replace(node.doc, prefix + node.doc, 1) if prefix and node.doc else node_id

    for e in links:
        for end in (e.source, e.target):
            n = base.nodes[end]
            out.add_node(Node(nid(end), n.label, {}, n.doc and prefix + n.doc))
        out.add_edge(Edge(nid(e.source), e.type, nid(e.target), dict(e.props)))
    return out


def time_query(query, store, params: dict, runs: int) -> tuple[int, float, float]:
    rows = len(run(query, store, params).rows)       # warm-up (and the row count)
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        run(query, store, params)
        times.append(time.perf_counter() - t)
    times.sort()
    p95 = times[min(len(times) - 1, max(0, round(0.95 * len(times)) - 1))]
    return rows, statistics.median(times), p95


def start_launcher() -> tuple[subprocess.Popen, str]:
    if not LAUNCHER.is_file():
        sys.exit(f"no Neo4j: give --neo4j URI or build the launcher ({LAUNCHER} is missing)")
    proc = subprocess.Popen(["java", "-jar", str(LAUNCHER), "stop-on-stdin-eof"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    for line in proc.stdout:
        if line.startswith("NEO4J_BOLT_URI="):
            return proc, line.strip().split("=", 1)[1]
    sys.exit("the Neo4j launcher stopped before printing its Bolt URI")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tasks", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--neo4j", default=os.environ.get("NEO4J_TEST_URI") or os.environ.get("NEO4J_URI"))
    ap.add_argument("--no-neo4j", action="store_true", help="Oxigraph only")
    ap.add_argument("--only", action="append", help="only this query (repeatable)")
    args = ap.parse_args()

    registry = Registry.load()
    cases = yaml.safe_load(PARAMS.read_text(encoding="utf-8"))
    names = args.only or registry.names()

    print("building the examples graph (extract, resolve, build, link) ...", file=sys.stderr)
    base = example_graph()
    tmp = tempfile.TemporaryDirectory()
    oxigraph, n_docs, n_tasks, seconds = fill_oxigraph_bulk(Path(tmp.name) / "oxigraph", base, args.tasks)
    print(f"oxigraph: bulk-loaded {n_docs:,} documents, {n_tasks:,} tasks in {seconds:.0f} s")
    stores = [oxigraph]
    launcher = None
    if not args.no_neo4j:
        from policykg.graph.stores.registry import open_store

        uri = args.neo4j
        if uri is None:
            launcher, uri = start_launcher()
        stores.append(open_store("neo4j", neo4j_uri=uri))
    try:
        for store in stores[1:]:
            n_docs, n_tasks, seconds = fill(store, base, args.tasks)
            print(f"{store.kind}: wrote {n_docs:,} documents, {n_tasks:,} tasks in {seconds:.0f} s "
                  f"({n_tasks / seconds:,.0f} tasks/s)")
        header = f"{'query':<26} {'rows':>5}" + "".join(
            f" {s.kind + ' median':>16} {s.kind + ' p95':>13}" for s in stores)
        if len(stores) == 2:
            header += f" {'neo4j/oxigraph':>15}"
        print(f"\nquery latency at {n_tasks:,} tasks, {args.runs} runs after one warm-up (ms)")
        print(header)
        for name in names:
            query = registry.get(name)
            params = (cases.get(name) or [{}])[0]
            figures = [time_query(query, s, params, args.runs) for s in stores]
            line = f"{name:<26} {figures[0][0]:>5}" + "".join(
                f" {f[1] * 1000:>16.1f} {f[2] * 1000:>13.1f}" for f in figures)
            if len(figures) == 2:
                line += f" {figures[1][1] / figures[0][1]:>15.2f}"
                if figures[0][0] != figures[1][0]:
                    line += f"  (row counts differ: {figures[1][0]} on neo4j)"
            print(line, flush=True)
    finally:
        for s in stores:
            s.close()
        tmp.cleanup()
        if launcher is not None:
            launcher.stdin.close()
            launcher.wait(timeout=60)


if __name__ == "__main__":
    main()
