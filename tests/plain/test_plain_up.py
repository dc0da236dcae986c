"""``--plain`` offers Deploy everything (the ``up`` operation) at its end, through a real pty, on a
project whose every phase is done, against the Render, Vercel and Stripe stand-ins: no to the
offer says the command for later; the plan is printed and a no to it sends nothing; a yes runs
the steps one line each, and a step that fails stops the run with the step named (here Stripe
refuses the restricted key's price creation, so nothing after it runs)."""

from __future__ import annotations

import re
from pathlib import Path

import pexpect
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.conftest import scan_for_secrets
from tests.evidence import prove
from tests.plain.conftest import Platforms
from tests.plain.drive import answer, finish, spawn, transcript
from tests.provision.openapi_check import record
from tests.provision.stripe_standin import StripeStandIn, error
from tests.push.conftest import SECRETS, VALUES, leaks, store
from tests.up.world import STEP_IDS
from wizard.phases import PHASES
from wizard.project import Project
from wizard.values import Answers

AMOUNTS = {
    "STRIPE_STARTER_AMOUNT": "29 usd",
    "STRIPE_GROWTH_AMOUNT": "79 usd",
    "STRIPE_BUSINESS_AMOUNT": "149.95 usd",
}
PRICES = ("STRIPE_STARTER_PRICE_ID", "STRIPE_GROWTH_PRICE_ID", "STRIPE_BUSINESS_PRICE_ID")


class RestrictedStripe(StripeStandIn):
    """A restricted key that may read prices but not write them, answered as Stripe does."""

    def handle(self, request: Request) -> Response:
        if request.method == "POST":
            with self.lock:
                self.log.append(record(request))
            return error(
                "The provided key 'rk_test_****4f2a' does not have the required permissions "
                "for this endpoint on account 'acct_1FAKE'. Having the 'rak_price_write' "
                "permission would allow this request to continue.",
                403,
            )
        return super().handle(request)


@pytest.fixture
def stripe(https_server: HTTPServer) -> RestrictedStripe:
    fake = RestrictedStripe(VALUES["STRIPE_SECRET_KEY"])
    fake.install(https_server)
    return fake


@pytest.fixture
def done(stored: Path) -> Path:
    """Every phase done, by the evidence a real run leaves."""
    store(stored, AMOUNTS)
    for phase in PHASES:
        prove(stored, phase.id)
    return stored


@pytest.fixture
def env(platforms: Platforms, stripe: RestrictedStripe, https_server: HTTPServer) -> dict[str, str]:
    return {**platforms.env, "CONVOAI_SETUP_STRIPE_API": https_server.url_for("").rstrip("/")}


def offered(child: pexpect.spawn, keys: str) -> None:
    child.expect("Every phase is done")
    child.expect(r"Deploy everything: from the values stored here to a verified live site")
    answer(child, r"Deploy everything now \(the plan first, then one more question\)\?", keys)


def test_no_to_the_offer_says_the_command_for_later(done: Path, env: dict[str, str]) -> None:
    child = spawn(done, env=env)
    offered(child, "\r")  # default: no
    child.expect(r"Later: convoai-setup up")
    child.expect(r"7 of 7 phases done")
    assert finish(child) == 0
    assert "WHAT IT WILL DO" not in transcript(child)  # not even planned


def test_the_plan_then_a_no_sends_nothing_then_a_yes_stops_at_the_step_that_fails(
    done: Path, env: dict[str, str], stripe: RestrictedStripe, platforms: Platforms
) -> None:
    before = Answers(Project(done), use_environment=False).values(list(PRICES))
    child = spawn(done, env=env)
    offered(child, "y\r")
    child.expect(r"#\s+STEP\s+WHAT IT WILL DO")
    answer(child, r"Go ahead with this plan\?", "\r")  # default: no
    child.expect(r"Not confirmed: nothing was done\.")
    assert finish(child) == 0
    plan = transcript(child)
    assert stripe.writes() == [] and platforms.render.writes() == []

    child = spawn(done, env=env)
    offered(child, "y\r")
    answer(child, r"Go ahead with this plan\?", "y\r")
    child.expect(r"… provision: provision what is missing")
    child.expect(r"✗ provision\s+failed\s+[0-9.]+s  Provisioning stopped: .*rak_price_write")
    child.expect(r"✗ Stopped at provision after [0-9.]+s: see its line above; ")
    child.expect(r"convoai-setup up goes on from there\.")
    assert finish(child) == 0
    out = transcript(child)
    # The plan: every step in order, numbered, what it would do.
    table = plan.split("WHAT IT WILL DO")[1].split("Go ahead")[0]
    steps = re.findall(r"^(\d+)\s+(\w+)\s", table, re.M)
    assert [int(n) for n, _ in steps] == list(range(1, 12))
    assert [s for _, s in steps] == STEP_IDS
    assert re.search(r"1\s+provision\s+create stripe price convoai_starter_monthly", plan)
    assert re.search(r"5\s+render\s+create service convoai-backend", plan)
    # The run stopped at its first step: each price's creation tried (and refused), nothing
    # after it.
    assert stripe.writes() == [("POST", "/v1/prices")] * 3
    assert platforms.render.writes() == [] and platforms.vercel.writes() == []
    assert "… jwt" not in out and "checks:" not in out.split("Go ahead")[-1]
    assert Answers(Project(done), use_environment=False).values(list(PRICES)) == before
    state = Answers(Project(done), use_environment=False).state_file.read()
    assert state["up"]["stopped_at"] == "provision"
    assert leaks(plan + out) == []
    assert scan_for_secrets(done / ".convoai-setup", SECRETS) == []
