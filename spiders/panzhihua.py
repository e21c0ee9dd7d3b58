from harvester.platforms import SichuanStaticSpider


class PanzhihuaSpider(SichuanStaticSpider):
    """攀枝花市人民政府, old static site, GBK pages (column 政府信息公开年度报告 xxgknb)."""

    name = "panzhihua"
