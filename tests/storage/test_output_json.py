"""A report's output serialised by orjson (records._dumps) must be the bytes json.dumps made:
stored digests decide whether a re-parse made a new report version, and stored rows must not
change. Checked against the reference formulas on every in-repository page (and the real pingtan
pages where ../shared is present), on orjson's strings and floats, and on odd values that must
fall back to json.dumps."""

from __future__ import annotations

import hashlib
import json
import math
import random
import struct
from dataclasses import dataclass
from datetime import datetime, timezone
from enum import IntEnum
from pathlib import Path

import orjson
import pytest

from harvester.items import Attachment, ReportItem, Section, Stat
from harvester.pool import extract
from harvester.storage import records
from harvester.storage.records import (
    OUTPUT_DICTIONARY,
    OUTPUT_LEVEL,
    PROVENANCE_FIELDS,
    PACKED_FIELDS,
    attachment_rows,
    output_dictionary,
    parsed_output,
    prepare_output,
    sanitize,
    stat_rows,
    zstd,
)

REPO = Path(__file__).resolve().parents[2]
PINGTAN = REPO.parent / "shared" / "corpus" / "pingtan"


def reference_digest(output: dict) -> str:
    """output_digest as it was when every stored digest was made."""
    payload = {k: v for k, v in output.items() if k != "parser_version"}
    canonical = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def reference_blob_json(output: dict) -> bytes:
    """The JSON pack_output compressed before orjson (stats as columns when alike)."""
    payload = {name: output.get(name) for name in PACKED_FIELDS}
    stats = payload["stats"]
    if stats and isinstance(stats, list) and all(isinstance(s, dict) and list(s) == list(stats[0]) for s in stats):
        payload["stats"] = {"fields": list(stats[0]), "rows": [list(s.values()) for s in stats]}
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def reference_stat_rows(output: dict) -> list[tuple]:
    """stat_rows as it was: every statistic with a value, its stored fields read by name."""
    names = ("key", "value", "unit", "source", "label", "section")
    return [(position, *(float(stat["value"]) if name == "value" else stat.get(name) for name in names))
            for position, stat in enumerate(output.get("stats") or []) if stat.get("value") is not None]


def reference_output(item: ReportItem) -> dict:
    data = sanitize(item.to_dict())
    for name in PROVENANCE_FIELDS:
        data.pop(name, None)
    return data


def assert_as_before(item: ReportItem) -> records.PreparedOutput:
    """prepare_output of ``item`` makes what the json.dumps formulas made."""
    prepared = prepare_output(item)
    output = reference_output(item)
    output["parser_version"] = prepared.parser_version
    assert prepared.output == output and list(prepared.output) == list(output)
    assert prepared.digest == reference_digest(output)
    blob = prepared.row_values["output"]
    dictionary = zstd.ZstdDict(output_dictionary(OUTPUT_DICTIONARY), is_raw=True)
    data = reference_blob_json(output)
    assert zstd.decompress(blob[12:], zstd_dict=dictionary) == data
    assert blob[12:] == zstd.compress(data, OUTPUT_LEVEL, zstd_dict=dictionary)
    assert prepared.stats == reference_stat_rows(output) == stat_rows(output)
    assert all(type(value) is type(reference) for row, reference_row in zip(prepared.stats, reference_stat_rows(output))
               for value, reference in zip(row, reference_row))
    assert prepared.attachments == attachment_rows(output)
    return prepared


def page_reports(paths: list[Path]) -> list[ReportItem]:
    reports = []
    for path in paths:
        result = extract(f"http://fixture.invalid/{path.name}", path.read_bytes(), None, None).result
        if result is not None and result.item is not None:
            reports.append(result.item)
    return reports


def test_reports_of_every_fixture_page_keep_their_digest_and_rows():
    paths = sorted(p for base in ("tests/parsing/fixtures", "tests/fixtures/pages")
                   for p in (REPO / base).rglob("*.htm*"))
    reports = page_reports(paths)
    assert len(reports) > 50
    plain = [assert_as_before(item).plain for item in reports]
    assert sum(plain) > 50  # orjson wrote them: the comparison above was of orjson's bytes


@pytest.mark.skipif(not PINGTAN.is_dir(), reason="../shared/corpus/pingtan (real pages) is absent")
def test_reports_of_the_real_pingtan_pages_keep_their_digest_and_rows():
    reports = page_reports(sorted(PINGTAN.glob("*.html")))
    assert reports
    for item in reports:
        assert_as_before(item)


def report(**fields) -> ReportItem:
    base = dict(site="s", url="http://x.invalid/r.html", title="二〇二一年报告", report_year=2021,
                body_text="正文\n第二段", sections=[Section(1, "一、总体情况", "本年度……")],
                stats=[Stat("proactive.total", 12, "条", "主动公开", "table")],
                attachments=[Attachment("http://x.invalid/a.pdf", "附件", "pdf")],
                cleaning={"encoding": "utf-8"}, field_sources={"agency": "title"}, parser_version="p1")
    base.update(fields)
    return ReportItem(**base)


def float_samples() -> list[float]:
    rng = random.Random(15)
    edges = [0.0, -0.0, 1e-4, 1e16, 1e-5, 1e-7, 1e22, 1e300, 5e-324, 1.7976931348623157e308, 12.5, 0.1]
    edges += [math.nextafter(x, d) for x in (1e-4, 1e16) for d in (0, math.inf)]
    samples = edges + [-x for x in edges]
    samples += [rng.uniform(-1, 1) * 10.0 ** rng.randint(-30, 30) for _ in range(3000)]
    samples += [round(rng.uniform(0, 10.0 ** rng.randint(0, 17)), rng.randint(0, 6)) for _ in range(3000)]
    bits = (struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0] for _ in range(3000))
    return samples + [x for x in bits if math.isfinite(x)]


