"""`harvester replica serve|manifest` as a user runs them (real processes)."""

from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
import sys

from replica_http import fetch

from harvester.replicas import CURRENT_EDITION, manifest


def harvester(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "harvester", "replica", *args], capture_output=True, text=True,
                          timeout=60)


def test_manifest_json_matches_the_library():
    done = harvester("manifest", "--json", "--site", "yongkang")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == manifest(edition=CURRENT_EDITION, site="yongkang")
    assert json.loads(done.stdout)[0]["url"].startswith("/art/")  # relative paths when not serving


def test_unknown_site_is_one_clear_line():
    done = harvester("manifest", "--site", "atlantis")
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "atlantis" in done.stderr
    assert "Traceback" not in done.stderr


def test_port_in_use_is_one_clear_line():
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        port = blocker.getsockname()[1]
        done = harvester("serve", "--port", str(port), "--site", "zhaoqing")
    assert done.returncode == 2 and str(port) in done.stderr and done.stderr.count("\n") == 1


def test_serve_prints_urls_and_crawl_lines_and_stops_on_ctrl_c():
    process = subprocess.Popen([sys.executable, "-m", "harvester", "replica", "serve", "--port", "0",
                                "--site", "panzhihua", "--site", "yuxi"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = []
        while not lines or "Ctrl-C" not in lines[-1]:
            line = process.stdout.readline()
            assert line, process.stderr.read()
            lines.append(line)
        output = "".join(lines)
        entry = re.search(r"panzhihua\s+(http://127\.0\.0\.1:\d+/zfxxgk1/\S+)", output).group(1)
        assert re.search(r"scrapy crawl yuxi -a base_url=http://127\.0\.0\.1:\d+", output)
        assert fetch(entry).status == 200
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    assert "stopped" in out
