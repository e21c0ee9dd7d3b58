"""Bytes -> text: BOM, HTTP header, <meta>, then sniffing; never raises, never mojibake.

Chinese government sites declare gb2312 while writing characters only GBK/GB18030 has, send
``charset=utf-8`` headers over GBK files, and write malformed meta tags that w3lib misses
(w3lib#155). So: every GB-family name decodes as GB18030 (a superset), and a declaration that
fails badly loses to an encoding that decodes the bytes cleanly.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from typing import Any, Mapping

#: Declared names that must decode as GB18030 (superset of gb2312 and gbk).
_GB_FAMILY = {
    "gb2312", "gbk", "x-gbk", "cp936", "ms936", "windows-936", "gb_2312-80", "gb_2312", "csgb2312",
    "iso-ir-58", "chinese", "csiso58gb231280", "gb18030", "euc-cn", "euccn", "x-euc-cn", "hz-gb-2312",
}
#: Western single-byte names: on a Chinese page they are almost always a wrong declaration.
_SINGLE_BYTE_WESTERN = {"latin_1", "iso8859-1", "cp1252", "ascii", "iso8859-15"}

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_HEADER_CHARSET_RE = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I)
# Any <meta ...charset...> form: <meta charset=x>, http-equiv content="...; charset=x", reversed
# attribute order, missing or mismatched quotes, "charset = 'gbk'", charset="gbk;".
_META_CHARSET_RE = re.compile(
    rb"""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I | re.S
)
_XML_DECL_RE = re.compile(rb"""<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:\-]+)""", re.I)
#: Declarations live in the head; do not scan megabytes for them.
_DECLARATION_SCAN_BYTES = 16384
#: A declared charset "fails badly" above this share of undecodable bytes (a stray bad byte in a
#: real UTF-8 page must not flip the whole page to GB18030, which accepts most UTF-8 as mojibake).
_BAD_DECODE_RATIO = 0.002
_BAD_DECODE_MIN = 3


@dataclass
class Decoded:
    text: str
    #: Python codec name actually used, e.g. "utf-8", "gb18030".
    encoding: str
    #: bom | header | meta | sniff | default
    source: str
    #: Undecodable bytes replaced by U+FFFD.
    replaced_chars: int = 0
    #: What the page declared, if it differs from what was used (header or meta).
    declared: str | None = None


def normalise_charset(name: str | None) -> str | None:
    """Map a declared charset to the Python codec to use (GB family -> gb18030), None if unknown."""
    if not name:
        return None
    cleaned = name.strip().strip("\"';").lower()
    if cleaned in _GB_FAMILY:
        return "gb18030"
    if cleaned in {"big5", "big5-hkscs", "cp950", "x-x-big5"}:
        return "big5hkscs"
    try:
        codec = codecs.lookup(cleaned).name
    except LookupError:
        return None
    if codec in {"gbk", "gb2312", "hz"}:
        return "gb18030"
    return codec


def header_value(headers: Mapping[Any, Any] | None, name: str) -> str | None:
    """First value of header ``name`` from a dict of str/bytes keys to str/bytes/list values."""
    if not headers:
        return None
    try:
        items = list(headers.items())
    except Exception:  # not a mapping after all
        return None
    wanted = name.lower()
    for key, value in items:
        if isinstance(key, bytes):
            key = key.decode("latin-1", "replace")
        if not isinstance(key, str) or key.strip().lower() != wanted:
            continue
        if isinstance(value, (list, tuple)):
            value = value[0] if value else None
        if isinstance(value, bytes):
            value = value.decode("latin-1", "replace")
        return value if isinstance(value, str) else None
    return None


def header_charset(headers: Mapping[Any, Any] | None) -> str | None:
    content_type = header_value(headers, "content-type")
    if not content_type:
        return None
    match = _HEADER_CHARSET_RE.search(content_type)
    return match.group(1) if match else None


def meta_charset(body: bytes) -> str | None:
    head = body[:_DECLARATION_SCAN_BYTES]
    match = _META_CHARSET_RE.search(head) or _XML_DECL_RE.search(head)
    return match.group(1).decode("ascii", "replace") if match else None


def _strict(body: bytes, codec: str) -> str | None:
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _lenient(body: bytes, codec: str) -> tuple[str, int]:
    """Decode replacing bad bytes; the count excludes U+FFFD the page itself carried."""
    text = body.decode(codec, "replace")
    carried = body.count("\ufffd".encode(codec)) if codec.startswith("utf-8") else 0
    return text, max(0, text.count("\ufffd") - carried)


