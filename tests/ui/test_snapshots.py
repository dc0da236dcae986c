"""One snapshot per screen at 100×30, and the overview, a phase and the summary at 80×24
(pytest-textual-snapshot).

Paths show as ``~/…`` (the project and vault live under the test's HOME) and timestamps are
fixed, so the pictures are the same on every machine.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from screens.app import WizardApp
from tests.conftest import FAKE_SECRETS
from tests.ui.conftest import SIZE, click_button, settle
from wizard.phases import PHASE_IDS
from wizard.project import Project
from wizard.values import Answers

FIXED = "2025-03-01T10:04:00Z"


def seed(project: Path) -> None:
    """A project half-way through: two phases done, one stale, one failed; fixed times."""
    from tests.evidence import pin_times, prove

    answers = Answers(Project(project))
    answers.set_many(
        {
            "SUPABASE_URL": "https://abcdefgh.supabase.co",
            "SUPABASE_SERVICE_KEY": FAKE_SECRETS["SUPABASE_SERVICE_KEY"],
            "SUPABASE_DB_URL": FAKE_SECRETS["SUPABASE_DB_URL"],
            "REDIS_URL": FAKE_SECRETS["REDIS_URL"],
            "APP_URL": "https://convoai-backend.onrender.com",
            "VITE_API_URL": "https://convoai-backend.onrender.com",
            "OPENAI_API_KEY": FAKE_SECRETS["OPENAI_API_KEY"],
        }
    )
    for phase_id in ("supabase", "upstash", "vercel"):
        prove(project, phase_id)
    prove(project, "render", failing="OpenAI rejected the credentials (401).")
    answers.set("APP_URL", "https://api.example.com")  # makes vercel stale
    pin_times(project, FIXED)


def app_at(project: Path, step: str | None) -> WizardApp:
    from screens.run import prepare_answers

    return WizardApp(prepare_answers(project), step)


async def wait(pilot: Pilot[Any]) -> None:
    """Workers done, messages handled, and no blinking cursor to catch mid-blink."""
    from textual.widgets import Input

    await settle(pilot)
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause(0.1)


def test_overview(snap_compare: Callable[..., bool], ui_project: Path) -> None:
    seed(ui_project)
    assert snap_compare(app_at(ui_project, None), terminal_size=SIZE, run_before=wait)


def test_overview_80x24(snap_compare: Callable[..., bool], ui_project: Path) -> None:
    seed(ui_project)
    assert snap_compare(app_at(ui_project, None), terminal_size=(80, 24), run_before=wait)


@pytest.mark.parametrize("step", [*PHASE_IDS, "finish"])
def test_step_screen(snap_compare: Callable[..., bool], ui_project: Path, step: str) -> None:
    seed(ui_project)
    assert snap_compare(app_at(ui_project, step), terminal_size=SIZE, run_before=wait)


@pytest.mark.parametrize("step", ["supabase", "render", "finish"])
def test_step_screen_80x24(snap_compare: Callable[..., bool], ui_project: Path, step: str) -> None:
    """80×24: the footer keeps Export and Help (Render has the most keys), three fields show,
    the value column is readable."""
    seed(ui_project)
    assert snap_compare(app_at(ui_project, step), terminal_size=(80, 24), run_before=wait)


def test_invalid_input_and_revealed_secret(
    snap_compare: Callable[..., bool], ui_project: Path
) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await wait(pilot)
        from textual.widgets import Input

        pilot.app.screen.query_one(
            "#input-SUPABASE_URL", Input
        ).value = "http://abcdefgh.supabase.co"
        await pilot.press("ctrl+t")
        await wait(pilot)

    seed(ui_project)
    assert snap_compare(app_at(ui_project, "supabase"), terminal_size=SIZE, run_before=run_before)


def test_post_deploy_actions_tab(snap_compare: Callable[..., bool], ui_project: Path) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await wait(pilot)
        await pilot.press("f3")  # the Actions tab
        await wait(pilot)

    seed(ui_project)
    assert snap_compare(
        app_at(ui_project, "post-deploy"), terminal_size=SIZE, run_before=run_before
    )


def test_render_platform_tab(snap_compare: Callable[..., bool], ui_project: Path) -> None:
    """Render's Platform tab (F5): Plan and Push, nothing sent before Push."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await wait(pilot)
        await pilot.press("f5")
        await wait(pilot)

    seed(ui_project)
    assert snap_compare(app_at(ui_project, "render"), terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize("key", ["f1", "ctrl+o"])
def test_dialogs(snap_compare: Callable[..., bool], ui_project: Path, key: str) -> None:
    seed(ui_project)
    assert snap_compare(app_at(ui_project, None), terminal_size=SIZE, press=[key], run_before=wait)


@pytest.mark.parametrize("size", [SIZE, (80, 24)], ids=["100x30", "80x24"])
def test_export_dialog_for_real_values(
    snap_compare: Callable[..., bool], ui_project: Path, size: tuple[int, int]
) -> None:
    """dotenv: what the file holds, where, 0600 and out of git, and the confirmation to tick;
    all of it, Export included, fits an 80x24 terminal."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await wait(pilot)
        await pilot.press("ctrl+o")
        await wait(pilot)
        await pilot.click("#fmt-dotenv")
        await wait(pilot)

    seed(ui_project)
    assert snap_compare(app_at(ui_project, None), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", [SIZE, (80, 24)], ids=["100x30", "80x24"])
def test_deploy_everything_plan(
    snap_compare: Callable[..., bool], ui_project: Path, size: tuple[int, int]
) -> None:
    """The plan of a fresh checkout (nothing stored: no vendor is asked), waiting for its answer.
    Not ``settle``: the up worker waits for that answer."""

    async def asking(pilot: Pilot[Any]) -> None:
        from tests.push.test_tui_push import until

        await pilot.pause()
        await click_button(pilot, "deploy")
        await until(pilot, lambda: getattr(pilot.app.screen, "state", "") == "asking")
        await pilot.pause(0.1)

    assert snap_compare(app_at(ui_project, None), terminal_size=size, run_before=asking)
