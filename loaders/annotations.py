"""The responsibility annotation grammar, one for every place an annotation stands: a table cell, a label line
under a task, a bracket at the end of a task, a bracket on a line of its own.

    （牵头部门：市教育局，配合部门：市文广局、市人社局）     → lead [市教育局], support [市文广局, 市人社局]
    牵头单位：市教育局　　配合单位：市财政局                  → the same, split by wide spaces
    （牵头责任单位：A、B；责任单位：C）                       → lead [A, B], units [C]
    （市教育局，各县区政府负责） · （由A负责） · （A牵头，B配合） → unlabelled forms
    (责任单位: 市房管中心) · 【责任单位：…】 · 〔责任单位：…〕   → any bracket kind, ASCII colon
    【牵头单位】市工信局【配合单位】市统计局                  → a bracketed label instead of a colon
    …。——市教育局牵头，市财政局配合                           → after a dash

A label is a few role words (牵头, 主要, 责任, 配合, 协同, …) and a unit noun (单位, 部门, 处室, 科室, …),
compound ones included (责任单位及承办科室, 牵头部门/配合部门); its role decides lead or support.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from policykg.core.lexicon import CLOSE as NAME_CLOSE, OPEN as NAME_OPEN, looks_like_unit

# an annotation's brackets: a name's (core.lexicon) and 《》
OPEN = NAME_OPEN + "《"
CLOSE = NAME_CLOSE + "》"
_PAIR = dict(zip(CLOSE, OPEN))

_ROLE = r"(?:牵头|主要|主责|主办|责任|负责|承办|实施|落实|协同|配合|参与|协办|协助|配套|具体)"
_NOUN = r"(?:单位|部门|处室|科室|主体|机构|处|科)"
# 牵头单位 · 主要责任单位 · 协同配合单位 · 责任单位及承办科室（单位） · 责任处室和单位 · 牵头部门/配合部门 · 牵头
LABEL = (rf"(?:{_ROLE}{{1,3}}{_NOUN}(?:[及和与/、]{_ROLE}{{0,2}}{_NOUN})?(?:[（(]{_NOUN}[)）])?"
         rf"|牵头|配合|协办|参与)")
DEADLINE_LABEL = r"(?:完成时限|完成时间|完成年限|时间节点|时间进度|时间要求|完成期限|时限)"
_LABEL_COLON_RE = re.compile(rf"({LABEL}|{DEADLINE_LABEL})\s*[:：]\s*")
# a label line: the label opens the line (after a list number, which the caller strips)
LABEL_LINE_RE = re.compile(rf"^\s*({LABEL})\s*[:：]")
DEADLINE_LABEL_RE = re.compile(rf"^\s*({DEADLINE_LABEL})\s*[:：]\s*(.*)$")
# a label naming persons, not units: 牵头负责领导 · 分管市领导 · 责任人 · 联系人
_PERSON_LABEL = r"(?:(?:牵头)?(?:负责|分管|联系|责任|包保)?(?:省|市|县|区)?领导(?:同志)?|(?:具体)?(?:责任|负责|联系)人)"
LEADER_LINE_RE = re.compile(rf"^\s*{_PERSON_LABEL}\s*[:：]")          # 牵头负责领导：张三。 under an item
# the same inside an annotation, with its value: （县工信局负责，联系人：钱七） · （…；分管领导：李四）
_PERSON_CLAUSE_RE = re.compile(rf"[；;，,\s]*{_PERSON_LABEL}\s*[:：][^；;，,。）)]*")
# a department duty line: 财政部门：负责… — the units before the colon are the task's
DUTY_LINE_RE = re.compile(r"^([^：:，,。；;（）()]{2,40}?)[：:]\s*"
                          r"((?:负责|牵头|配合|承担|做好|主要负责|具体负责).*)$")
_WIDE_SPACE_RE = re.compile(r"[\u3000]{1,}|\s{2,}")
# unlabelled endings and openings: （A、B负责） · （由A负责） · （A牵头，B配合）
_DUTY_END_RE = re.compile(r"(?:按职责分工负责|按职责分工落实|按职责负责|分别负责|共同负责|牵头负责|负责落实|具体负责|负责)$")
_LEAD_SUPPORT_RE = re.compile(
    r"^(.+?)牵头(?:负责)?[，,；;、。\s]*(.*?)(?:等?(?:单位|部门)?(?:配合|参与|协同|协助)(?:落实)?)?[。；;]?$", re.S)
LEAD_MARK_RE = re.compile(r"[（(]\s*(?:牵头|牵头单位|主责)\s*[)）]")      # 市教育局（牵头）
_TOGETHER_RE = re.compile(r"^(.+?)会同(.+?)(?:负责|落实|推进|实施)?$", re.S)
_QUALIFIER = 10      # characters of a word on the task standing before an annotation's labels (约束性指标)
# the note of a list whose first unit leads: 排名第一位为牵头单位，下同 · 排在第一位的为牵头单位 · 第一个为牵头部门
_FIRST_LEADS_RE = re.compile(r"[，,；;、]?\s*(?:排名|排序|排在|列|名列)?第一(?:位|个|家)?(?:的|单位|部门)?"
                             r"为牵头(?:单位|部门)(?:[，,；;]\s*下同)?")
# a bare list in brackets (no word saying who is responsible): its names open like a scope note (含…) or do not
# end like a government body, and it is no annotation
_NOT_NAMES_RE = re.compile(r"(?:含|包括|包含|不含|除|如|即|指|例如|其中|主要|重点|以及|特别是|不包括)")
_BODY_END = set("局委厅办府门心司会署部室处站所队校联院")


@dataclass
class Annotation:
    """Who is responsible, as printed: (role, raw unit text) in printed order; role is lead / support /
    units (responsible, no lead or support said)."""

    parts: list[tuple[str, str]] = field(default_factory=list)
    lead_rule: str = "label"    # label / column / verb (牵头, 会同) / first-listed
    bare: bool = False          # names only, no word saying they are responsible: （市教育局，市财政局）

    def add(self, role: str, value: str) -> None:
        value = value.strip().strip("；;，,。.、 \u3000")
        if value:
            self.parts.append((role, value))

    def text(self, role: str) -> str:
        return "、".join(v for r, v in self.parts if r == role)

    @property
    def deadline(self) -> str | None:
        return self.text("deadline") or None

    @property
    def empty(self) -> bool:
        """No responsible unit (a bracket holding only 完成时限 is no responsibility annotation)."""
        return not any(role != "deadline" for role, _ in self.parts)


def label_role(label: str) -> str:
    """lead / support / units / deadline, from the words of a label."""
    if re.fullmatch(DEADLINE_LABEL, label):
        return "deadline"
    first = re.split(r"[/、]", label, maxsplit=1)[0]
    if any(w in first for w in ("牵头", "主责", "主要", "主办")):
        return "lead"
    if any(w in first for w in ("配合", "协同", "参与", "协办", "协助", "配套")):
        return "support"
    return "units"


def parse(content: str, *, need_marker: bool = True) -> Annotation | None:
    """An annotation's content (brackets already removed) as roles and unit texts; None when it is not a
    responsibility annotation. Without a label the content must say who is responsible (…负责, …牵头,
    由…负责) unless ``need_marker`` is False (a table cell under a 责任单位 header)."""
    content = _PERSON_CLAUSE_RE.sub("", content).strip(" 　;；，,")
    labels = list(_LABEL_COLON_RE.finditer(content))
    head = content[: labels[0].start()].strip(" 　;；，,") if labels else ""
    if head and len(head) <= _QUALIFIER and "。" not in head and not looks_like_unit(head):
        # a word on the task before the labels: （预期性指标，牵头单位：市发改委；责任单位：…）
        content = content[labels[0].start():]
        labels = list(_LABEL_COLON_RE.finditer(content))
    if labels and not content[: labels[0].start()].strip(" 　;；，,"):
        ann = Annotation()
        for k, m in enumerate(labels):
            end = labels[k + 1].start() if k + 1 < len(labels) else len(content)
            role = label_role(m.group(1))
            value = content[m.end():end]
            if "/" in m.group(1) and "/" in value:      # 牵头部门/配合部门：A/B
                first, _, rest = value.partition("/")
                ann.add(label_role(m.group(1)), first)
                ann.add("support", rest)
                continue
            _add_value(ann, role, value)
        if ann.text("lead"):
            ann.lead_rule = "label"
        elif not ann.text("support"):
            _verbs(ann)
        return None if ann.empty else ann
    return unlabelled(content, need_marker=need_marker)


def unlabelled(content: str, *, need_marker: bool = True) -> Annotation | None:
    """（A、B负责） · （由A负责） · （A牵头，B、C配合） · A会同B · （A负责，2023年底前完成） · a bare list of
    names closing a task, （市教育局，市委编办，市财政局）, and its note （A，B，排名第一位为牵头单位，下同）."""
    text, deadline = _deadline_clause(content.strip().strip("。；;"))
    text, noted = _FIRST_LEADS_RE.subn("", text)
    has_marker = bool(_DUTY_END_RE.search(text)) or text.startswith("由") or "牵头" in text or "会同" in text
    bare = need_marker and not has_marker and not noted
    if bare and not _names_only(text):
        return None
    ann = Annotation(bare=bare)
    ann.add("units", _DUTY_END_RE.sub("", re.sub(r"^由", "", text)))
    _verbs(ann)
    if deadline and not ann.empty:
        ann.add("deadline", deadline)
    return None if ann.empty else ann


def _unit_names(texts: list[str]) -> list[str] | None:
    """The names the texts list (、，,；; outside brackets), or None unless every one looks like a unit name."""
    names = [n for text in texts for n in split_top_level(text, "、，,；;")]
    ok = names and all(looks_like_unit(n) and not _NOT_NAMES_RE.match(n) for n in names)
    return names if ok else None


def _names_only(text: str) -> bool:
    """A bracket holding nothing but unit names (市教育局，市委编办，各县<市、区>人民政府): an annotation even
    without a word that says so."""
    names = _unit_names([text])
    # every name ends like a government body: （含市管园区） is a scope, （乐团、合唱团） a list of things
    return names is not None and all(len(n) >= 3 and (n[-1] in _BODY_END or n.endswith(("银行", "分行", "支行")))
                                     for n in names)


def _names_throughout(ann: Annotation) -> bool:
    """Every unit text of the annotation is a list of unit names (由A牵头，B配合 — not 由A牵头制定实施方案, a task
    that names its lead)."""
    return _unit_names([value for role, value in ann.parts if role != "deadline"]) is not None


def split_top_level(text: str, separators: str) -> list[str]:
    """The pieces of a text between separators that stand outside brackets (县（市、区） stays whole)."""
    parts, buf, depth = [], [], 0
    for ch in text:
        if ch in NAME_OPEN:
            depth += 1
        elif ch in NAME_CLOSE:
            depth = max(0, depth - 1)
        if ch in separators and depth == 0:
            parts.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
    parts.append("".join(buf))
    return [p.strip() for p in parts if p.strip()]


# a time limit closing an annotation without a label: （省教育厅牵头，省财政厅配合；2023年底前完成）
_DEADLINE_CLAUSE_RE = re.compile(r"[；;，,]\s*((?:\d{4}\s*年|20\d\d[.\-/]|持续推进|长期坚持|长期推进|每年|每季度|每月)"
                                 r"[^；;，,（）()]*)$")


def _deadline_clause(text: str) -> tuple[str, str | None]:
    m = _DEADLINE_CLAUSE_RE.search(text)
    if not m:
        return text, None
    return text[: m.start()].rstrip("；;，, "), re.sub(r"(?:前)?完成$", lambda x: "前" if x.group(0).startswith("前") else "", m.group(1)).strip()


def _add_value(ann: Annotation, role: str, value: str) -> None:
    """A label's value; the wide spaces of a label line end it (what follows is the next label's), and so does
    a sentence's end: a note may follow (…省大数据中心按职责分工负责。具体任务均涉及相关市（州）人民政府，下同。)"""
    value = value.strip().split("。", 1)[0].rstrip("。；;，, \u3000")
    if role != "deadline":
        value, deadline = _deadline_clause(value)
        if deadline:
            ann.add("deadline", deadline)
        value = _DUTY_END_RE.sub("", value)
    ann.add(role, value)


