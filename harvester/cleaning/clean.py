"""``clean_page``: decode -> parse -> pinyin removal -> Traditional->Simplified -> chrome -> text.

Order matters: chrome patterns are written in Simplified Chinese, so conversion comes before
chrome stripping; pinyin goes before conversion so OpenCC never sees ``關(guān)``.
"""

from __future__ import annotations

import copy
import json
import logging
import re
from typing import Any

import lxml.html
from lxml import etree

from . import CleanedPage, HeadersLike, PageHints
from .chinese import TEXT_ATTRIBUTES, document_looks_traditional, to_simplified
from .chrome import (
    PageNames,
    chrome_elements,
    drop_chrome,
    drop_element,
    select_container,
    spam_links,
    strip_chrome_lines,
)
from .decode import decode_body
from .filetype import sniff_file_type
from .pinyin import has_pinyin, remove_pinyin
from .text import Line, element_lines, normalise_line, shown_text, strip_controls_utf8, text_content

log = logging.getLogger(__name__)

_XML_DECLARATION_RE = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
#: Attributes whose text is shown to readers or read by the parser (converted like text).
_TEXT_ATTRIBUTES = ("title", "alt", "content")
_NOT_TEXT_TAGS = frozenset({"script", "style"})
_ATTACHMENT_HREF_RE = re.compile(r"\.(?:pdf|docx?|xlsx?|wps|et|zip|rar|jpe?g|png|gif|bmp)(?:$|[?#])|downfile|download", re.I)
# huge_tree lifts libxml2's nesting limit (256 levels): a page of 600 nested <span><font> or 50
# unclosed tables otherwise loses its body ("empty body", issue 14). collect_ids=False: libxml2
# need not hash every id attribute (~3 % of the parse): nothing here uses XPath's id() (CSS #x
# selectors compare @id).
_PARSER = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, recover=True, huge_tree=True,
                               collect_ids=False)
#: The same for the text's UTF-8 bytes: the encoding is given, so no <meta charset> switches it.
_UTF8_PARSER = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, recover=True, huge_tree=True,
                                    collect_ids=False, encoding="utf-8")
# Every element an HtmlElement, chosen in C: lxml.html's default lookup calls Python for each
# element proxy (form/input/label classes this project never uses) and cost ~15 % of a parse.
for _parser in (_PARSER, _UTF8_PARSER):
    _parser.set_element_class_lookup(etree.ElementDefaultClassLookup(element=lxml.html.HtmlElement,
                                                                     comment=lxml.html.HtmlComment,
                                                                     pi=lxml.html.HtmlProcessingInstruction,
                                                                     entity=lxml.html.HtmlEntity))
#: Deeper elements are unwrapped (text kept, tags dropped): real pages nest ~40 levels, hostile or
#: broken ones thousands, past what the cleaner's recursive walks can follow.
MAX_DEPTH = 120
_INLINE_TAGS = frozenset({"span", "font", "b", "i", "u", "em", "strong", "small", "big", "sup", "sub", "s",
                          "strike", "tt", "center"})
#: The elements deeper than MAX_DEPTH (the root's depth is 1), in document order: a path of
#: MAX_DEPTH child steps, evaluated level by level in C (no walk over the page in Python).
_TOO_DEEP_XPATH = etree.XPath("/".join(["*"] * MAX_DEPTH) + "/descendant-or-self::*")
#: A longer run of opening tags with nothing between them is cut to its first MAX_TAG_RUN:
#: libxml2 stops parsing past 2048 levels even with huge_tree (shorter runs are left to
#: _flatten_deep_nesting, which keeps a balanced run's closing tags matched).
MAX_TAG_RUN = 1000
_TAG_RUN_RE = re.compile(r"(?:<[a-zA-Z][^<>]{0,200}>\s*){%d,}" % (MAX_TAG_RUN + 1))
#: A run spans at least this many characters ('<', a letter, '>' per tag), so it holds at least
#: one whole stretch [k * _RUN_CHUNK, (k + 1) * _RUN_CHUNK) of the text (2 * _RUN_CHUNK - 1 <= it).
_MIN_RUN_CHARS = 3 * (MAX_TAG_RUN + 1)
_RUN_CHUNK = (_MIN_RUN_CHARS + 1) // 2


