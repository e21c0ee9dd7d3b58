"""One replica per target site, keyed like ``harvester.sites.SITES``."""

from __future__ import annotations

from .base import SiteReplica
from .panzhihua import PanzhihuaReplica
from .xuancheng import XuanchengReplica
from .yongkang import YongkangReplica
from .yuxi import YuxiReplica
from .zhaoqing import ZhaoqingReplica

REPLICA_CLASSES: dict[str, type[SiteReplica]] = {
    cls.key: cls
    for cls in (ZhaoqingReplica, YongkangReplica, YuxiReplica, XuanchengReplica, PanzhihuaReplica)
}

__all__ = ["REPLICA_CLASSES", "SiteReplica"]
