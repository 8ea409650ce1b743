"""The project's extraction scorer (tests/fixtures/scorer, an unchanged copy of the shared one) and the
end-to-end figures of issue 13: a task the extractor missed counts as wrong in the text, department, lead
and deadline figures too, not only in task recall."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCORER = ROOT / "tests" / "fixtures" / "scorer" / "score_extraction.py"

_spec = importlib.util.spec_from_file_location("score_extraction", SCORER)
scorer = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(scorer)


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def score_end_to_end(gold: list[dict], pred: list[dict]) -> tuple[dict, list[str]]:
    """The scorer's figures with task recall/precision as scored, and text, department, lead and deadline
    figures over every gold task (a missed one padded as an empty prediction)."""
    result, notes = scorer.score(gold, pred)
    key = lambda r: (scorer.norm(r.get("doc")), scorer.norm_no(r.get("task_no")))
    found = {key(p) for p in pred}
    padded = pred + [{"doc": g["doc"], "task_no": g["task_no"]} for g in gold if key(g) not in found]
    e2e, _ = scorer.score(gold, padded)
    for k in ("text_accuracy", "department_precision", "department_recall", "department_f1", "lead_accuracy",
              "deadline_accuracy"):
        result[k] = e2e[k]
    return result, notes


def figure_line(result: dict, keys=("task_recall", "task_precision", "text_accuracy", "department_f1",
                                    "lead_accuracy")) -> str:
    return " ".join(f"{k} {'-' if result.get(k) is None else format(result[k], '.3f')}" for k in keys)
