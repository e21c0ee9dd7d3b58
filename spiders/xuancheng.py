from harvester.platforms import AnhuiSpider


class XuanchengSpider(AnhuiSpider):
    """宣城市国防动员办公室 on the Anhui platform; behind a JavaScript cookie challenge, so every
    request is rendered (``-a render=no`` only for a replica with the challenge switched off)."""

    name = "xuancheng"
