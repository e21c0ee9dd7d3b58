"""What a file yields: its text, its table grids, and how they were read."""

from __future__ import annotations

from dataclasses import dataclass, field

Grid = list[list[str]]

#: Files larger than this are not read (nor downloaded in full by the crawl): a real report is
#: a few MB; a 200 MB "attachment" is a scan archive or a mistake.
MAX_FILE_BYTES = 50 * 1024 * 1024


class Unreadable(Exception):
    """Raised inside a reader with the reason a file cannot be read (encrypted, ...)."""


@dataclass
class FileContent:
    #: The format sniffed from the bytes: pdf docx doc wps rtf xls xlsx xml-spreadsheet csv
    #: image html text empty unknown (``declared`` is what the URL/header said).
    format: str
    text: str = ""
    #: Every table found, as rectangular grids of cell texts (merged cells repeated).
    tables: list[Grid] = field(default_factory=list)
    #: OCR'd tables: the recognition confidence of each cell (None where empty), by table index.
    cell_confidence: dict[int, list[list[float | None]]] = field(default_factory=dict)
    #: Document order: a paragraph (str) or the index of a table in ``tables`` (int).
    blocks: list[str | int] = field(default_factory=list)
    #: The text/tables were read by OCR (a picture, a scanned PDF).
    ocr: bool = False
    #: Mean recognition confidence of the OCR'd text (0-1); None when not OCR'd.
    confidence: float | None = None
    #: Why nothing could be read (encrypted, corrupt, empty, too large, OCR off, unknown format).
    error: str | None = None
    #: What looked wrong but did not stop reading (mislabelled, pages without text, ...).
    warnings: list[str] = field(default_factory=list)
    #: Which library read it, e.g. "pypdfium2+pdfplumber", "libreoffice+python-docx", "rapidocr".
    engine: str | None = None
    pages: int | None = None
    #: What the name/Content-Type claimed (pdf, doc, xls, image ...), for the mislabel check.
    declared: str | None = None

    def render_text(self) -> str:
        """Plain text in document order: paragraphs one per line, table rows as tab-joined cells
        (the layout the HTML cleaner gives a page's text)."""
        lines: list[str] = []
        for block in self.blocks:
            if isinstance(block, int):
                lines.extend("\t".join(row) for row in self.tables[block])
            else:
                lines.append(block)
        return "\n".join(lines)

    @property
    def ok(self) -> bool:
        return self.error is None and bool(self.text.strip() or self.tables)

    def summary(self) -> dict:
        """JSON-safe description stored with the attachment (not the text itself)."""
        return {
            "format": self.format, "engine": self.engine, "pages": self.pages, "ocr": self.ocr,
            "confidence": None if self.confidence is None else round(self.confidence, 3),
            "chars": len(self.text), "tables": len(self.tables), "error": self.error,
            "warnings": list(self.warnings),
        }
