"""The overview's phase list and buttons, as a keyboard and a mouse user work them: they are
light widgets (``screens.widgets.RowList`` and ``ActionBar``) that must behave like the
OptionList and the three buttons they replaced."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Footer, Tooltip
from textual.widgets._footer import FooterKey
from textual.widgets._toast import Toast, ToastRack

from screens.app import WizardApp
from screens.overview import OverviewScreen
from screens.run import prepare_answers
from screens.widgets import ActionBar, RowList
from tests.ui.conftest import click_button, overview_of, settle
from wizard.phases import PHASE_IDS


def detail(app: WizardApp) -> str:
    return str(app.screen.query_one("#detail").render())


async def back_to_overview(app: WizardApp, pilot: Pilot[Any]) -> OverviewScreen:
    app.show_overview()
    await settle(pilot)
    assert isinstance(app.screen, OverviewScreen)
    return app.screen


async def test_keys_move_the_phase_highlight_the_detail_follows_and_enter_opens_it(
    make_app: Callable[..., WizardApp],
) -> None:
    app = make_app()
    async with overview_of(app) as (pilot, overview):
        phases = overview.query_one("#phases", RowList)
        assert phases.row_ids == list(PHASE_IDS)
        assert app.focused is phases and phases.highlighted == 0
        await pilot.press("up")  # already at the top: stays
        assert phases.highlighted == 0
        await pilot.press("down", "down")
        assert phases.highlighted == 2
        assert detail(app).startswith("Todo render-setup: ")
        await pilot.press("end")
        assert phases.highlighted == 6 and detail(app).startswith("Todo stripe-webhook: ")
        await pilot.press("down")  # already at the bottom: stays
        assert phases.highlighted == 6
        await pilot.press("home", "down")
        assert phases.highlighted == 1 and detail(app).startswith("Todo upstash-setup: ")
        await pilot.press("enter")
        await settle(pilot)
        assert app.current_step() == "upstash"
        overview = await back_to_overview(app, pilot)
        # the highlight is where it was, and rows re-read from the state keep it
        assert overview.query_one("#phases", RowList).highlighted == 1


async def test_the_detail_follows_the_state_when_the_overview_is_redrawn(
    make_app: Callable[..., WizardApp],
) -> None:
    app = make_app()
    async with overview_of(app) as (pilot, overview):
        assert "Note enter SUPABASE_URL " in detail(app)
        app.answers.set("SUPABASE_URL", "https://abcdefgh.supabase.co")
        overview.refresh_status()  # what coming back to the overview does
        await pilot.pause()
        assert "Note enter SUPABASE_SERVICE_KEY " in detail(app)


async def test_a_click_on_a_phase_row_opens_that_phase(
    make_app: Callable[..., WizardApp],
) -> None:
    app = make_app()
    async with overview_of(app) as (pilot, overview):
        phases = overview.query_one("#phases", RowList)
        await pilot.click(phases, offset=(5, 2))  # the third row: Render backend
        await settle(pilot)
        assert app.current_step() == "render"


async def test_the_row_under_the_mouse_is_drawn_as_hovered_and_the_highlight_as_chosen(
    make_app: Callable[..., WizardApp],
) -> None:
    app = make_app()
    async with overview_of(app) as (pilot, overview):
        screen = overview
        phases = screen.query_one("#phases", RowList)
        top, x = phases.region.y, phases.content_region.x

        def background(row: int, column: int = 60) -> object:
            # column 60: past every row's text, where only the row's own background shows
            return screen.get_style_at(x + column, top + row).bgcolor

        plain = background(4)
        assert background(0) != plain  # the highlighted row, across the whole width
        await pilot.hover(phases, offset=(5, 3))
        await pilot.pause()
        hovered = background(3)
        assert hovered not in (plain, background(0))
        await pilot.hover(screen.query_one("#info"), offset=(1, 0))  # the mouse moves away
        await pilot.pause()
        assert background(3) == plain


async def test_every_button_is_a_tab_stop_and_left_right_enter_work_as_on_buttons(
    make_app: Callable[..., WizardApp],
) -> None:
    app = make_app()
    async with overview_of(app) as (pilot, overview):
        bar = overview.query_one("#overview-actions", ActionBar)
        assert bar.button_ids == ["resume", "summary", "deploy"]
        assert bar.label("resume") == "Start: Supabase"
        chosen = []
        for _ in range(3):
            await pilot.press("tab")
            assert app.focused is bar
            chosen.append(bar.button_ids[bar.chosen])
        assert chosen == ["resume", "summary", "deploy"]
        await pilot.press("tab")  # past the last button: on to the phase list
        assert app.focused is overview.query_one("#phases", RowList)
        await pilot.press("shift+tab")  # back in from the end: the last button
        assert app.focused is bar and bar.chosen == 2
        await pilot.press("shift+tab", "right")
        assert bar.chosen == 2
        await pilot.press("left", "left", "left")  # stops at the first
        assert bar.chosen == 0
        await pilot.press("right", "enter")
        await settle(pilot)
        assert app.current_step() == "finish"


async def test_a_click_on_each_button_presses_that_one(
    make_app: Callable[..., WizardApp],
) -> None:
    app = make_app()
    async with overview_of(app) as (pilot, overview):
        await click_button(pilot, "summary")
        await settle(pilot)
        assert app.current_step() == "finish"
        overview = await back_to_overview(app, pilot)
        # the summary's style sheet, read when it opened, leaves the buttons under the detail
        detail_bottom = overview.query_one("#detail").region.bottom
        assert overview.query_one("#overview-actions").region.y == detail_bottom + 1
        await click_button(pilot, "resume")
        await settle(pilot)
        assert app.current_step() == "supabase"
        overview = await back_to_overview(app, pilot)
        bar = overview.query_one("#overview-actions", ActionBar)
        # between two buttons is a gap, not a button
        gap = bar.button_offset("summary") - (1, 0)
        await pilot.click(bar, offset=gap)
        await settle(pilot)
        assert app.screen is overview


async def test_the_footer_shows_the_keys_once_the_first_frame_is_up(
    make_app: Callable[..., WizardApp],
) -> None:
    app = make_app()
    async with overview_of(app) as (_, overview):
        footer = overview.query_one(Footer)
        shown = {key.description for key in footer.query(FooterKey)}
        assert {"Export", "Help", "Next", "Back", "Quit"} <= shown


async def test_textuals_toast_rack_and_tooltip_join_the_overview_after_its_first_frame(
    make_app: Callable[..., WizardApp],
) -> None:
    # (run_test leaves both out unless asked; a user's app has them)
    app = make_app()
    async with app.run_test(size=(100, 30), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        overview = app.screen
        assert isinstance(overview, OverviewScreen)
        # where Textual's own compose puts them: first, on their own layers
        first_two = [type(child) for child in overview.children[:2]]
        assert first_two == [ToastRack, Tooltip]
        app.notify("Stored SUPABASE_URL.", title="Saved")
        await settle(pilot)
        toasts = overview.query(Toast)
        assert [str(toast.render()) for toast in toasts] == ["Saved\nStored SUPABASE_URL."]
        assert toasts.first().region.width > 0  # laid out on screen, not just mounted


class QuitsAtOnce(WizardApp):
    """Told to quit as its first frame is shown (a typed-ahead Ctrl+Q, the benchmark's probe)."""

    def on_ready(self) -> None:  # (runs before WizardApp.on_ready)
        self.exit(return_code=7)


async def test_what_follows_the_first_frame_is_not_mounted_once_the_app_has_quit(
    ui_project: Path,
) -> None:
    # The mount queued for after the first frame then runs on a screen the app has already
    # taken off: it raised MountError, and "unexpected MountError" was the user's last line.
    app = QuitsAtOnce(prepare_answers(ui_project))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
    assert app.return_code == 7
