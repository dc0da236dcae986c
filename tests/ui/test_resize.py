"""The overview follows the terminal: composed at its size (the width class set before the first
frame), and laid out again at every real resize after that, both ways and on the way back from a
phase opened at another size."""

from __future__ import annotations

from collections.abc import Callable

from screens.app import WizardApp
from screens.overview import OverviewScreen
from screens.widgets import RowList
from tests.ui.conftest import SIZE, click_button, settle


def layout(screen: OverviewScreen) -> tuple[set[str], int, str]:
    """(the width classes, the phase list's right edge, the first phase row as shown)."""
    phases = screen.query_one("#phases", RowList)
    classes = {c for c in ("-narrow", "-wide") if screen.has_class(c)}
    return classes, phases.region.right, str(phases.row(phases.row_ids[0]))


async def test_the_overview_is_laid_out_again_at_every_resize(
    make_app: Callable[..., WizardApp],
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        overview = app.screen
        assert isinstance(overview, OverviewScreen)
        classes, right, _ = layout(overview)
        assert classes == {"-wide"} and 80 < right <= 100

        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        classes, right, _ = layout(overview)
        assert classes == {"-narrow"} and right <= 80

        await pilot.resize_terminal(120, 30)
        await settle(pilot)
        classes, right, _ = layout(overview)
        assert classes == {"-wide"} and 100 < right <= 120

        # a phase opened, the terminal made narrow there, then back: the overview is narrow too
        await click_button(pilot, "resume")
        await settle(pilot)
        assert app.current_step() == "supabase"
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        if app.screen is not overview:  # Esc on a phase may first leave its field
            app.show_overview()
            await settle(pilot)
        assert app.screen is overview
        classes, right, _ = layout(overview)
        assert classes == {"-narrow"} and right <= 80


async def test_started_narrow_the_overview_is_narrow_from_its_first_frame(
    make_app: Callable[..., WizardApp],
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        overview = app.screen
        assert isinstance(overview, OverviewScreen)
        classes, right, row = layout(overview)
        assert classes == {"-narrow"} and right <= 80
        assert row.startswith("Supabase") and "pending" in row
