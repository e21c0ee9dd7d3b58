from harvester.platforms import HanwebSpider


class YongkangSpider(HanwebSpider):
    """永康市人民政府, Hanweb JCMS column 公开年报 (col1229188257)."""

    name = "yongkang"
