"""``python -m bench.containers``: main-content extraction, the project's finder vs trafilatura vs
readability-lxml, on every real and fixture page that has an expectation file (issue 10, item 2).

For each page and each extractor it measures

- **kept**: share of the expectation's ``body_must_contain`` fragments found in the output, and of
  its ``section_titles`` (the level-1 headings every report prints: a finder that keeps one
  section of five loses most of them);
- **clean**: share of the ``body_must_not_contain`` chrome fragments left out;
- **table rows**: share of the rows of the page's statistics tables found whole in the output (a
  row is found when its non-empty cells, concatenated in order, are a substring of the output);
- **ms/page**: CPU time (``time.process_time``), median of ``--repeats`` runs, from the decoded
  page text to the output text (so decoding is not counted for anyone).

Comparisons are made after pinyin-annotation removal, NFKC and OpenCC t2s (the project does those
before finding the container; the libraries do not) and with all whitespace and ``|`` removed, so
no extractor loses for its line breaks or its table layout (trafilatura prints rows as
``a | b | c``). For the same reason the few ``body_must_not_contain`` fragments that test the
conversion itself (Traditional characters, toned pinyin) are not counted.

Extractors:

``finder``       ``harvester.cleaning.chrome.select_container`` (CMS selectors, else ``_densest_block``),
                 the container's lines as-is (no inner chrome removal): the finder alone.
``density``      the finder's fallback ``_densest_block`` forced on every page (no CMS selectors): how
                 the fallback does on all 50 pages, not only on the few where it is used today.
``clean_page``   the project's whole cleaner (finder + chrome elements + chrome lines), from bytes.
``trafilatura``  ``trafilatura.extract(include_tables=True)`` (2.x defaults), and with ``favor_recall=True``
                 / ``favor_precision=True``.
``readability``  ``readability.Document(...).summary()``, its HTML turned into lines as for ``finder``.

The libraries are optional (the ``bench`` extra; install them in a separate venv, see
docs/benchmarks.md: they would change cssselect and urllib3 under Scrapy); an absent one is skipped
with a message.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from .runner import REPO

SHARED = REPO.parent / "shared" / "corpus"
BIG_PAGE = "2020_pingtan.html"


# ------------------------------------------------------------------------------------ pages

@dataclass
class Page:
    name: str  # group/file
    path: Path
    expected: dict[str, Any]


def _expectation(html: Path) -> dict[str, Any] | None:
    beside = html.with_suffix(".json")
    if beside.exists():
        data = json.loads(beside.read_text(encoding="utf-8"))
        return data if "body_must_contain" in data or "body_must_not_contain" in data else None
    golden = REPO / "tests" / "golden" / f"{html.stem}.json"  # tests/fixtures/pages/<site>.html
    if html.parent == REPO / "tests" / "fixtures" / "pages" and golden.exists():
        return json.loads(golden.read_text(encoding="utf-8"))
    return None


def find_pages() -> tuple[list[Page], list[str]]:
    """Every page with body expectations; notes on what was skipped and why."""
    notes: list[str] = []
    groups: list[tuple[str, list[Path]]] = []
    if SHARED.is_dir():
        for corpus in sorted(p for p in SHARED.iterdir() if p.is_dir()):
            groups.append((f"real/{corpus.name}", sorted(corpus.glob("*.html"))))
    else:
        notes.append(f"{SHARED} is absent: the real pages are skipped")
    for sub in sorted((REPO / "tests/parsing/fixtures/real_formats").iterdir()):
        if sub.is_dir():
            groups.append((f"real_formats/{sub.name}", sorted(sub.glob("*.html"))))
    groups.append(("other_bodies", sorted((REPO / "tests/parsing/fixtures/other_bodies").glob("*.html"))))
    groups.append(("fixtures/pages", sorted((REPO / "tests/fixtures/pages").glob("*.html"))))
    pages: list[Page] = []
    for group, paths in groups:
        for path in paths:
            expected = _expectation(path)
            if expected is None:
                notes.append(f"{group}/{path.name}: no body expectations (skipped)")
                continue
            pages.append(Page(f"{group}/{path.name}", path, expected))
    return pages, notes


# ------------------------------------------------------------------------------ extractors

def _lines_text(el: Any) -> str:
    from harvester.cleaning.text import element_lines

    return "\n".join(line.text for line in element_lines(el))


def _finder(text: str, raw: bytes) -> tuple[str, str]:
    from harvester.cleaning.chrome import select_container
    from harvester.cleaning.clean import parse_html

    container, found_by = select_container(parse_html(text))
    return _lines_text(container), found_by


def _density(text: str, raw: bytes) -> tuple[str, str]:
    """The finder's fallback alone, on every page (as if no CMS selector matched)."""
    from harvester.cleaning.chrome import _densest_block
    from harvester.cleaning.clean import parse_html

    root = parse_html(text)
    block = _densest_block(root)
    if block is None:
        return _lines_text(root.find("body")), "body"
    return _lines_text(block), "density"


