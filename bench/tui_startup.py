"""Start-up benchmark: process start to the first rendered frame of the overview.

Measured against a hello-world Textual app in exactly the same way: each runs as a child on a
pseudo-terminal, writes ``time.time()`` when its first frame is on screen (Textual's ``Ready``
event), and exits. Time is from just before the parent spawns the child; memory is the child's
peak RSS from ``wait4``. Prints medians and ratios (targets: ≤ 1.25× time, ≤ 1.3× memory).

    python -m bench.tui_startup [--runs N]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import pty
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import compile_project

REPO = Path(__file__).resolve().parent.parent
TIME_TARGET, MEMORY_TARGET = 1.25, 1.3

CHILD = {
    "hello": """
import sys, time
from textual.app import App
from textual.widgets import Static
class Hello(App[None]):
    def compose(self):
        yield Static("Hello, world")
    def on_ready(self):
        open(sys.argv[1], "w").write(repr(time.time()))
        self.exit()
Hello().run()
""",
    "overview": """
import sys, time
from screens.run import prepare_answers
from screens.app import WizardApp
class Measured(WizardApp):
    def on_ready(self):
        open(sys.argv[1], "w").write(repr(time.time()))
        self.exit()
Measured(prepare_answers(sys.argv[2])).run()
""",
}


def measure(kind: str, project: Path, env: dict[str, str]) -> tuple[float, int]:
    """(seconds from spawn to first frame, peak RSS in KiB) of one run."""
    with tempfile.NamedTemporaryFile(suffix=".t", delete=False) as fh:
        stamp = Path(fh.name)
    master, slave = pty.openpty()
    os.set_blocking(master, False)
    argv = [sys.executable, "-c", CHILD[kind], str(stamp), str(project)]
    start = time.time()
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=REPO)
    os.close(slave)
    while True:  # drain the terminal so the child never blocks on output
        ready, _, _ = select.select([master], [], [], 0.05)
        if ready:
            with contextlib.suppress(OSError):
                os.read(master, 65536)
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            break
    os.close(master)
    text = stamp.read_text()
    stamp.unlink()
    if proc.returncode != 0 or not text:
        raise SystemExit(f"{kind}: the child failed (exit {proc.returncode})")
    return float(text) - start, int(usage.ru_maxrss)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    compile_project()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        project = home / "convoai"
        shutil.copytree(REPO / "examples" / "convoai", project)
        env = dict(
            os.environ,
            HOME=str(home),
            TERM="xterm-256color",
            COLUMNS="100",
            LINES="30",
            CONVOAI_SETUP_KEYRING="vault",
            CONVOAI_SETUP_VAULT=str(home / "vault.json"),
            CONVOAI_SETUP_PASSPHRASE="benchmark passphrase",
        )
        results: dict[str, list[tuple[float, int]]] = {"hello": [], "overview": []}
        for kind in results:  # warm-up: the OS file cache, .pyc files
            measure(kind, project, env)
        for _ in range(args.runs):
            for kind in results:  # interleaved, so drift affects both alike
                results[kind].append(measure(kind, project, env))
    t = {k: statistics.median(r[0] for r in v) for k, v in results.items()}
    m = {k: statistics.median(r[1] for r in v) for k, v in results.items()}
    print(f"runs: {args.runs} each (median), first frame on a 100x30 pty")
    for kind in results:
        print(f"  {kind:9} {t[kind] * 1000:7.0f} ms   peak RSS {m[kind] / 1024:6.1f} MiB")
    time_ratio, memory_ratio = t["overview"] / t["hello"], m["overview"] / m["hello"]
    print(
        f"  ratio     {time_ratio:7.2f}x (target <= {TIME_TARGET}x)   "
        f"{memory_ratio:.2f}x (target <= {MEMORY_TARGET}x)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
