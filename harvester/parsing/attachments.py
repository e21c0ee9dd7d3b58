"""Attachments: linked documents (pdf/doc/docx/xls/xlsx/...), 点击下载 links, images in the body."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, unquote, urljoin, urlsplit

from lxml import etree

from ..cleaning.text import text_content
from ..items import Attachment
from .textnodes import TextNodes

_KIND_BY_EXT = {
    "pdf": "pdf", "ofd": "pdf",
    "doc": "doc", "docx": "doc", "wps": "doc", "rtf": "doc",
    "xls": "xls", "xlsx": "xls", "et": "xls", "csv": "xls",
    "jpg": "image", "jpeg": "image", "png": "image", "gif": "image", "bmp": "image", "tif": "image",
    "tiff": "image", "webp": "image",
    "zip": "other", "rar": "other", "7z": "other", "txt": "other", "ppt": "other", "pptx": "other",
}
_DOC_EXT_RE = re.compile(r"\.([A-Za-z0-9]{2,5})$")
_DOWNLOAD_TEXT_RE = re.compile(r"点击下载|下载此文件|附件下载|^附件|下载附件")
_DOWNLOAD_HREF_RE = re.compile(r"downfile|download|/attachment/|getfile|fileDown", re.I)
# Images of site chrome (logos, icons, QR codes) are not attachments.
_CHROME_IMAGE_RE = re.compile(r"logo|icon|banner|qrcode|ewm|erweima|weixin|weibo|share|arrow|btn|bg[_.]|spacer|blank|dot\.", re.I)


def kind_of(url: str, name: str = "") -> str | None:
    """Attachment kind from the URL path, a filename query parameter, or the link text."""
    parts = urlsplit(url)
    candidates = [unquote(parts.path)]
    for values in parse_qs(parts.query).values():
        candidates.extend(values)
    candidates.append(name.strip())
    for candidate in candidates:
        m = _DOC_EXT_RE.search(candidate.strip())
        if m and m.group(1).lower() in _KIND_BY_EXT:
            return _KIND_BY_EXT[m.group(1).lower()]
    return None


def _filename(url: str) -> str:
    path = unquote(urlsplit(url).path)
    return path.rsplit("/", 1)[-1]


def _is_chrome_link(url: str) -> bool:
    scheme = urlsplit(url).scheme
    return scheme not in ("http", "https", "")


# Cheap tests that must pass before a link goes through urlsplit/parse_qs/kind_of: without them
# the link is no attachment. A known extension after a dot (in the href or the link text), a
# download word, or anything that decoding or urlsplit could change or choke on (percent escapes,
# tabs/newlines, brackets, non-ASCII) sends the link down the full path.
_EXT_ALT = "|".join(sorted(_KIND_BY_EXT, key=len, reverse=True))
_HREF_HINT_RE = re.compile(
    r"[%\t\r\n\[\]]|[^\x00-\x7f]|\.(?:" + _EXT_ALT + r")|downfile|download|/attachment/|getfile|filedown", re.I)
# ``href_hints`` tests an all-ASCII href (nearly every one) in scans that run fast: ``in`` tests
# for the pattern's characters (its character class cost ``re`` ~8 ns a character, on the 5 KB of
# a page's hrefs joined), and case-sensitive literals in the lower-cased href, which for ASCII
# text is what re.I does: the one case-insensitive pattern tries every alternative at every
# character (~70 ns a character). Non-ASCII hrefs keep the pattern (re.I folds K, ſ... into ASCII
# letters).
#: The extensions after their '.', a literal ``re`` skips to (the words beside them in one
#: alternation made it try every alternative at every character): the words are ``in`` tests.
_HREF_EXT_RE = re.compile(r"\.(?:" + _EXT_ALT + r")")


def href_hints(href: str) -> bool:
    """Whether ``_HREF_HINT_RE`` finds anything in ``href``."""
    if href.isascii():
        if "%" in href or "\t" in href or "\r" in href or "\n" in href or "[" in href or "]" in href:
            return True
        low = href.lower()
        return ("down" in low and ("downfile" in low or "download" in low) or "/attachment/" in low
                or "getfile" in low or "filedown" in low or _HREF_EXT_RE.search(low) is not None)
    return _HREF_HINT_RE.search(href) is not None


_TEXT_HINT_RE = re.compile(r"下载|附件|\.(?:" + _EXT_ALT + r")", re.I)
_WS_RE = re.compile(r"\s+")


def _follows(href: str | None) -> bool:
    """Whether a link's href leads to another document (not a fragment, script or mail)."""
    return href is not None and href != "" and not href.startswith(("#", "javascript:", "mailto:"))


