"""A hostile site on loopback: the Guangdong gkmlpt platform (as the zhaoqing replica serves it:
``/gkmlpt/index`` with ``window._CONFIG`` SID/TREE, the column's JSON API
``/gkmlpt/api/all/<column>?page=N&sid=...``) whose listing entries and detail pages answer the
faults real government sites and hostile hosts give: 5xx, resets, timeouts, slow drip,
truncation, wrong charsets, binary as HTML, empty bodies, redirect loops, compression bombs,
maintenance pages, tracking-parameter duplicates, links to other schemes, hosts and ports.

Not modelled on one real site's text: the report bodies are the project's own fixture pages
(tests/fixtures/pages), the faults are what the issue's hostile servers did.
"""

from __future__ import annotations

import gzip
import io
import json
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable
from urllib.parse import parse_qs, urlsplit

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"
COLUMN_ID = 7
SID = "2"


def report_page(name: str = "zhaoqing.html") -> bytes:
    """A real-format annual report page (the project's fixture), as the site would serve it."""
    return (FIXTURES / name).read_bytes()


@dataclass
class Answer:
    """What one path answers. ``action`` overrides everything for socket-level faults."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    #: "reset" (RST, no answer), "hang" (accept, never answer), "drip" (a byte every 0.5 s),
    #: "truncate" (Content-Length larger than the body, then close)
    action: str | None = None
    #: answers after the first one (e.g. 503 then 200); the last one repeats
    then: "Answer | None" = None


def html(body: bytes | str, charset: str | None = "utf-8", status: int = 200, **headers: str) -> Answer:
    data = body.encode(charset or "utf-8") if isinstance(body, str) else body
    ctype = f"text/html; charset={charset}" if charset else "text/html"
    return Answer(status, data, {"Content-Type": ctype, **headers})


def redirect(location: str, status: int = 302) -> Answer:
    return Answer(status, b"", {"Location": location})


def gzip_bomb(inflated: int) -> Answer:
    """``inflated`` bytes of zeros gzipped (about 1/1000 of that on the wire)."""
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", compresslevel=9) as gz:
        chunk = b"\0" * (1 << 20)
        for _ in range(inflated // len(chunk)):
            gz.write(chunk)
    return Answer(200, buf.getvalue(), {"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"})


@dataclass
class Hit:
    path: str
    at: float
    status: int | None


class FaultSite:
    """The site's state: its listing entries and the answer of each path. Mutable while served."""

    def __init__(self) -> None:
        #: listing entries: (href as the API gives it, title, date)
        self.entries: list[tuple[str, str, str]] = []
        self.answers: dict[str, Answer] = {}
        self.served: dict[str, int] = {}
        self.log: list[Hit] = []
        self.per_page = 50
        #: API total claimed (a crawl trap claims far more than it has)
        self.claimed_total: int | None = None
        self.lock = threading.Lock()

    def add(self, path: str, answer: Answer, title: str = "2020年政府信息公开工作年度报告", date: str = "2021-01-20",
            href: str | None = None) -> str:
        """List ``href`` (default: the path) and serve ``answer`` at ``path``."""
        if answer is not None:
            self.answers[path] = answer
        self.entries.append((href or path, title, date))
        return path

    def hits(self, path: str) -> list[Hit]:
        return [h for h in self.log if urlsplit(h.path).path == path]

    def answer_for(self, path: str) -> Answer | None:
        with self.lock:
            answer = self.answers.get(path) or self.answers.get(urlsplit(path).path)
            if answer is None:
                return None
            n = self.served.get(path, 0)
            self.served[path] = n + 1
            for _ in range(n):
                if answer.then is None:
                    break
                answer = answer.then
            return answer

    # -- the gkmlpt platform's listing -------------------------------------------------------------

    def index_page(self) -> bytes:
        tree = [{"id": 1, "name": "政府信息公开目录", "children": [
            {"id": COLUMN_ID, "name": "政府信息公开工作年度报告", "children": []}]}]
        return ("<html><head><meta charset='utf-8'><script>window._CONFIG = {SID: '%s', TREE: %s, "
                "SERVICE_AREA_ID: 1};</script></head><body>政府信息公开</body></html>"
                % (SID, json.dumps(tree, ensure_ascii=False))).encode()

    def api_page(self, page: int) -> bytes:
        start = (page - 1) * self.per_page
        chunk = self.entries[start:start + self.per_page]
        if self.claimed_total and not chunk:  # a trap: every page has "more"
            chunk = [(f"/gkmlpt/content/9/9/post_{900000 + page}.html", f"陷阱{page}", "2021-01-01")]
        articles = [{"url": href, "title": title, "created_at": f"{date} 10:00:00"} for href, title, date in chunk]
        total = self.claimed_total or len(self.entries)
        return json.dumps({"articles": articles, "total": total}, ensure_ascii=False).encode()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"
    server: "_Server"

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - stdlib signature
        pass

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        site = self.server.site
        split = urlsplit(self.path)
        status = None
        try:
            if split.path == "/gkmlpt/index":
                status = self._send(html(site.index_page()))
            elif split.path == f"/gkmlpt/api/all/{COLUMN_ID}":
                page = int((parse_qs(split.query).get("page") or ["1"])[0])
                status = self._send(Answer(200, site.api_page(page), {"Content-Type": "application/json"}))
            else:
                answer = site.answer_for(self.path)
                status = self._send(answer or html("<html><body>not found</body></html>", status=404))
        finally:
            site.log.append(Hit(self.path, time.monotonic(), status))

    def _send(self, answer: Answer) -> int | None:
        if answer.action == "reset":
            # SO_LINGER 0: close() sends a RST instead of a FIN
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            return None
        if answer.action == "hang":
            time.sleep(self.server.hang_seconds)
            return None
        self.send_response(answer.status)
        headers = dict(answer.headers)
        if answer.action == "truncate":
            headers["Content-Length"] = str(len(answer.body) * 2 + 100)
        else:
            headers.setdefault("Content-Length", str(len(answer.body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if answer.action == "drip":
            for i in range(0, len(answer.body)):
                self.wfile.write(answer.body[i:i + 1])
                self.wfile.flush()
                time.sleep(0.5)
        else:
            self.wfile.write(answer.body)
        return answer.status


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, site: FaultSite, hang_seconds: float):
        self.site = site
        self.hang_seconds = hang_seconds
        super().__init__(("127.0.0.1", 0), _Handler)


class FaultServer:
    """Serves a :class:`FaultSite` on an ephemeral loopback port in a thread."""

    def __init__(self, site: FaultSite | None = None, hang_seconds: float = 8.0):
        self.site = site or FaultSite()
        self._server = _Server(self.site, hang_seconds)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def __enter__(self) -> "FaultServer":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()


Factory = Callable[[FaultSite], None]
