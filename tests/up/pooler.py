"""A stand-in of Supabase's pooler (Supavisor) in front of the real PostgreSQL: a loopback TCP
listener that reads the client's start-up message, maps the pooler's user ``<role>.<ref>`` to
that project's database role, and then relays bytes both ways.

As Supavisor does, the tenant suffix is the pooler's business: inside the database the session
runs as the project's own role (Supabase's ``postgres``; here ``owner_<ref>``, since one server
holds every project of the world), so ``current_user`` is an ordinary name. An SSLRequest or
GSSENCRequest is answered "N" here (the server behind speaks on a unix socket, where neither
exists); a start-up for an unknown tenant gets the error Supavisor sends.
"""

from __future__ import annotations

import contextlib
import select
import socket
import struct
import threading

SSL_REQUEST = 80877103
GSSENC_REQUEST = 80877104
PROTOCOL_3 = 196608


def _read_exactly(sock: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionError("client went away during start-up")
        data += chunk
    return data


def _error(message: str) -> bytes:
    fields = b"SFATAL\0VFATAL\0C08004\0M" + message.encode() + b"\0\0"
    return b"E" + struct.pack("!I", len(fields) + 4) + fields


class Pooler:
    def __init__(self, socket_path: str) -> None:
        self.socket_path = socket_path
        #: ref -> the database role its pooler user maps to
        self.tenants: dict[str, str] = {}
        self.connections = 0
        self._server = socket.socket()
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(32)
        self.port = int(self._server.getsockname()[1])
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        accept = threading.Thread(target=self._accept, daemon=True)
        accept.start()
        self._threads.append(accept)

    def close(self) -> None:
        self._stop.set()
        self._server.close()
        for thread in self._threads:
            thread.join(5)

    def _accept(self) -> None:
        self._server.settimeout(0.1)
        while not self._stop.is_set():
            try:
                client, _ = self._server.accept()
            except OSError:
                continue
            self.connections += 1
            thread = threading.Thread(target=self._serve, args=(client,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _startup(self, client: socket.socket) -> bytes | None:
        """The start-up message with the user mapped, or None (the client was told why)."""
        while True:
            length = struct.unpack("!I", _read_exactly(client, 4))[0]
            body = _read_exactly(client, length - 4)
            code = struct.unpack("!I", body[:4])[0]
            if code in (SSL_REQUEST, GSSENC_REQUEST):
                client.sendall(b"N")
                continue
            if code != PROTOCOL_3:
                client.sendall(_error("unsupported protocol"))
                return None
            items = body[4:].split(b"\0")
            params = dict(zip(items[0:-2:2], items[1:-1:2], strict=True))
            user = params.get(b"user", b"").decode()
            _, _, ref = user.partition(".")
            role = self.tenants.get(ref)
            if role is None:
                client.sendall(_error("Tenant or user not found"))
                return None
            params[b"user"] = role.encode()
            packed = b"".join(k + b"\0" + v + b"\0" for k, v in params.items()) + b"\0"
            payload = struct.pack("!I", PROTOCOL_3) + packed
            return struct.pack("!I", len(payload) + 4) + payload

    def _serve(self, client: socket.socket) -> None:
        upstream: socket.socket | None = None
        try:
            startup = self._startup(client)
            if startup is None:
                return
            upstream = socket.socket(socket.AF_UNIX)
            upstream.connect(self.socket_path)
            upstream.sendall(startup)
            ends = [client, upstream]
            while not self._stop.is_set():
                ready, _, _ = select.select(ends, [], [], 0.1)
                for sock in ready:
                    data = sock.recv(65536)
                    if not data:
                        return
                    (upstream if sock is client else client).sendall(data)
        except OSError:
            return
        finally:
            with contextlib.suppress(OSError):
                client.close()
            if upstream is not None:
                with contextlib.suppress(OSError):
                    upstream.close()
