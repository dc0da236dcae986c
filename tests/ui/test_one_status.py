"""One rule, three front ends: the same scenario gives the same status in the TUI, --plain and
the CLI.

Render with a Stripe key that Stripe rejects: the checks fail, then the files are written.
Before issue 10 the TUI and ``write`` then called the phase done while ``--plain`` said "not
done yet". Now every front end asks ``wizard.done`` and all three say "failed".
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pexpect
import pytest
from pytest_httpserver import HTTPServer
from textual.widgets import Static

from checklists.catalog import for_phase
from screens.app import WizardApp
from tests.conftest import EXAMPLE, REPO, run_cli
from tests.evidence import statuses
from tests.fixtures.redis_tls import RedisServer
from tests.providers.world import World, build_world
from tests.ui.conftest import SIZE, settle
from wizard.project import Project
from wizard.values import Answers

REJECTED = "sk_test_FAKEstripeRejected000000000000"


@pytest.fixture
def world(
    make_https_server: Callable[[], HTTPServer],
    ca_file: Path,
    redis_tls: RedisServer,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[World]:
    w = build_world(make_https_server, str(ca_file), redis_tls)
    for key, value in w.env.items():
        monkeypatch.setenv(key, value)  # the TUI runs in this process
    yield w


def seeded(root: Path, world: World) -> Path:
    """A checkout with every render value entered, and a Stripe key Stripe rejects (401)."""
    if not root.exists():
        shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".convoai-setup"))
    names = [v.name for v in for_phase("render")] + ["VITE_API_URL"]
    values = {n: world.values[n] for n in names if n in world.values}
    values["STRIPE_SECRET_KEY"] = REJECTED
    Answers(Project(root), use_environment=False).set_many(values)
    return root


def cli_status(root: Path) -> str:
    doc = json.loads(run_cli("status", "--json", project=root).stdout)
    return str(next(p for p in doc["phases"] if p["id"] == "render")["status"])


def through_the_cli(root: Path, world: World) -> str:
    checked = run_cli("check", "render", project=root, env=world.env)
    assert checked.returncode == 1 and "rejected the credentials (401)" in checked.stdout
    written = run_cli("write", "render", project=root, env=world.env)
    assert written.returncode == 0 and (root / "render.yaml").is_file()
    assert "render: failed, not done" in written.stderr
    return cli_status(root)


async def through_the_tui(root: Path, make_app: Callable[..., WizardApp]) -> str:
    app = make_app("render")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+r")  # Validate: the checks fail
        await settle(pilot)
        await pilot.click("#write")
        await settle(pilot)
        assert (root / "render.yaml").is_file()
        await pilot.press("ctrl+f")  # Done: verifies again, by the one rule
        await settle(pilot)
        assert app.current_step() == "render"  # not done: the screen stays
        intro = str(app.screen.query_one("#phase-intro", Static).render())
        assert "Status: failed" in intro, intro
    return statuses(root)["render"].status


def through_plain(root: Path, world: World) -> str:
    env = dict(os.environ, TERM="xterm", COLUMNS="100", LINES="30", **world.env)
    child = pexpect.spawn(
        sys.executable,
        ["-m", "wizard", "phase", "render", "--plain", "--project", str(root)],
        cwd=str(REPO),
        env=env,
        encoding="utf-8",
        timeout=60,
        dimensions=(30, 100),
    )
    for var in for_phase("render"):
        child.expect(rf"\n{var.name} \((required|optional)")  # the question's header
        child.expect(r"\x1b\[\?25h")  # the prompt is drawn and shows its cursor
        child.send("\r")  # keep the stored value
    child.expect(r"Write render\.yaml\?")
    child.send("\r")
    child.expect(r"Verify Render backend now")
    child.send("\r")
    child.expect(r"Enter STRIPE_SECRET_KEY again\?")  # Stripe rejected it: offered at once
    child.send("n\r")
    child.expect(r"Compare with Render now")  # then the platform, before the verdict
    child.send("n\r")
    child.expect(r"Push to Render now")
    child.send("\r")  # default: no
    child.expect(r"Render backend: (.*)\r\n")
    said = child.match.group(1)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert said.startswith("not done yet (failed)") and "401" in said, said
    return statuses(root)["render"].status


async def test_checks_fail_then_write_is_failed_in_every_front_end(
    world: World, ui_project: Path, make_app: Callable[..., WizardApp], tmp_path: Path
) -> None:
    cli = through_the_cli(seeded(tmp_path / "cli", world), world)
    tui = await through_the_tui(seeded(ui_project, world), make_app)
    plain = through_plain(seeded(tmp_path / "plain", world), world)
    assert cli == tui == plain == "failed"
    # and `status`, asked afterwards, agrees with what each front end showed
    assert (
        cli_status(tmp_path / "cli")
        == cli_status(ui_project)
        == cli_status(tmp_path / "plain")
        == "failed"
    )
