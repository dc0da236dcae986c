"""Deploy everything (the ``up`` operation) from the overview, by Pilot, against a small world:
Stripe's stand-in and the tokens of nothing else. The plan comes first and nothing is written
before the confirm; then one row per step as its events arrive, the run stopping at the live
checks this world cannot pass; Esc during a step lets it finish and stops before the next."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from textual.widgets import Button, Static
from werkzeug import Request, Response

from screens.app import WizardApp
from screens.deploy import DeployScreen, StepRow
from screens.overview import OverviewScreen
from screens.run import prepare_answers
from tests.conftest import scan_for_secrets
from tests.provision.stripe_standin import StripeStandIn
from tests.push.conftest import store
from tests.push.test_tui_push import until
from tests.ui.conftest import SIZE, click_button, settle
from tests.ui.test_palette import palette
from tests.up.world import STEP_IDS
from wizard.project import Project
from wizard.state import StateFile
from wizard.values import Answers

STRIPE_KEY = "sk_test_FAKEstripeKey0123456789abcdefghij4f2a"
AMOUNTS = {
    "STRIPE_STARTER_AMOUNT": "29 usd",
    "STRIPE_GROWTH_AMOUNT": "79 usd",
    "STRIPE_BUSINESS_AMOUNT": "149.95 usd",
}
PRICES = ("STRIPE_STARTER_PRICE_ID", "STRIPE_GROWTH_PRICE_ID", "STRIPE_BUSINESS_PRICE_ID")


class GatedStripe(StripeStandIn):
    """Stripe's stand-in whose writes wait until the test opens the gate."""

    gate: threading.Event

    def handle(self, request: Request) -> Response:
        if request.method == "POST":
            self.gate.wait(30)
        return super().handle(request)


@pytest.fixture
def stripe(https_server: HTTPServer) -> GatedStripe:
    fake = GatedStripe(STRIPE_KEY)
    fake.gate = threading.Event()
    fake.gate.set()
    fake.install(https_server)
    return fake


@asynccontextmanager
async def deploy_screen(
    project: Path, server: HTTPServer, ca: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Any]:
    """The overview's Deploy everything pressed, its plan on screen."""
    monkeypatch.setenv("SSL_CERT_FILE", str(ca))
    monkeypatch.setenv("CONVOAI_SETUP_STRIPE_API", server.url_for("").rstrip("/"))
    store(project, {"STRIPE_SECRET_KEY": STRIPE_KEY, **AMOUNTS})
    app = WizardApp(prepare_answers(project))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, OverviewScreen)
        await click_button(pilot, "deploy")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DeployScreen)
        await until(pilot, lambda: screen.state != "planning")
        yield pilot


def rows(pilot: Any) -> dict[str, str]:
    return {r.step: r.line() for r in pilot.app.screen.query(StepRow)}


def text(pilot: Any, where: str) -> str:
    return str(pilot.app.screen.query_one(where, Static).render())


def jwt_secret(project: Path) -> str | None:
    return Answers(Project(project), use_environment=False).resolve("JWT_SECRET").value


async def finished(pilot: Any) -> None:
    await until(pilot, lambda: pilot.app.screen.state == "finished")
    await settle(pilot)


