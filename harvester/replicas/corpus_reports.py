"""Generated annual reports: the 2008-2018 free-text conventions and the 2019/2021 national
formats. Each builder returns a :class:`ReportDraft` (blocks, section titles, statistics) written
from the same numbers, so the expectations are exact by construction.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from . import corpus_tables as tables
from .corpus_text import FILLER_PROBLEMS, Body, Draft, date_variants, fill, fill_topics, heading
from .model import Block, Cell


@dataclass
class ReportDraft:
    blocks: list[Block]
    section_titles: list[str]
    stats: dict[str, int | float]
    signed: dt.date | None
    #: names of attachments the text announces: (link text, kind)
    attachments: list[tuple[str, str]] = field(default_factory=list)
    #: Statistics only a picture in the body holds (the requests table drawn as an image): what
    #: OCR of that picture must yield.
    image_stats: dict[str, int | float] = field(default_factory=dict)


@dataclass(frozen=True)
class YearNumbers:
    """The body's numbers for one year, drawn once so every wording states the same values."""

    proactive: int
    cumulative: int
    website: int
    gazette: int
    weibo: int
    wechat: int
    press: int
    interpretations: int
    normative: int
    requests: int
    online: int
    in_person: int
    letter: int
    other_channel: int
    disclosed: int
    partial: int
    not_disclosed: int
    not_exist: int
    not_ours: int
    reconsideration: int
    litigation: int


def year_series(body: Body, years: range) -> dict[int, YearNumbers]:
    """Numbers of every year of one body; the cumulative count grows year on year."""
    rng = random.Random(f"series:{body.site}:{body.agency}")
    out: dict[int, YearNumbers] = {}
    cumulative = int(rng.randint(5000, 40000) * body.scale) + rng.randint(20, 200)
    for year in years:
        growth = 1 + (year - 2008) * 0.12
        proactive = max(12, int(rng.randint(3000, 30000) * body.scale * growth))
        cumulative += proactive
        website = int(proactive * rng.uniform(0.4, 0.8))
        gazette = int(rng.randint(40, 300) * min(1, body.scale * 4))
        weibo = int(proactive * rng.uniform(0.0, 0.1)) if year >= 2012 else 0
        wechat = int(proactive * rng.uniform(0.02, 0.12)) if year >= 2014 else 0
        requests = max(0, int(rng.gauss(40, 20) * body.scale * growth))
        if body.scale < 0.2 and rng.random() < 0.5:
            requests = 0
        channels = [0, 0, 0, 0]
        for c in rng.choices(range(4), weights=[4, 3, 2, 1], k=requests):
            channels[c] += 1
        outcomes = [0, 0, 0, 0, 0]
        for c in rng.choices(range(5), weights=[12, 2, 1.5, 2, 1], k=requests):
            outcomes[c] += 1
        out[year] = YearNumbers(
            proactive=proactive, cumulative=cumulative, website=website, gazette=gazette,
            weibo=weibo, wechat=wechat,
            press=rng.randint(2, 40) if body.scale >= 0.5 else rng.randint(0, 3),
            interpretations=int(rng.randint(20, 400) * body.scale) + rng.randint(1, 9),
            normative=int(rng.randint(5, 40) * body.scale) + rng.randint(0, 3),
            requests=requests, online=channels[0], in_person=channels[1], letter=channels[2],
            other_channel=channels[3], disclosed=outcomes[0], partial=outcomes[1],
            not_disclosed=outcomes[2], not_exist=outcomes[3], not_ours=outcomes[4],
            reconsideration=rng.choice([0, 0, 0, 1, 2]) if body.scale >= 0.5 else 0,
            litigation=rng.choice([0, 0, 0, 0, 1]) if body.scale >= 0.5 else 0,
        )
    return out


