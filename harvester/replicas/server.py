"""Serve the site replicas over real HTTP on loopback, one port per site (robots.txt and cookies
are per host, as on the real sites).

The server does what every real web server does for the replicas: HTTP parsing, conditional
requests (strong ETag of the body, Last-Modified, 304 without a body), HEAD, and a request log
that tests and the monitoring code read. What a page contains is the site module's business.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import threading
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from http.cookies import CookieError, SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from ..sites import SITES
from . import hosting
from .sites.base import Request, Response, SiteReplica


class PortInUseError(OSError):
    """The port a replica should listen on is taken."""

    def __init__(self, host: str, port: int):
        super().__init__(errno.EADDRINUSE, f"port {port} on {host} is already in use (another replica server running?)")
        self.host = host
        self.port = port

    def __str__(self) -> str:
        return self.strerror


@dataclass
class ReplicaOptions:
    """Live switches of the replicas; change them while serving (tests flip ``edition``)."""

    #: xuancheng answers 412 with a JavaScript cookie challenge until the cookie is set
    challenge: bool = True
    #: corpus edition served (2 adds a report and edits another)
    edition: int = 1
    #: sites whose listings answer empty (a "layout changed" case for monitoring)
    broken: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class RequestRecord:
    site: str
    method: str
    path: str  # with the query string
    status: int
    bytes_sent: int
    conditional: bool
    user_agent: str
    at: dt.datetime


def strong_etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _etag_matches(header: str, etag: str) -> bool:
    candidates = [c.strip() for c in header.split(",")]
    # If-None-Match uses the weak comparison (RFC 9110 13.1.2)
    return "*" in candidates or any(c.removeprefix("W/") == etag for c in candidates)


def not_modified(request_headers: dict[str, str], etag: str, last_modified: dt.datetime) -> bool:
    """RFC 9110: If-None-Match wins over If-Modified-Since when both are sent."""
    if "if-none-match" in request_headers:
        return _etag_matches(request_headers["if-none-match"], etag)
    since = request_headers.get("if-modified-since")
    if since:
        try:
            since_at = parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
        if since_at.tzinfo is None:
            since_at = since_at.replace(tzinfo=dt.timezone.utc)
        return last_modified.replace(microsecond=0) <= since_at
    return False


class _SiteHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    # SO_REUSEADDR: the port is free again at once after a kill (connections left in TIME_WAIT
    # no longer block it). On Linux it does not let a second live server share the port:
    # binding still fails with EADDRINUSE while the first one listens.
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], replica: "hosting.HostRouter", owner: "ReplicaServer"):
        self.replica = replica
        self.owner = owner
        super().__init__(address, _Handler)


class _Handler(BaseHTTPRequestHandler):
    server: _SiteHTTPServer
    protocol_version = "HTTP/1.1"
    server_version = "nginx"
    sys_version = ""

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - stdlib signature
        pass  # the request log replaces stderr noise

    def do_GET(self) -> None:
        self._serve("GET")

    def do_HEAD(self) -> None:
        self._serve("HEAD")

    def do_POST(self) -> None:
        self._serve("POST")

    def _request(self, method: str) -> Request:
        parts = urlsplit(self.path)
        headers = {k.lower(): v for k, v in self.headers.items()}
        form: dict[str, str] = {}
        length = int(headers.get("content-length") or 0)
        if length:
            raw = self.rfile.read(length)
            if "application/x-www-form-urlencoded" in headers.get("content-type", "") or method == "POST":
                form = dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
        cookies: dict[str, str] = {}
        if "cookie" in headers:
            jar = SimpleCookie()
            try:
                jar.load(headers["cookie"])
            except CookieError:
                pass
            cookies = {k: m.value for k, m in jar.items()}
        host = headers.get("host") or "%s:%d" % self.server.server_address[:2]
        return Request(
            method=method,
            path=parts.path,
            query=dict(parse_qsl(parts.query, keep_blank_values=True)),
            form=form,
            headers=headers,
            cookies=cookies,
            base_url=f"http://{host}",
        )

    def _serve(self, method: str) -> None:
        request = self._request(method)
        replica = self.server.replica
        try:
            response = replica.handle(request)
        except Exception as exc:  # a replica bug must show as a 500, not kill the connection
            response = Response(500, f"internal error: {exc!r}".encode(), "text/plain; charset=utf-8")
        conditional = "if-none-match" in request.headers or "if-modified-since" in request.headers
        headers = list(response.headers)
        status, body = response.status, response.body
        if response.last_modified is not None and status == 200:
            etag = strong_etag(body)
            headers += [("ETag", etag), ("Last-Modified", replica.http_date(response.last_modified))]
            if method in ("GET", "HEAD") and not_modified(request.headers, etag, response.last_modified):
                status, body = 304, b""
        sent = len(body) if method != "HEAD" and status != 304 else 0
        # logged before answering: once a client has its response, the log shows the request
        self.server.owner._record(
            RequestRecord(
                site=response.site or replica.key,
                method=method,
                path=self.path,
                status=status,
                bytes_sent=sent,
                conditional=conditional,
                user_agent=request.headers.get("user-agent", ""),
                at=dt.datetime.now(dt.timezone.utc),
            )
        )
        self.send_response(status)
        if status != 304:
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if sent:
            self.wfile.write(body)


class ReplicaServer:
    """The replicas of all (or some) registry bodies, one loopback port per real host.

    ``sites`` are body keys (default: every body a replica can serve, see
    :mod:`harvester.replicas.hosting`). ``port=0`` picks free ephemeral ports; ``port=N`` binds
    N, N+1 ... in the registry's host order (a host keeps its port whichever subset is served).
    """

    def __init__(
        self,
        sites: list[str] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        options: ReplicaOptions | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.options = options if options is not None else ReplicaOptions()
        #: real host -> the replicas on it
        self.hosts = hosting.plan(sites, self.options)
        self.routers = {h: hosting.HostRouter(h, units) for h, units in self.hosts.items()}
        #: body key -> the replica serving it
        self.replicas: dict[str, SiteReplica] = {
            key: unit.replica for units in self.hosts.values() for unit in units for key in unit.bodies}
        self.sites = list(self.replicas)
        self.request_log: list[RequestRecord] = []
        self._log_lock = threading.Lock()
        self._servers: dict[str, _SiteHTTPServer] = {}
        self._threads: list[threading.Thread] = []

    def replace_replica(self, key: str, replica: SiteReplica) -> None:
        """Serve ``replica`` for body ``key``'s column instead (bench/: the scaled replicas);
        before ``start()``."""
        for units in self.hosts.values():
            for unit in units:
                if key in unit.bodies:
                    unit.replica = replica
                    for body in unit.bodies:
                        self.replicas[body] = replica
        self.routers = {h: hosting.HostRouter(h, units) for h, units in self.hosts.items()}

    # ------------------------------------------------------------- lifecycle
    def start(self) -> "ReplicaServer":
        if self._servers:
            return self
        order = hosting.host_order()
        try:
            for key in self.routers:
                port = 0 if self.port == 0 else self.port + order.index(key)
                try:
                    server = _SiteHTTPServer((self.host, port), self.routers[key], self)
                except OSError as exc:
                    if exc.errno == errno.EADDRINUSE:
                        raise PortInUseError(self.host, port) from None
                    raise
                self._servers[key] = server
        except BaseException:
            self._close_all()
            raise
        for key, server in self._servers.items():
            thread = threading.Thread(
                target=server.serve_forever, kwargs={"poll_interval": 0.1}, name=f"replica-{key}", daemon=True
            )
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        for server in self._servers.values():
            server.shutdown()
        self._close_all()
        for thread in self._threads:
            thread.join(timeout=5)
        self._threads.clear()

    def _close_all(self) -> None:
        for server in self._servers.values():
            server.server_close()
        self._servers.clear()

    def __enter__(self) -> "ReplicaServer":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    # ---------------------------------------------------------------- access
    @property
    def host_urls(self) -> dict[str, str]:
        """real host -> the loopback base URL serving it"""
        return {host: f"http://{self.host}:{server.server_address[1]}" for host, server in self._servers.items()}

    @property
    def base_urls(self) -> dict[str, str]:
        """body key -> the base URL to crawl it at (``-a base_url=``)"""
        hosts = self.host_urls
        return {key: hosts[unit.host] for units in self.hosts.values() for unit in units for key in unit.bodies
                if unit.host in hosts}

    def entry_urls(self) -> dict[str, str]:
        """Each served site's entry URL (the real site's entry path on this replica)."""
        return {key: SITES[key].url_for(base) for key, base in self.base_urls.items()}

    def _record(self, record: RequestRecord) -> None:
        with self._log_lock:
            self.request_log.append(record)

    def clear_log(self) -> None:
        with self._log_lock:
            self.request_log.clear()
