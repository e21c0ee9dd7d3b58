"""Conversions between report items and stored rows (shared by the store, re-parse and export)."""

from __future__ import annotations

import hashlib
import json
import keyword
import math
import threading
import zlib
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import orjson

from ..items import ReportItem, Stat

from . import compression
from .compression import zstd

if TYPE_CHECKING:  # no SQLAlchemy import here: parse workers prepare rows with this module
    from .models import Report, Snapshot

#: Fields filled from the fetch, not by the parser: they do not make a new report version.
PROVENANCE_FIELDS = ("fetched_at", "content_sha256", "status", "final_url", "harvest_run")
#: Report item fields stored as plain columns of ``reports`` (what SQL and Datasette filter on).
SCALAR_FIELDS = (
    "title",
    "report_year",
    "agency",
    "publisher",
    "region",
    "region_code",
    "published_date",
    "signed_date",
    "index_no",
    "doc_no",
    "category",
)
#: Report item fields kept in ``reports.output``, one compressed JSON blob (pack_output).
PACKED_FIELDS = ("body_text", "sections", "stats", "tables", "attachments", "cleaning")
_PACKED_DEFAULTS: dict[str, Any] = {"body_text": "", "cleaning": {}}
#: Small JSON columns of ``reports`` (Datasette shows them): list / object.
JSON_COLUMNS = {"warnings": list, "field_sources": dict}


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def parse_timestamp(value: str | datetime | None) -> datetime:
    """An ISO 8601 time (``...Z`` accepted) as an aware UTC datetime; now when missing/invalid."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if value:
        try:
            parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
        except ValueError:
            pass
    return utcnow()


def iso(value: datetime | None) -> str | None:
    """UTC ISO 8601 with a trailing Z, as PageItem.fetched_at."""
    if value is None:
        return None
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def sanitize(value: Any) -> Any:
    """JSON-safe copy: NUL characters removed (PostgreSQL text refuses them), odd types as str."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace").replace("\x00", "")
    if isinstance(value, dict):
        return {str(sanitize(k)): sanitize(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [sanitize(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, datetime):
        return iso(value)
    return str(value)


def normalise_headers(headers: Any) -> dict[str, list[str]]:
    """Header names lower-cased, each with its list of str values (Scrapy Headers or a dict)."""
    result: dict[str, list[str]] = {}
    if not headers:
        return result
    items = headers.items() if hasattr(headers, "items") else headers
    for name, values in items:
        if isinstance(name, bytes):
            name = name.decode("latin-1")
        if not isinstance(values, (list, tuple)):
            values = [values]
        decoded = [v.decode("latin-1") if isinstance(v, bytes) else str(v) for v in values]
        result.setdefault(str(name).lower(), []).extend(decoded)
    return sanitize(result)


def first_header(headers: dict[str, list[str]], name: str) -> str | None:
    values = headers.get(name.lower())
    return values[0] if values else None


def parsed_output(item: ReportItem) -> dict[str, Any]:
    """What the parser decided: the item without provenance, JSON-safe.

    The same result as ``sanitize(item.to_dict())`` without the provenance fields, built in one
    pass over the item (to_dict then sanitize made two full copies of every report's output:
    bench/RESULTS.md, hot spot 5)."""
    names = _field_names(type(item))
    if names is None:
        data = sanitize(item.to_dict())
        for name in PROVENANCE_FIELDS:
            data.pop(name, None)
        return data
    return {name: _json_safe(getattr(item, name)) for name in names if name not in _PROVENANCE}


_PROVENANCE = frozenset(PROVENANCE_FIELDS)
_FIELD_NAMES: dict[type, tuple[str, ...] | None] = {}


def _field_names(cls: type) -> tuple[str, ...] | None:
    """Field names of a dataclass type (cached), None for other types."""
    try:
        return _FIELD_NAMES[cls]
    except KeyError:
        names = tuple(f.name for f in fields(cls)) if is_dataclass(cls) else None
        _FIELD_NAMES[cls] = names
        return names


#: Whether what _json_safe made in this thread since ``_plain.odd`` was last cleared may be
#: written differently by orjson than by json.dumps (see _dumps).
_plain = threading.local()
#: Floats that orjson and json.dumps write alike: Python's repr switches to an exponent outside
#: this range (1e-05, 1e+16), orjson writes some of those otherwise (0.00001, 1e16 in some
#: versions).
_PLAIN_FLOATS = (1e-4, 1e16)


def _json_safe(value: Any) -> Any:
    """``sanitize(dataclasses.asdict-like copy of value)`` in one pass: dataclasses become dicts."""
    kind = type(value)
    if kind is str:
        return value.replace("\x00", "") if "\x00" in value else value
    if value is None or kind is int or kind is bool:
        return value
    if kind is float:
        if _PLAIN_FLOATS[0] <= abs(value) < _PLAIN_FLOATS[1] or value == 0:
            return value
        _plain.odd = True  # NaN and infinities become None (plain), others are written apart
        return value if math.isfinite(value) else None
    if kind is list or kind is tuple:
        kinds = set(map(type, value))
        if len(kinds) == 1:  # a report's lists are of one kind: statistics, cells, warnings
            (one,) = kinds
            if one is str:
                return list(value) if "\x00" not in "".join(value) else [v.replace("\x00", "") for v in value]
            convert = _converter(one)
            if convert is not None:
                return [convert(v) for v in value]
        return [_json_safe(v) for v in value]
    if kind is dict:
        return {str(_json_safe(k)): _json_safe(v) for k, v in value.items()}
    convert = _converter(kind)
    if convert is not None:
        return convert(value)
    if isinstance(value, dict):
        return {str(_json_safe(k)): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    _plain.odd = True  # int and float subclasses stay as they are
    return sanitize(value)  # sets, bytes, datetimes, subclasses of str/int/float, other types


_CONVERTERS: dict[type, Callable[[Any], dict[str, Any]] | None] = {}
#: A leaf kept as it is by _json_safe, and plain (_PLAIN_FLOATS), written out for field ``{0}``.
_PLAIN_LEAF = ("(type({0}) is str and '\\x00' not in {0} or {0} is None or type({0}) is int"
               " or type({0}) is float and (_LOW <= abs({0}) < _HIGH or {0} == 0) or type({0}) is bool)")


def _converter(cls: type) -> Callable[[Any], dict[str, Any]] | None:
    """``_json_safe`` of an instance of dataclass ``cls`` (None for other types), made for its
    fields as dataclasses makes ``__init__``: the fields read once and the dict made as it is
    when every one is a plain leaf, else field by field by _json_safe. Half the time of a loop
    over the names for the ~70 statistics of a report (bench/RESULTS.md, issue 15)."""
    try:
        return _CONVERTERS[cls]
    except KeyError:
        pass
    names = _field_names(cls)
    convert = None
    if names and all(n.isidentifier() and not keyword.iskeyword(n) for n in names):
        leaves = [f"_{i}" for i in range(len(names))]
        source = "\n".join([
            "def convert(value):",
            *(f"    {leaf} = value.{name}" for leaf, name in zip(leaves, names)),
            "    if " + " and ".join(_PLAIN_LEAF.format(leaf) for leaf in leaves) + ":",
            "        return {" + ", ".join(f"{name!r}: {leaf}" for leaf, name in zip(leaves, names)) + "}",
            "    return {" + ", ".join(f"{name!r}: _json_safe({leaf})" for leaf, name in zip(leaves, names)) + "}",
        ])
        namespace = {"_json_safe": _json_safe, "_LOW": _PLAIN_FLOATS[0], "_HIGH": _PLAIN_FLOATS[1]}
        exec(compile(source, f"<records._converter {cls.__qualname__}>", "exec"), namespace)
        convert = namespace["convert"]
    elif names is not None:
        def convert(value: Any, names: tuple[str, ...] = names) -> dict[str, Any]:
            return {name: _json_safe(getattr(value, name)) for name in names}
    _CONVERTERS[cls] = convert
    return convert


def _plain_output(item: ReportItem) -> tuple[dict[str, Any], bool]:
    """parsed_output of ``item``, and whether it holds only values that orjson writes byte for
    byte as json.dumps does (exact str, int, bool, None, lists, dicts with str keys, floats in
    _PLAIN_FLOATS): then _dumps may serialise it with orjson."""
    _plain.odd = False
    output = parsed_output(item)
    return output, _field_names(type(item)) is not None and not _plain.odd


def _dumps(value: Any, plain: bool, sort_keys: bool = False) -> bytes:
    """``json.dumps(value, ensure_ascii=False, sort_keys=sort_keys, separators=(",", ":"))`` as
    UTF-8, by orjson when ``value`` is plain (_plain_output): ~6x faster, the same bytes
    (tests/storage/test_output_json.py checks orjson's strings and floats against json's)."""
    if plain:
        try:
            return orjson.dumps(value, option=orjson.OPT_SORT_KEYS if sort_keys else 0)
        except (TypeError, ValueError):  # an int beyond 64 bits, a lone surrogate: json decides
            pass
    return json.dumps(value, ensure_ascii=False, sort_keys=sort_keys, separators=(",", ":")).encode("utf-8")


def output_digest(output: dict[str, Any], *, plain: bool = False) -> str:
    """SHA-256 of the canonical JSON of the parser output (parser_version excluded: a new parser
    that produces the same output does not make a new version): json.dumps with sorted keys,
    compact separators, UTF-8. Stored digests are compared with it: never change these bytes.
    ``plain``: ``output`` came from _plain_output saying so (then orjson writes them)."""
    payload = {k: v for k, v in output.items() if k != "parser_version"}
    return hashlib.sha256(_dumps(payload, plain, sort_keys=True)).hexdigest()


def changed_fields(old: dict[str, Any] | None, new: dict[str, Any]) -> list[str]:
    """Names of the report fields whose value differs (parser_version ignored)."""
    if old is None:
        return []
    names = (set(old) | set(new)) - {"parser_version"}
    return sorted(n for n in names if old.get(n) != new.get(n))


#: The preset dictionary new output blobs are compressed with (dictionaries/output-N.txt).
#: Never edit a published dictionary: add output-(N+1).txt and point this at it; blobs name the
#: dictionary they need, so rows written with any earlier dictionary, or none, keep reading.
OUTPUT_DICTIONARY = 1
#: zstd level of output blobs: on the scaled replica's reports level 5 is half the CPU of the
#: zlib level 9 it replaced (migration 0010) and ~1 % smaller (bench/RESULTS.md).
OUTPUT_LEVEL = 5
#: A zstd blob opens with a skippable frame (RFC 8878 3.1.2: magic 0x184D2A50, 4 bytes of
#: content) holding the dictionary's number: the zstd frame header has no id for a raw-content
#: dictionary. Any zstd decoder skips it; the zstd frame follows.
_ZSTD_PREFIX = (0x184D2A50).to_bytes(4, "little") + (4).to_bytes(4, "little")
_DICTIONARY_DIR = Path(__file__).parent / "dictionaries"


@lru_cache(maxsize=None)
def output_dictionary(number: int) -> bytes:
    """Preset dictionary ``number`` of the output blob: what every report repeats, the canonical
    statistic keys (DESIGN.md vocabulary), the JSON skeleton of a parser output, then the labels
    and section titles of the national standard format (国办公开办函〔2019〕60号 / 〔2021〕30号)."""
    return (_DICTIONARY_DIR / f"output-{number}.txt").read_bytes()


@lru_cache(maxsize=None)
def _zstd_dictionary(number: int) -> Any:
    """Dictionary ``number`` as zstd uses it (raw content), or None when this version lacks it."""
    try:
        return zstd.ZstdDict(output_dictionary(number), is_raw=True)
    except FileNotFoundError:
        return None


@lru_cache(maxsize=None)
def _dictionaries_by_id() -> dict[int, bytes]:
    found = {}
    for path in _DICTIONARY_DIR.glob("output-*.txt"):
        data = output_dictionary(int(path.stem.split("-")[1]))
        found[zlib.adler32(data)] = data
    return found


def pack_output(output: dict[str, Any], *, plain: bool = False, stats: Any = None) -> bytes:
    """The long part of a parser output (PACKED_FIELDS) as zstd-compressed compact UTF-8 JSON,
    with preset dictionary OUTPUT_DICTIONARY. body_text and sections repeat the same text and
    tables/statistics repeat their labels: compressed together they take a few KB. Statistics
    are written as columns (``{"fields": [...], "rows": [[...], ...]}``) when they all have the
    same fields: their names are not repeated 70 times. ``plain`` as in output_digest;
    ``stats``: _stats_columns of the output's statistics, when the caller has made it."""
    payload = {name: output.get(name) for name in PACKED_FIELDS}
    payload["stats"] = _stats_columns(payload["stats"]) if stats is None else stats
    data = _dumps(payload, plain)
    return (_ZSTD_PREFIX + OUTPUT_DICTIONARY.to_bytes(4, "little")
            + compression.compress(data, OUTPUT_LEVEL, _zstd_dictionary(OUTPUT_DICTIONARY)))


def _stats_columns(stats: Any, fields: tuple[str, ...] | None = None) -> Any:
    """Statistics as the output blob holds them: as columns when they all have the same fields
    (``fields`` when the caller knows them: then they are not checked one by one)."""
    if fields is not None and stats:
        return {"fields": list(fields), "rows": [list(s.values()) for s in stats]}
    if not stats or not isinstance(stats, list) or not all(isinstance(s, dict) for s in stats):
        return stats
    fields_ = list(stats[0])
    if any(list(s) != fields_ for s in stats):
        return stats
    return {"fields": fields_, "rows": [list(s.values()) for s in stats]}


def _stats_rows(stats: Any) -> Any:
    if isinstance(stats, dict) and "fields" in stats:
        return [dict(zip(stats["fields"], row)) for row in stats["rows"]]
    return stats


def decompress_output(blob: bytes) -> bytes:
    """The JSON of an output blob: zstd with the preset dictionary its first frame names (since
    migration 0010), zlib with the preset dictionary its header names (0009), or plain zlib."""
    if blob[:8] == _ZSTD_PREFIX:
        number = int.from_bytes(blob[8:12], "little")
        dictionary = _zstd_dictionary(number)
        if dictionary is None:
            from .engine import StorageError

            raise StorageError(f"a report output needs preset dictionary output-{number}, unknown to this "
                               "version of harvester (upgrade harvester)")
        return zstd.decompress(blob[12:], zstd_dict=dictionary)
    if len(blob) >= 6 and blob[1] & 0x20:  # FDICT: a DICTID follows the two header bytes
        dictid = int.from_bytes(blob[2:6], "big")
        zdict = _dictionaries_by_id().get(dictid)
        if zdict is None:
            from .engine import StorageError

            raise StorageError(f"a report output needs preset dictionary {dictid:08x}, unknown to this "
                               "version of harvester (upgrade harvester)")
        decompressor = zlib.decompressobj(zdict=zdict)
        return decompressor.decompress(blob) + decompressor.flush()
    return zlib.decompress(blob)


def unpack_output(blob: bytes | None) -> dict[str, Any]:
    data = json.loads(decompress_output(blob)) if blob else {}
    if "stats" in data:
        data["stats"] = _stats_rows(data["stats"])
    return {name: data.get(name) if data.get(name) is not None else _empty(name) for name in PACKED_FIELDS}


def _empty(name: str) -> Any:
    default = _PACKED_DEFAULTS.get(name, [])
    return type(default)() if not isinstance(default, str) else default


def report_row_values(output: dict[str, Any], *, plain: bool = False, stats: Any = None) -> dict[str, Any]:
    """The columns of ``reports`` of a new version; ``plain`` and ``stats`` as in pack_output."""
    values = {name: output.get(name) for name in SCALAR_FIELDS}
    for name, kind in JSON_COLUMNS.items():
        values[name] = output.get(name) or kind()
    values["output"] = pack_output(output, plain=plain, stats=stats)
    return values


#: The fields of a statistic (items.Stat) in order: the columns stat_rows reads by position.
_STAT_FIELDS = [f.name for f in fields(Stat)]
#: What a row of stat_rows holds, in order: report_stats' columns, with the key, label and
#: section as text (the store numbers them).
STAT_ROW_FIELDS = ("position", "key", "value", "unit", "source", "label", "section")


def stat_rows(output: dict[str, Any], *, stats: Any = None) -> list[tuple]:
    """Rows of report_stats (STAT_ROW_FIELDS tuples) of the statistics that have a value.
    Tuples, not dicts: a parse worker ships them to the crawl process, where unpickling ~70 dicts
    a report cost 2.5x as much CPU as the tuples (scaled replica pages). ``stats``:
    _stats_columns of the output's statistics, when the caller has made it: rows are read from
    its columns by position when they are items.Stat's (0.048 -> 0.033 ms of CPU on a report of
    the scaled replica, ~70 statistics)."""
    listed = output.get("stats")
    if stats is None:
        stats = _stats_columns(listed)
    if stats is not listed and stats["fields"] == _STAT_FIELDS:  # columns of a list of statistics
        return [(position, key, float(value), unit, source, label, section)
                for position, (key, value, unit, label, source, section, _origin, _confidence) in enumerate(stats["rows"])
                if value is not None]
    return [(position, stat.get("key"), float(stat["value"]), stat.get("unit"), stat.get("source"), stat.get("label"),
             stat.get("section"))
            for position, stat in enumerate(listed or []) if stat.get("value") is not None]


def attachment_rows(output: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"position": position, "url": a.get("url"), "name": a.get("name"), "kind": a.get("kind")}
        for position, a in enumerate(output.get("attachments") or [])
    ]


def stat_value(value: float) -> int | float:
    """Counts come back as int (the database keeps a float column for amounts like 12.5 万元)."""
    return int(value) if float(value).is_integer() else value


def report_output(report: Report, *_ignored: Any) -> dict[str, Any]:
    """The parser output of a stored report version (inverse of report_row_values): scalar
    columns + warnings + the unpacked ``output`` blob. (Extra arguments, the statistic and
    attachment rows of older callers, are not needed: the blob holds both, with labels.)"""
    data: dict[str, Any] = {"site": report.site_key, "url": report.url}
    for name in SCALAR_FIELDS:
        data[name] = getattr(report, name)
    packed = unpack_output(report.output)
    data["body_text"] = packed["body_text"] or ""
    data["sections"] = packed["sections"]
    data["stats"] = [dict(s, value=stat_value(s["value"])) if s.get("value") is not None else dict(s)
                     for s in packed["stats"]]
    data["tables"] = packed["tables"]
    data["attachments"] = packed["attachments"]
    data["warnings"] = list(report.warnings or [])
    data["cleaning"] = packed["cleaning"]
    data["field_sources"] = dict(report.field_sources or {})
    data["parser_version"] = report.parser_version
    return data


def provenance(snapshot: Snapshot) -> dict[str, Any]:
    return {
        "fetched_at": iso(snapshot.fetched_at),
        "content_sha256": snapshot.content_sha256,
        "status": snapshot.status,
        "final_url": snapshot.final_url,
        "harvest_run": snapshot.harvest_run_id,
    }


def report_item(report: Report, snapshot: Snapshot, *_ignored: Any) -> ReportItem:
    """A ReportItem rebuilt from the database, provenance from its snapshot."""
    data = report_output(report)
    data.update(provenance(snapshot))
    return ReportItem.from_dict(data)


@dataclass
class PreparedOutput:
    """What storing a parse result as a new report version writes, computed from the report item
    alone (no database): by the store, or ahead of it in a parse worker (harvester.pool) so that
    the crawl process does not spend its one core (GIL) on JSON, hashing and compression.

    Made in two steps (prepare_output): the digest, which tells whether the report changed, then
    the rows (``pack``), which only a new version needs: re-parse never packs an unchanged page."""

    parser_version: str
    #: output_digest of the parsed output.
    digest: str
    #: The parsed output (parsed_output + parser_version): what changed_fields compares. None
    #: where only the rows travel (a parse worker ships the rows without it).
    output: dict[str, Any] | None = None
    #: report_row_values: the scalar columns, warnings, field_sources and the packed output blob
    #: (None until packed).
    row_values: dict[str, Any] | None = None
    #: stat_rows (STAT_ROW_FIELDS tuples) and attachment_rows of the output (empty until packed).
    stats: list[tuple] = field(default_factory=list)
    attachments: list[dict[str, Any]] = field(default_factory=list)
    #: The output is plain JSON (_plain_output): orjson may write it.
    plain: bool = False
    #: The fields of every statistic of ``output``, in order, when prepare_output made them all
    #: from instances of one dataclass: pack writes them as columns without checking each.
    stat_fields: tuple[str, ...] | None = None

    def pack(self) -> "PreparedOutput":
        """The rows of a new version, made once from the output (the blob compression is the
        costly part)."""
        if self.row_values is None:
            stats = _stats_columns(self.output.get("stats"), self.stat_fields)
            self.row_values = report_row_values(self.output, plain=self.plain, stats=stats)
            self.stats = stat_rows(self.output, stats=stats)
            self.attachments = attachment_rows(self.output)
        return self


def prepare_output(report: ReportItem, *, pack: bool = True) -> PreparedOutput:
    """The rows of ``report`` as a stored report version (parser_version as the store records
    it); with ``pack=False`` only the output and its digest (``.pack()`` adds the rows later)."""
    output, plain = _plain_output(report)
    output["parser_version"] = stored_parser_version(report)
    prepared = PreparedOutput(output["parser_version"], output_digest(output, plain=plain), output, plain=plain,
                              stat_fields=_stat_fields(report))
    return prepared.pack() if pack else prepared


def _stat_fields(report: ReportItem) -> tuple[str, ...] | None:
    """The fields of every statistic of parsed_output(report), in order, when they were all made
    by one dataclass's _converter (None when not known so): pack then does not check them one
    by one (~0.02 ms of CPU per report of the scaled replica, ~70 statistics)."""
    stats = getattr(report, "stats", None)
    names = _field_names(type(report))
    if not stats or type(stats) not in (list, tuple) or names is None or "stats" not in names:
        return None
    kinds = set(map(type, stats))
    if len(kinds) != 1:
        return None
    kind = kinds.pop()
    return _field_names(kind) if _converter(kind) is not None else None


def stored_parser_version(report: ReportItem) -> str:
    """The parser version stored with a parse of ``report``: the one it names, else this parser's."""
    version = getattr(report, "parser_version", None)
    if version:
        return version
    from ..parsing import PARSER_VERSION

    return PARSER_VERSION


class ParsedForStore:
    """A parse result as the store reads it, and all the store reads of one (the store knows no
    transport type). ``kind``, ``reason`` and ``item`` are the ParseResult's; the rest defaults
    to computing from ``item``. A parse worker's result (harvester.pool.ShippedResult) subclasses
    it and answers from what the worker computed, so that its report is not unpickled in the
    crawl process for them. Any other parse result is seen through :func:`for_store`."""

    __slots__ = ()
    kind: str
    reason: str
    #: SHA-256 of the parsed body when the parse computed it (the store hashes it otherwise).
    content_sha256: str | None = None

    @property
    def item(self) -> ReportItem:
        raise NotImplementedError

    def stored_parser_version(self) -> str:
        """The parser version the store records for this result."""
        return stored_parser_version(self.item)

    def stat_strings(self) -> tuple[set[str], set[str]]:
        """The statistic keys and texts the report needs numbered (see stat_strings)."""
        return stat_strings(self.item)

    def report_rows(self) -> PreparedOutput:
        """prepare_output of the report, packed (a new page's report version)."""
        return prepare_output(self.item)


class _LocalResult(ParsedForStore):
    """A ParseResult made in this process (or any object with kind, reason and item)."""

    __slots__ = ("_result",)

    def __init__(self, result: Any) -> None:
        self._result = result

    @property
    def kind(self) -> str:  # type: ignore[override]
        return self._result.kind

    @property
    def reason(self) -> str:  # type: ignore[override]
        return self._result.reason

    @property
    def item(self) -> ReportItem:
        return self._result.item


def for_store(result: Any) -> ParsedForStore | None:
    """``result`` (a ParseResult, a ParsedForStore or None) as the store reads it."""
    if result is None or isinstance(result, ParsedForStore):
        return result
    return _LocalResult(result)


def stat_strings(report: ReportItem | None) -> tuple[set[str], set[str]]:
    """The statistic keys and the label/section texts ``report`` needs numbered (stat_keys,
    stat_texts): every statistic's, with or without a value, texts sanitized. The texts are
    sanitized one by one only when some are not str or hold a NUL (0.042 -> 0.019 ms of CPU on
    a report of the scaled replica: ~70 statistics, ~30 texts)."""
    stats = getattr(report, "stats", None) or []
    texts = {s.label for s in stats} | {s.section for s in stats}
    texts.discard(None)
    texts.discard("")
    if not set(map(type, texts)) <= {str} or "\x00" in "".join(texts):
        texts = {sanitize(t) for s in stats for t in (s.label, s.section) if t}
    return {s.key for s in stats}, texts
