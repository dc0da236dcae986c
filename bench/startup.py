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

import shutil
import statistics
import tempfile
from pathlib import Path

from bench.cli import bench_parser, parse
from bench.common import REPO, clean_env, describe_ratio, interleaved, verdict

TARGETS = {"convoai-setup --help": 2.0, "convoai-setup status": 2.5}


def main() -> int:
    parser = bench_parser(__doc__ or "", runs=21)
    args, py = parse(parser)
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
            target = TARGETS.get(name) or TARGETS.get(name.removesuffix(" --json"))
            line += f"   {describe_ratio(runs, base)} bare python"
            if target:
                line += f"   (target <= {target:.1f}x: {verdict(runs, base, target)})"
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
