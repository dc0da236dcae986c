"""The HTTPS test servers survive a client that connects and never says hello.

A TUI worker cancelled mid-connect leaves exactly such a socket; before the handshake timeout the
server thread blocked in it forever and the fixture's ``stop()`` hung the whole run.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable

from pytest_httpserver import HTTPServer


def test_a_stalled_tls_handshake_does_not_hang_server_stop(
    make_https_server: Callable[..., HTTPServer],
) -> None:
    server = make_https_server()
    stalled = socket.create_connection(("127.0.0.1", server.port))
    try:
        time.sleep(0.2)  # the server thread is now inside the handshake, waiting for ClientHello
        server.stop()  # returns once the handshake gives up
        assert not server.is_running()
    finally:
        stalled.close()
