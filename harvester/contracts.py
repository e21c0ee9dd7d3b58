"""Spider contracts that ``scrapy check`` runs against the bundled replicas (no internet).

``@replica entry`` / ``@replica seed`` point a callback's contract request at the site's
replica, served on loopback by this process for the duration of ``scrapy check`` (challenge off,
the current edition): ``entry`` is the site's entry page, ``seed`` the replica page of the
real report the site's corpus is seeded with. ``@report FIELD...`` cleans and parses the one page
item the callback returned and requires a report with those fields filled. Enabled through
``SPIDER_CONTRACTS`` in harvester.settings; see docs/design.md ("Checking a spider").
"""

from __future__ import annotations

import atexit
import threading
from typing import Any

from scrapy.contracts import Contract
from scrapy.exceptions import ContractFail

_lock = threading.Lock()
_server: Any = None


def replica_base_url(site: str) -> str:
    """Base URL of ``site``'s replica, started once per process (all sites, ephemeral ports)."""
    global _server
    with _lock:
        if _server is None:
            from .replicas import CURRENT_EDITION, ReplicaOptions, ReplicaServer

            _server = ReplicaServer(port=0, options=ReplicaOptions(challenge=False, edition=CURRENT_EDITION))
            _server.start()
            atexit.register(_server.stop)
        return _server.base_urls[site]


class ReplicaContract(Contract):
    """@replica entry|seed: the request goes to the site's replica on loopback."""

    name = "replica"

    def __init__(self, method: Any, *args: Any) -> None:
        super().__init__(method, *args)
        self.spider = method.__self__  # the callback is bound to the spider under check

    def adjust_request_args(self, args: dict[str, Any]) -> dict[str, Any]:
        from .replicas import CURRENT_EDITION, manifest
        from .replicas.corpus import seed_document
        from .sites import rebase_url

        spider = self.spider
        site = spider.site_key
        which = self.args[0] if self.args else "entry"
        try:
            base = replica_base_url(site)
        except KeyError:
            raise ContractFail(f"no replica serves {site} here (harvester.replicas.hosting)") from None
        # The replica runs without its JavaScript challenge: no renderer needed.
        spider.render = False
        # The spider now crawls the replica: its origin (the only host it may request) moves too.
        from .urls import site_origin

        spider.origin = site_origin(spider.site.url_for(base))
        if which == "entry":
            args["url"] = spider.site.url_for(base)
        elif which == "seed":
            reports = manifest(edition=CURRENT_EDITION, site=site)
            try:
                seed = str(seed_document(site).doc_id)
            except (KeyError, ValueError, OSError):  # a registry body without a seed page: its newest report
                seed = ""
            paths = [r["path"] for r in reports if seed in r["path"]]
            if not paths:
                raise ContractFail(f"no seed report of {site} in the replica manifest")
            args["url"] = rebase_url(paths[0], base) if "//" in paths[0] else base.rstrip("/") + paths[0]
        else:
            raise ValueError(f"@replica takes entry or seed, got {which!r}")
        return args


class ReportContract(Contract):
    """@report FIELD...: the callback's page item parses into a report with these fields set."""

    name = "report"

    def post_process(self, output: list[Any]) -> None:
        from .feeds import parse_page_item
        from .items import PageItem

        pages = [item for item in output if isinstance(item, PageItem)]
        if len(pages) != 1:
            raise ContractFail(f"expected one page item, got {len(pages)}")
        page = pages[0]
        if page.error:
            raise ContractFail(f"{page.url}: fetch failed: {page.error}")
        parse_page_item(page)
        result = page.result
        if result is None or not result.is_report:
            raise ContractFail(f"{page.url} did not parse as a report ({getattr(result, 'kind', None)}: "
                               f"{getattr(result, 'reason', '')})")
        empty = [name for name in self.args if not getattr(result.item, name, None)]
        if empty:
            raise ContractFail(f"{page.url}: report fields empty: {', '.join(empty)}")
