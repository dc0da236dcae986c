"""A whole deployment's worth of services on loopback, all answering "good", for end-to-end runs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pytest_httpserver import HTTPServer

from tests.conftest import FAKE_SECRETS
from tests.fixtures.redis_tls import RedisServer
from tests.providers.fakes import (
    FakeSentry,
    FakeStripe,
    install_anthropic,
    install_app,
    install_github,
    install_openai,
    install_render,
    install_supabase,
    install_vercel,
    price,
)

PRICES = {
    "STRIPE_STARTER_PRICE_ID": "price_starter01",
    "STRIPE_GROWTH_PRICE_ID": "price_growth001",
    "STRIPE_BUSINESS_PRICE_ID": "price_business1",
}


@dataclass
class World:
    env: dict[str, str]
    values: dict[str, str]
    stripe: FakeStripe
    sentry: FakeSentry
    main: HTTPServer

    def secrets(self) -> dict[str, str]:
        """Every secret value in play (to scan outputs for)."""
        from checklists.catalog import catalog

        return {k: v for k, v in self.values.items() if catalog()[k].secret}


def build_world(make_server: Callable[[], HTTPServer], ca_file: str, redis: RedisServer) -> World:
    main, openai, anthropic = make_server(), make_server(), make_server()
    url = main.url_for("").rstrip("/")
    stripe = FakeStripe(
        FAKE_SECRETS["STRIPE_SECRET_KEY"], prices={p: price(p) for p in PRICES.values()}
    )
    stripe.install(main)
    sentry = FakeSentry("abc123publickey")
    sentry.install(main)
    install_supabase(main, FAKE_SECRETS["SUPABASE_SERVICE_KEY"])
    install_render(main, FAKE_SECRETS["RENDER_API_KEY"], ("convoai-backend",))
    install_vercel(main, FAKE_SECRETS["VERCEL_TOKEN"], ("convoai",))
    install_github(main, FAKE_SECRETS["GITHUB_TOKEN"], ("acme/convoai",))
    install_app(main)
    install_openai(openai, FAKE_SECRETS["OPENAI_API_KEY"])
    install_anthropic(anthropic, FAKE_SECRETS["ANTHROPIC_API_KEY"])
    env = {
        "SSL_CERT_FILE": ca_file,
        "OPENAI_BASE_URL": openai.url_for("/v1"),
        "ANTHROPIC_BASE_URL": anthropic.url_for("").rstrip("/"),
        **{
            f"CONVOAI_SETUP_{s}_API": url
            for s in ("STRIPE", "RENDER", "VERCEL", "GITHUB", "SUPABASE")
        },
    }
    values = {
        **{
            k: FAKE_SECRETS[k]
            for k in (
                "SUPABASE_SERVICE_KEY",
                "OPENAI_API_KEY",
                "JWT_SECRET",
                "STRIPE_SECRET_KEY",
                "ANTHROPIC_API_KEY",
                "RENDER_API_KEY",
                "VERCEL_TOKEN",
                "GITHUB_TOKEN",
            )
        },
        **PRICES,
        "REDIS_URL": redis.url(),
        "SUPABASE_URL": url,
        "NODE_ENV": "production",
        "APP_URL": url,
        "VITE_API_URL": url,
        "SENTRY_DSN": f"https://abc123publickey@127.0.0.1:{main.port}/42",
        "VERCEL_PROJECT": "convoai",
        "GITHUB_REPOSITORY": "acme/convoai",
    }
    return World(env, values, stripe, sentry, main)
