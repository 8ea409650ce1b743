"""Blocks to raw task rows: find the task table(s) by their header, map columns to roles by header synonyms,
carry merged group cells down, and recognise numbered paragraphs that carry their responsible units.

Nothing here knows the five example files: the rules are the layouts of Chinese task lists in general.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from policykg.core.lexicon import looks_like_unit

from .annotations import Annotation, trailing
from .normalize import clean_text
from .paragraphs import marker_of, outline
from .source import Paragraph, SourceDocument, Table

# Header synonyms → column role. Matched on the header cell with whitespace and bracketed notes removed.
ROLE_SYNONYMS: dict[str, tuple[str, ...]] = {
    "no": ("序号", "编号", "序", "号", "项目编号", "任务编号", "条目"),
    "group": ("工程名称", "项目名称", "类别", "任务类别", "重点领域", "领域", "板块", "方面", "一级任务",
              "主要方向", "改革领域", "工作类别", "分类",
              # a rectification list's problem, which its measures answer (整改任务清单)
              "存在问题", "问题描述", "反馈问题", "主要问题", "问题表现", "具体问题", "问题", "问题清单"),
    "text": ("任务内容", "工作任务", "政策内容", "具体任务", "重点任务", "主要任务", "任务", "工作内容", "主要内容",
             "任务事项", "工作事项", "改革任务", "重点工作", "工作措施", "措施内容", "具体内容", "政策措施",
             "任务名称", "事项", "二级任务", "具体工作", "工作要点", "任务措施", "主要工作", "重点任务（项目）"),
    "lead": ("牵头单位", "牵头部门", "牵头处室", "主责单位", "主责部门", "牵头", "牵头责任单位", "主要责任单位",
             "主要责任部门", "主办单位", "主办部门"),
    "depts": ("责任单位", "责任部门", "责任处室", "责任主体", "负责单位", "承办单位", "实施单位", "责任处室和单位",
              "责任单位部门", "责任科室", "落实单位", "负责部门", "责任单位及部门"),
    "support": ("配合单位", "参与单位", "协同单位", "配合部门", "协办单位", "协助单位", "配合", "配合处室",
                "参与部门", "协同部门"),
    "deadline": ("完成时限", "完成时间", "完成年限", "时间节点", "时间进度", "时限", "完成期限", "进度安排",
                 "时间安排", "完成时限要求", "时间要求", "推进时间"),
    "measure": ("具体举措", "具体措施", "落实举措", "工作举措", "举措", "落实具体措施", "落实措施", "推进举措"),
    "goals": ("完成目标", "目标", "预期目标", "工作目标", "预期成果", "目标任务", "具体目标"),
    "note": ("备注", "说明"),
}
_ROLE_OF = {syn: role for role, syns in ROLE_SYNONYMS.items() for syn in syns}
# A column of persons (牵头领导, 分管县领导, 责任人): its names are no units, whatever role word it carries.
_PERSON_ENDS = ("领导", "领导同志", "责任人", "负责人", "联系人")
_UNIT_NOUNS = ("单位", "部门", "处室", "科室", "股室")
_BRACKETS = re.compile(r"[（(][^（()）]*[)）]")

NUM_CORE = r"(?:\d{1,6}|[一二三四五六七八九十]{1,3}|[①-⑳])"   # a number cell: up to 999,999 rows
NO_CELL_RE = re.compile(rf"^[（(]?\s*(\d{{1,3}}(?:[.．\-－]\d{{1,3}}){{1,3}}|{NUM_CORE})\s*[)）.．、,，]?$")
# A number printed at the start of a task text: 1. 1、 1． (1) （1） ① 1）. "1.5倍" is a decimal, not a number,
# but a year may follow the number at once: 12．2022年起，…
PREFIX_RE = re.compile(
    r"^\s*(?:(\d{1,3})\s*(?:[.．、，,)）](?:(?!\d)|(?=\d{4}\s*年))|\s)|[（(]\s*(\d{1,3})\s*[)）]|([①-⑳]))\s*")
HEADING_RE = re.compile(r"^\s*(?:[一二三四五六七八九十]{1,3}\s*[、.．]|[（(][一二三四五六七八九十]{1,3}[)）]|第[一二三四五六七八九十]{1,3}[部分章节条项])")


def header_role(cell: str) -> str | None:
    key = clean_text(cell)
    if not key:
        return None
    if key in _ROLE_OF:
        return _ROLE_OF[key]
    bare = _BRACKETS.sub("", key)
    if bare in _ROLE_OF:
        return _ROLE_OF[bare]
    if len(bare) > 10:
        return None
    if bare.endswith(_PERSON_ENDS) and not any(w in bare for w in _UNIT_NOUNS):
        return None
    # loose: 责任单位（部门） / 牵头责任部门 / 计划完成时间
    if "牵头" in bare:
        return "lead"
    if any(w in bare for w in ("配合", "协同", "参与", "协办")):
        return "support"
    if bare.endswith(_UNIT_NOUNS) or any(w in bare for w in ("责任单位", "责任部门", "责任处室")):
        return "depts"
    if any(w in bare for w in ("时限", "时间", "年限", "期限", "节点", "进度")):
        return "deadline"
    if "举措" in bare or "措施" in bare:
        return "measure"
    if "目标" in bare:
        return "goals"
    if "任务" in bare or "内容" in bare or "事项" in bare:
        return "text"
    return None


@dataclass
class RawTask:
    task_no: str
    section: str | None
    text: str                   # raw cell / paragraph text (markup removed, whitespace still there)
    depts: str | None = None    # raw responsibility text
    lead: str | None = None     # raw lead column / label text, when the document names the lead separately
    support: str | None = None
    deadline: str | None = None  # raw deadline column / label text
    school: dict | None = None  # raw school columns: measure, goals, units, deadlines
    has_school_columns: bool = False
    location: str = ""
    row: int | None = None
    annotation: Annotation | None = None   # read by the annotation grammar (paragraphs, a text cell's bracket)


@dataclass
class Segmented:
    tasks: list[RawTask] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)   # (location, reason)


def _is_header(row: list[str]) -> dict[int, str] | None:
    roles = {}
    for j, cell in enumerate(row):
        if not cell.strip():
            continue
        if len(clean_text(cell)) > 16:
            return None
        r = header_role(cell)
        if r:
            roles[j] = r
    kinds = set(roles.values())
    if len(roles) >= 2 and kinds & {"text", "group", "measure", "goals"} and (kinds - {"text", "group"}):
        return roles
    return None


def _columns(roles: dict[int, str]) -> dict[str, int | list[int]]:
    """Role → column. Measure / goals columns after a responsibility column belong to the implementing
    institution (Liaoning-style lists: its own 责任单位 and 完成时间 follow); a measure column before any
    responsibility column is the task text itself, the task column before it then being the group. Of two
    task-text columns the first is the group. A goals column beside the task column (项目名称 | 年度目标任务) is
    read with it: its targets are the row's."""
    cols: dict = {}
    school = False
    for j in sorted(roles):
        r = roles[j]
        seen_resp = any(k in cols for k in ("depts", "lead", "support"))
        if r in ("measure", "goals") and seen_resp:
            school = True
            cols.setdefault("s_" + r, j)
            continue
        if school and r in ("depts", "lead", "deadline"):
            cols.setdefault("s_units" if r != "deadline" else "s_deadlines", j)
            continue
        if r == "goals":
            cols.setdefault("goals_only", j)   # beside the task: not a field of its own, unless no task column
            continue
        if r == "group" and "text" in cols:
            continue                            # after the task: a status column (进展情况 | 存在问题), no group
        if r in ("text", "measure") and "text" in cols:
            if "group" not in cols:
                cols["group"] = cols["text"]
            cols["text"] = j
            continue
        if r == "measure":
            r = "text"
        cols.setdefault(r, j)
    if "text" not in cols and "group" in cols:
        cols["text"] = cols.pop("group")
    if "text" not in cols and "goals_only" in cols:
        cols["text"] = cols.pop("goals_only")     # 任务目标 as the only task column
    if "goals_only" in cols:
        cols["goals"] = cols.pop("goals_only")
    return cols


