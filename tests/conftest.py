"""Fixtures shared by every test directory: real databases on both backends (a SQLite file and
a PostgreSQL server on loopback, started once per session by harvester.storage.testing)."""

from __future__ import annotations

import os

import pytest

from harvester.storage import Store
from harvester.storage.testing import PostgresUnavailable, create_database, drop_database, postgres_server

# pytest-xdist's test processes (make test) run with COLUMNS=80, which plain pytest does not set:
# the commands the tests run would print for 80 columns there and for a pipe's width here. The
# tests that want a width set it themselves.
os.environ.pop("COLUMNS", None)


@pytest.fixture(scope="session")
def postgres_url():
    """Base URL of a real PostgreSQL server for the whole session, or the reason there is none."""
    try:
        with postgres_server() as url:
            yield url
    except PostgresUnavailable as exc:
        yield exc  # the PostgreSQL params skip with this reason


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request, tmp_path):
    """A fresh, empty database per test on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'harvest.db'}"
        return
    server = request.getfixturevalue("postgres_url")
    if isinstance(server, Exception):
        pytest.skip(f"PostgreSQL not available: {server}")
    url = create_database(server)
    try:
        yield url
    finally:
        drop_database(url)


@pytest.fixture
def store(db_url):
    s = Store(db_url)
    try:
        yield s
    finally:
        s.close()
