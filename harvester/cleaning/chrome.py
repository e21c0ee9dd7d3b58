"""Site chrome out of the report body.

Three layers, cheapest and safest first:

1. **Container**: the site's ``content_selectors``, then a generic list of CMS content
   containers, else a text-density heuristic. Everything outside it (menus, headers, footers)
   is gone at once.
2. **Elements inside the container** whose class/id names them as chrome (share bars, print /
   font-size tools, breadcrumbs, counters...), scripts and styles, and spam links.
3. **Lines** at the start and the end of the body text that match chrome patterns: pages saved
   from text dumps carry breadcrumbs, metadata and footers inside the same container as the
   report. Only the head (before the first prose line) and the tail (after the last prose
   line) are touched, never the middle of the report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

from lxml import etree
from lxml.cssselect import CSSSelector

from .text import SKIP_TAGS, Line, text_content

GENERIC_CONTENT_SELECTORS: tuple[str, ...] = (
    ".TRS_UEDITOR",
    ".TRS_Editor",
    "#zoom",
    "#Zoom",
    ".article-content",
    ".con_article-bd",
    ".j-fontContent",
    ".Custom_UnionStyle",
    "#ivs_content",
    ".xxgk_content",
    ".detail-text-content",
    ".wzcon",
    ".article_con",
    ".article-con",
    ".news_content",
    ".content_text",
    "#content",
    "article",
)

# ---------------------------------------------------------------- element-level chrome
#: Class/id words of page chrome (used to pick the container: menus, banners, sidebars...).
_CHROME_TOKEN_RE = re.compile(
    r"(?:^|[-_])(?:nav\w*|menu\w*|subnav|footer?|foot\w*|bottom|copyright|breadcrumbs?|crumbs?|"
    r"position|location|dqwz|share\w*|bdshare\w*|jiathis|print\w*|fontsize|font-size|font|zihao|"
    r"toolbar|tools|hits|counter|visits?|pageviews?|sidebar|header|topbar|banner|login|search|"
    r"ewm|qrcode|related|xgwz|pager|pagination|prev|next)(?:$|[-_])",
    re.I,
)
#: The narrower set removed from *inside* the container: words a report's own markup does not
#: use (no "bottom", "header"... which Word exports and editors do use for text).
_INNER_CHROME_TOKEN_RE = re.compile(
    r"(?:^|[-_])(?:nav|navbar|subnav|menu|footer|copyright|breadcrumbs?|crumbs?|position|location|"
    r"dqwz|share\w*|bdshare\w*|bds_\w+|jiathis|print|printer|fontsize|font-size|zihao|toolbar|"
    r"hits|counter|visits?|pageviews?|ewm|qrcode|pager|pagination)(?:$|[-_])",
    re.I,
)
_CHROME_TAGS = frozenset({"nav", "footer", "header", "aside", "form", "button", "select", "input"})
#: A "chrome" element holding more than this share of the container's text is a wrapper, not chrome.
_WRAPPER_SHARE = 0.5

# ---------------------------------------------------------------- spam
#: Words only gambling/lottery spam uses on a government page: those led by a CJK character
#: (which has no case: ``re`` skips to their first characters in C even under re.I) ...
_SPAM_CJK = (
    r"欧洲杯|欧州杯|世界杯(?:投注|下注|竞猜|买球)|博彩|赌场|赌博网|娱乐城|百家乐|老虎机|真人视讯|"
    r"体育投注|足球投注|足彩|时时彩|六合彩|威尼斯人|葡京|太阳城|亚博|开云|九游|必威|万博|"
    r"赌球|滚球|买球|下注|官网入口|彩票(?:app|平台|官网|网址)|电子游艺|棋牌游戏"
)
#: ... and those led by a Latin letter, each holding a part no case folding touches (365, 电子).
_SPAM_LATIN = r"bet365|pg电子"
SPAM_RE = re.compile(_SPAM_CJK + "|" + _SPAM_LATIN, re.I)
_SPAM_CJK_RE = re.compile(_SPAM_CJK, re.I)
_SPAM_LATIN_RE = re.compile(_SPAM_LATIN, re.I)


def is_spam(text: str) -> bool:
    """``SPAM_RE.search(text)`` found something: its two parts apart. The whole pattern, one of
    its alternatives led by a cased letter, makes ``re`` try every alternative at every character
    (~45 ns a character, on every short line of a page); the Latin-led part only where 365 or 电子
    is in the text."""
    if _SPAM_CJK_RE.search(text) is not None:
        return True
    return ("365" in text or "电子" in text) and _SPAM_LATIN_RE.search(text) is not None

# ---------------------------------------------------------------- line-level chrome
_C = r"\s*[:：]"  # a label colon, half- or full-width
_LINE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (label, re.compile(pattern, re.I))
    for label, pattern in (
        # spam lines: is_spam (SPAM_RE's words), asked first by _line_label
        (
            "breadcrumb",
            r"^(?:您?(?:现在|当前)?(?:所在|所处)?的?位置|当前位置|您现在所在的位置|您当前所在位置|所在位置)" + _C
            + r"|^(?:首页|网站首页|主页)\s*(?:>|>>|»|›|/|\\)|^\s*(?:>>|»|›)\s*\S",
        ),
        ("font_size", r"浏览字体|字体" + _C + r"?\s*[\[【]|阅读字号|字号" + _C + r"|【\s*大\s*】|[\[【]?\s*大\s*中\s*小\s*[\]】]?$"),
        ("view_counter", r"(?:浏览|阅读|访问|点击)(?:次数|量|数)" + _C + r"?\s*\d*\s*(?:次)?$|(?:浏览|阅读|访问|点击)(?:次数|量)" + _C),
        ("share", r"分享到|分享至|^\|?\s*分享\s*[:：]?$|扫一扫|用手机扫|手机(?:扫码|打开|浏览)"),
        ("print_bar", r"^[【\[]?\s*(?:打印(?:本页|此页|正文)?|关闭(?:窗口|本页)?|收藏(?:本页)?|加入收藏|返回顶部|顶部|保存)\s*[】\]]?(?:\s*[【\[]?\s*(?:打印(?:本页|此页|正文)?|关闭(?:窗口|本页)?|收藏(?:本页)?|返回顶部|保存)\s*[】\]]?)*$"),
        (
            "metadata",
            r"^(?:索引号|发布机构|发文机关|发文机构|发文时间|发文日期|发布时间|发布日期|成文日期|生效日期|废止日期|主题分类|类目名称|"
            r"文\s*号|发文字号|发布文号|登记号|有效性|公开方式|公开范围|公开时限|组配分类|信息来源|来\s*源|关键词|信息名称|内容概述|"
            r"所属主题|体裁分类|信息分类|服务对象分类|名\s*称|时\s*间|日\s*期|作\s*者|责任编辑|编辑)" + _C
            + r"|(?:发布时间|发布日期)" + _C + r"\s*\d{4}",
        ),
        ("download_link", r"^(?:点击下载(?:此文件|附件)?|相关附件" + _C + r"?|附件下载" + _C + r"?|[【\[]?下载附件[】\]]?|点击查看原文)$"),
        ("pager", r"^(?:上一篇|下一篇)" + _C + r"?|^(?:上一页|下一页)$"),
        # 【责任编辑：李明】 / (编辑：王芳) under the article; a CMS's ------分隔线------.
        ("byline", r"^[【\[(（]?\s*(?:责任编辑|编辑|审核|校对|审校|撰稿|摄影)" + _C + r"\s*\S{1,20}\s*[】\])）]?$"),
        ("separator", r"^[-—=_*~·]{3,}\s*(?:分隔线|分割线)?\s*[-—=_*~·]*$|^(?:分隔线|分割线)$"),
        ("version_switch", r"(?:繁體版|繁体版|简体版|无障碍|长者版|关怀版|English)(?:\s|$)"),
        (
            "footer",
            r"主办(?:单位)?" + _C + r"|承办(?:单位)?" + _C + r"|协办(?:单位)?" + _C + r"|网站标识码|ICP\s*备|ICP\s*证|公网安备|"
            r"版权所有|copyright|©|联系我们|网站声明|网站地图|关于我们|运行维护|运维(?:电话|单位)?|技术支持|维护单位|"
            r"建议使用|分辨率|政务服务便民热线|我要纠错|网站纠错|IPv6|^公众号|^(?:官方)?微博(?:\s|$)|"
            r"^地址" + _C + r".*(?:邮编|电话)",
        ),
    )
)
#: Head-only labels: these words are report prose or tables when they appear at the end.
_HEAD_ONLY = frozenset({"breadcrumb", "metadata", "version_switch"})
#: A line looks like report prose: it ends a sentence, or it is long and punctuated.
_SENTENCE_RE = re.compile(r"[。；;！？]")
_CLAUSE_RE = re.compile(r"[，,、]")
_HEADING_RE = re.compile(r"^(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）])")
_TITLE_RE = re.compile(r"(?:\d{4}|[〇○零一二三四五六七八九]{4})\s*年.{0,40}(?:报告|年报)|^关于.{2,60}报告$")
_TITLE_PREFIX_RE = re.compile(r"(?:省|市|县|区|州|旗|盟|镇|乡|街道|局|委|办|厅|部|署|院|政府|办公室|中心)$")
_NAV_BAR_RE = re.compile(r"\s*[|｜]\s*")
_DATE_RE = re.compile(r"\d{4}\s*[-年/.]\s*\d{1,2}|[〇○零一二三四五六七八九]{4}年")
_NAV_MAX_CHARS = 15
_WEAK_TAIL_MAX_CHARS = 12
_HEAD_SCAN_LINES = 60
_TAIL_SCAN_LINES = 40


@dataclass
class LineVerdicts:
    """What line stripping decided: indexes of removed lines and their labels."""

    removed: dict[int, str] = field(default_factory=dict)

    @property
    def labels(self) -> list[str]:
        seen: list[str] = []
        for index in sorted(self.removed):
            if self.removed[index] not in seen:
                seen.append(self.removed[index])
        return seen


def select_container(root: Any, site_selectors: Sequence[str] = (), names: "PageNames | None" = None) -> tuple[Any, str]:
    """The report container and how it was found (a CSS selector or ``density``/``body``).
    ``names``: the root's :class:`PageNames`, where the caller keeps them for later questions."""
    empty_match: tuple[Any, str] | None = None
    if names is None:
        names = PageNames(root)
    for selector in (*site_selectors, *GENERIC_CONTENT_SELECTORS):
        matches = names.elements(selector)
        if matches is None:
            try:
                matches = _css(selector)(root)
            except Exception:  # a bad selector in a site entry must not break cleaning
                continue
        if matches and empty_match is None:
            empty_match = (matches[0], selector)
        matches = [m for m in matches if _has_text(m)]
        if len(matches) == 1:
            return matches[0], selector
        parent = matches[0].getparent() if matches else None
        if len(matches) > 1 and parent is not None and all(m.getparent() is parent for m in matches):
            # Siblings (a TRS article saved in two editor blocks): the report is all of them, so
            # their parent is the container; chrome beside them goes with the inner-chrome pass.
            return parent, f"{selector} (siblings)"
        if matches:
            # Several matches (TRS nests TRS_Editor): the one holding the most text (each
            # subtree's lengths computed once: nested matches reuse the outer one's pass).
            return max(matches, key=TextLengths()), selector
    if empty_match is not None:
        # The page has its CMS's container, just empty (a withdrawn article, a dead link's
        # placeholder): the body is empty, not whatever chrome the heuristic would find.
        return empty_match
    best = _densest_block(root)
    if best is not None:
        return best, "density"
    body = root.find("body")
    return (body if body is not None else root), "body"


