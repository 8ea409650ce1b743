"""Tasks written as paragraphs: the outline of numbered items, and the responsibility annotations attached to it.

A task is the text an annotation attaches to, whatever its number. The reader builds the document's outline
from its list markers (一、 （一） 1. （1） ① 第一条 △ …; a marker style first seen deeper is a deeper level), then
hangs every annotation on an item:
  * a bracket at the end of an item's paragraph (or of a paragraph continuing it) → that item;
  * a line that is only an annotation (label lines, a bracket alone) → the open item and its unannotated
    siblings just before it (one annotation after a group covers the group);
  * a numbered label line (（四） 责任单位：…) → the item it is a part of;
  * a department-first duty line (财政部门：负责…) under a heading → a task of that department.
An annotation at the end of a sub-list whose parent is a paragraph of its own (not a bare heading) belongs to
the parent: the sub-list is the parent's text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from policykg.core.lexicon import looks_like_unit

from . import annotations as ann_grammar
from .annotations import Annotation
from .normalize import clean_text
from .source import Paragraph

_CN = "一二三四五六七八九十百零〇"
# (style, pattern): a list marker at the start of a line. Order matters: the first that matches wins.
_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９．", "0123456789.")
# a number is no list marker when a unit or a date word follows it: 10月底前, 1.5倍, 3个
_NOT_A_MARKER_AFTER = r"(?![倍万亿元个项条名所家次岁天周号批届期轮年月日%％])"
MARKERS: tuple[tuple[str, re.Pattern], ...] = tuple((name, re.compile(p)) for name, p in (
    ("article", rf"^第([{_CN}\d]{{1,5}})条\s*"),
    ("part", rf"^第([{_CN}]{{1,3}})(?:部分|章|节)\s*"),
    ("cn_paren", rf"^[（(]\s*([{_CN}]{{1,4}})\s*[)）]\s*[、.．]?\s*"),
    ("cn_dun", rf"^([{_CN}]{{1,4}})\s*[、.．]\s*"),
    ("ar_paren", r"^[（(]\s*(\d{1,3})\s*[)）]\s*[、.．]?\s*"),
    ("ar_dot", r"^(\d{1,3})\s*[.．、,，](?:(?!\d)|(?=\d{4}\s*年))\s*"),
    ("ar_rparen", r"^(\d{1,3})\s*[)）]\s*"),
    # decimal numbering, 1.1 推进… under 1 基础教育: a space or a word after the number
    ("ar_decimal", rf"^(\d{{1,2}}(?:[.．]\d{{1,2}}){{1,2}})(?:\s+|(?=[\u4e00-\u9fff]){_NOT_A_MARKER_AFTER})"),
    ("ar_space", rf"^(\d{{1,2}})\s+(?=[\u4e00-\u9fff]){_NOT_A_MARKER_AFTER}"),
    ("circled", r"^([①-⑳])\s*"),
    ("bullet", r"^([△▲●•◆■□○◇▪])\s*"),
    ("ar_bare", rf"^(\d{{1,2}})(?=[\u4e00-\u9fff]){_NOT_A_MARKER_AFTER}"),
))
_TOP_STYLES = ("article", "part", "cn_dun")     # the styles that open a document's outline: 第一条, 第一部分, 一、
# a whole document on one line: split it after each annotation and before a list marker that follows a
# sentence end
_WALL = 120            # a line shorter than this holds one item at most
_WALL_TAIL = 30        # characters after a wall's only annotation that make a paragraph of their own
_WALL_SPLIT_RE = re.compile(rf"(?<=[。；;！!）)])\s*(?=(?:[{_CN}]{{1,3}}、|[（(][{_CN}]{{1,3}}[)）]|\d{{1,2}}[.．、](?!\d)))"
                            rf"|(?<=[\u4e00-\u9fff])\s*(?=\d{{1,2}}[.．][\u4e00-\u9fff])")
_HEADING_BODY = 40      # a parent longer than this (after its number) is a paragraph of its own, not a bare heading


@dataclass
class Item:
    style: str
    number: str
    marker: str                         # as printed: "（一）", "1."
    text: str
    index: int                          # paragraph number of its first line
    parent: "Item | None" = None
    children: list["Item"] = field(default_factory=list)
    annotation: Annotation | None = None
    annotation_kind: str = ""           # trailing / own-line / numbered-label / duty
    deadline: str | None = None
    closed: bool = False                # annotated, and a later unnumbered paragraph was not part of it

    @property
    def has_annotated_descendant(self) -> bool:
        return any(c.annotation is not None or c.has_annotated_descendant for c in self.children)

    def line(self) -> str:
        return clean_text(self.marker + self.text)


@dataclass
class ParagraphTask:
    item: Item
    task_no: str
    section: str | None


def marker_of(line: str) -> tuple[str, str, str, str] | None:
    """(style, number, marker as printed, rest of the line) for a line opening with a list marker."""
    for style, pattern in MARKERS:
        m = pattern.match(line)
        if m:
            rest = line[m.end():]
            if not rest.strip() and style not in ("cn_dun", "cn_paren", "part"):
                return None
            number = m.group(0).strip() if style == "article" else m.group(1)   # 第一条 is its own number
            number = number.translate(_FULL_WIDTH_DIGITS)                       # １ → 1, 1．1 → 1.1
            return style, number, line[: m.end()].strip(), rest
    return None


def split_wall(line: str) -> list[str]:
    """A whole document (or several items) printed on one line, cut into its items: after each annotation
    and before a list marker that follows a sentence end."""
    found = ann_grammar.all_trailing(line) if len(line) > _WALL else []
    # one annotation closes a wall too when a sentence of prose follows it (the closing remarks of a page
    # whose paragraphs a conversion ran together): a short remainder (2024年底前完成) stays with its item
    if not found or (len(found) == 1 and len(line) - found[0][1] < _WALL_TAIL):
        return [line]
    pieces, last = [], 0
    for _, end, _ in found:
        pieces.append(line[last:end])
        last = end
    pieces.append(line[last:])
    out = []
    for piece in pieces:
        out.extend(p for p in _WALL_SPLIT_RE.split(piece) if p.strip())
    return out


class Outline:
    """The items of a document and the annotations hung on them, built paragraph by paragraph."""

    def __init__(self) -> None:
        self.root = Item("root", "", "", "", 0)
        self.stack: list[Item] = [self.root]
        self.items: list[Item] = []
        self.style_depth: dict[str, int] = {}
        self.problems: list[tuple[str, str]] = []
        self.duty_count: dict[int, int] = {}

    # -- building ----------------------------------------------------------------------------------------
    def feed(self, line: str, index: int) -> None:
        line = ann_grammar.unbracket_labels(line).strip()      # 【完成时限】2024年底 reads as 完成时限：2024年底
        if not line:
            return
        if self._duty_line(line, index):
            return
        found = marker_of(line)
        if found:
            style, number, marker, rest = found
            own = ann_grammar.own_line(rest)
            if own is not None and ann_grammar.LABEL_LINE_RE.match(rest):
                # （四） 责任单位：… — a field of the item this list belongs to
                self._pop_to(style)
                self._annotate(self.stack[-1], own, "numbered-label", index)
                return
            dl = ann_grammar.DEADLINE_LABEL_RE.match(rest)
            if dl:
                self._pop_to(style)
                self.stack[-1].deadline = dl.group(2).strip()
                return
            lead_ann = ann_grammar.leading(rest)
            self._open(Item(style, number, marker, rest[lead_ann[0]:] if lead_ann else rest, index))
            if lead_ann:
                self._annotate(self.stack[-1], lead_ann[1], "trailing", index)
            self._trailing(self.stack[-1], index)
            return
        own = ann_grammar.own_line(line)
        top = self.stack[-1]
        if ann_grammar.LEADER_LINE_RE.match(line) and top is not self.root:
            return                          # the official in charge of the item: no unit, no task text
        if own is not None:
            self._annotate(top, own, "own-line", index)
            return
        dl = ann_grammar.DEADLINE_LABEL_RE.match(line)
        if dl and top is not self.root:
            top.deadline = dl.group(2).strip()
            return
        if top is self.root or top.closed or top.annotation is not None:
            if top is not self.root and top.annotation is not None:
                top.closed = True           # prose after an annotated item is not part of it
            if ann_grammar.trailing(line) is not None:
                self._unnumbered(line, index)   # a paragraph of its own that names its units
            return
        top.text += "\n" + line             # the item goes on over another paragraph
        self._trailing(top, index)

    def _unnumbered(self, line: str, index: int) -> None:
        """An unnumbered paragraph ending in an annotation: a task numbered by its place among such."""
        while len(self.stack) > 1 and (self.stack[-1].annotation is not None or self.stack[-1].style == "para"):
            self.stack.pop()
        parent = self.stack[-1]
        number = str(1 + sum(1 for c in parent.children if c.style == "para"))
        item = Item("para", number, "", line, index, parent=parent)
        parent.children.append(item)
        self.items.append(item)
        self._trailing(item, index)
        item.closed = True

    def _depth(self, style: str) -> int:
        if style not in self.style_depth:
            # a style first seen now sits below the current item, but an outline's top styles never sit
            # below a bullet (a page's navigation menu printed above the document: • 首页 • 政策解读)
            bullets = [k for k, item in enumerate(self.stack) if item.style == "bullet"]
            self.style_depth[style] = bullets[0] if bullets and style in _TOP_STYLES else len(self.stack)
        return self.style_depth[style]

    def _pop_to(self, style: str) -> None:
        """Close the items at or below this style's level (its siblings and their children)."""
        depth = self._depth(style)
        while len(self.stack) > 1 and self.style_depth.get(self.stack[-1].style, 0) >= depth:
            self.stack.pop()

    def _open(self, item: Item) -> None:
        self._pop_to(item.style)
        item.parent = self.stack[-1]
        if item.style == "bullet":              # △ items are numbered by their place in the list
            item.number = str(1 + sum(1 for c in item.parent.children if c.style == "bullet"))
        item.parent.children.append(item)
        self.stack.append(item)
        self.items.append(item)

    def _trailing(self, item: Item, index: int) -> None:
        found = ann_grammar.trailing(item.text)
        if found is None:
            return
        start, annotation = found
        item.text = item.text[:start]
        self._annotate(item, annotation, "trailing", index)

    def _annotate(self, item: Item, annotation: Annotation, kind: str, index: int) -> None:
        if annotation.deadline and item is not self.root:
            item.deadline = item.deadline or annotation.deadline
        if item is self.root:
            self.problems.append((f"paragraph {index}", "a responsibility annotation before any numbered item: "
                                                        "not attached to a task"))
            return
        if kind == "own-line" and item.annotation is None:
            for sibling in self._unannotated_group(item):
                sibling.annotation, sibling.annotation_kind = annotation, kind
        if item.annotation is None:
            item.annotation, item.annotation_kind = annotation, kind
        else:                               # a second label line of the same task: 牵头单位 then 配合单位
            item.annotation.parts.extend(annotation.parts)
            if annotation.lead_rule == "label" and annotation.text("lead"):
                item.annotation.lead_rule = "label"

    def _unannotated_group(self, item: Item) -> list[Item]:
        """The siblings just before an item that no annotation covers yet, nearest last."""
        parent = item.parent
        if parent is None:
            return []
        siblings = [c for c in parent.children if c.style == item.style]
        group = []
        for c in reversed(siblings[: siblings.index(item)]):
            if c.annotation is not None or c.has_annotated_descendant:
                break
            group.append(c)
        return group

    def _duty_line(self, line: str, index: int) -> bool:
        """财政部门：负责… under a heading: a task of the units before the colon."""
        m = ann_grammar.DUTY_LINE_RE.match(line)
        if not m or ann_grammar.LABEL_LINE_RE.match(line):
            return False
        names = [n for n in re.split(r"[、，,]", m.group(1)) if n]
        if not names or not looks_like_unit(names[-1]):
            return False
        top = self.stack[-1]
        while top.style == "duty":
            self.stack.pop()
            top = self.stack[-1]
        count = self.duty_count[id(top)] = self.duty_count.get(id(top), 0) + 1
        item = Item("duty", str(count), "", m.group(2), index, parent=top)
        top.children.append(item)
        self.items.append(item)
        annotation = Annotation(lead_rule="first-listed")
        annotation.add("units", m.group(1))
        item.annotation, item.annotation_kind = annotation, "duty"
        return True

    # -- reading -----------------------------------------------------------------------------------------
    def lift_sublists(self) -> None:
        """An annotation at the end of a sub-list whose parent is a paragraph of its own belongs to the parent
        (the sub-list is the parent's text): the parent is unannotated and only its last child is."""
        for item in self.items:
            if item.annotation is not None or len(clean_text(item.text)) <= _HEADING_BODY:
                continue
            kids = item.children
            annotated = [c for c in kids if c.annotation is not None or c.has_annotated_descendant]
            if len(annotated) == 1 and annotated[0] is kids[-1] and len(kids) > 1 \
                    and kids[-1].annotation_kind in ("trailing", "own-line"):
                last = kids[-1]
                covered = [c for c in kids if c.annotation is last.annotation]
                if len(covered) > 1 or last.annotation_kind == "trailing":
                    item.annotation, item.annotation_kind = last.annotation, last.annotation_kind
                    for c in kids:
                        c.annotation = None
                    item.text += "\n" + "\n".join(c.line() for c in kids)
                    item.children = []          # their lines are its text now

    def absorb_sublists(self) -> None:
        """The other way round: an annotated item whose numbered children name no unit. A paragraph of its own is
        spelt out by them (its task's text goes on in their lines); a heading, 二、优化住房信贷政策（责任部门：…）
        over （一）… （二）…, heads tasks of theirs that its annotation covers (a child naming its own units keeps
        them). Either way the children's words and targets are read (they were read as nothing)."""
        for item in self.items:
            kids = item.children
            if item.annotation is None or item.annotation_kind != "trailing" or not kids \
                    or any(c.children for c in kids) or all(c.annotation is not None for c in kids):
                continue
            if len(clean_text(item.text)) <= _HEADING_BODY:      # a heading: children naming their own keep them
                for c in kids:
                    if c.annotation is None:
                        c.annotation, c.annotation_kind = item.annotation, "group"
                item.annotation = None
            elif all(c.annotation is None for c in kids):
                item.text += "\n" + "\n".join(c.line() for c in kids)

    def tasks(self) -> list[ParagraphTask]:
        self.lift_sublists()
        self.absorb_sublists()
        tasks = [it for it in self.items if it.annotation is not None]
        numbers = [t.number for t in tasks]
        repeated_styles = self._restarting_styles()
        clash = {t.style for t in tasks if numbers.count(t.number) > 1}
        out = []
        for t in tasks:
            number = t.number
            parent = _numbered_ancestor(t)
            if parent is not None and (t.style in repeated_styles or t.style in clash and _deeper(t, tasks)):
                number = f"{parent.number}.{number}"
            out.append(ParagraphTask(t, number, _section(t)))
        return out

    def unassigned(self) -> list[Item]:
        """Numbered items with no items under them that name no responsible unit while an item beside them
        (same parent, same style) does: not tasks to this reader, but said, never dropped in silence (an item
        with items under it is a heading or a section of prose)."""
        out = []
        for it in self.items:
            if it.annotation is not None or it.children or it.style == "duty" or it.parent is None:
                continue
            if any(o is not it and o.style == it.style and o.annotation is not None for o in it.parent.children):
                out.append(it)
        return out

    def _restarting_styles(self) -> set[str]:
        """Styles whose printed numbers repeat in the document (each list restarts under its heading)."""
        seen: dict[str, set[str]] = {}
        out = set()
        for it in self.items:
            if it.style == "duty":
                continue
            numbers = seen.setdefault(it.style, set())
            if it.number in numbers:
                out.add(it.style)
            numbers.add(it.number)
        return out


