"""The TUI's first frame: from spawning ``convoai-setup`` to every phase of the overview on screen,
against a hello-world Textual app in the same venv (``bench.venv``: ``pip install .``).

Run: python -m bench.tui_startup [--runs N] [--python PATH]
Each run is a new tmux session of 100x30 (``tmux new-session -d -x 100 -y 30``) on a private tmux
server; the screen is read with ``tmux capture-pane -p`` every few milliseconds until the app's
text is there (every phase title for the wizard, ``Hello, world`` for the hello app), then the
app is quit with Ctrl+Q. Time runs from just before ``new-session`` to the capture that shows the
text, so both sides pay the same tmux and polling costs; the two take turns. Peak memory is the
app's maximum RSS from ``/usr/bin/time``. Prints medians and the median of per-round ratios.
Target (issue 19): time <= 1.0x the hello app; memory <= 1.3x.

It also prints the CPU time the app had used when its text was seen (all its threads, from
``/proc/PID/task/*/schedstat``): on a machine shared with other work the wall time of both apps
swings with the load, their CPU time much less, so it tells a real change from noise.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from bench.cli import bench_parser, parse
from bench.common import REPO, clean_env, describe_ratio, turns, verdict

TIME_TARGET, MEMORY_TARGET = 1.0, 1.3
#: what the wizard's overview shows once its phase list is drawn (``wizard.phases.PHASES``)
PHASE_TITLES = (
    "Supabase",
    "Upstash Redis",
    "Render backend",
    "Vercel frontend",
    "GitHub Actions",
    ".env.example",
    "Post-deploy",
)
HELLO = """\
from textual.app import App
from textual.widgets import Static


class Hello(App[None]):
    def compose(self):
        yield Static("Hello, world")


Hello().run()
"""
POLL_SECONDS = 0.004
TIMEOUT_SECONDS = 30.0


class Tmux:
    """A private tmux server (its own socket), killed on exit."""

    def __init__(self) -> None:
        self.base = ["tmux", "-L", f"convoai-bench-{os.getpid()}"]

    def __call__(self, *args: str, check: bool = True) -> str:
        done = subprocess.run([*self.base, *args], capture_output=True, text=True, check=False)
        if check and done.returncode != 0:
            raise RuntimeError(f"tmux {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout

    def has(self, session: str) -> bool:
        return (
            subprocess.run(
                [*self.base, "has-session", "-t", session], capture_output=True
            ).returncode
            == 0
        )

    def __enter__(self) -> Tmux:
        # A session that outlives the runs keeps the server up: no run pays for starting it.
        self("new-session", "-d", "-s", "keep", "-x", "100", "-y", "30", "sleep 3600")
        return self

    def __exit__(self, *exc: object) -> None:
        self("kill-server", check=False)


def first_frame(
    tmux: Tmux, argv: list[str], texts: tuple[str, ...], cwd: Path
) -> tuple[float, int, float]:
    """(seconds from spawn until every one of ``texts`` is on screen, peak RSS in KiB, CPU
    seconds the app had used by then)."""
    rss_file = cwd / "rss"
    rss_file.unlink(missing_ok=True)
    command = " ".join(
        ["exec", "/usr/bin/time", "-f", "%M", "-o", str(rss_file), *map(quote, argv)]
    )
    start = time.perf_counter()
    tmux("new-session", "-d", "-s", "run", "-x", "100", "-y", "30", "-c", str(cwd), command)
    while True:
        screen = tmux("capture-pane", "-p", "-t", "run", check=False)
        if all(text in screen for text in texts):
            elapsed = time.perf_counter() - start
            cpu = app_cpu_seconds(int(tmux("display-message", "-p", "-t", "run", "#{pane_pid}")))
            break
        if time.perf_counter() - start > TIMEOUT_SECONDS:
            tmux("kill-session", "-t", "run", check=False)
            raise SystemExit(f"{argv[-1]}: nothing like {texts[0]!r} on screen:\n{screen}")
        time.sleep(POLL_SECONDS)
    tmux("send-keys", "-t", "run", "C-q")
    deadline = time.perf_counter() + TIMEOUT_SECONDS
    while tmux.has("run") or not rss_file.read_text().strip():
        if time.perf_counter() > deadline:
            tmux("kill-session", "-t", "run", check=False)
            raise SystemExit(f"{argv[-1]} did not quit on Ctrl+Q")
        time.sleep(0.02)
    return elapsed, int(rss_file.read_text().split()[-1]), cpu


def app_cpu_seconds(pane_pid: int) -> float:
    """CPU time of the app: the child of the pane's ``/usr/bin/time``, all of its threads."""
    children = Path(f"/proc/{pane_pid}/task/{pane_pid}/children").read_text().split()
    app = children[0]
    total = 0
    for task in Path(f"/proc/{app}/task").iterdir():
        try:
            total += int((task / "schedstat").read_text().split()[0])  # nanoseconds on a CPU
        except (FileNotFoundError, ProcessLookupError):
            continue  # a thread that ended meanwhile
    return total / 1e9


