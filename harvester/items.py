"""Items that travel through the Scrapy pipelines, and the report item contract.

``PageItem`` is what a spider yields for every candidate detail page: the raw response with its
provenance. The clean and parse pipelines attach their results to it; the store pipeline archives
it. ``ReportItem`` is the parsed report (JSON field names as in docs/data-model.md).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any, Literal


@dataclass
class PageItem:
    site: str
    #: The URL the spider asked for (the canonical source URL).
    url: str
    final_url: str
    status: int
    #: Response headers, names lower-cased, each with its list of values (as Scrapy keeps them).
    headers: dict[str, list[str]]
    body: bytes
    #: ISO 8601 UTC, e.g. 2026-11-22T08:15:00Z.
    fetched_at: str
    referer: str | None = None
    listing_title: str | None = None
    listing_date: str | None = None
    #: Renderer that produced ``body`` (None for a plain HTTP fetch), e.g. "splash 3.5".
    renderer: str | None = None
    harvest_run: int | None = None
    #: Filled by the clean pipeline (harvester.cleaning.CleanedPage) when pages are cleaned in
    #: the crawl process (HARVESTER_PARSE_WORKERS = 0); an lxml tree, never sent to a process.
    cleaned: Any = None
    #: Codec the body was decoded with, when a parse worker cleaned it (harvester.pool).
    decoded_as: str | None = None
    #: Filled by the parse pipeline (harvester.parsing.ParseResult).
    result: Any = None
    #: Filled by the store pipeline: new / changed / unchanged / failed.
    store_outcome: str | None = None
    #: Set when the fetch failed (dead link, timeout); such items are recorded, not parsed.
    error: str | None = None
    #: The URL exactly as the listing gave it (``url`` is its canonical form, harvester.urls).
    listed_url: str | None = None
    #: Filled by the store: why the page's current report was kept although this fetch did not
    #: give a report (maintenance page, empty body); the run raises an alert.
    kept_report: str | None = None
    #: Filled by the files pipeline: the linked files fetched (or found stored) with this page
    #: (harvester.storage.attachments.FetchedFile), stored by the store pipeline.
    files: list = field(default_factory=list)

    @property
    def encoding(self) -> str | None:
        return self.cleaned.encoding if self.cleaned is not None else self.decoded_as


@dataclass
class Section:
    level: int
    title: str
    text: str


@dataclass
class Stat:
    key: str
    value: int | float
    unit: str | None
    label: str
    #: text (prose), table (a table cell), ocr (a table cell read by OCR from a picture or scan)
    source: Literal["text", "table", "ocr"]
    section: str | None = None
    #: Where the value was read: None for the page itself, else the attachment's name (e.g.
    #: 表格.jpg, 2019年统计报表.xls) when it came from a file the page links.
    origin: str | None = None
    #: OCR values: the recognition confidence (0-1) of the cell the value was read from.
    confidence: float | None = None


@dataclass
class Attachment:
    url: str
    name: str
    kind: Literal["pdf", "doc", "xls", "image", "other"]


@dataclass
class ReportItem:
    site: str
    url: str
    title: str | None = None
    report_year: int | None = None
    agency: str | None = None
    publisher: str | None = None
    region: str | None = None
    #: National administrative division code of ``region`` (e.g. 441200).
    region_code: str | None = None
    published_date: str | None = None
    signed_date: str | None = None
    index_no: str | None = None
    doc_no: str | None = None
    category: str | None = None
    body_text: str = ""
    sections: list[Section] = field(default_factory=list)
    stats: list[Stat] = field(default_factory=list)
    #: Every HTML table of the body: {"caption": str|None, "rows": [[cell text, ...], ...]}
    #: with rowspan/colspan expanded.
    tables: list[dict] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    cleaning: dict = field(default_factory=dict)
    #: Where agency and region were read: a part of the page (title, signature, meta SiteName,
    #: footer 主办单位...) or ``registry`` when the body registry supplied the value instead.
    field_sources: dict = field(default_factory=dict)
    parser_version: str = ""
    # provenance (filled from the fetch / the stored snapshot)
    fetched_at: str | None = None
    content_sha256: str | None = None
    status: int | None = None
    final_url: str | None = None
    harvest_run: int | None = None

    def to_dict(self) -> dict:
        # Same result as dataclasses.asdict, which deep-copies every leaf: 2 ms per report, ~9 % of
        # a re-parse (bench/RESULTS.md). Containers are still copied, so callers may mutate them.
        return _plain(self)

    @classmethod
    def from_dict(cls, data: dict) -> "ReportItem":
        data = dict(data)
        data["sections"] = [_known(Section, s) for s in data.get("sections") or []]
        # An export's stats carry value_printed/unit_printed beside the normalised value and unit.
        data["stats"] = [_known(Stat, s) for s in data.get("stats") or []]
        data["attachments"] = [_known(Attachment, a) for a in data.get("attachments") or []]
        return _known(cls, data)


def _known(cls: Any, data: dict) -> Any:
    """``cls(**data)`` with the keys ``cls`` does not know left out (exports add some)."""
    known = cls.__dataclass_fields__
    return cls(**{k: v for k, v in data.items() if k in known})


REPORT_FIELDS: tuple[str, ...] = tuple(ReportItem.__dataclass_fields__)


def _plain(value: Any) -> Any:
    """dataclasses.asdict for JSON-like data: dataclasses to dicts, containers copied."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return type(value)(_plain(v) for v in value) if not hasattr(value, "_fields") else type(value)(*[_plain(v) for v in value])
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    return copy.deepcopy(value)
