"""``convoai-setup provision stripe`` against the stateful Stripe stand-in, through the real CLI."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pexpect
import pytest
from pytest_httpserver import HTTPServer

from tests.conftest import FAKE_SECRETS, REPO, run_cli, scan_for_secrets
from tests.provision.openapi_check import decode
from tests.provision.stripe_standin import StripeStandIn
from tests.push.conftest import store

KEY = FAKE_SECRETS["STRIPE_SECRET_KEY"]
AMOUNTS = {
    "STRIPE_STARTER_AMOUNT": "29 usd",
    "STRIPE_GROWTH_AMOUNT": "149.95 usd",
    "STRIPE_BUSINESS_AMOUNT": "1500 jpy",
}
KEYS = ("convoai_starter_monthly", "convoai_growth_monthly", "convoai_business_monthly")


@pytest.fixture
def stripe(https_server: HTTPServer) -> StripeStandIn:
    fake = StripeStandIn(KEY)
    fake.install(https_server)
    return fake


@pytest.fixture
def env(https_server: HTTPServer, ca_file: Path) -> dict[str, str]:
    return {
        "SSL_CERT_FILE": str(ca_file),
        "CONVOAI_SETUP_STRIPE_API": https_server.url_for("").rstrip("/"),
    }


def stored(project: Path, name: str) -> str:
    return run_cli("vars", "get", name, project=project).stdout.strip()


def provision(project: Path, env: dict[str, str], *args: str) -> tuple[int, str, str]:
    result = run_cli("provision", "stripe", *args, project=project, env=env)
    assert KEY not in result.stdout + result.stderr
    return result.returncode, result.stdout, result.stderr


def test_fresh_account_gets_three_monthly_prices_and_a_second_run_writes_nothing(
    project: Path, stripe: StripeStandIn, env: dict[str, str]
) -> None:
    store(project, {"STRIPE_SECRET_KEY": KEY, **AMOUNTS})
    code, out, err = provision(project, env, "--yes")
    assert code == 0, err
    posts = [r for r in stripe.log if r.writes]
    assert [(r.method, r.path) for r in posts] == [("POST", "/v1/prices")] * 3
    # every POST carries its own Idempotency-Key (a retry would replay, not create again)
    assert len({r.headers.get("Idempotency-Key") for r in posts}) == 3
    sent = {decode(r.form)["lookup_key"]: decode(r.form) for r in posts}
    assert sent["convoai_starter_monthly"]["unit_amount"] == "2900"
    assert sent["convoai_growth_monthly"]["unit_amount"] == "14995"
    assert sent["convoai_business_monthly"]["unit_amount"] == "1500"
    assert sent["convoai_business_monthly"]["currency"] == "jpy"
    assert all(f["recurring"] == {"interval": "month"} for f in sent.values())
    assert sent["convoai_growth_monthly"]["product_data"] == {"name": "ConvoAI Growth"}
    for plan, key in zip(("STARTER", "GROWTH", "BUSINESS"), KEYS, strict=True):
        holder = stripe.holder(key)
        assert holder is not None and holder["active"]
        assert stored(project, f"STRIPE_{plan}_PRICE_ID") == holder["id"]
    assert "test mode" in out  # the plan says which mode the key is in
    assert scan_for_secrets(project, {"STRIPE_SECRET_KEY": KEY}) == []

    before = len(stripe.log)
    code, out, err = provision(project, env, "--yes")
    assert code == 0, err
    assert [r for r in stripe.log[before:] if r.writes] == []  # found, not created again
    assert out.count(": found (price_") == 3


def test_dry_run_sends_no_write_and_stores_nothing(
    project: Path, stripe: StripeStandIn, env: dict[str, str]
) -> None:
    store(project, {"STRIPE_SECRET_KEY": KEY, **AMOUNTS})
    code, out, err = provision(project, env, "--dry-run")
    assert code == 0, err
    assert stripe.writes() == [] and stripe.log  # it looked, and wrote nothing
    assert out.count(": create") == 3 and "--dry-run: nothing was created" in err
    assert stored(project, "STRIPE_GROWTH_PRICE_ID") == ""


def test_a_differing_price_is_reported_never_used_and_replaced_only_when_asked(
    project: Path, stripe: StripeStandIn, env: dict[str, str]
) -> None:
    old = stripe.add_price("convoai_growth_monthly", 7900)
    store(project, {"STRIPE_SECRET_KEY": KEY, **AMOUNTS})
    code, _out, err = provision(project, env, "--yes")
    assert code == 1
    assert f"{old['id']} holds convoai_growth_monthly at 79.00 usd/month, not 149.95 usd" in err
    assert "--replace-prices" in err
    assert stored(project, "STRIPE_GROWTH_PRICE_ID") == ""  # never silently used
    assert old == stripe.prices[old["id"]] and old["lookup_key"] == "convoai_growth_monthly"
    assert len(stripe.writes()) == 2  # the two other prices were created

    code, out, err = provision(project, env, "--yes", "--replace-prices", "--json")
    assert code == 0, err
    [post] = [r for r in stripe.log if r.writes][2:]
    form = decode(post.form)
    assert form["transfer_lookup_key"] == "true" and form["product"] == old["product"]
    new = stripe.holder("convoai_growth_monthly")
    assert new is not None and new["id"] != old["id"] and new["unit_amount"] == 14995
    assert stripe.prices[old["id"]]["unit_amount"] == 7900  # the old price is never edited
    assert stored(project, "STRIPE_GROWTH_PRICE_ID") == new["id"]
    doc = json.loads(out)
    [growth] = [r for r in doc["resources"] if r["resource"].endswith("growth_monthly")]
    assert old["id"] in growth["replaces"]


def test_an_archived_price_holding_the_key_is_reported(
    project: Path, stripe: StripeStandIn, env: dict[str, str]
) -> None:
    old = stripe.add_price("convoai_starter_monthly", 2900, active=False)
    store(project, {"STRIPE_SECRET_KEY": KEY, **AMOUNTS})
    code, _out, err = provision(project, env, "--yes")
    assert code == 1
    assert f"archived (inactive) price {old['id']} holds convoai_starter_monthly" in err
    assert "unarchive it in the Dashboard" in err  # same amount: bringing it back is enough
    # Stripe hides it from the default (active-only) list: the wizard asked for inactive ones too
    asked = [dict(r.query) for r in stripe.log if r.path == "/v1/prices" and r.method == "GET"]
    assert {q.get("active") for q in asked} == {"true", "false"}
    assert stored(project, "STRIPE_STARTER_PRICE_ID") == ""

    code, _out, err = provision(project, env, "--yes", "--replace-prices")
    assert code == 0, err
    new = stripe.holder("convoai_starter_monthly")
    assert new is not None and new["id"] != old["id"] and new["active"]
    assert stored(project, "STRIPE_STARTER_PRICE_ID") == new["id"]


def test_an_unset_amount_blocks_its_price_naming_the_variable(
    project: Path, stripe: StripeStandIn, env: dict[str, str]
) -> None:
    store(project, {"STRIPE_SECRET_KEY": KEY, "STRIPE_STARTER_AMOUNT": "29 usd"})
    code, _out, err = provision(project, env, "--yes")
    assert code == 2
    assert "STRIPE_GROWTH_AMOUNT is not set" in err
    assert "convoai-setup vars set STRIPE_BUSINESS_AMOUNT" in err
    assert len(stripe.writes()) == 1  # the starter price, which has its amount


def test_price_ids_pasted_by_hand_are_kept_when_no_amount_is_set(
    project: Path, stripe: StripeStandIn, env: dict[str, str]
) -> None:
    """The key alone (every deployment has it) must not block ``provision``/``up``: the ids a
    person pasted stay, untouched and not re-attributed to the API."""
    pasted = {f"STRIPE_{n}_PRICE_ID": f"price_pasted{n.lower()}" for n in ("STARTER", "GROWTH")}
    store(project, {"STRIPE_SECRET_KEY": KEY, **pasted})
    code, out, err = provision(project, env, "--yes")
    assert code == 2  # the business price has neither an id nor an amount
    assert "price_pastedstarter" in out and "kept" in out
    assert "set it (convoai-setup vars set STRIPE_BUSINESS_AMOUNT '29 usd')" in err
    assert "or paste the price id (convoai-setup vars set STRIPE_BUSINESS_PRICE_ID)" in err
    assert stripe.writes() == []
    state = json.loads((project / ".convoai-setup" / "state.json").read_text())
    assert state["values"]["STRIPE_STARTER_PRICE_ID"]["source"] != "created by API"

    store(project, {"STRIPE_BUSINESS_PRICE_ID": "price_pastedbusiness"})
    code, _out, err = provision(project, env, "--yes")
    assert code == 0, err
    assert stripe.writes() == []


def test_a_live_key_says_live_mode(
    project: Path, https_server: HTTPServer, env: dict[str, str]
) -> None:
    live = "sk_live_FAKEstripeLiveKey0123456789abcdef"
    fake = StripeStandIn(live, live=True)
    fake.install(https_server)
    store(project, {"STRIPE_SECRET_KEY": live, **AMOUNTS})
    result = run_cli("provision", "stripe", "--dry-run", project=project, env=env)
    assert result.returncode == 0, result.stderr
    assert "live mode: STRIPE_SECRET_KEY is a live key" in result.stdout
    assert live not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("29 usd", True),
        ("149.95 usd", True),
        ("1500 jpy", True),
        ("29", False),
        ("29.999 usd", False),
        ("1500.5 jpy", False),
        ("usd 29", False),
    ],
)
def test_vars_set_checks_the_amount_format(project: Path, value: str, ok: bool) -> None:
    result = run_cli("vars", "set", "STRIPE_GROWTH_AMOUNT", value, project=project)
    assert (result.returncode == 0) is ok, result.stderr
    assert stored(project, "STRIPE_GROWTH_AMOUNT") == (value if ok else "")


def test_a_lost_answer_is_retried_under_the_same_idempotency_key(
    project: Path, stripe: StripeStandIn, env: dict[str, str]
) -> None:
    stripe.drop_once = True  # the first price is created, its answer never arrives
    store(project, {"STRIPE_SECRET_KEY": KEY, **AMOUNTS})
    code, _out, err = provision(project, env, "--yes")
    assert code == 0, err
    posts = [r for r in stripe.log if r.writes]
    assert len(posts) == 4  # three prices, one of them sent twice
    keys = [r.headers["Idempotency-Key"] for r in posts]
    assert len(set(keys)) == 3  # the retry carried the first attempt's key: Stripe replayed it
    assert len(stripe.prices) == 3 and all(stripe.holder(k) for k in KEYS)


def test_replacing_asks_first_on_a_terminal_saying_what_moves(
    project: Path, stripe: StripeStandIn, env: dict[str, str]
) -> None:
    old = stripe.add_price("convoai_growth_monthly", 7900)
    store(project, {"STRIPE_SECRET_KEY": KEY, **AMOUNTS})
    argv = ["-m", "wizard", "provision", "stripe", "--replace-prices", "--project", str(project)]
    for answer, created in (("n", 0), ("y", 3)):
        child = pexpect.spawn(
            sys.executable, argv, cwd=str(REPO), env={**os.environ, **env}, encoding="utf-8"
        )
        child.expect(f"the new price takes convoai_growth_monthly from the price {old['id']}")
        child.expect(r"Create Stripe price convoai_starter_monthly, .*\? \[y/N\] ")
        child.sendline(answer)
        child.expect(pexpect.EOF, timeout=30)
        child.close()
        assert child.exitstatus == (0 if created else 1)
        assert len(stripe.writes()) == created
    assert stripe.holder("convoai_growth_monthly")["id"] != old["id"]  # type: ignore[index]
