"""`free_port`, which every test that starts a server on a port of its choosing uses."""

from __future__ import annotations

import socket

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


def test_a_taken_port_is_never_returned():
    """With one port in use, probes of wide blocks (each a third of the range) never hand out a block holding it."""
    taken = socket.socket()
    taken.bind(("127.0.0.1", free_port()))
    taken.listen()
    try:
        port = taken.getsockname()[1]
        for _ in range(40):
            first = free_port(4000)
            assert not first <= port < first + 4000
    finally:
        taken.close()
