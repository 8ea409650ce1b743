"""Saved web pages (.html/.htm, and .mhtml/.mht web archives): the article, its paragraphs and its tables.

A portal page is mostly chrome: navigation, search boxes, share buttons, related links, footers. The article
is found on the parsed tree (lxml), never with patterns over the markup:

1. script, style, forms' controls and ``nav``/``aside``/``footer`` are dropped (elements hidden by style are
   kept: a saved page often hides its body until its scripts run, and the scripts do not run here);
2. from ``<body>`` down, the walk enters the child holding the most text outside links while that child holds
   at least 60 % of its parent's: it stops at the block that holds the article body (measured on the 15 real
   portal pages of ``tests/fixtures/corpus/html``: every one ends on the editor's content block);
3. the headline usually sits above that block (an ``<h1>`` or a title ``<div>``): in the nearest
   ancestor that holds one, the last element before it whose text is the page ``<title>`` (or a part of
   it), else the last ``<h1>``/``<h2>`` within four levels above it, starts the article; between the two,
   lines that are mostly links or short labels (``分享：``, ``字号：大 中 小``, ``打印``) are chrome and
   dropped, lines of metadata (date, source, document number) are kept.

Inside the article one paragraph is emitted per block element and per ``<br>`` line, as the text renderings
of the same pages show them; a ``<table>`` of at least two rows and two columns is a Table with ``rowspan``
and ``colspan`` resolved (text in the first row and column it covers, "" in the others); a one-row or
one-column table is page layout and its content is read as paragraphs.
"""
from __future__ import annotations

import email
import email.policy
from dataclasses import dataclass, field

import lxml.html
from lxml import etree

from .blocks_common import simplify
from .normalize import clean_line, is_footer
from .source import LoaderError, Paragraph, Table
from .text_reader import decode

BLOCK_TAGS = frozenset(
    "p div h1 h2 h3 h4 h5 h6 li ul ol dl dt dd table tr thead tbody tfoot caption section article header main "
    "blockquote pre center address figure figcaption hr details summary".split())
DROP_TAGS = frozenset(
    "script style noscript template head title iframe frame frameset object embed svg canvas button input "
    "select textarea option label nav aside footer map area audio video source".split())
LINK_TAGS = frozenset(("a",))
DESCEND_SHARE = 0.6          # enter a child while it holds at least this share of its parent's text
HEADLINE_LEVELS = 4         # how far above the article body its headline is looked for
MIN_ARTICLE_CHARS = 30       # fewer Chinese/alphanumeric characters outside links: no article
MIN_HEADER_LINE_CHARS = 2    # a line between headline and body with fewer non-link characters is chrome
SHORT_LABEL_CHARS = 6        # … and so is a label ending in a colon with at most this many (分享：, 字号：)
CJK_WORD = ("\u4e00", "\u9fff")
_ASCII_WS = str.maketrans({c: " " for c in "\t\n\r\f\v"})


def _word_chars(text: str) -> int:
    return sum(1 for c in text if CJK_WORD[0] <= c <= CJK_WORD[1] or c.isascii() and c.isalnum())


def _collapse(text: str) -> str:
    """HTML whitespace rule: runs of ASCII whitespace are one space (full-width and no-break spaces kept)."""
    return " ".join(text.translate(_ASCII_WS).split(" ")) if text else ""


# --- bytes to tree ------------------------------------------------------------------------------------------

_GB = {"gbk", "gb2312", "gb_2312", "gb-2312", "x-gbk", "cp936", "gb2312-80", "euc-cn", "csgb2312"}


def _declared_charset(data: bytes) -> str | None:
    """The encoding a page declares in <meta charset> or <meta http-equiv=Content-Type content=…charset=…>,
    read from the parsed head (decoded as Latin-1, which maps every byte, so ASCII markup parses)."""
    head = data[:8192].decode("latin-1")
    try:
        tree = lxml.html.document_fromstring(head)
    except (etree.ParserError, ValueError):
        return None
    for meta in tree.iter("meta"):
        cs = meta.get("charset")
        if not cs and (meta.get("http-equiv") or "").lower() == "content-type":
            content = meta.get("content") or ""
            for part in content.split(";"):
                key, _, value = part.partition("=")
                if key.strip().lower() == "charset":
                    cs = value
        if cs:
            return cs.strip().strip("\"'").lower()
    return None


def decode_html(data: bytes, path) -> tuple[str, str]:
    """Page bytes to text: a byte-order mark, else the declared charset (GBK/GB2312 read as GB18030, their
    superset) if it decodes the page, else detection as for text files (UTF-8, then charset-normalizer)."""
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return decode(data, path)
    declared = _declared_charset(data)
    if declared:
        enc = "gb18030" if declared in _GB else declared
        try:
            return data.decode(enc), enc
        except (LookupError, UnicodeDecodeError):
            pass                       # a wrong declaration is common on old portals: detect instead
    return decode(data, path)


