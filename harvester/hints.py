"""What the body registry adds to a page's own parse, applied visibly and only where asked.

Parsing reads the page alone (:func:`harvester.parsing.parse_cleaned`). A crawl, a re-parse or
``harvester parse --site`` knows which registry body the page belongs to; that body may then
(1) name the report container's CSS selectors before cleaning, and (2) after parsing supply the
canonical agency name and region where the page names none. A name the page prints is kept as
printed (宣城市人民防空办公室 in 2017, not the office's 2024 name): the body's stable identity is
``harvester.bodies``, beside it. Every value taken from the registry is recorded in the item's
``field_sources`` as ``registry``, and a page whose region disagrees with the registry keeps its
own and gets a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from typing import Any

from .cleaning import CleanedPage, HeadersLike, PageHints, clean_page
from .items import ReportItem
from .parsing.parse import NO_TITLE_WARNING
from .parsing.region import region_of, same_region


@dataclass(frozen=True)
class BodyHints:
    """The registry's knowledge of one body, as parsing may use it."""

    key: str
    name: str
    region: str | None = None
    region_code: str | None = None
    former_names: tuple[str, ...] = ()
    page: PageHints = PageHints()


def hints_for(site: str | None) -> BodyHints | None:
    """The hints of registry body ``site`` (None when no key is given or the key is unknown)."""
    if not site:
        return None
    from .sites import SITES  # late: parsing a page of an unknown body never loads the registry

    entry = SITES.get(site)
    if entry is None:
        return None
    patterns = []
    for pattern in entry.chrome_patterns:
        try:
            patterns.append(re.compile(pattern))
        except re.error:
            continue
    return BodyHints(
        key=entry.key,
        name=entry.agency,
        region=entry.region,
        region_code=entry.region_code or None,
        former_names=entry.former_names,
        page=PageHints(content_selectors=tuple(entry.content_selectors), chrome_patterns=tuple(patterns)),
    )


def _registry_code(hints: BodyHints) -> str | None:
    """The registry's division code, or the one its region's name resolves to."""
    if hints.region_code:
        return hints.region_code
    found = region_of([("registry", hints.region)])
    return found.code if found else None


def apply_hints(item: ReportItem, hints: BodyHints | None) -> ReportItem:
    """Fill agency and region from the registry where the page lacks them (in place)."""
    if hints is None:
        return item
    if not item.agency:
        item.agency = hints.name
        item.field_sources["agency"] = "registry"
        item.warnings[:] = [w for w in item.warnings if not w.startswith("agency: ")]
    if NO_TITLE_WARNING in item.warnings and item.report_year:
        item.title = f"{item.agency}{item.report_year}年政府信息公开工作年度报告"
        item.warnings[item.warnings.index(NO_TITLE_WARNING)] = f"{NO_TITLE_WARNING}: derived from agency (registry) and year"
    if not item.region and hints.region:
        item.region = hints.region
        item.region_code = hints.region_code
        item.field_sources["region"] = "registry"
        item.warnings[:] = [w for w in item.warnings if not w.startswith("region: ")]
    elif item.region and hints.region and not same_region(item.region_code, _registry_code(hints)):
        item.warnings.append(f"region: the page says {item.region}, the registry says {hints.region} for {hints.key}")
    return item


def clean_with_hints(body: bytes, headers: HeadersLike | None, url: str, site: str | None) -> CleanedPage:
    """Clean a page with its registry body's container hints (none for no or an unknown site).
    With :func:`parse_with_hints`, the one way a crawl, a parse worker, a re-parse and
    ``parse_page(..., site)`` put a page together."""
    hints = hints_for(site)
    return clean_page(body, headers, url, site, hints.page if hints else None)


def parse_with_hints(cleaned: CleanedPage, site: str | None) -> Any:
    """Parse a cleaned page (a harvester.parsing.ParseResult) and fill what it lacks from its
    registry body (:func:`apply_hints`)."""
    from .parsing import parse_cleaned

    result = parse_cleaned(cleaned, site)
    apply_hints(result.item, hints_for(site))
    return result
