"""Replica tests run real servers on loopback ports: one shared server for read-only checks,
a fresh one for tests that flip options (edition, broken, challenge)."""

from __future__ import annotations

import pytest

from harvester.replicas import ReplicaOptions, ReplicaServer


# Plain-HTTP tests of the CMS mechanics: xuancheng's challenge off (test_replica_challenge.py
# covers it with the default, on).
@pytest.fixture(scope="session")
def shared():
    with ReplicaServer(options=ReplicaOptions(challenge=False)) as server:
        yield server


@pytest.fixture
def fresh():
    with ReplicaServer(options=ReplicaOptions(challenge=False)) as server:
        yield server
