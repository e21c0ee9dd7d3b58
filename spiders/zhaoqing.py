from harvester.platforms import GkmlptSpider


class ZhaoqingSpider(GkmlptSpider):
    """肇庆市人民政府 on the Guangdong gkmlpt platform (column 政府信息公开工作年度报告)."""

    name = "zhaoqing"
