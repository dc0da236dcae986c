"""The TUI shows drift: Compare on Render's Platform tab runs ``wizard.drift`` (in sync /
different / missing / extra per variable, nothing sent), and the overview's Render row then
says what ``status`` says (Pilot against the stateful Render stand-in)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from textual.widgets import Button, Static

from screens.app import WizardApp
from screens.overview import OverviewScreen
from screens.push import PushScreen
from screens.run import prepare_answers
from tests.conftest import run_cli
from tests.push.conftest import RENDER_VARS, VALUES, leaks
from tests.push.fake_render import FakeRender
from tests.ui.conftest import SIZE, settle

CHANGED = "sk-FAKEchangedOnTheDashboard0123456789abcdefghij"


async def test_compare_shows_a_value_changed_on_the_platform_and_the_overview_notes_it(
    stored: Path, render: FakeRender, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    on_render = {n: str(VALUES[n]) for n in RENDER_VARS if n != "SENTRY_DSN"}
    sid = render.add_service(
        "convoai-backend", {**on_render, "OPENAI_API_KEY": CHANGED, "FOREIGN_VAR": "x"}
    )
    app = WizardApp(prepare_answers(stored), "render")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PushScreen)
        await pilot.press("f5")
        await settle(pilot)
        await pilot.click("#push-compare")
        await settle(pilot)
        rows = str(screen.query_one("#push-plan-text", Static).render())
        log = str(screen.query_one("#push-log", Static).render())
        # Push is offered: it plans again and asks before sending anything.
        assert not screen.query_one("#push-apply", Button).disabled
        await pilot.press("escape")
        await settle(pilot)
        overview = app.screen
        assert isinstance(overview, OverviewScreen)
        row = overview.status_text("render")
    assert f"Render: service convoai-backend ({sid})" in rows
    assert re.search(r"OPENAI_API_KEY\s+different", rows)
    assert re.search(r"JWT_SECRET\s+in sync", rows)
    assert re.search(r"SENTRY_DSN\s+missing", rows)
    assert re.search(r"FOREIGN_VAR\s+extra", rows)
    assert "Render differs: 1 different (OPENAI_API_KEY), 1 missing (SENTRY_DSN)." in log
    assert "Push to Render sends them" in log
    assert render.writes() == []  # comparing sends nothing
    assert CHANGED not in rows + log and leaks(rows, log) == []
    # The overview's row says what `status` says, in the TUI's words.
    assert "Render differs since" in row and "OPENAI_API_KEY, SENTRY_DSN" in row
    assert "press Push on the Platform tab (F5) of Render" in row
    assert "convoai-setup" not in row
    status = json.loads(run_cli("status", "--json", project=stored).stdout)
    note = next(p["message"] for p in status["phases"] if p["id"] == "render")
    assert "Render differs since" in note and "OPENAI_API_KEY, SENTRY_DSN" in note


async def test_compare_in_sync(
    stored: Path, render: FakeRender, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    render.add_service("convoai-backend", {n: str(VALUES[n]) for n in RENDER_VARS})
    app = WizardApp(prepare_answers(stored), "render")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PushScreen)
        await pilot.press("f5")
        await settle(pilot)
        await pilot.click("#push-compare")
        await settle(pilot)
        log = str(screen.query_one("#push-log", Static).render())
        assert screen.query_one("#push-apply", Button).disabled
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, OverviewScreen)
        row = app.screen.status_text("render")
    assert log == "Render is in sync: nothing to push."
    assert "differs" not in row
