"""Inside the TUI, advice names the button or key, not a CLI command, where the screen has one."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Static

from checklists.advice import do
from checklists.catalog import catalog
from screens.advice import for_screen
from screens.app import WizardApp
from screens.checks_panel import ChecksPanel
from tests.ui.conftest import SIZE, settle


def test_commands_with_a_screen_equivalent_are_replaced() -> None:
    for var in catalog().values():
        assert "convoai-setup" not in for_screen(var.where), var.name
    cases = {
        f"no migration history on this database yet: run {do('migrate')}": "no migration history on this database yet: run Apply migrations (Supabase, F3)",
        f"vercel.json's rewrites do not point at APP_URL; update them: {do('write', 'vercel')}": "vercel.json's rewrites do not point at APP_URL; update them: press Write files "
        "(Vercel, F3)",
        f"STRIPE_WEBHOOK_SECRET is not set. Set it: {do('vars set', 'STRIPE_WEBHOOK_SECRET')}": "STRIPE_WEBHOOK_SECRET is not set. Set it: enter STRIPE_WEBHOOK_SECRET in its "
        "field and Save (Ctrl+S)",
        # not advice: left alone
        "Another convoai-setup migrate is running against this database": "Another convoai-setup migrate is running against this database",
        # advice the TUI has a button for, never a command beside that button (issue 16)
        f"Render differs: ({do('push', 'render')})": "Render differs: (press Push on the Platform tab (F5) of Render)",
    }
    for text, shown in cases.items():
        assert for_screen(text) == shown


async def test_fields_and_check_results_name_keys(make_app: Callable[..., WizardApp]) -> None:
    app = make_app("render")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        where = str(app.screen.query_one("#field-JWT_SECRET .field-where", Static).render())
        assert "Generate (Ctrl+G)" in where and "convoai-setup" not in where
    app = make_app("upstash")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        shown = "\n".join(str(s.render()) for s in app.screen.query_one(ChecksPanel).query(Static))
        assert "REDIS_URL is not set: enter REDIS_URL in its field and Save (Ctrl+S)" in shown
        assert "convoai-setup" not in shown