def _verbs(ann: Annotation) -> None:
    """'A牵头，B配合' and 'A会同B' inside a unit text: A leads; otherwise the first listed leads."""
    text = ann.text("units")
    if LEAD_MARK_RE.search(text):          # A、B（牵头）: the mark sits on the name (read with the names)
        ann.lead_rule = "label"
        return
    for pattern in (_LEAD_SUPPORT_RE, _TOGETHER_RE):
        m = pattern.match(text)
        if m and m.group(1):
            # the lead is the clause that says so: A，B；C牵头承办 → C (A and B are named before it)
            clause = re.split(r"[；;，,]", m.group(1))
            if len(clause) > 1 and pattern is _LEAD_SUPPORT_RE:
                ann.parts = []
                ann.add("units", m.group(1)[: len(m.group(1)) - len(clause[-1])])
                ann.add("lead", clause[-1])
                ann.add("support", m.group(2))
                ann.lead_rule = "verb"
                return
            ann.parts = []
            ann.add("lead", m.group(1))
            ann.add("support", m.group(2))
            ann.lead_rule = "verb"
            return
    ann.lead_rule = "first-listed"


def matching_open(text: str, close_at: int) -> int | None:
    """Index of the bracket that opens the one closing at ``close_at`` (any bracket kind, nesting counted)."""
    depth = 0
    for i in range(close_at, -1, -1):
        ch = text[i]
        if ch in CLOSE:
            depth += 1
        elif ch in OPEN:
            depth -= 1
            if depth == 0:
                return i
    return None