def _may_hold_tag_run(text: str) -> bool:
    """False where ``_TAG_RUN_RE`` cannot match (nearly every page), without reading the page.

    A run holds no closing tag ('</') and spans a whole chunk of ``_RUN_CHUNK`` characters: a
    chunk holding a '</' (on a real page ~one '</' every 170 characters, found after a few of
    them) cannot be inside one. Only around a chunk without any are the '<' between the closing
    tags either side counted: a run needs MAX_TAG_RUN + 1 of them. (The regexes tried before,
    "MAX_TAG_RUN + 1 '<' without '</'", stepped over every character: ~0.35 ms on a 300 KB page.)
    """
    size, step = len(text), _RUN_CHUNK
    start = 0
    while start + step <= size:
        if text.find("</", start, start + step) < 0:
            left = text.rfind("</", 0, start + 1)  # the closing tags around: no run crosses them
            right = text.find("</", start)
            if right < 0:
                right = size
            if text.count("<", left + 1, right) > MAX_TAG_RUN:
                return True
            # every chunk starting before `right` lies between the same two closing tags
            start = (right // step) * step
        start += step
    return False


#: Characters XML cannot hold that a decoded body may still carry (a BOM-sniffed UTF-16 misread,
#: lone surrogates): lxml refuses to write them back into the tree.
_NON_XML_CHARS_RE = re.compile("[\ud800-\udfff\ufffe\uffff]")
#: Numeric character references; those to characters XML (hence lxml's tree) cannot hold are dropped.
_CHAR_REF_RE = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));?")
#: Every reference ``_drop_bad_char_ref`` drops matches this (and a few it keeps): C0 controls
#: but tab/LF/CR, surrogates, U+FFFE/U+FFFF, and any longer digit run than _CHAR_REF_RE reads.
_BAD_CHAR_REF_BODY = (
    r"(?:\d{11}|[xX][0-9a-fA-F]{9}"
    r"|0*(?:[1-8]|1[124-9]|2\d|3[01]|5529[6-9]|55[3-9]\d\d|56\d\d\d|57[0-2]\d\d|573[0-3]\d|5734[0-3]|6553[45])(?!\d)"
    r"|[xX]0*(?:[1-8bBcCeEfF]|1[0-9a-fA-F]|[dD][89a-fA-F][0-9a-fA-F]{2}|[fF]{3}[eEfF])(?![0-9a-fA-F]))")
#: The look-ahead turns away at once the references escaped quotes and symbols come as (&#39;
#: &#34; &#160; &#8220;: 32-9999 and a ';'), which the body cannot match: a page may carry a
#: thousand &#39;, each of which the body's alternatives were all tried on (0.21 -> 0.12 ms).
_BAD_CHAR_REF_RE = re.compile(r"&#(?!(?:3[2-9]|[4-9]\d|[1-9]\d\d|[1-9]\d\d\d);)" + _BAD_CHAR_REF_BODY)
#: gkmlpt detail pages may ship the body only as JSON in ``window._CONFIG.DETAIL`` (rendered by JS).
_EMBEDDED_CONTENT_RE = re.compile(r'DETAIL\s*[:=][\s\S]*?"content"\s*:\s*"((?:[^"\\]|\\.)*)"')


def clean_page(body: bytes, headers: HeadersLike | None, url: str, site: str | None = None,
               hints: PageHints | None = None) -> CleanedPage:
    """Decode and clean one fetched page; never raises (a failure yields an empty page)."""
    try:
        return _clean(body, headers, url, site, hints or PageHints())
    except Exception as exc:  # a cleaner bug must not lose the crawl: record it instead
        log.exception("cleaning failed for %s", url)
        root = _empty_document()
        return CleanedPage(
            url=url, site=site, encoding="utf-8", root=root, content=root.body, text="",
            cleaning={"error": f"{type(exc).__name__}: {exc}"},
        )


def _empty_document() -> Any:
    return lxml.html.document_fromstring("<html><head></head><body></body></html>")


def _xml_compatible(code: int) -> bool:
    return (code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD
            or 0x10000 <= code <= 0x10FFFF)


