"""The replica corpus: every document the five replica sites publish, with its ground truth.

``documents(site, edition)`` is deterministic (seeded generators, no clock, no network) and
cached. Each site's column holds the real seed report (verbatim text), generated reports for
most years 2008-2024 (free text before 2019, the national table format from 2019), notices,
work plans and news that are *not* reports, and for yuxi the reports of other Yunnan cities
sharing the provincial column. Edition 2 adds a 2025 report per site and corrects one
post-2019 report. See docs/replica-corpus.md.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from ..sites import SITES, get_site
from .corpus_files import attachment_file, to_traditional_with_pinyin
from .corpus_reports import legacy_report, modern_report, year_series
from .corpus_text import Body
from .model import AttachmentSpec, Block, Document

__all__ = ["documents", "seed_document", "attachment_bytes", "to_traditional_with_pinyin",
           "own_reports", "EDITIONS", "EDITED_YEAR", "NEW_YEAR", "CURRENT_EDITION"]

EDITIONS = (1, 2)
#: The report year corrected in edition 2 (one per site).
EDITED_YEAR = 2022
#: The report year added in edition 2.
NEW_YEAR = 2025
#: The edition that shows the sites as they stand now (December 2026): the 2025 reports, due on
#: 31 January 2026, are published. The demo, `replica serve` and `replica manifest` use it;
#: edition 1 is the same sites a year earlier (the incremental tests harvest 1, then 2).
CURRENT_EDITION = EDITIONS[-1]


@dataclass(frozen=True)
class SitePlan:
    site: str
    #: report years of the site's own body (the seed year included)
    years: tuple[int, ...]
    #: legacy style per pre-2019 year (the seed year excluded): gd zj fj yn ah sc
    styles: dict[int, str]
    #: appendix per pre-2019 year: fj_table / sc_lines / image (absent: none)
    appendices: dict[int, str] = field(default_factory=dict)
    #: report years whose document carries a file attachment: year -> kind
    files: dict[int, str] = field(default_factory=dict)
    traditional_years: tuple[int, ...] = ()


def _years(start: int, end: int, *missing: int) -> tuple[int, ...]:
    return tuple(y for y in range(start, end + 1) if y not in missing)


PLANS: dict[str, SitePlan] = {
    "zhaoqing": SitePlan(
        "zhaoqing", _years(2008, 2024, 2009, 2012),
        styles={2008: "gd", 2010: "fj", 2011: "gd", 2013: "zj", 2015: "gd", 2016: "ah", 2017: "gd", 2018: "yn"},
        appendices={2010: "fj_table", 2016: "fj_table"},
        files={2016: "pdf", 2020: "pdf", 2023: "pdf"},
    ),
    "yongkang": SitePlan(
        "yongkang", _years(2008, 2024, 2010, 2015),
        styles={2008: "zj", 2009: "gd", 2011: "zj", 2013: "fj", 2014: "zj", 2016: "zj", 2017: "ah", 2018: "zj"},
        appendices={2013: "fj_table", 2017: "fj_table"},
        files={2014: "pdf", 2019: "pdf", 2022: "pdf"},
    ),
    "yuxi": SitePlan(
        "yuxi", _years(2009, 2024, 2011),
        styles={2009: "gd", 2010: "fj", 2012: "yn", 2013: "yn", 2014: "zj", 2015: "yn", 2016: "yn", 2018: "ah"},
        appendices={2010: "fj_table", 2015: "image", 2016: "image"},
    ),
    "xuancheng": SitePlan(
        "xuancheng", _years(2009, 2024, 2010, 2013),
        styles={2009: "ah", 2011: "gd", 2012: "ah", 2014: "zj", 2015: "ah", 2016: "ah", 2018: "yn"},
        appendices={2012: "fj_table"},
        traditional_years=(2016, 2018),
    ),
    "panzhihua": SitePlan(
        "panzhihua", _years(2008, 2024, 2014, 2016),
        styles={2008: "sc", 2010: "sc", 2011: "sc", 2012: "gd", 2013: "sc", 2015: "fj", 2017: "zj", 2018: "sc"},
        appendices={2008: "sc_lines", 2010: "sc_lines", 2011: "sc_lines", 2013: "sc_lines", 2015: "fj_table",
                    2018: "sc_lines"},
        files={2008: "doc", 2010: "doc", 2011: "xls", 2013: "doc", 2015: "xls", 2018: "xls", 2019: "xls",
               2021: "doc", 2023: "xls"},
    ),
}

SEED_IDS = {"panzhihua": 524893, "yongkang": 1446516, "yuxi": 186257, "xuancheng": 2045, "zhaoqing": 278643}

#: The other Yunnan cities whose reports share yuxi's provincial column: name -> missing years.
YUNNAN_OTHERS: dict[str, tuple[int, ...]] = {
    "昆明": (2014,), "曲靖": (2016, 2020), "保山": (2013,), "昭通": (2018,), "丽江": (2015, 2021), "普洱": (2019,),
}


def _body(site: str, year: int) -> Body:
    agency = SITES[site].agency
    if site == "zhaoqing":
        office = year in (2010, 2011, 2015, 2018, 2021, 2024)
        return Body(site, "肇庆市人民政府办公室" if office else agency, "市政府办公室" if office else "我市", "肇庆",
                    "“中国肇庆”政府门户网站（www.zhaoqing.gov.cn）",
                    scale=0.4 if office else 1.0, contact="电话：0758-2260871")
    if site == "yongkang":
        return Body(site, agency, "我市", "永康", "“中国永康”门户网站（www.yk.gov.cn）", scale=0.6,
                    contact="地址：永康市金城路25号，邮编：321300")
    if site == "yuxi":
        return Body(site, agency, "玉溪市", "玉溪", "玉溪市人民政府门户网站", scale=1.0)
    if site == "xuancheng":
        return Body(site, agency, "我办", "宣城", "宣城市人民防空办公室网站", scale=0.04,
                    contact="邮编：242000")
    return Body(site, agency, "我市", "攀枝花", "攀枝花市人民政府门户网站（www.panzhihua.gov.cn）", scale=0.8)


def _title(site: str, year: int, body: Body, rng: random.Random) -> str:
    if site == "zhaoqing":
        return f"{body.agency}{year}年{rng.choice(['', '度'])}政府信息公开工作年度报告"
    if site == "yongkang":
        return (f"永康市{year}年度政府信息公开年度报告" if year < 2019
                else f"永康市人民政府{year}年政府信息公开工作年度报告")
    if site == "yuxi":
        return f"{body.city}市{year}年政府信息公开工作年度报告"
    if site == "xuancheng":
        if year >= 2024:
            return f"宣城市国防动员办公室{year}年政府信息公开工作年度报告"
        return rng.choice([f"宣城市人民防空办公室{year}年政府信息公开工作年度报告",
                           f"宣城市人防办{year}年度政府信息公开工作年度报告"])
    if year <= 2013:
        return f"攀枝花市人民政府关于{year}年度政府信息公开工作的报告"
    return rng.choice([f"攀枝花市{year}年政府信息公开工作年度报告", f"攀枝花市人民政府{year}年政府信息公开工作年度报告"])


def _published(site: str, year: int, signed: dt.date | None, rng: random.Random) -> dt.date:
    if site == "yuxi" and year <= 2018:
        # the provincial platform republished the older reports in bulk in December 2019
        return dt.date(2019, 12, rng.choice([24, 25]))
    if signed is not None:
        return min(signed + dt.timedelta(days=rng.randint(0, 9)), dt.date(year + 1, 3, 31))
    return dt.date(year + 1, rng.randint(1, 3), rng.randint(1, 28))


class _Ids:
    """doc_id allocation in the style of each platform's real ids, unique per site."""

    def __init__(self, site: str) -> None:
        self.site = site
        self.used = {SEED_IDS[site]}
        self.rng = random.Random(f"ids:{site}")

    def take(self, year: int, kind: str = "report") -> int:
        r = self.rng.randint(0, 999)
        base = {
            "zhaoqing": (140000 + (year - 2010) * 38000 if year <= 2015 else 1200000 + (year - 2016) * 330000 + r * 7),
            "yongkang": (1446508 + 2 * (year - 2008) if year <= 2018 and kind == "report"
                         else 1446600 + r if year <= 2018 else 4100000 + (year - 2019) * 650000 + r * 11),
            "yuxi": (186050 + (year - 2008) * 23 + r % 20 if year <= 2018 else 190000 + (year - 2019) * 14000 + r * 3),
            "xuancheng": 400 + (year - 2008) * 260 + r % 200,
            "panzhihua": (500000 + (year - 2008) * 24000 + r if year <= 2013 else 9000000 + (year - 2014) * 140000 + r * 9),
        }[self.site]
        while base in self.used:
            base += 1
        self.used.add(base)
        return base


