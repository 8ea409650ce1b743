"""Responsible-department text → the listed departments, the lead, and whether the list is open (…等).

Separators are 、，,；; and line breaks, never inside brackets (县(市、区)), and a line break only where it
ends a name: Word wraps long names inside a cell ("省教\\n育厅"), so a break inside a name is joined.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from policykg.core.lexicon import CLOSE, DUTY_VERBS, NAME_END, OPEN, looks_like_unit
# the reading of a break in a cell: the department lexicon knows what a name looks like (cores, places)
from policykg.ontology.wraps import wrapped_name

from .annotations import LEAD_MARK_RE as _LEAD_MARK_RE, Annotation, parse, split_top_level
from .normalize import clean_line

SEPARATORS = "、，,；;／/"
# Last characters of an organisation name (core.lexicon): a line break after one of them ends the name.
# A line starting with one of these continues a name wrapped after a name-ending character (社\n会保障厅).
# (团 联 校 社 行 start names of their own: 团省委, 联合学院, 校团委, 社科联, 行政学院)
NAME_CONTINUES = NAME_END - set("市区县州镇乡旗盟省团联校社行学体村")
_WS = re.compile(r"[ \t\u3000\xa0]+")
_OPEN_RE = re.compile(r"(?:等(?:有关|相关)?(?:部门|单位|处室|机构)?)$")
_AND_COLLECTIVE_RE = re.compile(r"^(.+?)(?:及|和|以及)((?:有关|相关|各)\S+)$")
# a fragment opening with a conjunction before a collective: (市教育局、)及各职业院校
_CONJUNCTION_RE = re.compile(r"^(?:以及|及|和|并)(?=有关|相关|各|其他)")
# "…按职责分工负责": the duty, not part of the last name
_DUTY_RE = re.compile(r"[（(]?(?:按职责分工负责|按职责分工落实|按职责负责|按职责落实|分别负责|共同负责|负责落实|负责|落实|配合)"
                      r"[)）]?$")
# 各市、县(市、区)人民政府 · 市、县两级政府 · 省、市、县三级: one collective, its 、 outside brackets
_ADMIN_LEFT = re.compile(r"^各?[省市州地盟县区乡镇](?:、[省市州地盟县区乡镇])*$")
_ADMIN_RIGHT = re.compile(r"^[市县区州旗乡镇](?:$|[（(]|两级|三级|四级|各级|级|人民政府$|政府$|党委和政府$)")


def _top_level_separators(text: str) -> tuple[list[int], int]:
    """Positions of the separators outside brackets, and the bracket depth at the end."""
    depth, found = 0, []
    for i, ch in enumerate(text):
        if ch in OPEN:
            depth += 1
        elif ch in CLOSE:
            depth = max(0, depth - 1)
        elif ch in SEPARATORS and depth == 0:
            found.append(i)
    return found, depth


def _last_name(text: str) -> tuple[str, int]:
    """The fragment after the last separator outside brackets, and the bracket depth at the end."""
    found, depth = _top_level_separators(text)
    return text[found[-1] + 1:] if found else text, depth


def _first_name(text: str) -> str:
    """The fragment before the first separator outside brackets."""
    found, _ = _top_level_separators(text)
    return text[:found[0]] if found else text


def _fragments(text: str) -> list[tuple[str, bool]]:
    """The pieces of a cell between line breaks and spaces, each with whether a blank line precedes it."""
    out: list[tuple[str, bool]] = []
    blank = False
    for line in text.split("\n"):
        words = _WS.split(line.strip())
        if words == [""]:
            blank = bool(out)
            continue
        for word in words:
            out.append((word, blank))
            blank = False
    return out


def _join_breaks(text: str) -> str:
    """Decide for every line break or space whether it separates two names (→ '；') or wraps one name (→ '').

    A space inside a line is a word broken by the layout ("省人力资源社会保障 厅") or a separator ("省教育厅
    省财政厅"): the same decision as for a line break; a blank line always separates."""
    frags = _fragments(text)
    if not frags:
        return ""
    out = frags[0][0]
    for k in range(1, len(frags)):
        nxt, blank = frags[k]
        if blank:
            out += "；" + nxt
            continue
        if out[-1] in SEPARATORS or nxt[0] in SEPARATORS:
            out += nxt
            continue
        head, depth = _last_name(out)
        before = out[: len(out) - len(head)]
        if before.endswith("、") and _ADMIN_RIGHT.match(head + "人民政府"):
            left, _ = _last_name(before[:-1])
            if _ADMIN_LEFT.match(left):
                head = left + "、" + head       # 各市、县(市、区)\n人民政府: the collective is the whole
        conj = _AND_COLLECTIVE_RE.match(head)
        head = conj.group(2) if conj else head  # 自治区财政厅及各行\n业主管部门: the name is 各行…
        tail = _first_name(nxt)
        conj = _AND_COLLECTIVE_RE.match(tail)
        tail = conj.group(1) if conj else tail  # 自治区\n党委组织部及各市: the name is …党委组织部
        if depth:
            verdict = True                      # inside brackets: 县(市、\n区)
        elif _CONJUNCTION_RE.match(tail):
            verdict = False                     # 市教育局\n及各职业院校
        else:
            verdict = wrapped_name(head, tail)
            ahead = k + 1
            whole = tail == nxt                 # the next fragment holds no separator: a name may go on after it
            while verdict is None and whole and ahead < len(frags) and ahead <= k + 2 \
                    and not frags[ahead][1]:
                # 各乡 镇人民\n政府 · 西安市\n人力\n资源\n社会保障局: the tail is only the start of a name
                # wrapped once or twice more
                nxt_tail = _first_name(frags[ahead][0])
                verdict = wrapped_name(head, tail + nxt_tail) or None
                if nxt_tail != frags[ahead][0]:
                    break
                tail += nxt_tail
                ahead += 1
        if verdict is None:
            # both fragments unknown to the reference data: a break after a name-ending character ends the name
            verdict = not ((out[-1] in NAME_END or out[-1] in CLOSE) and nxt[0] not in NAME_CONTINUES)
        out += ("" if verdict else "；") + nxt
    return out


def split_departments(raw: str | None) -> tuple[list[str], bool]:
    """Departments in listed order and whether the list ends open (…等). Collectives stay whole."""
    if not raw:
        return [], False
    text = clean_line(raw).replace("\r", "")
    # a space inside a line is either a word broken by the layout ("省人力资源社会保障 厅") or a separator
    # ("省教育厅 省财政厅"): the same decision as for a line break, but never a paragraph break
    text = _join_breaks(text)
    # A及有关行业主管部门 is two departments; a fragment 及各市 is the collective 各市 (split first, so that
    # A及各市、县(市、区)人民政府 can still merge below)
    parts: list[str] = []
    for p in split_top_level(text, SEPARATORS):
        m = _AND_COLLECTIVE_RE.match(p)
        if m and len(m.group(1)) >= 2:
            parts.extend([m.group(1), m.group(2)])
        else:
            parts.append(_CONJUNCTION_RE.sub("", p))
    # 各市、县(市、区)人民政府: the first 、 sits outside the brackets but belongs to one collective name
    out: list[str] = []
    for p in parts:
        if out and _ADMIN_LEFT.match(out[-1]) and _ADMIN_RIGHT.match(p):
            out[-1] = out[-1] + "、" + p
        else:
            out.append(p)
    # …等 closes the list, or a part of it before a collective (市商务局等，各县、市、区政府): the list is open
    is_open = False
    for k, part in enumerate(out):
        m = _OPEN_RE.search(part)
        if m and len(part) > len(m.group(0)):
            out[k] = part[: m.start()]
            is_open = True
    out = [_DUTY_RE.sub("", p) if len(_DUTY_RE.sub("", p)) >= 2 else p for p in (p.strip("。.") for p in out)]
    return [p for p in out if p], is_open


@dataclass
class Units:
    """An annotation read into names: every unit in printed order, the lead, whether the list is open
    (…等), how the lead was decided, and the strings that are not unit names (reported, never kept)."""

    departments: list[str] = field(default_factory=list)
    lead: list[str] = field(default_factory=list)
    is_open: bool = False
    lead_rule: str = "first-listed"
    rejected: list[str] = field(default_factory=list)


# a unit followed by what it does: 审批科牵头承办 · 窗口负责收件 · 行政审批科受理… · 工程质量监督站协办; never the
# 办 of 办公室 (县政协办公室 is no 县政 + 协办)
_DUTY_AT_RE = re.compile("(?:具体|牵头)*(?:" + "|".join(DUTY_VERBS) + ")(?!公[室厅])")
_VERB_ONLY_RE = re.compile("^(?:具体|牵头)*(?:" + "|".join(DUTY_VERBS) + ")+$")
# 各县区、园区燃气管理部门: a bare place collective before 、 shares the function collective named after it
# (not 各街道、区市场局: a single office; nor 各街道、区直各部门: a collective of its own)
_PLACES_ONLY_RE = re.compile(r"^各[省市州县区乡镇街道园盟旗]+$")
_PLACE_START_RE = re.compile(r"^(?![省市县区]直)[省市州县区乡镇街园盟旗][^各]*(?:部门|单位|机构|企业)$")


def _unit_and_duty(name: str) -> tuple[str, bool]:
    """A name with a duty clause after it cut to the unit; and whether the clause says it leads (牵头)."""
    whole = looks_like_unit(name)
    for m in _DUTY_AT_RE.finditer(name, 2):
        head, duty = name[: m.start()], name[m.start():]
        if looks_like_unit(head) and (not whole or duty.startswith(("牵头", "具体", "负责", "协办", "承办"))):
            return head, "牵头" in duty
    return name, False


def _merge_place_collectives(names: list[str]) -> list[str]:
    out: list[str] = []
    for name in names:
        if out and _PLACES_ONLY_RE.match(out[-1]) and _PLACE_START_RE.match(name) and len(name) > 2:
            out[-1] = out[-1] + "、" + name
        else:
            out.append(name)
    return out


def units_of(annotation: Annotation | None) -> Units:
    """Names of an annotation's parts; the lead is what the document marks (a label, a column, 牵头, 会同,
    a （牵头） mark), otherwise the first listed."""
    out = Units()
    if annotation is None:
        return out
    leads: list[str] = []
    for role, value in annotation.parts:
        if role == "deadline":
            continue
        names, is_open = split_departments(value)
        out.is_open = out.is_open or is_open
        for name in _merge_place_collectives(names):
            marked = bool(_LEAD_MARK_RE.search(name))
            name, leads_it = _unit_and_duty(_LEAD_MARK_RE.sub("", name))
            marked = marked or leads_it
            if _VERB_ONLY_RE.match(name) or not looks_like_unit(name):
                out.rejected.append(name)
                continue
            if name not in out.departments:
                out.departments.append(name)
            if role == "lead" or marked:
                leads.append(name)
    if leads:
        out.lead = list(dict.fromkeys(leads))
        out.lead_rule = annotation.lead_rule if annotation.lead_rule != "first-listed" else "label"
    else:
        out.lead = out.departments[:1]
        out.lead_rule = "first-listed"
    return out


def cell_annotation(raw: str | None, lead_raw: str | None = None, support_raw: str | None = None) -> Annotation:
    """The annotation of a task table's responsibility columns (牵头 / 配合 / 责任单位 cells)."""
    if lead_raw or support_raw:
        ann = Annotation(lead_rule="column")
        # in the order a reader meets them: the lead, the responsible, those who support
        for role, value in (("lead", lead_raw), ("units", raw), ("support", support_raw)):
            if value and value.strip():
                ann.parts.append((role, value))
        return ann
    if not raw or not raw.strip():
        return Annotation()
    return parse(raw, need_marker=False) or Annotation()


def departments_and_lead(raw: str | None, lead_raw: str | None = None,
                         support_raw: str | None = None) -> tuple[list[str], list[str], bool]:
    """(departments, lead, open) of responsibility cells (see ``units_of``)."""
    units = units_of(cell_annotation(raw, lead_raw, support_raw))
    return units.departments, units.lead, units.is_open
