"""Stripe checks against a local server speaking Stripe's documented contract."""

from __future__ import annotations

from pytest_httpserver import HTTPServer

from checklists.errors import ProviderError
from providers.base import CheckContext
from providers.http import make_client
from providers.stripe import EVENTS, check_stripe, check_stripe_webhook
from tests.conftest import FAKE_SECRETS
from tests.providers.conftest import one, run_provider
from tests.providers.fakes import FakeStripe, price
from wizard.platforms.stripe import StripeAdapter

TEST_KEY = FAKE_SECRETS["STRIPE_SECRET_KEY"]
LIVE_KEY = "sk_live_FAKEstripeLiveKey0123456789abcdef"
PRICES = {
    "STRIPE_STARTER_PRICE_ID": "price_starter01",
    "STRIPE_GROWTH_PRICE_ID": "price_growth001",
    "STRIPE_BUSINESS_PRICE_ID": "price_business1",
}
APP_URL = "https://convoai-backend.onrender.com"


def _env(server: HTTPServer, tls_env: dict[str, str]) -> dict[str, str]:
    return {**tls_env, "CONVOAI_SETUP_STRIPE_API": server.url_for("").rstrip("/")}


def _by_check(results: list) -> dict[str, tuple[str, str]]:  # type: ignore[type-arg]
    return {r.check: (r.outcome, r.message) for r in results}


async def test_key_and_prices_ok(https_server: HTTPServer, tls_env: dict[str, str]) -> None:
    FakeStripe(TEST_KEY, prices={p: price(p) for p in PRICES.values()}).install(https_server)
    results = await run_provider(
        check_stripe, {"STRIPE_SECRET_KEY": TEST_KEY, **PRICES}, _env(https_server, tls_env)
    )
    got = _by_check(results)
    assert got["key"] == ("ok", "key works (test mode)")
    assert {got[f"price {n}"][0] for n in PRICES} == {"ok"}
    assert all(r.phase == "render" and TEST_KEY not in r.message for r in results)


async def test_price_problems(https_server: HTTPServer, tls_env: dict[str, str]) -> None:
    fake = FakeStripe(
        TEST_KEY,
        prices={
            "price_starter01": price("price_starter01", active=False),
            "price_growth001": price("price_growth001", recurring=False),
        },
        other_mode={"price_business1"},
    )
    fake.install(https_server)
    got = _by_check(
        await run_provider(
            check_stripe, {"STRIPE_SECRET_KEY": TEST_KEY, **PRICES}, _env(https_server, tls_env)
        )
    )
    assert (
        got["price STRIPE_STARTER_PRICE_ID"][0] == "fail"
        and "archived" in got["price STRIPE_STARTER_PRICE_ID"][1]
    )
    assert "one-time" in got["price STRIPE_GROWTH_PRICE_ID"][1]
    assert (
        "live-mode price but STRIPE_SECRET_KEY is a test-mode key"
        in got["price STRIPE_BUSINESS_PRICE_ID"][1]
    )


async def test_cross_mode_404_names_the_price_mode_and_the_key_mode(
    https_server: HTTPServer, tls_env: dict[str, str]
) -> None:
    # Stripe: "a similar object exists in test mode, but a live mode key was used": the price is
    # a test-mode price, the key a live one (the words "live mode" appear, but for the key).
    FakeStripe(LIVE_KEY, live=True, other_mode={"price_business1"}).install(https_server)
    got = _by_check(
        await run_provider(
            check_stripe,
            {"STRIPE_SECRET_KEY": LIVE_KEY, "STRIPE_BUSINESS_PRICE_ID": "price_business1"},
            _env(https_server, tls_env),
        )
    )
    outcome, message = got["price STRIPE_BUSINESS_PRICE_ID"]
    assert outcome == "fail"
    assert "is a test-mode price but STRIPE_SECRET_KEY is a live-mode key" in message


