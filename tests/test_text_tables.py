"""Tables rendered as text (issue 13, class 2): one fixture per layout form, each built by
tests/fixtures/loaders/text_tables/make.py from hand-checked gold rows of the examples 001–003, scored
against expected.jsonl with the shared scorer. Text, department, lead and deadline figures are end-to-end
(a missed task counts as wrong). Task recall and precision, department F1, lead and text accuracy must be
1.000 for every form; the deadline figure is printed for the forms with a deadline column."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from policykg.loaders import LoaderError, extract_file

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "tests" / "fixtures" / "loaders" / "text_tables"
SCORER = ROOT / "tests" / "fixtures" / "scorer" / "score_extraction.py"

_spec = importlib.util.spec_from_file_location("score_extraction", SCORER)
_scorer = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_scorer)
score = _scorer.score

EXPECTED = [json.loads(line) for line in (HERE / "expected.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]
FORMS = sorted({r["doc"] for r in EXPECTED})
FIGURES = ("task_recall", "task_precision", "department_f1", "lead_accuracy", "text_accuracy")


def test_every_form_has_a_fixture_and_expected_rows():
    assert FORMS == sorted(p.stem for p in HERE.glob("*.txt"))
    for form in FORMS:
        assert 6 <= sum(r["doc"] == form for r in EXPECTED) <= 12


@pytest.mark.parametrize("form", FORMS)
def test_text_table_form(form):
    gold = [r for r in EXPECTED if r["doc"] == form]
    try:
        pred = [t.to_json() for t in extract_file(HERE / f"{form}.txt").tasks]
        error = ""
    except LoaderError as e:                 # no task list found: every gold row counts as missed
        pred, error = [], str(e)
    result, notes = score(gold, pred)
    # end-to-end: a missed task counts as wrong in the text, department, lead and deadline figures too
    found = {_scorer.norm_no(p.get("task_no")) for p in pred}
    padded = pred + [{"doc": g["doc"], "task_no": g["task_no"]} for g in gold
              if _scorer.norm_no(g["task_no"]) not in found]
    e2e, _ = score(gold, padded)
    figures = {"task_recall": result["task_recall"], "task_precision": result["task_precision"],
               **{k: e2e[k] for k in FIGURES[2:]}}
    if "deadline" in gold[0]:
        figures["deadline_accuracy"] = e2e["deadline_accuracy"]
    line = " ".join(f"{k} {'-' if v is None else f'{v:.3f}'}" for k, v in figures.items())
    print(f"\n{form}: gold {result['gold_tasks']} predicted {result['predicted_tasks']}: {line}"
          + (f"\n  loader error: {error}" if error else ""))
    for n in notes[:15]:
        print("  " + n)
    short = {k: v for k, v in figures.items() if k in FIGURES and v != 1.0}
    assert not short, f"{form}: {line}; first problems: {notes[:5]}{' ' + error if error else ''}"
