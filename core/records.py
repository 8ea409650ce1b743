"""Typed records that flow out of the loaders: one document, its task rows, and what each row promises.

Every later stage (resolution, graph building, stores) consumes these plain dataclasses and nothing else.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import Enum


class Level(str, Enum):
    NATIONAL = "national"
    PROVINCIAL = "provincial"
    MUNICIPAL = "municipal"
    COUNTY = "county"
    INSTITUTION = "institution"


class DeadlineKind(str, Enum):
    BY_DATE = "by-date"      # 2025年底前, 到2025年, 2022年6月底前
    PERIOD = "period"        # “十四五”期间, 2021—2025年
    RECURRING = "recurring"  # 每年, 每学期
    ONGOING = "ongoing"      # 持续推进, 长期坚持


class Qualifier(str, Enum):
    EXACT = "exact"
    APPROX = "approx"        # 左右, 约
    AT_LEAST = "at-least"    # 以上, 不低于, 超过, 至少
    AT_MOST = "at-most"      # 以内, 不超过, 以下
    RANGE = "range"          # 3—5个


@dataclass
class Provenance:
    """Where a fact came from: the file, its content hash, the row or paragraph, and the character span.

    ``span`` indexes into ``SourceDocument.text`` (the normalised full text of the file), so an analyst can
    highlight exactly the characters a fact was read from.
    """

    file: str
    sha256: str
    location: str               # human readable: "table 1, row 7" or "paragraph 12"
    row: int | None = None      # 1-based row of the table or paragraph index
    span: tuple[int, int] | None = None

    def to_json(self) -> dict:
        return {"file": self.file, "sha256": self.sha256, "location": self.location, "row": self.row,
                "span": _span(self.span)}


@dataclass
class Deadline:
    text: str                   # as printed: 到2025年, 持续推进
    kind: DeadlineKind
    start: str | None = None    # ISO date
    end: str | None = None      # ISO date
    source: str = "text"        # "column" or "text"
    span: tuple[int, int] | None = None

    def to_json(self) -> dict:
        return {"text": self.text, "kind": _value(self.kind), "start": self.start, "end": self.end,
                "source": self.source, "span": _span(self.span)}


@dataclass
class Target:
    text: str                   # as printed: 1000门, 90%以上
    value: float
    unit: str
    qualifier: Qualifier = Qualifier.EXACT
    value_high: float | None = None   # upper bound of a range
    object: str | None = None         # what is counted: 省级在线开放课程
    span: tuple[int, int] | None = None

    def to_json(self) -> dict:
        return {"text": self.text, "value": self.value, "unit": self.unit, "qualifier": _value(self.qualifier),
                "value_high": self.value_high, "object": self.object, "span": _span(self.span)}


@dataclass
class SchoolMeasure:
    """An institution's own commitment answering a provincial task in the same row (Liaoning-style lists)."""

    measure: str | None
    goals: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    deadlines: list[str] = field(default_factory=list)
    pairing: str = "unaligned"  # single / aligned / unaligned
    resolved_units: list["ResolvedDepartment"] = field(default_factory=list)  # filled by resolution

    def to_json(self) -> dict:
        return {"measure": self.measure, "goals": list(self.goals), "units": list(self.units),
                "deadlines": list(self.deadlines), "pairing": self.pairing,
                "resolved_units": [u.to_json() for u in self.resolved_units]}


@dataclass
class ResolvedDepartment:
    """A department mention resolved to a canonical department (filled by ``policykg.ontology.resolve``)."""

    mention: str
    key: str                    # stable identifier of the canonical department
    name: str                   # canonical Chinese name
    name_en: str | None
    kind: str                   # government / party / mass-organisation / division / institution / collective / unresolved
    level: str | None
    jurisdiction: str | None
    function: str | None
    parent: str | None = None   # canonical name of the parent department
    parent_key: str | None = None
    resolved: bool = True
    scope: str | None = None    # for collectives: whose members the mention stands for

    def to_json(self) -> dict:
        return {"mention": self.mention, "key": self.key, "name": self.name, "name_en": self.name_en,
                "kind": self.kind, "level": self.level, "jurisdiction": self.jurisdiction,
                "function": self.function, "parent": self.parent, "parent_key": self.parent_key,
                "resolved": self.resolved, "scope": self.scope}


@dataclass
class TaskRecord:
    doc: str
    task_no: str
    section: str | None
    text: str
    departments: list[str]
    lead: list[str]
    departments_open: bool = False
    deadline: str | list[str] | None = None   # as printed (the scorer's field)
    quantities: list[str] = field(default_factory=list)  # quantity phrases as printed
    lead_rule: str | None = None               # how the lead was decided: label / column / verb (牵头, 会同) / first-listed
    deadlines: list[Deadline] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    starts: list[str] = field(default_factory=list)       # 2021年起, 自2021年起
    frequencies: list[str] = field(default_factory=list)  # 每年
    school_measures: SchoolMeasure | None = None
    has_school_columns: bool = False   # the document has school columns (so school_measures is printed even if None)
    provenance: Provenance | None = None
    resolved: list[ResolvedDepartment] = field(default_factory=list)

    def to_json(self) -> dict:
        """The ``policykg extract`` line: the contract fields first, then the extras (field order as declared;
        ``school_measures`` only for documents with school columns, ``resolved`` once resolution ran).

        Written out by hand: ``dataclasses.asdict`` deep-copies every value and cost more than extraction."""
        data = {
            "doc": self.doc, "task_no": self.task_no, "section": self.section, "text": self.text,
            "departments": list(self.departments), "lead": list(self.lead), "departments_open": self.departments_open,
            "deadline": list(self.deadline) if isinstance(self.deadline, list) else self.deadline,
            "quantities": list(self.quantities), "lead_rule": self.lead_rule,
            "deadlines": [d.to_json() for d in self.deadlines],
            "targets": [t.to_json() for t in self.targets],
            "starts": list(self.starts), "frequencies": list(self.frequencies),
        }
        if self.has_school_columns:
            data["school_measures"] = self.school_measures.to_json() if self.school_measures is not None else None
        data["provenance"] = self.provenance.to_json() if self.provenance is not None else None
        if self.resolved:
            data["resolved"] = [r.to_json() for r in self.resolved]
        return data


@dataclass
class DocumentMeta:
    doc: str                    # file name without extension
    file: str
    sha256: str
    title: str | None = None
    issuing_body: str | None = None
    level: str | None = None    # a Level value, or "provincial+institution" for combined lists
    jurisdiction: str | None = None
    date: str | None = None     # ISO date
    document_numbers: list[str] = field(default_factory=list)
    cited_documents: list[str] = field(default_factory=list)
    institution: str | None = None   # the school of combined provincial+institution lists
    document_number: str | None = None  # the document's own number (文号), where it prints one
    # how level and jurisdiction were decided: title | issuer | doc_number | departments | text | manifest
    level_source: str | None = None
    jurisdiction_source: str | None = None

    def to_json(self) -> dict:
        return _plain(asdict(self))


@dataclass
class Problem:
    """A row or file that could not be read, reported with its location instead of being dropped."""

    file: str
    location: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: {self.location}: {self.reason}"


@dataclass
class ExtractionResult:
    meta: DocumentMeta
    tasks: list[TaskRecord]
    problems: list[Problem] = field(default_factory=list)
    text: str = ""              # normalised full text that provenance spans index into


def _value(kind):
    return kind.value if isinstance(kind, Enum) else kind


def _span(span):
    return list(span) if span is not None else None


def _plain(value):
    """Enums to their values, tuples to lists: JSON-ready."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value
