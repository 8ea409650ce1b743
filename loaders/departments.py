"""Responsible-department text → the listed departments, the lead, and whether the list is open (…等).

Separators are 、，,；; and line breaks, never inside brackets (县(市、区)), and a line break only where it
ends a name: Word wraps long names inside a cell ("省教\\n育厅"), so a break inside a name is joined.
"""
from __future__ import annotations

import re

from .normalize import clean_line

SEPARATORS = "、，,；;／/"
OPEN = "（(［[【〔"
CLOSE = "）)］]】〕"
# Last characters of an organisation name; a line break after one of them ends the name.
NAME_END = set("厅局委办部处室院校会府市区县州盟旗镇乡心社团联馆所站司行队组科署台园库协军厂场门位")
# A line starting with one of these continues a name wrapped after a name-ending character (社\n会保障厅).
# (团 联 校 社 行 start names of their own: 团省委, 联合学院, 校团委, 社科联, 行政学院)
NAME_CONTINUES = NAME_END - set("市区县州镇乡旗盟省团联校社行")
_WS = re.compile(r"[ \t\u3000\xa0]+")
_OPEN_RE = re.compile(r"(?:等(?:有关|相关)?(?:部门|单位|处室|机构)?)$")
_AND_COLLECTIVE_RE = re.compile(r"^(.+?)(?:及|和|以及)((?:有关|相关|各)\S+)$")
# a fragment opening with a conjunction before a collective: (市教育局、)及各职业院校
_CONJUNCTION_RE = re.compile(r"^(?:以及|及|和|并)(?=有关|相关|各|其他)")
_LEAD_MARK_RE = re.compile(r"[（(]\s*(?:牵头|牵头单位|主责)\s*[)）]")
_LEAD_VERB_RE = re.compile(
    r"^(.+?)牵头(?:负责)?[，,；;、。\s]*(.*?)(?:按职责分工负责|按职责分工落实|等?配合|参与|协同|协助|负责|落实)?[。；;]?$")
# 牵头单位：A；配合单位：B inside one cell
_CELL_LABEL_RE = re.compile(r"(牵头单位|牵头部门|牵头处室|牵头|主责单位|责任单位|责任部门|配合单位|配合部门|配合|"
                            r"参与单位|参与部门|协同单位|协同部门|协办单位)\s*[:：]")
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


def _wrapped_name(head: str, tail: str) -> bool | None:
    """The resolver's reading of a break (see ``policykg.ontology.wraps.wrapped_name``): it knows what a
    department name looks like (cores, places, collectives), which characters alone cannot tell."""
    from policykg.ontology.wraps import wrapped_name   # late: the ontology imports the loaders' records

    return wrapped_name(head, tail)


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
            verdict = _wrapped_name(head, tail)
            ahead = k + 1
            while verdict is None and tail == nxt and ahead < len(frags) and ahead <= k + 2 \
                    and not frags[ahead][1]:
                # 各乡 镇人民\n政府: the tail is only the start of a name wrapped once more
                nxt_tail = _first_name(frags[ahead][0])
                verdict = _wrapped_name(head, tail + nxt_tail) or None
                if nxt_tail != frags[ahead][0]:
                    break
                tail += nxt_tail
                ahead += 1
        if verdict is None:
            # both fragments unknown to the reference data: a break after a name-ending character ends the name
            verdict = not ((out[-1] in NAME_END or out[-1] in CLOSE) and nxt[0] not in NAME_CONTINUES)
        out += ("" if verdict else "；") + nxt
    return out


def _split(text: str) -> list[str]:
    parts, buf, depth = [], [], 0
    for ch in text:
        if ch in OPEN:
            depth += 1
        elif ch in CLOSE:
            depth = max(0, depth - 1)
        if ch in SEPARATORS and depth == 0:
            parts.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
    parts.append("".join(buf))
    return [p.strip() for p in parts if p.strip()]


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
    for p in _split(text):
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
    is_open = False
    if out:
        m = _OPEN_RE.search(out[-1])
        if m and len(out[-1]) > len(m.group(0)):
            out[-1] = out[-1][: m.start()]
            is_open = True
    out = [_DUTY_RE.sub("", p) if len(_DUTY_RE.sub("", p)) >= 2 else p for p in (p.strip("。.") for p in out)]
    return [p for p in out if p], is_open


def departments_and_lead(raw: str | None, lead_raw: str | None = None,
                         support_raw: str | None = None) -> tuple[list[str], list[str], bool]:
    """(departments, lead, open). Lead where the document says so — a lead column or label, 'A牵头，B配合',
    '（牵头）' markers — otherwise the first listed (the convention of these lists)."""
    if lead_raw or support_raw:
        lead, open1 = split_departments(lead_raw)
        support, open2 = split_departments(support_raw)
        rest, open3 = split_departments(raw)
        depts = lead + [d for d in support + rest if d not in lead]
        return depts, lead or depts[:1], open1 or open2 or open3
    if not raw:
        return [], [], False
    flat = _WS.sub("", clean_line(raw))
    if _CELL_LABEL_RE.search(flat):
        parts = _CELL_LABEL_RE.split(flat)
        lead_txt = sup_txt = other = ""
        for k in range(1, len(parts) - 1, 2):
            value = parts[k + 1].strip().strip("；;，,\n")
            if "牵头" in parts[k] or "主责" in parts[k]:
                lead_txt += "、" + value
            elif "责任" in parts[k]:
                other += "、" + value
            else:
                sup_txt += "、" + value
        return departments_and_lead(other or None, lead_txt or None, sup_txt or None)
    if _LEAD_MARK_RE.search(flat):
        depts, is_open = split_departments(raw)
        lead = [_LEAD_MARK_RE.sub("", d) for d in depts if _LEAD_MARK_RE.search(d)]
        depts = [_LEAD_MARK_RE.sub("", d) for d in depts]
        return depts, lead, is_open
    m = _LEAD_VERB_RE.match(_join_breaks(clean_line(raw).replace("\r", "")))
    if m and m.group(1):
        lead, o1 = split_departments(m.group(1))
        support, o2 = split_departments(m.group(2))
        return lead + support, lead, o1 or o2
    depts, is_open = split_departments(raw)
    return depts, depts[:1], is_open
