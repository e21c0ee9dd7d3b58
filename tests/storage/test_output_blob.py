"""reports.output: zstd JSON with a preset dictionary named in the blob's own first frame (zlib
with the dictionary in the zlib header before migration 0010, plain zlib before 0009)."""

from __future__ import annotations

import json
import zlib

import pytest

from harvester.storage import StorageError
from harvester.storage.records import zstd
from harvester.storage.records import (
    OUTPUT_DICTIONARY,
    output_dictionary,
    pack_output,
    unpack_output,
)

OUTPUT = {
    "body_text": "一、总体情况\n本年度共收到申请12件。",
    "sections": [{"level": 1, "title": "总体情况", "text": "本年度共收到申请12件。"}],
    "stats": [
        {"key": "requests.received.total", "value": 12, "unit": "件", "label": "收到申请12件", "source": "text",
         "section": "总体情况", "origin": None, "confidence": None},
        {"key": "fees.collected", "value": 12.5, "unit": "万元", "label": "收费", "source": "table",
         "section": None, "origin": "附件.pdf", "confidence": 0.93},
    ],
    "tables": [{"rows": [["a", "1"]]}],
    "attachments": [{"url": "http://x.invalid/a.pdf", "name": "附件", "kind": "pdf"}],
    "cleaning": {"encoding": "utf-8"},
}


def test_output_round_trips_and_names_its_dictionary():
    blob = pack_output(OUTPUT)
    # a zstd skippable frame (magic 0x184D2A50, 4 bytes) names the dictionary, the zstd frame follows
    assert blob[:4] == (0x184D2A50).to_bytes(4, "little") and blob[4:8] == (4).to_bytes(4, "little")
    assert int.from_bytes(blob[8:12], "little") == OUTPUT_DICTIONARY
    assert blob[12:16] == (0xFD2FB528).to_bytes(4, "little")
    assert unpack_output(blob) == OUTPUT
    # any zstd decoder reads it with the dictionary (the skippable frame is skipped), none without
    dictionary = zstd.ZstdDict(output_dictionary(OUTPUT_DICTIONARY), is_raw=True)
    assert json.loads(zstd.decompress(blob, zstd_dict=dictionary))["body_text"] == OUTPUT["body_text"]
    with pytest.raises(zstd.ZstdError):
        zstd.decompress(blob)


def test_blobs_of_migration_0009_still_read():
    """zlib level 9 with the preset dictionary named in the zlib header (RFC 1950 DICTID)."""
    payload = dict(OUTPUT, stats={"fields": list(OUTPUT["stats"][0]), "rows": [list(s.values()) for s in OUTPUT["stats"]]})
    compressor = zlib.compressobj(9, zdict=output_dictionary(1))
    blob = compressor.compress(json.dumps(payload, ensure_ascii=False).encode("utf-8")) + compressor.flush()
    assert blob[1] & 0x20 and int.from_bytes(blob[2:6], "big") == zlib.adler32(output_dictionary(1))
    assert unpack_output(blob) == OUTPUT


def test_statistics_with_differing_fields_stay_a_list():
    odd = dict(OUTPUT, stats=[OUTPUT["stats"][0], {"key": "x", "value": 1}])
    assert unpack_output(pack_output(odd)) == odd


def test_blobs_of_before_the_dictionary_still_read():
    old = zlib.compress(json.dumps(OUTPUT, ensure_ascii=False).encode("utf-8"), 9)
    assert unpack_output(old) == OUTPUT


def test_a_blob_needing_an_unknown_dictionary_is_a_clear_error():
    future = pack_output(OUTPUT)[:8] + (999).to_bytes(4, "little") + pack_output(OUTPUT)[12:]
    with pytest.raises(StorageError, match="dictionary output-999, unknown"):
        unpack_output(future)
    compressor = zlib.compressobj(9, zdict=b"some future dictionary")
    blob = compressor.compress(json.dumps(OUTPUT).encode()) + compressor.flush()
    with pytest.raises(StorageError, match="preset dictionary .* unknown"):
        unpack_output(blob)
