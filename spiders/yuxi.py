from harvester.platforms import TrsSpider


class YuxiSpider(TrsSpider):
    """玉溪市人民政府's reports on the Yunnan provincial portal (TRS WCM): the 年报 column lists a
    column per year, each with a 州市年度报告 sub-column shared by every 州市; titles with 玉溪 are ours."""

    name = "yuxi"
    column_levels = (r"zfxxgknb\d{4}/(index\.html)?$", r"zsndbg\d{4}/(index\.html)?$")
