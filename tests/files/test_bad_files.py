"""Files that cannot be read give a recorded reason, never an exception."""

from __future__ import annotations

import pytest

from harvester.files import MAX_FILE_BYTES, extract_file, sniff_format

from .conftest import encrypt_ooxml, encrypted_pdf


def test_zero_byte_file():
    content = extract_file(b"", "report.pdf")
    assert content.format == "empty" and content.error == "empty file (0 bytes)" and not content.ok


def test_200_mb_file_is_refused_before_reading():
    big = b"%PDF-1.4\n" + b"\0" * (200 * 1024 * 1024)
    content = extract_file(big, "scan.pdf")
    assert content.error.startswith("too large:") and str(MAX_FILE_BYTES) in content.error
    assert extract_file(b"%PDF-1.4", "x.pdf", max_bytes=4).error.startswith("too large")


def test_encrypted_pdf():
    pytest.importorskip("reportlab")
    assert extract_file(encrypted_pdf(), "x.pdf").error == "encrypted (password-protected PDF)"


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_encrypted_office_documents(files, fmt):
    data = encrypt_ooxml(files[fmt])
    assert sniff_format(data) == "encrypted-ooxml"
    assert extract_file(data, f"x.{fmt}").error == "encrypted (password-protected Office document)"


@pytest.mark.parametrize("fmt", ["pdf", "docx", "xls", "xlsx", "doc"])
def test_truncated_files(files, fmt):
    if fmt not in files:
        pytest.skip("LibreOffice is not installed")
    for cut in (3000, len(files[fmt]) // 2):
        content = extract_file(files[fmt][:cut], f"x.{fmt}")
        # a truncated PDF may still give its first pages; anything else is a reason
        assert content.error or (fmt == "pdf" and content.ok), (fmt, cut)
        if content.error:
            assert "corrupt" in content.error or "truncated" in content.error, content.error


def test_garbage_under_every_name():
    noise = bytes(range(256)) * 40
    for name in ("x.pdf", "x.doc", "x.docx", "x.xls", "x.jpg", "x.wps"):
        content = extract_file(noise, name)
        assert content.error and not content.ok


def test_mislabelled_files_are_read_by_content(files):
    content = extract_file(files["docx"], "report.pdf", "application/pdf")
    assert content.ok and content.format == "docx"
    assert content.warnings == ["mislabelled: named/served as pdf, content is docx"]
    content = extract_file(files["xls"], "表格.jpg")
    assert content.ok and content.format == "xls" and content.warnings[0].startswith("mislabelled")
    # an HTML error page served as the file
    content = extract_file("<html><body>404 文件不存在</body></html>".encode(), "r.doc")
    assert content.format == "html" and content.error and content.warnings[0].startswith("mislabelled")


def test_picture_without_ocr_says_so():
    pytest.importorskip("PIL")
    from harvester.replicas import filegen

    data = filegen.table_image([["指标", "数值"], ["收到申请数", "3"]])
    content = extract_file(data, "t.jpg", ocr=False)
    assert content.format == "image" and "OCR is off" in content.error
    assert extract_file(data[:200], "t.jpg", ocr=True).error.startswith("corrupt picture")
