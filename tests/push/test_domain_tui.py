"""The Post-deploy screen's Custom domain row, driven with Pilot against the same stateful
Vercel / Render / Stripe fakes as ``domain set`` (tests/push/test_domain_push.py and
tests/verify/test_domain.py): records shown, polled to verified, variables set, then the
confirmed follow-ups push APP_URL / VITE_API_URL and move the webhook; Esc stops the polling."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Button, Input, Static, TabbedContent

from screens.app import WizardApp
from screens.domain import CustomDomain
from screens.modals import YesNoModal
from screens.overview import OverviewScreen
from screens.postdeploy import PostDeployScreen
from screens.run import prepare_answers
from tests.conftest import run_cli, scan_for_secrets
from tests.push import test_domain_push as domain_push
from tests.push.conftest import SECRETS, state_of
from tests.ui.conftest import SIZE, settle
from tests.verify import test_domain as verify_domain

# The fixtures, reused (not copied): `world` (Render + Vercel + Stripe, push and domain
# endpoints) and `platforms` / `configured` (the domain fakes alone).
world = domain_push.world
platforms = verify_domain.platforms
configured = verify_domain.configured
NEW, HOOK = domain_push.NEW, domain_push.HOOK
has_row = verify_domain.has_row


@asynccontextmanager
async def actions_tab(
    project: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Any]:
    """The app on Post-deploy's Actions tab, checking every 0.01 s, vendors from ``env``."""
    for name, value in env.items():  # the workers read os.environ, as the CLI does
        monkeypatch.setenv(name, value)
    app = WizardApp(prepare_answers(project), "post-deploy")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, PostDeployScreen)
        await pilot.press("f3")
        await settle(pilot)
        assert app.screen.query_one("#tabs", TabbedContent).active == "tab-actions"
        app.screen.query_one(CustomDomain).interval = 0.01
        yield pilot


def shown(pilot: Any, where: str) -> str:
    """A line of the Actions tab (whether or not a dialog is on top of it)."""
    [screen] = [s for s in pilot.app.screen_stack if isinstance(s, PostDeployScreen)]
    return str(screen.query_one(where, Static).render())


async def until(pilot: Any, done: Any) -> None:
    """Pump the app until ``done()`` holds (a bounded number of steps, no clock)."""
    for _ in range(400):
        if done():
            return
        await pilot.pause(0.01)
    raise AssertionError(f"the screen never got there: {shown(pilot, '#custom-domain-result')}")


def value(project: Path, name: str) -> str:
    return run_cli("vars", "get", name, project=project).stdout.strip()


async def test_custom_domain_is_verified_set_and_pushed_after_confirming(
    stored: Path, world: domain_push.World, monkeypatch: pytest.MonkeyPatch
) -> None:
    [endpoint] = world.stripe.endpoints
    async with actions_tab(stored, world.env, monkeypatch) as pilot:
        screen = pilot.app.screen
        screen.query_one("#site-domain", Input).value = "app.example.com"
        screen.query_one("#api-domain", Input).value = "api.example.com"
        screen.query_one("#custom-domain", Button).press()
        await until(
            pilot,
            lambda: isinstance(pilot.app.screen, YesNoModal) and pilot.app.screen.query("#yes"),
        )
        modal = pilot.app.screen
        assert isinstance(modal, YesNoModal)
        # Records shown, polled until verified, variables set: all before anything is pushed.
        records = shown(pilot, "#custom-domain-records")
        assert has_row(records, "Vercel", "CNAME", "app.example.com", "cname.vercel-dns-017.com")
        assert has_row(
            records,
            "Vercel",
            "TXT",
            "_vercel.example.com",
            "vc-domain-verify=app.example.com,fake123",
        )
        assert has_row(
            records, "Render", "CNAME", "api.example.com", "convoai-backend.onrender.com"
        )
        progress = shown(pilot, "#custom-domain-progress")
        assert (
            "app.example.com on Vercel: verified; api.example.com on Render: verified" in progress
        )
        assert not progress.startswith("[check 1]")  # unverified at first: polled again
        assert shown(pilot, "#custom-domain-result").startswith(
            "✓ Verified. Set CUSTOM_DOMAIN=app.example.com"
        )
        assert (
            world.render.writes() == []
            and world.stripe.endpoints[0]["url"] == domain_push.OLD + HOOK
        )
        assert (
            modal.question
            == "Push APP_URL to Render and push VITE_API_URL to Vercel and move Stripe "
            f"webhook endpoint {endpoint['id']} to {NEW}{HOOK}, then redeploy?"
        )
        modal.query_one("#yes", Button).press()
        await settle(pilot)
        result = shown(pilot, "#custom-domain-result")
    assert result.startswith(
        "✓ Verified. Set CUSTOM_DOMAIN=app.example.com, "
        "FRONTEND_URL=https://app.example.com, APP_URL=https://api.example.com"
    ), result
    assert "Render: set 1 variable(s): APP_URL." in result and "is live" in result
    assert "Vercel: set 1 variable(s): VITE_API_URL." in result
    assert f"moved webhook endpoint {endpoint['id']}" in result
    assert world.render.env[world.sid]["APP_URL"] == NEW
    assert world.render.env[world.sid]["FOREIGN_VAR"] == "keep"
    assert domain_push.vite(world) == [NEW]
    assert [e["url"] for e in world.stripe.endpoints] == [NEW + HOOK]
    assert state_of(stored)["stripe_webhook"] == {"id": endpoint["id"], "url": NEW + HOOK}
    for name, expected in (
        ("CUSTOM_DOMAIN", "app.example.com"),
        ("FRONTEND_URL", "https://app.example.com"),
        ("APP_URL", NEW),
        ("VITE_API_URL", NEW),
    ):
        assert value(stored, name) == expected
    assert scan_for_secrets(stored / ".convoai-setup", SECRETS) == []