def _sub_header(row: list[str]) -> dict[int, str] | None:
    """The second row of a two-level header: two or more short cells, each exactly a responsibility or
    time synonym (责任单位 spanning 牵头 | 配合)."""
    roles = {}
    for j, cell in enumerate(row):
        if cell.strip():
            r = _ROLE_OF.get(_BRACKETS.sub("", clean_text(cell)))
            if r not in ("lead", "support", "depts", "deadline"):
                return None
            roles[j] = r
    return roles if len(roles) >= 2 else None


def _cell(row: list[str], j: int | None) -> str:
    if j is None or j >= len(row):
        return ""
    return row[j]


def _split_number(text: str) -> tuple[str | None, str]:
    m = PREFIX_RE.match(text)
    if not m:
        return None, text
    return next(g for g in m.groups() if g), text[m.end():]


ANNEX_RE = re.compile(r"^(?:附件|附表|附录)\s*\d*|(?:清单|一览表|分工表|任务表|台账)$")


def segment(doc: SourceDocument) -> Segmented:
    out = Segmented()
    last_heading: str | None = None
    previous: tuple[dict, int] | None = None      # columns and width of the last task table
    for block in doc.blocks:
        if isinstance(block, Table):
            previous = _segment_table(block, last_heading, out, previous) or previous
            last_heading = None
        elif HEADING_RE.match(block.text) and not trailing(block.text):
            last_heading = clean_text(block.text)
        elif ANNEX_RE.search(clean_text(block.text)):
            last_heading = None                   # the annex title: prose headings above it do not apply
    _qualify_restarting_rows(out.tasks)
    _segment_paragraphs(doc.blocks, out)
    return out