_TAIL_PUNCT = "。；;.，, \u3000\t"
_SENTENCE_END = "。；;！!？?"
# a label in brackets instead of before a colon: 【责任单位】A、B · 〔牵头单位〕A
_BRACKETED_LABEL_RE = re.compile(rf"[【〔\[［]\s*({LABEL}|{DEADLINE_LABEL})\s*[】〕\]］]")
_DASH_RE = re.compile(r"—+|－{2,}|-{2,}")          # …。——市教育局牵头，市财政局配合


def unbracket_labels(text: str) -> str:
    """【责任单位】 → '责任单位： ', the same length, so positions found in the result hold in the text."""
    return _BRACKETED_LABEL_RE.sub(lambda m: m.group(1) + "：" + " " * (len(m.group(0)) - len(m.group(1)) - 1), text)


def trailing(text: str) -> tuple[int, Annotation] | None:
    """An annotation at the end of a paragraph or cell: a bracketed one (any kind), or an unbracketed
    '。责任单位：A、B。' (or 【责任单位】A、B), or one after a dash: '。——A牵头，B配合'. Returns where it starts and
    what it says."""
    text = unbracket_labels(text)
    end = len(text.rstrip(_TAIL_PUNCT))
    if end and text[end - 1] in CLOSE:
        start = matching_open(text, end - 1)
        if start is not None:
            ann = parse(text[start + 1:end - 1])
            # bare names close a task after its last sentence; after a name they are its other name:
            # 国家新闻出版署（国家版权局）
            if ann is not None and (not ann.bare or text[:start].rstrip(" \u3000")[-1:] in _SENTENCE_END):
                return start, ann
    dashes = list(_DASH_RE.finditer(text, 0, end))
    if dashes and text[: dashes[-1].start()].rstrip(" \u3000")[-1:] in _SENTENCE_END:
        ann = parse(text[dashes[-1].end():end])
        if ann is not None and not ann.bare:
            return dashes[-1].start(), ann
    # a sentence of units and what they do closing the text, unbracketed: …。由A牵头，B配合。
    cut = max(text.rfind(c, 0, end) for c in "。；;") + 1
    if 0 < cut < end:
        tail = text[cut:end].strip()
        if tail.startswith("由") or "牵头" in tail or tail.endswith("负责"):
            ann = parse(tail)
            if ann is not None and not ann.bare and _names_throughout(ann):
                return cut, ann
    # unbracketed label after the sentence: …。责任单位：A、B。
    labels = list(_LABEL_COLON_RE.finditer(text))
    for m in reversed(labels):
        before = text[: m.start()].rstrip(" \u3000")
        if before and before[-1] not in "。；;，,.!！?？）)】〕":
            continue
        if any(c in text[m.end():end] for c in "。！？"):
            continue
        ann = parse(text[m.start():end])
        if ann is not None:
            return m.start(), ann
    return None


