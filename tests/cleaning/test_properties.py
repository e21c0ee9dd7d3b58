"""clean_page never raises, whatever the bytes or the markup."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from harvester.cleaning import clean_page

HEADERS = st.one_of(
    st.none(),
    st.dictionaries(st.sampled_from(["Content-Type", "content-type", "X-Other"]), st.text(max_size=40), max_size=2),
    st.just({b"Content-Type": [b"text/html; charset=gb2312"]}),
    st.just({"Content-Type": "text/html; charset=utf-8"}),
)
HTMLISH = st.lists(
    st.one_of(
        st.sampled_from([
            "<p>", "</p>", "<div class='article-content'>", "<div id='zoom'>", "</div>", "<br>", "<table><tr><td>",
            "</td></tr></table>", "<!--[if !supportLists]-->", "<![endif]>", "<o:p>", "<script>", "</script>",
            "<meta charset='gbk'>", "<?xml version='1.0' encoding='gbk'?>", "關(guān)", "報(bào)告", "(de)", "当前位置:",
            "主办:", "ICP备", "分享到", "欧州杯", "\u3000", "\x00", "\ufffd", "&nbsp;", "&#0;", "<a href='x.doc'>",
        ]),
        st.text(max_size=30),
    ),
    max_size=40,
).map("".join)


@settings(max_examples=150, deadline=None)
@given(body=st.binary(max_size=3000), headers=HEADERS)
def test_arbitrary_bytes_never_raise(body: bytes, headers) -> None:
    page = clean_page(body, headers, "http://x.gov.cn/a.html", None)
    assert isinstance(page.text, str)
    assert "error" not in page.cleaning
    assert page.root is not None and page.content is not None


@settings(max_examples=150, deadline=None)
@given(text=HTMLISH, site=st.sampled_from([None, "zhaoqing", "yuxi", "panzhihua", "unknown-site"]),
       codec=st.sampled_from(["utf-8", "gb18030", "utf-16"]))
def test_arbitrary_htmlish_text_never_raises(text: str, site, codec: str) -> None:
    page = clean_page(text.encode(codec, "replace"), None, "http://x.gov.cn/a.html", site)
    assert isinstance(page.text, str)
    assert "error" not in page.cleaning
    assert "\n\n" not in page.text and "\x00" not in page.text
