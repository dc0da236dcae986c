"""``push render`` concurrency: 16 variables to a fake Render that answers every request after
100 ms.

Run: python -m bench.push_bench [--runs N] [--delay S]
The fake (tests/push/fake_render.py, the one the tests use) runs on a threaded loopback server
and sleeps ``--delay`` before every answer. Two pushes are measured (plan + apply, no deploy):

- first push (nothing remembered): find the service and the workspaces (at once), read its
  variables, upsert 16 (concurrently), read everything back: four round trips;
- later push (the state remembers the service id, as after any push or drift): read its
  variables by id while the name search confirms the id, upsert 16, read back: three.

Serial upserts would make either about 19. Printed: the median wall time of one request, of
each push, and their ratios. Target (issue 11): the later push (the usual one) <= 4x.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import time
from typing import Any

from pytest_httpserver import HTTPServer

from bench.common import compile_project
from tests.push.fake_render import FakeRender
from wizard.platforms.plan import VarPlan
from wizard.platforms.remembered import summary
from wizard.platforms.session import Session

KEY = "rnd_bench000000000000"
VALUES: dict[str, str | None] = {
    "RENDER_API_KEY": KEY,
    "RENDER_SERVICE_NAME": "convoai-backend",
    "NODE_ENV": "production",
    "PORT": "10000",
    "SUPABASE_URL": "https://bench.supabase.co",
    "SUPABASE_SERVICE_KEY": "sb_secret_bench000000000000000000000",
    "REDIS_URL": "rediss://default:bench@bench.upstash.io:6379",
    "OPENAI_API_KEY": "sk-bench0000000000000000000",
    "JWT_SECRET": "bench" * 8,
    "APP_URL": "https://convoai-backend.onrender.com",
    "STRIPE_SECRET_KEY": "sk_test_bench0000000000000000",
    "STRIPE_WEBHOOK_SECRET": "whsec_bench000000000000000",
    "STRIPE_STARTER_PRICE_ID": "price_bench0001",
    "STRIPE_GROWTH_PRICE_ID": "price_bench0002",
    "STRIPE_BUSINESS_PRICE_ID": "price_bench0003",
    "SENTRY_DSN": "https://pk@o1.ingest.sentry.io/1",
    "ANTHROPIC_API_KEY": "sk-ant-bench00000000000000",
}
#: the catalog has 15 Render variables; the issue's figure is 16, so one more is added to the plan
EXTRA = ("BENCH_EXTRA", "sixteenth")
SALT = b"bench-salt"


async def _one_request(env: dict[str, str]) -> float:
    async with Session(VALUES, 10.0, env) as session:
        render = session.adapter("render").api
        await render.owners()  # warm the connection, as a push's first round does
        start = time.perf_counter()
        await render.owners()
        return time.perf_counter() - start


async def _push(
    env: dict[str, str], known: dict[str, Any] | None
) -> tuple[float, float, dict[str, Any]]:
    """(whole push, the part after confirmation, what the state would remember), seconds."""
    async with Session(VALUES, 10.0, env, {"render": known} if known else None) as session:
        start = time.perf_counter()  # the client (TLS context, pool) is built once per command
        render = session.adapter("render")
        plan = await render.plan(VALUES, SALT, session.remembered("render"))
        plan.desired[EXTRA[0]] = EXTRA[1]
        plan.variables.append(VarPlan(EXTRA[0], "add", EXTRA[1]))
        confirmed = time.perf_counter()
        applied = await render.apply(plan, SALT)
    end = time.perf_counter()
    if not applied.ok or len(applied.landed) != 16 or any("remembered" in n for n in plan.notes):
        raise SystemExit(f"benchmark push is broken: {applied} {plan.notes}")
    return end - start, end - confirmed, summary(plan, "push", applied)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--delay", type=float, default=0.1)
    args = parser.parse_args()
    compile_project()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    fake = FakeRender(KEY, delay=args.delay)
    server = HTTPServer(host="127.0.0.1", threaded=True)
    fake.install(server)
    server.start()
    env = {"CONVOAI_SETUP_RENDER_API": f"http://127.0.0.1:{server.port}"}
    sid = fake.add_service("convoai-backend")
    firsts: list[tuple[float, float, dict[str, Any]]] = []
    laters: list[tuple[float, float, dict[str, Any]]] = []
    try:
        one = statistics.median(asyncio.run(_one_request(env)) for _ in range(args.runs))
        for _ in range(args.runs + 1):  # alternating, so both see the same machine load
            fake.env[sid] = {}  # every run adds all 16
            firsts.append(asyncio.run(_push(env, None)))
            fake.env[sid] = {}
            laters.append(asyncio.run(_push(env, firsts[-1][2])))
    finally:
        server.stop()
    if laters[-1][2].get("service_id") != sid:
        raise SystemExit("benchmark push did not remember the service id")
    print(f"fake Render      loopback, every answer after {args.delay * 1000:.0f} ms")
    print(f"one request      {one * 1000:.0f} ms (median of {args.runs})")
    for label, runs, trips in (("later push", laters, 3), ("first push", firsts, 4)):
        push = statistics.median(p[0] for p in runs[1:])  # the first run pays for imports
        apply = statistics.median(p[1] for p in runs[1:])
        print(
            f"{label:<16} {push * 1000:.0f} ms = {push / one:.2f} x one request  (median "
            f"of {args.runs}; {trips} round trips; serial would be ~{trips + 15})"
        )
        print(
            f"  after confirm  {apply * 1000:.0f} ms = {apply / one:.2f} x  (16 concurrent "
            "upserts + read-back: 2 round trips)"
        )
    print("target           later push <= 4 x one request (issue 11)")


if __name__ == "__main__":
    main()
