#!/usr/bin/env python3
"""The scale benchmark of issue 16: one command, one table (markdown + JSON) of every write, query, link and memory
figure at 10,000 and 100,000 tasks of the synthetic national corpus (benchmarks/synth.py), each beside its
baseline measured in the same run, with the growth exponent of a log-log fit across the sizes.

    .venv/bin/python benchmarks/bench_scale.py [--sizes 10000 100000] [--runs 5] [--no-neo4j] [--readme]
    .venv/bin/python benchmarks/bench_scale.py --sizes 1000000 --only ingest --keep --readme   # ingest + link alone
    make bench-scale

Per size (the corpus is generated once into bench-output/scale/synth-N and reused):

  extraction        the ingest path's reading, extraction, resolution and graph building (tasks/s), beside
                    the reader alone (``loaders.read``: bytes, decoding, blocks; no extraction) on the same files
  Oxigraph ingest   ``policykg ingest``'s write path (graph.pipeline.ingest_files: ``write_documents`` per
                    batch of POLICYKG_INGEST_BATCH documents), quads/s of the write calls alone, each batch
                    written before the next is read (ingest overlaps them: bench_ingest_overlap.py)
  Oxigraph --bulk   ``policykg ingest --bulk`` (graph.pipeline.bulk_ingest), quads/s of the loader (wall time
                    minus the time spent extracting and building, measured around those calls)
  raw bulk load     pyoxigraph ``Store.bulk_load`` of the same quads from an N-Quads file: the engine's ceiling
  quads per task    stored quads (before linking) / tasks
  linking           ``cascade.link_store`` on the Oxigraph store (Neo4j gets the same links copied: the linker is
                    deterministic and its time is the same Python work on either store)
  ingest peak RSS   the whole ingest + link, run in a child process: its ru_maxrss (os.wait4)
  Neo4j write       ``Neo4jStore.write_documents`` per batch, the documents read back from the Oxigraph store,
                    beside the one-MERGE-per-row writer of bench_neo4j_writer.py on the first --naive-tasks tasks
  queries           every canned query, median and p95 of --runs runs after a warm-up (bench_queries.time_query),
                    on both stores, with the first parameter set of tests/fixtures/queries/params.yaml (a task or
                    document parameter is pointed at one the corpus holds)

Neo4j is started as scripts/test.sh starts it (tests/neo4j-launcher), with the full JIT and -Xmx2g, unless --neo4j
URI names one (its database is emptied: use a scratch one). Times are wall-clock on whatever the machine is doing;
the load average is printed with the table. Output: bench-output/scale/scale.{md,json}; --readme also writes the
table into README.md between the bench-scale markers.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import Future
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench-output" / "scale"
README = ROOT / "README.md"
COPY_CHUNK = 20_000   # links per transaction when the benchmark copies them into Neo4j
MARK_START, MARK_END = "<!-- bench-scale:start -->", "<!-- bench-scale:end -->"
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests"))

# The targets (at 100,000 tasks unless said): figure key -> (comparison, value, unit)
TARGETS = {
    "oxigraph_ingest_qps": (">=", 50_000, "quads/s"),
    "oxigraph_bulk_qps": (">=", 200_000, "quads/s"),
    "quads_per_task": ("<=", 25, "quads/task"),
    "neo4j_tasks_per_s": (">=", 5_000, "tasks/s"),
    "query_p95_neo4j_ms": ("<=", 300, "ms"),
    "query_p95_oxigraph_ms": ("<=", 1000, "ms"),
    "ingest_peak_rss_mb": ("<=", 2048, "MB (at 1,000,000 tasks)"),
}


# -- child processes: each measured on its own, peak RSS included -------------------------------------------
class Stopwatch:
    """Seconds spent inside the wrapped calls (timing only: the calls themselves are the real ones)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.cpu = 0.0          # CPU seconds of this process (all its threads) inside the calls

    def wrap(self, fn):
        def timed(*args, **kwargs):
            t, c = time.perf_counter(), time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - t
                self.cpu += time.process_time() - c
        return timed


def _time_extraction(watch: Stopwatch) -> None:
    """Time the pipeline's extraction and graph building wherever the ingest path calls them: in this process
    (no extraction workers, graph.extract_pool), so that the stages are timed apart."""
    import policykg.graph.build as build_module
    import policykg.graph.pipeline as pipeline

    os.environ["POLICYKG_EXTRACT_WORKERS"] = "0"

    pipeline.process_file = watch.wrap(pipeline.process_file)
    build_module.build = watch.wrap(build_module.build)


