"""Shared pytest fixtures for the real servers the tests use. Keep one section per server.

Neo4j: ``scripts/test.sh`` starts the Java launcher (tests/neo4j-launcher) and exports NEO4J_TEST_URI. Run
without it, the ``neo4j_uri`` fixture starts the launcher itself when its jar is built. When neither works,
Neo4j tests fail under CI (env CI set) and are skipped with the reason elsewhere — never skipped silently.
"""
from __future__ import annotations

import os
import queue
import subprocess
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# -- Neo4j ---------------------------------------------------------------------------------------------------

NEO4J_JAR = ROOT / "tests" / "neo4j-launcher" / "target" / "neo4j-launcher.jar"
NEO4J_URI_PREFIX = "NEO4J_BOLT_URI="
NEO4J_START_TIMEOUT = 120
# C1 only: test runs are short, and on 2 cores the full JIT spends them compiling (same flags in scripts/test.sh)
NEO4J_TEST_JVM = ("-Xmx1g", "-XX:TieredStopAtLevel=1")


def _unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"Neo4j is required under CI: {reason}", pytrace=False)
    pytest.skip(f"no Neo4j: {reason}")


def start_neo4j_launcher(log_path: Path, jvm: tuple[str, ...] = NEO4J_TEST_JVM,
                         extra: tuple[str, ...] = ()) -> tuple[subprocess.Popen, str]:
    """Start the launcher; return it and its Bolt URI once it prints it (raises RuntimeError otherwise).
    ``extra``: launcher arguments (``home=DIR``: serve the database in DIR instead of a new empty one).

    Its stdin is a pipe we hold: if this Python process dies, the launcher sees EOF and stops too.
    """
    log = open(log_path, "wb")
    proc = subprocess.Popen(["java", *jvm, "-jar", str(NEO4J_JAR), "stop-on-stdin-eof", *extra],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, text=True)
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        for line in proc.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    try:
        while True:
            line = lines.get(timeout=NEO4J_START_TIMEOUT)
            if line is None:
                raise RuntimeError(f"the Neo4j launcher exited ({proc.wait()}) before printing its URI; see {log_path}")
            if line.startswith(NEO4J_URI_PREFIX):
                return proc, line[len(NEO4J_URI_PREFIX):].strip()
    except queue.Empty:
        proc.kill()
        raise RuntimeError(f"the Neo4j launcher printed no URI within {NEO4J_START_TIMEOUT} s; see {log_path}") from None


def wipe_neo4j(uri: str) -> None:
    """Empty the database (Community has one user database, so tests share it and start from empty)."""
    from neo4j import GraphDatabase

    from policykg.core import settings
    from policykg.graph.stores.neo4j_store import driver_auth

    # CALL ... IN TRANSACTIONS needs an auto-commit transaction (session.run), not execute_query
    with GraphDatabase.driver(uri, auth=driver_auth(), notifications_min_severity="OFF") as driver:
        with driver.session(database=settings.get("neo4j_database")) as session:
            session.run("MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()


@pytest.fixture(scope="session")
def neo4j_uri(tmp_path_factory):
    """Bolt URI of a real, reachable Neo4j 5 (NEO4J_TEST_URI, else a launcher started for this session)."""
    uri = os.environ.get("NEO4J_TEST_URI")
    proc = None
    if not uri:
        if not NEO4J_JAR.exists():
            _unavailable(f"NEO4J_TEST_URI is not set and {NEO4J_JAR.relative_to(ROOT)} is not built "
                         "(run scripts/setup.sh --test, or use scripts/test.sh)")
        try:
            proc, uri = start_neo4j_launcher(tmp_path_factory.mktemp("neo4j") / "launcher.log")
        except (RuntimeError, OSError) as exc:
            _unavailable(str(exc))
    from neo4j import GraphDatabase
    from neo4j.exceptions import DriverError, Neo4jError

    from policykg.graph.stores.neo4j_store import driver_auth

    try:
        with GraphDatabase.driver(uri, auth=driver_auth()) as driver:
            driver.verify_connectivity()
    except (DriverError, Neo4jError, OSError) as exc:
        if proc is not None:
            proc.kill()
        _unavailable(f"cannot reach Neo4j at {uri}: {exc}")
    yield uri
    if proc is not None:
        proc.stdin.close()          # the launcher stops on EOF
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture
def neo4j_store(neo4j_uri):
    """A Neo4jStore on an emptied database."""
    from policykg.graph.stores.neo4j_store import Neo4jStore

    wipe_neo4j(neo4j_uri)
    store = Neo4jStore(neo4j_uri)
    yield store
    store.close()