def prepare_home(home: Path, tmux: Tmux) -> Path:
    """``home`` as both apps see it: the example project (returned), ``hello.py``, the vault
    settings, and the environment every tmux session starts its command with."""
    project = home / "convoai"
    shutil.copytree(REPO / "examples" / "convoai", project)
    (home / "hello.py").write_text(HELLO)
    env = clean_env(home)
    env.update(
        TERM="xterm-256color",
        CONVOAI_SETUP_KEYRING="vault",
        CONVOAI_SETUP_VAULT=str(home / "vault.json"),
        CONVOAI_SETUP_PASSPHRASE="benchmark passphrase",
    )
    # tmux starts each session's command with the server's environment: give it ours.
    for name, value in env.items():
        tmux("set-environment", "-g", name, value)
    return project


def quote(arg: str) -> str:
    return "'" + arg.replace("'", "'\\''") + "'"


def main() -> int:
    parser = bench_parser(__doc__ or "", runs=11)
    args, py = parse(parser)
    with tempfile.TemporaryDirectory(prefix="convoai-bench-") as tmp, Tmux() as tmux:
        home = Path(tmp)
        project = prepare_home(home, tmux)
        cases = {
            "hello": ([str(py.python), str(home / "hello.py")], ("Hello, world",)),
            "wizard": ([py.script(), "--project", str(project)], PHASE_TITLES),
        }
        results: dict[str, list[tuple[float, int, float]]] = {name: [] for name in cases}
        for argv, texts in cases.values():  # warm-up: the OS file cache
            first_frame(tmux, argv, texts, home)
        for _, name in turns(list(cases), args.runs):  # drift affects both alike
            argv, texts = cases[name]
            results[name].append(first_frame(tmux, argv, texts, home))
    times = {k: [r[0] for r in v] for k, v in results.items()}
    peaks = {k: [r[1] for r in v] for k, v in results.items()}
    cpus = {k: [r[2] for r in v] for k, v in results.items()}
    print(f"runs: {args.runs} each, interleaved; first frame in a 100x30 tmux pane")
    for name in cases:
        print(
            f"  {name:7} {statistics.median(times[name]) * 1000:7.0f} ms   "
            f"peak RSS {statistics.median(peaks[name]) / 1024:6.1f} MiB   "
            f"CPU {statistics.median(cpus[name]) * 1000:5.0f} ms"
        )
    time_verdict = verdict(times["wizard"], times["hello"], TIME_TARGET)
    memory_verdict = verdict(peaks["wizard"], peaks["hello"], MEMORY_TARGET)
    print(f"  time    {describe_ratio(times['wizard'], times['hello'])}: {time_verdict}")
    print(f"  memory  {describe_ratio(peaks['wizard'], peaks['hello'])}: {memory_verdict}")
    print(f"  CPU     {describe_ratio(cpus['wizard'], cpus['hello'])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
