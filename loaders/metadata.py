"""Document metadata from the text (title, issuing body, date, document numbers, cited titles, level,
jurisdiction) and the YAML manifest that supplies or overrides what the text does not say.

Manifest shape (keys are file names with or without extension; ``defaults`` applies to every file)::

    defaults: {level: provincial}
    documents:
      004_2a2449f2b149ce8a:
        level: provincial+institution
        jurisdiction: 辽宁省 + 锦州师范高等专科学校
        institution: 锦州师范高等专科学校
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from pathlib import Path

import yaml

from .normalize import clean_text
from policykg.core.records import DocumentMeta, Level
from policykg.ontology.placement import place_document
from .source import LoaderError, Paragraph, SourceDocument

DOCNO_RE = re.compile(r"[\u4e00-\u9fff]{1,10}[〔\[［【(（]\d{4}[〕\]］】)）]\s*\d{1,4}\s*号")
# what stands before a document number in running text and is not part of it (…的通知渝府办发〔2025〕42号)
_NOT_NUMBER = re.compile(r"^.*(?:通知|意见|方案|措施|细则|关于|贯彻|落实|根据|按照|依据|印发|转发|执行|字号|大中小|简称)")
CITED_RE = re.compile(r"《[^《》]{2,120}》(?:[（(][^（）()]*\d{4}[^（）()]*号[)）])?")
DATE_RE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
TITLE_WORDS = ("清单", "一览表", "分工", "方案", "通知", "意见", "计划", "任务", "要点", "台账", "举措", "措施", "细则")
ISSUER_END = ("人民政府办公室", "人民政府办公厅", "人民政府", "办公室", "办公厅", "委员会", "厅", "局", "部", "委",
              "学校", "学院", "大学")
INSTITUTION_RE = re.compile(r"单位[（(]公章[)）][:：]\s*(\S+?(?:学校|学院|大学|中心|局|厅|委))")
# how a manifest's values are recorded; these two fields are not set by a manifest themselves
_SOURCE_FIELDS = {"level_source", "jurisdiction_source"}


@dataclass
class Manifest:
    defaults: dict = field(default_factory=dict)
    documents: dict[str, dict] = field(default_factory=dict)
    path: str | None = None

    def for_doc(self, doc: str, file_name: str | None = None) -> dict:
        out = dict(self.defaults)
        for key in (doc, file_name):
            if key and key in self.documents:
                out.update(self.documents[key] or {})
        return out


_META_FIELDS = {f.name for f in fields(DocumentMeta)} - {"doc", "file", "sha256"} - _SOURCE_FIELDS
LEVELS = tuple(level.value for level in Level)


def _valid_level(level: object) -> bool:
    """A Level value, or Level values joined by + (provincial+institution: a province's list and a school's)."""
    return isinstance(level, str) and all(part.strip() in LEVELS for part in level.split("+"))


def load_manifest(path) -> Manifest:
    p = Path(path)
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        raise LoaderError(p, f"cannot read manifest ({e})")
    if not isinstance(data, dict):
        raise LoaderError(p, "manifest must be a mapping with 'documents' (and optional 'defaults')")
    docs = data.get("documents") or {}
    if not isinstance(docs, dict):
        raise LoaderError(p, "'documents' must map file names to metadata")
    for name, entry in [("defaults", data.get("defaults") or {})] + list(docs.items()):
        entry = entry or {}
        if not isinstance(entry, dict):
            raise LoaderError(p, f"{name}: expected field: value lines (level, jurisdiction, ...), got {entry!r}")
        unknown = set(entry or {}) - _META_FIELDS
        if unknown:
            raise LoaderError(p, f"{name}: unknown field(s) {', '.join(sorted(unknown))}; "
                                 f"known: {', '.join(sorted(_META_FIELDS))}")
        level = entry.get("level")
        if level is not None and not _valid_level(level):
            raise LoaderError(p, f"{name}: unknown level {level!r}; allowed: {', '.join(LEVELS)}, or a list answered "
                                 "by a school joined with +, e.g. provincial+institution")
    return Manifest(data.get("defaults") or {}, {str(k): v for k, v in docs.items()}, str(p))


def _title(paras: list[str]) -> str | None:
    """The first title-like paragraph; a title broken over lines (unbalanced 《) is joined. Inner spaces
    printed inside a line are kept (titles are quoted as printed)."""
    for i, text in enumerate(paras[:15]):
        joined = text
        j = i
        while joined.count("《") > joined.count("》") and j + 1 < len(paras) and j < i + 4:
            j += 1
            joined += paras[j]
        if len(joined) > 120 or joined.count("《") != joined.count("》"):
            continue
        if any(w in joined for w in TITLE_WORDS) and not joined.endswith(("。", "：", ":")):
            return joined
    return None


def extract_meta(doc: SourceDocument, manifest: dict | None = None) -> DocumentMeta:
    raw = [b.text.strip() for b in doc.blocks if isinstance(b, Paragraph) and b.text.strip()]
    paras = [clean_text(t) for t in raw]
    full = doc.text.replace("\n", "")
    meta = DocumentMeta(doc=doc.doc, file=doc.path, sha256=doc.sha256)
    meta.title = _title(raw)
    date_index = None
    for i, text in enumerate(paras):
        m = DATE_RE.match(text)
        if m:
            meta.date = f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
            date_index = i
            if i > 0 and paras[i - 1].endswith(ISSUER_END) and len(paras[i - 1]) <= 30:
                meta.issuing_body = paras[i - 1]
            break
    inst = INSTITUTION_RE.search(full.replace("\t", ""))
    if inst:
        meta.institution = inst.group(1)
        meta.issuing_body = meta.issuing_body or inst.group(1)
    meta.document_numbers = list(dict.fromkeys(_NOT_NUMBER.sub("", m.group(0).replace(" ", ""))
                                               for m in DOCNO_RE.finditer(full)))
    own = re.search(r"印发(《[^》]+》)", clean_text(meta.title or ""))   # the notice's own attachment
    meta.cited_documents = [c for c in dict.fromkeys(m.group(0) for m in CITED_RE.finditer(full))
                            if not (own and c == own.group(1))]
    _place(meta, raw, date_index, full, school=bool(inst))
    for key, value in (manifest or {}).items():
        setattr(meta, key, value)
        if key in ("level", "jurisdiction"):
            setattr(meta, f"{key}_source", "manifest")
    return meta


def _place(meta: DocumentMeta, raw: list[str], date_index: int | None, full: str, school: bool) -> None:
    """Issuer, level and jurisdiction read from the document itself (``policykg.ontology.placement``); what stays
    open is read from its departments when they are resolved."""
    placed = place_document(raw, meta.title, date_index, full)
    if placed.issuer and not school:
        meta.issuing_body = placed.issuer
    meta.document_number = placed.document_number
    meta.level, meta.level_source = placed.level, placed.level_source
    meta.jurisdiction, meta.jurisdiction_source = placed.jurisdiction, placed.jurisdiction_source
    if meta.institution and meta.level == Level.PROVINCIAL.value:
        meta.level = "provincial+institution"
        meta.jurisdiction = f"{meta.jurisdiction} + {meta.institution}"
    elif meta.level == "institution" and placed.issuer and not meta.institution:
        # a school's own list (its name opens the title): recorded as a manifest would record it
        meta.institution = meta.issuing_body = placed.issuer
        meta.jurisdiction = f"{meta.jurisdiction} + {placed.issuer}" if meta.jurisdiction else placed.issuer