def html_from_mhtml(data: bytes, path) -> tuple[str, str]:
    """The first text/html part of a web archive (.mhtml/.mht, MIME multipart), decoded."""
    msg = email.message_from_bytes(data, policy=email.policy.compat32)
    for part in msg.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True) or b""
            charset = part.get_content_charset()
            if charset:
                enc = "gb18030" if charset.lower() in _GB else charset
                try:
                    return payload.decode(enc), enc
                except (LookupError, UnicodeDecodeError):
                    pass
            return decode_html(payload, path)
    raise LoaderError(path, "web archive (.mhtml) without an HTML part")


def parse(text: str):
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
    try:
        root = lxml.html.document_fromstring(text.encode("utf-8", "surrogatepass"), parser=parser)
    except (etree.ParserError, ValueError) as e:
        raise ValueError(f"not a readable HTML page ({e})")
    return root


def _prune(root) -> None:
    for el in list(root.iter()):
        if not isinstance(el.tag, str):
            continue
        if el.tag in DROP_TAGS:
            parent = el.getparent()
            if parent is None:
                continue
            # keep the tail text: it belongs to the parent
            tail = el.tail
            prev = el.getprevious()
            if tail:
                if prev is not None:
                    prev.tail = (prev.tail or "") + tail
                else:
                    parent.text = (parent.text or "") + tail
            parent.remove(el)


# --- finding the article ------------------------------------------------------------------------------------

def _text_sizes(root) -> dict:
    """Non-link word characters under every element (tails belong to the parent)."""
    sizes: dict = {}

    def walk(el, in_link: bool) -> int:
        link = in_link or el.tag in LINK_TAGS
        n = 0 if link else _word_chars(el.text or "")
        for child in el:
            if not isinstance(child.tag, str):
                continue
            n += walk(child, link)
            if not link:
                n += _word_chars(child.tail or "")
        sizes[el] = n
        return n

    walk(root, False)
    return sizes


def _article_body(body, sizes):
    node = body
    while True:
        children = [c for c in node if isinstance(c.tag, str)]
        if not children:
            return node
        best = max(children, key=lambda c: sizes.get(c, 0))
        if sizes.get(best, 0) < DESCEND_SHARE * sizes.get(node, 0) or sizes.get(best, 0) == 0:
            return node
        node = best


def _page_title(root) -> str:
    title = root.find(".//title")
    return "".join((title.text_content() if title is not None else "").split())


def _headline(article, page_title: str):
    """The article's headline, the last element before the article body whose text is the page <title> or a
    part of it (at least 6 characters), looked for in the nearest ancestor of the body that holds one; else
    the last <h1>/<h2> before the body within a few levels above it; None when there is neither."""
    main_title = page_title.split("_")[0]
    by_tag = None
    for level, scope in enumerate(article.iterancestors()):
        if scope.tag in ("body", "html"):
            break
        by_title = None
        for el in scope.iter():
            if el is article:
                break
            if not isinstance(el.tag, str) or el.tag in LINK_TAGS:
                continue
            text = "".join(el.text_content().split())
            if len(text) >= 6 and text in page_title and len(text) >= 0.4 * len(main_title):
                by_title = el
            elif level < HEADLINE_LEVELS and el.tag in ("h1", "h2") and len(text) >= 6:
                by_tag = el
        if by_title is not None:
            return by_title
    return by_tag


# --- rendering ----------------------------------------------------------------------------------------------

@dataclass
class _Line:
    parts: list[str] = field(default_factory=list)
    link_chars: int = 0

    def add(self, text: str, link: bool) -> None:
        if text:
            self.parts.append(text)
            if link:
                self.link_chars += _word_chars(text)


class _Renderer:
    """Walks the article in document order and emits paragraphs and tables."""

    def __init__(self, start, article):
        self.start, self.article = start, article
        self.active = False
        self.in_article = False
        self.done = False
        self.blocks: list[Paragraph | Table] = []
        self.line = _Line()
        self.n_par = self.n_tab = 0

    def flush(self) -> None:
        line, self.line = self.line, _Line()
        text = _collapse("".join(line.parts)).strip(" \t")
        if not text or not self.active:
            return
        total = _word_chars(text)
        if not self.in_article and (total - line.link_chars < MIN_HEADER_LINE_CHARS
                                    or line.link_chars > total / 2
                                    or text.endswith((":", "：")) and total - line.link_chars <= SHORT_LABEL_CHARS):
            return                      # chrome between the headline and the body: share, font size, print
        for piece in clean_line(text).split("\n"):
            piece = piece.strip()
            if piece and not is_footer(piece):
                self.n_par += 1
                self.blocks.append(Paragraph(piece, self.n_par))

    def walk(self, el, link: bool = False) -> None:
        if self.done:
            return
        tag = el.tag if isinstance(el.tag, str) else ""
        entering_article = el is self.article
        if el is self.start or entering_article:
            self.flush()
            self.active = True
        if entering_article:
            self.in_article = True
        if tag == "br":
            self.flush()
        elif tag == "table" and self.active and _is_data_table(el):
            self.flush()
            self.n_tab += 1
            self.blocks.append(Table(table_grid(el), self.n_tab, "html"))
        else:
            block = tag in BLOCK_TAGS or tag in ("td", "th")
            if block:
                self.flush()
            is_link = link or tag in LINK_TAGS
            self.line.add(el.text or "", is_link)
            for child in el:
                if isinstance(child.tag, str):
                    self.walk(child, is_link)
                    if self.done:
                        return
                self.line.add(child.tail or "", is_link)
            if block:
                self.flush()
        if entering_article:
            self.flush()
            self.done = True


