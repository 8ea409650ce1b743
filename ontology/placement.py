"""Where a document stands, from its own text: its issuer, level (national / provincial / municipal / county)
and jurisdiction, read from its title, its issuing bodies and its document number.

Called by the loaders (``loaders.metadata.extract_meta``) before any department is resolved; what is still
open afterwards is read from the document's departments and text by ``document_context``. Each value carries
how it was decided (``title``, ``issuer``, ``doc_number``). The document-number prefixes are data
(``data/document_numbers.yaml``); places are read by ``places``.

Evidence, in order:

- title: the body the title opens with (莆田市人民政府办公室关于…, 北京市商务局等9部门印发…, 教育部等九部门…) or,
  failing that, the first place it names (关于印发《西宁市…》, 湖北恩施征求意见 → 恩施州); a level marker alone
  (省教育厅重点任务清单) gives the level; a school whose name opens the title with a place in it (九江职业技术学院
  2024年…) makes it an institution's own list, placed where the school is;
- issuer: the signature block before the date, the bodies printed above the title, a 来源： line, a body that
  发布/印发 the text or whose 官网 it comes from; several issuers: the place most of them name;
- doc_number: the document's own number (on its own line in the head), its prefix looked up in the table; a
  prefix shared by several places (青政办发) is settled by the place the text names most.

A county-level city (县级市, 江阴市) calls itself 市 and its lists are read as municipal documents.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from policykg.core.lexicon import looks_like_unit
from policykg.ontology import reference as ref
from policykg.ontology.naming import get_function_words
from policykg.ontology.places import get_places
from policykg.ontology.reference import NATIONAL, Jurisdiction

_ISSUER_PART = re.compile(r"^(.{2,60}?)(?:关于|印发|转发)")
_JOINT = re.compile(r"等[0-9一二三四五六七八九十]+(?:个)?(?:部门|单位|部委)$")
_BODY_END = ("人民政府办公室", "人民政府办公厅", "人民政府", "办公室", "办公厅", "委员会", "厅", "局", "部", "委",
             "中心", "学校", "学院", "大学", "营业管理部", "分行")
_TITLE_NOISE = re.compile(r"^(?:\[[^\]]*\]|【[^】]*】|关于|印发|转发|我市出台|《|\s)+")
_SOURCE = re.compile(r"(?:信息)?来源[：:]\s*([\u4e00-\u9fff（）()]{3,40})")
_PUBLISHED = re.compile(r"([\u4e00-\u9fff]{3,40}?)(?:发布了|正式发布|印发了|官网)")
_NUMBER = re.compile(r"^[（(]?([\u4e00-\u9fff]{1,12})[〔\[［【(（]\s*(\d{4})\s*[〕\]］】)）]\s*(\d{1,4})\s*号[)）]?$")
_MARKERS = {"省": "provincial", "自治区": "provincial", "市": "municipal", "州": "municipal", "县": "county",
            "区": "county"}
_LEVEL_RANK = {"national": 0, "provincial": 1, "municipal": 2, "county": 3}
# a school's own list: its name opens the title (九江职业技术学院2024年重点工作任务分解表)
_SCHOOL = re.compile(r"^([\u4e00-\u9fff]{2,30}?(?:大学|学院|学校|中学|小学|幼儿园))")


@dataclass
class Placement:
    issuer: str | None = None
    level: str | None = None
    level_source: str | None = None
    jurisdiction: str | None = None
    jurisdiction_source: str | None = None
    document_number: str | None = None

    def decide(self, level: str | None, jurisdiction: str | None, source: str) -> None:
        """Take what this evidence says about what is still open."""
        if level and not self.level:
            self.level, self.level_source = level, source
        if jurisdiction and not self.jurisdiction:
            self.jurisdiction, self.jurisdiction_source = jurisdiction, source

    @property
    def done(self) -> bool:
        return bool(self.level and self.jurisdiction)


def document_level(place: Jurisdiction) -> str:
    """The level of a jurisdiction's own documents: a county-level city (县级市) is read as municipal."""
    if place.type == "county-city":
        return "municipal"
    return place.level