def _fails_badly(errors: int, length: int) -> bool:
    return errors >= _BAD_DECODE_MIN and errors > length * _BAD_DECODE_RATIO


def _sniff(body: bytes, isolation: list[str] | None = None) -> str | None:
    """charset-normalizer's best guess (slow-ish: only when declarations do not settle it)."""
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(body, cp_isolation=isolation).best() if isolation else from_bytes(body).best()
    except Exception:
        return None
    return normalise_charset(best.encoding) if best is not None else None


def _clean_alternative(body: bytes, exclude: set[str]) -> tuple[str, str] | None:
    """An encoding that decodes ``body`` without a single error, by likelihood on Chinese sites.

    UTF-8 validity is a strong signal; GB18030 accepts Big5 bytes too, so when both decode the
    sniffer decides between them.
    """
    if "utf-8" not in exclude:
        text = _strict(body, "utf-8")
        if text is not None:
            return "utf-8", text
    if "gb18030" not in exclude:
        text = _strict(body, "gb18030")
        if text is not None:
            if _strict(body, "big5hkscs") is not None and _sniff(body, ["big5", "gb18030"]) == "big5hkscs":
                return "big5hkscs", body.decode("big5hkscs")
            return "gb18030", text
    guess = _sniff(body)
    if guess and guess not in exclude:
        text = _strict(body, guess)
        if text is not None:
            return guess, text
    return None


def decode_body(body: bytes | None, headers: Mapping[Any, Any] | None = None) -> Decoded:
    """Decode a fetched body. Order: BOM, header charset, meta charset, sniffing, GB18030."""
    if not body:
        return Decoded("", "utf-8", "default")
    if not isinstance(body, (bytes, bytearray)):
        body = str(body).encode("utf-8", "replace")
    body = bytes(body)

    for bom, codec in _BOMS:
        if body.startswith(bom):
            text, errors = _lenient(body[len(bom):], codec)
            return Decoded(text, codec, "bom", errors)

    declared = [
        (source, codec)
        for source, codec in (
            ("header", normalise_charset(header_charset(headers))),
            ("meta", normalise_charset(meta_charset(body))),
        )
        if codec
    ]
    first_declared = declared[0][1] if declared else None

    for source, codec in declared:
        text = _strict(body, codec)
        if text is None:
            continue
        if codec in _SINGLE_BYTE_WESTERN and not body.isascii():
            # A Latin-1 declaration over high bytes: Chinese text in some other encoding.
            alternative = _clean_alternative(body, {codec})
            if alternative:
                return Decoded(alternative[1], alternative[0], "sniff", 0, declared=codec)
        return Decoded(text, codec, source, 0, declared=None if codec == first_declared else first_declared)

    if declared:
        # Every declaration fails: decide between the least-bad declaration and a clean decoding.
        source, codec = declared[0]
        text, errors = _lenient(body, codec)
        for other_source, other_codec in declared[1:]:
            other_text, other_errors = _lenient(body, other_codec)
            if other_errors < errors:
                source, codec, text, errors = other_source, other_codec, other_text, other_errors
        if not _fails_badly(errors, len(body)):
            return Decoded(text, codec, source, errors, declared=None if codec == first_declared else first_declared)
        alternative = _clean_alternative(body, {c for _, c in declared})
        if alternative:
            return Decoded(alternative[1], alternative[0], "sniff", 0, declared=first_declared)
        return Decoded(text, codec, source, errors, declared=None if codec == first_declared else first_declared)

    text = _strict(body, "utf-8")
    if text is not None:
        return Decoded(text, "utf-8", "sniff" if not body.isascii() else "default")
    alternative = _clean_alternative(body, {"utf-8"})
    if alternative:
        return Decoded(alternative[1], alternative[0], "sniff")
    # Nothing decodes cleanly: keep the reading with the fewest replacements.
    readings = [(codec, *_lenient(body, codec)) for codec in ("gb18030", "utf-8")]
    guess = _sniff(body)
    if guess:
        readings.append((guess, *_lenient(body, guess)))
    codec, text, errors = min(readings, key=lambda reading: reading[2])
    return Decoded(text, codec, "default" if codec == "gb18030" else "sniff", errors)
