"""reports.output: zlib JSON with a preset dictionary named in the blob's own header."""

from __future__ import annotations

import json
import zlib

import pytest

from harvester.storage import StorageError
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
    assert blob[1] & 0x20, "FDICT set in the zlib header"
    assert int.from_bytes(blob[2:6], "big") == zlib.adler32(output_dictionary(OUTPUT_DICTIONARY))
    assert unpack_output(blob) == OUTPUT
    with pytest.raises(zlib.error):  # not readable without the dictionary
        zlib.decompress(blob)


def test_statistics_with_differing_fields_stay_a_list():
    odd = dict(OUTPUT, stats=[OUTPUT["stats"][0], {"key": "x", "value": 1}])
    assert unpack_output(pack_output(odd)) == odd


def test_blobs_of_before_the_dictionary_still_read():
    old = zlib.compress(json.dumps(OUTPUT, ensure_ascii=False).encode("utf-8"), 9)
    assert unpack_output(old) == OUTPUT


def test_a_blob_needing_an_unknown_dictionary_is_a_clear_error():
    compressor = zlib.compressobj(9, zdict=b"some future dictionary")
    blob = compressor.compress(json.dumps(OUTPUT).encode()) + compressor.flush()
    with pytest.raises(StorageError, match="preset dictionary .* unknown"):
        unpack_output(blob)