class InCallerThread:
    """An executor that runs each task at once in the caller's thread. Ingest writes a batch while it reads the
    next (pipeline.BatchWriter); with this in its place each batch is written before the next is read, so the
    stages can be timed apart (bench_ingest_overlap.py measures what the overlap gains)."""

    def __init__(self, *args, **kwargs) -> None:
        pass

    def submit(self, fn, *args) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args))
        except BaseException as exc:        # noqa: BLE001 (handed back as the thread pool would)
            future.set_exception(exc)
        return future

    def shutdown(self, wait: bool = True) -> None:
        pass


def child_ingest(corpus: Path, store_path: Path, nquads: Path) -> dict:
    """`policykg ingest` in process (batched write path, then linking): the figures of the ingest path, each
    batch written before the next is read (InCallerThread)."""
    from pyoxigraph import DefaultGraph, RdfFormat

    from policykg.graph import pipeline
    from policykg.graph.cascade import linker
    from policykg.graph.pipeline import ingest_files, input_files
    from policykg.graph.stores.rdf_store import OxigraphStore

    pipeline.ThreadPoolExecutor = InCallerThread
    extraction = Stopwatch()
    _time_extraction(extraction)
    files, problems = input_files([corpus / "docs"])
    store = OxigraphStore(store_path)
    writes = Stopwatch()
    store.write_documents = writes.wrap(store.write_documents)
    tally, tasks = Counter(), 0
    started = time.perf_counter()
    for outcome in ingest_files(store, files):
        tally[outcome.action] += 1
        tasks += outcome.tasks
    ingest_s = time.perf_counter() - started
    cpu = time.process_time()
    quads = len(store._store)
    if nquads.name:      # the baseline's input (not written with --only ingest)
        store._store.dump(str(nquads), RdfFormat.N_QUADS, from_graph=DefaultGraph())
    started = time.perf_counter()
    linked = linker.link_store(store, keep=False).counts
    link_s = time.perf_counter() - started
    link_cpu = time.process_time() - cpu
    store.close()
    return {"documents": len(files), "tasks": tasks, "outcomes": dict(tally), "problems": len(problems),
            "ingest_s": ingest_s, "extract_s": extraction.seconds, "extract_cpu": extraction.cpu,
            "write_s": writes.seconds, "write_cpu": writes.cpu, "quads": quads,
            "link_s": link_s, "link_cpu": link_cpu, "links": linked["links"]}


def child_bulk(corpus: Path, store_path: Path) -> dict:
    """`policykg ingest --bulk --no-link` in process, and the reader alone over the same files (the extraction
    baseline)."""
    from policykg.graph.pipeline import bulk_ingest, input_files
    from policykg.graph.stores.rdf_store import OxigraphStore
    from policykg.loaders import read

    files, _problems = input_files([corpus / "docs"])
    started, cpu = time.perf_counter(), time.process_time()
    for f in files:
        read(f.path)
    read_s, read_cpu = time.perf_counter() - started, time.process_time() - cpu
    extraction = Stopwatch()
    _time_extraction(extraction)
    store = OxigraphStore(store_path)
    tally = Counter()
    started, cpu = time.perf_counter(), time.process_time()
    counts = bulk_ingest(store, files, on_outcome=lambda o: tally.update([o.action]))
    bulk_s, bulk_cpu = time.perf_counter() - started, time.process_time() - cpu
    quads = len(store._store)
    store.close()
    return {"read_s": read_s, "read_cpu": read_cpu, "bulk_total_s": bulk_s, "bulk_extract_s": extraction.seconds,
            "bulk_load_s": bulk_s - extraction.seconds, "bulk_load_cpu": bulk_cpu - extraction.cpu,
            "bulk_quads": quads, "bulk_outcomes": dict(tally), "bulk_counts": counts}


def child_raw(nquads: Path, store_path: Path) -> dict:
    """pyoxigraph's own bulk loader on the N-Quads the ingest path wrote: the engine's ceiling."""
    from pyoxigraph import RdfFormat, Store

    store = Store(str(store_path))
    started, cpu = time.perf_counter(), time.process_time()
    store.bulk_load(path=str(nquads), format=RdfFormat.N_QUADS)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    quads = len(store)
    del store
    return {"raw_s": seconds, "raw_cpu": cpu, "raw_quads": quads}