def _qualify_restarting_rows(tasks: list[RawTask]) -> None:
    """Table rows numbered afresh under each section (一、… 1 2 3, 二、… 1 2): the section's number comes
    first (一.1), as for numbered paragraphs, so every task keeps a key of its own."""
    numbers = [t.task_no for t in tasks]
    if len(set(numbers)) == len(numbers):
        return
    for t in tasks:
        found = marker_of(t.section or "")
        if found:
            t.task_no = f"{found[1]}.{t.task_no}"


def _segment_table(table: Table, heading: str | None, out: Segmented,
                   previous: tuple[dict, int] | None = None) -> tuple[dict, int] | None:
    cols: dict | None = None
    header_rows = 0
    group = None
    section = heading
    auto_no = 0
    last_no: str | None = None
    rows = _merge_split_headers(table.rows)
    width = max((len(r) for r in rows), default=0)
    if not any(_is_header(r) for r in rows[:6]):
        if previous and previous[1] == width:
            cols = previous[0]                    # a table continued after a page break, header not repeated
        else:
            cols = _infer_columns(rows)           # no header at all: roles from what the cells hold
    last_full: list[str] | None = None
    for i, row in enumerate(rows, 1):
        roles = _is_header(row)
        if roles is None and cols and header_rows and header_rows == i - 1:
            roles = _sub_header(row)
        if roles is not None:
            new = _columns(roles)
            # a second header row right under the first refines it (two-level headers)
            cols = {**cols, **new} if (cols and header_rows and header_rows == i - 1) else new
            header_rows = i
            continue
        if cols is None or "text" not in cols:
            continue
        filled = [c for c in row if c.strip()]
        if not filled:
            continue
        loc = f"table {table.index}, row {i}"
        if len(row) < header_width(cols) and len(filled) >= 2:
            row = _align_short_row(row, cols, last_full)    # a text rendering dropped the merged cells
        last_full = row
        text_cell = _cell(row, cols["text"])
        no_cell = clean_text(_cell(row, cols.get("no")))
        distinct = {clean_text(c) for c in filled}
        if len(distinct) == 1 and not NO_CELL_RE.match(no_cell or "~") and not PREFIX_RE.match(filled[0]):
            # a row with one cell across the table is a section heading (possibly rendered as one cell)
            section = clean_text(filled[0])
            group = None
            continue
        if "group" in cols:
            g = clean_text(_cell(row, cols["group"]))
            if g:
                group = g
        task_no = None
        if no_cell:
            m = NO_CELL_RE.match(no_cell)
            task_no = m.group(1) if m else None
            if task_no is None:
                out.problems.append((loc, f"number cell {no_cell!r} is not a task number"))
                continue
        num, body = _split_number(text_cell.strip())
        if num is not None and (task_no is None or num == task_no):
            task_no, text_cell = num, body
        if not clean_text(text_cell):
            out.problems.append((loc, "row has no task text"))
            continue
        if task_no is None:
            # an empty number cell (Word auto-numbering lost, or no number column): number by position
            auto_no = int(last_no) + 1 if last_no and last_no.isdigit() else auto_no + 1
            task_no = str(auto_no)
        last_no = task_no
        goals = _cell(row, cols.get("goals")).strip()
        if goals and clean_text(goals) != clean_text(text_cell):     # in column order: 新建改扩建学校：新建…10所
            first, second = (text_cell, goals) if cols["goals"] > cols["text"] else (goals, text_cell)
            text_cell = first.strip().rstrip("：:，,；;。") + "：" + second.strip()
        depts_cell = _cell(row, cols.get("depts"))
        resp = None if (depts_cell.strip() or cols.get("lead") is not None) else trailing(text_cell)
        school = None
        has_school = "s_measure" in cols or "s_goals" in cols
        if has_school:
            school = {k: _cell(row, cols.get("s_" + k)) for k in ("measure", "goals", "units", "deadlines")}
        task = RawTask(
            task_no=task_no,
            section=group if "group" in cols else section,
            text=text_cell,
            depts=depts_cell or None,
            lead=_cell(row, cols.get("lead")) or None,
            support=_cell(row, cols.get("support")) or None,
            deadline=_cell(row, cols.get("deadline")) or None,
            school=school,
            has_school_columns=has_school,
            location=loc,
            row=i,
        )
        if resp:                                  # no responsibility column: （责任单位：…） ends the task text
            task.text, task.annotation = text_cell[: resp[0]], resp[1]
            task.deadline = task.deadline or resp[1].deadline
        out.tasks.append(task)
    return (cols, width) if cols and "text" in cols else None


