"""Plain-text task lists: decoding (encoding detected, never guessed from the extension) and the layouts that
Word and web exports produce, turned into the same blocks the .docx reader gives.

Layouts recognised, line by line:
  * tab-separated rows (``1<TAB>任务<TAB>部门``), a header row possibly repeated;
  * a Word table rendered one cell per line: each cell starts with a tab, a cell may continue over lines
    (blank lines included), rows are separated by blank lines, single-cell rows are section headings;
  * Markdown pipe tables (``| 序号 | 任务 | 部门 |``);
  * box-drawing tables (┌─┬─┐ │ …), cells wrapped over several lines, vertical merges by open separators;
  * anything else is a paragraph (one a line).
"""
from __future__ import annotations

import codecs
import re
from collections import Counter

from charset_normalizer import from_bytes

from .normalize import clean_line, is_footer, is_traditional, to_simplified
from .source import LoaderError, Paragraph, Table
from .text_tables import blank_separated, pipe_stream, starts_blank_separated, starts_pipe_stream

BOX_CHARS = "┌┬┐├┼┤└┴┘─│═║╔╦╗╠╬╣╚╩╝╤╧╪╟╢╫╞╡╒╓╕╖╘╙╛╜━┃┏┓┗┛┣┫┳┻╋"
_BOX_START = re.compile(f"^\\s*[{BOX_CHARS}]")
_BOX_SPLIT = re.compile("[│║┃┆┊|]")
_BOX_SEP = re.compile(f"^[\\s{BOX_CHARS}+\\-=]+$")
_BOX_ANY_SPLIT = re.compile(f"[{re.escape(BOX_CHARS.replace('─', '').replace('═', '').replace('━', ''))}]")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f]")
_PIPE_SEP = re.compile(r"^\s*\|?[\s:\-|]+\|?\s*$")


# --- decoding ------------------------------------------------------------------------------------------