def _intro(d: Draft, body: Body, year: int, rng: random.Random, parts: list[str]) -> None:
    opener = rng.choice([
        "本报告是根据《中华人民共和国政府信息公开条例》（以下简称《条例》）要求，由{agency}编制的{year}年度政府信息公开工作年度报告。",
        "根据《中华人民共和国政府信息公开条例》（以下简称《条例》）的规定，现公布{agency}{year}年政府信息公开工作年度报告。",
        "本年报根据《中华人民共和国政府信息公开条例》编制。",
    ]).format(agency=body.agency, year=year)
    contents = "全文包括" + "、".join(parts) + "等部分。"
    period = rng.choice([
        f"本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。",
        f"本报告所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。",
        f"本年报中所列数据的统计期限自{year}年1月1日起至12月31日止。",
    ])
    download = f"本报告的电子版可在{body.portal}下载。" if rng.random() < 0.7 else ""
    ask = f"如对本报告有任何疑问，请与{body.agency}联系（{body.contact}）。" if body.contact and rng.random() < 0.6 else ""
    d.p(opener + contents + period + download + ask)


def _signature(d: Draft, body: Body, year: int, rng: random.Random, modern: bool) -> dt.date | None:
    if rng.random() < 0.12:
        return None  # some reports end without a 落款
    if modern:
        signed = dt.date(year + 1, 1, rng.randint(8, 28))
    else:
        signed = dt.date(year + 1, rng.randint(1, 3), rng.randint(1, 28))
    d.p(body.agency)
    d.p(date_variants(signed, rng, allow_cn=not modern))
    return signed


# ---------------------------------------------------------------------------------- 2008-2018

HEADINGS = {
    "overview": ["概述", "基本情况", "政府信息公开工作开展情况", "政府信息公开工作概述"],
    "proactive": ["主动公开政府信息情况", "政府信息主动公开情况", "主动公开政府信息的情况"],
    "requests": ["依申请公开政府信息情况", "政府信息依申请公开办理情况", "依申请公开政府信息和不予公开政府信息的情况",
                 "政府信息依申请公开工作情况"],
    "appeals": ["申请行政复议、诉讼和申诉情况", "因政府信息公开申请行政复议、提起行政诉讼的情况", "复议、诉讼和申诉情况"],
    "fees": ["政府信息公开的收费及减免情况", "政府信息收费及减免情况", "政府信息公开收费及减免情况"],
    "staff": ["工作人员和政府支出情况", "政府信息公开工作人员及支出情况"],
    "problems": ["存在的主要问题和改进措施", "存在问题及改进措施", "存在的主要问题及改进措施", "主要问题和改进措施"],
    "other": ["其他需要报告的事项", "需要说明的其他事项"],
}

#: Section plans of the older conventions (report-formats.md §2), by regional habit.
PLANS = {
    "gd": ["overview", "proactive", "requests", "appeals", "fees", "problems"],
    "zj": ["overview", "proactive", "requests", "appeals", "staff", "problems"],
    "fj": ["overview", "proactive", "requests", "fees", "appeals", "problems"],
    "yn": ["overview", "proactive", "requests", "appeals", "problems", "other"],
    "ah": ["overview", "proactive", "requests", "fees", "appeals", "problems", "other"],
    "sc": ["overview", "results", "plans"],
}