def _drop_bad_char_ref(match: re.Match[str]) -> str:
    hex_digits, digits = match.groups()
    code = int(hex_digits, 16) if hex_digits else int(digits)
    # &#0; and references past U+10FFFF become U+FFFD in libxml2 already; the rest would put a
    # character in the tree that lxml refuses to write back (&#x0b;, &#xFFFE;, &#xFFFF;).
    return match.group(0) if _xml_compatible(code) or code == 0 or code > 0x10FFFF else ""


def _cut_tag_run(match: re.Match[str]) -> str:
    run = match.group(0)
    end = 0
    for _ in range(MAX_TAG_RUN):
        end = run.index(">", end) + 1
    return run[:end]


def parse_html(text: str, encoded: bytes | None = None) -> Any:
    """lxml document for any text: broken markup, empty or non-HTML input all give a document.
    ``encoded``: ``text.encode("utf-8")`` where the caller has it (the body of a UTF-8 page)."""
    text, raw = strip_controls_utf8(text, encoded)
    # raw (the UTF-8 of text, for a long page) stays only while text is unchanged.
    if raw is None or "\ufffe" in text or "\uffff" in text:  # surrogates failed to encode
        text, raw = _NON_XML_CHARS_RE.sub("", text), None
    declaration = _XML_DECLARATION_RE.match(text)
    if declaration:
        text, raw = text[declaration.end():], None
    if "&#" in text and _BAD_CHAR_REF_RE.search(text):
        text, raw = _CHAR_REF_RE.sub(_drop_bad_char_ref, text), None
    if _may_hold_tag_run(text):
        cut = _TAG_RUN_RE.sub(_cut_tag_run, text)
        if cut != text:
            text, raw = cut, None
    if not text.strip():
        return _empty_document()
    try:
        if raw is not None:  # libxml2 reads UTF-8 bytes faster than a UCS-2 text (~10 %)
            root = lxml.html.document_fromstring(raw, parser=_UTF8_PARSER)
        else:
            root = lxml.html.document_fromstring(text, parser=_PARSER)
    except Exception:  # lxml gives up on some inputs ("Document is empty")
        return _empty_document()
    if root.find("body") is None:  # a bare <head>/<frameset> document: give it a body
        root.append(lxml.html.Element("body"))
    _flatten_deep_nesting(root)
    return root


def _flatten_deep_nesting(root: Any) -> None:
    """Below MAX_DEPTH, unwrap inline formatting (<span>, <font>...) and pure wrappers (an element
    holding only one element and no text: 250 unclosed <div>s, 50 unclosed tables): the text and
    the block structure that carries it stay, the nesting goes."""
    too_deep = [el for el in _TOO_DEEP_XPATH(root) if el.tag != "a"]
    for el in too_deep:
        if el.tag in _INLINE_TAGS or (len(el) == 1 and not (el.text or "").strip()
                                      and not (el[0].tail or "").strip() and not el.get("class") and not el.get("id")):
            el.drop_tag()


def _text_slots(root: Any) -> list[tuple[Any, str, str]]:
    """Every (element, slot, value) holding reader-visible text: .text, .tail and text attributes."""
    slots: list[tuple[Any, str, str]] = []
    append = slots.append
    for el in root.iter():
        tag = el.tag
        is_element = isinstance(tag, str)
        if is_element:
            text = el.text
            if text and tag.lower() not in _NOT_TEXT_TAGS:
                append((el, "text", text))
        tail = el.tail
        if tail:
            append((el, "tail", tail))
        if is_element and el.attrib:
            for name in _TEXT_ATTRIBUTES:
                value = el.get(name)
                if value:
                    append((el, name, value))
    return slots


_PARENTHESISED_XPATH = etree.XPath(
    "descendant::text()[contains(., ')') or contains(., '）')]"
    " | descendant-or-self::*/@*[(name() = 'title' or name() = 'alt' or name() = 'content')"
    " and (contains(., ')') or contains(., '）'))]"
)


def _parenthesised_slots(root: Any) -> list[tuple[Any, str, str]]:
    """The slots of ``_text_slots`` whose value holds ``)`` or ``）``."""
    slots = []
    if root.tail and (")" in root.tail or "）" in root.tail):  # not a descendant: by hand
        slots.append((root, "tail", root.tail))
    for value in _PARENTHESISED_XPATH(root):
        el = value.getparent()
        if el is None:
            continue
        if value.is_attribute:
            slots.append((el, value.attrname, str(value)))
        elif value.is_tail:
            slots.append((el, "tail", str(value)))
        elif isinstance(el.tag, str) and el.tag.lower() not in _NOT_TEXT_TAGS:
            slots.append((el, "text", str(value)))
    return slots