_SELECTOR_CACHE: dict[str, CSSSelector] = {}
_CLASS_SELECTOR_RE = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
_ID_SELECTOR_RE = re.compile(r"#(-?[_a-zA-Z][\w-]*)")
_CLASS_ATTRIBUTES = etree.XPath("descendant-or-self::*/@class")
_ID_ATTRIBUTES = etree.XPath("descendant-or-self::*/@id")
#: The whitespace ``normalize-space()`` (and so a CSS class selector) splits class words on.
_XML_SPACE_RE = re.compile(r"[ \t\r\n]+")


class PageNames:
    """The class and id attributes of a page, read once (two XPath queries in C). A selector
    ``.name`` or ``#name`` is answered from them instead of a scan of the whole tree with a
    predicate on every element (0.2-0.5 ms each on a 300 KB page, and most of the generic
    selectors match nothing on a given page). The parser asks them again (title candidates):
    valid while the page's class and id attributes are not changed."""

    def __init__(self, root: Any) -> None:
        self._root = root
        self._classes: list[Any] | None = None
        self._class_words: set[str] | None = None
        self._ids: list[Any] | None = None

    def classes(self) -> list[Any]:
        """Every class attribute value (``getparent()``: its element), in document order."""
        if self._classes is None:
            self._classes = _CLASS_ATTRIBUTES(self._root)
        return self._classes

    def ids(self) -> list[Any]:
        """Every id attribute value (``getparent()``: its element), in document order."""
        if self._ids is None:
            self._ids = _ID_ATTRIBUTES(self._root)
        return self._ids

    def elements(self, selector: str) -> list[Any] | None:
        """What ``CSSSelector(selector)(root)`` gives, in document order, for ``.name`` and
        ``#name``; None for any other selector (tags, compound, site ones: run the CSS)."""
        m = _CLASS_SELECTOR_RE.fullmatch(selector)
        if m:
            word = m.group(1)
            classes = self.classes()
            if self._class_words is None:
                # str.split() splits wherever normalize-space() does (and more): a word it does
                # not yield is in no class attribute for the selector either.
                self._class_words = set(" ".join(classes).split())
            if word not in self._class_words:
                return []
            return [value.getparent() for value in classes
                    if word in value and word in _XML_SPACE_RE.split(value)]
        m = _ID_SELECTOR_RE.fullmatch(selector)
        if m:
            return [value.getparent() for value in self.ids() if value == m.group(1)]
        return None


