"""Spider bases, one per CMS pattern. A site spider in ``spiders/`` subclasses one of these and
states only what is special about its site (name, and the registry entry in harvester.sites)."""

from .anhui import AnhuiSpider
from .base import ReportSpider
from .gkmlpt import GkmlptSpider
from .hanweb import HanwebSpider
from .sichuan_static import SichuanStaticSpider
from .trs import TrsSpider

__all__ = ["AnhuiSpider", "GkmlptSpider", "HanwebSpider", "ReportSpider", "SichuanStaticSpider", "TrsSpider"]
