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

#: The five replicas whose markup the project wrote around its own corpus (each column with a dead
#: link, a duplicate entry, a robots-disallowed link, an edited report in edition 2).
HAND_MADE = ("zhaoqing", "yongkang", "yuxi", "xuancheng", "panzhihua")

__all__ = ["HAND_MADE", "REPLICA_CLASSES", "SiteReplica"]
