"""SourceDocument → ExtractionResult: segmented rows turned into TaskRecords with departments, deadlines,
targets, school measures and provenance."""
from __future__ import annotations

import re
from pathlib import Path

from .deadlines import column_deadlines, frequencies, starts, text_deadlines
from .departments import cell_annotation, split_departments, units_of
from .metadata import Manifest, extract_meta, load_manifest
from .normalize import clean_text
from .reader import read
from policykg.core.lexicon import why_not_unit

from policykg.core.records import DocumentMeta, ExtractionResult, Problem, Provenance, SchoolMeasure, TaskRecord
from .segment import RawTask, segment
from .source import LoaderError, SourceDocument
from .targets import find_quantities

MANIFEST_NAME = "manifest.yaml"
_PARA_SPLIT = re.compile(r"\n+")


def _lines(raw: str | None) -> list[str]:
    return [c for c in (clean_text(x) for x in _PARA_SPLIT.split(raw or "")) if c]


def school_measure(raw: dict) -> SchoolMeasure | None:
    measure = clean_text(raw.get("measure")) or None
    goals = _lines(raw.get("goals"))
    units, _ = split_departments(raw.get("units"))
    deadlines = _lines(raw.get("deadlines"))
    if not (measure or goals or units or deadlines):
        return None
    if len(goals) <= 1:
        pairing = "single"
    elif all(len(x) in (0, 1, len(goals)) for x in (units, deadlines)):
        pairing = "aligned"
    else:
        pairing = "unaligned"
    return SchoolMeasure(measure, goals, units, deadlines, pairing)


NO_TASKS = ("no recognisable task list: looked for task tables (a header with a task column and a 责任单位/牵头/配合 "
            "column, in Word, tab-separated, pipe, box-drawing, one-cell-a-line or blank-line-separated text), "
            "numbered items carrying a responsibility annotation (（责任单位：…）, 牵头单位：… lines, …负责, "
            "A牵头/B配合) and department duty lines (财政部门：负责…)")


def rejected_units(raw: RawTask, src: SourceDocument, names: list[str]) -> list[Problem]:
    """Strings in a responsibility annotation that are no department name: reported, never kept."""
    return [Problem(src.path, raw.location, f"{name!r} is not kept as a department: {why_not_unit(name)}")
            for name in names]


def _located(location: str, src: SourceDocument) -> str:
    """The segmenter's location with the place in the file where the format has one: "table 1, row 7
    (sheet 任务, row 8)", "paragraph 12 (page 3, line 5)"."""
    place = src.origin(location)
    return f"{location} ({place})" if place else location


_TITLE_YEARS = re.compile(r"(?<!\d)(\d{4})(?:\s*[—\-–~～至到]\s*(\d{4}))?\s*年")     # 2024年 · 2023—2025年
_NUMBER_YEAR = re.compile(r"[〔\[［(（](\d{4})[〕\]］)）]")


def planned_year(meta: DocumentMeta) -> int | None:
    """The year a list plans for, which dates a deadline printed without one (6月底前): the one year its title
    names (2024年重点工作任务; not a plan's span, 2023—2025年), else its document number's, else its date's."""
    title = re.sub(r"《[^》]*》", "", meta.title or "")
    years = {int(y) for pair in _TITLE_YEARS.findall(title) for y in pair if y and 1949 < int(y) < 2100}
    if len(years) == 1:
        return years.pop()
    if not years:
        for number in meta.document_numbers:
            m = _NUMBER_YEAR.search(number)
            if m:
                return int(m.group(1))
        if meta.date:
            return int(meta.date[:4])
    return None


def task_record(raw: RawTask, src: SourceDocument, problems: list[Problem] | None = None,
                plan_year: int | None = None) -> TaskRecord:
    text = clean_text(raw.text)
    units = units_of(raw.annotation if raw.annotation is not None
                     else cell_annotation(raw.depts, raw.lead, raw.support))
    if problems is not None and units.rejected:
        problems.extend(rejected_units(raw, src, units.rejected))
    col = column_deadlines(raw.deadline, plan_year)
    deadlines = col if col else text_deadlines(text)
    printed = list(dict.fromkeys(d.text for d in deadlines))
    targets = find_quantities(text)
    return TaskRecord(
        doc=src.doc,
        task_no=raw.task_no,
        section=raw.section,
        text=text,
        departments=units.departments,
        lead=units.lead,
        lead_rule=units.lead_rule if units.departments else None,
        departments_open=units.is_open,
        deadline=None if not printed else printed[0] if len(printed) == 1 else printed,
        quantities=[t.text for t in targets],
        deadlines=deadlines,
        targets=targets,
        starts=starts(text),
        frequencies=frequencies(text),
        school_measures=school_measure(raw.school) if raw.school is not None else None,
        has_school_columns=raw.has_school_columns,
        provenance=Provenance(src.path, src.sha256, _located(raw.location, src), raw.row),
    )


def extract(src: SourceDocument, manifest: dict | None = None) -> ExtractionResult:
    """Every task of a read document. Raises LoaderError when the file holds no recognisable task list."""
    seg = segment(src)
    meta = extract_meta(src, manifest)
    full = src.text
    tasks = []
    cursor = 0
    problems = [Problem(src.path, loc, reason) for loc, reason in seg.problems]
    plan_year = planned_year(meta)
    for raw in seg.tasks:
        rec = task_record(raw, src, problems, plan_year)
        at = full.find(rec.text, cursor) if rec.text else -1
        if at < 0 and rec.text:
            at = full.find(rec.text)
        # every span indexes the normalised full text (found text) or is dropped (text not found verbatim)
        for fact in [*rec.deadlines, *rec.targets]:
            if fact.span is not None:
                fact.span = (fact.span[0] + at, fact.span[1] + at) if at >= 0 else None
        if at >= 0:
            rec.provenance.span = (at, at + len(rec.text))
            cursor = at + len(rec.text)
        tasks.append(rec)
    if not tasks:
        detail = f" ({len(problems)} row(s) unreadable, first: {problems[0].location}: {problems[0].reason})" if problems else ""
        raise LoaderError(src.path, NO_TASKS + detail)
    return ExtractionResult(meta=meta, tasks=tasks, problems=problems, text=full)


def manifest_for(path: Path, manifest: Manifest | None) -> dict:
    """Per-document overrides: the given manifest, else a manifest.yaml beside the file."""
    if manifest is None:
        local = path.parent / MANIFEST_NAME
        if local.is_file():
            manifest = _cached_manifest(str(local))
    return manifest.for_doc(path.stem, path.name) if manifest else {}


_MANIFESTS: dict[str, Manifest] = {}


def _cached_manifest(path: str) -> Manifest:
    if path not in _MANIFESTS:
        _MANIFESTS[path] = load_manifest(path)
    return _MANIFESTS[path]


def extract_file(path, manifest: Manifest | str | Path | None = None) -> ExtractionResult:
    """Read one file and extract its tasks. ``manifest`` is a Manifest or a path to one; without it a
    manifest.yaml in the file's folder is used when present."""
    path = Path(path)
    if manifest is not None and not isinstance(manifest, Manifest):
        manifest = _cached_manifest(str(manifest))
    return extract(read(path), manifest_for(path, manifest))
