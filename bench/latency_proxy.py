"""A loopback TCP relay that adds network latency, and counts the round trips that cost it.

Run: python3 -m bench.latency_proxy --target 127.0.0.1:5432 --delay-ms 50 [--listen 127.0.0.1:0]
     [--max-seconds 600]; or in code: ``with LatencyProxy(host, port, delay_ms=50) as proxy: ...``

Every chunk read from either side is written to the other side ``delay_ms`` later, in order, so
one round trip costs ``2 × delay_ms``: the issue's "100 ms RTT" is ``delay_ms=50``. A new
connection also pays the TCP handshake a real network costs (SYN, SYN-ACK: one RTT before the
client can send): the client's first bytes reach the server ``2 × delay_ms`` later than they
would otherwise, and the handshake is counted as a round trip.

Round trips counted: per connection, one for the handshake plus one for every *exchange*: a
chunk from the server that follows bytes from the client. A client that pipelines five
statements and reads five results costs one exchange; one that waits for each costs five. Bytes
a client sends without waiting for an answer (the Terminate message on close) cost nothing.

Safety: it listens and connects only on loopback addresses, and stops by itself after
``max_seconds`` (the ``with`` block or SIGINT/SIGTERM stop it sooner).
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import signal
import socket
import sys
import threading
import time
from dataclasses import dataclass
from types import TracebackType
from typing import TextIO

CHUNK = 65536


@dataclass(frozen=True)
class ProxyStats:
    connections: int
    #: server answers that followed client bytes, summed over connections
    exchanges: int
    client_bytes: int
    server_bytes: int
    #: seconds from the first chunk read to the last: the network part of a run, without the
    #: client's own start-up (which a busy machine makes noisy)
    span: float = 0.0

    @property
    def round_trips(self) -> int:
        """Exchanges plus one TCP handshake per connection: what a real network makes you wait."""
        return self.exchanges + self.connections


def require_loopback(host: str) -> None:
    """Raise ``ValueError`` unless every address ``host`` resolves to is a loopback address."""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise ValueError(f"cannot resolve {host!r}: {exc}") from None
    addresses = {str(info[4][0]) for info in infos}
    outside = sorted(a for a in addresses if not ipaddress.ip_address(a).is_loopback)
    if not addresses or outside:
        raise ValueError(f"{host!r} is not a loopback address ({', '.join(outside)}): refused")


class _Counter:
    """Per-connection direction tracking; totals live on the proxy (one event-loop thread)."""

    def __init__(self, proxy: LatencyProxy, number: int) -> None:
        self.proxy = proxy
        self.number = number
        self.last = ""

    def saw(self, side: str, data: bytes) -> None:
        proxy = self.proxy
        now = time.perf_counter()
        with proxy._lock:
            proxy._first = proxy._first or now
            proxy._last = now
            if side == "client":
                proxy._client_bytes += len(data)
            else:
                proxy._server_bytes += len(data)
                if self.last == "client":
                    proxy._exchanges += 1
            exchanges = proxy._exchanges
        self.last = side
        if proxy.trace is not None:
            # The first byte is the PostgreSQL message type ('Q' query, 'P' parse, 'T' row
            # description...), enough to see what each round trip was spent on.
            arrow = "->" if side == "client" else "<-"
            elapsed = now - proxy.started
            head = data[:1].decode("ascii", "replace") if data else "EOF"
            print(
                f"{elapsed:8.3f} s  conn {self.number}  {arrow} {len(data):6d} B  {head!r:5}  "
                f"exchanges {exchanges}",
                file=proxy.trace,
                flush=True,
            )


class LatencyProxy:
    """Relay ``listen`` → ``target`` with ``delay_ms`` each way; see the module docstring."""

    def __init__(
        self,
        target_host: str,
        target_port: int,
        delay_ms: float,
        *,
        listen_host: str = "127.0.0.1",
        listen_port: int = 0,
        handshake: bool = True,
        max_seconds: float = 600.0,
        trace: TextIO | None = None,
    ) -> None:
        require_loopback(target_host)
        require_loopback(listen_host)
        if delay_ms < 0 or max_seconds <= 0:
            raise ValueError("delay_ms must be >= 0 and max_seconds > 0")
        self.target = (target_host, target_port)
        self.delay = delay_ms / 1000
        self.handshake = handshake
        self.max_seconds = max_seconds
        #: where to write one line per chunk (None: don't)
        self.trace = trace
        self.started = time.perf_counter()
        self._listen = (listen_host, listen_port)
        self._lock = threading.Lock()
        self._connections = self._exchanges = self._client_bytes = self._server_bytes = 0
        self._first = self._last = 0.0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self.host, self.port = listen_host, listen_port

    # -- counters ---------------------------------------------------------------------------
    def stats(self) -> ProxyStats:
        with self._lock:
            return ProxyStats(
                self._connections,
                self._exchanges,
                self._client_bytes,
                self._server_bytes,
                self._last - self._first,
            )

    def reset(self) -> None:
        with self._lock:
            self._connections = self._exchanges = self._client_bytes = self._server_bytes = 0
            self._first = self._last = 0.0
        self.started = time.perf_counter()

    # -- running in a background thread ------------------------------------------------------
    def start(self) -> LatencyProxy:
        self._thread = threading.Thread(target=self._run, name="latency-proxy", daemon=True)
        self._thread.start()
        self._ready.wait(10)
        if self._error is not None:
            raise self._error
        if not self._ready.is_set():
            raise RuntimeError("latency proxy did not start within 10 s")
        return self

    def stop(self) -> None:
        loop, stop = self._loop, self._stop
        if loop is not None and stop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(stop.set)
        if self._thread is not None:
            self._thread.join(10)

    def stop_soon(self) -> None:
        """Stop from inside the event loop (a signal handler)."""
        if self._stop is not None:
            self._stop.set()

    def __enter__(self) -> LatencyProxy:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def _run(self) -> None:
        try:
            asyncio.run(self.serve())
        except BaseException as exc:  # reported to start(), which re-raises it in the caller
            self._error = exc
            self._ready.set()

    # -- the relay --------------------------------------------------------------------------
    async def serve(self, on_ready: threading.Event | None = None) -> None:
        """Accept and relay until ``stop()`` or ``max_seconds``; then close every connection."""
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        tasks: set[asyncio.Task[None]] = set()

        async def accepted(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            task = asyncio.current_task()
            assert task is not None
            tasks.add(task)
            try:
                await self._relay(reader, writer)
            except asyncio.CancelledError:
                # stopping: end quietly (a cancelled handler task makes asyncio log a traceback)
                pass
            finally:
                tasks.discard(task)

        server = await asyncio.start_server(accepted, *self._listen)
        self.host, self.port = server.sockets[0].getsockname()[:2]
        self._ready.set()
        if on_ready is not None:
            on_ready.set()
        try:
            await asyncio.wait_for(self._stop.wait(), self.max_seconds)
        except TimeoutError:
            pass  # the bound: a forgotten proxy does not outlive its purpose
        finally:
            server.close()
            for task in list(tasks):
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await server.wait_closed()

    async def _relay(self, c_reader: asyncio.StreamReader, c_writer: asyncio.StreamWriter) -> None:
        loop = asyncio.get_running_loop()
        # The client's connect() returned at once on loopback; on a real network its first
        # bytes could leave only after the handshake's round trip.
        opened = loop.time() + (2 * self.delay if self.handshake else 0)
        try:
            s_reader, s_writer = await asyncio.open_connection(*self.target)
        except OSError:
            c_writer.close()
            return
        for w in (c_writer, s_writer):
            sock = w.get_extra_info("socket")
            if sock is not None:  # the relay must not add Nagle's delay on top of ours
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self._lock:
            self._connections += 1
            counter = _Counter(self, self._connections)
        pumps = [
            asyncio.create_task(self._pump(c_reader, s_writer, counter, "client", opened)),
            asyncio.create_task(self._pump(s_reader, c_writer, counter, "server", 0.0)),
        ]
        try:
            # A reset on either side ends both directions, as it would on a network.
            await asyncio.wait(pumps, return_when=asyncio.FIRST_EXCEPTION)
        finally:
            for task in pumps:
                task.cancel()
            await asyncio.gather(*pumps, return_exceptions=True)
            for w in (c_writer, s_writer):
                w.close()

    async def _pump(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        counter: _Counter,
        side: str,
        not_before: float,
    ) -> None:
        """Copy ``reader`` to ``writer``, each chunk ``delay`` after it arrived, order kept."""
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

        async def deliver() -> None:
            while True:
                due, data = await queue.get()
                wait = due - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                if not data:
                    if writer.can_write_eof():
                        writer.write_eof()
                    return
                writer.write(data)
                await writer.drain()

        delivering = asyncio.create_task(deliver())
        try:
            while True:
                data = await reader.read(CHUNK)
                if data:
                    counter.saw(side, data)
                queue.put_nowait((max(loop.time(), not_before) + self.delay, data))
                if not data:
                    break
            await delivering
        finally:
            delivering.cancel()


def _address(text: str) -> tuple[str, int]:
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit():
        raise argparse.ArgumentTypeError(f"expected HOST:PORT, got {text!r}")
    return host.strip("[]"), int(port)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python3 -m bench.latency_proxy",
        description="Loopback TCP relay that delays every chunk (RTT = 2 x --delay-ms).",
    )
    parser.add_argument("--target", type=_address, required=True, help="HOST:PORT (loopback)")
    parser.add_argument("--listen", type=_address, default=("127.0.0.1", 0), help="HOST:PORT")
    parser.add_argument("--delay-ms", type=float, required=True, help="one-way delay per chunk")
    parser.add_argument("--no-handshake", action="store_true", help="don't charge a TCP handshake")
    parser.add_argument("--max-seconds", type=float, default=600.0, help="stop after this long")
    parser.add_argument("--trace", action="store_true", help="one line per chunk on stderr")
    args = parser.parse_args(argv)
    try:
        proxy = LatencyProxy(
            args.target[0],
            args.target[1],
            args.delay_ms,
            listen_host=args.listen[0],
            listen_port=args.listen[1],
            handshake=not args.no_handshake,
            max_seconds=args.max_seconds,
            trace=sys.stderr if args.trace else None,
        )
    except ValueError as exc:
        print(f"latency_proxy: {exc}", file=sys.stderr)
        return 2
    ready = threading.Event()

    async def run() -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, proxy.stop_soon)
        task = asyncio.create_task(proxy.serve(ready))
        while not ready.is_set() and not task.done():
            await asyncio.sleep(0.01)
        if ready.is_set():
            print(f"listening on {proxy.host}:{proxy.port}", flush=True)
        await task

    try:
        asyncio.run(run())
    except OSError as exc:
        print(f"latency_proxy: {exc}", file=sys.stderr)
        return 1
    s = proxy.stats()
    print(
        f"connections {s.connections}, exchanges {s.exchanges}, round trips {s.round_trips}, "
        f"bytes client->server {s.client_bytes}, server->client {s.server_bytes}",
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
