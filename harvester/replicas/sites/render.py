"""Rendering helpers every replica shares: document bodies as the CMS editors produce them,
site chrome (nav, breadcrumb, share bar, counter, footer) and small formatting utilities.

A site module only says what is special about its CMS (which container, which heading markup,
which metadata block); everything that would otherwise be copied five times lives here.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..model import Block, Cell, Document


def esc(text: str | None) -> str:
    return html.escape(text or "", quote=True)


def corpus():
    """The corpus module, imported lazily so the server module imports without it."""
    from .. import corpus as corpus_module

    return corpus_module


def text_transform(doc: Document) -> Callable[[str], str]:
    """A 繁體版 document is served through the corpus' converter; a seed is already verbatim."""
    if doc.traditional and not doc.seed_text:
        return corpus().to_traditional_with_pinyin
    return lambda text: text


@dataclass(frozen=True)
class BodyStyle:
    """How a CMS editor writes headings and paragraphs.

    ``heading`` is a format string with ``{level}`` and ``{text}``; paragraphs and tables use the
    shared markup below (real sites differ mostly in headings and wrappers).
    """

    heading: str = '<p style="text-indent:2em;"><strong>{text}</strong></p>'
    para: str = '<p style="text-indent:2em;">{text}</p>'
    table_attrs: str = 'border="1" cellspacing="0" cellpadding="0" style="border-collapse:collapse;"'
    #: seed text lines: "p" (one <p> per line) or "br" (one block, <br>-separated)
    seed_lines: str = "p"


def render_cell(cell: Cell, transform: Callable[[str], str]) -> str:
    tag = "th" if cell.header else "td"
    attrs = ""
    if cell.rowspan > 1:
        attrs += f' rowspan="{cell.rowspan}"'
    if cell.colspan > 1:
        attrs += f' colspan="{cell.colspan}"'
    return f"<{tag}{attrs}>{esc(transform(cell.text))}</{tag}>"


def render_table(rows: list[list[Cell]], style: BodyStyle, transform: Callable[[str], str]) -> str:
    body = "".join(
        "<tr>" + "".join(render_cell(c, transform) for c in row) + "</tr>\n" for row in rows
    )
    return f"<table {style.table_attrs}><tbody>\n{body}</tbody></table>"


def render_blocks(
    blocks: Iterable[Block],
    style: BodyStyle,
    transform: Callable[[str], str],
    image_url: Callable[[str], str],
) -> str:
    parts: list[str] = []
    for block in blocks:
        if block.kind == "heading":
            parts.append(style.heading.format(level=block.level + 1, text=esc(transform(block.text))))
        elif block.kind == "para":
            parts.append(style.para.format(text=esc(transform(block.text))))
        elif block.kind == "table":
            parts.append(render_table(block.rows, style, transform))
        elif block.kind == "image":
            alt = esc(transform(block.text)) if block.text else ""
            parts.append(f'<p style="text-align:center;"><img src="{esc(image_url(block.src))}" alt="{alt}" /></p>')
    return "\n".join(parts)


def render_seed_text(text: str, style: BodyStyle) -> str:
    """The seed page's text, verbatim: every line kept with its whitespace (escaped only)."""
    lines = text.split("\n")
    if style.seed_lines == "br":
        return "<br />\n".join(esc(line) for line in lines)
    return "\n".join(f"<p>{esc(line)}</p>" if line.strip() else "<p><br /></p>" for line in lines)


def render_body(
    doc: Document,
    style: BodyStyle,
    image_url: Callable[[str], str],
    include_title: bool = False,
) -> str:
    """The content container's inner HTML: the seed text, or the blocks (plus image attachments,
    which these CMSs put inline at the end of the body)."""
    transform = text_transform(doc)
    if doc.seed_text:
        inner = render_seed_text(doc.seed_text, style)
    else:
        inner = render_blocks(doc.blocks, style, transform, image_url)
        if include_title:
            inner = f'<p style="text-align:center;"><strong>{esc(transform(doc.title))}</strong></p>\n' + inner
    for spec in doc.attachments:
        if spec.kind == "image":
            inner += f'\n<p style="text-align:center;"><img src="{esc(image_url(spec.filename))}" alt="{esc(spec.name)}" /></p>'
    return inner


def view_count(doc_id: int) -> int:
    # A fixed number: a counter that changed per request would change the ETag of every page.
    return 100 + (doc_id * 7919) % 9000


def share_bar() -> str:
    return (
        '<div class="share">分享到：<a href="javascript:void(0)" class="share-weixin">微信</a> '
        '<a href="javascript:void(0)" class="share-weibo">新浪微博</a> '
        '<a href="javascript:void(0)" class="share-qzone">QQ空间</a></div>'
    )


def footer(
    sponsor: str,
    organizer: str,
    site_code: str,
    icp: str,
    police: str,
    extra: str = "",
) -> str:
    return (
        '<div class="footer"><div class="footer-links"><a href="/">网站地图</a> | <a href="/">联系我们</a> | '
        '<a href="/">隐私声明</a></div>\n'
        f"<p>主办：{esc(sponsor)}　承办：{esc(organizer)}</p>\n"
        f"<p>网站标识码：{esc(site_code)}　<a href=\"https://beian.miit.gov.cn/\">{esc(icp)}</a>　"
        f'<a href="http://www.beian.gov.cn/">{esc(police)}</a></p>\n{extra}</div>'
    )


def page(title: str, body: str, *, charset: str = "utf-8", head_extra: str = "") -> str:
    return (
        "<!DOCTYPE html>\n<html>\n<head>\n"
        f'<meta http-equiv="Content-Type" content="text/html; charset={charset}" />\n'
        f"<title>{esc(title)}</title>\n{head_extra}</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def not_found_page(site_name: str, *, charset: str = "utf-8") -> str:
    return page(
        "404 页面不存在",
        f'<div class="error-page"><h1>404</h1><p>对不起，您访问的页面不存在或已被删除！</p>'
        f'<p><a href="/">返回{esc(site_name)}首页</a></p></div>',
        charset=charset,
    )


def iso(day: dt.date) -> str:
    return day.isoformat()


def cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month:02d}月{day.day:02d}日"


def unix(day: dt.date, hour: int = 9) -> int:
    """Seconds since the epoch of ``day`` at ``hour`` o'clock China time."""
    china = dt.timezone(dt.timedelta(hours=8))
    return int(dt.datetime(day.year, day.month, day.day, hour, tzinfo=china).timestamp())


def js_string_content(text: str) -> str:
    """``text`` as the inside of a JSON string the way gkmlpt embeds it (``\\u003C`` escapes),
    safe inside a ``<script>``."""
    encoded = json.dumps(text, ensure_ascii=False)
    return (
        encoded.replace("<", "\\u003C")
        .replace(">", "\\u003E")
        .replace("&", "\\u0026")
        .replace('\\"', "\\u0022")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )
