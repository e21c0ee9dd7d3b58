"""Which replica serves which registry body, on which (real) host and under which path prefix.

A replica is a CMS instance: the five hand-made sites, pingtan's real pages, and a
:class:`~.sites.gkmlpt.GkmlptReplica` for any other gkmlpt body. Several bodies may share one:
the Yunnan cities share the provincial portal's column (yuxi's replica), a city's departments
share the city portal's host under their own path prefixes. The server gives every real host one
loopback port, as the real sites have one host each (robots.txt and cookies are per host).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ..sites import SITES, Site, UnknownSiteError, get_site
from .sites import REPLICA_CLASSES
from .sites.base import Request, Response, SiteReplica

if TYPE_CHECKING:  # pragma: no cover
    from .server import ReplicaOptions

#: Platforms a body without a hand-made replica can be served on (generated corpus).
GENERIC_PLATFORMS = ("gkmlpt",)


class NoReplicaError(UnknownSiteError):
    """A registry body no replica can serve (its platform has no generic replica)."""


def host_of(body: Site) -> str:
    return urlsplit(body.entry_url).netloc


def owner_of(body: Site) -> str | None:
    """The key of the body whose replica serves ``body``'s column (itself, or the body whose
    column it shares), None when no replica can serve it."""
    if body.key in REPLICA_CLASSES:
        return body.key if REPLICA_CLASSES[body.key].available() else None
    for other in SITES.values():
        if other.key in REPLICA_CLASSES and other.entry_url == body.entry_url:
            return other.key if REPLICA_CLASSES[other.key].available() else None
    if body.platform in GENERIC_PLATFORMS:
        return body.key
    if not body.platform and "/gkmlpt/" in body.entry_url:  # platform left to detection
        return body.key
    return None


def prefix_of(body: Site) -> str:
    """The path prefix of a sub-site (a department's gkmlpt under the city portal)."""
    if body.key in REPLICA_CLASSES:
        return ""
    path = urlsplit(body.entry_url).path
    return path.split("/gkmlpt/", 1)[0] if "/gkmlpt/" in path else ""


def servable() -> list[str]:
    """Every registry body a replica can serve, in registry order."""
    return [k for k, b in SITES.items() if owner_of(b) is not None]


def make_replica(owner: str, options: "ReplicaOptions") -> SiteReplica:
    if owner in REPLICA_CLASSES:
        return REPLICA_CLASSES[owner](options)
    from .sites.gkmlpt import GkmlptReplica

    return GkmlptReplica(options, owner)


@dataclass
class Hosted:
    """One replica on a host: the bodies it serves and its path prefix there."""

    replica: SiteReplica
    host: str
    prefix: str
    bodies: list[str] = field(default_factory=list)


class HostRouter:
    """What one loopback port answers: the replicas of one real host, chosen by path prefix."""

    def __init__(self, host: str, units: list[Hosted]) -> None:
        self.host = host
        # longest prefix first; "" (the portal itself) last
        self.units = sorted(units, key=lambda u: len(u.prefix), reverse=True)
        self.key = self.units[-1].replica.key

    def unit_for(self, path: str) -> Hosted | None:
        for unit in self.units:
            if not unit.prefix or path == unit.prefix or path.startswith(unit.prefix + "/"):
                return unit
        return None

    def handle(self, request: Request) -> Response:
        unit = self.unit_for(request.path)
        if unit is None:
            replica = self.units[-1].replica
            response = replica.not_found()
        else:
            replica = unit.replica
            if unit.prefix and request.path != "/robots.txt":
                request.path = request.path[len(unit.prefix):] or "/"
                request.base_url = request.base_url + unit.prefix
            response = replica.handle(request)
        response.site = response.site or replica.key
        return response

    def http_date(self, moment) -> str:
        return self.units[-1].replica.http_date(moment)


def plan(keys: list[str] | None, options: "ReplicaOptions") -> dict[str, list[Hosted]]:
    """host -> the replicas serving ``keys`` (default: every servable body) on that host."""
    wanted = servable() if keys is None else [get_site(k).key for k in keys]
    units: dict[str, Hosted] = {}
    for key in wanted:
        body = SITES[key]
        owner = owner_of(body)
        if owner is None:
            if key in REPLICA_CLASSES:
                raise NoReplicaError(f"the {key} replica cannot be served: {REPLICA_CLASSES[key].unavailable_reason()}")
            raise NoReplicaError(f"no replica serves {key!r} (platform {body.platform or 'unknown'}; replicas exist "
                                 f"for the hand-made sites and any {', '.join(GENERIC_PLATFORMS)} body)")
        if owner not in units:
            owner_body = SITES[owner]
            units[owner] = Hosted(make_replica(owner, options), host_of(owner_body), prefix_of(owner_body))
        units[owner].bodies.append(key)
    hosts: dict[str, list[Hosted]] = {}
    for unit in units.values():
        hosts.setdefault(unit.host, []).append(unit)
    return hosts


def host_order() -> list[str]:
    """Every replica host in registry order (a host keeps its port whichever subset is served)."""
    order: list[str] = []
    for key in servable():
        owner = owner_of(SITES[key])
        host = host_of(SITES[owner])
        if host not in order:
            order.append(host)
    return order