def _clean_page(text: str, raw: bytes) -> tuple[str, str]:
    from harvester.cleaning import clean_page

    page = clean_page(raw, None, "http://bench.invalid/page.html")
    return page.text, str(page.cleaning.get("container"))


def _trafilatura(text: str, raw: bytes) -> tuple[str, str]:
    import trafilatura

    return trafilatura.extract(text, include_tables=True, include_comments=False) or "", ""


def _trafilatura_recall(text: str, raw: bytes) -> tuple[str, str]:
    import trafilatura

    return trafilatura.extract(text, include_tables=True, include_comments=False, favor_recall=True) or "", ""


def _trafilatura_precision(text: str, raw: bytes) -> tuple[str, str]:
    import trafilatura

    return trafilatura.extract(text, include_tables=True, include_comments=False, favor_precision=True) or "", ""


def _readability(text: str, raw: bytes) -> tuple[str, str]:
    from readability import Document

    from harvester.cleaning.clean import parse_html

    summary = Document(text).summary(html_partial=True)
    return _lines_text(parse_html(f"<html><body>{summary}</body></html>").find("body")), ""


def available_extractors() -> tuple[dict[str, Callable[[str, bytes], tuple[str, str]]], list[str]]:
    extractors: dict[str, Callable[[str, bytes], tuple[str, str]]] = {
        "finder": _finder, "density": _density, "clean_page": _clean_page}
    notes: list[str] = []
    try:
        import trafilatura

        extractors["trafilatura"] = _trafilatura
        extractors["trafilatura_recall"] = _trafilatura_recall
        extractors["trafilatura_precision"] = _trafilatura_precision
        notes.append(f"trafilatura {trafilatura.__version__}")
    except ImportError:
        notes.append("trafilatura is not installed (the 'bench' extra, see docs/benchmarks.md): skipped")
    try:
        from importlib.metadata import version

        import readability  # noqa: F401

        extractors["readability"] = _readability
        notes.append(f"readability-lxml {version('readability-lxml')}")
    except ImportError:
        notes.append("readability-lxml is not installed (the 'bench' extra, see docs/benchmarks.md): skipped")
    return extractors, notes


# ---------------------------------------------------------------------------------- scoring

_SQUASH_RE = re.compile(r"[\s|\u3000\xa0]+")


def squash(text: str) -> str:
    from harvester.cleaning.chinese import converter

    return _SQUASH_RE.sub("", converter().convert(unicodedata.normalize("NFKC", text)))


def squash_output(text: str) -> str:
    """An extractor's output as the project would see it: pinyin annotations out (the project
    removes them before anything else), then ``squash``."""
    from harvester.cleaning.pinyin import remove_pinyin

    return squash(remove_pinyin(text)[0])


_PINYIN_TONE_RE = re.compile(r"[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]")


def conversion_check(fragment: str) -> bool:
    """A must-not-contain fragment that tests Traditional->Simplified or pinyin removal (the
    project's conversion steps, applied to every output here), not the container."""
    from harvester.cleaning.chinese import converter

    return converter().convert(fragment) != fragment or bool(_PINYIN_TONE_RE.search(fragment))


#: A statistics table names one of these (the 2008-2025 standard tables and the older summary tables).
_STATS_TABLE_RE = re.compile(r"自然人|主动公开|新制作|新公开|依申请|申请情况|行政复议|行政诉讼|收费|本年收到|办理结果|件数|条数|数量")
_NUMBER_RE = re.compile(r"^[-+]?[\d,]+(?:\.\d+)?$")
_MIN_NUMBER_CELLS = 3


