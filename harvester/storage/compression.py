"""zstd for the store: the module (the standard library's from Python 3.14, else its backport)
and compression by kept compressors.

``zstd.compress`` makes a compressor and loads the dictionary into it on every call, which took
40 % of a raw page's compression (0.33 vs 0.19 ms for a 34 KB replica page with a trained
dictionary) and a fifth of an output blob's (0.145 vs 0.113 ms; bench/RESULTS.md, issue 15).
No SQLAlchemy here: parse workers pack outputs with it (harvester.storage.records)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

try:  # the standard library's from Python 3.14
    from compression import zstd  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - depends on the Python version
    from backports import zstd  # type: ignore[import-not-found,no-redef]

__all__ = ["compress", "zstd"]

#: Compressors kept per thread (a few sites' dictionaries and the output dictionary at a time).
KEPT = 32

_local = threading.local()


def compress(data: bytes, level: int, dictionary: Any = None) -> bytes:
    """``zstd.compress(data, level, zstd_dict=dictionary)``, the same bytes, by a compressor kept
    per (dictionary, level). Compressors are per thread (a store thread and a re-parse may share
    the module) and the last KEPT kept."""
    cache: OrderedDict[tuple[int, int], tuple[Any, Any]] | None = getattr(_local, "compressors", None)
    if cache is None:
        cache = _local.compressors = OrderedDict()
    key = (id(dictionary), level)
    entry = cache.get(key)
    if entry is None or entry[0] is not dictionary:
        # the dictionary is kept in the entry: its id cannot be reused while the entry lives
        entry = (dictionary, zstd.ZstdCompressor(level, zstd_dict=dictionary))
        cache[key] = entry
        while len(cache) > KEPT:
            cache.popitem(last=False)
    cache.move_to_end(key)
    try:
        return entry[1].compress(data, zstd.ZstdCompressor.FLUSH_FRAME)
    except BaseException:
        del cache[key]  # a compressor stopped mid-frame is not reused
        raise
