"""A loopback TCP relay that counts round trips (a test helper, protocol-agnostic).

Every chunk is held ``delay`` seconds in each direction, like a slow network. A round trip is
counted each time data from the server arrives after the client has sent something since the
server last spoke: the client waited for an answer. The delay makes the count exact: a client
that sends a whole pipeline without waiting has sent all of it before the first answer comes
back (its writes take microseconds; the answer takes two delays).
"""

from __future__ import annotations

import contextlib
import select
import socket
import threading
import time
from collections.abc import Iterator


class CountingRelay:
    def __init__(self, upstream: str | tuple[str, int], delay: float = 0.03, port: int = 0) -> None:
        #: a unix socket path, or (host, port)
        self.upstream = upstream
        self.delay = delay
        self.round_trips = 0
        self.connections = 0
        self._lock = threading.Lock()
        self._server = socket.socket()
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._server.bind(("127.0.0.1", port))
        self._server.listen(16)
        self.port = int(self._server.getsockname()[1])
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        accept = threading.Thread(target=self._accept, daemon=True)
        accept.start()
        self._threads.append(accept)

    def reset(self) -> None:
        with self._lock:
            self.round_trips = 0
            self.connections = 0

    def close(self) -> None:
        self._stop.set()
        self._server.close()
        for thread in self._threads:
            thread.join(5)

    def _connect_upstream(self) -> socket.socket:
        if isinstance(self.upstream, str):
            sock = socket.socket(socket.AF_UNIX)
            sock.connect(self.upstream)
            return sock
        return socket.create_connection(self.upstream)

    def _accept(self) -> None:
        self._server.settimeout(0.1)
        while not self._stop.is_set():
            try:
                client, _ = self._server.accept()
            except OSError:
                continue
            with self._lock:
                self.connections += 1
            thread = threading.Thread(target=self._pump, args=(client,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _pump(self, client: socket.socket) -> None:
        upstream = self._connect_upstream()
        # (due time, destination, data): both directions, in arrival order
        queue: list[tuple[float, socket.socket, bytes]] = []
        client_spoke = False
        open_ends = {client, upstream}
        try:
            while not self._stop.is_set() and (open_ends == {client, upstream} or queue):
                wait = max(0.0, queue[0][0] - time.monotonic()) if queue else 0.1
                ready, _, _ = select.select(list(open_ends), [], [], wait)
                for sock in ready:
                    data = sock.recv(65536)
                    if not data:
                        open_ends.discard(sock)
                        continue
                    if sock is client:
                        client_spoke = True
                    elif client_spoke:
                        client_spoke = False
                        with self._lock:
                            self.round_trips += 1
                    target = upstream if sock is client else client
                    queue.append((time.monotonic() + self.delay, target, data))
                while queue and queue[0][0] <= time.monotonic():
                    _, target, data = queue.pop(0)
                    with contextlib.suppress(OSError):
                        target.sendall(data)
        finally:
            client.close()
            upstream.close()


@contextlib.contextmanager
def counting_relay(
    upstream: str | tuple[str, int], delay: float = 0.03, port: int = 0
) -> Iterator[CountingRelay]:
    relay = CountingRelay(upstream, delay, port)
    try:
        yield relay
    finally:
        relay.close()


def socket_path(pg_url: str) -> str:
    """The unix socket a pgserver URL (``postgresql://postgres:@/db?host=/tmp/x``) points at."""
    from psycopg.conninfo import conninfo_to_dict

    params = conninfo_to_dict(pg_url)
    return f"{params['host']}/.s.PGSQL.{params.get('port') or 5432}"


def relayed_url(pg_url: str, relay: CountingRelay) -> str:
    """The same database reached over TCP through ``relay`` (no TLS: plain round trips)."""
    from psycopg.conninfo import conninfo_to_dict

    params = conninfo_to_dict(pg_url)
    user, db = params.get("user") or "postgres", params.get("dbname") or "postgres"
    return f"postgresql://{user}@127.0.0.1:{relay.port}/{db}?sslmode=disable"