async def test_live_key_with_test_prices_fails(
    https_server: HTTPServer, tls_env: dict[str, str]
) -> None:
    # The server's own answer: a test-mode price object returned to a live key (livemode false).
    FakeStripe(
        LIVE_KEY, live=True, prices={p: price(p, live=False) for p in PRICES.values()}
    ).install(https_server)
    got = _by_check(
        await run_provider(
            check_stripe, {"STRIPE_SECRET_KEY": LIVE_KEY, **PRICES}, _env(https_server, tls_env)
        )
    )
    assert got["key"][0] == "ok"
    assert all(
        got[f"price {n}"][0] == "fail" and "test-mode price" in got[f"price {n}"][1] for n in PRICES
    )


async def test_missing_price_and_bad_key(https_server: HTTPServer, tls_env: dict[str, str]) -> None:
    FakeStripe(TEST_KEY).install(https_server)
    got = _by_check(
        await run_provider(
            check_stripe,
            {"STRIPE_SECRET_KEY": TEST_KEY, "STRIPE_STARTER_PRICE_ID": "price_missing0000"},
            _env(https_server, tls_env),
        )
    )
    assert "was not found in this Stripe account" in got["price STRIPE_STARTER_PRICE_ID"][1]
    bad = "sk_test_FAKEwrongKey0000000000000000"
    got = _by_check(
        await run_provider(check_stripe, {"STRIPE_SECRET_KEY": bad}, _env(https_server, tls_env))
    )
    assert got["key"][0] == "fail" and "401" in got["key"][1] and bad not in got["key"][1]


async def test_webhook_check(https_server: HTTPServer, tls_env: dict[str, str]) -> None:
    fake = FakeStripe(TEST_KEY)
    fake.install(https_server)
    values = {"STRIPE_SECRET_KEY": TEST_KEY, "APP_URL": APP_URL + "/"}
    env = _env(https_server, tls_env)
    r = one(await run_provider(check_stripe_webhook, values, env))
    assert r.outcome == "fail" and "stripe create-webhook" in r.message and r.phase == "post-deploy"
    fake.endpoints.append(
        {
            "id": "we_partial",
            "url": APP_URL + "/api/subscriptions/webhook",
            "enabled_events": ["checkout.session.completed"],
            "status": "enabled",
        }
    )
    r = one(await run_provider(check_stripe_webhook, values, env))
    assert r.outcome == "fail" and "customer.subscription.deleted" in r.message
    fake.endpoints[0]["enabled_events"] = list(EVENTS)
    r = one(await run_provider(check_stripe_webhook, values, env))
    assert r.outcome == "ok" and "we_partial" in r.message


async def test_create_webhook_then_noop(https_server: HTTPServer, tls_env: dict[str, str]) -> None:
    fake = FakeStripe(TEST_KEY)
    fake.install(https_server)
    env = _env(https_server, tls_env)
    values = {"STRIPE_SECRET_KEY": TEST_KEY, "APP_URL": APP_URL}
    async with make_client(env, 5) as client:
        ctx = CheckContext(values, client, 5, env)
        first = await StripeAdapter(ctx, values).ensure(APP_URL)
        second = await StripeAdapter(ctx, values).ensure(APP_URL)
    assert first.secret is not None and first.secret.startswith("whsec_")
    assert fake.created[0]["url"] == APP_URL + "/api/subscriptions/webhook"
    assert fake.created[0]["enabled_events"] == list(EVENTS)
    assert second.secret is None and second.endpoint_id == first.endpoint_id
    assert len(fake.created) == 1


async def test_create_webhook_bad_key(https_server: HTTPServer, tls_env: dict[str, str]) -> None:
    FakeStripe(TEST_KEY).install(https_server)
    env = _env(https_server, tls_env)
    async with make_client(env, 5) as client:
        wrong = {"STRIPE_SECRET_KEY": "sk_test_wrong000000000000", "APP_URL": APP_URL}
        ctx = CheckContext(wrong, client, 5, env)
        try:
            await StripeAdapter(ctx, wrong).ensure(APP_URL)
        except ProviderError as exc:
            assert "401" in exc.line() and "nothing was created" in exc.line()
        else:
            raise AssertionError("a rejected key must raise ProviderError")