def legacy_report(body: Body, year: int, n: YearNumbers, style: str, rng: random.Random,
                  appendix: str | None, short: bool = False) -> ReportDraft:
    """A 2008-2018 free-text report. ``appendix``: None, "fj_table", "sc_lines" or "image"."""
    d = Draft()
    s = d.stat
    plan = PLANS[style]
    names = {topic: rng.choice(HEADINGS[topic]) for topic in HEADINGS}
    if style == "sc":
        names.update(overview="基本情况", results="工作成效", plans="存在的主要问题及下一步工作打算")
    parts = [names[t] for t in plan]
    req_unit = rng.choice(["件", "件", "宗", "条", "起"])
    press_unit = rng.choice(["场", "次", "期"])
    _intro(d, body, year, rng, parts)
    attachments: list[tuple[str, str]] = []

    for topic in plan:
        d.section(names[topic])
        if topic == "overview":
            d.p(f"{year}年，{body.we}认真贯彻落实《条例》和上级关于政府信息公开工作的部署要求，"
                "坚持“以公开为原则、不公开为例外”，扎实推进政府信息公开工作。")
            subs = fill_topics(rng, body, 2 if short else rng.randint(2, 4))
            for i, (title, text) in enumerate(subs):
                d.sub(i, title, text)
            if style == "sc":
                _proactive_text(d, body, year, n, rng, style, sub_index=len(subs))
                _requests_text(d, body, year, n, rng, req_unit, sub_index=len(subs) + 1)
        elif topic == "proactive":
            _proactive_text(d, body, year, n, rng, style)
            if n.press and rng.random() < 0.8:
                d.p(rng.choice([
                    f"全年共召开新闻发布会{s('press_conferences', n.press)}{press_unit}，及时发布重要政策和重大事项。",
                    f"{year}年，{body.we}组织召开新闻发布会{s('press_conferences', n.press)}{press_unit}，"
                    "主动回应社会关切。",
                ]))
        elif topic == "requests":
            _requests_text(d, body, year, n, rng, req_unit)
        elif topic == "appeals":
            _appeals_text(d, body, year, n, rng)
        elif topic == "fees":
            s("fees.collected", 0)  # every wording below says no fee was collected
            d.p(rng.choice([
                f"{year}年，{body.we}在办理政府信息公开申请过程中，没有收取任何费用。",
                f"{year}年度，{body.we}未收取任何费用，也未发生减免费用情况。",
                f"本年度{body.we}依申请提供政府信息，收取检索、复制、邮寄等费用0元。",
            ]))
        elif topic == "staff":
            staff = rng.randint(2, 12)
            d.p(f"{body.we}政府信息公开工作由办公室负责，配备专兼职工作人员{staff}名。"
                f"政府信息公开工作经费纳入年度财政预算，全年支出约{rng.randint(2, 30)}万元。"
                "对公民、法人和其他组织申请提供政府信息不收取复印、递送等成本费用。")
        elif topic == "results":
            outcomes = ["进一步确保了政府信息公开时效", "极大地方便了人民群众办事", "进一步促进了廉政建设"]
            topics = fill_topics(rng, body, 2 if short else 3,
                                 among=("抓好重点领域信息公开", "深化政务服务公开", "加强政策解读和回应", "加强平台建设"))
            for i, (_, text) in enumerate(topics):
                d.sub(i, outcomes[i], text)
        elif topic in ("problems", "plans"):
            d.p(*fill(rng, FILLER_PROBLEMS, body, 1 if short else 2))
            if not short and rng.random() < 0.6:
                # numbered measures: level 3 (1.) with level 4 (①) points, as older reports wrote them
                d.blocks.append(heading("1.进一步加大主动公开力度", 3))
                d.p("围绕群众关心的热点问题，及时公开相关政府信息。")
                d.blocks.append(heading("①完善公开目录，做到应公开尽公开", 4))
                d.blocks.append(heading("②加强政策解读，提高回应的针对性", 4))
                d.blocks.append(heading("2.进一步规范依申请公开工作", 3))
                d.p("严格按照法定程序和时限办理政府信息公开申请，提高答复质量。")
        elif topic == "other":
            d.p(rng.choice(["无需要说明的其他事项。", "本年度无其他需要报告的事项。", "无需说明事项。"]))
    if appendix == "image":
        attachments.append((f"附件：{body.city}市政府信息公开情况统计表（{year}年度）", "image"))
        d.p(f"附件：{body.city}市政府信息公开情况统计表（{year}年度）")
    elif appendix == "sc_lines":
        d.p(f"附件：{year}年政府信息公开工作情况统计报表")
    signed = _signature(d, body, year, rng, modern=False)
    if appendix == "fj_table":
        d.p(f"附件：{year}年度政府信息公开工作情况统计表")
        d.blocks.append(_fujian_table(year, n, s, rng))
    elif appendix == "sc_lines":
        _sichuan_lines(d, year, n, s)
    elif appendix == "image":
        # the table itself is the image attachment, which the CMS shows at the end of the body
        d.p("附件", "政府信息公开情况统计表", f"（{year}年度）")
    return ReportDraft(d.blocks, d.sections, s.stats, signed, attachments)


