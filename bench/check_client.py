"""The client side of ``bench.check_bench``, run by the benchmark venv's interpreter as a script.

It imports only the installed convoai-setup (a script's own directory, ``bench/``, is what Python
puts first on ``sys.path``, never this checkout). Reads ``{"values", "env", "names", "runs"}``
as JSON on stdin; prints ``{"full": [s, ...], "singles": {name: [s, ...]}}``: one untimed
warm-up (imports, first TLS contexts), then ``runs`` timed runs of every check at once and of
each service alone.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any

from wizard.checks import run_checks


def timed(values: dict[str, str | None], env: dict[str, str], services: list[str]) -> float:
    start = time.perf_counter()
    results = asyncio.run(run_checks(values, None, 10.0, env, True, services=services))
    elapsed = time.perf_counter() - start
    live = [r for r in results if r.ms > 0]
    failed = [f"{r.service}.{r.check}: {r.message}" for r in live if r.outcome == "fail"]
    if failed:
        raise SystemExit("benchmark world is broken: " + "; ".join(failed))
    return elapsed


def main() -> None:
    job: dict[str, Any] = json.load(sys.stdin)
    values, env, names, runs = job["values"], job["env"], job["names"], job["runs"]
    timed(values, env, names)
    out = {
        "full": [timed(values, env, names) for _ in range(runs)],
        "singles": {n: [timed(values, env, [n]) for _ in range(runs)] for n in names},
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