def child_recall(corpus: Path, store_path: Path) -> dict:
    """The share of the generator's true restatements (a list's task -> the task of the list above it that it
    restates: links.jsonl) that the link step found, confident or suggested. Links from school tables are left
    out: their task columns copy the list they answer (the same level), and the linker links a copy the way it
    links the list's own row. Without this row a scale run shows the time of a link step, not that it works.

    Read by pattern from each true lower task's links (a few look-ups per link), not by one SPARQL join over
    every link: at 1,000,000 tasks (6.3 million links) that join did not finish in 8 minutes."""
    from pyoxigraph import NamedNode

    from policykg.graph.stores.rdf_store import OxigraphStore

    true: dict[tuple[str, str], set[tuple[str, str]]] = {}     # (file stem, task no) -> what it restates
    for r in map(json.loads, (corpus / "links.jsonl").read_text(encoding="utf-8").splitlines()):
        if r["from_level"] != "institution":
            true.setdefault((r["from_doc"], r["from_task"]), set()).add((r["to_doc"], r["to_task"]))
    with OxigraphStore(store_path, read_only=True) as store:
        m, quads = store.m, store._store.quads_for_pattern
        doc_p, task_p = m.nodes["Document"].properties, m.nodes["Task"].properties
        identifier, source_file = NamedNode(doc_p["doc_id"].iri), NamedNode(doc_p["file"].iri)
        task_no, task_doc = NamedNode(task_p["task_no"].iri), NamedNode(task_p["doc_id"].iri)
        has_task = NamedNode(m.relationships["HAS_TASK"].iri)
        link = m.layout.link_nodes["IMPLEMENTS"]
        link_from, link_to = NamedNode(link.from_iri), NamedNode(link.to_iri)

        def one(s, p):
            return next(quads(s, p, None, None)).object

        stem_of = {}                                   # document id -> its file's stem (links.jsonl's names)
        node_of = {}                                   # file stem -> the Document node
        for q in quads(None, identifier, None, None):
            stem = Path(one(q.subject, source_file).value).stem
            stem_of[q.object.value], node_of[stem] = stem, q.subject
        hits = 0
        for stem in sorted({low_doc for low_doc, _no in true} & set(node_of)):
            for t in (q.object for q in quads(node_of[stem], has_task, None, None)):
                wanted = true.get((stem, one(t, task_no).value))
                if not wanted:
                    continue
                reached = set()
                for lq in quads(None, link_from, t, None):
                    high = one(lq.subject, link_to)
                    reached.add((stem_of[one(high, task_doc).value], one(high, task_no).value))
                hits += len(wanted & reached)
    total = sum(map(len, true.values()))
    return {"restated_true": total, "restated_found": hits, "restated_recall": hits / total if total else None}


def in_child(kind: str, *args: Path) -> dict:
    """Run a child_* function in a fresh Python process; its JSON result plus its peak RSS (MB) and CPU time."""
    with tempfile.NamedTemporaryFile("w+", suffix=".json") as result:
        proc = subprocess.Popen([sys.executable, __file__, "--child", kind, *map(str, args), "--result", result.name],
                                env={**os.environ, "PYTHONHASHSEED": "0"})
        _pid, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            sys.exit(f"bench_scale: the {kind} step failed (exit {proc.returncode})")
        figures = json.loads(Path(result.name).read_text())
    figures[f"{kind}_peak_rss_mb"] = usage.ru_maxrss / 1024
    figures[f"{kind}_cpu_s"] = usage.ru_utime + usage.ru_stime
    return figures


