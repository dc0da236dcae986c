"""The summary of a new project: every variable and every file, with what blocks a file said
beside it, never one error in place of the whole summary."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import DataTable, Static

from screens.app import WizardApp
from screens.finish import FinishScreen
from tests.ui.conftest import SIZE, settle


async def test_a_new_projects_summary_lists_everything_and_says_why_vercel_json_waits(
    make_app: Callable[..., WizardApp],
) -> None:
    app = make_app("finish")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, FinishScreen)  # no error dialog over it
        variables = screen.query_one("#variables", DataTable)
        assert variables.row_count >= 14  # every variable of the catalog, none set yet
        files = screen.query_one("#files", DataTable)
        shown = {str(files.get_row_at(i)[0]): str(files.get_row_at(i)[1]) for i in range(4)}
        assert files.row_count == 4
        assert "can't be written yet" in shown["vercel.json"]
        assert all(
            "not written yet" in shown[path]
            for path in (".env.example", ".github/workflows/ci.yml", "render.yaml")
        )
        summary = str(screen.query_one("#finish-summary", Static).render())
        assert summary.startswith("0 of 7 phases done.")
        assert "vercel.json can't be written yet: APP_URL is not set" in summary
        assert "nothing was written" not in summary
        assert "enter APP_URL in its field" in summary  # the advice, in the TUI's words
