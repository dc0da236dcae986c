"""Pilot-driven flows on the example project against real local services."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from textual.widgets import Button, Input, Static

from screens.app import WizardApp
from screens.checks_panel import ChecksPanel
from screens.overview import OverviewScreen
from screens.phase import PhaseScreen
from screens.widgets import ActionBar
from tests.conftest import FAKE_SECRETS, scan_for_secrets
from tests.fixtures.redis_tls import RedisServer
from tests.providers.world import World, build_world
from tests.ui.conftest import SIZE, click_button, fill, settle
from wizard.done import all_status
from wizard.project import Project
from wizard.state import StateFile
from wizard.values import Answers


@pytest.fixture
def world(
    make_https_server: Callable[[], HTTPServer],
    ca_file: Path,
    redis_tls: RedisServer,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[World]:
    w = build_world(make_https_server, str(ca_file), redis_tls)
    for key, value in w.env.items():
        monkeypatch.setenv(key, value)
    yield w


def statuses(project: Path) -> dict[str, str]:
    p = Project(project)
    return {s.phase.id: s.status for s in all_status(p, StateFile(p).read())}


def check_lines(app: WizardApp) -> str:
    return "\n".join(str(s.render()) for s in app.screen.query_one(ChecksPanel).query(Static))


async def test_first_time_setup_to_all_done(
    make_app: Callable[..., WizardApp], ui_project: Path, world: World, pg_database: str
) -> None:
    app = make_app()
    v = world.values
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await click_button(pilot, "resume")
        await settle(pilot)
        assert isinstance(app.screen, PhaseScreen) and app.screen.phase.id == "supabase"
        for name in ("SUPABASE_URL", "SUPABASE_SERVICE_KEY"):
            await fill(pilot, name, v[name])
        await fill(pilot, "SUPABASE_DB_URL", pg_database)
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.click("#apply")
        await settle(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        shown = check_lines(app)
        assert "✓ postgres" in shown and "✓ supabase" in shown, shown
        await pilot.press("ctrl+f")
        await settle(pilot)

        assert app.screen.phase.id == "upstash"  # type: ignore[attr-defined]
        await fill(pilot, "REDIS_URL", v["REDIS_URL"])
        await pilot.press("ctrl+r")  # validates the unsaved value as typed
        await settle(pilot)
        assert "✓ upstash" in check_lines(app)
        await pilot.press("ctrl+f")
        await settle(pilot)

        assert app.screen.phase.id == "render"  # type: ignore[attr-defined]
        for name in (
            "APP_URL",
            "OPENAI_API_KEY",
            "STRIPE_SECRET_KEY",
            "STRIPE_STARTER_PRICE_ID",
            "STRIPE_GROWTH_PRICE_ID",
            "STRIPE_BUSINESS_PRICE_ID",
        ):
            await fill(pilot, name, v[name])
        await pilot.press("ctrl+g")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.click("#write")
        await settle(pilot)
        assert (ui_project / "render.yaml").is_file()
        await pilot.press("ctrl+f")
        await settle(pilot)

        assert app.screen.phase.id == "vercel"  # type: ignore[attr-defined]
        await fill(pilot, "VITE_API_URL", v["VITE_API_URL"])
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.click("#write")
        await settle(pilot)
        await pilot.press("ctrl+f")
        await settle(pilot)

        for phase_id in ("github-actions", "env-example"):
            assert app.screen.phase.id == phase_id  # type: ignore[attr-defined]
            await pilot.click("#write")
            await settle(pilot)
            await pilot.press("ctrl+f")
            await settle(pilot)

        assert app.screen.phase.id == "post-deploy"  # type: ignore[attr-defined]
        await pilot.press("f3")  # the Actions tab
        await settle(pilot)
        app.screen.query_one("#webhook", Button).press()
        await settle(pilot)
        assert "STRIPE_WEBHOOK_SECRET stored" in str(
            app.screen.query_one("#webhook-result", Static).render()
        )
        await pilot.press("ctrl+f")
        await settle(pilot)
        assert app.current_step() == "finish"
        assert "All phases done." in str(app.screen.query_one("#finish-summary", Static).render())

    assert set(statuses(ui_project).values()) == {"done"}
    for name in ("ci.yml",):
        assert (ui_project / ".github" / "workflows" / name).is_file()
    assert (ui_project / ".env.example").is_file() and (ui_project / "vercel.json").is_file()
    assert scan_for_secrets(ui_project) == []
    answers = Answers(Project(ui_project))
    assert answers.resolve("STRIPE_WEBHOOK_SECRET").source == "created by API"
    assert answers.resolve("JWT_SECRET").source == "generated"


async def test_resumed_session_shows_previous_state(
    make_app: Callable[..., WizardApp], ui_project: Path
) -> None:
    answers = Answers(Project(ui_project))
    answers.set_many(
        {
            "SUPABASE_URL": "https://abcdefgh.supabase.co",
            "SUPABASE_SERVICE_KEY": FAKE_SECRETS["SUPABASE_SERVICE_KEY"],
            "SUPABASE_DB_URL": FAKE_SECRETS["SUPABASE_DB_URL"],
            "REDIS_URL": FAKE_SECRETS["REDIS_URL"],
            "PORT": "10001",
        }
    )
    from tests.evidence import prove

    prove(ui_project, "supabase")
    prove(ui_project, "upstash")

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        overview = app.screen
        assert isinstance(overview, OverviewScreen)
        assert "done" in overview.status_text("supabase")
        assert "pending" in overview.status_text("render")
        buttons = app.screen.query_one("#overview-actions", ActionBar)
        assert buttons.label("resume") == "Resume: Render backend"
        await click_button(pilot, "resume")
        await settle(pilot)
        assert app.current_step() == "render"
        assert app.screen.query_one("#input-PORT").value == "10001"  # type: ignore[attr-defined]
        await pilot.press("ctrl+b")  # back to upstash: its secret is loaded, masked
        await settle(pilot)
        field = app.screen.query_one("#input-REDIS_URL")
        assert field.value == FAKE_SECRETS["REDIS_URL"] and field.password  # type: ignore[attr-defined]


async def test_single_phase_rerun_makes_vercel_stale(
    make_app: Callable[..., WizardApp], ui_project: Path
) -> None:
    answers = Answers(Project(ui_project))
    answers.set_many(
        {
            "APP_URL": "https://convoai-backend.onrender.com",
            "VITE_API_URL": "https://convoai-backend.onrender.com",
            "STRIPE_WEBHOOK_SECRET": FAKE_SECRETS["STRIPE_WEBHOOK_SECRET"],
        }
    )
    from tests.evidence import prove

    prove(ui_project, "vercel")
    assert statuses(ui_project)["vercel"] == "done"

    app = make_app("post-deploy")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.current_step() == "post-deploy"
        await pilot.press("f3")  # the Actions tab
        await settle(pilot)
        app.screen.query_one("#domain", Input).value = "api.example.com"
        app.screen.query_one("#set-domain", Button).press()
        await settle(pilot)
        result = str(app.screen.query_one("#domain-result", Static).render())
        assert "Now stale: vercel" in result, result
        await pilot.press("ctrl+f")
        await settle(pilot)
        # Done verifies: the webhook and the app at the new domain were never checked, so
        # post-deploy is not done and the screen stays (no "done" by fiat).
        assert app.current_step() == "post-deploy"
    found = statuses(ui_project)
    assert found["vercel"] == "stale" and found["post-deploy"] != "done"
    assert Answers(Project(ui_project)).resolve("APP_URL").value == "https://api.example.com"


async def test_export_markdown_from_the_app(
    make_app: Callable[..., WizardApp], ui_project: Path
) -> None:
    Answers(Project(ui_project)).set_many(
        {"OPENAI_API_KEY": FAKE_SECRETS["OPENAI_API_KEY"], "APP_URL": "https://api.example.com"}
    )
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+o")
        await pilot.pause()
        await pilot.click("#export")
        await settle(pilot)
    text = (ui_project / "convoai-checklist.md").read_text()
    assert text.startswith("# Environment variables checklist")
    assert "`APP_URL`" in text and "https://api.example.com" in text
    assert FAKE_SECRETS["OPENAI_API_KEY"] not in text and "sk-…" in text


async def test_export_json_from_the_palette(
    make_app: Callable[..., WizardApp], ui_project: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"export: json", "enter")
        await pilot.pause(0.2)
        await pilot.click("#export")
        await settle(pilot)
    doc = json.loads((ui_project / "convoai-checklist.json").read_text())
    assert doc


async def test_quit_with_unsaved_input_asks(
    make_app: Callable[..., WizardApp], ui_project: Path
) -> None:
    app = make_app("upstash")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await fill(pilot, "REDIS_URL", FAKE_SECRETS["REDIS_URL"])
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert "Unsaved input: REDIS_URL" in str(
            app.screen.query_one(".dialog-text", Static).render()
        )
        await pilot.click("#no")
        await pilot.pause()
        assert app.current_step() == "upstash"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0
    assert Answers(Project(ui_project)).resolve("REDIS_URL").value == FAKE_SECRETS["REDIS_URL"]


async def test_invalid_input_is_shown_and_not_saved(
    make_app: Callable[..., WizardApp], ui_project: Path
) -> None:
    app = make_app("upstash")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await fill(pilot, "REDIS_URL", "https://fake-endpoint.upstash.io")
        error = str(app.screen.query_one("#field-REDIS_URL .field-error", Static).render())
        assert "REST URL" in error
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert "REDIS_URL" not in StateFile(Project(ui_project)).read()["values"]


async def test_second_validate_press_drops_the_first_run(
    make_app: Callable[..., WizardApp], ui_project: Path, world: World
) -> None:
    app = make_app("upstash")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await fill(pilot, "REDIS_URL", world.values["REDIS_URL"])
        await pilot.press("ctrl+r", "ctrl+r")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PhaseScreen) and screen.generation == 2
        rows = screen.query_one(ChecksPanel).query(".service")
        assert len(rows) == 1  # one run's rows, not two
        assert "✓ upstash" in check_lines(app)


async def test_dotenv_export_says_what_it_holds_and_asks_before_writing_real_values(
    make_app: Callable[..., WizardApp], ui_project: Path
) -> None:
    import stat

    from textual.widgets import Checkbox

    Answers(Project(ui_project)).set_many(
        {
            "OPENAI_API_KEY": FAKE_SECRETS["OPENAI_API_KEY"],
            "RENDER_API_KEY": FAKE_SECRETS["RENDER_API_KEY"],
            "APP_URL": "https://api.example.com",
        }
    )
    target = ui_project / "convoai-render.env"
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+o")
        await pilot.pause()
        notice = str(app.screen.query_one("#export-notice", Static).render())
        assert "secret values masked" in " ".join(notice.split())
        await pilot.click("#fmt-dotenv")
        await pilot.pause()
        notice = " ".join(str(app.screen.query_one("#export-notice", Static).render()).split())
        assert "REAL values" in notice and "Add from .env" in notice
        assert "Written to ~/convoai/convoai-render.env, mode 0600" in notice
        assert "out of git" in notice
        assert app.screen.query_one("#export", Button).disabled
        await pilot.click("#path")
        await pilot.press("enter")  # no confirmation yet: nothing is written
        await pilot.pause()
        assert not target.exists()
        app.screen.query_one("#reveal-ok", Checkbox).value = True
        await pilot.pause()
        assert not app.screen.query_one("#export", Button).disabled
        await pilot.click("#export")
        await settle(pilot)
    from dotenv import dotenv_values

    written = dotenv_values(target, interpolate=False)
    assert written["OPENAI_API_KEY"] == FAKE_SECRETS["OPENAI_API_KEY"]  # real values, as told
    assert "RENDER_API_KEY" not in written  # Render's variables only
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


async def test_dotenv_export_destination_is_a_choice(
    make_app: Callable[..., WizardApp], ui_project: Path
) -> None:
    from textual.widgets import Checkbox

    Answers(Project(ui_project)).set_many({"APP_URL": "https://api.example.com"})
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+o")
        await pilot.pause()
        await pilot.click("#fmt-dotenv")
        await pilot.click("#dest-vercel")
        await pilot.pause()
        assert app.screen.query_one("#path", Input).value == "convoai-vercel.env"
        app.screen.query_one("#reveal-ok", Checkbox).value = True
        await pilot.pause()
        await pilot.click("#export")
        await settle(pilot)
    from dotenv import dotenv_values

    written = dotenv_values(ui_project / "convoai-vercel.env", interpolate=False)
    assert written == {"VITE_API_URL": "https://api.example.com"}
