"""Element -> lines of clean text: one paragraph per line, table rows as tab-joined cells.

Normalisation rule (documented in docs/cleaning.md): full-width ASCII letters, digits and the
ideographic space become half-width; runs of spaces / nbsp / ideographic spaces inside a line
collapse to one space; lines are trimmed and empty lines dropped. Punctuation (，。：（）、) is kept
as written: the goldens compare after NFKC, and rewriting punctuation would change quotations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from lxml import etree

#: Full-width digits and Latin letters -> half-width, ideographic space -> space.
_FULLWIDTH = {cp: cp - 0xFEE0 for cp in [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)]}
_FULLWIDTH[0x3000] = 0x20
_SPACES_RE = re.compile(r"[ \t\r\n\f\v\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
#: Zero-width characters, soft hyphens and the control characters above, dropped in one pass
#: (the full-width table neither produces nor maps any of them, so the order does not matter).
_DROPPED_RE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

BLOCK_TAGS = frozenset(
    "p div h1 h2 h3 h4 h5 h6 li ul ol dl dt dd section article header footer nav aside main "
    "blockquote pre address center form fieldset figure figcaption hr title caption details "
    "summary table tbody thead tfoot".split()
)
SKIP_TAGS = frozenset("script style noscript template head iframe object embed select textarea button svg map".split())
_LINE_TAGS = BLOCK_TAGS | {"tr", "td", "th"}
#: A table with a nested table or a cell this long is page layout, not data.
_LAYOUT_CELL_CHARS = 200


#: The bytes of ``_CONTROL_RE``'s characters in UTF-8: C0 and DEL are single bytes (never part
#: of a longer sequence), C1 is ``\xc2`` + ``\x80``-``\x9f``.
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
#: Those bytes to NUL, every other byte to 1: a control byte is there where the translation holds
#: a NUL (a plain mapping is ~20 % cheaper than ``translate(None, _CONTROL_BYTES)``'s deletion).
_CONTROL_FLAGS = bytes(0 if b in _CONTROL_BYTES else 1 for b in range(256))
_C1_UTF8_RE = re.compile(rb"\xc2[\x80-\x9f]")
#: Above this length the check goes through the UTF-8 bytes (a regex scan of a character class
#: costs ~2 ns per character of a CJK page; encoding and bytes.translate are tight C loops).
_LONG_TEXT = 4096


def strip_controls(text: str) -> str:
    """Drop C0/C1 control characters (lxml refuses some; none carries meaning in a page)."""
    return strip_controls_utf8(text)[0]


def strip_controls_utf8(text: str, encoded: bytes | None = None) -> tuple[str, bytes | None]:
    """``strip_controls(text)`` and, for a long text that held none, its UTF-8 bytes (read for the
    check; the parser reads them faster than the text). None where they were not made.
    ``encoded``: ``text.encode("utf-8")`` where the caller has it already (a UTF-8 page)."""
    if len(text) > _LONG_TEXT:
        try:
            raw = encoded if encoded is not None else text.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates: the plain way
            return _CONTROL_RE.sub("", text), None
        # C1 is "\xc2" + a byte: a page without that byte (no U+0080-U+00BF at all) needs no
        # regex scan (memchr in C; the scan steps every byte, ~0.1 ms on a 300 KB page).
        if (b"\x00" not in raw.translate(_CONTROL_FLAGS)
                and (b"\xc2" not in raw or _C1_UTF8_RE.search(raw) is None)):
            return text, raw  # nearly every page: nothing to drop
    return _CONTROL_RE.sub("", text), None


def _char_class(chars: list[int]) -> str:
    return "".join(re.escape(chr(c)) for c in chars)


#: Full-width letters and digits (the ideographic space needs no mapping: it is one of the spaces
#: collapsed to " " below, mapped or not).
_FULLWIDTH_RE = re.compile(f"[{_char_class([c for c in _FULLWIDTH if c != 0x3000])}]")
#: Any character ``normalise_line`` would change: dropped, full-width, and every character
#: ``str.strip()`` strips (``_SPACES_RE`` is a subset of them; the last is U+3000). A line without
#: one is returned as is.
_NORMALISED_RE = re.compile(
    f"[{_char_class([c for c in range(0x3001) if chr(c).isspace()])}{_char_class(list(_FULLWIDTH))}]|"
    + _DROPPED_RE.pattern
)


def normalise_line(text: str) -> str:
    if not _NORMALISED_RE.search(text):
        return text  # nearly every table cell: nothing to do
    if text.isspace():
        return ""  # the line breaks between blocks (half the texts normalised on a replica page)
    text = _DROPPED_RE.sub("", text)
    if _FULLWIDTH_RE.search(text):
        text = text.translate(_FULLWIDTH)
    return _SPACES_RE.sub(" ", text).strip()


@dataclass
class Line:
    text: str
    #: The block element that produced the line (a <p>, a <tr>, ...): chrome lines are removed
    #: from the content element through it.
    element: Any
    is_table_row: bool = False


_TAG_NAMES: dict[str, str] = {}


def _tag(el: Any) -> str | None:
    tag = el.tag
    if not isinstance(tag, str):
        return None  # comment, processing instruction, entity
    name = _TAG_NAMES.get(tag)
    if name is None:
        name = tag.rsplit("}", 1)[-1].lower()
        if len(_TAG_NAMES) < 4096:  # tag names are few; never let odd markup grow it unbounded
            _TAG_NAMES[tag] = name
    return name


#: A nested table, or a cell whose text (all of it, as ``itertext()`` joined) is longer than
#: ``_LAYOUT_CELL_CHARS`` characters: one XPath evaluation per table instead of a loop over cells
#: (plain descendant steps; a nested table settles it before any cell's text is measured).
_LAYOUT_TABLE_XPATH = etree.XPath(
    f"boolean(descendant::table) or boolean(descendant::td[string-length() > {_LAYOUT_CELL_CHARS}]"
    f" | descendant::th[string-length() > {_LAYOUT_CELL_CHARS}])"
)


def _is_layout_table(table: Any) -> bool:
    return bool(_LAYOUT_TABLE_XPATH(table))


#: Inline tags (neither block, <br> nor skipped): below a cell's one block, text runs on unbroken.
_INLINE_TAGS = frozenset(("span", "font", "b", "strong", "i", "em", "u", "a", "sub", "sup", "small", "big", "s", "strike"))
_ONE_BLOCK_TAGS = ("p", "div")


def _holds_one_block(cell: Any) -> bool:
    """Whether a data-table cell holds one block of inline markup (a Word table's ``td > p >
    span``) and no text beside it but whitespace. ``_inline_text`` would only add spaces around
    that block, next to whitespace, which ``normalise_line`` collapses and strips: the cell's
    line is ``normalise_line(text_content())``, read in C. (A comment or any other child, a
    <br>, a nested block or a skipped tag: the walk reads the cell.)"""
    if len(cell) != 1:
        return False
    block = cell[0]
    if block.tag not in _ONE_BLOCK_TAGS:
        return False
    text, tail = cell.text, block.tail
    if text and not text.isspace() or tail and not tail.isspace():
        return False
    return _inline_only(block)


def _inline_only(el: Any) -> bool:
    """Whether every node below ``el`` is an inline element (no comment, <br>, block...).
    Children listed by ``getchildren()``: setting up an lxml iterator (``iterdescendants()``)
    costs more than the one or two spans of a Word cell's block (0.24 -> 0.15 ms for 295 cells)."""
    for child in el.getchildren():
        if child.tag not in _INLINE_TAGS or len(child) and not _inline_only(child):
            return False
    return True


