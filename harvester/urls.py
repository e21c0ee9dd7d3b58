"""Which URLs a harvest may request, and the one canonical form a page is stored under.

Security rule (docs/reliability.md): only http(s) URLs of the site's own host and port are ever
requested. A listing that links ``file://``, ``ftp://``, ``javascript:``, ``mailto:``, another host
or the site's host on another port gets that one link dropped (counted, logged), never the page.

Canonical form (courlan/w3lib-style, so one document listed five ways is one page): lower-case
scheme and host, no default port, no fragment, no tracking parameters (``utm_*``, ``spm``,
``from``...), no trailing index page (``/a/index.html`` -> ``/a/``). The query's order and the
path's case are kept: servers may care about both. The URL as listed is kept on every snapshot.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import safe_url_string

ALLOWED_SCHEMES = frozenset({"http", "https"})
DEFAULT_PORTS = {"http": 80, "https": 443}
#: Query parameters that only say where a visitor came from (analytics, share buttons).
TRACKING_PARAMS = frozenset({"spm", "from", "fbclid", "gclid", "isappinstalled", "scene", "share_token",
                             "clicktime", "wxshare_count"})
TRACKING_PREFIXES = ("utm_",)
#: Directory index documents a server answers for the directory itself.
INDEX_PAGE_RE = re.compile(r"/(?:index|default)\.(?:s?html?|jsp|php|aspx?)$", re.I)


def effective_port(scheme: str, port: int | None) -> int | None:
    return port if port is not None else DEFAULT_PORTS.get(scheme)


def _port(split) -> int | None:
    try:
        return split.port
    except ValueError:  # "host:abc" or out of range
        return -1


def is_tracking_param(name: str) -> bool:
    name = name.lower()
    return name in TRACKING_PARAMS or name.startswith(TRACKING_PREFIXES)


def canonical_url(url: str) -> str:
    """The form a page is deduplicated and stored under (see the module docstring)."""
    split = urlsplit(safe_url_string(url.strip()))
    scheme = split.scheme.lower()
    host = (split.hostname or "").lower()
    port = _port(split)
    netloc = host
    if port not in (None, -1) and port != DEFAULT_PORTS.get(scheme):
        netloc = f"{host}:{port}"
    path = split.path or "/"
    path = INDEX_PAGE_RE.sub("/", path)
    query = split.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        kept = [(k, v) for k, v in pairs if not is_tracking_param(k)]
        if len(kept) != len(pairs):
            query = urlencode(kept, safe="/:,")
    return urlunsplit((scheme, netloc, path, query, ""))


def site_origin(url: str) -> tuple[str, int | None]:
    """(host, port) of a site's entry URL."""
    split = urlsplit(url)
    return (split.hostname or "").lower(), effective_port(split.scheme.lower(), _port(split))


def offsite_reason(url: str, origin: tuple[str, int | None]) -> str | None:
    """Why ``url`` must not be requested for a site at ``origin`` (None: it may).

    http and https of the same host are one site (sites move to https and back) as long as both
    use their default ports; a non-default port must match the site's exactly."""
    split = urlsplit(url)
    scheme = split.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        return f"scheme {scheme or '(none)'}: not http(s)"
    host, port = origin
    if (split.hostname or "").lower() != host:
        return f"other host {split.hostname or '(none)'}"
    url_port = effective_port(scheme, _port(split))
    if url_port != port and not (url_port in DEFAULT_PORTS.values() and port in DEFAULT_PORTS.values()):
        return f"other port {url_port}"
    return None
