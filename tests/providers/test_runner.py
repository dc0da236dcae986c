"""The runner used by the CLI and the TUI: selection, offline-first order, skips, one CA source."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pytest_httpserver import HTTPServer

from providers.base import CheckResult
from providers.registry import BY_ID, PROVIDERS
from tests.fixtures.redis_tls import RedisServer
from tests.providers.fakes import SilentServer
from tests.providers.world import build_world
from wizard.checks import offline_results, run_checks, select_services
from wizard.phases import PHASE_IDS


def test_select_services() -> None:
    assert select_services(None) == [p.id for p in PROVIDERS]
    assert select_services(["upstash"]) == ["upstash"]
    assert set(select_services(["supabase"])) == {"supabase", "postgres"}
    assert set(select_services(["post-deploy"])) == {"stripe-webhook", "sentry", "app"}
    assert all(p.phase in PHASE_IDS for p in PROVIDERS)
    assert BY_ID["postgres"].target == "providers.postgres:check_postgres"


def test_offline_missing_and_format() -> None:
    results = offline_results({"REDIS_URL": None}, ["upstash"])
    assert [(r.check, r.outcome) for r in results] == [("REDIS_URL set", "fail")]
    results = offline_results({"OPENAI_API_KEY": "sk-ant-FAKE0000000000000000"}, ["render"])
    assert [(r.check, r.outcome) for r in results if r.service == "openai"] == [
        ("key kind", "fail")
    ]
    # the leak guard runs whatever the phases, also over the environment
    results = offline_results({}, ["upstash"], env={"VITE_KEY": "sk_live_FAKE000000000000"})
    assert any(r.check == "leak guard VITE_KEY" and r.outcome == "fail" for r in results)


async def test_offline_first_then_live_and_env_ca(
    make_https_server: Callable[[], HTTPServer], ca_file: Path, redis_tls: RedisServer
) -> None:
    world = build_world(make_https_server, str(ca_file), redis_tls)
    values: dict[str, str | None] = {**world.values, "JWT_SECRET": "too-short"}
    seen: list[CheckResult] = []
    results = await run_checks(values, ["render", "upstash"], 5.0, world.env, on_result=seen.append)
    assert seen == results
    first_live = next(i for i, r in enumerate(results) if r.ms > 0)
    assert any(r.check == "jwt secret" for r in results[:first_live])  # offline came first
    by_key = {f"{r.service}.{r.check}": r.outcome for r in results}
    assert by_key["upstash.ping"] == "ok" and by_key["openai.models"] == "ok"
    assert by_key["render.jwt secret"] == "fail"
    # The CA comes from the env mapping handed to the runner, not from os.environ.
    without_ca = {k: v for k, v in world.env.items() if k != "SSL_CERT_FILE"}
    results = await run_checks(values, ["render"], 5.0, without_ca)
    openai = next(r for r in results if r.service == "openai")
    assert openai.outcome == "fail" and "TLS verification failed" in openai.message


async def test_missing_values_skip_live_checks() -> None:
    results = await run_checks({}, ["render"], 1.0, {})
    live = {r.service: (r.outcome, r.message) for r in results if r.check in ("live", "service")}
    assert live["stripe"] == ("skip", "STRIPE_SECRET_KEY not set")
    assert live["anthropic"] == ("skip", "ANTHROPIC_API_KEY not set (optional)")
    assert live["render"][0] == "skip" and "RENDER_API_KEY" in live["render"][1]


async def test_the_deadline_gives_the_check_its_own_message_whoever_is_late(
    silent: SilentServer, tls_env: dict[str, str]
) -> None:
    """The runner's limit never races the check's message (it used to, by a 50 ms margin).

    Here the HTTP client would wait 30 s: only the runner's deadline can stop the request, as
    when a loaded machine runs the client's own timer late. The result is still the check's
    own sub-check ("reachable") with its own sentence, not a generic "the check timed out".
    """
    from providers.base import CheckContext
    from providers.http import make_client
    from wizard.checks import _run_one

    url = f"https://127.0.0.1:{silent.port}"
    async with make_client(tls_env, 30.0) as client:
        ctx = CheckContext({"APP_URL": url}, client, 0.3, tls_env)
        results = await _run_one(BY_ID["app"], ctx)
    reachable = next(r for r in results if r.check == "reachable")
    assert reachable.outcome == "fail" and "did not answer within 0.3s" in reachable.message
    assert all(r.check != "live" for r in results)


async def test_every_interrupted_request_of_a_concurrent_check_reports_itself(
    silent: SilentServer, tls_env: dict[str, str]
) -> None:
    """Stripe checks the key and three prices at once: each becomes its own failure."""
    from providers.base import CheckContext
    from providers.http import make_client
    from wizard.checks import _run_one

    env = {**tls_env, "CONVOAI_SETUP_STRIPE_API": f"https://127.0.0.1:{silent.port}"}
    values = {
        "STRIPE_SECRET_KEY": "sk_test_FAKEstripeKey0123456789abcdef",
        "STRIPE_STARTER_PRICE_ID": "price_starter01",
        "STRIPE_GROWTH_PRICE_ID": "price_growth001",
    }
    async with make_client(env, 30.0) as client:
        results = await _run_one(BY_ID["stripe"], CheckContext(values, client, 0.3, env))
    assert {r.check for r in results} == {
        "key",
        "price STRIPE_STARTER_PRICE_ID",
        "price STRIPE_GROWTH_PRICE_ID",
    }
    assert all(r.outcome == "fail" and "did not answer within 0.3s" in r.message for r in results)