def table_rows(root: Any) -> list[str]:
    """The rows (squashed, cells concatenated) of the page's statistics tables: leaf tables only
    (a layout table holds other tables) naming a statistic and holding numbers (the metadata
    table's 公开方式：主动公开 is chrome, not statistics), two or more non-empty cells per row."""
    from harvester.cleaning.text import text_of

    rows: list[str] = []
    for table in root.iter("table"):
        if table.find(".//table") is not None:
            continue
        if not _STATS_TABLE_RE.search(squash(table.text_content())):
            continue
        table_rows_: list[list[str]] = []
        for tr in table.iter("tr"):
            cells = [squash(text_of(td)) for td in tr if isinstance(td.tag, str) and td.tag.lower() in ("td", "th")]
            table_rows_.append([c for c in cells if c])
        if sum(1 for cells in table_rows_ for c in cells if _NUMBER_RE.match(c)) < _MIN_NUMBER_CELLS:
            continue
        rows += ["".join(cells) for cells in table_rows_ if len(cells) >= 2]
    return rows


@dataclass
class Score:
    kept: int = 0
    kept_of: int = 0
    titles: int = 0
    titles_of: int = 0
    clean: int = 0
    clean_of: int = 0
    rows: int = 0
    rows_of: int = 0
    chars: int = 0
    ms: float = 0.0
    found_by: str = ""
    missing: list[str] = field(default_factory=list)
    leaked: list[str] = field(default_factory=list)


def score(output: str, page: Page, rows: list[str]) -> Score:
    body = squash_output(output)
    s = Score(chars=len(body))
    for fragment in page.expected.get("body_must_contain", []):
        s.kept_of += 1
        if squash(fragment) in body:
            s.kept += 1
        else:
            s.missing.append(fragment)
    for title in page.expected.get("section_titles", []):
        s.titles_of += 1
        if squash(title) in body:
            s.titles += 1
        else:
            s.missing.append(f"§{title}")
    for fragment in page.expected.get("body_must_not_contain", []):
        if conversion_check(fragment):
            continue
        s.clean_of += 1
        if squash(fragment) not in body:
            s.clean += 1
        else:
            s.leaked.append(fragment)
    s.rows_of = len(rows)
    s.rows = sum(1 for row in rows if row in body)
    return s


# ---------------------------------------------------------------------------------- running

def measure(pages: list[Page], extractors: dict[str, Callable[[str, bytes], tuple[str, str]]],
            repeats: int) -> dict[str, dict[str, Score]]:
    from harvester.cleaning.clean import parse_html
    from harvester.cleaning.decode import decode_body

    results: dict[str, dict[str, Score]] = {}
    for page in pages:
        raw = page.path.read_bytes()
        text = decode_body(raw, None).text
        rows = table_rows(parse_html(text))
        results[page.name] = {}
        for name, extract in extractors.items():
            times = []
            output, found_by = "", ""
            for _ in range(repeats):
                started = time.process_time()
                try:
                    output, found_by = extract(text, raw)
                except Exception as exc:  # a library failing on a page is a result, not a crash
                    output, found_by = "", f"error: {type(exc).__name__}"
                times.append(time.process_time() - started)
            s = score(output, page, rows)
            s.ms = 1000 * statistics.median(times)
            s.found_by = found_by
            results[page.name][name] = s
    return results


def _pct(num: int, den: int) -> str:
    return f"{100 * num / den:5.1f}%" if den else "   n/a"