#: What the line walk reads otherwise than ``text_content()`` does: a new line (blocks, rows,
#: cells, <br>) or nothing (skipped subtrees). Any other element, comment or processing
#: instruction gives its text nodes as they are (a comment's own text is in neither).
_NOT_WALKED_AS_TEXT = _LINE_TAGS | SKIP_TAGS | {"br"}
#: Blocks that hold a line of inline markup (the containers, a <div> of paragraphs, a table's
#: rows, a list, fail the test at their first child and are walked).
_TEXT_BLOCK_TAGS = frozenset(("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dd", "dt", "td", "th", "caption",
                              "div"))


def _walks_as_text(el: Any) -> bool:
    """Whether nothing below ``el`` is in ``_NOT_WALKED_AS_TEXT``: then the walk makes one line
    of its text nodes (``text_content()``). Children listed by ``getchildren()``, the first
    looked at alone (a container of blocks fails there without every child's proxy made)."""
    first = el[0]
    tag = first.tag
    if tag not in _INLINE_TAGS and isinstance(tag, str) and _tag(first) in _NOT_WALKED_AS_TEXT:
        return False
    for child in el.getchildren():
        tag = child.tag
        if tag not in _INLINE_TAGS and isinstance(tag, str) and _tag(child) in _NOT_WALKED_AS_TEXT:
            return False
        if len(child) and not _walks_as_text(child):
            return False
    return True