def _set(el: Any, slot: str, value: str) -> None:
    if slot == "text":
        el.text = value
    elif slot == "tail":
        el.tail = value
    else:
        el.set(slot, value)


def convert_document(root: Any, decoded_text: str | None = None) -> tuple[int, int]:
    """Remove pinyin annotations and convert Traditional to Simplified in place.

    Returns (pinyin_removed, traditional_converted). Both steps are skipped for pages that show
    no sign of needing them, which is nearly every page: no annotation that would be removed, no
    Traditional character outside a ``繁體版`` link. The checks read the parsed document's text
    but its scripts and styles, and its text attributes (``decoded_text``, the markup, is not
    read: that text is given to ``document_looks_traditional``).
    """
    # Both checks read the document's text but its scripts and styles, in C (~3 K characters on
    # a replica page, instead of its whole markup with scripts and URLs, or its whole text, ~85 %
    # scripts), and the values of the attributes converted below. Concatenated text can only add
    # pinyin candidates (a script's text, never converted, gone from between two), never hide one
    # a single slot holds.
    shown, attributes = shown_text(root), TEXT_ATTRIBUTES(root)
    wants_pinyin = has_pinyin(shown) or has_pinyin("\n".join(attributes))
    wants_conversion = document_looks_traditional(root, decoded_text, shown, attributes)
    if not (wants_pinyin or wants_conversion):
        return 0, 0
    # Pinyin alone touches only slots with a closing parenthesis (every annotation ends with one):
    # found by XPath in C instead of a walk over every element of the page.
    slots = _text_slots(root) if wants_conversion else _parenthesised_slots(root)
    values = [value for _, _, value in slots]
    pinyin_removed = 0
    if wants_pinyin:
        for i, value in enumerate(values):
            values[i], count = remove_pinyin(value)
            pinyin_removed += count
    converted = 0
    if wants_conversion:
        values, converted = to_simplified(values)
    for (el, slot, before), value in zip(slots, values):
        if value != before:
            _set(el, slot, value)
    return pinyin_removed, converted


def _meta_tags(root: Any) -> dict[str, str]:
    meta: dict[str, str] = {}
    for el in root.iter("meta"):
        name = el.get("name") or el.get("property")
        if name and name not in meta:
            meta[name] = (el.get("content") or "").strip()
    return meta


def _page_title(root: Any) -> str | None:
    title = root.find(".//title")
    if title is None:
        return None
    return normalise_line(text_content(title)) or None


def _carries_attachment(el: Any) -> bool:
    """Elements with attachment links or images stay in ``content`` even if their text goes."""
    if not isinstance(el.tag, str):
        return False
    for node in el.iter("a", "img"):
        if node.tag == "img" or _ATTACHMENT_HREF_RE.search(node.get("href") or ""):
            return True
    return False


def _prune_removed_elements(content: Any, lines: list, removed: set[int]) -> None:
    """Drop from ``content`` the block elements all of whose lines were removed as chrome."""
    if not removed:
        return
    # The elements themselves (not their ids): the set keeps their lxml proxies alive, so
    # identity is stable, and a chain already added stops the walk up early.
    keep: set[Any] = set()
    for i, line in enumerate(lines):
        if i in removed:
            continue
        el = line.element
        while el is not None and el not in keep:
            keep.add(el)
            el = el.getparent()
    for i in sorted(removed):
        el = lines[i].element
        if el is None or el is content or el in keep or el.getparent() is None:
            continue
        if _carries_attachment(el):
            continue
        drop_element(el)
        keep.add(el)  # never try it twice


def _embedded_content(root: Any) -> Any | None:
    """The report body a JS-rendered page carries as JSON (``"content":"<p>..."``), parsed."""
    for script in root.iter("script"):
        match = _EMBEDDED_CONTENT_RE.search(script.text or "")
        if not match:
            continue
        try:
            markup = json.loads(f'"{match.group(1)}"')
        except ValueError:
            continue
        if markup.strip():
            fragment = parse_html(f"<html><body><div class='embedded-content'>{markup}</div></body></html>")
            return fragment.find("body/div")
    return None