def place_document(paras: list[str], title: str | None, date_index: int | None, text: str) -> Placement:
    """Issuer, level and jurisdiction of a document from its raw paragraphs (``paras``), title, the index of its
    date line in ``paras`` (None: no date line) and its full text."""
    out = Placement()
    own_title = _title_block(paras, title)
    body, named = _title_evidence(own_title)
    out.decide(*named, "title")
    issuers = _signature(paras, date_index) or _header(paras) or _sourced(paras)
    # the title's issuer unless it names no place (市政府办公室关于…) and the signature does
    placed = body and (_place_in(body) or _national_at_start(body) or _JOINT.search(body))
    out.issuer = body if body and (placed or not issuers) else "、".join(issuers) or None
    if issuers:
        out.decide(*_issuers_place(issuers), "issuer")
    out.document_number = _own_number(paras)
    if not out.done and out.document_number:
        out.decide(*_number_place(out.document_number, text), "doc_number")
    if out.jurisdiction == NATIONAL:
        out.level, out.level_source = "national", out.jurisdiction_source
    return out


# --- title ------------------------------------------------------------------------------------------------------

def _title_block(paras: list[str], title: str | None) -> str:
    """The title with the line before it when the title was broken after its issuer (…办公厅关于 / 印发《…》)."""
    title = _compact(title or "")
    for i, raw in enumerate(paras[:20]):
        if _compact(raw) == title and i > 0:
            before = _compact(paras[i - 1])
            if before.endswith("关于") or (looks_like_unit(before) and before.endswith(_BODY_END)
                                           and (i < 2 or not looks_like_unit(_compact(paras[i - 2])))):
                return before + title
            break
    return title or _compact(paras[0] if paras else "")


def _title_evidence(title: str) -> tuple[str | None, tuple[str | None, str | None]]:
    """(issuing body named by the title, (level, jurisdiction)) of a title. A school opening the title with a
    place in its name (九江职业技术学院…) is an institution's own list, placed where the school is."""
    places = get_places()
    head = re.sub(r"^(?:\[[^\]]*\]|【[^】]*】|《)+", "", title)
    school = _SCHOOL.match(head)
    if school and looks_like_unit(school.group(1)):
        found = _place_in(school.group(1), start_only=True)
        if found:
            return school.group(1), ("institution", found.name)
    part = _ISSUER_PART.match(head)
    issuer = part.group(1) if part and (part.group(1).endswith(_BODY_END) or _JOINT.search(part.group(1))) else None
    if issuer:
        found = _place_in(issuer)
        if found:
            return issuer, (document_level(found), found.name)
        if _national_at_start(issuer):
            return issuer, ("national", NATIONAL)
        marker = _marker(issuer)
        rest = head[len(issuer):]
        found = _place_in(_TITLE_NOISE.sub("", rest), start_only=True)
        if found and (marker is None or document_level(found) == marker):
            return issuer, (document_level(found), found.name)
        return issuer, (marker, None)
    found = _place_in(_TITLE_NOISE.sub("", head), start_only=True) or _place_in(head, full_only=True)
    if found:
        return None, (document_level(found), found.name)
    marker = _marker(head)
    if marker and places.at_start(head) is None:
        return None, (marker, None)
    return None, (None, None)


def _marker(text: str) -> str | None:
    """The level a name's leading 省 / 市 / 县 … says (省教育厅), unless it starts a word (市场监管局)."""
    if text[:2] in get_function_words().word_starts:
        return None
    return next((lvl for m, lvl in _MARKERS.items() if text.startswith(m)), None)


def _national_at_start(text: str) -> bool:
    names = ref.national_name_index()
    return any(text[:k] in names for k in range(2, min(len(text), 20) + 1)) or text.startswith(("中共中央", "国务院"))


def _place_in(text: str, start_only: bool = False, full_only: bool = False) -> Jurisdiction | None:
    """The place ``text`` starts with (湖北恩施 → 恩施州), or (``start_only`` False) the first full place name
    in it of three characters or more (教育部辽宁省人民政府 → 辽宁省)."""
    places = get_places()
    if not full_only:
        found = places.deepest_at_start(text)
        if found:
            return found[1]
    if start_only:
        return None
    for i in range(len(text)):
        name = places.prefix(text[i:])
        if name and len(name) >= 3:
            return places.deepest_at_start(text[i:])[1]
    return None


