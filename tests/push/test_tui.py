"""The Render phase screen's Platform tab: Plan sends nothing; Push (confirmed) lands and deploys."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual.widgets import Button, Static, TabbedContent

from screens.app import WizardApp
from screens.modals import YesNoModal
from screens.push import PushScreen
from screens.run import prepare_answers
from tests.conftest import EXAMPLE, scan_for_secrets
from tests.push.conftest import RENDER_VARS, SECRETS, VALUES, leaks, store
from tests.push.fake_render import FakeRender
from tests.ui.conftest import SIZE, settle


@pytest.fixture
def ui_project(isolated_env: Path) -> Path:
    dest = isolated_env / "convoai"
    shutil.copytree(EXAMPLE, dest)
    return dest


async def test_render_phase_plans_then_pushes(
    ui_project: Path,
    render: FakeRender,
    env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    store(ui_project, VALUES)
    sid = render.add_service("convoai-backend", {"FOREIGN_VAR": "keep-me"})
    app = WizardApp(prepare_answers(ui_project), "render")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PushScreen)
        await pilot.press("f5")  # the Platform tab's key, shown in the footer
        await pilot.pause()
        assert screen.query_one("#tabs", TabbedContent).active == "tab-platform"
        assert app.focused is screen.query_one("#push-plan", Button)
        await pilot.click("#push-plan")
        await settle(pilot)
        plan = str(screen.query_one("#push-plan-text", Static).render())
        assert "add     STRIPE_SECRET_KEY" in plan and "kept    FOREIGN_VAR" in plan
        assert render.writes() == []  # planning sends nothing
        assert not screen.query_one("#push-apply", Button).disabled
        await pilot.click("#push-apply")
        await pilot.pause()
        assert isinstance(app.screen, YesNoModal)
        await pilot.click("#yes")
        await settle(pilot)
        log = str(screen.query_one("#push-log", Static).render())
        assert "read back: every value matches" in log and "is live" in log
        assert leaks(plan, log) == []
    assert render.env[sid] == {"FOREIGN_VAR": "keep-me", **{n: VALUES[n] for n in RENDER_VARS}}
    assert scan_for_secrets(ui_project / ".convoai-setup", SECRETS) == []


def test_the_platform_tab_is_on_the_push_destinations(ui_project: Path) -> None:
    from screens.for_phase import phase_screen
    from wizard.phases import PHASES
    from wizard.platforms import with_capability

    answers = prepare_answers(ui_project)
    with_tab = {p.id for p in PHASES if isinstance(phase_screen(p.id, answers), PushScreen)}
    assert with_tab == {p.id for p in with_capability("push")}
