"""Shared pieces of the generated report texts: the body being written for, a statistics recorder
that turns a number into text and remembers its canonical key, date formats, filler paragraphs.

Filler paragraphs deliberately carry no statistics (no numbers next to the vocabulary's words):
every number a parser could key is written through :class:`StatWriter`, so ``expected`` is
complete by construction.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from .model import Block

CN_DIGITS = "○一二三四五六七八九"


@dataclass(frozen=True)
class Body:
    """The body a report is written for."""

    site: str
    agency: str  # full name, as expected["agency"]
    we: str  # how the report calls itself: 我市 / 市政府办公室 / 我办
    city: str  # 肇庆 / 永康 ...
    portal: str  # “中国肇庆”政府门户网站
    #: size of the body's numbers: 1.0 for a city government, ~0.05 for a small office
    scale: float = 1.0
    contact: str = ""


class StatWriter:
    """Formats a statistic into the text and records ``key -> value`` at the same time."""

    def __init__(self) -> None:
        self.stats: dict[str, int | float] = {}

    def __call__(self, key: str, value: int | float) -> str:
        if key in self.stats and self.stats[key] != value:
            raise ValueError(f"{key} stated twice with different values")
        self.stats[key] = value
        return str(value)


def cn_year(year: int) -> str:
    return "".join(CN_DIGITS[int(d)] for d in str(year))


def cn_number(n: int) -> str:
    """1..31 in Chinese numerals (十一, 二十八...)."""
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")


def cn_date(d: dt.date) -> str:
    """二○一一年三月二十八日"""
    return f"{cn_year(d.year)}年{cn_number(d.month)}月{cn_number(d.day)}日"


def date_variants(d: dt.date, rng: random.Random, allow_cn: bool = True) -> str:
    styles = ["{y}年{m}月{d}日", "{y}年{m}月{d}日", "{y}年{m:02d}月{d:02d}日"]
    if allow_cn:
        styles.append("CN")
    style = rng.choice(styles)
    if style == "CN":
        return cn_date(d)
    return style.format(y=d.year, m=d.month, d=d.day)


def heading(text: str, level: int) -> Block:
    return Block(kind="heading", text=text, level=level)


def para(text: str) -> Block:
    return Block(kind="para", text=text)


CN_ORDINALS = "一二三四五六七八九十"


def h1(i: int, title: str) -> Block:
    return heading(f"{CN_ORDINALS[i]}、{title}", 1)


def h2(i: int, title: str) -> Block:
    return heading(f"（{CN_ORDINALS[i]}）{title}", 2)


@dataclass
class Draft:
    """A report under construction."""

    blocks: list[Block] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)
    stat: StatWriter = field(default_factory=StatWriter)

    def section(self, title: str) -> None:
        self.blocks.append(h1(len(self.sections), title))
        self.sections.append(title)

    def sub(self, i: int, title: str, text: str | None = None) -> None:
        self.blocks.append(h2(i, title))
        if text:
            self.blocks.append(para(text))

    def p(self, *texts: str) -> None:
        for text in texts:
            self.blocks.append(para(text))


#: (sub-heading, paragraph) pairs about how the work was organised. No statistics on purpose.
FILLER_ORGANISATION: dict[str, str] = {
    "加强组织领导": (
        "{we}高度重视政府信息公开工作，将其列入重要议事日程，调整充实了政府信息公开工作领导小组，由主要领导任组长，分管领导任"
        "副组长，各科室负责人为成员，形成了主要领导亲自抓、分管领导具体抓、专人负责抓落实的工作格局。"
    ),
    "强化保密审查": (
        "按照“谁公开、谁审查、谁负责”的原则，{we}进一步完善了政府信息公开保密审查机制，明确了审查程序和责任，做到先审查、后"
        "公开，一事一审、全面审查，确保公开的政府信息不涉及国家秘密、商业秘密和个人隐私。"
    ),
    "完善考核机制": (
        "{we}将政府信息公开工作纳入年度目标考核体系，细化考核内容和评分标准，采取平时检查与年终考核相结合的方式，对发现的问题"
        "及时通报并督促整改，推动各项工作任务落到实处。"
    ),
    "抓好重点领域信息公开": (
        "围绕群众关心关注的热点难点问题，{we}不断拓展公开内容，重点做好财政预决算、保障性住房、食品药品安全、环境保护、征地拆"
        "迁、价格收费等领域的信息公开，切实保障人民群众的知情权、参与权、表达权和监督权。"
    ),
    "加强培训指导": (
        "{we}认真组织学习《中华人民共和国政府信息公开条例》及上级有关文件精神，通过集中培训、以会代训、业务交流等方式，提高工"
        "作人员的业务水平和工作能力，为做好政府信息公开工作打下了坚实基础。"
    ),
    "加强平台建设": (
        "在政府门户网站开设政府信息公开专栏，设置机构概况、政策法规、规划计划、财政信息、人事信息、工作动态等栏目，及时更新公开内"
        "容，方便公众查阅。同时在政务服务中心、档案馆、图书馆设立政府信息查阅点，配备查阅设备，为公众获取政府信息提供便利。"
    ),
    "完善工作制度": (
        "进一步健全完善政府信息公开工作制度，先后修订了政府信息主动公开、依申请公开、保密审查、考核评议和责任追究等制度，使政府信"
        "息公开工作有章可循、规范运行。"
    ),
    "加强政策解读和回应": (
        "加强政策解读和回应社会关切，对涉及群众切身利益的重要政策文件，坚持解读材料与政策文件同步起草、同步审签、同步发布，对网络"
        "舆情做到及时发现、及时研判、及时回应。"
    ),
    "深化政务服务公开": (
        "依托政务服务大厅和网上办事平台，全面公开行政审批事项的办理依据、申报材料、办理流程、承诺时限和收费标准，实行“一次性告知"
        "”和“限时办结”，提升了政务服务的透明度和群众满意度。"
    ),
    "规范公开属性认定": (
        "严格落实政府信息公开属性源头认定机制，公文在拟稿时即明确主动公开、依申请公开或不予公开属性，对不予公开的说明理由，从源头"
        "上规范了政府信息公开工作。"
    ),
}

FILLER_PROBLEMS = [
    "一是部分单位对政府信息公开工作的认识还不够到位，工作主动性有待增强；二是公开内容的深度和广度还不够，"
    "与公众的期望还有一定差距；三是依申请公开工作的规范化水平有待进一步提高。",
    "政府信息公开工作虽然取得了一定成效，但仍存在一些不足：信息更新不够及时，部分栏目内容较少；"
    "政策解读形式较为单一，回应社会关切的及时性还需加强；工作人员业务能力有待提高。",
    "下一步，{we}将继续认真贯彻落实《条例》要求，进一步加大主动公开力度，规范依申请公开工作，"
    "加强公开平台建设，强化监督考核，推动政府信息公开工作再上新台阶。",
    "针对上述问题，{we}将重点抓好以下工作：进一步完善制度机制，明确责任分工；进一步拓展公开渠道，"
    "用好政府网站、政务新媒体等平台；进一步加强业务培训，提高工作人员的业务素质和依法公开意识。",
    "加强对基层政务公开工作的指导，推进基层政务公开标准化规范化建设，梳理公开事项，编制公开目录，"
    "让群众看得到、听得懂、能监督。",
]


def fill(rng: random.Random, pool: list[str], body: Body, k: int) -> list[str]:
    return [text.format(we=body.we, city=body.city) for text in rng.sample(pool, k=min(k, len(pool)))]


def fill_topics(rng: random.Random, body: Body, k: int, among: tuple[str, ...] | None = None) -> list[tuple[str, str]]:
    """``k`` distinct (sub-heading, paragraph) pairs, optionally drawn from the topics ``among``."""
    topics = rng.sample(list(among or FILLER_ORGANISATION), k=k)
    return [(topic, FILLER_ORGANISATION[topic].format(we=body.we, city=body.city)) for topic in topics]
