"""Host names as the vendors assign them, resolved on this machine for the wizard alone.

The vendors answer names (``https://convoai-backend-x7k1.onrender.com``, ``<ref>.supabase.co``,
``convoai-0001x.vercel.app``, an Upstash endpoint), and the wizard rightly refuses to push a
loopback value to a platform (``wizard.outside.unreachable``). So the world keeps the names real:
each one is written to a hosts file as soon as a stand-in assigns it, pointing at a loopback
address of its own (127.x.y.z: the whole /8 is this machine) where the stand-in listens on 443,
and the wizard runs in a private mount namespace where that file is ``/etc/hosts``. Nothing on
the machine changes; the code under test resolves names as it always does (getaddrinfo).

The file is only ever appended to, in place: the bind mount follows the inode, and libc reads
the file again at every lookup, so a name assigned mid-run resolves at once.
"""

from __future__ import annotations

import functools
import os
import random
import shutil
import socket
import subprocess
import tempfile
import threading
from pathlib import Path

import pytest

#: names the suite's test certificate covers (tests.fixtures.tls.HOSTS) plus the vendors' domains
VENDOR_NAMES = ("*.onrender.com", "*.vercel.app", "*.supabase.co", "*.upstash.io")


@functools.cache
def _namespaces_work() -> str:
    """Empty when a private /etc/hosts works here, else what went wrong (asked once)."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return "not root, or util-linux's unshare is missing"
    scratch = Path(tempfile.mkdtemp(prefix="convoai-hosts-"))
    hosts = HostsFile(scratch / "hosts")
    hosts.add("probe.onrender.com", "127.0.0.9")
    done = subprocess.run(
        hosts.argv("getent", "hosts", "probe.onrender.com"), capture_output=True, text=True
    )
    shutil.rmtree(scratch, ignore_errors=True)
    return "" if "127.0.0.9" in done.stdout else (done.stderr.strip() or "no answer")


def require_namespaces() -> None:
    """The world needs root (port 443 on loopback, a private mount namespace for the wizard's
    /etc/hosts): say so plainly when that is not possible here."""
    why = _namespaces_work()
    if why:
        pytest.fail(
            f"tests/up needs root and a private mount namespace (unshare --mount) to give the "
            f"wizard its own /etc/hosts, and port 443 on loopback; here: {why}. .ci/run runs "
            "the suite as root"
        )


def loopback_address() -> str:
    """A random 127.x.y.z where nothing listens on 443 yet (other workers pick their own)."""
    for _ in range(50):
        address = f"127.{random.randint(1, 254)}.{random.randint(0, 255)}.{random.randint(1, 254)}"
        with socket.socket() as probe:
            try:
                probe.bind((address, 443))
            except OSError:
                continue
        return address
    pytest.fail("no free loopback address on port 443")


class HostsFile:
    """The wizard's ``/etc/hosts``: the machine's own lines, then each name as it is assigned."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.names: dict[str, str] = {}
        self._lock = threading.Lock()
        base = Path("/etc/hosts").read_text(encoding="utf-8")
        path.write_text(base if base.endswith("\n") else base + "\n", encoding="utf-8")

    def add(self, name: str, address: str) -> None:
        """Resolve ``name`` to ``address`` from now on (appended in place)."""
        with self._lock:
            if self.names.get(name) == address:
                return
            self.names[name] = address
            with self.path.open("a", encoding="utf-8") as out:
                out.write(f"{address} {name}\n")

    def address(self, name: str) -> str | None:
        return self.names.get(name)

    def argv(self, *command: str) -> list[str]:
        """``command`` run in a private mount namespace where this file is ``/etc/hosts``."""
        script = 'mount --bind "$0" /etc/hosts && exec "$@"'
        return ["unshare", "--mount", "--", "sh", "-c", script, str(self.path), *command]
