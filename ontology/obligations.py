"""Obligation counts per canonical department, unresolved mentions and the coverage figure of resolved results.

A department's obligations are the tasks that name it: ``lead`` where the task names it as lead (``task.lead``),
``support`` otherwise. A school unit named in a task's school columns supports that task. A department named
twice in one task counts once, as lead if any of its mentions is a lead.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Iterator

from policykg.core.records import ExtractionResult, ResolvedDepartment, TaskRecord


@dataclass
class DepartmentCount:
    department: ResolvedDepartment
    lead: int = 0
    support: int = 0

    @property
    def total(self) -> int:
        return self.lead + self.support


@dataclass(frozen=True)
class Mention:
    doc: str
    task_no: str
    location: str | None
    column: str                 # "departments" or "school units"
    resolved: ResolvedDepartment


def mentions(results: Iterable[ExtractionResult]) -> Iterator[tuple[TaskRecord, Mention]]:
    """Every resolved mention of every task, department columns first, then school units."""
    for result in results:
        for task in result.tasks:
            location = task.provenance.location if task.provenance else None
            for res in task.resolved:
                yield task, Mention(task.doc, task.task_no, location, "departments", res)
            if task.school_measures is not None:
                for res in task.school_measures.resolved_units:
                    yield task, Mention(task.doc, task.task_no, location, "school units", res)


def count_obligations(results: Iterable[ExtractionResult]) -> list[DepartmentCount]:
    """Canonical departments with lead/support counts, most obligations first (unresolved mentions left out)."""
    counts: dict[str, DepartmentCount] = {}
    roles: dict[tuple[str, str, str], bool] = {}     # (doc, task, key) → is lead
    for task, m in mentions(results):
        if not m.resolved.resolved:
            continue
        counts.setdefault(m.resolved.key, DepartmentCount(m.resolved))
        slot = (m.doc, m.task_no, m.resolved.key)
        is_lead = m.column == "departments" and m.resolved.mention in task.lead
        roles[slot] = roles.get(slot, False) or is_lead
    for (_, _, key), is_lead in roles.items():
        if is_lead:
            counts[key].lead += 1
        else:
            counts[key].support += 1
    return sorted(counts.values(), key=lambda c: (-c.total, -c.lead, c.department.key))


def unresolved_mentions(results: Iterable[ExtractionResult]) -> list[Mention]:
    return [m for _, m in mentions(results) if not m.resolved.resolved]


def mention_coverage(results: Iterable[ExtractionResult]) -> tuple[int, int]:
    """(resolved mentions, all mentions), school units included."""
    flags = [m.resolved.resolved for _, m in mentions(results)]
    return sum(flags), len(flags)
