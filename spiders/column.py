from harvester.platforms import BodySpider


class ColumnSpider(BodySpider):
    """Any report column by URL: ``scrapy crawl column -a url=URL [-a key=KEY]``; the platform
    is detected from the page (``harvester harvest --url URL`` runs it)."""

    name = "column"
