from typing import Any

from harvester.platforms import BodySpider


class ColumnSpider(BodySpider):
    """Any report column by URL: ``scrapy crawl column -a url=URL [-a key=KEY]``; the platform
    is detected from the page (``harvester harvest --url URL`` runs it)."""

    name = "column"

    def __init__(self, *args: Any, url: str | None = None, **kwargs: Any) -> None:
        if not url:
            raise ValueError("the column spider needs the column's URL: scrapy crawl column -a url=URL")
        super().__init__(*args, url=url, **kwargs)

    # No contracts here (scrapy check): a column by URL has no replica of its own to check against.
    def parse(self, response: Any, **kwargs: Any) -> Any:
        """The column page."""
        return super().parse(response, **kwargs)

    def parse_detail(self, response: Any) -> Any:
        """A detail page."""
        return super().parse_detail(response)
