"""Stored documents whose level or jurisdiction stayed unknown, and what that costs: the cascade places a task
by its document's level and jurisdiction, so their tasks are not linked. Named at the end of `policykg ingest`
and listed by `policykg validate`; read through the built-in `documents` query, so every store answers alike."""
from __future__ import annotations

from policykg.queries.registry import builtin_dir, load_query
from policykg.queries.runner import run

FIX = "name it in a manifest.yaml beside the file (level: …, jurisdiction: …)"


def unplaced_documents(store) -> list[tuple[str, str, int]]:
    """(document, what is unknown, number of tasks) of each stored document without a level or jurisdiction."""
    rows = run(load_query(builtin_dir(), "documents", builtin=True), store, {"limit": 10_000_000}).rows
    out = []
    for doc, _title, level, jurisdiction, _date, tasks, _cites in rows:
        missing = [name for name, value in (("level", level), ("jurisdiction", jurisdiction)) if not value]
        if missing:
            out.append((doc, " and ".join(missing), int(tasks or 0)))
    return out


def unplaced_lines(unplaced: list[tuple[str, str, int]]) -> list[str]:
    return [f"{doc}: {what} unknown, so its {tasks} task(s) are not linked to or from other levels; {FIX}"
            for doc, what, tasks in unplaced]
