"""The Render screen's Platform tab runs the push operation, with its follow-ups and its clean
stop: a push that changes APP_URL moves the remembered Stripe endpoint, and Esc during a push
finishes, reads back and reports the writes under way before saying it stopped (Pilot against
the stateful Render / Vercel / Stripe stand-ins)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Button, Static
from textual.worker import WorkerCancelled

from screens.app import WizardApp
from screens.modals import YesNoModal
from screens.overview import OverviewScreen
from screens.push import PUSH, PushScreen
from screens.run import prepare_answers
from tests.conftest import scan_for_secrets
from tests.push import test_domain_push as domain_push
from tests.push.conftest import RENDER_VARS, SECRETS, VALUES, leaks, state_of, store
from tests.push.fake_render import FakeRender
from tests.ui.conftest import SIZE, settle

# Render + Vercel + Stripe with a webhook endpoint remembered for the old APP_URL (reused).
world = domain_push.world
NEW, HOOK = domain_push.NEW, domain_push.HOOK


@asynccontextmanager
async def platform_tab(
    project: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Any]:
    """The app on Render's Platform tab (F5), the vendors from ``env``."""
    for name, value in env.items():  # the workers read os.environ, as the CLI does
        monkeypatch.setenv(name, value)
    app = WizardApp(prepare_answers(project), "render")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, PushScreen)
        await pilot.press("f5")
        await settle(pilot)
        yield pilot


def text(screen: PushScreen, where: str) -> str:
    return str(screen.query_one(where, Static).render())


def modal_ready(pilot: Any) -> bool:
    """The confirmation is on screen, its buttons composed."""
    screen = pilot.app.screen
    return isinstance(screen, YesNoModal) and bool(screen.query("#yes"))


def yes(pilot: Any) -> None:
    """Answer the confirmation with its Push button (pressed, whatever the layout's timing)."""
    pilot.app.screen.query_one("#yes", Button).press()


async def until(pilot: Any, done: Callable[[], bool]) -> None:
    """Pump the app until ``done()`` holds (a bounded number of steps, no clock)."""
    for _ in range(4000):
        if done():
            return
        await pilot.pause(0.005)
    raise AssertionError("never got there")


async def test_a_push_that_changes_app_url_moves_the_stripe_endpoint(
    stored: Path, world: domain_push.World, monkeypatch: pytest.MonkeyPatch
) -> None:
    [endpoint] = world.stripe.endpoints
    assert endpoint["url"] == domain_push.OLD + HOOK
    store(stored, {"APP_URL": NEW})  # e.g. the API got its own domain
    async with platform_tab(stored, world.env, monkeypatch) as pilot:
        screen = pilot.app.screen
        await pilot.click("#push-plan")
        await settle(pilot)
        assert "change  APP_URL" in text(screen, "#push-plan-text")
        await pilot.click("#push-apply")
        await until(pilot, lambda: modal_ready(pilot))
        modal = pilot.app.screen
        assert isinstance(modal, YesNoModal)
        # the one question names the follow-up too
        assert f"move Stripe webhook endpoint {endpoint['id']} to {NEW}{HOOK}" in modal.question
        yes(pilot)
        await settle(pilot)
        log = text(screen, "#push-log")
    assert f"moved webhook endpoint {endpoint['id']}" in log
    assert world.render.env[world.sid]["APP_URL"] == NEW
    # the same endpoint, now at the new URL; no second one was created
    assert len(world.stripe.created) == 1 and len(world.stripe.endpoints) == 1
    assert world.stripe.endpoints[0] == {**endpoint, "url": NEW + HOOK}
    assert state_of(stored)["stripe_webhook"] == {"id": endpoint["id"], "url": NEW + HOOK}
    assert leaks(log) == []
    assert scan_for_secrets(stored / ".convoai-setup", SECRETS) == []


async def test_esc_during_a_push_finishes_reads_back_and_reports_what_was_sent(
    stored: Path,
    render: FakeRender,
    env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sid = render.add_service("convoai-backend", {"FOREIGN_VAR": "keep-me"})
    async with platform_tab(stored, env, monkeypatch) as pilot:
        screen = pilot.app.screen
        assert isinstance(screen, PushScreen)
        await pilot.click("#push-plan")
        await settle(pilot)
        await pilot.click("#push-apply")
        await until(pilot, lambda: modal_ready(pilot))
        # From here every answer takes a second: Esc lands while the writes are under way.
        render.delay = 1.0
        yes(pilot)
        await until(pilot, lambda: any(m == "PUT" for m, _ in render.log))
        [worker] = [w for w in pilot.app.workers if w.group == PUSH and not w.is_finished]
        await pilot.press("escape")
        assert pilot.app.screen is screen  # Esc stops the push; it does not leave the screen
        assert screen.stopping
        screen.action_overview()  # a second Esc must not cut the read-back short
        assert pilot.app.screen is screen and screen.stopping
        with pytest.raises(WorkerCancelled):
            await worker.wait()  # returns once the operation has reported and re-raised
        await pilot.pause()
        assert not screen.pushing
        log = text(screen, "#push-log")
        assert not screen.query_one("#push-plan", Button).disabled
        await pilot.press("escape")  # nothing running now: back to the overview
        await settle(pilot)
        assert isinstance(pilot.app.screen, OverviewScreen)
    lines = log.splitlines()
    assert lines[-1] == "Stopped: what was sent is reported above."
    assert "Stopping: finishing the writes under way and reading them back…" in lines
    # Every write that reached Render was finished, read back and reported; none unreported.
    put = {path.rsplit("/", 1)[-1] for m, path in render.writes() if m == "PUT"}
    reported = next(line for line in lines if line.startswith("Render: set "))
    assert put == set(reported.split(": ", 2)[2].rstrip(".").split(", "))
    assert "Render: read back: every value matches." in lines
    assert render.env[sid] == {"FOREIGN_VAR": "keep-me", **{n: VALUES[n] for n in put}}
    assert put <= set(RENDER_VARS)
    # Stopped before the deploy: none was started, and the record says what landed.
    assert ("POST", f"/v1/services/{sid}/deploys") not in render.writes()
    assert state_of(stored)["platforms"]["render"]["service_id"] == sid
    assert leaks(log) == []