def test_floats_orjson_writes_otherwise_are_left_to_json():
    """orjson writes some floats apart from repr (1e-05 as 0.00001, exponents without a sign in
    some versions): an output holding one is not plain, and its digest stays the reference."""
    odd = 0
    for value in float_samples():
        item = report(stats=[Stat("fees.collected", value, "万元", "收费", "table", confidence=0.5)])
        output, plain = records._plain_output(item)
        if plain:
            assert orjson.dumps(value) == json.dumps(value).encode()
        elif 1e-4 <= abs(value) < 1e16 or value == 0:
            pytest.fail(f"{value!r} made an output not plain")
        odd += not plain
        output["parser_version"] = "p1"
        assert prepare_output(item).digest == reference_digest(output)
    assert odd > 1000


def test_every_character_and_key_order_is_written_as_json_does():
    characters = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    assert orjson.dumps(characters) == json.dumps(characters, ensure_ascii=False).encode("utf-8")
    rng = random.Random(15)
    keys = {rng.choice(characters) + rng.choice(characters): i for i in range(3000)}
    keys.update({"\ue000": 1, "\U00010000": 2, "a": 3, "A": 4, "": 5, "é": 6})  # order of UTF-16 differs
    assert records._dumps(keys, True, sort_keys=True) == json.dumps(
        keys, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def nested(depth: int) -> list:
    value: list = ["底"]
    for _ in range(depth):
        value = [value]
    return value


class Level(IntEnum):
    TOP = 1


class Text(str):
    def __str__(self) -> str:
        return "shown otherwise"


class Real(float):
    pass


@dataclass(init=False, repr=False, eq=False)
class Odd:
    """Fields no function can name (dataclasses allows them without generated methods)."""

    a: str
    __annotations__.update({"not a name": "object", "class": "list"})

    def __init__(self, a: str, b: object) -> None:
        self.a = a
        setattr(self, "not a name", b)
        setattr(self, "class", [Section(1, "t", "x\x00")])


@pytest.mark.parametrize("fields", [
    {"cleaning": {"big": 2 ** 70, "nan": math.nan, "inf": -math.inf}},
    {"cleaning": {"when": datetime(2021, 1, 2, 3, 4, 5, tzinfo=timezone.utc), "set": {3}, "raw": b"b\x00y"}},
    {"cleaning": {1: "int key", None: "none key", 2.5: "float key", "é": (1, [2.5])}},
    {"sections": [Section(Level.TOP, Text("标题"), "a\x00b")], "title": Text("题\x00目")},
    {"stats": [Stat("k", Real(1e20), None, "l", "text"), Stat("k", Real(12.5), None, "l", "text")]},
    {"tables": [{"caption": None, "rows": [("a", 1, 2.5, -0.0)]}], "warnings": ["w\x00"]},
    {"sections": [Section(1, "t", "x"), {"level": 2, "title": "t\x00"}, None], "warnings": ("a", "b")},
    {"stats": [Stat("k\x00", 1, None, "l", "text", confidence=math.nan), Stat("k", True, None, "l", "text")]},
    {"attachments": [Odd("a", b"b")], "cleaning": {"odd": Odd("c", 1.5)}},
    {"cleaning": {"deep": nested(300)}},  # deeper than orjson goes
    {"stats": [Stat("k", None, None, "l", "text"), Stat("j", 3, "条", "m", "table", "节", "a.xls", 0.9)]},
    {"stats": [{"key": "k", "value": 1}, {"value": 2, "key": "j", "unit": "条"}]},  # not as columns
    {"stats": [{"value": 2, "key": "j"}, {"value": 2.5, "key": "k"}]},  # columns, not of Stat's fields
    {"stats": [Stat("k", 1, None, "l", "text"), dict(key="j", value=2, unit=None, label="m", source="text", section=None,
                                                   origin=None, confidence=None)]},  # columns of two kinds
])
def test_odd_values_keep_the_reference_digest_and_rows(fields):
    prepared = assert_as_before(report(**fields))
    assert prepared.output == parsed_output(report(**fields)) | {"parser_version": "p1"}


@pytest.mark.parametrize("texts", [
    [("主动公开", "一、总体情况"), ("主动公开", None), ("", "二、")],
    [("a\x00b", "二、"), ("ab", None)],  # sanitized: one text
    [(Text("标签"), None), ("标签", "节")],  # a str subclass: sanitized to str
    [(0, "节"), (False, None)],  # falsy non-str labels are left out
    [(b"by\x00tes", 2.5)],
])
def test_stat_strings_are_the_sanitized_keys_and_texts(texts):
    item = report(stats=[Stat(f"k{i}", i, None, label, "text", section) for i, (label, section) in enumerate(texts)])
    keys, found = records.stat_strings(item)
    assert keys == {f"k{i}" for i in range(len(texts))}
    expected = {sanitize(t) for pair in texts for t in pair if t}
    assert found == expected and {type(t) for t in found} == {type(t) for t in expected}


def test_a_lone_surrogate_fails_as_before():
    """json.dumps writes it and UTF-8 refuses it; orjson refuses it: the same error either way."""
    item = report(title="a\ud800b")
    output = reference_output(item)
    with pytest.raises(UnicodeEncodeError):
        reference_digest(output)
    with pytest.raises(UnicodeEncodeError):
        prepare_output(item)