def decode(data: bytes, path) -> tuple[str, str]:
    """Bytes to text and the encoding used. Raises LoaderError for empty, binary or undecodable data."""
    if not data.strip():
        raise LoaderError(path, "empty file")
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
        except UnicodeDecodeError:
            data = data[3:]                 # a UTF-8 mark before GBK text (an editor's doing): detect below
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as e:
            raise LoaderError(path, f"starts with a UTF-16 byte-order mark but does not decode ({e.reason})")
    try:
        text = data.decode("utf-8")
        enc = "utf-8"
    except UnicodeDecodeError:
        best = from_bytes(data[:400_000]).best()
        if best is None or best.encoding is None:
            if b"\x00" in data[:4096]:
                raise LoaderError(path, "binary file, not text (no known encoding decodes it)")
            raise LoaderError(path, "unknown text encoding (tried UTF-8, UTF-16, GB18030/GBK and the other "
                                    "encodings charset-normalizer knows); save it as UTF-8")
        enc = best.encoding
        # GBK/GB2312 are subsets of GB18030: decoding with the superset never loses a character.
        if enc.lower().replace("-", "").replace("_", "") in ("gbk", "gb2312", "cp936", "hz"):
            enc = "gb18030"
        elif not enc.lower().startswith(("utf", "gb", "big5", "hz")) and _mostly_chinese(data, "gb18030"):
            enc = "gb18030"     # short GBK files are sometimes taken for a single-byte code page
        try:
            text = data.decode(enc)
        except (UnicodeDecodeError, LookupError) as e:
            raise LoaderError(path, f"detected encoding {enc} does not decode the file ({e})")
    bad = len(_CONTROL_RE.findall(text, 0, 20000))
    if bad > max(8, len(text[:20000]) // 50):
        raise LoaderError(path, "binary file, not text (control characters throughout)")
    return text, enc


def _mostly_chinese(data: bytes, enc: str) -> bool:
    try:
        text = data.decode(enc)
    except UnicodeDecodeError:
        return False
    non_ascii = [c for c in text[:20000] if ord(c) > 127]
    return bool(non_ascii) and sum("\u4e00" <= c <= "\u9fff" or "\u3000" <= c <= "\u303f" or "\uff00" <= c <= "\uffef"
                                   for c in non_ascii) / len(non_ascii) > 0.9


# --- layouts -------------------------------------------------------------------------------------------

def _kind(line: str) -> str:
    if line.startswith("\t") and "\t" not in line[1:].rstrip("\t") and not line[1:].strip("\t "):
        return "cell"                       # an empty cell of a one-cell-per-line table
    if not line.strip():
        return "blank"
    if _BOX_START.match(line):
        return "box"
    s = line.strip()
    if s.startswith("|") and s.count("|") >= 2:
        return "pipe"
    if "\t" in line:
        rest = line[1:] if line.startswith("\t") else line
        if line.startswith("\t") and "\t" not in rest.rstrip("\t"):
            return "cell"
        if rest.strip("\t").count("\t") >= 1 or not line.startswith("\t"):
            return "tabrow"
        return "cell"
    return "text"


def text_blocks(text: str) -> tuple[list[Paragraph | Table], bool]:
    """Text to blocks; the flag says whether traditional characters were converted to simplified."""
    converted = False
    if is_traditional(text):
        text = to_simplified(text)
        converted = True
    lines = [clean_line(ln) for ln in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    lines = [ln for ln in lines if not is_footer(ln)]
    kinds = [_kind(ln) for ln in lines]
    blocks: list[Paragraph | Table] = []
    n_par = n_tab = 0
    i, n = 0, len(lines)
    while i < n:
        k = kinds[i]
        if k == "blank":
            i += 1
            continue
        if k == "text" and (starts_pipe_stream(lines, i) or starts_blank_separated(lines, i)):
            parse = pipe_stream if starts_pipe_stream(lines, i) else blank_separated
            rows, end = parse(lines, i)
            if rows is not None:
                n_tab += 1
                blocks.append(Table(rows, n_tab, "rendered"))
                i = end
                continue
        if k == "text" or (k == "box" and _BOX_SEP.match(lines[i]) is None and "│" not in lines[i]):
            n_par += 1
            blocks.append(Paragraph(_MD_HEADING.sub("", lines[i].strip()), n_par))
            i += 1
            continue
        parser = {"box": _box_table, "pipe": _pipe_table, "tabrow": _tab_table, "cell": _cell_table}[k]
        rows, layout, i = parser(lines, kinds, i)
        if rows is None:                      # not a table after all: the lines are paragraphs
            for ln in layout:
                if ln.strip():
                    n_par += 1
                    blocks.append(Paragraph(ln.strip(), n_par))
            continue
        n_tab += 1
        blocks.append(Table(rows, n_tab, layout))
    return blocks, converted


def _tab_table(lines, kinds, i):
    """Tab-separated rows; blank lines between rows do not end the table. A line without tabs between rows
    is a row of one cell (a section heading spanning the table), as Word exports render merged rows."""
    rows: list[list[str]] = []
    n = len(lines)
    while i < n:
        k = kinds[i]
        if k == "tabrow":
            rows.append([c.strip() for c in lines[i].split("\t")])
            i += 1
        elif k in ("text", "blank"):
            j = i
            while j < n and kinds[j] in ("text", "blank"):
                j += 1
            if not (j < n and kinds[j] == "tabrow"):
                break
            texts = [ln.strip() for ln in lines[i:j] if ln.strip()]
            if len(texts) > 2:
                break                     # prose between two tables, not a heading row
            rows.extend([t] for t in texts)
            i = j
        else:
            break
    return rows, "tabbed", i


def _cell_table(lines, kinds, i):
    """Word table rendered one cell per line (see module docstring)."""
    n = len(lines)
    chunks: list[list[list[str]]] = []     # chunk → cells → lines
    chunk: list[list[str]] = []
    blanks = 0
    start = i
    while i < n:
        k = kinds[i]
        if k == "blank":
            blanks += 1
            i += 1
            continue
        if k == "cell":
            if blanks and chunk:
                chunks.append(chunk)
                chunk = []
            chunk.append([lines[i][1:]])
            blanks = 0
            i += 1
            continue
        if k == "text" and chunk:
            if blanks:
                # after a blank line a text line continues the cell only if the table goes on afterwards
                j = i
                while j < n and kinds[j] in ("text", "blank"):
                    j += 1
                if not (j < n and kinds[j] == "cell"):
                    break
            chunk[-1].extend([""] * blanks + [lines[i]])
            blanks = 0
            i += 1
            continue
        break
    if chunk:
        chunks.append(chunk)
    sizes = Counter(len(c) for c in chunks if len(c) > 1)
    if not sizes:
        return None, lines[start:i], i
    ncols = max(sizes.items(), key=lambda kv: (kv[1], kv[0]))[0]
    rows: list[list[str]] = []
    cur: list[list[str]] | None = None
    for ch in chunks:
        if cur is not None and len(cur) < ncols and len(cur) + len(ch) <= ncols and len(cur) > 1:
            cur.extend(ch)
            continue
        if cur is not None:
            rows.append(["\n".join(c).strip() for c in cur])
        cur = list(ch)
    if cur is not None:
        rows.append(["\n".join(c).strip() for c in cur])
    return rows, "cell-lines", i


_MD_EMPHASIS = re.compile(r"^(\*\*|__|\*|_)(.+)\1$", re.S)   # a Markdown cell in bold: **一、…**
_MD_HEADING = re.compile(r"^#{1,6}\s+")


def _pipe_table(lines, kinds, i):
    rows = []
    n = len(lines)
    while i < n and kinds[i] == "pipe":
        s = lines[i].strip()
        i += 1
        if _PIPE_SEP.match(s):
            continue
        s = s[1:] if s.startswith("|") else s
        s = s[:-1] if s.endswith("|") else s
        rows.append([_MD_EMPHASIS.sub(r"\2", c.strip().replace("<br>", "\n")) for c in s.split("|")])
    return rows, "pipe", i


def _box_table(lines, kinds, i):
    """Box-drawing table. Lines inside a cell are wrapped at a fixed width, so they are joined without a
    break (a name or date may be cut anywhere). A separator line ends the row for the columns it draws a line under; a column whose
    part of the separator is blank is a vertically merged cell that goes on into the next row."""
    n = len(lines)
    rows: list[list[str]] = []
    cur: list[list[str]] | None = None
    carry: set[int] = set()
    while i < n and (kinds[i] == "box" or (kinds[i] == "pipe" and "│" not in lines[i])):
        s = lines[i].strip()
        i += 1
        if _BOX_SEP.match(s):
            if cur is not None:
                segs = _BOX_ANY_SPLIT.split(s)[1:-1]
                rows.append(["".join(c).strip() for c in cur])
                carry = {j for j, seg in enumerate(segs) if seg and not seg.strip()}
                cur = None
            continue
        parts = _BOX_SPLIT.split(s)
        parts = parts[1:-1] if len(parts) > 2 else parts
        if cur is None:
            cur = [[] for _ in parts]
        while len(cur) < len(parts):
            cur.append([])
        if cur is not None and parts and re.fullmatch(r"\d{1,6}", parts[0].strip()) and cur[0]:
            # a new task number under a number: the rule between the two rows is missing
            rows.append(["".join(c).strip() for c in cur])
            cur, carry = [[] for _ in parts], set()
        for j, p in enumerate(parts):
            p = p.strip()
            if not p:
                continue
            if j in carry and rows and j < len(rows[-1]) and not any(cur[j]):
                # text of a merged cell continuing below a blank separator belongs to the cell above
                rows[-1][j] = (rows[-1][j] + p).strip()
                continue
            cur[j].append(p)
    if cur is not None and any(any(c) for c in cur):
        rows.append(["".join(c).strip() for c in cur])
    return rows, "box", i
