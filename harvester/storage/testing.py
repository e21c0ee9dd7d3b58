"""Real databases for tests: a PostgreSQL server on loopback and fresh databases on it.

Used by tests/storage/conftest.py and reusable by other test directories::

    with postgres_server() as base_url:   # None when PostgreSQL is not available
        url = create_database(base_url)   # a fresh, empty database
        ...
        drop_database(url)

$HARVESTER_TEST_POSTGRES_URL names an existing server (any database on it) instead of starting
one; otherwise the server is started with scripts/start-postgres.sh when Debian's binaries exist.
"""

from __future__ import annotations

import glob
import os
import random
import shutil
import socket
import subprocess
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ENV_TEST_URL = "HARVESTER_TEST_POSTGRES_URL"
SCRIPTS_DIR = Path(__file__).resolve().parents[2] / "scripts"


class PostgresUnavailable(RuntimeError):
    """PostgreSQL cannot be used here; the message says why (tests skip with it)."""


def postgres_binaries() -> str | None:
    """Directory of Debian's PostgreSQL binaries, newest version first, or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return str(Path(found[-1]).parent) if found else None


#: Where `free_port` looks: above the privileged and well-known service ports.
LOWEST_PROBED_PORT = 20000


def ephemeral_port_start() -> int:
    """The first port the kernel hands out for a bind to port 0 and for outgoing connections."""
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def free_port(block: int = 1) -> int:
    """A loopback port nobody listens on, the first of ``block`` consecutive free ones (a server
    started on it after this returns, e.g. `harvester demo --port`, which uses one per replica host).

    The ports lie below the kernel's ephemeral range, so that a socket bound to port 0 or an outgoing
    connection elsewhere cannot take one between this probe and the server's bind (under
    pytest-xdist one did). Each call probes from a random start, so parallel callers rarely meet."""
    top = ephemeral_port_start() - block
    rng = random.Random()
    for _ in range(200):
        first = rng.randrange(LOWEST_PROBED_PORT, top)
        socks: list[socket.socket] = []
        try:
            for port in range(first, first + block):
                sock = socket.socket()
                socks.append(sock)
                sock.bind(("127.0.0.1", port))
            return first
        except OSError:
            continue
        finally:
            for sock in socks:
                sock.close()
    raise RuntimeError(f"no {block} consecutive free ports between {LOWEST_PROBED_PORT} and {top}")


def start_postgres(directory: str | Path, port: int | None = None) -> str:
    """Start (or reuse) a server whose files live in ``directory``; returns its SQLAlchemy URL."""
    script = SCRIPTS_DIR / "start-postgres.sh"
    if not script.exists():
        raise PostgresUnavailable(f"{script} not found (run from a source checkout)")
    completed = subprocess.run(
        ["bash", str(script), str(directory), str(port or free_port())],
        capture_output=True,
        text=True,
        timeout=180,
    )
    if completed.returncode != 0:
        raise PostgresUnavailable(f"start-postgres.sh failed: {completed.stderr.strip()[-800:]}")
    return completed.stdout.strip().splitlines()[-1]


def stop_postgres(directory: str | Path) -> None:
    subprocess.run(["bash", str(SCRIPTS_DIR / "stop-postgres.sh"), str(directory)], capture_output=True, timeout=120)


@contextmanager
def postgres_server() -> Iterator[str]:
    """A PostgreSQL server URL for the duration of the block (started and stopped if needed).

    Raises PostgresUnavailable when there is neither $HARVESTER_TEST_POSTGRES_URL nor binaries.
    """
    configured = os.environ.get(ENV_TEST_URL)
    if configured:
        yield configured
        return
    if postgres_binaries() is None:
        raise PostgresUnavailable("PostgreSQL binaries not installed (apt-get install postgresql)")
    # Directly under /tmp: the postgres user must be able to reach it (pytest's tmp dirs are 0700).
    directory = tempfile.mkdtemp(prefix="harvester-pg-", dir="/tmp")
    try:
        url = start_postgres(directory)
        try:
            yield url
        finally:
            stop_postgres(directory)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def create_database(server_url: str, name: str | None = None) -> str:
    """Create an empty database on the server of ``server_url``; returns its URL."""
    name = name or f"harvester_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def drop_database(database_url: str) -> None:
    """Drop a database made by :func:`create_database` (connections to it are closed first)."""
    url = make_url(database_url)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    finally:
        admin.dispose()


class RedisUnavailable(RuntimeError):
    """No redis-server binary (apt-get install redis-server)."""


@contextmanager
def redis_server() -> Iterator[str]:
    """A throw-away redis-server on a free loopback port, no persistence: yields its URL.
    Used by the distributed-crawl tests and benchmarks (not part of the archive)."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RedisUnavailable("redis-server not installed (apt-get install redis-server; scripts/install-system.sh)")
    with socket.socket() as probe:  # a free port (the server binds it right after)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    workdir = tempfile.mkdtemp(prefix="harvester-redis-")
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", workdir], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        import time

        import redis

        client = redis.Redis(host="127.0.0.1", port=port)
        for _ in range(100):
            try:
                client.ping()
                break
            except redis.exceptions.ConnectionError:
                if proc.poll() is not None:
                    raise RedisUnavailable(f"redis-server exited with {proc.returncode}") from None
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(workdir, ignore_errors=True)
