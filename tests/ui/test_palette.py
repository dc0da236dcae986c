"""The command palette's commands on a screen with unsaved input: asked first, never a crash."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Static

from screens.app import WizardApp
from screens.checks_panel import ChecksPanel
from screens.modals import YesNoModal
from screens.phase import PhaseScreen
from tests.conftest import FAKE_SECRETS
from tests.ui.conftest import SIZE, fill, settle


async def palette(pilot: object, command: str) -> None:
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*command, "enter")
    await pilot.pause(0.2)


def hint(app: WizardApp) -> str:
    return str(app.screen.query_one(ChecksPanel).query_one("#checks-hint", Static).render())


async def test_recheck_another_phase_with_unsaved_input_asks_then_checks(
    make_app: Callable[..., WizardApp],
) -> None:
    app = make_app("upstash")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await fill(pilot, "REDIS_URL", FAKE_SECRETS["REDIS_URL"])
        await palette(pilot, "check: re-run Supabase")
        assert isinstance(app.screen, YesNoModal)  # the leave-without-saving question
        await pilot.click("#no")
        await settle(pilot)
        assert app.current_step() == "upstash" and app.return_code is None
        assert isinstance(app.screen, PhaseScreen) and app.screen.unsaved() == ["REDIS_URL"]

        await palette(pilot, "check: re-run Supabase")
        assert isinstance(app.screen, YesNoModal)
        await pilot.click("#yes")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PhaseScreen) and screen.phase.id == "supabase"
        assert screen.generation == 1  # the checks ran on the new screen
        assert hint(app).startswith("Checked:"), hint(app)
    assert app.return_code in (None, 0)


async def test_recheck_the_open_phase_checks_its_unsaved_input(
    make_app: Callable[..., WizardApp],
) -> None:
    app = make_app("upstash")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await fill(pilot, "REDIS_URL", "https://fake-endpoint.upstash.io")
        await palette(pilot, "check: re-run Upstash")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PhaseScreen) and screen.phase.id == "upstash"
        assert screen.generation == 1 and screen.unsaved() == ["REDIS_URL"]
        assert hint(app).startswith("Checked:"), hint(app)
