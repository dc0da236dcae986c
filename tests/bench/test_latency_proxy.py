"""The benchmark's latency proxy: relays in order, delays, counts round trips, stays on loopback."""

from __future__ import annotations

import io
import socket
import socketserver
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from bench.latency_proxy import LatencyProxy, require_loopback

REPO = Path(__file__).resolve().parents[2]
DELAY_MS = 20


class _Answer(socketserver.StreamRequestHandler):
    """Answers every line with ``ok:<line>`` as soon as it reads it."""

    def handle(self) -> None:
        for line in self.rfile:
            self.wfile.write(b"ok:" + line)


@pytest.fixture
def answer_server() -> Iterator[tuple[str, int]]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Answer)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield "127.0.0.1", int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


def test_waiting_exchanges_each_cost_a_round_trip_pipelined_ones_share_one(
    answer_server: tuple[str, int],
) -> None:
    trace = io.StringIO()
    with LatencyProxy(*answer_server, delay_ms=DELAY_MS, trace=trace) as proxy:
        with socket.create_connection((proxy.host, proxy.port), timeout=30) as sock:
            f = sock.makefile("rb")
            start = time.perf_counter()
            for word in (b"a", b"b", b"c"):  # one at a time, waiting for each answer
                sock.sendall(word + b"\n")
                assert f.readline() == b"ok:" + word + b"\n"
            waited = time.perf_counter() - start
            waiting = proxy.stats()
            sock.sendall(b"1\n2\n3\n4\n")  # pipelined: four requests, then the four answers
            assert [f.readline() for _ in range(4)] == [b"ok:1\n", b"ok:2\n", b"ok:3\n", b"ok:4\n"]
        pipelined = proxy.stats()
    assert (waiting.connections, waiting.exchanges, waiting.round_trips) == (1, 3, 4)
    assert (waiting.client_bytes, waiting.server_bytes) == (6, 15)
    assert (pipelined.exchanges, pipelined.round_trips) == (4, 5)
    # A lower bound only (a slow machine can only add time): handshake + three round trips.
    assert waited >= 4 * 2 * DELAY_MS / 1000
    lines = trace.getvalue().splitlines()
    assert "conn 1  ->      2 B  'a'    exchanges 0" in lines[0]
    assert "conn 1  <-      5 B  'o'    exchanges 1" in lines[1]
    assert lines[-1].endswith("exchanges 4")


def test_counts_postgres_round_trips(pg_without_vector: str) -> None:
    host_port = pg_without_vector.split("@", 1)[1].split("/", 1)[0]
    host, port = host_port.rsplit(":", 1)
    with LatencyProxy(host, int(port), delay_ms=DELAY_MS) as proxy:
        url = f"postgresql://postgres@{proxy.host}:{proxy.port}/postgres"
        with psycopg.connect(url, sslmode="disable", gssencmode="disable", autocommit=True) as c:
            assert [c.execute("SELECT %s::int", (i,)).fetchone() for i in range(3)] == [
                (0,),
                (1,),
                (2,),
            ]
        stats = proxy.stats()
    # trust auth: start-up is one exchange; then one per statement; Terminate waits for nothing
    assert (stats.connections, stats.exchanges, stats.round_trips) == (1, 4, 5)


def test_refuses_anything_but_loopback() -> None:
    require_loopback("localhost")
    require_loopback("::1")
    for host in ("192.0.2.7", "8.8.8.8"):
        with pytest.raises(ValueError, match="not a loopback address"):
            LatencyProxy(host, 5432, delay_ms=1)
    with pytest.raises(ValueError, match="not a loopback address"):
        LatencyProxy("127.0.0.1", 5432, delay_ms=1, listen_host="0.0.0.0")


def test_cli_relays_then_stops_by_itself(answer_server: tuple[str, int]) -> None:
    target = f"{answer_server[0]}:{answer_server[1]}"
    argv = [sys.executable, "-m", "bench.latency_proxy", "--target", target]
    proc = subprocess.Popen(
        [*argv, "--delay-ms", "1", "--max-seconds", "2"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.startswith("listening on 127.0.0.1:")
        port = int(first.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
            sock.sendall(b"hi\n")
            assert sock.makefile("rb").readline() == b"ok:hi\n"
        out, _ = proc.communicate(timeout=60)  # nobody stops it: --max-seconds does
    finally:
        proc.kill()
    assert proc.returncode == 0
    assert "connections 1, exchanges 1, round trips 2" in out


def test_cli_refuses_a_remote_target() -> None:
    argv = [sys.executable, "-m", "bench.latency_proxy", "--target", "192.0.2.7:5432"]
    done = subprocess.run(
        [*argv, "--delay-ms", "1"], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert "not a loopback address" in done.stderr