def _css(selector: str) -> CSSSelector:
    compiled = _SELECTOR_CACHE.get(selector)
    if compiled is None:
        compiled = _SELECTOR_CACHE[selector] = CSSSelector(selector)
    return compiled


def _text_length(el: Any) -> int:
    """Characters of text in ``el`` (each text piece stripped; script/style... text excluded)."""
    return sum(len(t.strip()) for t in _own_texts(el))


def _own_texts(el: Any) -> Iterable[str]:
    for node in el.iter():
        tag = node.tag
        if isinstance(tag, str) and tag.lower() not in SKIP_TAGS:
            text = node.text
            if text:
                yield text
        if node is not el:
            tail = node.tail
            if tail:
                yield tail


def _has_text(el: Any) -> bool:
    """``_text_length(el) > 0``, stopping at the first non-blank piece."""
    return any(t.strip() for t in _own_texts(el))


class TextLengths:
    """``_text_length`` of many elements, one bottom-up pass per subtree (lengths cached per element).

    Asking for an element computes the lengths of all its descendants at once (children before
    parents, in reverse document order), so nested candidates never re-walk their subtrees.
    The tree must not change while an instance is in use.
    """

    def __init__(self) -> None:
        self._lengths: dict[Any, int] = {}

    def __call__(self, el: Any) -> int:
        length = self._lengths.get(el)
        if length is None:
            length = self._fill(el)
        return length

    def _fill(self, top: Any) -> int:
        lengths = self._lengths
        pending: dict[Any, int] = {}  # children's lengths (and tails) summed into their parent
        for node in reversed(list(top.iter())):
            known = lengths.get(node)
            if known is None:
                known = pending.pop(node, 0)
                tag = node.tag
                if isinstance(tag, str) and tag.lower() not in SKIP_TAGS:
                    text = node.text
                    if text:
                        known += len(text.strip())
                lengths[node] = known
            if node is top:
                return known
            tail = node.tail
            if tail:
                known += len(tail.strip())
            if known:
                parent = node.getparent()
                pending[parent] = pending.get(parent, 0) + known
        return lengths[top]


