"""Every exchange with every vendor's stand-in, in one log, and faults injected in front of them.

Each stand-in's handler is wrapped: the exchange is recorded (vendor, method, path, status), an
injected fault answers instead of the stand-in (so nothing is carried out), and the world learns
the names the answer may have assigned before the answer leaves (``after``).
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from werkzeug import Request, Response

from tests.providers.fakes import json_response

Handler = Callable[[Request], Response]
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
#: path segments that are ids a vendor assigned (they differ from world to world)
_ID = re.compile(
    r"^(srv-|dep-|prj_|dpl_|we_|price_|prod_|env_|tea-)\S+$|^[a-z]{20}$|"
    r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
)


@dataclass(frozen=True)
class Exchange:
    vendor: str
    method: str
    path: str
    status: int
    #: answered by an injected fault: the stand-in never saw it
    injected: bool = False

    @property
    def carried_out(self) -> bool:
        """A write the vendor accepted (so it changed something there)."""
        return self.method in WRITE_METHODS and self.status < 400 and not self.injected

    def shape(self) -> tuple[str, str, str]:
        """(vendor, method, path with assigned ids as ``{id}``): comparable across worlds."""
        parts = ["{id}" if _ID.match(p) else p for p in self.path.split("/")]
        return self.vendor, self.method, "/".join(parts)


@dataclass
class Fault:
    """Answer the next ``times`` matching requests with ``status`` (a vendor-shaped error)."""

    vendor: str
    method: str
    path: str
    status: int = 500
    times: int = 1
    body: Any = field(
        default_factory=lambda: {"error": {"message": "An unexpected error occurred."}}
    )

    def matches(self, vendor: str, request: Request) -> bool:
        return (
            self.times > 0
            and vendor == self.vendor
            and request.method == self.method
            and re.fullmatch(self.path, request.path) is not None
        )


class Recorder:
    def __init__(self, after: Callable[[], None] = lambda: None) -> None:
        self.exchanges: list[Exchange] = []
        self.faults: list[Fault] = []
        self.after = after
        self._lock = threading.Lock()

    def inject(self, fault: Fault) -> Fault:
        with self._lock:
            self.faults.append(fault)
        return fault

    def wrap(self, vendor: str, handler: Handler) -> Handler:
        def handle(request: Request) -> Response:
            with self._lock:
                fault = next((f for f in self.faults if f.matches(vendor, request)), None)
                if fault is not None:
                    fault.times -= 1
            if fault is not None:
                response = json_response(fault.body, fault.status)
            else:
                response = handler(request)
                self.after()
            with self._lock:
                self.exchanges.append(
                    Exchange(
                        vendor, request.method, request.path, response.status_code, bool(fault)
                    )
                )
            return response

        return handle

    def mark(self) -> int:
        """Where the log is now: pass it to ``writes`` to see only what came after."""
        with self._lock:
            return len(self.exchanges)

    def writes(self, since: int = 0, vendor: str | None = None) -> list[Exchange]:
        """Writes the vendors carried out since ``since`` (the deployed site is no vendor: the
        test webhook ``verify`` posts to it is a visit, not a change)."""
        with self._lock:
            found = self.exchanges[since:]
        return [
            e
            for e in found
            if e.carried_out and not e.vendor.startswith("site:") and vendor in (None, e.vendor)
        ]

    def per_vendor(self, since: int = 0) -> dict[str, int]:
        return dict(Counter(e.vendor for e in self.writes(since)))

    def shapes(self, since: int = 0) -> Counter[tuple[str, str, str]]:
        return Counter(e.shape() for e in self.writes(since))
