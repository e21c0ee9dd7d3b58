"""Raw pages compressed with a per-site zstd dictionary (issue 15, bytes on disk per report).

Pages of one site share most of their bytes: header, navigation, link directories, footer,
inline scripts. zlib compresses each page alone (its 32 KB window sees nothing of the other
pages); zstd with a raw-content dictionary made of one page of the site finds that chrome in the
dictionary. Measured: the scaled replica's pages 5.7 KB -> 3.3 KB each; the real pages of
/work/shared/corpus/pingtan (different years, two site designs) 17.9 KB -> 6.0 KB with three of
its pages as dictionary.

The first dictionary of a site is its first stored page of MIN_SAMPLE bytes or more (``body_dictionaries``, kind ``raw``,
compressed itself). Once a process has stored TRAIN_AFTER more pages of the site, it trains a
zstd dictionary on them (kind ``trained``, 64 KiB; measured on the scaled replica: 3.3 KB ->
2.2-2.7 KB per page) and the site's later pages use that one. Each body row names the dictionary it needs (``bodies.dictionary_id``), and dictionary rows
never change, so decompression is exact for every body ever written (tests/storage/test_rawpages.py
round-trips bytes). Bodies without a dictionary (before migration 0009, attachment files) stay zlib;
`harvester db compact` (harvester.storage.compact) recompresses the pages among them.
"""

from __future__ import annotations

import zlib
from collections import OrderedDict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .engine import StorageError
from .models import BodyDictionary
from . import compression
from .compression import zstd

#: zstd level of the pages a crawl stores (zstd's default). Level 6 stored ~10 % smaller pages for
#: 2.5-3x the CPU, which the crawl process pays in its store thread: with a trained dictionary on
#: the scaled replica's pages 2.61 vs 2.36 KB, 0.053 vs 0.157 ms a page; real pingtan pages
#: (150 KB, raw dictionary) 6.1 vs 5.4 KB, 0.13 vs 0.34 ms; zlib level 6 alone 5.7 and 17.3 KB
#: (bench/RESULTS.md, issue 15, store thread).
LEVEL = 3
#: zstd level of `harvester db compact` (harvester.storage.compact): an offline pass whose point
#: is bytes, not CPU; it keeps zlib where zstd is not smaller, which a page whose site's
#: dictionary does not fit it (another design) is more often at level 3.
COMPACT_LEVEL = 6
#: A dictionary holds at most this many bytes of its sample page (zstd reads the whole
#: dictionary at every compression: bigger costs time for little gain).
MAX_DICTIONARY = 128 * 1024
#: A page shorter than this (an empty answer, an error stub) never becomes a site's first
#: dictionary (zstd refuses one under 8 bytes; a stub would be a useless one): it is stored
#: without a dictionary, and the site's first longer page makes it.
MIN_SAMPLE = 1024
#: Dictionaries kept in memory per cache (a few sites harvested at once; memory stays flat).
CACHED = 32
#: Pages of a site (stored by this process) a trained dictionary is made from, the first
#: SAMPLE_BYTES of each (the chrome is at the top; memory: at most SAMPLING sites at a time).
TRAIN_AFTER = 50
SAMPLE_BYTES = 32 * 1024
SAMPLING = 4
TRAINED_SIZE = 64 * 1024
#: zstd level a dictionary is stored at: once per site, so per site of a few dozen pages it
#: counted; level 19 took ~20 ms for a raw and ~25 ms for a trained dictionary of the scaled
#: replica, level 9 under 1 ms for 2-6 % more bytes (~0.5 KB a site).
DICTIONARY_LEVEL = 9


def make_dictionary(sample: bytes) -> tuple[int, bytes]:
    """(size, stored bytes) of a dictionary made from a sample page."""
    content = sample[-MAX_DICTIONARY:]
    return len(content), zstd.compress(content, DICTIONARY_LEVEL)


def compress(body: bytes, dictionary: Any, level: int = LEVEL) -> bytes:
    return compression.compress(body, level, dictionary)