#: Paragraph-like blocks whose text is weighed (a div counts only when it holds no other block).
_PROSE_BLOCKS_XPATH = etree.XPath(
    "//p[not(.//p)] | //li[not(.//li or .//p)] | //h1 | //h2 | //h3 | //h4"
    " | //td[not(.//td or .//p or .//div or .//li)]"
    " | //div[not(.//div or .//p or .//table or .//li or .//section or .//article)]"
)
#: Elements that can be the report container (a paragraph or a span never is: it cuts the rest off).
_CONTAINER_TAGS = frozenset({"div", "section", "article", "td", "main", "body", "form", "center", "font"})
#: Layout wrappers walked through (a table-laid page) but never chosen themselves.
_LAYOUT_PASS_TAGS = frozenset({"table", "tbody", "thead", "tr", "ul", "ol", "dl", "dd", "blockquote"})
_PROSE_PUNCTUATION_RE = re.compile(r"[。；，、：]")
#: Share of the page's prose the container must hold: the rest is sidebars, summaries, footers.
_PROSE_SHARE = 0.8
_MIN_PROSE_BLOCK = 15


#: Text lying directly in a container beside block children (a report printed as <br> lines in
#: one <td> that also holds the signature's <div>s): XPath text() children, tails included.
_LOOSE_TEXT_XPATH = etree.XPath(
    "descendant::td/text() | descendant::div/text() | descendant::font/text() | descendant::section/text()"
    " | descendant::article/text() | descendant::center/text() | descendant::body/text()"
)


