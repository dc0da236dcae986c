"""Start-up cost of the commands people run most, against bare Python start-up.

Run: python -m bench.startup [--runs N]
Target (issue 2): ``convoai-setup --help`` and ``convoai-setup status`` within 3x
``python -c pass``.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from bench.common import REPO, compile_project, console_script, median_wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    compile_project()
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "convoai"
        shutil.copytree(REPO / "examples" / "convoai", project)
        script = console_script()
        cases = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "convoai-setup --help": [script, "--help"],
            "convoai-setup status": [script, "--project", str(project), "status"],
            "convoai-setup status --json": [script, "--project", str(project), "status", "--json"],
        }
        results = {name: median_wall(argv, args.runs) for name, argv in cases.items()}
    base = results["python -c pass"]
    print(f"median of {args.runs} runs")
    for name, seconds in results.items():
        print(f"{name:30s} {seconds * 1000:8.1f} ms   {seconds / base:5.2f}x bare python")
    worst = max(v / base for k, v in results.items() if k != "python -c pass")
    print(f"worst ratio {worst:.2f}x (target <= 3.00x): {'OK' if worst <= 3 else 'OVER TARGET'}")


if __name__ == "__main__":
    main()
