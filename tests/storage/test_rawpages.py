"""Raw pages compressed with a per-site zstd dictionary (harvester.storage.rawpages): bytes come
back exactly, each body names its dictionary, dictionaries are per site and never rewritten."""

from __future__ import annotations

import hashlib
import zlib

from sqlalchemy import select, text

from harvester.storage import Store
from harvester.storage.models import Body, BodyDictionary

from .conftest import report_html

ZQ = "http://www.zhaoqing.gov.cn/gkmlpt/content/2/1/post_{}.html"
PZH = "http://www.panzhihua.gov.cn/zwgk/zfxxgkzl/fdzdgknr/zfxxgkndbg/{}.shtml"


def test_pages_round_trip_byte_for_byte_and_share_their_sites_dictionary(db_url, make_item):
    pages = {ZQ.format(n): report_html(year=2010 + n, proactive=100 + n) for n in range(4)}
    pages[PZH.format(1)] = report_html(year=2021, agency="攀枝花市人民政府").replace(b"utf-8", b"utf-8 ")
    with Store(db_url) as store:
        for url, body in pages.items():
            store.save_page(make_item(url, body, site="panzhihua" if "panzhihua" in url else "zhaoqing"))
        with store.session() as session:
            rows = session.execute(select(Body.sha256, Body.compression, Body.dictionary_id, Body.data)).all()
            dictionaries = dict(session.execute(select(BodyDictionary.id, BodyDictionary.site_key)).all())
    assert sorted(dictionaries.values()) == ["panzhihua", "zhaoqing"]
    assert {r.compression for r in rows} == {"zstd"} and {r.dictionary_id for r in rows} == set(dictionaries)
    # pages of a site whose first page is the dictionary: smaller than zlib alone
    sha_of = {hashlib.sha256(b).hexdigest(): b for b in pages.values()}
    zhaoqing = [r for r in rows if dictionaries[r.dictionary_id] == "zhaoqing"]
    assert len(zhaoqing) == 4 and all(len(r.data) < len(zlib.compress(sha_of[r.sha256], 6)) for r in zhaoqing)
    with Store(db_url) as store:  # a new Store: nothing cached, dictionaries read from the database
        for body in pages.values():
            assert store.body(hashlib.sha256(body).hexdigest()) == body


def test_bodies_of_before_the_dictionaries_still_read(db_url, make_item):
    body = report_html()
    with Store(db_url) as store:
        store.save_page(make_item(ZQ.format(9), body))
        sha = hashlib.sha256(body).hexdigest()
        with store.engine.begin() as connection:  # as migration 0009 leaves older bodies
            connection.execute(text("UPDATE bodies SET compression = 'zlib', data = :d, dictionary_id = NULL "
                                    "WHERE sha256 = :s"), {"d": zlib.compress(body, 6), "s": sha})
        assert store.body(sha) == body


def test_a_site_gets_a_trained_dictionary_and_every_body_still_reads(db_url, make_item, monkeypatch):
    from harvester.storage import rawpages

    monkeypatch.setattr(rawpages, "TRAIN_AFTER", 30)
    pages = [report_html(year=2000 + n % 25, proactive=1000 + 37 * n, agency=f"肇庆市第{n}局",
                         extra=f"<p>第{n}号附注：本年度共办理{n * 3}件。</p>") for n in range(45)]
    with Store(db_url) as store:
        for n, body in enumerate(pages):
            store.save_page(make_item(ZQ.format(100 + n), body))
        with store.session() as session:
            kinds = session.execute(select(BodyDictionary.id, BodyDictionary.kind).order_by(BodyDictionary.id)).all()
            used = dict(session.execute(select(Body.sha256, Body.dictionary_id)).all())
    assert [k for _, k in kinds] == ["raw", "trained"]
    trained_id = kinds[1][0]
    assert sum(1 for d in used.values() if d == trained_id) == 45 - 30 + 1  # the 30th page on
    with Store(db_url) as store:
        assert [store.body(hashlib.sha256(b).hexdigest()) for b in pages] == pages


def test_a_short_first_page_is_stored_without_making_the_sites_dictionary(db_url, make_item):
    """An empty answer or an error stub first (zstd refuses a dictionary under 8 bytes; a stub
    would be a useless one): stored without a dictionary; the first real page makes it."""
    bodies = [b"", b"<html>404</html>", report_html(year=2020), report_html(year=2021)]
    with Store(db_url) as store:
        for n, body in enumerate(bodies):
            store.save_page(make_item(ZQ.format(200 + n), body))
        with store.session() as session:
            used = dict(session.execute(select(Body.sha256, Body.dictionary_id)).all())
            dictionaries = session.execute(select(BodyDictionary.id)).scalars().all()
    sha = [hashlib.sha256(b).hexdigest() for b in bodies]
    assert used[sha[0]] is None and used[sha[1]] is None
    assert len(dictionaries) == 1 and used[sha[2]] == used[sha[3]] == dictionaries[0]
    with Store(db_url) as store:
        assert [store.body(s) for s in sha] == bodies


def test_compress_gives_zstd_compress_bytes_with_a_compressor_kept_per_dictionary():
    """rawpages.compress (storage.compression) keeps a compressor per dictionary and level (speed): every frame must still be
    the one ``zstd.compress`` makes, whatever came before it, for raw, trained and no dictionary."""
    from harvester.storage import compression, rawpages
    from harvester.storage.rawpages import zstd

    pages = [report_html(year=2000 + n % 25, proactive=1000 + 37 * n, agency=f"肇庆市第{n}局",
                         extra=f"<p>第{n}号附注：本年度共办理{n * 3}件。</p>" * (n % 7)) for n in range(40)]
    pages += [b"", b"x", pages[0] * 3]
    raw = zstd.ZstdDict(pages[1], is_raw=True)
    trained = zstd.train_dict([p[:4096] for p in pages[:30]], 8 * 1024)
    for round_ in range(2):  # the second time through, every compressor is a reused one
        for n, body in enumerate(pages):
            for dictionary in (raw, trained, None):
                expected = zstd.compress(body, rawpages.LEVEL, zstd_dict=dictionary)
                got = rawpages.compress(body, dictionary)
                assert got == expected, (round_, n, dictionary)
                assert zstd.decompress(got, zstd_dict=dictionary) == body
                # another level with the same dictionary (output blobs use level 5) is its own compressor
                assert compression.compress(body, 5, dictionary) == zstd.compress(body, 5, zstd_dict=dictionary)