def _proactive_text(d: Draft, body: Body, year: int, n: YearNumbers, rng: random.Random, style: str,
                    sub_index: int | None = None) -> None:
    s = d.stat
    if sub_index is not None:
        d.blocks.append(heading(f"（{'一二三四五六七八'[sub_index]}）政府信息主动公开情况", 2))
    opening = rng.choice([
        f"{year}年，{body.we}主动公开政府信息{s('proactive.total', n.proactive)}条",
        f"{year}年度{'全市' if body.we.endswith('市') else body.we}新增主动公开政府信息{s('proactive.total', n.proactive)}条",
        f"{year}年共主动公开政府信息{s('proactive.total', n.proactive)}条",
    ])
    if rng.random() < 0.5:
        opening += f"，累计主动公开政府信息{s('proactive.cumulative', n.cumulative)}条"
    opening += "。"
    d.p(opening)
    channels = rng.random()
    if style == "yn" or channels < 0.35:
        parts = [f"通过政府网站公开政府信息{s('proactive.via.website', n.website)}条",
                 f"通过政府公报公开政府信息{s('proactive.via.gazette', n.gazette)}条"]
        if n.weibo:
            parts.append(f"通过政务微博公开政府信息{s('proactive.via.weibo', n.weibo)}条")
        if n.wechat:
            parts.append(f"通过政务微信公开政府信息{s('proactive.via.wechat', n.wechat)}条")
        d.p("按公开渠道分，其中：" + "，".join(parts) + "。")
    elif channels < 0.7:
        d.p(f"在公开形式上，以政府门户网站为主要渠道，全年通过政府网站公开政府信息{s('proactive.via.website', n.website)}条；"
            "同时利用政府公报、报刊、广播、电视、政务公开栏等形式，方便群众及时获取政府信息。")
    if year >= 2013 and rng.random() < 0.6:
        d.p(f"制发并公开规范性文件{s('proactive.normative_documents', n.normative)}件，"
            f"发布政策解读稿件{s('proactive.policy_interpretations', n.interpretations)}篇。")
    d.p(rng.choice([
        "公开的内容主要包括机构职能、政策法规、规划计划、财政预决算、人事任免、重点项目、工作动态等方面。",
        "主动公开的信息以工作动态、政策文件和公示公告类信息为主，机构职能类和规划计划类信息按时更新。",
    ]))


def _requests_text(d: Draft, body: Body, year: int, n: YearNumbers, rng: random.Random, unit: str,
                   sub_index: int | None = None) -> None:
    s = d.stat
    if sub_index is not None:
        d.blocks.append(heading(f"（{'一二三四五六七八'[sub_index]}）依申请公开情况", 2))
    if n.requests == 0:
        s("requests.received", 0)
        d.p(rng.choice([
            f"{year}年，{body.we}未收到政府信息公开申请。",
            f"{year}年度{body.we}没有收到公民、法人或其他组织提出的政府信息公开申请。",
        ]))
        return
    text = rng.choice([
        f"{year}年，{body.we}共收到政府信息公开申请{s('requests.received', n.requests)}{unit}",
        f"{year}年度{body.we}共受理政府信息公开申请{s('requests.received', n.requests)}{unit}",
    ])
    channels = [("网上申请", "requests.channel.online", n.online), ("当面申请", "requests.channel.in_person", n.in_person),
                ("信函申请", "requests.channel.letter", n.letter), ("其他形式申请", "requests.channel.other", n.other_channel)]
    if rng.random() < 0.75:
        text += "，其中" + "，".join(f"{label}{s(key, v)}{unit}" for label, key, v in channels if v) + "。"
    else:
        text += "。"
    d.p(text)
    outcomes = [("同意公开", "requests.result.disclosed", n.disclosed),
                ("同意部分公开", "requests.result.partially_disclosed", n.partial),
                ("不予公开", "requests.result.not_disclosed", n.not_disclosed),
                ("告知信息不存在", "requests.result.not_exist", n.not_exist),
                ("告知非本机关掌握", "requests.result.not_our_agency", n.not_ours)]
    stated = [f"{label}{s(key, v)}{unit}" for label, key, v in outcomes if v]
    if stated:
        d.p("从答复情况看，" + "，".join(stated) + "。所有申请均在规定期限内答复。")