def _merge_split_headers(rows: list[list[str]]) -> list[list[str]]:
    """A header printed over two lines (责任 / 单位, 完成 / 时限): the two rows joined column by column."""
    for i in range(min(len(rows) - 1, 6)):
        top, low = rows[i], rows[i + 1]
        if not any(c.strip() for c in low) or any(len(clean_text(c)) > 6 for c in low):
            continue
        merged = [clean_text(_cell(top, j)) + clean_text(_cell(low, j)) for j in range(max(len(top), len(low)))]
        after = _is_header(merged)
        # joined only when that makes a better header than either line alone (a title or 填报单位 line above
        # a full header would otherwise be glued onto it: 2024年3月责任单位 is no header word)
        if after and all(len(after) > len(alone or {}) for alone in (_is_header(top), _is_header(low))):
            return rows[:i] + [merged, [""] * len(low)] + rows[i + 2:]   # row numbers kept
    return rows


def header_width(cols: dict) -> int:
    return 1 + max(j for k, j in cols.items() if isinstance(j, int))


def _cell_kind(cell: str) -> str:
    c = clean_text(cell)
    if NO_CELL_RE.match(c):
        return "no"
    if len(c) <= 12 and _DATEISH.search(c):
        return "deadline"
    names = [n for n in re.split(r"[、，,；;]", c) if n]
    if names and all(looks_like_unit(n) for n in names):
        return "units"
    return "text"