def _index_no(site: str, year: int, doc_id: int) -> str | None:
    if site == "zhaoqing":
        prefix = "007141332" if year <= 2017 else "11441200007141332X"
        return f"{prefix}/{year + 1}-{doc_id % 100000:05d}"
    if site == "yongkang":
        return f"330784ZF060000/{year + 1}-{doc_id % 100000:05d}"
    if site == "xuancheng":
        return f"11341800003145291K/{year + 1}-{doc_id % 1000:05d}"
    return None


def _publisher(site: str, body: Body) -> str:
    return {"zhaoqing": "肇庆市人民政府", "yongkang": "市政府及办公室"}.get(site, body.agency)


def _printed_agency(site: str, title: str, body: Body) -> str:
    """The agency as the page names it: xuancheng's titles print the office's name of that year
    (宣城市人民防空办公室, 宣城市人防办, from 2024 宣城市国防动员办公室), not the registry's current one."""
    if site == "xuancheng":
        return re.split(r"(?:19|20)\d{2}年", title, maxsplit=1)[0]
    return body.agency


def _report(site: str, year: int, doc_id: int, plan: SitePlan, body: Body, edition: int,
            short: bool = False) -> Document:
    rng = random.Random(f"report:{site}:{body.agency}:{year}")
    title = _title(site, year, body, rng)
    numbers = year_series(body, range(2008, NEW_YEAR + 1))[year]
    edited = year == EDITED_YEAR and body.agency == SITES[site].agency
    if year >= 2019:
        draft, _ = modern_report(body, year, numbers, rng, short=short,
                                 requests_as_image=(site == "yuxi" and year == 2019 and not short),
                                 edit=edited and edition >= 2)
    else:
        style = plan.styles.get(year, "gd")
        draft = legacy_report(body, year, numbers, style, rng, plan.appendices.get(year), short=short)
    published = _published(site, year, draft.signed, rng)
    attachments: list[AttachmentSpec] = []
    for i, (name, kind) in enumerate(draft.attachments, start=1):
        attachments.append(AttachmentSpec(name=name, filename=f"{doc_id}_{i}.jpg", kind=kind))
    file_kind = plan.files.get(year) if not short else None
    if file_kind:
        n = len(attachments) + 1
        if site == "panzhihua":
            name = "点击下载此文件" if file_kind == "doc" else f"{year}年政府信息公开工作情况统计报表.{file_kind}"
        else:
            name = f"{title}.{file_kind}"
        attachments.append(AttachmentSpec(name=name, filename=f"{doc_id}_{n}.{file_kind}", kind=file_kind))
    for block in draft.blocks:
        if block.kind == "image" and attachments and attachments[0].kind == "image":
            block.src = attachments[0].filename
        elif block.kind == "image":
            block.src = f"{doc_id}_img.jpg"
    expected = {
        "kind": "report",
        "title": title,
        "report_year": year,
        "agency": _printed_agency(site, title, body),
        "published_date": published.isoformat(),
        "signed_date": draft.signed.isoformat() if draft.signed else None,
        "section_titles": draft.section_titles,
        "stats": draft.stats,
    }
    if attachments:
        expected["attachments_kinds"] = sorted({a.kind for a in attachments})
    return Document(
        site=site, doc_id=doc_id, kind="report", title=title, agency=body.agency,
        publisher=_publisher(site, body) if body.agency == SITES[site].agency or site == "zhaoqing" else body.agency,
        report_year=year, published=published, signed=draft.signed,
        index_no=_index_no(site, year, doc_id), doc_no=None,
        category=SITES[site].extra.get("column_name", "政府信息公开工作年度报告"),
        source=body.agency if site == "yuxi" else None,
        blocks=draft.blocks, attachments=attachments,
        traditional=year in plan.traditional_years, expected=expected,
        since_edition=2 if year == NEW_YEAR else 1,
        edited_in=2 if edited else None,
    )