def _deeper(task: Item, tasks: list[Item]) -> bool:
    """Of tasks sharing a printed number, the one with a numbered parent is the one to qualify."""
    return any(o is not task and o.number == task.number and _numbered_ancestor(o) is None for o in tasks) \
        or _numbered_ancestor(task) is not None


def _numbered_ancestor(item: Item) -> Item | None:
    p = item.parent
    while p is not None and p.style in ("root", "duty"):
        p = p.parent if p.style != "root" else None
    return p if p is not None and p.style != "root" else None


def _section(item: Item) -> str | None:
    """The nearest enclosing item that is not itself a task, as printed (its first sentence if long)."""
    p = item.parent
    while p is not None and p.style != "root" and p.annotation is not None:
        p = p.parent
    if p is None or p.style == "root":
        return None
    line = clean_text(p.marker + p.text.split("\n", 1)[0])
    if len(line) > 60:
        cut = re.search(r"[。；：:]", line)
        line = line[: cut.start() + 1] if cut and cut.start() < 60 else line[:60]
    return line


def outline(paragraphs: list[Paragraph]) -> Outline:
    doc = Outline()
    for p in paragraphs:
        line = ((p.number or "") + p.text).strip()
        for piece in split_wall(line):
            doc.feed(piece, p.index)
    return doc
