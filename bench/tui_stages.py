"""Where the TUI's first frame spends its CPU, against the hello-world app (``bench.tui_startup``).

Run: python -m bench.tui_stages [--runs N] [--python PATH]
Each app runs in a 100x30 tmux pane of a private tmux server, started by a small wrapper that
changes nothing before the app's own code runs: when ``textual.app`` is first imported it
notes the process CPU time at ``App.run`` and at the first frame written (``App._display``),
then quits the app. Prints the medians of both stages for each app and their difference:
"start to App.run" is the interpreter, the imports and what the program does before the app
runs (the wizard: its command line, the project, the state); "App.run to first frame" is
Textual composing, styling, laying out and rendering the first screen. It also prints the wall
time from spawning to the first frame written, and its median per-round ratio: the first frame
as the app hands it to the terminal, without the screen polling of ``bench.tui_startup``, whose
spread on a busy machine can hide a change of a few per cent.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from pathlib import Path

from bench.cli import bench_parser, parse
from bench.common import describe_ratio, turns
from bench.tui_startup import Tmux, prepare_home, quote

#: runs ``argv[1:]`` as ``python -m``-less script or the console script's ``main``, and writes
#: {"run": ms, "frame": ms} (process CPU) to $STAGES_OUT once the first frame is written; or,
#: with $STAGES_STOP, ends the process at ``App.run`` or the first frame
WRAPPER = """\
import importlib.abc, importlib.util, json, os, sys, time

out = os.environ.get("STAGES_OUT", "")
#: "run" or "frame": end the process right there, unrecorded (bench.tui_instructions)
stop = os.environ.get("STAGES_STOP")
marks = {}


def patch(app_module):
    App = app_module.App
    run, display = App.run, App._display

    def timed_run(self, *args, **kwargs):
        if stop == "run":
            os._exit(0)
        marks["run"] = time.process_time() * 1000
        return run(self, *args, **kwargs)

    def timed_display(self, *args, **kwargs):
        result = display(self, *args, **kwargs)
        if stop == "frame":
            os._exit(0)
        if "frame" not in marks:
            marks["frame"] = time.process_time() * 1000
            marks["wall"] = (time.time() - float(os.environ["STAGES_T0"])) * 1000
            with open(out, "a") as fh:
                fh.write(json.dumps(marks) + "\\n")
            self.exit()
        return result

    App.run, App._display = timed_run, timed_display


class Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name != "textual.app":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        exec_module = spec.loader.exec_module

        def exec_and_patch(module):
            exec_module(module)
            patch(module)

        spec.loader.exec_module = exec_and_patch
        return spec


sys.meta_path.insert(0, Finder())
if sys.argv[1] == "--wizard":
    from wizard.cli import main

    sys.exit(main(sys.argv[2:]))
sys.argv = sys.argv[1:]
exec(compile(open(sys.argv[0]).read(), sys.argv[0], "exec"), {"__name__": "__main__"})
"""


def main() -> int:
    parser = bench_parser(__doc__ or "", runs=11)
    args, py = parse(parser)
    with tempfile.TemporaryDirectory(prefix="convoai-stages-") as tmp, Tmux() as tmux:
        home = Path(tmp)
        project = prepare_home(home, tmux)
        cases = staged_cases(home, project, py.python)
        for runs in (1, args.runs):  # a warm-up round (the OS file cache), then the runs
            for name in cases:
                (home / f"{name}.jsonl").unlink(missing_ok=True)
            for _, name in turns(list(cases), runs):
                run_once(tmux, cases[name], home, home / f"{name}.jsonl")
        found = {
            name: [json.loads(line) for line in (home / f"{name}.jsonl").read_text().splitlines()]
            for name in cases
        }
    print(f"runs: {args.runs} each, interleaved; process CPU ms (medians)")
    print(f"  {'':8} {'start to App.run':>17} {'App.run to first frame':>23} {'total':>7}")
    medians = {}
    for name, marks in found.items():
        run = statistics.median(m["run"] for m in marks)
        frame = statistics.median(m["frame"] - m["run"] for m in marks)
        total = statistics.median(m["frame"] for m in marks)
        medians[name] = (run, frame, total)
        print(f"  {name:8} {run:17.1f} {frame:23.1f} {total:7.1f}")
    (a, b, c), (x, y, z) = medians["wizard"], medians["hello"]
    print(f"  {'wizard - hello':8} {a - x:+11.1f} {b - y:+23.1f} {c - z:+7.1f}")
    walls = {name: [m["wall"] for m in marks] for name, marks in found.items()}
    print(
        "wall time from spawn to the first frame written (no tmux capture in it): "
        f"hello {statistics.median(walls['hello']):.0f} ms, "
        f"wizard {statistics.median(walls['wizard']):.0f} ms, "
        f"ratio {describe_ratio(walls['wizard'], walls['hello'])}"
    )
    cpu = {name: [m["frame"] for m in marks] for name, marks in found.items()}
    print(f"process CPU to the first frame: ratio {describe_ratio(cpu['wizard'], cpu['hello'])}")
    return 0


def staged_cases(home: Path, project: Path, python: Path) -> dict[str, list[str]]:
    """The command lines of both apps, each started by ``WRAPPER`` (written to ``home``)."""
    (home / "stages.py").write_text(WRAPPER)
    wrapper = [str(python), str(home / "stages.py")]
    return {
        "hello": [*wrapper, str(home / "hello.py")],
        "wizard": [*wrapper, "--wizard", "--project", str(project)],
    }


def run_once(tmux: Tmux, argv: list[str], cwd: Path, out: Path) -> None:
    """One run in a new tmux session; returns once its stages are written."""
    before = len(out.read_text().splitlines()) if out.exists() else 0
    command = " ".join(["exec", *map(quote, argv)])
    tmux("set-environment", "-g", "STAGES_OUT", str(out))
    tmux("set-environment", "-g", "STAGES_T0", repr(time.time()))
    tmux("new-session", "-d", "-s", "stage", "-x", "100", "-y", "30", "-c", str(cwd), command)
    deadline = time.perf_counter() + 30
    while not out.exists() or len(out.read_text().splitlines()) == before:
        if time.perf_counter() > deadline:
            tmux("kill-session", "-t", "stage", check=False)
            raise SystemExit(f"{argv[-1]}: no first frame in 30 s")
        time.sleep(0.01)
    while tmux.has("stage"):
        time.sleep(0.01)


if __name__ == "__main__":
    raise SystemExit(main())