# -- Neo4j -------------------------------------------------------------------------------------------------------
def neo4j_figures(uri: str, oxigraph_path: Path, naive_tasks: int, batch: int,
                  server_pid: int | None) -> tuple[dict, object]:
    """Write the corpus (read back from the Oxigraph store) into Neo4j with the store's batched writer, after the
    one-MERGE-per-row writer on the first ``naive_tasks`` tasks; then give it the Oxigraph store's links. Returns
    figures and the store."""
    from bench_neo4j_writer import cpu_seconds, naive_write, wipe

    from policykg.graph.stores.neo4j_store import Neo4jStore
    from policykg.graph.stores.rdf_store import OxigraphStore

    source = OxigraphStore(oxigraph_path, read_only=True)
    hashes = source.document_hashes()
    docs = sorted(hashes)
    store = Neo4jStore(uri)
    store.ensure_schema()
    wipe(store)

    def graphs():
        for i in range(0, len(docs), batch):
            part = docs[i:i + batch]
            g = source.load_documents(part)
            yield [(d, hashes[d], g) for d in part], sum(1 for _ in g.nodes_by_label("Task"))

    # the baseline: one MERGE per node and per relationship, one transaction per document, on a sample
    naive_s, naive_cpu, naive_n = 0.0, 0.0, 0
    for items, n in graphs():
        for doc, _sha, g in items:
            sub = g.document_subgraph(doc)
            started, cpu = time.perf_counter(), time.process_time() + cpu_seconds(server_pid)
            naive_write(store, doc, sub)
            naive_s += time.perf_counter() - started
            naive_cpu += time.process_time() + cpu_seconds(server_pid) - cpu
            naive_n += sum(1 for _ in sub.nodes_by_label("Task"))
        if naive_n >= naive_tasks:
            break
    wipe(store)
    write_s, write_cpu, tasks, failed = 0.0, 0.0, 0, 0
    for items, n in graphs():
        started, cpu = time.perf_counter(), time.process_time() + cpu_seconds(server_pid)
        outcomes = store.write_documents(items)
        write_s += time.perf_counter() - started
        write_cpu += time.process_time() + cpu_seconds(server_pid) - cpu
        tasks += n
        failed += sum(o.action == "failed" for o in outcomes)
    links = copy_links(source, store)      # the links computed on Oxigraph (the same documents): no second run
    source.close()
    return {"neo4j_tasks": tasks, "neo4j_failed": failed, "neo4j_write_s": write_s,
            "neo4j_tasks_per_s": tasks / write_s, "neo4j_write_cpu": write_cpu if server_pid else None,
            "neo4j_naive_tasks": naive_n, "neo4j_naive_s": naive_s,
            "neo4j_naive_tasks_per_s": naive_n / naive_s if naive_s else None,
            "neo4j_naive_cpu": naive_cpu if server_pid else None, "neo4j_links": links}, store


def copy_links(source, target) -> int:
    """The cascade links stored in the Oxigraph store ``source`` (with their link nodes and their ends' types),
    written into ``target`` with the same link state: the linker is deterministic, so this is what linking the
    same documents there would write, without spending the linking time twice."""
    from pyoxigraph import DefaultGraph, NamedNode

    from policykg.graph.model import PolicyGraph
    from policykg.graph.stores.rdf_codec import quads_to_graph
    from policykg.ontology.mapping import RDF_TYPE

    m, raw, default = source.m, source._store, DefaultGraph()
    quads, ends, link_nodes = [], set(), set()
    for r in m.layout.links:
        for q in raw.quads_for_pattern(None, NamedNode(m.relationships[r].iri), None, default):
            quads.append(q)
            ends.update((q.subject, q.object))
    for spec in m.layout.link_nodes.values():
        link_nodes.update(q.subject for q in raw.quads_for_pattern(None, NamedNode(spec.from_iri), None, default))
    for node in link_nodes:
        quads.extend(raw.quads_for_pattern(node, None, None, default))
    typing = [NamedNode(m.relationships[r].iri) for r in m.layout.typed_by.values()]
    for end in ends:   # an end's type: its rdf:type, else the relationship that types it (a link's target pair)
        typed = list(raw.quads_for_pattern(end, NamedNode(RDF_TYPE), None, default))
        quads.extend(typed or (q for p in typing for q in raw.quads_for_pattern(None, p, end, default)))
    graph = quads_to_graph(quads, m)
    edges = sorted((e for e in graph.edges.values() if e.type in m.layout.links), key=lambda e: e.key)
    state = source.link_state()
    # in chunks, as link_store writes them: 550,000 links in one Neo4j transaction need more than a 2 GB heap
    for start in range(0, max(len(edges), 1), COPY_CHUNK):
        part = PolicyGraph()
        for e in edges[start:start + COPY_CHUNK]:
            part.add_node(graph.nodes[e.source])
            part.add_node(graph.nodes[e.target])
            part.add_edge(e)
        last = start + COPY_CHUNK >= len(edges)
        target.add_links(part, replace=start == 0, state=state if last else {**(state or {}), "complete": False})
    return len(edges)


def start_neo4j() -> tuple[subprocess.Popen, str]:
    """The launcher as scripts/test.sh starts it, with the full JIT (throughput, not start-up) and a 2 GB heap."""
    from conftest import start_neo4j_launcher

    OUT.mkdir(parents=True, exist_ok=True)
    return start_neo4j_launcher(OUT / "neo4j.log", jvm=("-Xmx2g",))


