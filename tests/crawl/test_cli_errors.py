"""The mistakes a user makes get one clear line and a non-zero exit, never a traceback."""

from __future__ import annotations

import http.server
import socket
import threading

import pytest

from .conftest import harvester_cli


def assert_clean_error(result, *needles: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    text = result.stderr + result.stdout
    for needle in needles:
        assert needle in text, text


def test_unknown_site(tmp_path):
    result = harvester_cli("harvest", "nosuchsite", "--db", str(tmp_path / "h.db"))
    assert_clean_error(result, "unknown body 'nosuchsite'", "zhaoqing", "harvester sites")


def test_unwritable_db_path(tmp_path):
    blocked = tmp_path / "readonly"
    blocked.mkdir()
    blocked.chmod(0o500)
    target = blocked / "sub" / "h.db"
    result = harvester_cli("demo", "--db", str(target), "--renderer", "none")
    assert_clean_error(result, str(target.parent))


def test_port_in_use(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = harvester_cli("demo", "--db", str(tmp_path / "h.db"), "--port", str(port), "--renderer", "none")
    assert_clean_error(result, f"port {port}", "in use")


@pytest.mark.slow
def test_unreachable_base_url(tmp_path):
    with socket.socket() as closed:  # a port nothing listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    result = harvester_cli("harvest", "panzhihua", "--db", str(tmp_path / "h.db"),
                           "--base-url", f"panzhihua=http://127.0.0.1:{port}")
    assert_clean_error(result, "panzhihua", "unreachable")
    # nothing is known about an unreachable site's reports: no "no 2025 report yet" alert
    assert "report of" not in result.stdout + result.stderr and "last_year_report skipped" in result.stdout


@pytest.mark.slow
def test_base_url_answering_404_is_not_a_layout_change(tmp_path):
    class NotFound(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - stdlib name
            self.send_response(404)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(b"<html><body>404 Not Found</body></html>")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), NotFound)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        result = harvester_cli("harvest", "zhaoqing", "--db", str(tmp_path / "h.db"), "--base-url", f"zhaoqing={base}",
                               "--progress", "off")
    finally:
        server.shutdown()
    assert_clean_error(result, "answered HTTP 404", "entry URL", "--base-url")
    text = result.stdout + result.stderr
    assert "layout" not in text and "report of" not in text


def test_unsupported_database_names_the_supported_ones(tmp_path):
    result = harvester_cli("runs", "--db", "mysql://user@localhost/harvest")
    assert_clean_error(result, "mysql is not supported", "sqlite:///", "postgresql+psycopg://")
    assert len(result.stderr.strip().splitlines()) == 1 and "MySQLdb" not in result.stderr
