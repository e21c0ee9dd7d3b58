"""The hand-made replicas (and pingtan's real pages), keyed like the registry body each was made
for; any other gkmlpt body is served by :class:`.gkmlpt.GkmlptReplica` (see ..hosting)."""

from __future__ import annotations

from .base import SiteReplica
from .panzhihua import PanzhihuaReplica
from .pingtan import PingtanReplica
from .xuancheng import XuanchengReplica
from .yongkang import YongkangReplica
from .yuxi import YuxiReplica
from .zhaoqing import ZhaoqingReplica

REPLICA_CLASSES: dict[str, type[SiteReplica]] = {
    cls.key: cls
    for cls in (ZhaoqingReplica, YongkangReplica, YuxiReplica, XuanchengReplica, PanzhihuaReplica, PingtanReplica)
}

__all__ = ["REPLICA_CLASSES", "SiteReplica"]
