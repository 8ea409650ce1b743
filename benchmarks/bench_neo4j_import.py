"""A first national load into Neo4j: the offline importer (``neo4j-admin database import full``) beside the store's
transactional writer and the one-MERGE-per-row baseline, on the same synthetic corpus, in one run.

The corpus (benchmarks/synth.py; extraction and graph building are done first and not timed) is written as the
importer's CSV files by what `policykg import-files` runs (graph.export.neo4j_import.ImportFiles: the rows the
store's writer sends) and loaded by the importer into a new database (the launcher's classpath has it:
``org.neo4j.cli.AdminTool``). The server is then started on that database and the store's
constraints, indexes and store-wide totals created (``ensure_schema``, timed: the store is not usable before). Then, on a second
server started empty:

  writer    ``Neo4jStore.write_documents`` per --batch documents, the ingest path's batches
  naive     bench_neo4j_writer.naive_write (one MERGE per node and per relationship) on the first --naive-tasks

Both databases must hold the same counts (with --check: the same graph, ``load_graph``, node by node).

    .venv/bin/python benchmarks/bench_neo4j_import.py --corpus bench-output/scale/synth-100000 [--batch 50]
        [--naive-tasks 1000] [--check] [--keep DIR]
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests"))

from bench_neo4j_writer import cpu_seconds, naive_write  # noqa: E402
from conftest import NEO4J_JAR  # noqa: E402

from policykg.graph.export.neo4j_import import IMPORTER_OPTIONS, ImportFiles  # noqa: E402

def corpus_items(corpus: Path) -> list[tuple[str, str, object]]:
    """(doc, sha256, graph) per document of the corpus, extracted and built as `policykg ingest` does."""
    from policykg.graph.build import build
    from policykg.graph.pipeline import input_files, process_file

    files, _problems = input_files([corpus / "docs"])
    items = []
    for f in files:
        result = process_file(f.path, None, f.doc)
        items.append((result.meta.doc, result.meta.sha256, build([result])))
    return items


def import_full(home: Path, args: list[str]) -> None:
    """``neo4j-admin database import full`` into ``home``'s database neo4j, from the launcher's classpath."""
    (home / "conf").mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "NEO4J_HOME": str(home), "NEO4J_CONF": str(home / "conf")}
    # the database (neo4j, the default) is not named: the last --relationships would take it for a file
    cmd = ["java", "-Xmx1g", "-cp", str(NEO4J_JAR.parent / "lib" / "*"), "org.neo4j.cli.AdminTool",
           "database", "import", "full", *IMPORTER_OPTIONS, "--threads=2", "--max-off-heap-memory=2g", "--verbose",
           "--report-file", str(home / "import.report"), *args]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"the importer failed ({done.returncode}):\n{done.stdout[-1500:]}\n{done.stderr[-3000:]}")


def start(home: Path | None, log: Path):
    """The launcher (full JIT, as bench_scale starts it), on ``home`` or on a new empty database."""
    extra = [f"home={home}"] if home else []
    log_file = open(log, "wb")       # noqa: SIM115  (the server writes to it for as long as it runs)
    proc = subprocess.Popen(["java", "-Xmx2g", "-jar", str(NEO4J_JAR), "stop-on-stdin-eof", *extra],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log_file, text=True)
    line = proc.stdout.readline()
    if not line.startswith("NEO4J_BOLT_URI="):
        raise RuntimeError(f"the launcher printed no URI; see {log}")
    return proc, line.split("=", 1)[1].strip()


def stop(proc) -> None:
    proc.stdin.close()
    proc.wait(timeout=120)


def first_difference(imported, written) -> str | None:
    """The first node or edge (in id order) that differs between the two graphs, printed; None when equal."""
    for kind, a, b in (("node", imported.nodes, written.nodes), ("edge", imported.edges, written.edges)):
        for key in sorted(set(a) | set(b), key=str):
            if a.get(key) != b.get(key):
                print(f"  first {kind} that differs: {key}\n    imported: {a.get(key)}\n    written:  {b.get(key)}")
                return str(key)
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True, help="a benchmarks/synth.py output folder")
    parser.add_argument("--batch", type=int, default=50, help="documents per write_documents call")
    parser.add_argument("--naive-tasks", type=int, default=1000, help="tasks the one-MERGE-per-row writer gets")
    parser.add_argument("--check", action="store_true", help="compare the two databases' graphs node by node")
    parser.add_argument("--keep", type=Path, help="folder for the CSV files and the imported database (kept)")
    args = parser.parse_args()
    from policykg.graph.stores.neo4j_store import Neo4jStore

    work = args.keep or Path(tempfile.mkdtemp(prefix="policykg-import-"))
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    items = corpus_items(args.corpus)
    tasks = sum(sum(1 for _ in g.nodes_by_label("Task")) for _, _, g in items)
    print(f"{args.corpus}: {len(items)} documents, {tasks} tasks (extracted and built in "
          f"{time.perf_counter() - started:.0f} s, not timed)", flush=True)
    csv_dir, home = work / "csv", work / "home"
    shutil.rmtree(csv_dir, ignore_errors=True)
    shutil.rmtree(home, ignore_errors=True)

    t = time.perf_counter()
    files = ImportFiles(csv_dir)            # what `policykg import-files` writes: the rows the writer plans
    for doc, sha, g in items:
        files.add(doc, sha, g)
    import_args = files.close()
    csv_s = time.perf_counter() - t
    t = time.perf_counter()
    import_full(home, import_args)
    import_s = time.perf_counter() - t
    imported, uri = start(home, work / "imported.log")
    t = time.perf_counter()
    with Neo4jStore(uri) as store:
        store.ensure_schema()
        schema_s = time.perf_counter() - t
        imported_counts = store.counts()
        imported_graph = store.load_graph() if args.check else None
    stop(imported)
    print(f"  importer: rows and CSV {csv_s:.1f} s, import {import_s:.1f} s, constraints, "
          f"indexes and totals {schema_s:.1f} s", flush=True)

    server, uri = start(None, work / "writer.log")
    try:
        with Neo4jStore(uri) as store:
            store.ensure_schema()
            naive_s, naive_n = 0.0, 0
            for doc, _sha, g in items:
                sub = g.document_subgraph(doc)
                t = time.perf_counter()
                naive_write(store, doc, sub)
                naive_s += time.perf_counter() - t
                naive_n += sum(1 for _ in sub.nodes_by_label("Task"))
                if naive_n >= args.naive_tasks:
                    break
            with store._session() as session:
                session.run("MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
            print(f"  one MERGE per row: {naive_n} tasks in {naive_s:.1f} s", flush=True)
            t, cpu = time.perf_counter(), cpu_seconds(server.pid) + time.process_time()
            for i in range(0, len(items), args.batch):
                outcomes = store.write_documents(items[i:i + args.batch])
                assert not any(o.action == "failed" for o in outcomes), outcomes
            write_s, write_cpu = time.perf_counter() - t, cpu_seconds(server.pid) + time.process_time() - cpu
            written_counts = store.counts()
            same = written_counts == imported_counts
            if not same:
                print("  counts differ:", {k: (v, written_counts[k]) for k, v in imported_counts.items()
                                           if v != written_counts[k]})
            if args.check and same:
                same = first_difference(imported_graph, store.load_graph()) is None
    finally:
        stop(server)

    first_load = csv_s + import_s + schema_s
    server_side = import_s + schema_s
    print()
    print(f"{'path (' + str(tasks) + ' tasks)':<60} {'seconds':>8} {'tasks/s':>9}")
    print(f"{'neo4j-admin import: rows, CSV, import, schema + totals':<60} {first_load:8.1f} "
          f"{tasks / first_load:9.0f}")
    print(f"{'  of which import, schema + totals':<60} {server_side:8.1f} {tasks / server_side:9.0f}")
    print(f"{'write_documents, ' + str(args.batch) + ' documents per transaction':<60} {write_s:8.1f} "
          f"{tasks / write_s:9.0f}   ({tasks / write_cpu:.0f} tasks per CPU-second, client + server)")
    print(f"{'one MERGE per row (first ' + str(naive_n) + ' tasks)':<60} {naive_s:8.1f} {naive_n / naive_s:9.0f}")
    print(f"\nsame counts{' and graph' if args.check else ''} in both databases: {same}; "
          f"{imported_counts['Task']} tasks, {imported_counts['Department']} departments; "
          f"load average {os.getloadavg()[0]:.1f}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
