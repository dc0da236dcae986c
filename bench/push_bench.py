"""``push render`` concurrency: 16 variables to a fake Render that answers every request after
100 ms.

Run: python -m bench.push_bench [--runs N] [--delay S] [--python PATH]
The fake (tests/push/fake_render.py, the one the tests use) runs here on a threaded loopback
server and sleeps ``--delay`` before every answer; the client side, convoai-setup's own Session
and Render adapter, runs in the benchmark venv (``bench.venv``: ``pip install .``), one process
per push, timed inside that process after its imports (as in a long-running session, so the
figure is about round trips, not start-up). Two pushes are measured (plan + apply, no deploy):

- first push (nothing remembered): find the service and the workspaces (at once), read its
  variables, upsert 16 (concurrently), read everything back: four round trips;
- later push (the state remembers the service id, as after any push or drift): read its
  variables by id while the name search confirms the id, upsert 16, read back: three.

The read-back cannot share a round trip: it has to follow every upsert (it is what says what
landed), and the variables can't be read before the search has found the service's id. Serial
upserts would make either about 19. Printed: the median wall time of one request, of each push,
and their ratios. Targets: the later push (the usual one) <= 4x (issue 11); the first push is
four round trips, so >= 4x by construction.
"""

from __future__ import annotations

import json
import logging
import statistics
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from pytest_httpserver import HTTPServer

from bench.cli import bench_parser, parse
from bench.push_client import KEY
from tests.push.fake_render import FakeRender

CLIENT = Path(__file__).with_name("push_client.py")


def _client(python: Path, scratch: str, *args: str) -> Any:
    """Run ``push_client.py`` in the benchmark venv; its JSON answer."""
    done = subprocess.run(
        [str(python), str(CLIENT), *args], cwd=scratch, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"push client failed: {done.stderr.strip()}")
    return json.loads(done.stdout)


def main() -> None:
    parser = bench_parser(__doc__ or "", runs=7)
    parser.add_argument("--delay", type=float, default=0.1)
    args, py = parse(parser)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    fake = FakeRender(KEY, delay=args.delay)
    server = HTTPServer(host="127.0.0.1", threaded=True)
    fake.install(server)
    server.start()
    base = f"http://127.0.0.1:{server.port}"
    sid = fake.add_service("convoai-backend")
    firsts: list[dict[str, Any]] = []
    laters: list[dict[str, Any]] = []
    try:
        with tempfile.TemporaryDirectory(prefix="convoai-bench-") as scratch:
            seconds = _client(py.python, scratch, "one", base, str(args.runs))["seconds"]
            one = statistics.median(seconds)
            for _ in range(args.runs):  # alternating, so both see the same machine load
                fake.env[sid] = {}  # every run adds all 16
                firsts.append(_client(py.python, scratch, "push", base, "null"))
                fake.env[sid] = {}
                known = json.dumps(firsts[-1]["summary"])
                laters.append(_client(py.python, scratch, "push", base, known))
    finally:
        server.stop()
    if laters[-1]["summary"].get("service_id") != sid:
        raise SystemExit("benchmark push did not remember the service id")
    print(f"fake Render      loopback, every answer after {args.delay * 1000:.0f} ms")
    print(f"one request      {one * 1000:.0f} ms (median of {args.runs})")
    for label, runs, trips in (("later push", laters, 3), ("first push", firsts, 4)):
        total = statistics.median(p["push"] for p in runs)
        apply = statistics.median(p["apply"] for p in runs)
        print(
            f"{label:<16} {total * 1000:.0f} ms = {total / one:.2f} x one request  (median "
            f"of {args.runs}; {trips} round trips; serial would be ~{trips + 15})"
        )
        print(
            f"  after confirm  {apply * 1000:.0f} ms = {apply / one:.2f} x  (16 concurrent "
            "upserts + read-back: 2 round trips)"
        )
    print("target           later push <= 4 x one request (issue 11); first push: 4 round trips")


if __name__ == "__main__":
    main()
