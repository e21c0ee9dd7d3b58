"""The mistakes a user makes get one clear line and a non-zero exit, never a traceback."""

from __future__ import annotations

import socket

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