def text_content(el: Any) -> str:
    """``el.text_content()``: the text of every text node below ``el`` (its XPath string value;
    not its own tail, no comment), as a plain ``str``. Read by libxml2's content walk through
    ``tostring(method="text")``: lxml's ``text_content()`` evaluates an XPath each call (~1.4 µs;
    this ~0.3 µs), which the parser pays for every cell, heading and link it reads."""
    return etree.tostring(el, method="text", encoding=str, with_tail=False)


#: Outputs the text of every text node of a document but those inside a script or a style (the
#: built-in templates copy text nodes and walk elements; comments give nothing).
_SHOWN_TEXT_XSLT = etree.XSLT(etree.XML(
    '<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">'
    '<xsl:output method="text" encoding="utf-8"/><xsl:template match="script|style"/></xsl:stylesheet>'))


def shown_text(root: Any) -> str:
    """``text_content(root)`` without the text of scripts and styles (a page's root; its tail
    is not read), in one libxslt pass in C. On a replica page scripts are ~85 % of the
    document's text: the checks that read this scan a seventh of it. (An XPath
    ``descendant::text()[not(parent::script or parent::style)]`` costs ~7x more: a predicate
    per text node.)"""
    return str(_SHOWN_TEXT_XSLT(root))


def _inline_text(el: Any, parts: list[str], raw: list[str] | None = None) -> bool:
    """Text of ``el`` flattened to one line (cells): <br> and blocks become spaces.

    With ``raw``, the text pieces alone are collected there too (so ``"".join(raw)`` is
    ``el.text_content()``); returns False when a skipped subtree (script, style...) makes them
    differ."""
    tag = _tag(el)
    if tag in SKIP_TAGS:
        return False
    whole = True
    if tag is not None:
        block = tag in BLOCK_TAGS
        if block or tag == "br":
            parts.append(" ")
        text = el.text
        if text:
            parts.append(text)
            if raw is not None:
                raw.append(text)
        for child in el:
            whole = _inline_text(child, parts, raw) and whole
            tail = child.tail
            if tail:
                parts.append(tail)
                if raw is not None:
                    raw.append(tail)
        if block:
            parts.append(" ")
    return whole


