"""Who a report is from, stably: one function maps a site and the name a page prints to the body.

Pages name their body inconsistently (肇庆 alternates 肇庆市人民政府 and its 办公室; 宣城's office
was renamed from 人民防空办公室 to 国防动员办公室 in 2024), so a per-body series keyed on the
printed name breaks. Exports and feeds therefore carry the printed name (``agency``) *and* the
canonical identity returned here. Today the identity comes from the site registry
(:mod:`harvester.sites`: one body per site); when bodies get their own registry, only this
function changes.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from .sites import SITES


@dataclass(frozen=True)
class BodyIdentity:
    #: Stable key of the body (today: the site key).
    body_key: str
    #: Canonical (current) name of the body.
    body_name: str
    #: Region as the registry writes it, e.g. 广东省肇庆市.
    body_region: str
    #: The name as the page printed it (None when the page names no body).
    agency_printed: str | None

    def as_dict(self) -> dict[str, str | None]:
        return asdict(self)


#: Columns every export row carries for the body, in this order.
BODY_COLUMNS = ("body_key", "body_name", "body_region")


def body_identity(site_key: str, printed_name: str | None = None) -> BodyIdentity:
    """The canonical identity of the body whose report ``site_key`` published under
    ``printed_name``. A site unknown to the registry keeps its key and the printed name."""
    site = SITES.get(site_key)
    if site is None:
        return BodyIdentity(site_key, printed_name or site_key, "", printed_name)
    return BodyIdentity(site.key, site.agency, site.region, printed_name)


def with_identity(report: dict) -> dict:
    """A report item dict with ``body_key``, ``body_name``, ``body_region`` right after ``site``
    (the printed name stays in ``agency``)."""
    identity = body_identity(report.get("site") or "", report.get("agency")).as_dict()
    result: dict = {}
    for name, value in report.items():
        result[name] = value
        if name == "site":
            result.update({column: identity[column] for column in BODY_COLUMNS})
    return result