def _rows(table) -> list:
    """The <tr> of a table, not those of tables nested in its cells."""
    out = []
    for el in table:
        if el.tag == "tr":
            out.append(el)
        elif el.tag in ("thead", "tbody", "tfoot"):
            out.extend(tr for tr in el if tr.tag == "tr")
    return out


def _cells(tr) -> list:
    return [c for c in tr if c.tag in ("td", "th")]


def _is_data_table(table) -> bool:
    rows = _rows(table)
    return len(rows) >= 2 and max((len(_cells(r)) for r in rows), default=0) >= 2


def _span(cell, name: str) -> int:
    try:
        return max(1, min(int((cell.get(name) or "1").strip() or 1), 1000))
    except ValueError:
        return 1


def cell_text(cell) -> str:
    """A cell's text with its own line breaks (<p>, <br>, block elements) kept as newlines."""
    lines: list[str] = []
    cur: list[str] = []

    def flush():
        text = _collapse("".join(cur)).strip(" \t")
        cur.clear()
        if text:
            lines.append(text)

    def walk(el):
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag == "br":
            flush()
        block = tag in BLOCK_TAGS or tag in ("td", "th")
        if block:
            flush()
        if tag != "br":
            cur.append(el.text or "")
            for child in el:
                if isinstance(child.tag, str):
                    walk(child)
                cur.append(child.tail or "")
        if block:
            flush()

    cur.append(cell.text or "")
    for child in cell:
        if isinstance(child.tag, str):
            walk(child)
        cur.append(child.tail or "")
    flush()
    return clean_line("\n".join(lines)).strip()


def table_grid(table) -> list[list[str]]:
    """Rows of cells with rowspan/colspan resolved: a spanning cell's text in its first row and column,
    "" in the positions it covers (the convention of every reader)."""
    grid: list[list[str | None]] = []
    for i, tr in enumerate(_rows(table)):
        while len(grid) <= i:
            grid.append([])
        row = grid[i]
        j = 0
        for cell in _cells(tr):
            while j < len(row) and row[j] is not None:
                j += 1                      # skip positions a rowspan from above covers
            text = cell_text(cell)
            rs, cs = _span(cell, "rowspan"), _span(cell, "colspan")
            for di in range(rs):
                while len(grid) <= i + di:
                    grid.append([])
                target = grid[i + di]
                while len(target) < j + cs:
                    target.append(None)
                for dj in range(cs):
                    target[j + dj] = text if di == 0 and dj == 0 else ""
            j += cs
    width = max((len(r) for r in grid), default=0)
    return [[c or "" for c in r] + [""] * (width - len(r)) for r in grid if any(c for c in r)]


# --- entry point --------------------------------------------------------------------------------------------

def html_blocks(data: bytes, path, archive: bool = False) -> tuple[list[Paragraph | Table], bool, str]:
    """The article's blocks, whether traditional script was converted, and the encoding used."""
    text, enc = html_from_mhtml(data, path) if archive else decode_html(data, path)
    try:
        root = parse(text)
    except ValueError as e:
        raise LoaderError(path, str(e))
    return article_blocks(root, path) + (enc,)


def article_blocks(root, path) -> tuple[list[Paragraph | Table], bool]:
    page_title = _page_title(root)
    _prune(root)
    body = root.find("body")
    if body is None:
        body = root
    sizes = _text_sizes(body)
    article = _article_body(body, sizes)
    if sizes.get(article, 0) < MIN_ARTICLE_CHARS:
        raise LoaderError(path, "web page without an article (no block of text outside navigation and links; "
                                "a frameset, a login page or a page its scripts fill in?): save the article "
                                "itself, or its attachment")
    headline = _headline(article, page_title)
    renderer = _Renderer(headline, article)
    renderer.walk(body)
    renderer.flush()
    converted = simplify(renderer.blocks)
    return renderer.blocks, converted