class _LineBuilder:
    def __init__(self, cell_texts: dict[Any, str] | None = None) -> None:
        self.cell_texts = cell_texts
        self.lines: list[Line] = []
        self._buffer: list[str] = []
        self._owner: Any = None

    def flush(self) -> None:
        if self._buffer:
            text = normalise_line("".join(self._buffer))
            if text:
                self.lines.append(Line(text, self._owner))
        self._buffer = []

    def add(self, text: str | None, owner: Any) -> None:
        if text:
            if not self._buffer:
                if text.isspace():
                    # a line's leading blank, which normalise_line strips (the line breaks
                    # between blocks: most never get a line). The owner is the same for every
                    # text added until the next flush: the enclosing block.
                    return
                self._owner = owner
            self._buffer.append(text)

    def walk(self, el: Any, block: Any) -> None:
        tag = _tag(el)
        if tag is None or tag in SKIP_TAGS:
            return
        if tag == "table" and not _is_layout_table(el):
            self.flush()
            self._table(el)
            return
        is_block = tag in _LINE_TAGS
        if is_block:
            self.flush()
            if not len(el):
                # A block of text alone (most paragraphs and cells): the walk below would make
                # its text its line, owned by it. (Its tail is the parent's, added after the
                # return as after the walk.)
                text = el.text
                if text:
                    text = normalise_line(text)
                    if text:
                        self.lines.append(Line(text, el))
                return
            if tag in _TEXT_BLOCK_TAGS and _walks_as_text(el):
                # A block of inline markup only (a report's <p> of spans): the walk below would
                # add its text nodes one by one, in document order, to one line owned by it;
                # they are its text_content(), read in C.
                text = normalise_line(text_content(el))
                if text:
                    self.lines.append(Line(text, el))
                return
            block = el
        if tag == "br":
            self.flush()
        self.add(el.text, block)
        for child in el:
            self.walk(child, block)
            if child.tail:
                # a tail belongs to the enclosing block, after the child's own lines
                self.add(child.tail, block)
        if is_block:
            self.flush()

    def _table(self, table: Any) -> None:
        # A data table has no nested table (``_is_layout_table``), so every <tr> below it is its own.
        texts = self.cell_texts
        rows: list[tuple[Any, list[str]]] = []  # each row and its cells' texts, not yet normalised
        for row in table.iter("tr"):
            cells = []
            # the row's children by tag name (lxml.html's are lower case; a comment's tag is a
            # function): an ``iterchildren("td", "th")`` sets up a tag matcher per row
            for cell in row:
                tag = cell.tag
                if tag != "td" and tag != "th":
                    continue
                if not len(cell):  # a bare cell (most): its text is all there is
                    text = cell.text or ""
                    if texts is not None:
                        texts[cell] = text
                elif _holds_one_block(cell):
                    text = text_content(cell)
                    if texts is not None:
                        texts[cell] = text
                else:
                    parts: list[str] = []
                    raw: list[str] | None = [] if texts is not None else None
                    if _inline_text(cell, parts, raw) and texts is not None:
                        texts[cell] = "".join(raw)  # type: ignore[arg-type]
                    text = "".join(parts)
                cells.append(text)
            rows.append((row, cells))
        # normalise_line changes only a text holding a character _NORMALISED_RE matches (one at a
        # time): one search over the whole table's cells settles most tables, instead of one per cell.
        if _NORMALISED_RE.search("".join(["".join(cells) for _, cells in rows])):
            rows = [(row, [normalise_line(text) for text in cells]) for row, cells in rows]
        for row, cells in rows:
            text = "\t".join(cells).rstrip("\t")
            if text.strip("\t"):
                self.lines.append(Line(text, row, is_table_row=True))


def element_lines(el: Any, cell_texts: dict[Any, str] | None = None) -> list[Line]:
    """The lines of text of ``el`` (see module docs). With ``cell_texts``, the ``text_content()``
    of every data-table cell read (where it is the same pieces) is stored there by element."""
    builder = _LineBuilder(cell_texts)
    builder.walk(el, el)
    builder.flush()
    return builder.lines


def text_of(el: Any) -> str:
    """Whole text of an element (script/style excluded), whitespace collapsed."""
    parts: list[str] = []
    _inline_text(el, parts)
    return normalise_line("".join(parts))