# ------------------------------------------------------------------------------------ seeds

def _golden(site: str) -> dict:
    return json.loads(resources.files("harvester.replicas").joinpath("data", "golden", f"{site}.json").read_text("utf-8"))


def seed_text(site: str) -> str:
    """The seed page text exactly as given (conversion artifacts and chrome included)."""
    raw = resources.files("harvester.replicas").joinpath("data", "seeds", f"{site}.txt").read_bytes()
    return raw.decode("utf-8")


_SEED_META = {
    "zhaoqing": dict(agency="肇庆市人民政府办公室", publisher="肇庆市人民政府", published=dt.date(2015, 3, 20),
                     signed=dt.date(2015, 3, 20), index_no="007141332/2015-00724",
                     category="政府信息公开工作年度报告",
                     attachments=[AttachmentSpec("肇庆市人民政府办公室2014年政府信息公开工作年度报告.pdf", "278643_1.pdf", "pdf")]),
    "yongkang": dict(agency="永康市人民政府", publisher="市政府及办公室", published=dt.date(2013, 3, 29),
                     signed=None, index_no="330784ZF060000/2013-13135", category="综合政务", source="市府办"),
    "yuxi": dict(agency="玉溪市人民政府", publisher="玉溪市人民政府", published=dt.date(2019, 12, 25),
                 signed=dt.date(2018, 2, 23), source="玉溪市人民政府",
                 attachments=[AttachmentSpec("表格.jpg", "186257_1.jpg", "image")]),
    "xuancheng": dict(agency=SITES["xuancheng"].agency, publisher=SITES["xuancheng"].agency,
                      published=dt.date(2018, 1, 26), signed=None, index_no="11341800003145291K/2018-00045",
                      # Anhui platform pages title a unit's report without the unit's name; the
                      # body is the page's unit (its 主办 footer), so agency comes from the registry.
                      title="2017年政府信息公开工作年度报告", traditional=True),
    # the seed page is a Traditional mirror (關(guān)) of a GBK original: already converted
    "panzhihua": dict(agency="攀枝花市人民政府", publisher="攀枝花市人民政府", published=dt.date(2010, 3, 19),
                      signed=dt.date(2010, 3, 4), traditional=True,
                      attachments=[AttachmentSpec("点击下载此文件", "524893_1.doc", "doc")]),
}


