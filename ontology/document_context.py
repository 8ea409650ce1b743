"""A document's resolution context (level, jurisdiction, school, issuing department), and its place read from
its departments and text when its title, issuer and document number left it open.

``policykg.ontology.placement`` reads the title, the issuer and the document number (in the loaders, before
any department is resolved); here, failing those, come the places its departments name, the level at which most
of them sit and the places its text names (``place_from_departments``, called by ``resolve_result``).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Iterable

from policykg.core.records import DocumentMeta, ResolvedDepartment
from policykg.ontology.naming import normalise
from policykg.ontology.places import get_places
from policykg.ontology.reference import NATIONAL

_LEADING_NOISE = re.compile(r"^[^\u4e00-\u9fff《]+")
_PLACEHOLDER_PLACE = re.compile(r"^(某(自治区|省|市|州|县|区|旗))")
_MARKER_LEVELS = {"省": "provincial", "市": "municipal", "州": "municipal", "县": "county", "区": "county"}


@dataclass(frozen=True)
class Context:
    """What a document tells about its mentions: its level, territorial jurisdiction, school and issuer."""

    level: str | None = None            # a Level value (provincial+institution is read as provincial)
    jurisdiction: str | None = None     # 全国, 江西省, 江阴市
    institution: str | None = None      # the school of a combined list or of a school's own list
    school: bool = False                # the mention comes from the school's own columns
    host: ResolvedDepartment | None = field(default=None, compare=False, hash=False)
    host_key: str | None = None         # host's key, so that contexts with different hosts differ

    def __post_init__(self) -> None:
        if self.level and "+" in self.level:   # provincial+institution: the government part is the context
            object.__setattr__(self, "level", self.level.split("+")[0].strip() or None)

    @property
    def province(self) -> str | None:
        return get_places().province_of(self.jurisdiction)

    def for_school(self) -> "Context":
        return replace(self, school=True)


def _split_jurisdiction(resolver, meta: DocumentMeta) -> tuple[str | None, str | None]:
    """(territorial jurisdiction, school) of ``辽宁省 + 锦州师范高等专科学校``."""
    jurisdiction, institution = None, meta.institution
    for part in re.split(r"\s*[+＋]\s*", meta.jurisdiction or ""):
        part = part.strip()
        if not part:
            continue
        if part == NATIONAL or resolver.places.lookup(part):
            jurisdiction = jurisdiction or part
        elif institution is None:
            institution = part
    return jurisdiction, institution


def context_for(resolver, meta: DocumentMeta, mentions: Iterable[str] = (), text: str = ""):
    """The resolution context of a document: level, territorial jurisdiction, school and issuing department.

    Where the metadata give no jurisdiction, it is inferred (``infer_place``) from the title or issuer, the
    department mentions and the document's text."""
    level = (meta.level or "").split("+")[0].strip() or None
    jurisdiction, institution = _split_jurisdiction(resolver, meta)
    if jurisdiction is None and level == "national":
        jurisdiction = NATIONAL
    if jurisdiction is None:
        inferred = infer_place(resolver, meta, list(mentions), text, level)
        if inferred:
            jurisdiction, level = inferred[0], level or inferred[1]
    if institution is None and "institution" in (meta.level or "") and meta.issuing_body:
        institution = meta.issuing_body
    ctx = Context(level=level, jurisdiction=jurisdiction, institution=institution, school=(level == "institution"))
    host = None
    for source in (meta.issuing_body, meta.title):
        host = _host_from(resolver, source, ctx)
        if host:
            break
    return replace(ctx, host=host, host_key=host.key if host else None)


def place_from_departments(resolver, meta: DocumentMeta, mentions: list[str], text: str) -> None:
    """Fill a document's missing level and jurisdiction from its departments and text, saying so in
    ``level_source`` / ``jurisdiction_source`` (``departments`` or ``text``). Nothing found: left None."""
    level = (meta.level or "").split("+")[0].strip() or None
    jurisdiction, _ = _split_jurisdiction(resolver, meta)
    if level and jurisdiction:
        return
    if jurisdiction and not level:
        place = resolver.places.lookup(jurisdiction)
        meta.level = "national" if jurisdiction == NATIONAL else place.level if place else None
        meta.level_source = meta.level and meta.jurisdiction_source
        return
    inferred = infer_place(resolver, meta, mentions, text, level)
    if inferred is None:
        return
    found, found_level, source = inferred
    if not level:
        meta.level, meta.level_source = found_level, source
    meta.jurisdiction = found if not meta.jurisdiction else f"{found} + {meta.jurisdiction}"
    meta.jurisdiction_source = source


def infer_place(resolver, meta: DocumentMeta, mentions: list[str], text: str,
                level: str | None) -> tuple[str, str, str] | None:
    """(jurisdiction, level, source) of a document whose metadata name no jurisdiction, in order of evidence:
    the place its issuer or title starts with (江西省工作任务清单, 某县…); a list naming mostly national bodies is
    national; the place most of its departments name (南京市教育局, 南京市财政局); a list whose title or
    departments say 省/市/县 (省教育厅重点任务清单, 市财政局) takes the jurisdiction of that level its text names
    most often; else the province its departments name most often."""
    places = resolver.places
    heads = [_LEADING_NOISE.sub("", normalise(t or "")) for t in (meta.issuing_body, meta.title)]
    for head, source in zip(heads, ("issuer", "title")):
        found = places.deepest_at_start(head) if head else None
        if found is not None:
            return found[1].name, found[1].level, source
        placeholder = _PLACEHOLDER_PLACE.match(head)
        if placeholder:
            return placeholder.group(1), _MARKER_LEVELS.get(placeholder.group(2)[-1], "county"), source
    names = [normalise(m) for m in mentions]
    if level in (None, "national") and names:
        national = sum(n in resolver.national for n in names)
        if national * 2 >= len(names):
            return NATIONAL, "national", "departments"
    named: Counter = Counter()
    markers: Counter = Counter()
    for name in names:
        found = places.at_start(name)
        if found and found[1] is not None:
            named[found[1].name] += 1
        elif name[:1] in _MARKER_LEVELS and name[:2] not in resolver.words.word_starts:   # not 市场监管局
            markers[_MARKER_LEVELS[name[:1]]] += 1
    if named:
        top, n = named.most_common(1)[0]
        place = places.lookup(top)
        if n * 2 > sum(named.values()) and n >= 2 and (level is None or place.level == level):
            return place.name, place.level, "departments"
    title_marker = next((_MARKER_LEVELS[h[0]] for h in heads if h[:1] in ("省", "市", "县")), None)
    wanted = level if level in ("provincial", "municipal") else title_marker or (
        markers.most_common(1)[0][0] if markers else None)
    if wanted and text:
        counts = places.in_text(text, wanted)
        if counts:
            return counts.most_common(1)[0][0], wanted, "text"
    provinces = Counter(places.lookup(name).province for name in named.elements())
    if provinces:
        return provinces.most_common(1)[0][0], "provincial", "departments"
    return None


def _host_from(resolver, text: str | None, ctx) -> ResolvedDepartment | None:
    """The department a title or issuer line starts with (省教育厅重点任务清单 → 江苏省教育厅)."""
    text = _LEADING_NOISE.sub("", normalise(text or ""))
    if not text:
        return None
    whole = resolver._resolve(text, ctx)
    if whole.resolved and whole.kind != "collective":
        return whole
    for end in range(min(len(text), 30), 1, -1):
        found = resolver._national_body(text[:end], ctx) or resolver._local(text[:end], ctx)
        if found is not None and found.kind != "collective":
            return replace(found, mention=text[:end])
    return None
