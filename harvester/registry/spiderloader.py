"""Scrapy's spider loader, plus one spider per registry body: ``scrapy crawl <key>`` works for
every row of the registry with no spider module of its own (settings.SPIDER_LOADER_CLASS)."""

from __future__ import annotations

import os

from scrapy.spiderloader import SpiderLoader

from . import LOAD_ERROR, RegistryError, SITES, reload


class RegistrySpiderLoader(SpiderLoader):
    """Spiders of SPIDER_MODULES (the ``column`` spider for any URL), then a BodySpider for each
    registry body that has no spider class of its own. ``-s HARVESTER_REGISTRY=FILE`` (or the
    environment variable of that name) adds a user registry file."""

    def __init__(self, settings) -> None:
        files = settings.get("HARVESTER_REGISTRY")
        if files:
            reload(str(files).split(os.pathsep))
        elif LOAD_ERROR:
            raise RegistryError(LOAD_ERROR)
        super().__init__(settings)
        from ..platforms.generic import BodySpider

        for key, body in SITES.items():
            if key in self._spiders:
                continue
            doc = f"{body.agency}: {body.platform or 'platform detected'}, column {body.entry_url} (registry row)"
            cls = type(f"BodySpider[{key}]", (BodySpider,), {"name": key, "__doc__": doc,
                                                             "__module__": BodySpider.__module__})
            self._spiders[key] = cls
