"""``convoai-setup provision`` with no vendor named: every one whose token is set, at once; the
round trips per vendor for a first and a second run are pinned (the issue's closing note)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from pytest_httpserver import HTTPServer

from tests.conftest import FAKE_SECRETS, run_cli, scan_for_secrets
from tests.fixtures.redis_tls import REDIS_PASSWORD, RedisServer
from tests.provision.sentry_standin import SentryStandIn
from tests.provision.stripe_standin import StripeStandIn
from tests.provision.upstash_standin import UpstashStandIn
from tests.push.conftest import store

STRIPE_KEY = FAKE_SECRETS["STRIPE_SECRET_KEY"]
SENTRY_TOKEN = "sntryu_FAKEsentryUserToken0123456789abcdef"
UPSTASH_KEY = "FAKEupstashApiKey-0123456789abcdef"
SECRETS = {
    "STRIPE_SECRET_KEY": STRIPE_KEY,
    "SENTRY_AUTH_TOKEN": SENTRY_TOKEN,
    "UPSTASH_API_KEY": UPSTASH_KEY,
    "redis password": REDIS_PASSWORD,
}


def test_every_vendor_with_a_token_is_provisioned_and_a_second_run_only_reads(
    project: Path,
    make_https_server: Callable[[], HTTPServer],
    ca_file: Path,
    redis_tls: RedisServer,
) -> None:
    servers = [make_https_server() for _ in range(4)]
    upstash = UpstashStandIn("owner@example.com", UPSTASH_KEY, port=redis_tls.port)
    upstash.password = REDIS_PASSWORD
    upstash.install(servers[0])
    stripe = StripeStandIn(STRIPE_KEY)
    stripe.install(servers[1])
    sentry = SentryStandIn(SENTRY_TOKEN)
    sentry.install(servers[2], servers[3])
    sentry.add_org("acme", ["backend"])
    url = [s.url_for("").rstrip("/") for s in servers]
    env = {
        "SSL_CERT_FILE": str(ca_file),
        "CONVOAI_SETUP_UPSTASH_API": url[0],
        "CONVOAI_SETUP_STRIPE_API": url[1],
        "CONVOAI_SETUP_SENTRY_API": url[2],
    }
    store(
        project,
        {
            "UPSTASH_EMAIL": "owner@example.com",
            "UPSTASH_API_KEY": UPSTASH_KEY,
            "STRIPE_SECRET_KEY": STRIPE_KEY,
            "STRIPE_STARTER_AMOUNT": "29 usd",
            "STRIPE_GROWTH_AMOUNT": "79 usd",
            "STRIPE_BUSINESS_AMOUNT": "149.95 usd",
            "SENTRY_AUTH_TOKEN": SENTRY_TOKEN,
        },
    )
    first = run_cli("provision", "--yes", "--json", project=project, env=env)
    assert first.returncode == 0, first.stderr
    doc = json.loads(first.stdout)
    assert doc["ok"] is True and doc["errors"] == []
    stored = sorted(n for r in doc["results"] for n in r["stored"])
    assert stored == [
        "REDIS_URL",
        "SENTRY_DSN",
        "STRIPE_BUSINESS_PRICE_ID",
        "STRIPE_GROWTH_PRICE_ID",
        "STRIPE_STARTER_PRICE_ID",
    ]
    # round trips of a first run: list + create + read-back; 2 lists + 3 x (create +
    # read-back); organizations, projects, teams, create, keys
    assert (len(upstash.log), len(stripe.log), len(sentry.log)) == (3, 8, 5)

    logs = [len(upstash.log), len(stripe.log), len(sentry.log)]
    second = run_cli("provision", "--yes", "--json", project=project, env=env)
    assert second.returncode == 0, second.stderr
    again = [upstash.log[logs[0] :], stripe.log[logs[1] :], sentry.log[logs[2] :]]
    assert [r for log in again for r in log if r.writes] == []
    assert [len(log) for log in again] == [1, 2, 3]  # reads only, and few of them
    assert {r["action"] for r in json.loads(second.stdout)["resources"]} == {"found"}

    # what was stored passes the live checks: Redis PING over TLS, the prices, the DSN's shape
    check = run_cli("check", "upstash", "render", "post-deploy", "--json", project=project, env=env)
    outcome = {(r["service"], r["check"]): r for r in json.loads(check.stdout)["results"]}
    assert outcome[("upstash", "ping")]["outcome"] == "ok"
    for name in ("STARTER", "GROWTH", "BUSINESS"):
        price = outcome[("stripe", f"price STRIPE_{name}_PRICE_ID")]
        assert price["message"] == "active recurring test-mode price"
    assert outcome[("sentry", "test event")]["message"].startswith("DSN looks right")
    for text in (first.stdout, first.stderr, second.stdout, second.stderr):
        assert [n for n, v in SECRETS.items() if v in text] == []
    assert scan_for_secrets(project, SECRETS) == []
