"""Data model shared by the replica corpus (what the sites publish) and the site replicas (how
each CMS serves it). The corpus is deterministic: the same edition always yields the same
documents, so the manifest is the ground truth tests compare against.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal


@dataclass
class Cell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    header: bool = False


@dataclass
class Block:
    """One piece of a document body, rendered to HTML by the site replica."""

    kind: Literal["heading", "para", "table", "image"]
    text: str = ""
    #: heading level: 1 for 一、, 2 for （一）, 3 for 1., 4 for ①  (text carries its numbering)
    level: int = 0
    #: table rows (kind == "table"; kind == "image": the table the picture shows, drawn by
    #: harvester/replicas/filegen.py); cells may span rows/columns
    rows: list[list[Cell]] = field(default_factory=list)
    #: image file name (kind == "image"), served under the site's attachment path
    src: str = ""


@dataclass
class AttachmentSpec:
    name: str  # link text, e.g. 附件：2009年统计报表.xls
    filename: str  # e.g. 524893_1.xls
    kind: Literal["pdf", "doc", "xls", "image", "other"]
    #: What the file holds (harvester/replicas/filegen.py writes it): "report" (the report
    #: itself, text layer), "scan" (the report scanned: pictures, no text layer), "stats" (the
    #: report's statistics tables), "table" (``rows`` drawn as a picture), "" (a placeholder).
    content: str = ""
    #: The table a picture shows (content "table"), as replica table rows.
    rows: list = field(default_factory=list)


DocKind = Literal["report", "notice", "work_plan", "news"]


@dataclass
class Document:
    site: str
    #: numeric id used in the site's URL scheme (unique per site)
    doc_id: int
    kind: DocKind
    title: str
    #: the body the document is from (for yuxi's shared column: other bodies too)
    agency: str
    #: 发布机构 as printed in the page metadata
    publisher: str
    report_year: int | None
    published: dt.date
    signed: dt.date | None = None
    index_no: str | None = None
    doc_no: str | None = None
    category: str | None = None
    source: str | None = None  # 来源
    blocks: list[Block] = field(default_factory=list)
    #: The seed page: its verbatim text (lines) replaces ``blocks`` when rendered.
    seed_text: str | None = None
    attachments: list[AttachmentSpec] = field(default_factory=list)
    #: A cover page's report (详见附件): the blocks its attached file holds (the page shows
    #: ``blocks``, a line pointing to the attachment).
    file_blocks: list[Block] | None = None
    #: Served converted to Traditional Chinese with pinyin annotations (a 繁體版 view).
    traditional: bool = False
    #: Ground truth for tests: {"stats": {key: value}, "section_titles": [...], ...}
    expected: dict = field(default_factory=dict)
    #: Edition in which the document first appears (edition 2 adds one report).
    since_edition: int = 1
    #: Edition in which the document's content was edited (its blocks differ from that edition).
    edited_in: int | None = None

    @property
    def is_report(self) -> bool:
        return self.kind == "report"
