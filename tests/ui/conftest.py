"""UI fixtures: the example project under HOME (paths show as ~/convoai), and the app for it."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from screens.app import WizardApp
from screens.overview import OverviewScreen
from screens.run import prepare_answers
from screens.widgets import ActionBar
from tests.conftest import EXAMPLE

SIZE = (100, 30)


@pytest.fixture
def ui_project(isolated_env: Path) -> Path:
    """A fresh copy of the example checkout at ``~/convoai`` (same path text in every run)."""
    dest = isolated_env / "convoai"
    shutil.copytree(EXAMPLE, dest, ignore=shutil.ignore_patterns(".convoai-setup"))
    return dest


@pytest.fixture
def make_app(ui_project: Path) -> Callable[..., WizardApp]:
    def make(phase: str | None = None) -> WizardApp:
        return WizardApp(prepare_answers(ui_project), phase)

    return make


async def settle(pilot: Pilot[object]) -> None:
    """Let workers finish and their messages land; then nothing on screen may show advice as
    its raw marker (``checklists.advice``): every text the core wrote went through
    ``for_screen``."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    from textual.widgets import Static

    for widget in pilot.app.screen.query(Static):
        shown = str(widget.render())
        assert "\ue000" not in shown, f"raw advice in #{widget.id}: {shown[:200]}"


async def fill(pilot: Pilot[object], name: str, value: str) -> None:
    """Paste ``value`` into the field of ``name`` on the current phase screen."""
    field = pilot.app.screen.query_one(f"#input-{name}", Input)
    field.focus()
    field.value = value
    await pilot.pause()


async def click_button(pilot: Pilot[object], button_id: str) -> None:
    """Click one of the overview's buttons (``resume``, ``summary``, ``deploy``) on its label."""
    bar = pilot.app.screen.query_one("#overview-actions", ActionBar)
    await pilot.click(bar, offset=bar.button_offset(button_id))


@asynccontextmanager
async def overview_of(
    app: WizardApp, size: tuple[int, int] = SIZE
) -> AsyncIterator[tuple[Pilot[object], OverviewScreen]]:
    """``app`` running at ``size``, settled on its overview."""
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, OverviewScreen)
        yield pilot, app.screen
