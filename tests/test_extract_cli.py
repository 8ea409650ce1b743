"""`policykg extract` end to end: the gold scorer on the five examples, bad input, manifests, pure JSONL."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "fixtures" / "seeds_gold" / "seeds.jsonl"
SCORER = ROOT / "tests" / "fixtures" / "scorer" / "score_extraction.py"
EXAMPLES = ROOT / "examples"
FIXTURES = ROOT / "tests" / "fixtures" / "loaders"
POLICYKG = [sys.executable, "-m", "policykg.app.cli"]


def run(*args, cwd=ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([*POLICYKG, "extract", *map(str, args)], capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"})


@pytest.fixture(scope="module")
def examples_output(tmp_path_factory) -> Path:
    proc = run(EXAMPLES)
    assert proc.returncode == 0, proc.stderr
    out = tmp_path_factory.mktemp("extract") / "out.jsonl"
    out.write_text(proc.stdout, encoding="utf-8")
    return out


def test_scorer_figures_on_examples_are_the_measured_ones(examples_output):
    """Every figure is 1.000 on the five examples (README), so every threshold is 1.0 and the counts are exact."""
    scorer, gold = SCORER, GOLD
    figures = ("task-recall", "task-precision", "text-accuracy", "department-f1", "lead-accuracy",
               "deadline-accuracy", "quantity-f1")
    proc = subprocess.run(
        [sys.executable, str(scorer), "--gold", str(gold), str(examples_output), "--details", "--json",
         *[arg for f in figures for arg in (f"--min-{f}", "1.0")]],
        capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    result = json.loads(proc.stdout[:proc.stdout.rindex("}") + 1])
    assert (result["documents"], result["gold_tasks"], result["predicted_tasks"], result["duplicate_keys"]) == (
        5, 247, 247, 0)
    assert {k: v for k, v in result.items() if isinstance(v, float)} == {
        k: 1.0 for k in ("task_recall", "task_precision", "text_accuracy", "department_precision",
                         "department_recall", "department_f1", "lead_accuracy", "deadline_accuracy",
                         "quantity_precision", "quantity_recall", "quantity_f1")}


def test_fields_beyond_the_scorer_match_gold(examples_output):
    """Sections, open lists and the 004 school measures are not scored by the tool; compare them here."""
    gold = {(r["doc"], r["task_no"]): r for r in map(json.loads, GOLD.open(encoding="utf-8"))}
    pred = {(r["doc"], r["task_no"]): r for r in map(json.loads, examples_output.open())}
    wrong = []
    for key, g in gold.items():
        p = pred[key]
        for f in ("section", "departments_open"):
            if p[f] != g[f]:
                wrong.append((key, f, g[f], p[f]))
        if "school_measures" in g:
            sm = p["school_measures"]
            sm = sm and {k: sm[k] for k in ("measure", "goals", "units", "deadlines", "pairing")}
            if sm != g["school_measures"]:
                wrong.append((key, "school_measures", g["school_measures"], sm))
        elif "school_measures" in p:
            wrong.append((key, "school_measures printed for a document without school columns", None, None))
    assert not wrong, wrong[:5]


def test_output_is_pure_jsonl_with_contract_fields(examples_output):
    lines = examples_output.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 247
    first = json.loads(lines[0])
    assert list(first)[:9] == ["doc", "task_no", "section", "text", "departments", "lead", "departments_open",
                               "deadline", "quantities"]
    rec = next(json.loads(line) for line in lines if json.loads(line)["doc"].startswith("003"))
    prov = rec["provenance"]
    assert prov["location"] == "table 1, row 2" and len(prov["sha256"]) == 64
    assert prov["span"][1] - prov["span"][0] == len(rec["text"])


def test_bad_files_are_reported_and_others_still_processed(tmp_path):
    (tmp_path / "a_empty.txt").write_bytes(b"")
    (tmp_path / "b_binary.txt").write_bytes(bytes(range(256)) * 20)
    (tmp_path / "c_corrupt.docx").write_bytes(b"PK\x03\x04" + b"\x00garbage" * 50)
    (tmp_path / "d_old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    (tmp_path / "e_scan.pdf").write_bytes(b"%PDF-1.7\n%...\n")
    (tmp_path / "f_notice.txt").write_bytes((FIXTURES / "no_task_list.txt").read_bytes())
    (tmp_path / "g_good.txt").write_bytes((EXAMPLES / "001_8158844c7a4eb5af.txt").read_bytes())
    proc = run(tmp_path)
    assert proc.returncode == 1
    assert len(proc.stdout.splitlines()) == 56          # the good file is still extracted
    err = [line for line in proc.stderr.splitlines() if line.startswith("policykg: ")]
    reasons = {Path(line.split(": ")[1]).name: line for line in err}
    assert "empty file" in reasons["a_empty.txt"]
    assert "binary" in reasons["b_binary.txt"]
    assert "corrupt .docx" in reasons["c_corrupt.docx"]
    assert "LibreOffice" in reasons["d_old.doc"]           # converted with soffice, or told how to get it
    assert "PDF" in reasons["e_scan.pdf"]
    assert "no recognisable task list" in reasons["f_notice.txt"]
    for line in err:
        assert "\n" not in line and "Traceback" not in proc.stderr


def test_missing_path_is_an_error(tmp_path):
    proc = run(tmp_path / "nope.txt", EXAMPLES / "000_e0bd7c87301b5859.txt")
    assert proc.returncode == 1
    assert "nope.txt: no such file or folder" in proc.stderr
    assert len(proc.stdout.splitlines()) == 56


def test_manifest_option_and_meta_lines(tmp_path):
    manifest = tmp_path / "meta.yaml"
    manifest.write_text("documents:\n  002_9942bf19912af7cb:\n    issuing_body: 江西省人民政府\n    date: '2019-06-01'\n",
                        encoding="utf-8")
    proc = run("--meta", "--manifest", manifest, EXAMPLES / "002_9942bf19912af7cb.txt")
    assert proc.returncode == 0, proc.stderr
    meta = json.loads(proc.stdout.splitlines()[0])["document"]
    assert meta["issuing_body"] == "江西省人民政府" and meta["date"] == "2019-06-01"
    # not in the given manifest, so read from the text (an explicit --manifest replaces the one beside the file)
    assert meta["level"] == "provincial" and meta["jurisdiction"] == "江西省"


def test_bad_manifest_names_the_field(tmp_path):
    manifest = tmp_path / "meta.yaml"
    manifest.write_text("documents:\n  x:\n    levle: national\n", encoding="utf-8")
    proc = run("--manifest", manifest, EXAMPLES / "002_9942bf19912af7cb.txt")
    assert proc.returncode == 2
    assert "levle" in proc.stderr and "meta.yaml" in proc.stderr


def test_help_has_an_example():
    proc = subprocess.run([*POLICYKG, "extract", "--help"], capture_output=True, text=True)
    assert proc.returncode == 0 and "policykg extract examples" in proc.stdout


def test_manifest_beside_the_files_is_used():
    from policykg.loaders import extract_file

    meta = extract_file(EXAMPLES / "000_e0bd7c87301b5859.txt").meta
    assert (meta.level, meta.jurisdiction, meta.title) == ("provincial", "江苏省", "省教育厅重点任务清单")
    meta = extract_file(EXAMPLES / "003_7fdab2a4388eb7e7.txt").meta
    assert meta.issuing_body == "江阴市人民政府办公室" and meta.date == "2021-11-04"   # from the text
    assert meta.document_numbers == ["苏政发〔2020〕75号"]
    assert extract_file(EXAMPLES / "004_2a2449f2b149ce8a.txt").meta.institution == "锦州师范高等专科学校"


def test_hand_written_json_equals_the_generic_conversion():
    """TaskRecord.to_json is written out by hand for speed; it must print exactly what the generic
    dataclasses.asdict conversion prints, for every field of every record (school columns and resolution
    included), so a field added to the records without adding it to to_json fails here."""
    from dataclasses import asdict, fields

    from policykg.loaders import extract_file
    from policykg.core.records import TaskRecord, _plain
    from policykg.ontology.resolve import resolve_result

    seen_school = False
    for path in sorted(EXAMPLES.glob("*.txt")):
        result = extract_file(path)
        resolve_result(result)
        for task in result.tasks:
            generic = asdict(task)
            if not generic.pop("has_school_columns"):
                generic.pop("school_measures")
            else:
                seen_school = seen_school or task.school_measures is not None
            if not task.resolved:
                generic.pop("resolved")
            assert json.dumps(task.to_json(), ensure_ascii=False) == json.dumps(_plain(generic), ensure_ascii=False)
    assert seen_school
    printed = set(TaskRecord(doc="d", task_no="1", section=None, text="t", departments=[], lead=[],
                             has_school_columns=True).to_json())
    assert printed == {f.name for f in fields(TaskRecord)} - {"has_school_columns", "resolved"}
