"""ExtractionResults built from the hand-checked gold records (shared/gold), for the store tests.

Used until extraction and department resolution both land; each mention resolves trivially to a department
keyed by its own text. Deadlines and targets are derived simply from the gold's printed strings.
"""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from policykg.loaders.records import (Deadline, DeadlineKind, DocumentMeta, ExtractionResult, Provenance,
                                      ResolvedDepartment, SchoolMeasure, Target, TaskRecord)

SHARED = Path(__file__).resolve().parents[2] / "shared"
GOLD = SHARED / "gold"
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
_COLLECTIVE = re.compile(r"^(各|相关|有关)")
_NUMBER = re.compile(r"^(\d+(?:\.\d+)?)(.*)$")


def _dept(mention: str, jurisdiction: str | None, level: str | None) -> ResolvedDepartment:
    kind = "collective" if _COLLECTIVE.match(mention) else "government"
    parent = "省教育厅" if mention.endswith("处") and mention != "省教育厅" else None
    # a canonical department belongs to one jurisdiction, so the key names it
    return ResolvedDepartment(mention, f"{jurisdiction}:{mention}", mention, None, kind, level, jurisdiction,
                              "education" if "教育" in mention else None, parent=parent,
                              parent_key=f"{jurisdiction}:{parent}" if parent else None)


def _deadline(text: str) -> Deadline:
    years = re.findall(r"(20\d\d)年", text)
    if years:
        return Deadline(text, DeadlineKind.BY_DATE, end=f"{years[-1]}-12-31", source="text")
    if "期间" in text:
        return Deadline(text, DeadlineKind.PERIOD, start="2021-01-01", end="2025-12-31")
    return Deadline(text, DeadlineKind.ONGOING)


def _targets(quantities: list[str]) -> list[Target]:
    out = []
    for q in quantities:
        m = _NUMBER.match(q)
        if m:
            out.append(Target(q, float(m.group(1)), m.group(2) or "个"))
    return out


def gold_results(docs: list[str] | None = None, sha_suffix: str = "") -> list[ExtractionResult]:
    meta = {d["doc"]: d for d in json.loads((GOLD / "documents.json").read_text(encoding="utf-8"))}
    tasks: dict[str, list[dict]] = {}
    for line in (GOLD / "seeds.jsonl").read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        tasks.setdefault(rec["doc"], []).append(rec)
    results = []
    for doc in docs or sorted(tasks):
        d = meta[doc]
        path = EXAMPLES / f"{doc}.txt"
        sha = hashlib.sha256(path.read_bytes()).hexdigest() + sha_suffix
        m = DocumentMeta(doc, str(path), sha, title=d["title"], issuing_body=d["issuing_body"], level=d["level"],
                         jurisdiction=d["jurisdiction"], date=_iso(d["date"]), document_numbers=d["document_numbers"],
                         cited_documents=d["cited_documents"])
        level = "provincial" if "provincial" in (d["level"] or "") else d["level"]
        records = []
        for i, r in enumerate(tasks[doc], start=1):
            sm = None
            if r.get("school_measures"):
                s = r["school_measures"]
                sm = SchoolMeasure(s["measure"], s["goals"], s["units"], s["deadlines"], s["pairing"],
                                   resolved_units=[_dept(u, d["jurisdiction"], "institution") for u in s["units"]])
            records.append(TaskRecord(
                doc=doc, task_no=r["task_no"], section=r["section"], text=r["text"], departments=r["departments"],
                lead=r["departments"][:1], departments_open=r["departments_open"], deadline=r["deadline"],
                quantities=r["quantities"], deadlines=[_deadline(r["deadline"])] if r["deadline"] else [],
                targets=_targets(r["quantities"]), school_measures=sm, has_school_columns="school_measures" in r,
                provenance=Provenance(str(path), sha, f"row {i}", row=i, span=(i * 10, i * 10 + 5)),
                resolved=[_dept(x, d["jurisdiction"], level) for x in r["departments"]]))
        results.append(ExtractionResult(m, records))
    return results


def _iso(date: str | None) -> str | None:
    m = re.match(r"(\d{4})年(\d{1,2})月(\d{1,2})日", date or "")
    return f"{int(m[1]):04d}-{int(m[2]):02d}-{int(m[3]):02d}" if m else date
