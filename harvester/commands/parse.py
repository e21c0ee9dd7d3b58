"""`scrapy parse URL`: the parsed report item of a detail page, without writing into the archive.

Without ``--callback``, a URL the spider knows as a detail page (its platform's
``detail_url_re``) goes to ``parse_detail``, other URLs to ``parse`` (the listing), so
``scrapy parse --spider=zhaoqing https://www.zhaoqing.gov.cn/gkmlpt/content/.../post_1.html``
works as a user expects. Page items are cleaned and parsed as the pipelines would and printed
as report records (harvester.feeds), not as raw bytes.
"""

from __future__ import annotations

from typing import Any

from scrapy.commands.parse import Command as ScrapyCommand

from ..feeds import feed_record, parse_page_item
from ..items import PageItem
from . import NO_ARCHIVE


class Command(ScrapyCommand):
    default_settings = {**ScrapyCommand.default_settings, **NO_ARCHIVE}

    def prepare_request(self, spider: Any, request: Any, opts: Any) -> Any:
        # The user named this URL: fetch it even when it is not on the spider's real host
        # (a replica, a saved mirror).
        request.meta["allow_offsite"] = True
        return super().prepare_request(spider, request, opts)

    def _get_callback(self, *, spider: Any, opts: Any, response: Any = None) -> Any:
        if (response is not None and not opts.callback and not opts.rules
                and not response.meta.get("_callback") and hasattr(spider, "callback_for_url")):
            callback = spider.callback_for_url(response.url)
            if callback is not None:
                return callback
        return super()._get_callback(spider=spider, opts=opts, response=response)

    def add_items(self, lvl: int, new_items: list[Any]) -> None:
        super().add_items(lvl, [self._report(item) for item in new_items])

    @staticmethod
    def _report(item: Any) -> Any:
        if isinstance(item, PageItem):
            parse_page_item(item)
            return feed_record(item)
        return item
