"""The plain flow through a real pseudo-terminal (pexpect), as a person would answer it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pexpect

from tests.conftest import FAKE_SECRETS, REPO, run_cli, scan_for_secrets
from wizard.done import all_status
from wizard.project import Project
from wizard.state import StateFile
from wizard.values import Answers


def spawn(project: Path, *args: str) -> pexpect.spawn:
    from tests.plain import drive

    return drive.spawn(project, *args)


#: the optional provisioning answers each phase asks after its own values (issue 17)
PROVISION_UPSTASH = ("UPSTASH_EMAIL", "UPSTASH_API_KEY", "UPSTASH_DATABASE", "UPSTASH_REGION")
PROVISION_SENTRY = ("SENTRY_AUTH_TOKEN", "SENTRY_ORG", "SENTRY_TEAM", "SENTRY_PROJECT")


def skip_optional(child: pexpect.spawn, names: tuple[str, ...]) -> None:
    """Press Enter at each of ``names`` (an optional value, or its default kept)."""
    for name in names:
        child.expect(rf"{name}.*:")
        child.sendline("")


def test_upstash_phase_saves_secret_but_unverified_is_not_done(project: Path) -> None:
    child = spawn(project, "phase", "upstash")
    child.expect("REDIS_URL")
    child.expect(r"REDIS_URL.*:")
    child.sendline("https://fake-endpoint.upstash.io")  # the REST URL: refused as typed
    child.expect("REST URL")
    child.send("\x15")  # Ctrl-U clears the line
    child.sendline(FAKE_SECRETS["REDIS_URL"])
    child.expect("saved REDIS_URL")
    skip_optional(child, PROVISION_UPSTASH)
    child.expect("Verify Upstash Redis now")
    child.sendline("n")
    child.expect(r"Upstash Redis: not done yet \(pending\): run the upstash check")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert FAKE_SECRETS["REDIS_URL"] not in (child.before or "")
    p = Project(project)
    assert Answers(p).resolve("REDIS_URL").value == FAKE_SECRETS["REDIS_URL"]
    assert {s.phase.id: s.status for s in all_status(p, StateFile(p).read())}[
        "upstash"
    ] == "pending"
    assert scan_for_secrets(project) == []


def test_ctrl_c_keeps_what_was_confirmed(project: Path) -> None:
    child = spawn(project)
    child.expect(r"SUPABASE_URL:")
    child.sendline("https://abcdefgh.supabase.co")
    child.expect("saved SUPABASE_URL")
    child.expect(r"SUPABASE_SERVICE_KEY.*:")
    child.sendintr()
    child.expect("Interrupted: 1 values you confirmed were saved; nothing else changed.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    answers = Answers(Project(project))
    assert answers.resolve("SUPABASE_URL").value == "https://abcdefgh.supabase.co"
    assert answers.resolve("SUPABASE_SERVICE_KEY").value is None


def test_no_terminal_exits_2_pointing_to_the_commands(project: Path) -> None:
    for args in (("--plain",), ("phase", "render"), ()):
        result = run_cli(*args, project=project)
        assert result.returncode == 2
        assert "no terminal for the interactive wizard" in result.stderr
        assert "vars set/import, check, migrate, write, export" in result.stderr
        assert "textual" not in result.stderr.lower()


def test_plain_before_the_command_word_is_honoured(project: Path) -> None:
    env = dict(os.environ, TERM="xterm", COLUMNS="100", LINES="30")
    child = pexpect.spawn(
        sys.executable,
        ["-m", "wizard", "--plain", "--project", str(project), "phase", "upstash"],
        cwd=str(REPO),
        env=env,
        encoding="utf-8",
        timeout=30,
        dimensions=(30, 100),
    )
    child.expect(r"REDIS_URL.*:")  # a questionary prompt, not the full-screen app
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130


def test_a_required_value_can_be_skipped_and_the_phase_stays_unfinished(project: Path) -> None:
    child = spawn(project, "phase", "upstash")
    child.expect(r"REDIS_URL.*:")
    child.sendline("")
    child.expect("skipped REDIS_URL for now")
    skip_optional(child, PROVISION_UPSTASH)
    child.expect("Verify Upstash Redis now")
    child.sendline("n")
    child.expect(r"Upstash Redis: not done yet \(pending\): enter REDIS_URL")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    p = Project(project)
    # a value not entered yet leaves the phase unfinished (pending), not failed
    assert {s.phase.id: s.status for s in all_status(p, StateFile(p).read())}[
        "upstash"
    ] == "pending"
