"""The client side of ``bench.push_bench``, run by the benchmark venv's interpreter as a script.

It imports only the installed convoai-setup (never this checkout: a script's own directory,
``bench/``, is what Python puts first on ``sys.path``), and prints one JSON document:

    python push_client.py one BASE_URL RUNS          -> {"seconds": [...]} (one warm request)
    python push_client.py push BASE_URL KNOWN_JSON   -> {"push": s, "apply": s, "summary": {...}}

``KNOWN_JSON`` is what the state remembers about Render (``null`` for a first push).
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any

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


async def one_request(env: dict[str, str]) -> float:
    async with Session(VALUES, 10.0, env) as session:
        render = session.adapter("render").api
        await render.owners()  # warm the connection, as a push's first round does
        start = time.perf_counter()
        await render.owners()
        return time.perf_counter() - start


async def push(env: dict[str, str], known: dict[str, Any] | None) -> dict[str, Any]:
    """The whole push and the part after confirmation (seconds), and what the state would
    remember."""
    async with Session(VALUES, 10.0, env) as session:
        session.adapter("render")  # its imports, outside the timing (see the module docstring)
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
    return {
        "push": end - start,
        "apply": end - confirmed,
        "summary": summary(plan, "push", applied),
    }


def main(argv: list[str]) -> None:
    mode, base = argv[0], argv[1]
    env = {"CONVOAI_SETUP_RENDER_API": base}
    if mode == "one":
        out: Any = {"seconds": [asyncio.run(one_request(env)) for _ in range(int(argv[2]))]}
    else:
        out = asyncio.run(push(env, json.loads(argv[2])))
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1:])