#: Every link's href, as plain strings (no element proxies).
_LINK_HREFS_XPATH = etree.XPath("descendant-or-self::a/@href", smart_strings=False)
#: A character of every ``_TEXT_HINT_RE`` match (下载, 附件, .ext): a link whose text holds a
#: match has a text node holding one of them.
_TEXT_HINT_CHARS = ("下", "附", ".")


def _may_link_attachments(root: Any, text_nodes: TextNodes) -> bool:
    """Whether a link of the page can pass ``link``'s prefilter (``href_hints`` of its href or
    ``_TEXT_HINT_RE`` in its text): the hrefs asked at once, joined by spaces (no hint spans
    one); the texts only of the links that lead to a document and hold a text node with a
    hint's character (下一篇 holds one). Most pages link no attachment: their ~100 links are
    then not visited in Python one by one (0.22 -> 0.13 ms a page on the scaled replica pages)."""
    if href_hints(" ".join(_LINK_HREFS_XPATH(root))):
        return True
    stop = root.getparent()
    seen: set = set()  # the elements asked (their ancestors too): no link among them
    for node in text_nodes.holding(_TEXT_HINT_CHARS):
        el = node.getparent()
        while el is not stop and el not in seen:
            if (el.tag == "a" and _follows(el.get("href"))
                    and _TEXT_HINT_RE.search(text_content(el)) is not None):
                return True
            seen.add(el)
            el = el.getparent()
    return False


def extract_attachments(root, content, base_url: str, text_nodes: TextNodes | None = None) -> list[Attachment]:
    """Linked files anywhere on the page plus images inside the report container.
    ``text_nodes``: ``TextNodes(root)`` where the caller keeps them for other questions."""
    found: dict[str, Attachment] = {}

    def add(href: str, name: str, kind: str) -> None:
        url = urljoin(base_url, href.strip())
        if url not in found and not _is_chrome_link(url):
            found[url] = Attachment(url=url, name=name or _filename(url), kind=kind)  # type: ignore[arg-type]

    def link(a, in_content: bool) -> None:
        href = a.get("href")
        if not _follows(href):
            return
        text = text_content(a) if len(a) else a.text or ""  # a bare link: its text is all there is
        if not href_hints(href) and _TEXT_HINT_RE.search(text) is None:
            return
        name = _WS_RE.sub(" ", text).strip()
        kind = kind_of(href, name)
        if kind == "image" and not in_content:
            return  # linked images outside the body are chrome
        if kind is None and (_DOWNLOAD_TEXT_RE.search(name) or _DOWNLOAD_HREF_RE.search(href)):
            kind = "other"
        if kind is not None:
            if _DOWNLOAD_TEXT_RE.fullmatch(name or "") or name in ("点击下载此文件", "点击下载"):
                name = _filename(urljoin(base_url, href))
            add(href, name, kind)

    # The content's links first (images count there), then the rest of the page's: skipped
    # where no link of the page can be one, unless the content is a copy (its links not the page's).
    if (root is None or content is not None and content.getroottree().getroot() is not root
            or _may_link_attachments(root, text_nodes or TextNodes(root))):
        content_links = set()
        if content is not None:
            for a in content.iter("a"):
                content_links.add(a)
                link(a, True)
        if root is not None:
            for a in root.iter("a"):
                if a not in content_links:
                    link(a, False)
    if content is not None:
        for img in content.iter("img"):
            src = img.get("src") or img.get("oldsrc") or img.get("data-src")
            if not src or src.startswith("data:") or _CHROME_IMAGE_RE.search(src):
                continue
            name = (img.get("alt") or img.get("title") or "").strip() or _filename(urljoin(base_url, src))
            add(src, name, "image")
    return list(found.values())
