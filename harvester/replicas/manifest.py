"""The ground truth of what the replicas list: one record per listing entry.

``manifest()`` is what a complete harvest of a body must find (its own reports, each once);
``manifest_all()`` is every listing entry of the body's column, with non-reports, the dead link,
the robots-disallowed link and the duplicate entry marked, for tests of those cases. ``site`` in
a record is the registry body key; records are for every body a replica serves unless ``site``
names one.
"""

from __future__ import annotations

from ..sites import SITES
from . import hosting
from .sites.base import Entry, SiteReplica


def _bodies(edition: int, site: str | None) -> list[tuple[SiteReplica, str, str]]:
    """(replica, body key, path prefix) for each body."""
    from .server import ReplicaOptions  # the options type lives with the server

    options = ReplicaOptions(edition=edition)
    result = []
    for units in hosting.plan([site] if site else None, options).values():
        for unit in units:
            result.extend((unit.replica, key, unit.prefix) for key in unit.bodies)
    return result


def _record(replica: SiteReplica, key: str, prefix: str, entry: Entry, base_urls: dict[str, str] | None) -> dict:
    doc = entry.doc
    base = (base_urls or {}).get(key)
    path = prefix + entry.path
    return {
        "site": key,
        "url": base + path if base else path,
        "path": path,
        "year": doc.report_year,
        "title": doc.title,
        "agency": doc.agency,
        "doc_id": doc.doc_id,
        "published": doc.published.isoformat(),
    }


def manifest(edition: int = 1, base_urls: dict[str, str] | None = None, site: str | None = None) -> list[dict]:
    """One dict per report of each body (no dead link, no second listing)."""
    records = []
    for replica, key, prefix in _bodies(edition, site):
        body = SITES[key]
        for entry in replica.entries(edition):
            if entry.kind == "report" and not entry.duplicate and replica.own_body(entry.doc, body):
                records.append(_record(replica, key, prefix, entry, base_urls))
    return records


def manifest_all(edition: int = 1, base_urls: dict[str, str] | None = None, site: str | None = None) -> list[dict]:
    """Every listing entry of each body's column in listing order, with ``kind`` (report,
    notice, work_plan, news, dead_link, robots_disallowed), ``duplicate``, ``own_body``,
    ``status`` (what its URL answers) and ``listing`` (yuxi: the sub-column that lists it)."""
    records = []
    for replica, key, prefix in _bodies(edition, site):
        body = SITES[key]
        for entry in replica.entries(edition):
            record = _record(replica, key, prefix, entry, base_urls)
            record.update(
                kind=entry.kind,
                duplicate=entry.duplicate,
                own_body=replica.own_body(entry.doc, body),
                status=404 if entry.kind == "dead_link" else 200,
                listing=entry.column or None,
                edited=entry.doc.edited_in is not None and edition >= entry.doc.edited_in,
                since_edition=entry.doc.since_edition,
            )
            records.append(record)
    return records