def _copy_with_map(container: Any) -> tuple[Any, dict[Any, Any]]:
    """A deep copy of ``container`` and, for each element of ``container``, its copy (both
    trees walked in document order: the same shape)."""
    copied = copy.deepcopy(container)
    return copied, dict(zip(container.iter(), copied.iter()))


def _clean(body: bytes, headers: HeadersLike | None, url: str, site: str | None, hints: PageHints) -> CleanedPage:
    file_type = sniff_file_type(body)
    if file_type is not None:  # not a page: its bytes would decode to noise
        root = _empty_document()
        return CleanedPage(url=url, site=site, encoding="binary", root=root, content=root.body, text="",
                           cleaning={"file_type": file_type})
    decoded = decode_body(body, headers)
    # A UTF-8 page decoded without a replacement is its body's bytes (after a BOM): no re-encoding.
    encoded = None
    if decoded.encoding == "utf-8" and not decoded.replaced_chars and isinstance(body, bytes):
        encoded = body[3:] if decoded.source == "bom" else body
    root = parse_html(decoded.text, encoded)
    pinyin_removed, converted = convert_document(root, decoded.text)

    extra_patterns = hints.chrome_patterns
    names = PageNames(root)  # kept for the parser's title candidates
    container, found_by = select_container(root, hints.content_selectors, names)
    content = container
    # Whether text_content(content).strip() is empty, read up to the first text not blank
    # (serialising the whole container's text for it cost 0.057 ms a replica page; this 0.013).
    if not any(piece.strip() for piece in content.itertext()):
        embedded = _embedded_content(root)
        if embedded is not None:
            convert_document(embedded)
            content, found_by = embedded, "embedded_json"
    # The parser reads the whole page from ``root`` (metadata, headings, scripts, links), so
    # nothing goes from the page's own container: it is copied once something in it is to go,
    # and what was found in it is taken over to the copy. Most report containers hold no script,
    # chrome or chrome line: no copy, and no second tree to free.
    doomed = chrome_elements(content)
    if doomed and content is container:
        content, same = _copy_with_map(container)
        doomed = [(same[el], label) for el, label in doomed]
    chrome_removed = drop_chrome(doomed)
    spam = spam_links(content)
    if spam and content is container:
        content, same = _copy_with_map(container)
        spam = [same[link] for link in spam]
    for link in spam:
        drop_element(link)
    if spam and "spam" not in chrome_removed:
        chrome_removed.append("spam")

    cell_texts: dict[Any, str] = {}
    lines = element_lines(content, cell_texts)
    verdicts = strip_chrome_lines(lines, extra_patterns)
    removed = set(verdicts.removed)
    if removed and content is container:
        content, same = _copy_with_map(container)
        lines = [Line(line.text, same.get(line.element), line.is_table_row) for line in lines]
        cell_texts = {same[cell]: text for cell, text in cell_texts.items()}
    for label in verdicts.labels:
        if label not in chrome_removed:
            chrome_removed.append(label)
    spam_lines = sum(1 for label in verdicts.removed.values() if label == "spam")
    _prune_removed_elements(content, lines, removed)

    cleaning: dict[str, Any] = {
        "encoding": decoded.encoding,
        "encoding_source": decoded.source,
        "replaced_chars": decoded.replaced_chars,
        "pinyin_removed": pinyin_removed,
        "traditional_converted": converted,
        "container": found_by,
        "chrome_removed": chrome_removed,
        "chrome_lines_removed": len(removed),
        "spam_links_removed": len(spam) + spam_lines,
        "whitespace_normalised": True,
    }
    if decoded.declared:
        cleaning["declared_encoding"] = decoded.declared
    return CleanedPage(
        url=url,
        site=site,
        encoding=decoded.encoding,
        root=root,
        content=content,
        text="\n".join(line.text for i, line in enumerate(lines) if i not in removed),
        removed_lines=[lines[i].text for i in sorted(removed)],
        meta=_meta_tags(root),
        page_title=_page_title(root),
        cleaning=cleaning,
        cell_texts=cell_texts,
        names=names,
    )
