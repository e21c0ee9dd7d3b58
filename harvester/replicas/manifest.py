"""The ground truth of what the replicas list: one record per listing entry.

``manifest()`` is what a complete harvest of a site must find (the reports of the site's own
body, each once); ``manifest_all()`` is every listing entry, with non-reports, the dead link,
the robots-disallowed link and the duplicate entry marked, for tests of those cases.
"""

from __future__ import annotations

from ..sites import SITES, get_site
from .sites import REPLICA_CLASSES
from .sites.base import Entry, SiteReplica


def _replicas(edition: int, site: str | None) -> list[SiteReplica]:
    from .server import ReplicaOptions  # the options type lives with the server

    keys = [get_site(site).key] if site else list(SITES)
    options = ReplicaOptions(edition=edition)
    return [REPLICA_CLASSES[k](options) for k in keys if k in REPLICA_CLASSES]


def _record(replica: SiteReplica, entry: Entry, base_urls: dict[str, str] | None) -> dict:
    doc = entry.doc
    base = (base_urls or {}).get(replica.key)
    record = {
        "site": replica.key,
        "url": base + entry.path if base else entry.path,
        "path": entry.path,
        "year": doc.report_year,
        "title": doc.title,
        "agency": doc.agency,
        "doc_id": doc.doc_id,
        "published": doc.published.isoformat(),
    }
    files = _files(replica, doc, base)
    if files:
        # the real files the page links or shows (docs/files.md): what a harvest must store once
        record["files"] = files
        if doc.expected.get("content_in_file"):
            record["content_in_file"] = doc.expected["content_in_file"]
    return record


def _files(replica: SiteReplica, doc, base: str | None) -> list[dict]:
    out = []
    for path, spec in replica.attachment_index_of(doc):
        if spec.content:
            out.append({"url": base + path if base else path, "name": spec.name, "kind": spec.kind,
                        "content": spec.content})
    return out


def manifest(edition: int = 1, base_urls: dict[str, str] | None = None, site: str | None = None) -> list[dict]:
    """One dict per report of each site's own body (no dead link, no second listing)."""
    records = []
    for replica in _replicas(edition, site):
        for entry in replica.entries(edition):
            if entry.kind == "report" and not entry.duplicate and replica.own_body(entry.doc):
                records.append(_record(replica, entry, base_urls))
    return records


def manifest_all(edition: int = 1, base_urls: dict[str, str] | None = None, site: str | None = None) -> list[dict]:
    """Every listing entry in listing order, with ``kind`` (report, notice, work_plan, news,
    dead_link, robots_disallowed), ``duplicate``, ``own_body``, ``status`` (what its URL answers)
    and ``listing`` (yuxi: the sub-column that lists it)."""
    records = []
    for replica in _replicas(edition, site):
        for entry in replica.entries(edition):
            record = _record(replica, entry, base_urls)
            record.update(
                kind=entry.kind,
                duplicate=entry.duplicate,
                own_body=replica.own_body(entry.doc),
                status=404 if entry.kind == "dead_link" else 200,
                listing=entry.column or None,
                edited=entry.doc.edited_in is not None and edition >= entry.doc.edited_in,
                since_edition=entry.doc.since_edition,
            )
            records.append(record)
    return records