async def test_the_plan_then_a_row_per_step_until_the_step_this_world_lacks(
    project: Path,
    stripe: GatedStripe,
    https_server: HTTPServer,
    ca_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with deploy_screen(project, https_server, ca_file, monkeypatch) as pilot:
        screen = pilot.app.screen
        plan = rows(pilot)
        asked = text(pilot, "#deploy-head")
        assert screen.query_one("#deploy-confirm").display
        assert stripe.writes() == [] and jwt_secret(project) is None  # the plan wrote nothing
        screen.query_one("#deploy-yes", Button).press()
        await finished(pilot)
        after = rows(pilot)
        head, made, log = (text(pilot, w) for w in ("#deploy-head", "#deploy-made", "#deploy-log"))
        assert screen.query_one("#deploy-again-row").display
        await pilot.press("escape")  # finished: back to the overview
        await settle(pilot)
        assert isinstance(pilot.app.screen, OverviewScreen)
    assert list(plan) == STEP_IDS
    assert (
        "planned" in plan["provision"]
        and "create stripe price convoai_starter_monthly" in (plan["provision"])
    )
    assert "generate JWT_SECRET" in plan["jwt"]
    assert asked.startswith("Carry out this plan?")
    # One row per step with its state and time; the run stops at the live checks.
    assert (
        after["provision"].startswith("✓  1 provision  done")
        and "s  created stripe" in (after["provision"])
    )
    assert after["jwt"].startswith("✓  2 jwt        done")
    assert after["checks"].startswith("✗  3 checks     failed")
    assert all("planned" in after[s] for s in ("migrations", "render", "verify"))
    assert head.startswith("✗ Stopped at checks after ")
    assert "Deploy everything (overview) goes on from there" in head
    assert made.startswith("Created: stripe price convoai_starter_monthly")
    # The failed step's message in full, in the screen's words (not the CLI's).
    assert "✗ checks: " in log and "enter SUPABASE_URL in its field and Save (Ctrl+S)" in log
    assert "convoai-setup" not in log
    # What the steps before did is kept: the prices and their ids, a generated JWT_SECRET.
    assert len([w for w in stripe.writes() if w == ("POST", "/v1/prices")]) == 3
    ids = Answers(Project(project), use_environment=False).values(list(PRICES))
    assert all(str(v).startswith("price_") for v in ids.values())
    secret = jwt_secret(project)
    assert secret is not None and len(secret) >= 32
    secrets = {"key": STRIPE_KEY, "jwt": secret}
    assert [n for n, v in secrets.items() if v in " ".join([*after.values(), head, log])] == []
    assert scan_for_secrets(project, secrets) == []


async def test_esc_during_a_step_lets_it_finish_and_stops_before_the_next(
    project: Path,
    stripe: GatedStripe,
    https_server: HTTPServer,
    ca_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stripe.gate.clear()  # the prices' creation waits until the test opens the gate
    async with deploy_screen(project, https_server, ca_file, monkeypatch) as pilot:
        screen = pilot.app.screen
        screen.query_one("#deploy-yes", Button).press()
        await until(pilot, lambda: "running" in rows(pilot)["provision"])
        await pilot.press("escape")
        stopping = text(pilot, "#deploy-head")
        assert pilot.app.screen is screen  # Esc did not leave, nor cut the step short
        stripe.gate.set()
        await finished(pilot)
        after = rows(pilot)
        head = text(pilot, "#deploy-head")
        remembered = StateFile(Project(project)).read().get("up")
        # Again: the prices are found now; declining the plan does nothing at all.
        writes = list(stripe.writes())
        screen.query_one("#deploy-again", Button).press()
        await until(pilot, lambda: screen.state == "asking")
        again = rows(pilot)
        again_log = text(pilot, "#deploy-log")
        await pilot.press("escape")  # no to the plan
        await finished(pilot)
        declined = text(pilot, "#deploy-head")
    assert stopping == "Stopping after provision (it finishes first)…"
    assert after["provision"].startswith("✓  1 provision  done")
    assert "planned" in after["jwt"]  # never started
    assert head == "■ Stopped after provision (Esc). Deploy everything again goes on from there."
    # remembered as a failure is: the next run (and `up` on the command line) says it goes on
    assert remembered is not None and remembered["stopped_at"] == "jwt"
    assert "The last up stopped at jwt: going on from there." in again_log
    assert jwt_secret(project) is None
    assert len(writes) == 3  # the step under way finished: every price was created
    assert "nothing to create; 3 found" in again["provision"]
    assert declined == "Not confirmed: nothing was done."
    assert stripe.writes() == writes and jwt_secret(project) is None


async def test_the_palette_opens_deploy_everything_from_a_phase(project: Path) -> None:
    app = WizardApp(prepare_answers(project), "upstash")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await palette(pilot, "deploy: everything")
        assert isinstance(app.screen, DeployScreen)
        assert [type(s).__name__ for s in app.screen_stack] == ["OverviewScreen", "DeployScreen"]
        await until(pilot, lambda: app.screen.state == "asking")  # waits for the confirm
        assert rows(pilot)["jwt"].endswith("generate JWT_SECRET")
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, OverviewScreen)