def decompress(compression: str, data: bytes, dictionary: Any = None) -> bytes:
    """The raw bytes of a body row."""
    if compression == "zlib":
        return zlib.decompress(data)
    if compression == "zstd":
        return zstd.decompress(bytes(data), zstd_dict=dictionary) if dictionary is not None else zstd.decompress(bytes(data))
    if compression in ("", "none", None):
        return bytes(data)
    raise StorageError(f"a body compressed as {compression!r}, unknown to this version of harvester")


class Dictionaries:
    """zstd dictionaries by row id, loaded on demand, the last CACHED kept (one per Store or
    session: ids are per database)."""

    def __init__(self) -> None:
        self._by_id: OrderedDict[int, Any] = OrderedDict()
        self._by_site: OrderedDict[str, tuple[int, Any]] = OrderedDict()
        self._samples: OrderedDict[str, list[bytes]] = OrderedDict()

    def clear(self) -> None:
        self._by_id.clear()
        self._by_site.clear()
        self._samples.clear()

    def get(self, session: Session, dictionary_id: int) -> Any:
        found = self._by_id.get(dictionary_id)
        if found is None:
            row = session.execute(select(BodyDictionary.kind, BodyDictionary.data)
                                  .where(BodyDictionary.id == dictionary_id)).first()
            if row is None:
                raise StorageError(f"body dictionary {dictionary_id} is missing from the database")
            found = _load(*row)
        self._remember(self._by_id, dictionary_id, found)
        return found

    def for_site(self, session: Session, site_key: str, sample: bytes, now: Any) -> tuple[int | None, Any]:
        """The site's latest dictionary, made from ``sample`` (the page being stored) when the
        site has none yet; (None, None) while the site has none and ``sample`` is too short to
        be one. Two workers may both make one for a new site: each body names its own, both
        stay valid."""
        found = self._by_site.get(site_key)
        if found is None:
            row = session.execute(select(BodyDictionary.id, BodyDictionary.kind, BodyDictionary.data)
                                  .where(BodyDictionary.site_key == site_key)
                                  .order_by(BodyDictionary.id.desc()).limit(1)).first()
            if row is None:
                if len(sample) < MIN_SAMPLE:
                    return None, None
                size, data = make_dictionary(sample)
                row = (self._add(session, site_key, "raw", size, data, now), "raw", data)
            found = (row[0], _load(row[1], row[2]))
            self._remember(self._by_id, found[0], found[1])
            if row[1] == "raw":
                self._samples.setdefault(site_key, [])
                while len(self._samples) > SAMPLING:
                    self._samples.popitem(last=False)
        samples = self._samples.get(site_key)
        if samples is not None:
            samples.append(sample[:SAMPLE_BYTES])
            if len(samples) >= TRAIN_AFTER:
                del self._samples[site_key]
                trained = _train(samples)
                if trained is not None:
                    content = trained.dict_content
                    number = self._add(session, site_key, "trained", len(content),
                                       zstd.compress(content, DICTIONARY_LEVEL), now)
                    found = (number, trained)
                    self._remember(self._by_id, number, trained)
        self._remember(self._by_site, site_key, found)
        return found

    @staticmethod
    def _add(session: Session, site_key: str, kind: str, size: int, data: bytes, now: Any) -> int:
        entry = BodyDictionary(site_key=site_key, kind=kind, size=size, data=data, created_at=now)
        session.add(entry)
        session.flush()
        return entry.id

    @staticmethod
    def _remember(cache: OrderedDict, key: Any, value: Any) -> None:
        cache[key] = value
        cache.move_to_end(key)
        while len(cache) > CACHED:
            cache.popitem(last=False)


def _load(kind: str, data: bytes) -> Any:
    return zstd.ZstdDict(zstd.decompress(bytes(data)), is_raw=(kind == "raw"))


def _train(samples: list[bytes]) -> Any:
    """A trained dictionary, or None when zstd cannot train on these samples (too few bytes,
    all alike): the site keeps its raw dictionary."""
    try:
        return zstd.train_dict(samples, TRAINED_SIZE)
    except zstd.ZstdError:
        return None


def session_dictionaries(session: Session) -> Dictionaries:
    """The dictionary cache of a session (readers without a Store: re-parse, attachments)."""
    cache = session.info.get("harvester_dictionaries")
    if cache is None:
        cache = session.info["harvester_dictionaries"] = Dictionaries()
    return cache