def _appeals_text(d: Draft, body: Body, year: int, n: YearNumbers, rng: random.Random) -> None:
    s = d.stat
    if n.reconsideration == 0 and n.litigation == 0 and rng.random() < 0.5:
        # one sentence about three things: not keyed (ambiguous which key it would be)
        d.p(rng.choice([
            f"{year}年，{body.we}未发生因政府信息公开而引起的行政复议、诉讼和申诉情况。",
            f"{year}年，{body.we}没有收到有关政府信息公开而引起的行政复议、诉讼和申诉。",
        ]))
        return
    d.p(f"{year}年，因政府信息公开申请行政复议{s('reconsideration.received', n.reconsideration)}件，"
        f"提起行政诉讼{s('litigation.received', n.litigation)}件，"
        f"申诉{s('complaints.received', 0)}件。")


def _fujian_table(year: int, n: YearNumbers, s, rng: random.Random) -> Block:
    """Attached 统计表, Fujian style: 指标名称 | 计量单位 | YYYY年度 | 历年累计."""
    def row(label: str, unit: str, value: int | None, cumulative: int | None, key: str | None = None,
            cum_key: str | None = None) -> list[Cell]:
        if key is not None and value is not None:
            s(key, value)
        if cum_key is not None and cumulative is not None:
            s(cum_key, cumulative)
        return [Cell(label), Cell(unit), Cell("" if value is None else str(value)),
                Cell("" if cumulative is None else str(cumulative))]

    email = 0  # a real zero row: the prose's totals must agree with the table's
    grow = lambda v: v + rng.randint(v, v * 6 + 10)  # noqa: E731 - an earlier-years total
    replies = n.disclosed + n.partial + n.not_disclosed
    rows = [
        [Cell("指标名称", header=True), Cell("计量单位", header=True), Cell(f"{year}年度", header=True),
         Cell("历年累计", header=True)],
        row("一、主动公开信息数", "条", n.proactive, n.cumulative, "proactive.total", "proactive.cumulative"),
        row("其中：1.网站公开", "条", n.website, grow(n.website), "proactive.via.website"),
        row("2.政府公报公开", "条", n.gazette, grow(n.gazette), "proactive.via.gazette"),
        row("二、受理依申请公开信息总数", "件", n.requests + email, grow(n.requests + email), "requests.received"),
        row("其中：1.当面申请数", "件", n.in_person, grow(n.in_person), "requests.channel.in_person"),
        row("2.传真申请数", "件", 0, 0),
        row("3.电子邮件申请数", "件", email, grow(email)),
        row("4.网上申请数", "件", n.online, grow(n.online), "requests.channel.online"),
        row("5.信函申请数", "件", n.letter, grow(n.letter), "requests.channel.letter"),
        row("6.其它形式申请数", "件", n.other_channel, grow(n.other_channel), "requests.channel.other"),
        row("三、对申请的答复数", "件", replies, grow(replies)),
        row("1.同意公开答复数", "件", n.disclosed, grow(n.disclosed), "requests.result.disclosed"),
        row("2.同意部分公开答复数", "件", n.partial, grow(n.partial), "requests.result.partially_disclosed"),
        row("3.否决公开答复数", "件", n.not_disclosed, grow(n.not_disclosed), "requests.result.not_disclosed"),
        row("四、行政复议数", "件", n.reconsideration, grow(n.reconsideration), "reconsideration.received"),
        row("五、行政诉讼数", "件", n.litigation, grow(n.litigation), "litigation.received"),
        row("六、行政申诉数", "件", 0, 0, "complaints.received"),
    ]
    if year >= 2011:
        # 收费减免金额: which of collected/waived it means is ambiguous, so it is not keyed
        rows.append(row("七、政府信息公开收费减免金额", "元", 0, 0))
    return Block(kind="table", rows=rows)