# -- queries -----------------------------------------------------------------------------------------------------
def query_params(store) -> dict[str, dict]:
    """Each canned query's first parameter set, with a task / document parameter pointed at the corpus."""
    import yaml

    from bench_queries import PARAMS
    from policykg.queries.registry import Registry

    m = store.m
    implements = m.relationships["IMPLEMENTS"].iri
    task = store._select(f"SELECT ?t WHERE {{ ?t <{implements}> ?h }} ORDER BY ?t LIMIT 1").rows
    docs = sorted(store.document_hashes())
    cases = yaml.safe_load(PARAMS.read_text(encoding="utf-8"))
    out = {}
    for name in Registry.load().names():
        params = dict((cases.get(name) or [{}])[0])
        if "task" in params and task:
            params["task"] = m.node_id(task[0][0])
        if "document" in params and docs:
            params["document"] = docs[0]
        out[name] = params
    return out


def time_canned(query, store, params: dict, runs: int, cap: float) -> dict:
    """Median and p95 of ``runs`` runs of one canned query, after a first run stopped at ``cap`` seconds (a query
    past it is recorded as such and not run again). The timed runs go straight to the engine
    (POLICYKG_QUERY_TIMEOUT=0: on the embedded store no worker process, whose start costs ~0.1-0.3 s a query on
    this machine); a query whose first run took over 10 s is timed once."""
    from bench_queries import time_query

    from policykg.graph.stores.base import QueryTimeout
    from policykg.queries.runner import run

    os.environ["POLICYKG_QUERY_TIMEOUT"] = str(cap)
    started = time.perf_counter()
    try:
        rows = len(run(query, store, params).rows)
    except QueryTimeout:
        return {"rows": None, "median_ms": None, "p95_ms": None, "timeout_s": cap}
    first = time.perf_counter() - started
    os.environ["POLICYKG_QUERY_TIMEOUT"] = "0"
    try:
        rows, median, p95 = time_query(query, store, params, runs if first < 10 else 1)
    finally:
        os.environ.pop("POLICYKG_QUERY_TIMEOUT", None)
    return {"rows": rows, "median_ms": median * 1000, "p95_ms": p95 * 1000, "first_ms": first * 1000}


def query_figures(stores: list, params: dict[str, dict], runs: int, cap: float) -> dict:
    from policykg.queries.registry import Registry

    registry = Registry.load()
    out = {}
    for name in registry.names():
        query = registry.get(name)
        row = {store.kind: time_canned(query, store, params[name], runs, cap) for store in stores}
        out[name] = row
        print(f"  {name}: " + ", ".join(f"{k} {_ms(v)} ({v['rows']} rows)" for k, v in row.items()),
              file=sys.stderr, flush=True)
    return out


def _ms(q: dict) -> str:
    if q.get("timeout_s"):
        return f"> {q['timeout_s']:,.0f} s (stopped)"
    return f"{q['median_ms']:,.0f} / {q['p95_ms']:,.0f}"


# -- one size ----------------------------------------------------------------------------------------------------
def corpus(tasks: int) -> Path:
    folder = OUT / f"synth-{tasks}"
    if not (folder / "gold.jsonl").is_file():
        if folder.exists():
            shutil.rmtree(folder)
        print(f"writing the synthetic corpus of {tasks:,} tasks into {folder} ...", file=sys.stderr, flush=True)
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "synth.py"), "--tasks", str(tasks), "--seed", "1",
                        "--out", str(folder)], check=True)
    return folder


