"""Loopback replicas of the five target sites, served over real HTTP.

Each replica reproduces its CMS (URL scheme, listing mechanics, markup, encoding, anti-bot
challenge) around the documents of :mod:`harvester.replicas.corpus`, so that spiders, cleaning
and parsing are exercised end to end without the internet. See docs/replicas.md.
"""

from __future__ import annotations

from .corpus import CURRENT_EDITION
from .manifest import manifest, manifest_all
from .server import PortInUseError, ReplicaOptions, ReplicaServer, RequestRecord

__all__ = ["ReplicaServer", "ReplicaOptions", "RequestRecord", "PortInUseError", "manifest", "manifest_all",
           "CURRENT_EDITION"]
