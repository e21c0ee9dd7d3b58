"""A tiny site behind a Ruishu-style JavaScript cookie challenge, served on loopback for tests.

Without the right cookie every page answers HTTP 412 with an ES5 script that computes the cookie
from a per-server seed, sets it and calls ``location.reload()``. With it, pages are served as GBK
(charset in the header and a gb2312 ``<meta>``), and the listing builds its links in JavaScript,
so only a real browser sees them. ``/index`` redirects to the listing (final URL != requested).
``/_stats`` reports how many challenges and pages were served.
"""

from __future__ import annotations

import json
import secrets
import threading
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

COOKIE = "hv_clearance"
DETAILS = {1: "宣城市2023年政府信息公开工作年度报告", 2: "宣城市2022年政府信息公开工作年度报告"}


def clearance(seed: str) -> str:
    """What the challenge script computes (kept in step with CHALLENGE below)."""
    total = 0
    for ch in seed:
        total = (total * 31 + ord(ch)) % 1000003
    return str(total)


CHALLENGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><meta id="9DhefwqGPrzGxEp9hPaoag" content="x" r="m">
<script type="text/javascript">
var $_ts = {cd: "%(seed)s"};
(function () {
  var s = 0;
  for (var i = 0; i < $_ts.cd.length; i++) { s = (s * 31 + $_ts.cd.charCodeAt(i)) %% 1000003; }
  document.cookie = "%(cookie)s=" + s + "; path=/";
  location.reload();
})();
</script></head><body></body></html>"""

LISTING = """<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>年度报告</title></head><body><h1>政府信息公开年报</h1><ul id="list"></ul>
<script type="text/javascript">
var items = [%(items)s];
var ul = document.getElementById("list");
for (var i = 0; i < items.length; i++) {
  var li = document.createElement("li"); var a = document.createElement("a");
  a.href = "/show/" + items[i][0] + ".html"; a.appendChild(document.createTextNode(items[i][1]));
  li.appendChild(a); ul.appendChild(li);
}
</script></body></html>"""

DETAIL = """<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>%(title)s</title></head><body><h1>%(title)s</h1><div id="content"></div>
<script type="text/javascript">document.getElementById("content").innerHTML = "<p>本年度主动公开政府信息%(n)s条。</p>";</script>
</body></html>"""


class ChallengeSite:
    def __init__(self) -> None:
        self.seed = secrets.token_hex(6)
        self.stats = {"challenges": 0, "pages": 0}
        self.lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # keep test output quiet
                pass

            def _send(self, status: int, body: bytes, ctype: str, extra: dict | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for k, v in (extra or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                path = self.path.split("?")[0]
                if path == "/_stats":
                    return self._send(200, json.dumps(site.stats).encode(), "application/json")
                if path == "/robots.txt":
                    return self._send(404, b"not found", "text/plain")
                if path == "/index":
                    return self._send(302, b"", "text/html", {"Location": "/list/page_1.html"})
                cookies = SimpleCookie(self.headers.get("Cookie", ""))
                if COOKIE not in cookies or cookies[COOKIE].value != clearance(site.seed):
                    with site.lock:
                        site.stats["challenges"] += 1
                    body = CHALLENGE % {"seed": site.seed, "cookie": COOKIE}
                    return self._send(412, body.encode("utf-8"), "text/html; charset=utf-8")
                if path == "/list/page_1.html":
                    items = ",".join(f'[{i}, "{t}"]' for i, t in DETAILS.items())
                    body = LISTING % {"items": items}
                elif path.startswith("/show/") and path.endswith(".html") and path[6:-5].isdigit() \
                        and int(path[6:-5]) in DETAILS:
                    n = int(path[6:-5])
                    body = DETAIL % {"title": DETAILS[n], "n": 100 + n}
                else:
                    return self._send(404, "<html><body>页面不存在</body></html>".encode("gbk"),
                                      "text/html; charset=gbk")
                with site.lock:
                    site.stats["pages"] += 1
                self._send(200, body.encode("gbk"), "text/html; charset=gbk", {"X-Site": "challenge"})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> "ChallengeSite":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


if __name__ == "__main__":  # manual use: python tests/render/challenge_site.py
    s = ChallengeSite().start()
    print(s.url, flush=True)
    s.thread.join()