def measure(tasks: int, args, neo4j_uri: str | None) -> dict:
    from policykg.graph.pipeline import batch_size
    from policykg.graph.stores.rdf_store import OxigraphStore

    folder = corpus(tasks)
    work = Path(tempfile.mkdtemp(prefix=f"scale-{tasks}-", dir=args.work))
    f = {"size": tasks, "batch": batch_size(), "measured": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
         "load_average": os.getloadavg()[0]}
    partial = OUT / f"partial-{tasks}.json"     # each step's figures as soon as they exist: a stopped run keeps them

    def say(text: str) -> None:
        print(f"[{tasks:,}] {text}", file=sys.stderr, flush=True)
        partial.write_text(json.dumps(f, indent=1, ensure_ascii=False))

    try:
        say("ingest + link (child process)")
        f |= in_child("ingest", folder, work / "ingest", Path("") if args.only == "ingest" else work / "written.nq")
        say(f"  {f['tasks']:,} tasks, {f['quads']:,} quads: write {f['write_s']:.1f} s, link {f['link_s']:.1f} s")
        f["extract_tps"] = f["tasks"] / f["extract_s"]
        f["oxigraph_ingest_qps"] = f["quads"] / f["write_s"]
        f["quads_per_task"] = f["quads"] / f["tasks"]
        f["extract_tps_cpu"] = f["tasks"] / f["extract_cpu"]
        f["oxigraph_ingest_qps_cpu"] = f["quads"] / f["write_cpu"]
        say("the links found of the generator's true restatements (child process)")
        f |= in_child("recall", folder, work / "ingest")
        say(f"  {f['restated_found']:,} of {f['restated_true']:,}")
        if args.only == "ingest":
            return f
        say("--bulk (child process)")
        f |= in_child("bulk", folder, work / "bulk")
        say(f"  loader {f['bulk_load_s']:.1f} s")
        say("raw bulk load (child process)")
        f |= in_child("raw", work / "written.nq", work / "raw")
        (work / "written.nq").unlink()
        shutil.rmtree(work / "bulk")
        shutil.rmtree(work / "raw")
        f["read_tps"] = f["tasks"] / f["read_s"]
        f["oxigraph_bulk_qps"] = f["bulk_quads"] / f["bulk_load_s"]
        f["raw_bulk_qps"] = f["raw_quads"] / f["raw_s"]
        f["read_tps_cpu"] = f["tasks"] / f["read_cpu"]
        f["oxigraph_bulk_qps_cpu"] = f["bulk_quads"] / f["bulk_load_cpu"]
        f["raw_bulk_qps_cpu"] = f["raw_quads"] / f["raw_cpu"]
        stores = [OxigraphStore(work / "ingest", read_only=True)]   # a writer here compacts under the readers
        if neo4j_uri:
            say("Neo4j write (batched, and one MERGE per row on a sample), links copied from Oxigraph")
            figures, neo4j = neo4j_figures(neo4j_uri, work / "ingest", args.naive_tasks, f["batch"], args.server_pid)
            f |= figures
            if f.get("neo4j_write_cpu"):
                f["neo4j_tasks_per_cpu_s"] = f["neo4j_tasks"] / f["neo4j_write_cpu"]
                f["neo4j_naive_tasks_per_cpu_s"] = f["neo4j_naive_tasks"] / f["neo4j_naive_cpu"]
            stores.append(neo4j)
        say("canned queries")
        try:
            f["queries"] = query_figures(stores, query_params(stores[0]), args.runs, args.query_cap)
        finally:
            for s in stores:
                s.close()
        return f
    finally:
        shutil.rmtree(work, ignore_errors=True)


# -- the table ---------------------------------------------------------------------------------------------------
def exponent(sizes: list[int], values: list[float]) -> float | None:
    """The slope of a least-squares fit of log(value) on log(size): 1 = linear growth."""
    pts = [(math.log(s), math.log(v)) for s, v in zip(sizes, values) if v and v > 0]
    if len(pts) < 2:
        return None
    mx = statistics.fmean(x for x, _ in pts)
    my = statistics.fmean(y for _, y in pts)
    den = sum((x - mx) ** 2 for x, _ in pts)
    return sum((x - mx) * (y - my) for x, y in pts) / den if den else None


def verdict(key: str, value: float | None, last: bool, size: int) -> str:
    if key not in TARGETS or value is None or not last:
        return ""
    op, target, unit = TARGETS[key]
    ok = value >= target if op == ">=" else value <= target
    if key == "ingest_peak_rss_mb" and ok and size < 1_000_000:   # its target is at 1,000,000 tasks
        return f"not judged: {op} {target:,} {unit}, not run at that size"
    return f"meets {op} {target:,} {unit}" if ok else f"**misses** {op} {target:,} {unit}"


def fmt(v, digits: int = 0) -> str:
    if v is None:
        return "—"
    return f"{v:,.{digits}f}"


def link_rates(r: dict) -> dict:
    """Linking time per link written, derived from a size's figures (also for figures kept from a run before
    this row): the synthetic corpus's campaigns restate the same phrase tables, so a larger corpus gives each
    lower task more higher tasks alike enough to link (up to the linker's MAX_LINKS), and the links written,
    not the tasks, set the time."""
    if not r.get("links"):
        return r
    return {**r, "link_ms_per_link": 1000 * r["link_s"] / r["links"]}


