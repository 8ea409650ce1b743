"""Crash consistency of a whole ingest, linking included: `policykg ingest examples/` is killed with SIGKILL at
random moments (reading, writing documents, linking), then run again; the store must end with the same counts
and the same links (scores, evidence, review flags) as a clean run, and between the kill and the rerun a store
whose documents were written but not linked must say so (``link_status``, what `policykg validate` prints).

Kill moments are drawn (fixed seed) over the whole length of a clean run measured just before, half of them
inside its linking phase; a kill that comes after the process has finished does not count. The embedded store
is killed at >= 20 moments; Neo4j at >= 20 as well (its client, mid-transaction).
"""
from __future__ import annotations

import os
import random
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path


EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
KILLS = 20


@dataclass
class Run:
    lines: list[tuple[float, str]] = field(default_factory=list)
    killed: bool = False
    returncode: int | None = None
    seconds: float = 0.0

    def seen(self, prefix: str) -> int:
        return sum(1 for _, line in self.lines if line.startswith(prefix))

    def first(self, prefix: str) -> float | None:
        return next((t for t, line in self.lines if line.startswith(prefix)), None)


def ingest(store_args: list[str], kill_at: float | None = None) -> Run:
    """`policykg ingest examples/` as its own process; SIGKILL at ``kill_at`` seconds if still running."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "PYTHONUNBUFFERED": "1"}
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "policykg.app.cli", "ingest", str(EXAMPLES), *store_args],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    run = Run()

    def pump() -> None:
        for line in proc.stdout:
            run.lines.append((time.monotonic() - started, line.rstrip("\n")))

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    if kill_at is not None:
        try:
            proc.wait(timeout=kill_at)
        except subprocess.TimeoutExpired:
            proc.kill()                     # SIGKILL: no cleanup, no flush, no finally
            run.killed = True
    run.returncode = proc.wait(timeout=600)
    run.seconds = time.monotonic() - started
    reader.join(timeout=10)
    return run


def phase(run: Run) -> str:
    written = run.seen("added")
    if run.seen("linked:"):
        return "after linking"
    if written == 5:
        return "linking"
    return f"files ({written} of 5 written)"


def snapshot(store) -> tuple[dict, list]:
    links = sorted((e.source, e.target, e.props["review"], round(float(e.props["score"]), 4), e.props["evidence"])
                   for e in store.load_graph().edges_by_type("IMPLEMENTS"))
    return store.counts(), links


def kill_moments(clean: Run, rng: random.Random, n: int) -> list[float]:
    """Half over the whole run, half inside its linking phase (after the last file's line)."""
    link_start = max(t for t, line in clean.lines if line.startswith("added"))
    whole = [rng.uniform(0.05, clean.seconds) for _ in range(n - n // 2)]
    linking = [rng.uniform(link_start, clean.seconds) for _ in range(n // 2)]
    return sorted(whole + linking)


def crash_and_recover(open_store, wipe, store_args: list[str], label: str, seed: int, settle=lambda: None) -> None:
    """``settle`` waits until the store has finished with a killed client (a server may still commit what it sent)."""
    from policykg.graph.cascade import linker as cascade

    wipe()
    ingest(store_args)    # warm-up: the first ingest into a new Neo4j also creates its schema (slower than the rest)
    wipe()
    clean = ingest(store_args)
    assert clean.returncode == 0 and clean.seen("added") == 5 and clean.seen("linked:") == 1, clean.lines
    with open_store() as store:
        expected = snapshot(store)
        assert cascade.link_status(store).current
    assert expected[0]["Document"] == 5 and len(expected[1]) > 100

    rng = random.Random(seed)
    tried: list[tuple[float, str, str]] = []
    attempts = 0
    while len(tried) < KILLS and attempts < 3 * KILLS:
        moments = kill_moments(clean, rng, KILLS - len(tried))
        for at in moments:
            attempts += 1
            wipe()
            killed = ingest(store_args, kill_at=at)
            if not killed.killed:
                continue                              # finished first: not a crash
            where = phase(killed)
            settle()
            with open_store() as store:               # what validate would see now
                docs = store.counts()["Document"]
                status = cascade.link_status(store, count_links=True)
                if docs and where != "after linking" and status.current:
                    # killed after the link step committed but before it printed its line: then the store must
                    # hold every link of the clean run; a store with documents but not their links says so
                    assert snapshot(store) == expected, (at, where, status)
            rerun = ingest(store_args)
            assert rerun.returncode == 0, rerun.lines
            with open_store() as store:
                got = snapshot(store)
                assert cascade.link_status(store, count_links=True).current
            assert got[0] == expected[0], (at, where)
            assert got[1] == expected[1], (at, where, len(got[1]), len(expected[1]))
            tried.append((at, where, "pending" if not status.current else "current"))
            if len(tried) >= KILLS:
                break
    assert len(tried) >= KILLS, f"only {len(tried)} kills landed in {attempts} attempts"
    phases: dict[str, int] = {}
    for _, where, _ in tried:
        key = "files" if where.startswith("files") else where
        phases[key] = phases.get(key, 0) + 1
    pending = sum(1 for *_, s in tried if s == "pending")
    print(f"\n{label}: clean ingest {clean.seconds:.2f} s, {expected[0]['Document']} documents, "
          f"{expected[0]['Task']} tasks, {len(expected[1])} links. {len(tried)} SIGKILLs landed ({attempts} drawn) "
          f"at {', '.join(f'{t:.2f}' for t, *_ in tried)} s: {phases}; links reported pending after {pending} of "
          f"them; every rerun gave the clean run's counts and links")
    assert phases.get("linking", 0) >= 3, phases


class _Closing:
    def __init__(self, store):
        self.store = store

    def __enter__(self):
        return self.store

    def __exit__(self, *exc):
        self.store.close()


def test_sigkill_during_ingest_on_the_embedded_store(tmp_path):
    import shutil

    from policykg.graph.stores.rdf_store import OxigraphStore

    kg = tmp_path / "kg"

    def wipe() -> None:
        shutil.rmtree(kg, ignore_errors=True)

    def open_store():
        return _Closing(OxigraphStore(kg))

    crash_and_recover(open_store, wipe, ["--store", str(kg)], "embedded store", seed=18)


def test_sigkill_during_ingest_on_neo4j(neo4j_uri):
    from conftest import wipe_neo4j

    from policykg.graph.stores.neo4j_store import Neo4jStore

    def open_store():
        return _Closing(Neo4jStore(neo4j_uri))

    def settle() -> None:
        """Wait until the server has no transaction but ours: a client killed after sending its commit leaves
        the server to finish it, and a check that read the store meanwhile saw no documents, then five."""
        from neo4j import GraphDatabase

        from policykg.core import settings
        from policykg.graph.stores.neo4j_store import driver_auth

        deadline = time.monotonic() + 60
        with GraphDatabase.driver(neo4j_uri, auth=driver_auth(), notifications_min_severity="OFF") as driver:
            while True:
                records, *_ = driver.execute_query("SHOW TRANSACTIONS YIELD currentQuery RETURN currentQuery",
                                                   database_=settings.get("neo4j_database"))
                if len(records) <= 1:                 # only this SHOW
                    return
                assert time.monotonic() < deadline, [r["currentQuery"] for r in records]
                time.sleep(0.05)

    crash_and_recover(open_store, lambda: wipe_neo4j(neo4j_uri), ["--neo4j", neo4j_uri], "Neo4j", seed=19,
                      settle=settle)


def test_validate_reports_links_left_pending(tmp_path):
    """The state a crash between writing and linking leaves (reproduced with --no-link): validate exits 1 and
    says why; the next ingest, every file unchanged, links; validate is then clean."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "policykg.app.cli", *args], capture_output=True, text=True,
                              env=env, timeout=600)

    kg = str(tmp_path / "kg")
    assert cli("ingest", str(EXAMPLES), "--store", kg, "--no-link").returncode == 0
    before = cli("validate", "--store", kg)
    assert before.returncode == 1 and "links: pending" in before.stdout, before.stdout
    again = cli("ingest", str(EXAMPLES), "--store", kg)
    assert again.returncode == 0 and "5 unchanged" in again.stderr and "linked:" in again.stderr, again.stderr
    after = cli("validate", "--store", kg)
    assert after.returncode == 0 and "links: current" in after.stdout, after.stdout
    line = next(x for x in before.stdout.splitlines() if x.startswith("links:"))
    print(f"validate before: exit 1, {line!r}; ingest again (5 unchanged) linked; validate after: exit 0")
