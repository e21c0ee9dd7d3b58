"""Real files generated from the replica corpus (harvester/replicas/filegen.py: reportlab,
python-docx, LibreOffice, xlwt, openpyxl, Pillow with the WenQuanYi CJK font)."""

from __future__ import annotations

import io

import pytest

from harvester.replicas import corpus, filegen


def _needs(module: str) -> None:
    pytest.importorskip(module, reason=f"{module} is in the [files] extra: pip install -e '.[files]'")


@pytest.fixture(scope="session")
def modern_doc():
    """A 2021-format report with the three standard tables (zhaoqing's column)."""
    return next(d for d in corpus.documents("zhaoqing") if d.is_report and d.report_year == 2021)


@pytest.fixture(scope="session")
def legacy_doc():
    """A 2013 free-text report with a Fujian-style statistics table (yongkang's column)."""
    return next(d for d in corpus.documents("yongkang") if d.is_report and d.report_year == 2013)


@pytest.fixture(scope="session")
def files(modern_doc) -> dict[str, bytes]:
    """The modern report in every format the harvester reads."""
    for module in ("reportlab", "docx", "xlwt", "openpyxl", "PIL", "pypdfium2", "pdfplumber", "xlrd"):
        _needs(module)
    try:
        filegen.cjk_font_path()
    except filegen.FileGenerationError as exc:
        pytest.skip(str(exc))
    paragraphs, tables = filegen.document_content(modern_doc)
    return filegen.report_files(modern_doc.title, paragraphs, tables)


def encrypt_ooxml(data: bytes, password: str = "secret") -> bytes:
    """An Office 2007+ file encrypted as Office does it (msoffcrypto-tool: an OLE container with
    an EncryptedPackage stream)."""
    _needs("msoffcrypto")
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(data)).encrypt(password, out)
    return out.getvalue()


def encrypted_pdf(text: str = "hello") -> bytes:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out, encrypt="secret")
    c.drawString(100, 700, text)
    c.showPage()
    c.save()
    return out.getvalue()
