"""Platform (CMS) code: one module per platform with its listing and pagination logic, the
platform detection, and :class:`BodySpider`, the one spider every registry body runs.
Bodies are data (harvester.registry); nothing here knows a particular body."""

from .anhui import AnhuiSpider
from .base import ReportSpider
from .detect import detect_platform
from .generic import BodySpider
from .gkmlpt import GkmlptSpider
from .hanweb import HanwebSpider
from .sichuan_static import SichuanStaticSpider, StaticSpider
from .trs import TrsSpider

__all__ = ["AnhuiSpider", "BodySpider", "GkmlptSpider", "HanwebSpider", "ReportSpider", "SichuanStaticSpider",
           "StaticSpider", "TrsSpider", "detect_platform"]