@dataclass
class _LooseText:
    owner: Any
    text: str


def _loose_text_owners(root: Any, blocks: set) -> list[_LooseText]:
    """The loose text of each container that is not itself a prose block, joined per container."""
    texts: dict[Any, list[str]] = {}
    for piece in _LOOSE_TEXT_XPATH(root):
        if len(piece) < 2:
            continue
        parent = piece.getparent()
        owner = parent if piece.is_text else parent.getparent()
        if owner is None or owner in blocks:
            continue
        texts.setdefault(owner, []).append(str(piece))
    return [_LooseText(owner, "".join(parts)) for owner, parts in texts.items()]


class _ChromeAncestry:
    """Is an element or one of its ancestors chrome-named? Memoised per element: the prose blocks
    of a page share their ancestors, each of which is looked at once."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self._pattern = pattern
        self._known: dict[Any, bool] = {}

    def __call__(self, el: Any) -> bool:
        known = self._known
        chain = []
        node = el
        verdict = False
        while node is not None:
            cached = known.get(node)
            if cached is not None:
                verdict = cached
                break
            chain.append(node)
            node = node.getparent()
        for node in reversed(chain):
            verdict = verdict or _is_chrome_element(node, self._pattern)
            known[node] = verdict
        return verdict


def _densest_block(root: Any) -> Any:
    """The smallest container holding most of the page's prose (no CMS container known).

    Prose is the text of paragraph-like blocks that read as sentences (punctuated, not mostly
    link text) outside chrome-named elements. Starting from ``<body>``, the walk descends into the
    child holding the most prose while that child still holds ``_PROSE_SHARE`` of it, so a report
    split over many paragraphs (or printed as one paragraph of ``<br>`` lines beside its
    statistics table) keeps all of them, and the menus, sidebars and footer around it go.
    """
    weights: dict[Any, int] = {}
    total = 0
    in_chrome = _ChromeAncestry(_INNER_CHROME_TOKEN_RE)
    blocks = _PROSE_BLOCKS_XPATH(root)
    for block in [*blocks, *_loose_text_owners(root, set(blocks))]:
        text = text_content(block) if not isinstance(block, _LooseText) else block.text
        length = len(text.strip())
        if length < _MIN_PROSE_BLOCK or not _PROSE_PUNCTUATION_RE.search(text):
            continue
        if isinstance(block, _LooseText):
            block, link_text = block.owner, 0
        else:
            link_text = sum(len(text_content(a).strip()) for a in block.iter("a"))
        if link_text * 2 > length:
            continue
        if in_chrome(block):
            continue
        length -= link_text
        total += length
        weights[block] = weights.get(block, 0) + length
        for ancestor in block.iterancestors():
            weights[ancestor] = weights.get(ancestor, 0) + length
    if not total:
        return None
    node = chosen = root.find("body")
    if node is None or node not in weights:
        node = chosen = root
    while True:
        best = None
        best_weight = 0
        for child in node:
            weight = weights.get(child, 0)
            if weight > best_weight:
                best, best_weight = child, weight
        if best is None or best_weight < _PROSE_SHARE * total or not isinstance(best.tag, str):
            break
        tag = best.tag.lower()
        if tag in _CONTAINER_TAGS:
            chosen = best
        elif tag not in _LAYOUT_PASS_TAGS:
            break  # a paragraph: its container is the one chosen so far
        node = best
    return chosen if chosen is not root else None


def _is_chrome_element(el: Any, pattern: re.Pattern[str] = _CHROME_TOKEN_RE) -> bool:
    tag = el.tag
    if isinstance(tag, str) and tag.lower() in _CHROME_TAGS:
        return True
    classes = el.get("class")
    ident = el.get("id")
    if not (classes or ident):
        return False
    for name in f"{classes or ''} {ident or ''}".split():
        if pattern.search(name):
            return True
    return False


def chrome_label(el: Any) -> str:
    names = f"{el.get('class') or ''} {el.get('id') or ''}".lower()
    for word, label in (
        ("share", "share"), ("print", "print_bar"), ("font", "font_size"), ("zihao", "font_size"),
        ("crumb", "breadcrumb"), ("position", "breadcrumb"), ("location", "breadcrumb"),
        ("hits", "view_counter"), ("counter", "view_counter"), ("visit", "view_counter"),
        ("foot", "footer"), ("copyright", "footer"), ("nav", "nav"), ("menu", "nav"),
    ):
        if word in names:
            return label
    return el.tag.lower() if isinstance(el.tag, str) else "element"


_REMOVED_TAGS = ("script", "style", "noscript", "template")
#: What ``remove_chrome_elements`` looks at, in document order: the class and id attributes of
#: the descendants (an attribute follows its element) and the scripts, styles and chrome tags.
#: Attribute nodes, not ``*[@class or @id]``: a predicate per element costs more in libxml2 than
#: a union of plain steps (lxml.html tag names are lower case).
#: The class and id values alone (plain strings): most containers name no chrome at all.
_NAME_VALUES_XPATH = etree.XPath("descendant::*/@class | descendant::*/@id", smart_strings=False)
_CHROME_CANDIDATES_XPATH = etree.XPath(" | ".join(
    ["descendant::*/@class", "descendant::*/@id"]
    + [f"descendant::{tag}" for tag in (*_REMOVED_TAGS, *sorted(_CHROME_TAGS))]))


def remove_chrome_elements(container: Any) -> list[str]:
    """Drop scripts, styles and chrome-named elements inside ``container`` (in place).

    Returns the labels of what went. An element holding most of the container's text is a
    wrapper with an unlucky class name (``print-area``), never chrome.
    """
    return drop_chrome(chrome_elements(container))


def drop_chrome(doomed: Iterable[tuple[Any, str | None]]) -> list[str]:
    """Drop the elements ``chrome_elements`` found; return their labels (each once, in order)."""
    labels: list[str] = []
    for el, label in doomed:
        drop_element(el)
        if label and label not in labels:
            labels.append(label)
    return labels


def chrome_elements(container: Any) -> list[tuple[Any, str | None]]:
    """What ``remove_chrome_elements`` drops (none inside another), in document order, with its
    label (None: a script, style... which no label names). Reads ``container`` only."""
    doomed: list[tuple[Any, str | None]] = []
    candidates = []
    # An element is chrome when a word of its class or of its id names chrome: each attribute
    # value is judged alone, once per distinct value (Word markup repeats class="MsoNormal"), and
    # only the elements of a chrome-named value are visited, in document order.
    hits: dict[str, bool] = {}
    search = _INNER_CHROME_TOKEN_RE.search
    for value in set(_NAME_VALUES_XPATH(container)):
        hits[value] = any(search(name) for name in value.split())
    if any(hits.values()):
        nodes: Iterable[Any] = _CHROME_CANDIDATES_XPATH(container)
    else:  # no chrome-named element (nearly every container): the tags alone, in one C walk
        nodes = container.iterdescendants(*_REMOVED_TAGS, *_CHROME_TAGS)
    last = None
    for node in nodes:
        if getattr(node, "is_attribute", False):
            hit = hits.get(node)
            if hit is None:
                hit = hits[str(node)] = any(search(name) for name in node.split())
            if not hit:
                continue
            el = node.getparent()
            if el is None or el is last:
                continue
        else:
            el = node
            if el is last:
                continue
            if el.tag.lower() in _REMOVED_TAGS:
                last = el
                doomed.append((el, None))
                continue
        last = el  # an element's attributes follow it: once each
        doomed.append((el, ""))  # decided below, once the lengths are known
        candidates.append(el)
    if candidates:
        lengths = TextLengths()
        limit = max(1, lengths(container)) * _WRAPPER_SHARE
        wrappers = {el for el in candidates if lengths(el) > limit}
        doomed = [(el, chrome_label(el) if label == "" else label) for el, label in doomed if el not in wrappers]
    doomed_ids = {id(d) for d, _ in doomed}
    return [(el, label) for el, label in doomed if not _has_ancestor_in(el, doomed_ids)]


def _has_ancestor_in(el: Any, ids: set[int]) -> bool:
    parent = el.getparent()
    while parent is not None:
        if id(parent) in ids:
            return True
        parent = parent.getparent()
    return False


def drop_element(el: Any) -> None:
    """Remove ``el`` but keep its tail text (lxml's drop_tree, for any element type)."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def remove_spam_links(container: Any) -> int:
    """Drop links whose text is gambling/lottery spam (in place); return how many."""
    links = spam_links(container)
    for link in links:
        drop_element(link)
    return len(links)


def spam_links(container: Any) -> list[Any]:
    """The links ``remove_spam_links`` drops, in document order. Reads ``container`` only."""
    return [link for link in container.iter("a")
            if is_spam("".join(link.itertext()) + " " + (link.get("title") or ""))]


def _line_label(text: str, position: str) -> str | None:
    if is_spam(text):
        return "spam"
    if _is_nav_bar(text):
        return "nav"
    for label, pattern in _LINE_PATTERNS:
        if position == "tail" and label in _HEAD_ONLY:
            continue
        if pattern.search(text):
            return label
    return None


def _is_nav_bar(text: str) -> bool:
    items = [item for item in _NAV_BAR_RE.split(text) if item]
    return len(items) >= 3 and all(len(item) <= 10 for item in items)


def _is_prose(text: str) -> bool:
    if _SENTENCE_RE.search(text) and len(text) >= 30:
        return True
    return bool(_HEADING_RE.match(text)) or (len(text) >= 40 and bool(_CLAUSE_RE.search(text)))


def _is_strong_prose(text: str) -> bool:
    return bool(_SENTENCE_RE.search(text)) and len(text) >= 30


def _is_title(text: str) -> bool:
    return len(text) <= 80 and not _SENTENCE_RE.search(text) and bool(_TITLE_RE.search(text))


def strip_chrome_lines(lines: Sequence[Line], extra_patterns: Sequence[re.Pattern[str]] = ()) -> LineVerdicts:
    """Decide which head and tail lines are chrome (see module docs)."""
    verdicts = LineVerdicts()
    texts = [line.text for line in lines]

    def label_of(index: int, position: str) -> str | None:
        text = texts[index]
        for pattern in extra_patterns:
            if pattern.search(text):
                return "site_pattern"
        return _line_label(text, position)

    # ---- head: up to the first prose line
    head_end = 0
    kept: list[int] = []
    while head_end < min(len(texts), _HEAD_SCAN_LINES):
        text = texts[head_end]
        if _is_strong_prose(text):
            break
        label = label_of(head_end, "head")
        if label:
            verdicts.removed[head_end] = label
        elif _is_prose(text):
            break
        else:
            kept.append(head_end)
        head_end += 1
    titles = [i for i in kept if _is_title(texts[i])]
    if titles:
        first_title = titles[0]
        for i in kept:
            if i >= first_title:
                break
            text = texts[i]
            prefix_of_title = (
                texts[first_title][:1].isdigit() or texts[first_title].startswith("关于")
            ) and i == max(k for k in kept if k < first_title) and _TITLE_PREFIX_RE.search(text)
            if not prefix_of_title and len(text) <= _NAV_MAX_CHARS and not _CLAUSE_RE.search(text):
                verdicts.removed[i] = "nav"
        seen_titles: set[str] = set()
        for i in titles:
            if texts[i] in seen_titles:
                verdicts.removed[i] = "duplicate_title"
            seen_titles.add(texts[i])

    # ---- tail: back from the end to the last prose line
    index = len(texts) - 1
    pending_weak: list[int] = []
    floor = max(head_end, len(texts) - _TAIL_SCAN_LINES)
    while index >= floor:
        text = texts[index]
        if _is_strong_prose(text) or lines[index].is_table_row:
            break  # report text, or a data table's rows: the footer is below them
        label = label_of(index, "tail")
        if label:
            verdicts.removed[index] = label
            for weak in pending_weak:
                verdicts.removed[weak] = "footer"
            pending_weak = []
        elif _is_weak_tail(text):
            pending_weak.append(index)
        else:
            break
        index -= 1

    # ---- middle: a standalone spam line (a link dump) is never report text
    for i, text in enumerate(texts):
        if i not in verdicts.removed and len(text) <= 40 and not _SENTENCE_RE.search(text) and is_spam(text):
            verdicts.removed[i] = "spam"
    return verdicts


def _is_weak_tail(text: str) -> bool:
    """Short, undated, unpunctuated: chrome if a footer line sits above it."""
    return len(text) <= _WEAK_TAIL_MAX_CHARS and not _DATE_RE.search(text) and not _CLAUSE_RE.search(text) and not _TITLE_PREFIX_RE.search(text)
