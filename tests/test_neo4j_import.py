"""`policykg import-files` on the examples, imported by Neo4j's own offline importer (neo4j-admin database import
full, from the test launcher's classpath) into a new database: the store that Neo4j then serves is the store the
transactional writer makes from the same files, node by node and edge by edge, and links the same."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import NEO4J_JAR, start_neo4j_launcher
from policykg.app.cli import app
from policykg.graph.build import build
from policykg.graph.pipeline import process_files
from policykg.graph.stores.neo4j_store import Neo4jStore
from policykg.queries.registry import Registry
from policykg.queries.runner import run
from test_neo4j_store import snapshot

pytestmark = pytest.mark.neo4j

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def run_importer(out: Path, home: Path) -> None:
    """import.sh's command, with the launcher's classes as neo4j-admin, into ``home``'s database neo4j."""
    (home / "conf").mkdir(parents=True)
    command = (out / "import.sh").read_text(encoding="utf-8").splitlines()[-1]
    assert command.startswith("neo4j-admin database import full ")
    args = command.split()[1:]                 # the test paths hold no spaces: the shell quoting is a no-op
    env = {**os.environ, "NEO4J_HOME": str(home), "NEO4J_CONF": str(home / "conf")}
    done = subprocess.run(["java", "-Xmx1g", "-cp", str(NEO4J_JAR.parent / "lib" / "*"), "org.neo4j.cli.AdminTool",
                           *args, "--threads=2", "--report-file", str(home / "import.report")],
                          env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    if not NEO4J_JAR.exists():
        pytest.skip("the Neo4j launcher is not built (scripts/setup.sh --test)")
    work = tmp_path_factory.mktemp("import")
    out, home = work / "files", work / "home"
    result = CliRunner().invoke(app, ["import-files", str(EXAMPLES), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.count("added ") == 5
    run_importer(out, home)
    proc, uri = start_neo4j_launcher(work / "launcher.log", extra=(f"home={home}",))
    yield uri
    proc.stdin.close()
    proc.wait(timeout=120)


def test_the_imported_store_is_the_written_one(imported, neo4j_store):
    from policykg.graph.cascade import linker as cascade

    results, problems = process_files([EXAMPLES])
    assert not problems
    graph = build(results)
    written = [neo4j_store.replace_document(r.meta.doc, r.meta.sha256, graph).action for r in results]
    assert written == ["added"] * 5
    with Neo4jStore(imported) as store:       # the first writer: constraints, indexes and totals
        assert store.counts() == neo4j_store.counts()
        assert snapshot(store) == snapshot(neo4j_store)
        assert sorted(store.document_hashes().items()) == sorted((r.meta.doc, r.meta.sha256) for r in results)
        links = cascade.link_store(store)
        assert links and links == cascade.link_store(neo4j_store)
        queries = Registry.load()
        for name in ("top-departments", "co-responsibility"):       # they read the store-wide totals
            rows = run(queries.get(name), store).rows
            assert rows and rows == run(queries.get(name), neo4j_store).rows, name


def test_out_must_be_new_or_empty(tmp_path):
    (tmp_path / "old.csv").write_text("x", encoding="utf-8")
    result = CliRunner().invoke(app, ["import-files", str(EXAMPLES), "--out", str(tmp_path)])
    assert result.exit_code == 2 and f"{tmp_path} is not empty" in result.output
    result = CliRunner().invoke(app, ["import-files", str(EXAMPLES), "--out", str(tmp_path / "old.csv")])
    assert result.exit_code == 2 and "old.csv is a file" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.csv"]


def test_a_file_that_cannot_be_read_fails_alone(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_bytes((EXAMPLES / "000_e0bd7c87301b5859.txt").read_bytes())
    (corpus / "b.docx").write_bytes(b"not a zip file")
    result = CliRunner().invoke(app, ["import-files", str(corpus), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "added      " in result.output and "failed     " in result.output and "b.docx" in result.output
    tasks = (tmp_path / "out" / "nodes-Task.csv").read_text(encoding="utf-8").splitlines()
    assert len(tasks) == 1 + 56 and all(line.startswith('"task/a/') for line in tasks[1:])
