"""Raw pages compressed with a per-site zstd dictionary (issue 15, bytes on disk per report).

Pages of one site share most of their bytes: header, navigation, link directories, footer,
inline scripts. zlib compresses each page alone (its 32 KB window sees nothing of the other
pages); zstd with a raw-content dictionary made of one page of the site finds that chrome in the
dictionary. Measured: the scaled replica's pages 5.7 KB -> 3.3 KB each; the real pages of
/work/shared/corpus/pingtan (different years, two site designs) 17.9 KB -> 6.0 KB with three of
its pages as dictionary.

The dictionary of a site is its first stored page (``body_dictionaries``, compressed itself);
each body row names the dictionary it needs (``bodies.dictionary_id``), and dictionary rows
never change, so decompression is exact for every body ever written (tests/storage/test_rawpages.py
round-trips bytes). Bodies without a dictionary (before migration 0009, attachment files) stay zlib.
"""

from __future__ import annotations

import zlib
from collections import OrderedDict
from typing import Any

try:  # Python >= 3.14
    from compression import zstd  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - depends on the Python version
    from backports import zstd  # type: ignore[import-not-found,no-redef]

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import BodyDictionary

#: zstd level of pages: as fast as zlib level 6 was, smaller with the dictionary.
LEVEL = 6
#: A dictionary holds at most this many bytes of its sample page (zstd reads the whole
#: dictionary at every compression: bigger costs time for little gain).
MAX_DICTIONARY = 128 * 1024
#: Dictionaries kept in memory per cache (a few sites harvested at once; memory stays flat).
CACHED = 32


def make_dictionary(sample: bytes) -> tuple[int, bytes]:
    """(size, stored bytes) of a dictionary made from a sample page."""
    content = sample[-MAX_DICTIONARY:]
    return len(content), zstd.compress(content, 19)


def compress(body: bytes, dictionary: Any) -> bytes:
    return zstd.compress(body, LEVEL, zstd_dict=dictionary)


def decompress(compression: str, data: bytes, dictionary: Any = None) -> bytes:
    """The raw bytes of a body row."""
    if compression == "zlib":
        return zlib.decompress(data)
    if compression == "zstd":
        return zstd.decompress(bytes(data), zstd_dict=dictionary) if dictionary is not None else zstd.decompress(bytes(data))
    if compression in ("", "none", None):
        return bytes(data)
    raise ValueError(f"body compressed as {compression!r}, unknown to this version of harvester")


class Dictionaries:
    """zstd dictionaries by row id, loaded on demand, the last CACHED kept (one per Store or
    session: ids are per database)."""

    def __init__(self) -> None:
        self._by_id: OrderedDict[int, Any] = OrderedDict()
        self._by_site: OrderedDict[str, tuple[int, Any]] = OrderedDict()

    def clear(self) -> None:
        self._by_id.clear()
        self._by_site.clear()

    def get(self, session: Session, dictionary_id: int) -> Any:
        found = self._by_id.get(dictionary_id)
        if found is None:
            data = session.scalar(select(BodyDictionary.data).where(BodyDictionary.id == dictionary_id))
            if data is None:
                raise ValueError(f"body dictionary {dictionary_id} is missing from the database")
            found = zstd.ZstdDict(zstd.decompress(bytes(data)), is_raw=True)
        self._remember(self._by_id, dictionary_id, found)
        return found

    def for_site(self, session: Session, site_key: str, sample: bytes, now: Any) -> tuple[int, Any]:
        """The site's latest dictionary, made from ``sample`` (the page being stored) when the
        site has none yet. Two workers may both make one for a new site: each body names its
        own, both stay valid."""
        found = self._by_site.get(site_key)
        if found is None:
            row = session.execute(select(BodyDictionary.id, BodyDictionary.data)
                                  .where(BodyDictionary.site_key == site_key)
                                  .order_by(BodyDictionary.id.desc()).limit(1)).first()
            if row is None:
                size, data = make_dictionary(sample)
                entry = BodyDictionary(site_key=site_key, kind="raw", size=size, data=data, created_at=now)
                session.add(entry)
                session.flush()
                row = (entry.id, data)
            found = (row[0], zstd.ZstdDict(zstd.decompress(bytes(row[1])), is_raw=True))
            self._remember(self._by_id, found[0], found[1])
        self._remember(self._by_site, site_key, found)
        return found

    @staticmethod
    def _remember(cache: OrderedDict, key: Any, value: Any) -> None:
        cache[key] = value
        cache.move_to_end(key)
        while len(cache) > CACHED:
            cache.popitem(last=False)


def session_dictionaries(session: Session) -> Dictionaries:
    """The dictionary cache of a session (readers without a Store: re-parse, attachments)."""
    cache = session.info.get("harvester_dictionaries")
    if cache is None:
        cache = session.info["harvester_dictionaries"] = Dictionaries()
    return cache