@lru_cache(maxsize=None)
def _seed(site: str) -> Document:
    golden = _golden(site)
    meta = dict(_SEED_META[site])
    title = golden.get("title") or meta.pop("title")
    meta.pop("title", None)
    expected = {k: v for k, v in golden.items() if k != "seed"}
    expected["kind"] = "report"
    return Document(site=site, doc_id=SEED_IDS[site], kind="report", title=title,
                    report_year=golden["report_year"], seed_text=seed_text(site), expected=expected, **meta)


def seed_document(site: str) -> Document:
    """The seed page's document (its ``seed_text`` replaces blocks when rendered)."""
    get_site(site)
    return _seed(site)


# ------------------------------------------------------------------------------- non-reports

def _non_reports(site: str, ids: _Ids) -> list[Document]:
    city = {"zhaoqing": "肇庆市", "yongkang": "永康市", "yuxi": "玉溪市", "xuancheng": "宣城市",
            "panzhihua": "攀枝花市"}[site]
    office = f"{city}人民政府办公室"
    issuer = SITES[site].agency if site == "xuancheng" else office
    rng = random.Random(f"nonreports:{site}")
    specs = [
        ("notice", 2019, dt.date(2019, 1, 8),
         f"{office}关于做好2018年度政府信息公开工作年度报告编制和发布工作的通知",
         ["各县（市、区）人民政府，市政府各部门、各直属机构：",
          "根据《中华人民共和国政府信息公开条例》规定，为做好2018年度政府信息公开工作年度报告编制和发布工作，现将有关事项通知如下：",
          "一、各单位要按照规定的内容和格式编制本单位2018年度政府信息公开工作年度报告，"
          "全面反映主动公开、依申请公开、行政复议和行政诉讼等情况，做到数据准确、内容完整。",
          "二、年度报告应于2019年1月31日前在本单位政府网站政府信息公开专栏发布，同时报送市政务公开办公室备案。",
          "三、各单位要高度重视年度报告编制工作，明确专人负责，严格审核把关，逾期未发布的将予以通报。",
          office, "2019年1月8日"]),
        ("work_plan", 2021, dt.date(2021, 5, 20), f"{city}2021年政务公开工作要点",
         ["为深入贯彻落实国务院办公厅和省政府办公厅关于政务公开工作的部署要求，进一步推进决策、执行、管理、服务、结果公开，"
          "结合我市实际，制定本工作要点。",
          "一、围绕巩固拓展脱贫攻坚成果加强信息公开，及时公开惠民惠农政策落实情况。",
          "二、围绕优化营商环境加强信息公开，全面公开涉企政策和办事指南。",
          "三、围绕常态化疫情防控加强信息发布，做好防控政策解读和回应工作。",
          "四、加强政府信息公开平台建设，规范政府网站信息公开专栏，按时编制发布政府信息公开工作年度报告。",
          "五、强化组织保障，各单位要将本要点落实情况纳入年度绩效考核。"]),
        ("news", 2020, dt.date(2020, 9, 17), f"{city}召开政务公开工作培训会" if site != "xuancheng"
         else "宣城市人防办参加全市政务公开工作培训会",
         ["9月16日，全市政务公开工作培训会召开，各县（市、区）政务公开办公室负责同志、市直各单位政务公开工作人员参加培训。",
          "培训会围绕新修订的《中华人民共和国政府信息公开条例》、政府信息公开工作年度报告格式、"
          "依申请公开办理规范等内容进行了专题讲解，并结合典型案例进行了分析。",
          "会议要求，各单位要以此次培训为契机，进一步提高政务公开工作规范化水平，切实做好年度报告编制发布等工作。"]),
        ("notice", 2023, dt.date(2023, 2, 10),
         f"关于{city}2022年度政府信息公开工作年度报告发布情况的通报",
         ["根据政府信息公开工作年度报告编制发布工作要求，市政务公开办公室对全市各单位2022年度政府信息公开工作年度报告发布情况进行了检查。",
          "从检查情况看，绝大多数单位能够按时发布年度报告，报告格式规范、数据准确。"
          "个别单位存在报告发布不及时、表格数据勾稽关系不正确等问题。",
          "请相关单位对照问题清单及时整改，整改情况于3月底前报市政务公开办公室。"]),
    ]
    docs = []
    for kind, year, published, title, paragraphs in specs:
        doc_id = ids.take(year, kind)
        docs.append(Document(
            site=site, doc_id=doc_id, kind=kind, title=title, agency=issuer,
            publisher=_publisher(site, _body(site, year)) if site in ("zhaoqing", "yongkang") else issuer,
            report_year=None, published=published + dt.timedelta(days=rng.randint(0, 2)),
            index_no=_index_no(site, year - 1, doc_id), doc_no=None,
            category=SITES[site].extra.get("column_name", "政府信息公开工作年度报告"),
            source=issuer if site == "yuxi" else None,
            blocks=[Block(kind="para", text=t) for t in paragraphs], expected={"kind": kind},
        ))
    return docs


