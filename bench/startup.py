"""Start-up cost of the commands people run most, against bare Python start-up, where users run
them: the console script of a venv made with ``pip install .`` (``bench.venv``).

Run: python -m bench.startup [--runs N] [--python PATH]
Every command runs from a scratch directory with HOME and the XDG directories in it, on a copy
of the example project; the commands take turns (interleaved) and each ratio is the median of
the per-round ratios against ``python -c pass`` of the same interpreter. The warm-up rounds
fill the catalog cache, as any earlier run does on a user's machine.
Targets (issue 19): ``convoai-setup --help`` <= 2x, ``convoai-setup status`` <= 2.5x.
``--python`` measures another interpreter instead (refused if its convoai-setup is editable).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
from pathlib import Path

from bench.common import REPO, clean_env, interleaved, ratio
from bench.venv import Interpreter, bench_venv, check_interpreter

TARGETS = {"convoai-setup --help": 2.0, "convoai-setup status": 2.5}


def interpreter(python: str | None) -> Interpreter:
    """``--python`` checked, or the benchmark venv (built when the project changed)."""
    return check_interpreter(python) if python else bench_venv()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--python", help="an interpreter with convoai-setup installed (not -e)")
    args = parser.parse_args()
    py = interpreter(args.python)
    print(py.describe())
    with tempfile.TemporaryDirectory(prefix="convoai-bench-") as tmp:
        home = Path(tmp)
        project = home / "convoai"
        shutil.copytree(REPO / "examples" / "convoai", project)
        script = py.script()
        cases = {
            "python -c pass": [str(py.python), "-c", "pass"],
            "convoai-setup --help": [script, "--help"],
            "convoai-setup status": [script, "--project", str(project), "status"],
            "convoai-setup status --json": [script, "--project", str(project), "status", "--json"],
        }
        samples = interleaved(cases, args.runs, env=clean_env(home), cwd=home)
    base = samples["python -c pass"]
    print(f"median of {args.runs} interleaved runs; ratio = median of per-round ratios")
    for name, runs in samples.items():
        line = f"{name:30s} {statistics.median(runs) * 1000:7.1f} ms"
        if name != "python -c pass":
            r = ratio(runs, base)
            target = TARGETS.get(name) or TARGETS.get(name.removesuffix(" --json"))
            line += f"   {r:5.2f}x bare python"
            if target:
                verdict = "OK" if r <= target else "OVER TARGET"
                line += f"   (target <= {target:.1f}x: {verdict})"
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
