"""Files: text and tables out of the documents reports are published as (PDF, DOC/DOCX/WPS,
XLS/XLSX, RTF, pictures).

Plain functions over bytes, like cleaning and parsing: no Scrapy, no network, no database.
``extract_file(data, name, content_type)`` sniffs the real format from the bytes (the URL's
extension and the Content-Type header are only hints: sites mislabel files), reads text and
table grids with the library measured best for that format (docs/files.md), and never raises:
a file that cannot be read comes back with ``error`` saying why (encrypted, corrupt, empty, too
large, unknown format, OCR off ...).

``report_from_file`` turns a file's content into a report item through the standard parser
(same sections, prose statistics, standard-table keys and identity checks as HTML pages);
``merge_files`` folds the attachments of a report page into the page's item.
"""

from __future__ import annotations

from .types import FileContent, Grid, MAX_FILE_BYTES
from .extract import extract_file, ocr_enabled, sniff_format

__all__ = ["FileContent", "Grid", "MAX_FILE_BYTES", "extract_file", "ocr_enabled", "sniff_format"]
