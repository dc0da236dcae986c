"""The TUI's first frame counted in machine instructions, wizard against the hello-world app: a
figure the machine's load does not move.

Run: python -m bench.tui_instructions [--runs N] [--python PATH]
Needs valgrind (Debian: ``apt-get install valgrind``). Each app runs under
``valgrind --tool=callgrind`` in a 100x30 tmux pane, started by ``bench.tui_stages``'s wrapper,
which ends the process at ``App.run`` in one run and right after the first frame is written in
another; callgrind's count of the instructions executed (every thread) is read from its log.
Prints, for each app, the instructions before ``App.run`` and from there to the first frame
(millions), the wizard's excess, and its ratio to the hello app: the ratio that
``bench.tui_startup`` measures in wall time, where two runs of one program differ by a few per
cent, here repeatable to about 0.1%. Under valgrind a run takes some 20 s; ``--runs`` (default 1)
repeats each to show that spread. A warm-up run of each app comes first: the wizard's
first run in a new home parses the catalog and caches it (some 60 million instructions more).
"""

from __future__ import annotations

import re
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from bench.cli import bench_parser, parse
from bench.tui_stages import staged_cases
from bench.tui_startup import Tmux, prepare_home, quote

#: callgrind's summary line: "==123== Collected : 936594222"
COLLECTED = re.compile(r"Collected : (\d+)")
STAGES = ("run", "frame")
TIMEOUT_SECONDS = 300.0


def count(tmux: Tmux, argv: list[str], stop: str, cwd: Path) -> int:
    """Instructions the app executes from spawn until ``stop`` ("run": ``App.run`` is called,
    "frame": the first frame is written)."""
    log = cwd / "callgrind.log"
    log.unlink(missing_ok=True)
    valgrind = [
        "valgrind",
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        f"--log-file={log}",
    ]
    tmux("set-environment", "-g", "STAGES_STOP", stop)
    command = " ".join(["exec", *map(quote, [*valgrind, *argv])])
    tmux("new-session", "-d", "-s", "count", "-x", "100", "-y", "30", "-c", str(cwd), command)
    deadline = time.perf_counter() + TIMEOUT_SECONDS
    while tmux.has("count"):
        if time.perf_counter() > deadline:
            tmux("kill-session", "-t", "count", check=False)
            raise SystemExit(f"{argv[-1]}: not at {stop} after {TIMEOUT_SECONDS:.0f} s")
        time.sleep(0.2)
    found = COLLECTED.search(log.read_text() if log.exists() else "")
    if found is None:
        raise SystemExit(f"{argv[-1]}: no instruction count in valgrind's log {log}")
    return int(found.group(1))


def main() -> int:
    parser = bench_parser(__doc__ or "", runs=1)
    args, py = parse(parser)
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed: apt-get install valgrind, then run again")
    with tempfile.TemporaryDirectory(prefix="convoai-instr-") as tmp, Tmux() as tmux:
        home = Path(tmp)
        project = prepare_home(home, tmux)
        cases = staged_cases(home, project, py.python)
        for argv in cases.values():  # warm-up: the OS file cache, the catalog's parse cache
            count(tmux, argv, "frame", home)
        counts = {
            (name, stop): [count(tmux, argv, stop, home) for _ in range(args.runs)]
            for name, argv in cases.items()
            for stop in STAGES
        }
    print(f"runs: {args.runs} each; millions of instructions (callgrind, all threads), medians")
    print(f"  {'':15} {'start to App.run':>17} {'App.run to first frame':>23} {'total':>7}")
    rows = {}
    for name in cases:
        run = statistics.median(counts[name, "run"]) / 1e6
        total = statistics.median(counts[name, "frame"]) / 1e6
        rows[name] = (run, total - run, total)
        print(f"  {name:15} {run:17.1f} {total - run:23.1f} {total:7.1f}")
    (a, b, c), (x, y, z) = rows["wizard"], rows["hello"]
    print(f"  {'wizard - hello':15} {a - x:+17.1f} {b - y:+23.1f} {c - z:+7.1f}")
    print(f"wizard / hello to the first frame: {c / z:.3f}x (App.run to first frame: {b / y:.2f}x)")
    if args.runs > 1:
        spread = max((max(v) - min(v)) / statistics.median(v) for v in counts.values())
        print(f"largest spread between runs of one case: {spread:.2%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
