"""Helpers shared by the benchmarks: run a command N times, report medians."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def compile_project() -> None:
    """Write the project's bytecode, as ``pip install`` does for a regular install.

    An editable install in an environment with PYTHONDONTWRITEBYTECODE (this one has it) would
    otherwise recompile every project module from source on every run, a cost real users of an
    installed convoai-setup never pay and the hello-world/psql baselines don't pay either.
    """
    import compileall

    for package in ("wizard", "screens", "providers", "checklists"):
        compileall.compile_dir(REPO / package, quiet=1)


def console_script(name: str = "convoai-setup") -> str:
    """The installed entry point beside this interpreter (not a pyenv shim, which adds its own cost)."""
    candidate = Path(sys.executable).parent / name
    return str(candidate) if candidate.exists() else name


def median_wall(
    argv: Sequence[str], runs: int, env: Mapping[str, str] | None = None, warmup: int = 2
) -> float:
    """Median wall time in seconds of running ``argv`` to completion."""
    samples = []
    for i in range(warmup + runs):
        start = time.perf_counter()
        subprocess.run(
            argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True
        )
        if i >= warmup:
            samples.append(time.perf_counter() - start)
    return statistics.median(samples)
