"""Page metadata: 索引号, 发布机构, dates, 文号, 主题分类/类目名称, 来源, 名称.

Three sources, best first: label/value cells of metadata tables in the page (gkmlpt
``div.classify``, Hanweb and Anhui tables: a ``<td>`` holding only a label, the value in the next
cell), ``label: value`` text (the cleaner's removed lines and the top of the body text, several
pairs per line allowed), and gov.cn ``<meta>`` tags (ArticleTitle, PubDate, ContentSource).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from ..cleaning.text import text_content
from .dates import find_dates, parse_date
from .textnodes import TextNodes
from .textutil import halfwidth, squash

# Canonical field -> labels as printed (compared without spaces, so 文 号 is 文号).
FIELD_LABELS: dict[str, tuple[str, ...]] = {
    "index_no": ("索引号", "索取号", "信息索引号"),
    "publisher": ("发布机构", "发文机构", "发布单位", "公开主体", "信息公开机构"),
    "published": ("发布时间", "发布日期", "公开日期", "公开时间"),
    "issued": ("发文时间", "发文日期"),
    # A bare byline date (时间：2012-03-28 来源：办公室): taken only when no labelled one is found.
    "dated": ("时间", "日期", "发表时间", "发表日期", "更新时间", "更新日期", "上传时间", "录入时间", "发稿时间",
              "信息时间", "发布于"),
    "written": ("成文日期", "成文时间", "生成日期"),
    "doc_no": ("文号", "发文字号", "发布文号", "文件编号"),
    "category": ("主题分类", "类目名称", "组配分类", "信息分类", "所属类目", "分类"),
    "source": ("来源", "信息来源", "文章来源"),
    "name": ("名称", "信息名称", "标题", "文件名称"),
}
# Labels that end a value without being fields of ours.
STOP_LABELS = (
    "废止日期", "登记号", "有效性", "公开方式", "公开范围", "关键词", "主题词", "浏览次数", "阅读次数",
    "点击数", "访问量", "选择阅读字号", "字号", "浏览字体", "字体", "分享到", "作者", "编辑", "时效",
    "体裁分类", "服务对象", "生命周期", "信息格式", "语种", "内容概述", "主题导航", "有效期", "责任部门",
    "公开形式", "公开时限", "发布者", "生效日期", "失效日期", "是否有效", "打印", "关闭",
)
_LABEL_TO_FIELD = {squash(label): f for f, labels in FIELD_LABELS.items() for label in labels}
_ALL_LABELS = sorted(set(_LABEL_TO_FIELD) | {squash(s) for s in STOP_LABELS}, key=len, reverse=True)


def _spaced(label: str) -> str:
    return r"\s*".join(re.escape(ch) for ch in label)


#: A label (letters may be spaced out: 文 号) not right after a Chinese character, followed by a
#: colon: the straightforward form, kept as the reference of ``_PAIR_RE`` (tests).
PAIR_PATTERN = r"(?<![\u4e00-\u9fff])(?P<label>" + "|".join(_spaced(l) for l in _ALL_LABELS) + r")\s*[:：]"


def _pair_pattern_by_first_char() -> str:
    """``PAIR_PATTERN`` with the labels grouped by their first character, each group opening with
    that character and the look-behind moved after it (``(?<![一-鿿]发)``: "the character before
    发 is not Chinese"). The same matches: only the group of the character at a position can
    match there, and it tries its labels in the same order. But a pattern opening with a set of
    characters lets ``re`` skip in C to the next one, where a leading look-behind and ~80
    alternatives were tried at every position (block_lines + text_pairs 0.38 -> 0.11 ms on a
    336 KB page)."""
    groups: dict[str, list[str]] = {}
    for label in _ALL_LABELS:  # longest first, as in PAIR_PATTERN
        groups.setdefault(label[0], []).append(label[1:])
    alternatives = []
    for first, rests in groups.items():
        head = re.escape(first)
        alternatives.append(head + rf"(?<![\u4e00-\u9fff]{head})(?:"
                            + "|".join("".join(r"\s*" + re.escape(ch) for ch in rest) for rest in rests) + ")")
    return r"(?P<label>" + "|".join(alternatives) + r")\s*[:：]"


_PAIR_RE = re.compile(_pair_pattern_by_first_char())
_EMPTY_VALUES = {"", "无", "暂无", "-", "—", "/", "null", "none"}


@dataclass
class Metadata:
    index_no: str | None = None
    publisher: str | None = None
    published_date: str | None = None
    written_date: str | None = None
    doc_no: str | None = None
    #: True when the page prints a 文号 label (so a missing value means "none", not "unknown").
    doc_no_labelled: bool = False
    category: str | None = None
    source: str | None = None
    name: str | None = None
    #: field -> where it came from ("table", "text", "meta"), for debugging and tests.
    origin: dict[str, str] = field(default_factory=dict)


def _clean_value(fieldname: str, value: str) -> str | None:
    value = value.strip().strip("|｜").strip()
    if fieldname in ("index_no", "source"):
        value = value.split()[0] if value.split() else ""
    elif fieldname in ("publisher", "category"):
        # A wide gap separates the value from unlabelled trailing text.
        value = re.split(r"\s{2,}|\|", value)[0].strip()
    if squash(value).lower() in _EMPTY_VALUES:
        return None
    return value


class _Collector:
    def __init__(self) -> None:
        self.values: dict[str, tuple[str | None, str]] = {}  # field -> (value, origin)

        #: Fields the page explicitly says are empty (文号: 无): later sources must not fill them.
        self.explicit_none: set[str] = set()

    def offer(self, fieldname: str, raw: str, origin: str) -> None:
        if fieldname in self.explicit_none:
            return
        if fieldname in self.values and self.values[fieldname][0] is not None:
            return
        value = _clean_value(fieldname, raw)
        if value is None and squash(raw).lower() in _EMPTY_VALUES - {""}:
            self.explicit_none.add(fieldname)
        self.values[fieldname] = (value, origin)


_CELL_TAGS = frozenset(("td", "th", "dt", "label"))
# squash(label)[0] of every known label: a cell whose text starts otherwise is no label. Each is
# a CJK character, which ``halfwidth`` neither maps nor yields (it maps full-width ASCII to
# ASCII): the cell's first character is compared as it is, not half-width (~0.01 ms a page).
_LABEL_FIRST_CHARS = frozenset(label[0] for label in _LABEL_TO_FIELD)
_CELL_TAG_NAMES = tuple(sorted(_CELL_TAGS))


def _first_char(cell) -> str:
    """The cell's first non-blank character ("" for none), without its whole text: nearly
    always in ``.text``."""
    first = (cell.text or "").lstrip()[:1]
    if not first:
        for piece in cell.itertext():
            first = piece.lstrip()[:1]
            if first:
                break
    return first


@lru_cache(maxsize=1024)
def _field_of_label(label: str) -> str | None:
    """The field a label cell's text or a label ``_PAIR_RE`` matched (no colon in it) names:
    remembered, the few labels of every page."""
    return _LABEL_TO_FIELD.get(squash(label).rstrip(":："))


def _table_pairs(root, collector: _Collector, cell_texts: Mapping | None = None) -> None:
    """<td>label</td><td>value</td> (also th/span/label pairs in gkmlpt and Anhui tables).

    ``cell_texts``: ``text_content()`` of the cells the cleaner's line builder read (its data
    tables), by element. Every cell is visited in Python, those of the data tables with the text
    already read: the ~300 cells of a report's tables cost less so than as the results of an XPath
    that computes each cell's string value again to test its first character (0.34 -> 0.12 ms on
    a 336 KB page)."""
    texts = cell_texts or {}
    for cell in root.iter(*_CELL_TAG_NAMES):
        text = texts.get(cell)
        first = text.lstrip()[:1] if text is not None else _first_char(cell)
        if first not in _LABEL_FIRST_CHARS:
            continue  # squash() of the text cannot be a label: no need to build it
        fieldname = _field_of_label(text if text is not None else text_content(cell))
        if fieldname is None:
            continue
        value_el = cell.getnext()
        while value_el is not None and not isinstance(value_el.tag, str):
            value_el = value_el.getnext()
        if value_el is None:
            continue
        value = texts.get(value_el)
        if value is None:
            value = text_content(value_el)
        if squash(value).rstrip(":：") in _LABEL_TO_FIELD:
            continue  # the next cell is another label: this one is empty
        collector.offer(fieldname, re.sub(r"\s+", " ", value), "table")


def text_pairs(line: str) -> list[tuple[str, str]]:
    """(field, raw value) for every known ``label: value`` in one line."""
    if ":" not in line and "：" not in line:
        return []  # every pair has its colon (halfwidth makes no other character one): most lines
    norm = halfwidth(line)
    matches = list(_PAIR_RE.finditer(norm))
    out = []
    for n, m in enumerate(matches):
        fieldname = _field_of_label(m["label"])
        if fieldname is None:
            continue
        end = matches[n + 1].start() if n + 1 < len(matches) else len(line)
        out.append((fieldname, line[m.end():end]))
    return out


_BLOCK_TAGS = frozenset(("div", "p", "li", "span", "td", "dd", "h2", "h3", "h4", "h5", "h6"))
_LINE_SPACE_RE = re.compile(r"[ \t\r\f\v]+")


class _BlocksAroundText:
    """The block elements (document order) holding a text node that contains one of
    ``needles``: the few blocks that can hold a ``label: value`` pair or a date, not every block
    of the page. The text nodes' parents come from :class:`TextNodes` (the page's text nodes read
    once); their block ancestors are added in Python, top-down per parent and parents in document
    order, which keeps document order (an ``ancestor::*[self::div or ...]`` step in XPath merges
    node sets at a quadratic cost)."""

    def __init__(self, needles: tuple[str, ...]) -> None:
        self.needles = needles

    def __call__(self, root, text_nodes: TextNodes | None = None) -> list:
        """``text_nodes``: ``TextNodes(root)`` where the caller keeps them for other questions."""
        stop = root.getparent()  # never above ``root``
        seen: set = set()
        out: list = []
        for el in (text_nodes or TextNodes(root)).parents(self.needles):
            chain = []
            node = el
            while node is not stop and node not in seen:
                seen.add(node)
                if node.tag in _BLOCK_TAGS:
                    chain.append(node)
                node = node.getparent()
            out.extend(reversed(chain))
        return out


_COLON_BLOCKS = _BlocksAroundText((":", "："))
_DASH_BLOCKS = _BlocksAroundText(("-",))


def _pieces(el, limit: int) -> list[str] | None:
    """``list(el.itertext())``, or None once ``" ".join`` of it would exceed ``limit`` characters
    (a block holding the whole page is given up after its first few pieces)."""
    pieces = []
    size = -1
    for piece in el.itertext():
        size += len(piece) + 1
        if size > limit:
            return None
        pieces.append(piece)
    return pieces


def block_lines(root, limit: int = 300, text_nodes: TextNodes | None = None) -> list[str]:
    """Short page blocks holding ``label: value`` text (bylines such as
    ``www.panzhihua.gov.cn 发布时间:2021-01-24 来源:…`` outside the report container). A block's
    text is its ``itertext()`` joined by spaces (keeping cell/element boundaries: ``文号:无 |
    发布日期:…``); only blocks holding a colon are read, a block longer than ``limit`` is skipped
    after its first pieces, and so are its ancestors (their text holds its text) without reading
    them: the blocks are read innermost first (reverse document order). ``text_nodes``: the
    text nodes of ``root`` (:class:`TextNodes`), where the caller has them."""
    blocks = _COLON_BLOCKS(root, text_nodes)
    texts: dict = {}
    too_long: set = set()
    for el in reversed(blocks):  # every descendant before its ancestors
        if el in too_long:
            continue
        pieces = _pieces(el, limit)
        if pieces is None:
            parent = el.getparent()
            while parent is not None and parent not in too_long:
                too_long.add(parent)
                parent = parent.getparent()
            continue
        texts[el] = " ".join(pieces)
    out: list[str] = []
    for el in blocks:
        text = texts.get(el)
        if text is None:
            continue
        if _PAIR_RE.search(halfwidth(text)):
            out.append(_LINE_SPACE_RE.sub(" ", text).strip())
            if len(out) >= 60:
                break
    return out


_NUMERIC_DATE_RE = re.compile(r"^(?:19|20)\d{2}-\d{1,2}-\d{1,2}$")


def _standalone_date(root, text_nodes: TextNodes | None = None) -> str | None:
    """The first block whose whole text is a numeric date and whose row holds no link (a related-
    news list pairs each link with its date: those are other documents' dates). Only blocks of
    three text pieces at most count (a date split over a few tags)."""
    for el in _DASH_BLOCKS(root, text_nodes):
        pieces = []
        for piece in el.itertext():
            pieces.append(piece)
            if len(pieces) > 3:
                break
        if len(pieces) > 3:
            continue
        text = "".join(pieces).strip()
        if not _NUMERIC_DATE_RE.match(text):
            continue
        row = el
        while row is not None and row.tag not in ("li", "tr", "dd", "dl", "ul", "table"):
            row = row.getparent()
        scope = row if row is not None and row.tag in ("li", "tr", "dd") else el
        if next(scope.iter("a"), None) is not None:
            continue
        return parse_date(text)
    return None


def extract_metadata(root, text_lines: list[str], meta: dict[str, str], text_nodes: TextNodes | None = None,
                     cell_texts: Mapping | None = None) -> Metadata:
    """``text_nodes``: ``TextNodes(root)`` where the caller asks them other questions too;
    ``cell_texts``: the cleaner's ``text_content()`` of the cells it read, by element."""
    collector = _Collector()
    if root is not None and text_nodes is None:
        text_nodes = TextNodes(root)
    lines = list(text_lines)
    if root is not None:
        try:
            _table_pairs(root, collector, cell_texts)
            lines.extend(block_lines(root, text_nodes=text_nodes))
        except Exception:  # hostile markup must not stop the text-based sources
            pass
    for line in lines:
        for fieldname, raw in text_pairs(line):
            if fieldname == "source":
                # 来源:玉溪市人民政府 2019-12-25 22:27:54 -> the date is the publication time.
                dates = list(find_dates(raw))
                if dates:
                    collector.offer("published", raw[dates[0][0]:], "text")
                    raw = raw[: dates[0][0]]
            collector.offer(fieldname, raw, "text")
    lowered = {k.lower(): v for k, v in (meta or {}).items()}
    for meta_name, fieldname in (("pubdate", "published"), ("contentsource", "source"), ("articletitle", "name")):
        if lowered.get(meta_name):
            collector.offer(fieldname, lowered[meta_name], "meta")

    md = Metadata()
    get = collector.values.get
    for fieldname in ("index_no", "publisher", "doc_no", "category", "source", "name"):
        value = get(fieldname)
        if value:
            setattr(md, fieldname, value[0])
            md.origin[fieldname] = value[1]
    md.doc_no_labelled = "doc_no" in collector.values
    for fieldname in ("published", "issued", "dated"):
        value = get(fieldname)
        if not value or not value[0]:
            continue
        published = parse_date(value[0])
        if published:
            md.published_date = published
            md.origin["published_date"] = value[1]
            break
    written = get("written")
    if written and written[0]:
        md.written_date = parse_date(written[0])
    if md.published_date is None and md.written_date:
        md.published_date = md.written_date
    if md.published_date is None and root is not None:
        # Metadata values printed without labels (the labels only in CSS: a Henan platform's
        # <li>2022-01-24</li>): a block that is nothing but a numeric date, outside link lists.
        standalone = _standalone_date(root, text_nodes)
        if standalone:
            md.published_date = standalone
            md.origin["published_date"] = "unlabelled date"
    if md.published_date is None:
        # An unlabelled "YYYY-MM-DD HH:MM[:SS]" in the page header (TRS 来源 lines, bylines).
        for line in lines:
            m = re.search(r"(?:19|20)\d{2}-\d{1,2}-\d{1,2}\s+\d{1,2}:\d{2}", halfwidth(line))
            if m:
                md.published_date = parse_date(m.group(0))
                md.origin["published_date"] = "text"
                break
    return md
