"""`free_port`, which every test that starts a server on a port of its choosing uses."""

from __future__ import annotations

import socket

import pytest

from harvester.storage.testing import LOWEST_PROBED_PORT, ephemeral_port_start, free_port


def test_a_block_is_free_and_outside_the_ephemeral_range():
    """Under pytest-xdist a port probed by binding port 0 was once taken by another test process
    before `harvester demo` bound it; ports below the ephemeral range cannot be handed out so."""
    for size in (1, 6):
        first = free_port(size)
        assert LOWEST_PROBED_PORT <= first and first + size <= ephemeral_port_start()
        socks = [socket.socket() for _ in range(size)]
        try:
            for offset, sock in enumerate(socks):
                sock.bind(("127.0.0.1", first + offset))
        finally:
            for sock in socks:
                sock.close()


def test_a_taken_port_is_never_returned(monkeypatch):
    """Probing a range of four ports of which one is taken: the block returned never holds it, and
    with every block holding it, no block is returned at all."""
    import harvester.storage.testing as testing

    taken = socket.socket()
    taken.bind(("127.0.0.1", free_port()))
    taken.listen()
    try:
        port = taken.getsockname()[1]
        monkeypatch.setattr(testing, "LOWEST_PROBED_PORT", port - 2)
        monkeypatch.setattr(testing, "ephemeral_port_start", lambda: port + 2)
        returned = {free_port() for _ in range(60)}  # starts drawn from port-2 .. port
        assert port not in returned and returned <= {port - 2, port - 1}
        monkeypatch.setattr(testing, "ephemeral_port_start", lambda: port + 3)
        with pytest.raises(RuntimeError, match="no 3 consecutive free ports"):
            free_port(3)  # blocks from port-2 or port-1: each holds the taken port
    finally:
        taken.close()