def summarise(results: dict[str, dict[str, Score]], names: list[str], pages: list[str]) -> list[str]:
    out = ["| extractor | pages | fragments kept | section titles kept | chrome left out | table rows kept | pages perfect | ms/page (median) | ms/page (mean) |",
           "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name in names:
        scores = [results[p][name] for p in pages if name in results[p]]
        if not scores:
            continue
        tot = lambda attr: sum(getattr(s, attr) for s in scores)  # noqa: E731
        perfect = sum(1 for s in scores if s.kept == s.kept_of and s.titles == s.titles_of
                      and s.clean == s.clean_of and s.rows == s.rows_of)
        ms = [s.ms for s in scores]
        out.append(f"| {name} | {len(scores)} | {tot('kept')}/{tot('kept_of')} = {_pct(tot('kept'), tot('kept_of'))} "
                   f"| {tot('titles')}/{tot('titles_of')} = {_pct(tot('titles'), tot('titles_of'))} "
                   f"| {tot('clean')}/{tot('clean_of')} = {_pct(tot('clean'), tot('clean_of'))} "
                   f"| {tot('rows')}/{tot('rows_of')} = {_pct(tot('rows'), tot('rows_of'))} "
                   f"| {perfect}/{len(scores)} | {statistics.median(ms):.1f} | {statistics.mean(ms):.1f} |")
    return out


def per_page(results: dict[str, dict[str, Score]], names: list[str], pages: list[str]) -> list[str]:
    head = "| page | finder found by | " + " | ".join(names) + " |"
    out = [head, "|---|---|" + "---|" * len(names),
           "", ]
    out = out[:2]
    for p in pages:
        cells = []
        for name in names:
            s = results[p].get(name)
            if s is None:
                cells.append("-")
                continue
            bad = (s.kept_of - s.kept) + (s.titles_of - s.titles) + (s.clean_of - s.clean)
            mark = "ok" if bad == 0 and s.rows == s.rows_of else (
                f"-{(s.kept_of - s.kept) + (s.titles_of - s.titles)} kept, +{s.clean_of - s.clean} chrome")
            rows = f", rows {s.rows}/{s.rows_of}" if s.rows_of else ""
            cells.append(f"{mark}{rows}, {s.chars} ch, {s.ms:.0f} ms")
        out.append(f"| {p} | {results[p]['finder'].found_by} | " + " | ".join(cells) + " |")
    return out


def render(results: dict[str, dict[str, Score]], names: list[str], notes: list[str], repeats: int) -> str:
    pages = list(results)
    fallback = [p for p in pages if results[p]["finder"].found_by in ("density", "body")]
    real = [p for p in pages if p.startswith("real/")]
    out = [f"Main-content extraction on {len(pages)} pages, CPU ms = median of {repeats} runs", ""]
    out += [f"- {n}" for n in notes] + [""]
    out += ["All pages:", ""] + summarise(results, names, pages) + [""]
    if real:
        out += [f"Real pages ({len(real)}):", ""] + summarise(results, names, real) + [""]
    out += [f"Pages where no CMS container matched (finder fell back to density/body: {len(fallback)}):", ""]
    out += summarise(results, names, fallback) + [""]
    big = [p for p in pages if p.endswith("/" + BIG_PAGE)]
    if big:
        out += [f"{BIG_PAGE} ({Path(big[0]).name}): " + ", ".join(
            f"{n} {results[big[0]][n].ms:.1f} ms" for n in names if n in results[big[0]]), ""]
    out += ["Per page (ok = every fragment, title and table row kept and no chrome; ch = characters out):", ""]
    out += per_page(results, names, pages) + [""]
    missing = []
    for p in pages:
        for n in names:
            s = results[p].get(n)
            if s and (s.missing or s.leaked):
                missing.append(f"- {p} / {n}: " + "; ".join(
                    [f"lacks {m[:30]!r}" for m in s.missing] + [f"keeps {m[:30]!r}" for m in s.leaked]))
    out += ["Misses:", ""] + missing
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.containers", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per page and extractor (median; default 3)")
    parser.add_argument("--only", help="comma-separated extractors (default: all installed)")
    parser.add_argument("--json", help="also write the per-page scores to this file")
    args = parser.parse_args(argv)
    extractors, notes = available_extractors()
    if args.only:
        wanted = args.only.split(",")
        extractors = {k: v for k, v in extractors.items() if k in wanted or k == "finder"}
    pages, page_notes = find_pages()
    if not pages:
        print("no pages with body expectations found", file=sys.stderr)
        return 1
    results = measure(pages, extractors, max(1, args.repeats))
    print(render(results, list(extractors), notes + page_notes, args.repeats))
    if args.json:
        Path(args.json).write_text(json.dumps(
            {p: {n: s.__dict__ for n, s in r.items()} for p, r in results.items()}, ensure_ascii=False, indent=1),
            encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
