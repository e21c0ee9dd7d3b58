"""One replica per target site, keyed like ``harvester.sites.SITES``."""

from __future__ import annotations

from .base import SiteReplica
from .yongkang import YongkangReplica
from .zhaoqing import ZhaoqingReplica

REPLICA_CLASSES: dict[str, type[SiteReplica]] = {
    cls.key: cls
    for cls in (ZhaoqingReplica, YongkangReplica)
}

__all__ = ["REPLICA_CLASSES", "SiteReplica"]
