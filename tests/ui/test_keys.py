"""Keys land where they are typed: a burst of keys with Tabs in it, as tmux ``send-keys`` or a
password manager's auto-type (``{USERNAME}{TAB}{PASSWORD}``) sends it."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import pexpect
from textual import events
from textual.widgets import Input, TabbedContent
from textual.widgets._footer import FooterKey

from screens.app import WizardApp
from screens.fields import FieldRow
from screens.phase_widgets import KeyButton, Pane
from tests.conftest import FAKE_SECRETS, REPO
from tests.ui.conftest import SIZE, settle
from wizard.project import Project
from wizard.values import Answers

URL = "https://abcdefgh.supabase.co"
KEY = FAKE_SECRETS["SUPABASE_SERVICE_KEY"]


def test_one_write_with_a_tab_fills_both_fields_in_the_real_tui(ui_project: Path) -> None:
    env = dict(os.environ, TERM="xterm-256color", COLUMNS="100", LINES="30")
    child = pexpect.spawn(
        sys.executable,
        ["-m", "wizard", "phase", "supabase", "--project", str(ui_project)],
        cwd=str(REPO),
        env=env,
        encoding="utf-8",
        timeout=30,
        dimensions=(30, 100),
    )
    child.expect("Where: Supabase")  # the form is drawn and its first field has focus
    child.send(f"{URL}\t{KEY}\x13")  # one write: URL, Tab, key, Ctrl+S
    child.expect("Saved")
    child.send("\x11")  # Ctrl+Q: nothing unsaved, so it quits at once
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    answers = Answers(Project(ui_project))
    assert answers.resolve("SUPABASE_URL").value == URL
    assert answers.resolve("SUPABASE_SERVICE_KEY").value == KEY


async def burst(app: WizardApp, text: str) -> None:
    """Post every key at once, as the terminal driver does for one read: no pause between."""
    names = {"\t": "tab", "\x19": "shift+tab"}
    for char in text:
        app.post_message(events.Key(names.get(char, char), None if char in names else char))


async def test_keys_after_tab_and_shift_tab_reach_the_newly_focused_field(
    make_app: Callable[..., WizardApp],
) -> None:
    app = make_app("supabase")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # Shift+Tab back into a filled field selects its text (as a browser does): typing
        # replaces it, so a password manager's second attempt does not append.
        await burst(app, f"{URL}\tsb_secret_wrong\tpostgresql://x\x19{KEY}")
        await settle(pilot)
        values = {i.id: i.value for i in app.screen.query(Input)}
        assert values["input-SUPABASE_URL"] == URL
        assert values["input-SUPABASE_SERVICE_KEY"] == KEY
        assert values["input-SUPABASE_DB_URL"] == "postgresql://x"


async def test_tab_stops_at_fields_and_primary_buttons_only(
    make_app: Callable[..., WizardApp],
) -> None:
    app = make_app("render")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        chain = [w.id or str(getattr(w, "label", "")) for w in app.screen.focus_chain]
        inputs = [f"input-{row.var.name}" for row in app.screen.query(FieldRow)]
        # Create it for me (the Stripe prices) stops Tab just before the first field it fills.
        at = inputs.index("input-STRIPE_STARTER_PRICE_ID")
        fields = [*inputs[:at], "Create it for me", *inputs[at:]]
        assert chain == [*fields, "save", "validate", "done", "write"]
        assert {"generate-JWT_SECRET", "reveal-OPENAI_API_KEY"}.isdisjoint(chain)
        # the Show / Generate buttons name their keys
        labels = {str(b.label) for b in app.screen.query(KeyButton)}
        assert {"Generate ^g", "Show ^t"} <= labels
        await pilot.press("ctrl+t")
        assert not app.screen.query_one("#input-OPENAI_API_KEY", Input).password
        await pilot.press("ctrl+g")
        assert len(app.screen.query_one("#input-JWT_SECRET", Input).value) >= 32


async def test_tabs_have_keys_in_the_footer(make_app: Callable[..., WizardApp]) -> None:
    app = make_app("supabase")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shown = {k.key: k.description for k in app.screen.query(FooterKey)}
        assert shown["f2"] == "Values" and shown["f3"] == "Migrations"
        assert shown["f4"] == "Checks"
        for key, pane, focused in (
            ("f4", "tab-checks", "validate"),
            ("f3", "tab-migrations", "apply"),
            ("f2", "tab-values", "input-SUPABASE_URL"),
        ):
            await pilot.press(key)
            await pilot.pause()
            assert app.screen.query_one(TabbedContent).active == pane
            assert app.focused is not None and app.focused.id == focused
    app = make_app("upstash")  # no step tab: F3 is neither shown nor bound
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "f3" not in {k.key for k in app.screen.query(FooterKey)}


async def test_page_keys_scroll_the_form_that_tab_skips(make_app: Callable[..., WizardApp]) -> None:
    app = make_app("render")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        form = app.screen.query_one("#fields", Pane)
        assert form.scroll_y == 0 and not form.can_focus
        app.animation_level = "none"  # the page scroll lands at once
        await pilot.press("pagedown")
        await pilot.pause()
        assert form.scroll_y > 0
        assert app.focused is not None and app.focused.id == "input-NODE_ENV"  # focus stays


async def test_ctrl_g_asks_before_replacing_a_stored_jwt_secret(
    make_app: Callable[..., WizardApp], ui_project: Path
) -> None:
    from textual.widgets import Static

    from screens.modals import YesNoModal

    stored = FAKE_SECRETS["JWT_SECRET"]
    Answers(Project(ui_project)).set("JWT_SECRET", stored)
    app = make_app("render")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        field = app.screen.query_one("#input-JWT_SECRET", Input)
        assert field.value == stored
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert isinstance(app.screen, YesNoModal)
        question = str(app.screen.query_one(".dialog-text", Static).render())
        assert "JWT_SECRET is already stored" in question and "signed out" in question
        await pilot.click("#no")
        await pilot.pause()
        assert field.value == stored  # kept
        await pilot.press("ctrl+g")
        await pilot.pause()
        await pilot.click("#yes")
        await pilot.pause()
        assert field.value != stored and len(field.value) >= 32
    assert Answers(Project(ui_project)).resolve("JWT_SECRET").value == stored  # Save stores it