def table(results: list[dict], context: str) -> str:
    results = [link_rates(r) for r in results]
    tasks = [r["tasks"] for r in results]
    head = "| figure | " + " | ".join(f"{t:,} tasks" for t in tasks) + " | baseline (same run) | growth exponent | target at the largest size |"
    lines = [head, "|---|" + "---|" * len(tasks) + "---|---|---|"]

    def row(name, key, digits=0, base=None, base_name="", time_key=None, target_key=None):
        vals = [r.get(key) for r in results]
        base_text = ""
        if base:
            base_text = f"{base_name}: " + " / ".join(fmt(r.get(base), digits) for r in results)
        grow = exponent(tasks, [r.get(time_key) for r in results]) if time_key else None
        # judged at the largest size that has the figure (a size run with --only ingest has no query figures)
        judged = next(((v, True, n) for v, n in zip(reversed(vals), reversed(tasks)) if v is not None), (None, True, 0))
        lines.append(f"| {name} | " + " | ".join(fmt(v, digits) for v in vals) + f" | {base_text} | "
                     f"{fmt(grow, 2)} | {verdict(target_key or key, *judged)} |")

    lines.append("| measured at, load average | " + " | ".join(
        (f"{r['measured']}, {r['load_average']:.1f}" if 'measured' in r else 'not recorded') for r in results) + " | | | |")
    row("documents", "documents")
    row("extraction, tasks/s (read, extract, resolve, build)", "extract_tps", base="read_tps",
        base_name="reader alone", time_key="extract_s")
    row("Oxigraph ingest path, quads/s", "oxigraph_ingest_qps", base="raw_bulk_qps",
        base_name="pyoxigraph raw bulk load", time_key="write_s")
    row("Oxigraph `--bulk`, quads/s", "oxigraph_bulk_qps", base="raw_bulk_qps",
        base_name="pyoxigraph raw bulk load", time_key="bulk_load_s")
    row("extraction, tasks per CPU-second", "extract_tps_cpu", base="read_tps_cpu", base_name="reader alone",
        time_key="extract_cpu")
    row("Oxigraph ingest path, quads per CPU-second", "oxigraph_ingest_qps_cpu", base="raw_bulk_qps_cpu",
        base_name="pyoxigraph raw bulk load", time_key="write_cpu", target_key="oxigraph_ingest_qps")
    row("Oxigraph `--bulk`, quads per CPU-second (all threads)", "oxigraph_bulk_qps_cpu", base="raw_bulk_qps_cpu",
        base_name="pyoxigraph raw bulk load", time_key="bulk_load_cpu", target_key="oxigraph_bulk_qps")
    row("quads per task", "quads_per_task", 1)
    row("linking on Oxigraph, s (wall)", "link_s", 1, time_key="link_s")
    row("linking on Oxigraph, CPU s", "link_cpu", 1, time_key="link_cpu")
    row("links written (confident and suggestions)", "links", time_key="links")
    row("linking on Oxigraph, ms (wall) per link written", "link_ms_per_link", 3, time_key="link_ms_per_link")
    row("true restatements linked (recall against the generator's links)", "restated_recall", 3)
    row("ingest + link peak RSS, MB (child process)", "ingest_peak_rss_mb", time_key="ingest_peak_rss_mb")
    if any("neo4j_write_s" in r for r in results):
        row("Neo4j write, tasks/s (batched)", "neo4j_tasks_per_s", base="neo4j_naive_tasks_per_s",
            base_name="one MERGE per row (first tasks)", time_key="neo4j_write_s")
        row("Neo4j write, tasks per CPU-second (client + server)", "neo4j_tasks_per_cpu_s",
            base="neo4j_naive_tasks_per_cpu_s", base_name="one MERGE per row (first tasks)",
            time_key="neo4j_write_cpu", target_key="neo4j_tasks_per_s")
    measured = [r for r in results if r.get("queries")]
    if not measured:
        return f"{context}\n\n" + "\n".join(lines) + "\n"
    kinds = [k for k in ("oxigraph", "neo4j") if all(k in q for r in measured for q in r["queries"].values())]
    lines += ["", "Canned queries, median / p95 ms " + " | ".join(kinds) + " (rows), growth exponent of the median:", "",
              "| query | " + " | ".join(f"{k} {t:,}" for t in tasks for k in kinds) + " | "
              + " | ".join(f"exponent {k}" for k in kinds) + " | target |",
              "|---|" + "---|" * (len(tasks) * len(kinds) + len(kinds) + 1)]
    for name in measured[-1]["queries"]:
        cells, exps, misses = [], [], []
        for r in results:
            for k in kinds:
                q = r.get("queries", {}).get(name, {}).get(k)
                cells.append("not run" if q is None else f"{_ms(q)} ({q['rows'] if q['rows'] is not None else '?'})")
        for k in kinds:
            exps.append(fmt(exponent([r["tasks"] for r in measured],
                                     [r["queries"][name][k]["median_ms"] for r in measured]), 2))
            p95 = measured[-1]["queries"][name][k]["p95_ms"]
            limit = TARGETS[f"query_p95_{k}_ms"][1]
            if p95 is None or p95 > limit:
                misses.append(f"**misses** {k} p95 ≤ {limit:,} ms")
        lines.append(f"| {name} | " + " | ".join(cells) + " | " + " | ".join(exps) + " | "
                     + ("; ".join(misses) or "meets") + " |")
    return f"{context}\n\n" + "\n".join(lines) + "\n"