def leading(text: str) -> tuple[int, Annotation] | None:
    """An annotation opening a task's text: 【牵头单位：市教育局】加快… or 【市教育局、市人社局】加强… → where the
    text starts, and it."""
    s = text.lstrip()
    if not s or s[0] not in OPEN:
        return None
    depth = 0
    for j, ch in enumerate(s):
        depth += ch in OPEN
        depth -= ch in CLOSE
        if depth == 0:
            content = s[1:j]
            if _LABEL_COLON_RE.match(content.strip()):
                ann = parse(content)
            elif _names_only(content):          # 【市教育局、市人社局】加强…: the bodies named before the task
                ann = unlabelled(content, need_marker=False)
            else:
                return None
            rest = s[j + 1:]
            return (len(text) - len(rest.lstrip(" \u3000:：")), ann) if ann and rest.strip() else None
    return None


def own_line(text: str) -> Annotation | None:
    """A line that is nothing but an annotation: a bracketed one, or label lines (several labels may share
    the line, split by wide spaces or ；). Bracketed labels (【牵头单位】) are unbracketed by the caller, the outline,
    for every line it reads."""
    s = text.strip().rstrip("。；;.")
    if not s:
        return None
    if s[0] in OPEN and s[-1] in CLOSE and matching_open(s, len(s) - 1) == 0:
        return parse(s[1:-1])
    if LABEL_LINE_RE.match(s):
        return parse(_WIDE_SPACE_RE.sub("；", s))
    return None


def all_trailing(text: str) -> list[tuple[int, int, Annotation]]:
    """Every bracketed annotation in a text, as (start, end, annotation), in order: a whole document on one
    line carries one after each of its tasks."""
    found = []
    i = 0
    while True:
        m = _LABEL_COLON_RE.search(text, i)
        if not m:
            return found
        start = m.start() - 1
        while start >= 0 and text[start] in " \u3000":
            start -= 1
        if start < 0 or text[start] not in OPEN:
            i = m.end()
            continue
        depth, end = 0, None
        for j in range(start, len(text)):
            if text[j] in OPEN:
                depth += 1
            elif text[j] in CLOSE:
                depth -= 1
                if depth == 0:
                    end = j + 1
                    break
        if end is None:
            return found
        ann = parse(text[start + 1:end - 1])
        if ann is not None:
            found.append((start, end, ann))
        i = end
