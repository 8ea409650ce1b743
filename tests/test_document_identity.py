"""Document identity: files with the same name in different folders are different documents, and two inputs
that would be one document are refused with a message naming both, instead of one silently replacing the other.

Through the real command line on the embedded store (and one ingest on Neo4j). `policykg extract` keeps the
bare file name in its "doc" field (the extraction scorer keys on it): ids are the store's concern.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from policykg.app.cli import app

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
NATIONAL = EXAMPLES / "001_8158844c7a4eb5af.txt"      # 56 tasks
PROVINCIAL = EXAMPLES / "002_9942bf19912af7cb.txt"    # 50 tasks
runner = CliRunner()


def cli(*args) -> object:
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture
def tree(tmp_path) -> Path:
    """lists/a/清单.txt and lists/b/清单.txt: two different task lists under one name."""
    root = tmp_path / "lists"
    for folder, source in (("a", NATIONAL), ("b", PROVINCIAL)):
        (root / folder).mkdir(parents=True)
        shutil.copy(source, root / folder / "清单.txt")
    return root


def stored(store: Path) -> dict[str, int]:
    """doc id -> number of tasks, read back from the store."""
    result = cli("sparql", "SELECT ?doc (COUNT(?t) AS ?n) WHERE { ?d a pk:Document ; dcterms:identifier ?doc ; "
                 "pk:hasTask ?t } GROUP BY ?doc", "--store", store, "-f", "json")
    assert result.exit_code == 0, result.output
    return {row["doc"]: row["n"] for row in map(json.loads, result.stdout.splitlines())}


def test_same_name_in_two_folders_are_two_documents(tree, tmp_path):
    kg = tmp_path / "kg"
    result = cli("ingest", tree, "--store", kg)
    assert result.exit_code == 0, result.output
    assert result.output.count("added ") == 2
    assert stored(kg) == {"a/清单": 56, "b/清单": 50}
    # the extraction contract is unchanged: the bare name
    extracted = cli("extract", tree, "--quiet")
    docs = {json.loads(line)["doc"] for line in extracted.stdout.splitlines() if line.startswith("{")}
    assert docs == {"清单"}
    print("lists/a/清单.txt and lists/b/清单.txt: stored as a/清单 (56 tasks) and b/清单 (50 tasks); extract says 清单")


def test_two_inputs_that_would_be_one_document_are_refused(tree, tmp_path):
    kg = tmp_path / "kg"
    a, b = tree / "a" / "清单.txt", tree / "b" / "清单.txt"
    result = cli("ingest", a, b, "--store", kg)
    assert result.exit_code == 1, result.output
    failed = [line for line in result.output.splitlines() if line.startswith("failed")]
    assert len(failed) == 1 and str(b) in failed[0] and str(a) in failed[0] and "'清单'" in failed[0], failed
    assert stored(kg) == {"清单": 56}
    # the same file reached twice (its folder and itself) is one input, not a clash
    again = cli("ingest", tree / "a", a, "--store", tmp_path / "kg2")
    assert again.exit_code == 0 and again.output.count("added ") == 1, again.output
    print(f"two files named 清单 given together: the second refused: {failed[0]}")


def test_a_later_run_does_not_replace_a_document_from_another_file(tree, tmp_path):
    kg = tmp_path / "kg"
    a, b = tree / "a" / "清单.txt", tree / "b" / "清单.txt"
    assert cli("ingest", a, "--store", kg).exit_code == 0
    result = cli("ingest", b, "--store", kg)
    assert result.exit_code == 1 and f"already stored from {a}" in result.output, result.output
    assert stored(kg) == {"清单": 56}
    # the same file changed at its place is an update, as before
    a.write_bytes(a.read_bytes() + "\n附：本清单自印发之日起执行。\n".encode("utf-8"))
    changed = cli("ingest", a, "--store", kg)
    assert changed.exit_code == 0 and "replaced " in changed.output, changed.output
    # ingesting the common folder later: a/清单 is the stored document's content (unchanged), b/清单 is added
    both = cli("ingest", tree, "--store", kg)
    assert both.exit_code == 0, both.output
    assert "same content as stored document '清单'" in both.output
    assert stored(kg) == {"清单": 56, "b/清单": 50}
    print("a second 清单 from another folder in a later run: refused, naming the first; "
          "the first changed in place: replaced; the common folder later: no duplicate, the other one added")


def test_content_a_document_gave_up_is_no_twin_of_it(tree, tmp_path):
    """A document rewritten with new content in a run no longer holds its old content: a file of that old
    content later in the same run is added, not taken for the same as it (and lost)."""
    kg = tmp_path / "kg"
    assert cli("ingest", tree, "--store", kg).exit_code == 0
    (tree / "a" / "清单.txt").write_bytes((EXAMPLES / "003_7fdab2a4388eb7e7.txt").read_bytes())
    (tree / "z").mkdir()
    shutil.copy(NATIONAL, tree / "z" / "旧.txt")      # a/清单's old content, read after a/清单
    result = cli("ingest", tree, "--store", kg)
    assert result.exit_code == 0, result.output
    assert "replaced " in result.output and "same content" not in result.output, result.output
    assert stored(kg)["z/旧"] == 56 and stored(kg)["a/清单"] != 56
    print("a/清单 rewritten and a new file of its old content in one run: replaced, and the new file added")


def test_reserved_names_are_refused(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(NATIONAL, folder / "links.txt")
    shutil.copy(PROVINCIAL, folder / "shared.txt")
    result = cli("ingest", folder, "--store", tmp_path / "kg")
    assert result.exit_code == 1 and result.output.count("is reserved") == 2, result.output
    print("files named links.txt and shared.txt (the store's own graphs): refused with the reason")


def test_same_name_in_two_folders_on_neo4j(tree, neo4j_uri):
    from conftest import wipe_neo4j

    wipe_neo4j(neo4j_uri)
    result = cli("ingest", tree, "--neo4j", neo4j_uri, "--no-link")
    assert result.exit_code == 0 and result.output.count("added ") == 2, result.output
    rows = cli("cypher", "MATCH (d:Document)-[:HAS_TASK]->(t) RETURN d.doc_id AS doc, count(t) AS n ORDER BY doc",
               "--neo4j", neo4j_uri, "-f", "json")
    assert [json.loads(line) for line in rows.stdout.splitlines()] == [{"doc": "a/清单", "n": 56},
                                                                        {"doc": "b/清单", "n": 50}]
    print("Neo4j: a/清单 (56 tasks) and b/清单 (50 tasks) kept apart")