# ---------------------------------------------------------------------------------- the API

@lru_cache(maxsize=None)
def _documents(site: str, edition: int) -> tuple[Document, ...]:
    plan = PLANS[site]
    ids = _Ids(site)
    seed = _seed(site)
    docs: list[Document] = []
    for year in (*plan.years, NEW_YEAR):
        if year == seed.report_year:
            docs.append(seed)
            continue
        if year == NEW_YEAR and edition < 2:
            ids.take(year)  # keep later ids stable across editions
            continue
        docs.append(_report(site, year, ids.take(year), plan, _body(site, year), edition))
    if site == "yuxi":
        for city, missing in YUNNAN_OTHERS.items():
            body = Body("yuxi", f"{city}市人民政府", f"{city}市", city, f"{city}市人民政府门户网站",
                        scale=random.Random(city).uniform(0.5, 1.5))
            # registry bodies of their own (yn-kunming ...): their 2025 reports are out in edition 2
            for year in (*_years(2013, 2024, *missing), NEW_YEAR):
                doc_id = ids.take(year)  # taken in every edition: later ids stay stable
                if year == NEW_YEAR and edition < 2:
                    continue
                docs.append(_report(site, year, doc_id, plan, body, edition, short=True))
    docs.extend(_non_reports(site, ids))
    docs.sort(key=lambda d: (d.published, d.doc_id), reverse=True)
    return tuple(docs)


def documents(site: str, edition: int = 1) -> list[Document]:
    """All documents of the site's column(s) in ``edition``, newest first. Deterministic."""
    get_site(site)
    if edition not in EDITIONS:
        raise ValueError(f"edition must be one of {EDITIONS}, got {edition}")
    if site not in PLANS:  # a registry body without a hand-made plan: derived from its row
        from .corpus_bodies import documents as body_documents

        return list(body_documents(site, edition))
    # the Document objects are shared by every caller (cached): treat them as read-only
    return list(_documents(site, edition))


def own_reports(site: str, edition: int = 1) -> list[Document]:
    """The reports of the site's own body (what the manifest lists; yuxi's column has others)."""
    agencies = {SITES[site].agency}
    if site not in PLANS:
        return [d for d in documents(site, edition) if d.is_report]
    if site == "zhaoqing":
        agencies.add("肇庆市人民政府办公室")
    return [d for d in documents(site, edition) if d.is_report and d.agency in agencies]


def attachment_bytes(site: str, spec: AttachmentSpec) -> bytes:
    """A small valid file for the attachment's kind (pdf, doc as RTF, xls as Excel XML, jpeg)."""
    get_site(site)
    return attachment_file(site, spec)