def write_outputs(results: list[dict], context: str, readme: bool) -> str:
    OUT.mkdir(parents=True, exist_ok=True)
    md = table(results, context)
    (OUT / "scale.json").write_text(json.dumps({"context": context, "results": results}, indent=1, ensure_ascii=False))
    (OUT / "scale.md").write_text(md, encoding="utf-8")
    if readme:
        text = README.read_text(encoding="utf-8")
        if MARK_START not in text or MARK_END not in text:
            sys.exit(f"bench_scale: README.md has no {MARK_START} … {MARK_END} markers to write the table between")
        head, rest = text.split(MARK_START, 1)
        _old, tail = rest.split(MARK_END, 1)
        README.write_text(f"{head}{MARK_START}\n{md}{MARK_END}{tail}", encoding="utf-8")
    return md


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000], help="tasks per corpus")
    ap.add_argument("--runs", type=int, default=5, help="timed runs per query after one warm-up")
    ap.add_argument("--query-cap", type=float, default=120, help="seconds a query's first run may take")
    ap.add_argument("--naive-tasks", type=int, default=2_000, help="tasks written by the one-MERGE-per-row baseline")
    ap.add_argument("--neo4j", help="Bolt URI of a scratch Neo4j (default: start tests/neo4j-launcher)")
    ap.add_argument("--server-pid", type=int, help="pid of the local server --neo4j names (its CPU time)")
    ap.add_argument("--no-neo4j", action="store_true", help="Oxigraph only")
    ap.add_argument("--only", choices=["ingest"],
                    help="ingest: the ingest + link child alone (write, link and peak RSS figures; no --bulk, raw "
                         "load, Neo4j or queries), for a size the machine cannot take whole, e.g. --sizes 1000000 "
                         "--only ingest --keep")
    ap.add_argument("--work", type=Path, default=None, help="folder for the stores (default: the system temp)")
    ap.add_argument("--keep", action="store_true",
                    help="keep the figures of other sizes from the last bench-output/scale/scale.json (a size "
                         "measured again replaces its old figures); the table says which run measured which size")
    ap.add_argument("--readme", action="store_true", help="write the table into README.md between its markers")
    ap.add_argument("--table-only", action="store_true", help="measure nothing: write the table of the last run again")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    ap.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.child:
        kind, *paths = args.child
        fn = {"ingest": child_ingest, "bulk": child_bulk, "raw": child_raw, "recall": child_recall}[kind]
        args.result.write_text(json.dumps(fn(*map(Path, paths))))
        return 0

    if args.table_only:      # the last run's figures written out again (e.g. into README.md with --readme)
        saved = json.loads((OUT / "scale.json").read_text())
        print(write_outputs(saved["results"], saved["context"], args.readme))
        return 0
    launcher, uri = None, None
    if not args.no_neo4j and args.only is None:
        uri = args.neo4j
        if uri is None:
            launcher, uri = start_neo4j()
            args.server_pid = launcher.pid
    results = []
    if args.keep and (OUT / "scale.json").is_file():     # earlier sizes' figures, kept beside the new ones
        earlier = json.loads((OUT / "scale.json").read_text())["results"]
        results = [r for r in earlier if r["size"] not in args.sizes]
    try:
        for size in sorted(args.sizes):
            results.append(measure(size, args, uri))
            results.sort(key=lambda r: r["size"])
            load = os.getloadavg()
            context = (f"Measured by `benchmarks/bench_scale.py` on {time.strftime('%Y-%m-%d')}: {os.cpu_count()} cores, "
                       f"Python {platform.python_version()}, load average {load[0]:.1f} at the end; wall-clock "
                       f"times; synthetic corpus of benchmarks/synth.py (seed 1); ingest batch "
                       f"{results[-1]['batch']} documents.")
            print(write_outputs(results, context, args.readme), flush=True)   # after each size: nothing lost
    finally:
        if launcher is not None:
            launcher.stdin.close()
            launcher.wait(timeout=120)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
