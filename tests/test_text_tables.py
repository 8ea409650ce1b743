"""Tables rendered as text (issue 13, class 2): one fixture per layout form, each built by
tests/fixtures/loaders/text_tables/make.py from hand-checked gold rows of the examples 001–003, scored
against expected.jsonl with the shared scorer. Text, department, lead and deadline figures are end-to-end
(a missed task counts as wrong). Task recall and precision, department F1, lead and text accuracy must be
1.000 for every form; the deadline figure is printed for the forms with a deadline column."""
from __future__ import annotations

from pathlib import Path

import pytest

from helpers.scoring import read_jsonl, score_end_to_end

from policykg.loaders import LoaderError, extract_file

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "tests" / "fixtures" / "loaders" / "text_tables"

EXPECTED = read_jsonl(HERE / "expected.jsonl")
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
    result, notes = score_end_to_end(gold, pred)
    figures = {k: result[k] for k in FIGURES}
    if "deadline" in gold[0]:
        figures["deadline_accuracy"] = result["deadline_accuracy"]
    line = " ".join(f"{k} {'-' if v is None else f'{v:.3f}'}" for k, v in figures.items())
    print(f"\n{form}: gold {result['gold_tasks']} predicted {result['predicted_tasks']}: {line}"
          + (f"\n  loader error: {error}" if error else ""))
    for n in notes[:15]:
        print("  " + n)
    short = {k: v for k, v in figures.items() if v != 1.0}      # deadline too where the gold has it (README)
    assert not short, f"{form}: {line}; first problems: {notes[:5]}{' ' + error if error else ''}"
    assert result["predicted_tasks"] == result["gold_tasks"] == len(gold)
