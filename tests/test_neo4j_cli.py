"""`policykg ingest --neo4j` and `policykg cypher` on the real Neo4j; the fixture's CI rule."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from policykg.app.cli import app

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.mark.neo4j
def test_ingest_and_cypher_on_neo4j(neo4j_store, neo4j_uri):
    first = invoke("ingest", str(EXAMPLES), "--neo4j", neo4j_uri)
    assert first.exit_code == 0, first.output
    assert first.stdout.count("added ") == 5
    again = invoke("ingest", str(EXAMPLES), "--neo4j", neo4j_uri)
    assert again.exit_code == 0 and again.stdout.count("unchanged ") == 5
    counts = neo4j_store.counts()
    assert counts["Document"] == 5

    out = invoke("cypher", "MATCH (t:Task {doc_id: $doc}) RETURN count(t) AS tasks, $doc AS doc",
                 "-p", "doc=003_7fdab2a4388eb7e7", "--neo4j", neo4j_uri, "-f", "json")
    assert out.exit_code == 0, out.output
    row = json.loads(out.stdout)
    task_count = neo4j_store.query("MATCH (t:Task) WHERE t.doc_id = '003_7fdab2a4388eb7e7' RETURN count(t)").rows[0][0]
    assert row == {"tasks": task_count, "doc": "003_7fdab2a4388eb7e7"} and task_count > 10

    csv_out = invoke("cypher", "MATCH (d:Document) RETURN d.doc_id AS doc ORDER BY doc", "--neo4j", neo4j_uri,
                     "--format", "csv")
    assert csv_out.stdout.splitlines() == ["doc"] + sorted(p.stem for p in EXAMPLES.glob("*.txt"))


@pytest.mark.neo4j
def test_cypher_write_is_refused(neo4j_store, neo4j_uri):
    assert invoke("ingest", str(EXAMPLES / "003_7fdab2a4388eb7e7.txt"), "--neo4j", neo4j_uri).exit_code == 0
    before = neo4j_store.counts()
    for text in ("MATCH (n) DETACH DELETE n", "CREATE (:Task {id: 'x'})", "MATCH (d:Department) SET d.name = 'x'"):
        result = invoke("cypher", text, "--neo4j", neo4j_uri)
        assert result.exit_code == 2
        assert "refused" in result.stderr and "read" in result.stderr
    assert neo4j_store.counts() == before


@pytest.mark.neo4j
def test_cypher_values_are_parameters(neo4j_store, neo4j_uri):
    hostile = "x'}) DETACH DELETE n //"
    result = invoke("cypher", "RETURN $v AS v, $n AS n, $d AS d, $q AS q", "--neo4j", neo4j_uri, "-f", "json",
                    "-p", f"v={hostile}", "-p", "n=12", "-p", "d=2025-12-31", "-p", 'q="2025"')
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"v": hostile, "n": 12, "d": "2025-12-31", "q": "2025"}


def test_cypher_bad_input_is_a_clear_error():
    assert "is not NAME=VALUE" in invoke("cypher", "RETURN 1", "-p", "novalue", "--neo4j", "bolt://x").stderr
    result = invoke("cypher", "RETURN 1", "--neo4j", "bolt://127.0.0.1:1")
    assert result.exit_code == 2 and "cannot reach Neo4j at bolt://127.0.0.1:1" in result.stderr
    missing = invoke("cypher", "@/nonexistent/q.cypher", "--neo4j", "bolt://127.0.0.1:1")
    assert missing.exit_code == 2 and "cannot read the query file" in missing.stderr


def _pytest_with(env_changes: dict[str, str | None]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in env_changes}
    env.update({k: v for k, v in env_changes.items() if v is not None})
    target = "tests/test_neo4j_store.py::test_schema_is_created_on_first_write"
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-rsf", "-p", "no:cacheprovider", target],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def test_unreachable_neo4j_fails_under_ci_and_skips_with_reason_elsewhere():
    dead = "bolt://127.0.0.1:1"
    under_ci = _pytest_with({"CI": "1", "NEO4J_TEST_URI": dead})
    assert under_ci.returncode == 1, under_ci.stdout
    assert "Neo4j is required under CI" in under_ci.stdout and "1 error" in under_ci.stdout
    local = _pytest_with({"CI": None, "NEO4J_TEST_URI": dead})
    assert local.returncode == 0, local.stdout
    assert "1 skipped" in local.stdout and f"cannot reach Neo4j at {dead}" in local.stdout
