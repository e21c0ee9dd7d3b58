"""Replica tests run real servers on loopback ports: one shared server for read-only checks,
a fresh one for tests that flip options (edition, broken, challenge)."""

from __future__ import annotations

import pytest

from harvester.replicas import ReplicaOptions, ReplicaServer


@pytest.fixture(scope="session")
def shared():
    with ReplicaServer(options=ReplicaOptions()) as server:
        yield server


@pytest.fixture
def fresh():
    with ReplicaServer(options=ReplicaOptions()) as server:
        yield server