# --- issuers ------------------------------------------------------------------------------------------------------

def _units(raw: str) -> list[str]:
    """The body names of a signature line: 重庆市商务委员会        重庆市文化和旅游发展委员会 → two; 重 庆 市 体 育 局 → one."""
    parts = [p for p in re.split(r"\s{2,}|\u3000+", raw.strip()) if p]
    if parts and all(len(p) == 1 for p in parts):
        parts = ["".join(parts)]
    names = [_compact(p) for p in parts]
    ok = names and all(looks_like_unit(n) and n.endswith(_BODY_END) and len(n) <= 30 for n in names)
    return names if ok else []


def _signature(paras: list[str], date_index: int | None) -> list[str]:
    """The bodies signed above the date line, top to bottom."""
    if date_index is None:
        return []
    out: list[list[str]] = []
    for raw in reversed(paras[max(0, date_index - 12):date_index]):
        names = _units(raw)
        if not names:
            break
        out.insert(0, names)
    return [n for names in out for n in names]


def _header(paras: list[str]) -> list[str]:
    """Bodies printed above the title (a joint notice's letterhead)."""
    out = []
    for raw in paras[:12]:
        names = _units(raw)
        if not names:
            break
        out += names
    return out if len(out) >= 2 else []


def _sourced(paras: list[str]) -> list[str]:
    """来源：宿州市房管中心, …泸州市住房和城乡建设局发布了…, 从湖北恩施州住建局官网了解到."""
    for raw in paras[:12]:
        found = _SOURCE.search(raw)
        if found and looks_like_unit(found.group(1)) and found.group(1).endswith(_BODY_END):
            return [found.group(1)]
    for raw in paras[:12]:
        for found in _PUBLISHED.finditer(_compact(raw)):
            run = found.group(1)
            for i in range(len(run) - 2):
                at = get_places().deepest_at_start(run[i:])
                if at is not None and run.endswith(_BODY_END):
                    inner = get_places().at_start(run[i:])
                    skip = len(inner[0]) if inner and inner[1] and inner[1].name != at[1].name else 0
                    return [run[i + skip:]]
    return []


def _issuers_place(issuers: list[str]) -> tuple[str | None, str | None]:
    """The place most issuers name (ties: the lower level); a level marker (市住房保障房产局) gives the level."""
    named: Counter = Counter()
    markers = []
    for issuer in issuers:
        found = _place_in(issuer)
        if found is not None:
            named[found.name] += 1
        elif _national_at_start(issuer):
            named[NATIONAL] += 1
        else:
            markers += [_marker(issuer)] if _marker(issuer) else []
    if named:
        def key(name):
            place = get_places().lookup(name)
            return named[name], _LEVEL_RANK["national" if place is None else document_level(place)]
        best = max(named, key=key)
        place = get_places().lookup(best)
        return ("national" if place is None else document_level(place)), best
    return (markers[0] if markers else None), None


# --- document number ----------------------------------------------------------------------------------------------

def _own_number(paras: list[str]) -> str | None:
    """The document's own number: a line of the head that is nothing but a number (（莆政办〔2017〕19号）)."""
    for raw in paras[:25]:
        found = _NUMBER.match(_compact(raw))
        if found:
            return f"{found.group(1)}〔{found.group(2)}〕{found.group(3)}号"
    return None


def _number_place(number: str, text: str) -> tuple[str | None, str | None]:
    prefixes = ref.document_number_prefixes()
    key = next((number[:k] for k in range(len(number), 0, -1) if number[:k] in prefixes), None)
    if key is None:
        return None, None
    candidates = prefixes[key].jurisdictions
    if len(candidates) > 1:
        places = get_places()
        counts = {c: text.count(c) + text.count(places.lookup(c).short or c) for c in candidates}
        best = max(candidates, key=counts.__getitem__)
        if counts[best] == 0 or sorted(counts.values())[-2] == counts[best]:
            return None, None
        candidates = (best,)
    if candidates[0] == NATIONAL:
        return "national", NATIONAL
    place = get_places().lookup(candidates[0])
    return document_level(place), place.name


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text or "")