_ROLE_KIND = {"no": "no", "deadline": "deadline", "depts": "units", "lead": "units", "support": "units",
              "text": "text", "group": "text"}


def _align_short_row(row: list[str], cols: dict, previous: list[str] | None) -> list[str]:
    """Cells of a row that lost its merged cells, placed in the columns whose kind they have (a number, task
    text, a unit list, a date); a column left without a cell is the merged cell above it, carried down."""
    by_col = {j: role for role, j in cols.items() if isinstance(j, int) and role in _ROLE_KIND}
    width = header_width(cols)
    out = [""] * width
    cells = [c for c in row if c.strip()]
    k = 0
    for j in range(width):
        role = by_col.get(j)
        if k < len(cells) and (role is None or _ROLE_KIND[role] == _cell_kind(cells[k])):
            out[j] = cells[k]
            k += 1
        elif role in ("depts", "lead", "support", "deadline") and previous is not None:
            out[j] = _cell(previous, j)
    if k < len(cells):
        return row                               # cells that fit no column: leave the row as printed
    return out


_DATEISH = re.compile(r"\d{4}\s*年|持续|长期|每年|十[一二三四五六七八九]五|\d{4}[.\-/]\d{1,2}")


def _infer_columns(rows: list[list[str]]) -> dict | None:
    """Roles of a header-less table from its content: a column of task numbers, the longest-text column,
    a column of short unit names, a column of dates. None unless the table clearly is a task table."""
    body = [r for r in rows if sum(1 for c in r if c.strip()) >= 3]
    if len(body) < 2:
        return None
    width = max(len(r) for r in body)

    def column(j):
        return [clean_text(r[j]) for r in body if j < len(r) and r[j].strip()]

    def share(j, test):
        cells = column(j)
        return sum(1 for c in cells if test(c)) / len(body) if cells else 0.0

    cols: dict = {}
    if share(0, lambda c: bool(NO_CELL_RE.match(c))) >= 0.8:
        cols["no"] = 0
    rest = [j for j in range(width) if j != cols.get("no")]
    if not rest:
        return None
    avg = {j: sum(map(len, column(j))) / max(1, len(column(j))) for j in rest}
    text = max(rest, key=lambda j: avg[j])
    depts = [j for j in rest if j != text and avg[j] <= 40
             and share(j, lambda c: bool(re.search(r"[厅局委办部处室院校会府市区县心社联门位]([、，,；;]|$)", c))) >= 0.6]
    if avg[text] < 15 or not depts:
        return None
    cols["text"], cols["depts"] = text, depts[0]
    dates = [j for j in rest if j not in (text, depts[0]) and share(j, lambda c: bool(_DATEISH.search(c))) >= 0.6]
    if dates:
        cols["deadline"] = dates[0]
    return cols


def _segment_paragraphs(blocks, out: Segmented) -> None:
    """Numbered paragraphs and the annotations that name their responsible units (see ``paragraphs``)."""
    doc = outline([b for b in blocks if isinstance(b, Paragraph)])
    out.problems.extend(doc.problems)
    tasks = doc.tasks()                 # first: it gives sub-items the annotation of the item above them
    for item in doc.unassigned():
        out.problems.append((f"paragraph {item.index}", f"numbered item {item.line()[:40]!r} names no responsible "
                             "unit while the items beside it do: not read as a task"))
    for t in tasks:
        item = t.item
        out.tasks.append(RawTask(task_no=t.task_no, section=t.section, text=item.text, deadline=item.deadline,
                                 annotation=item.annotation, location=f"paragraph {item.index}", row=item.index))
