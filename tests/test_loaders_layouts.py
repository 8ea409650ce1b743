"""Task lists in layouts and policy areas of other provinces (Guangdong 牵头单位/配合单位 columns, Zhejiang
numbered tasks with label lines, a Sichuan Markdown table, a Hubei box-drawing table with wrapped names).
Expected records were written by hand from what each document says, with the resolved (level, jurisdiction,
function) of every department (re-written by reading for issue 19; how, in expected.jsonl's first line); the
five seeds are not involved."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from policykg.loaders import extract_file
from policykg.ontology.resolve import resolve_result

LAYOUTS = Path(__file__).parent / "fixtures" / "loaders" / "layouts"
EXPECTED = [json.loads(line) for line in (LAYOUTS / "expected.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]     # the first line says how the records were made
FIELDS = ("task_no", "section", "text", "departments", "lead", "departments_open", "deadline", "quantities")


@pytest.mark.parametrize("doc", sorted({e["doc"] for e in EXPECTED}))
def test_layout_gives_the_hand_written_records(doc):
    (path,) = [p for p in LAYOUTS.iterdir() if p.stem == doc]
    result = extract_file(path)
    resolve_result(result)
    expected = [e for e in EXPECTED if e["doc"] == doc]
    got = [t.to_json() for t in result.tasks]
    assert [{k: g[k] for k in FIELDS} for g in got] == [{k: e[k] for k in FIELDS} for e in expected]
    triples = [[[r["level"], r["jurisdiction"], r["function"]] for r in g["resolved"]] for g in got]
    assert triples == [e["triples"] for e in expected]
    assert not result.problems


@pytest.mark.parametrize("doc", sorted({e["doc"] for e in EXPECTED}))
def test_word_replica_of_a_layout_gives_the_same_records(doc, tmp_path):
    """The same list as a .docx (python-docx replica of the text's blocks, merged cells included)."""
    from policykg.loaders import read
    from policykg.loaders.docx_writer import write_docx

    (path,) = [p for p in LAYOUTS.iterdir() if p.stem == doc]
    replica = write_docx(read(path).blocks, tmp_path / f"{doc}.docx")
    text_tasks = [{k: v for k, v in t.to_json().items() if k in FIELDS} for t in extract_file(path).tasks]
    docx_tasks = [{k: v for k, v in t.to_json().items() if k in FIELDS} for t in extract_file(replica).tasks]
    assert docx_tasks == text_tasks
