"""Decoding: BOM, header charset, meta charset (also malformed), sniffing, bad declarations."""

from __future__ import annotations

import codecs

import pytest

from harvester.cleaning import clean_page
from harvester.cleaning.decode import decode_body, header_charset, normalise_charset

# 镕 and 堃 are in GBK/GB18030 but not in GB2312: a page declaring gb2312 still uses them.
REPORT = "<p>朱镕基与王堃出席。本年度主动公开政府信息3460条，收到申请21件。</p>" * 3


def html(charset_meta: str = "", body: str = REPORT) -> str:
    return f"<html><head>{charset_meta}<title>年度报告</title></head><body><div id='zoom'>{body}</div></body></html>"


def test_gbk_bytes_with_gb2312_meta_only_decode_as_gb18030() -> None:
    raw = html('<meta http-equiv="Content-Type" content="text/html; charset=gb2312">').encode("gbk")
    page = clean_page(raw, None, "http://example.gov.cn/a.shtml")
    assert page.encoding == "gb18030"
    assert page.cleaning["encoding_source"] == "meta"
    assert page.cleaning["replaced_chars"] == 0
    assert "朱镕基与王堃出席" in page.text


@pytest.mark.parametrize(
    "meta",
    [
        "<meta http-equiv=Content-Type content=text/html;charset=gbk>",  # no quotes at all
        '<meta content="text/html; charset=gb2312" http-equiv="Content-Type">',  # reversed attributes
        "<meta charset='gbk' />",
        '<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset = GB2312">',  # spaces, upper case
        '<meta http-equiv="Content-Type" content="text/html; charset=gbk;">',  # trailing semicolon
        '<meta http-equiv="Content-Type" content="text/html; charset="gb2312">',  # broken quoting
    ],
)
def test_malformed_meta_declarations_are_found(meta: str) -> None:
    raw = html(meta).encode("gbk")
    decoded = decode_body(raw, None)
    assert (decoded.encoding, decoded.source, decoded.replaced_chars) == ("gb18030", "meta", 0)
    assert "朱镕基" in decoded.text


def test_utf8_bom_wins_over_declarations() -> None:
    raw = codecs.BOM_UTF8 + html('<meta charset="gbk">').encode("utf-8")
    page = clean_page(raw, {"Content-Type": "text/html; charset=gbk"}, "http://x.gov.cn/")
    assert (page.encoding, page.cleaning["encoding_source"]) == ("utf-8", "bom")
    assert "朱镕基" in page.text


def test_utf16_bom() -> None:
    raw = codecs.BOM_UTF16_LE + html().encode("utf-16-le")
    page = clean_page(raw, None, "http://x.gov.cn/")
    assert page.cleaning["encoding_source"] == "bom"
    assert "本年度主动公开政府信息3460条" in page.text


@pytest.mark.parametrize(
    "headers",
    [
        {"Content-Type": "text/html; charset=GBK"},
        {"content-type": ["text/html;charset=gbk"]},
        {b"Content-Type": [b"text/html; charset=gbk"]},
    ],
)
def test_header_charset_in_every_header_shape(headers: dict) -> None:
    raw = html().encode("gbk")  # no meta: only the header tells
    page = clean_page(raw, headers, "http://x.gov.cn/")
    assert (page.encoding, page.cleaning["encoding_source"]) == ("gb18030", "header")
    assert "朱镕基" in page.text


def test_scrapy_headers_object() -> None:
    from scrapy.http import Headers

    headers = Headers({"Content-Type": "text/html; charset=gb2312"})
    assert header_charset(headers) == "gb2312"
    page = clean_page(html().encode("gbk"), headers, "http://x.gov.cn/")
    assert page.encoding == "gb18030"


def test_wrong_header_charset_loses_to_clean_decoding() -> None:
    # The server says utf-8, the file is GBK (and says so in its meta).
    raw = html('<meta http-equiv="Content-Type" content="text/html; charset=gbk">').encode("gbk")
    page = clean_page(raw, {"Content-Type": "text/html; charset=utf-8"}, "http://x.gov.cn/")
    assert page.encoding == "gb18030"
    assert page.cleaning["replaced_chars"] == 0
    assert "朱镕基与王堃出席" in page.text


def test_wrong_header_charset_without_meta_is_sniffed() -> None:
    raw = html().encode("gbk")
    page = clean_page(raw, {"Content-Type": "text/html; charset=utf-8"}, "http://x.gov.cn/")
    assert page.encoding == "gb18030"
    assert page.cleaning["encoding_source"] == "sniff"
    assert page.cleaning["declared_encoding"] == "utf-8"
    assert "朱镕基" in page.text


def test_latin1_declaration_over_chinese_bytes_is_not_trusted() -> None:
    raw = html('<meta charset="iso-8859-1">').encode("utf-8")
    page = clean_page(raw, None, "http://x.gov.cn/")
    assert page.encoding == "utf-8"
    assert "朱镕基" in page.text


def test_no_declaration_gbk_is_sniffed() -> None:
    page = clean_page(html().encode("gb18030"), None, "http://x.gov.cn/")
    assert page.encoding == "gb18030"
    assert page.cleaning["encoding_source"] == "sniff"
    assert "本年度主动公开政府信息3460条" in page.text


def test_one_bad_byte_in_utf8_page_is_replaced_and_counted_not_redecoded() -> None:
    good = html('<meta charset="utf-8">').encode("utf-8")
    cut = good.index("本年度".encode())
    raw = good[:cut] + b"\xff" + good[cut:]
    page = clean_page(raw, None, "http://x.gov.cn/")
    assert page.encoding == "utf-8"
    assert page.cleaning["replaced_chars"] == 1
    assert "\ufffd本年度主动公开" in page.text
    assert "朱镕基与王堃出席" in page.text  # no mojibake


def test_undecodable_bytes_everywhere_are_replaced_and_counted() -> None:
    raw = b"<html><body><div id='zoom'><p>" + bytes(range(0x80, 0x100)) * 4 + b"</p></div></body></html>"
    page = clean_page(raw, {"Content-Type": "text/html; charset=utf-8"}, "http://x.gov.cn/")
    assert page.cleaning["replaced_chars"] > 0
    assert isinstance(page.text, str)


@pytest.mark.parametrize("declared, codec", [("GB2312", "gb18030"), ("x-gbk", "gb18030"), ("cp936", "gb18030"), ("UTF8", "utf-8"), ("big5", "big5hkscs"), ("nonsense", None)])
def test_charset_names(declared: str, codec: str | None) -> None:
    assert normalise_charset(declared) == codec


def test_empty_and_non_html_bodies() -> None:
    for raw in (b"", b"   ", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", b"%PDF-1.4 \x00\x01\x02"):
        page = clean_page(raw, None, "http://x.gov.cn/")
        assert isinstance(page.text, str)
        assert page.root is not None and page.content is not None