def _sichuan_lines(d: Draft, year: int, n: YearNumbers, s) -> None:
    """Attached 统计报表 flattened to label/value lines (the panzhihua seed's layout)."""
    d.p("附件", f"{year}年市（州）政府信息公开工作情况统计报表", "填报单位：（盖章）")
    completed = n.requests
    lines = [
        ("累计主动公开政府信息数量（单位：条）", n.cumulative, "proactive.cumulative"),
        ("本年度主动公开政府信息更新（含新增和变更）数量（单位：条）", n.proactive, "proactive.total"),
        ("收到政府信息公开申请数量（单位：件）", n.requests, "requests.received"),
        ("本年度已办结申请件的数量（单位：件）", completed, "requests.completed"),
        ("结转下年度办理数量（单位：件）", 0, "requests.carried_over"),
        ("申请方式", None, None),
        ("现场书面申请数量（单位：件）", n.in_person, "requests.channel.in_person"),
        ("信函申请数量（单位：件）", n.letter, "requests.channel.letter"),
        ("网络申请数量（单位：件）", n.online, "requests.channel.online"),
        ("其他形式申请数量（单位：件）", n.other_channel, "requests.channel.other"),
        ("公开信息数量（单位：件）", n.disclosed, "requests.result.disclosed"),
        ("部分公开信息数量（单位：件）", n.partial, "requests.result.partially_disclosed"),
        ("不予公开信息数量（单位：件）", n.not_disclosed, "requests.result.not_disclosed"),
        ("全年收费金额（单位：元）", 0, "fees.collected"),
        ("减免费用金额（单位：元）", 0, "fees.waived"),
        ("全年召开新闻发布会数量（单位：次）", n.press, "press_conferences"),
        ("收到政府信息公开行政复议申请数量（单位：件）", n.reconsideration, "reconsideration.received"),
        ("收到政府信息公开行政诉状数量（单位：件）", n.litigation, "litigation.received"),
    ]
    for label, value, key in lines:
        d.p(label)
        if value is not None:
            d.p(s(key, value))


# ---------------------------------------------------------------------------------- 2019-2025

MODERN_SECTIONS_2021 = ["总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请情况",
                        "政府信息公开行政复议、行政诉讼情况", "存在的主要问题及改进情况", "其他需要报告的事项"]