async def test_not_now_pushes_nothing_and_says_what_to_do(
    stored: Path, world: domain_push.World, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with actions_tab(stored, world.env, monkeypatch) as pilot:
        screen = pilot.app.screen
        screen.query_one("#site-domain", Input).value = "app.example.com"
        screen.query_one("#api-domain", Input).value = "api.example.com"
        screen.query_one("#custom-domain", Button).press()
        await until(
            pilot,
            lambda: isinstance(pilot.app.screen, YesNoModal) and pilot.app.screen.query("#yes"),
        )
        await pilot.press("escape")  # the modal's No
        await settle(pilot)
        result = shown(pilot, "#custom-domain-result")
    # In the TUI the advice names its own buttons, never a CLI command (issue 16).
    assert "Not pushed: press Push on the Platform tab (F5) of Render and Vercel" in result
    assert "convoai-setup" not in result
    assert world.render.writes() == [] and world.vercel.writes() == []
    assert value(stored, "APP_URL") == NEW  # set here all the same, as in the CLI


async def test_esc_stops_polling_and_nothing_changes_here(
    platforms: Any, configured: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vercel, _render, env = platforms
    vercel.verify_after = 10**6  # the DNS records never appear
    before = (configured / ".convoai-setup" / "state.json").read_text()
    async with actions_tab(configured, env, monkeypatch) as pilot:
        screen = pilot.app.screen
        screen.query_one("#site-domain", Input).focus()
        await pilot.press(*"example.com", "enter")
        await until(pilot, lambda: vercel.verify_calls.get("example.com", 0) >= 3)
        assert has_row(
            shown(pilot, "#custom-domain-records"), "Vercel", "A", "example.com", "76.76.21.21"
        )
        assert (
            "example.com on Vercel: waiting for the TXT verification record (Esc stops waiting)"
            in shown(pilot, "#custom-domain-progress")
        )
        assert str(screen.query_one("#custom-domain", Button).label) == "Stop waiting"
        await pilot.press("escape")
        await settle(pilot)
        assert shown(pilot, "#custom-domain-result").startswith("Stopped waiting.")
        assert str(screen.query_one("#custom-domain", Button).label) == "Set custom domain"
        assert not pilot.app.workers  # the polling worker is gone
        checks = vercel.verify_calls["example.com"]
        await pilot.pause(0.1)
        assert vercel.verify_calls["example.com"] == checks  # and stays gone
        await pilot.press("escape")  # not waiting any more: Esc is the overview again
        await settle(pilot)
        assert isinstance(pilot.app.screen, OverviewScreen)
    after = json.loads((configured / ".convoai-setup" / "state.json").read_text())
    assert json.loads(before)["values"] == after["values"]
    assert value(configured, "CUSTOM_DOMAIN") == ""