def modern_report(body: Body, year: int, n: YearNumbers, rng: random.Random, short: bool = False,
                  requests_as_image: bool = False, edit: bool = False) -> tuple[ReportDraft, dict]:
    """A report in the 2019 trial (year 2019-2020) or 2021 format (2021 on).

    ``edit`` applies the edition-2 correction (one number, one sentence). Returns the draft and
    the raw table numbers (for tests and for the edit description).
    """
    fmt = 2019 if year <= 2020 else 2021
    d = Draft()
    s = d.stat
    t_rng = random.Random(rng.random())  # tables draw from their own stream: the text can vary freely
    proactive = tables.proactive_table(t_rng, fmt, body.scale)
    requests = tables.requests_table(t_rng, fmt, body.scale)
    appeals = tables.appeals_table(t_rng, body.scale)
    if edit:
        # the corrected figure: 行政许可 处理决定数量 was misreported in edition 1
        key = "licensing.decisions"
        corrected = proactive.values[key] + 17
        proactive.values[key] = proactive.stats[key] = corrected
        for row in proactive.block.rows:
            if row and row[0].text == "行政许可":
                row[-1].text = str(corrected)

    titles = list(MODERN_SECTIONS_2021)
    if rng.random() < 0.3:
        titles[4] = rng.choice(["政府信息公开工作存在的主要问题及改进情况", "存在的主要问题和改进情况"])
    if rng.random() < 0.3:
        titles[3] = "政府信息公开行政复议、行政诉讼情况"
    basis = "国办公开办函〔2019〕60号" if fmt == 2019 else "国办公开办函〔2021〕30号"
    d.p(f"本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《中华人民共和国政府信息公开工作年度报告格式》"
        f"（{basis}）要求编制。全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、"
        f"政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项。"
        f"本报告所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。"
        + (f"本报告电子版可在{body.portal}查阅或下载。" if rng.random() < 0.7 else ""))

    d.section(titles[0])
    d.p(f"{year}年，{body.we}坚持以人民为中心的发展思想，认真贯彻落实《条例》和上级政务公开工作部署，"
        "以公开促落实、以公开促规范、以公开促服务，政府信息公开工作取得新成效。")
    press_unit = rng.choice(["场", "次"])
    d.sub(0, "主动公开",
          f"全年主动公开政府信息{s('proactive.total', n.proactive)}条，"
          + (f"召开新闻发布会{s('press_conferences', n.press)}{press_unit}，" if n.press else "")
          + f"发布政策解读{s('proactive.policy_interpretations', n.interpretations)}篇，"
          "重点做好财政资金、重大建设项目、公共资源配置、社会公益事业等领域信息公开。")
    received = requests.values["requests.new.total"]
    if received:
        d.sub(1, "依申请公开", f"全年共收到政府信息公开申请{s('requests.received', received)}件，"
                             "均在法定期限内答复，依法保障了申请人的合法权益。")
    else:
        s("requests.received", 0)
        d.sub(1, "依申请公开", "全年未收到政府信息公开申请。")
    management = fill_topics(rng, body, 1, among=("强化保密审查", "规范公开属性认定", "完善工作制度"))[0][1]
    platform = fill_topics(rng, body, 1, among=("加强平台建设", "深化政务服务公开"))[0][1]
    oversight = fill_topics(rng, body, 1, among=("完善考核机制", "加强培训指导"))[0][1]
    d.sub(2, "政府信息管理", management)
    if not short:
        d.sub(3, rng.choice(["平台建设", "政府信息公开平台建设"]), platform)
        d.sub(4, "监督保障", oversight)

    d.section(titles[1])
    d.blocks.append(proactive.block)
    d.section(titles[2])
    if requests_as_image:
        d.blocks.append(Block(kind="image", src="stat_table.jpg", text="收到和处理政府信息公开申请情况",
                              rows=requests.block.rows))
    else:
        d.blocks.append(requests.block)
    d.section(titles[3])
    d.blocks.append(appeals.block)
    d.section(titles[4])
    problems = fill(rng, FILLER_PROBLEMS, body, 2 if short else 3)
    if edit:
        problems[0] = (f"经复核，本报告第二部分“行政许可”本年处理决定数量更正为{proactive.values['licensing.decisions']}。"
                       + problems[0])
    d.p(*problems)
    d.section(titles[5])
    if fmt == 2021:
        s("fees.collected", 0)  # both wordings: no 信息处理费 collected
        d.p(rng.choice([
            f"依据《政府信息公开信息处理费管理办法》，{year}年度{body.we}未收取信息处理费。",
            f"{year}年度，{body.we}收取政府信息公开信息处理费0元。",
        ]))
    else:
        d.p("无其他需要报告的事项。")
    signed = _signature(d, body, year, rng, modern=True)

    stats = dict(s.stats)
    for part in (proactive, requests, appeals):
        if part is requests and requests_as_image:
            continue
        for key, value in part.stats.items():
            if key in stats and stats[key] != value:
                raise ValueError(f"{key}: text says {stats[key]}, table says {value}")
            stats[key] = value
    raw = {**proactive.values, **requests.values, **appeals.values}
    image_stats = dict(requests.stats) if requests_as_image else {}
    return ReportDraft(d.blocks, d.sections, stats, signed, image_stats=image_stats), raw
