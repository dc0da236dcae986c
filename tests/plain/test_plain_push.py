"""``--plain`` compares with and pushes to the phase's platform (Render, Vercel) through the same
operations as ``convoai-setup drift`` and ``push``, driven through a real pty against the
stateful stand-ins: the masked plan, a confirm that defaults to no, then progress lines."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pexpect

from tests.conftest import run_cli, scan_for_secrets
from tests.plain.conftest import Platforms
from tests.plain.drive import answer, finish, keep_values, spawn, transcript
from tests.push.conftest import RENDER_VARS, SECRETS, VALUES, leaks, state_of


def through_render_values(child: pexpect.spawn) -> None:
    """Keep every stored value, don't write render.yaml, don't run the live checks."""
    keep_values(child, "render")
    answer(child, r"Write render\.yaml\?", "n\r")
    answer(child, r"Verify Render backend now", "n\r")


def test_render_phase_compares_then_pushes_after_a_confirm(
    stored: Path, platforms: Platforms
) -> None:
    sid = platforms.service({"FOREIGN_VAR": "keep-me"})
    child = spawn(stored, "phase", "render", env=platforms.env)
    through_render_values(child)
    answer(child, r"Compare with Render now \(reads Render; sends nothing\)\?", "\r")
    child.expect(r"Render differs: 15 missing \(NODE_ENV, PORT, SUPABASE_URL, \w+ and 11 more\)\.")
    assert platforms.render.writes() == []  # comparing sends nothing
    child.expect(r"Set \d+ variable\(s\) on Render, then deploy\?")
    plan = transcript(child)
    child.send("y\r")
    child.expect(r"Render: read back: every value matches\.")
    child.expect(r"Render deploy dep-\d+ is live\.")
    child.expect("Render backend: not done yet")
    assert finish(child) == 0
    out = transcript(child)
    # The compare's table and the masked plan, as the CLI prints them.
    assert re.search(r"STRIPE_SECRET_KEY\s+missing", plan)
    assert re.search(r"FOREIGN_VAR\s+extra", plan)
    assert re.search(r"add\s+STRIPE_SECRET_KEY\s+sk_test_…", plan)
    assert re.search(r"kept\s+FOREIGN_VAR", plan)
    # Everything landed next to the variable Render had; a deploy followed.
    assert platforms.render.env[sid] == {
        "FOREIGN_VAR": "keep-me",
        **{n: VALUES[n] for n in RENDER_VARS},
    }
    assert ("POST", f"/v1/services/{sid}/deploys") in platforms.render.writes()
    assert "Render deploy" in out and "started" in out
    # The push's record is the one `push` keeps: the service id and an in-sync read-back.
    assert state_of(stored)["platforms"]["render"]["service_id"] == sid
    assert leaks(out) == []
    assert scan_for_secrets(stored / ".convoai-setup", SECRETS) == []


def test_render_drift_shows_a_changed_value_and_a_declined_push_sends_nothing(
    stored: Path, platforms: Platforms
) -> None:
    changed = "sk-FAKEchangedOnTheDashboard0123456789abcdefghij"
    sid = platforms.service({**{n: VALUES[n] for n in RENDER_VARS}, "OPENAI_API_KEY": changed})
    child = spawn(stored, "phase", "render", env=platforms.env)
    through_render_values(child)
    answer(child, r"Compare with Render now", "\r")
    child.expect(r"Render differs: 1 different \(OPENAI_API_KEY\)\.")
    answer(child, r"Set 1 variable\(s\) on Render, then deploy\?", "\r")  # default: no
    child.expect("Not confirmed: nothing was pushed")
    assert finish(child) == 0
    out = transcript(child)
    assert re.search(r"OPENAI_API_KEY\s+different", out)
    assert re.search(r"JWT_SECRET\s+in sync", out)
    assert platforms.render.writes() == []
    assert platforms.render.env[sid]["OPENAI_API_KEY"] == changed
    assert changed not in out and leaks(out) == []
    # drift's record, so `status` says it too (the same operation as `convoai-setup drift`)
    record = state_of(stored)["platforms"]["render"]
    assert record["different"] == ["OPENAI_API_KEY"] and not record["in_sync"]
    status = json.loads(run_cli("status", "--json", project=stored).stdout)
    note = next(p["message"] for p in status["phases"] if p["id"] == "render")
    assert "Render differs since" in note and "OPENAI_API_KEY" in note


def test_vercel_phase_pushes_vite_api_url(stored: Path, platforms: Platforms) -> None:
    pid = platforms.project([])
    child = spawn(stored, "phase", "vercel", env=platforms.env)
    keep_values(child, "vercel")
    answer(child, r"Write vercel\.json\?", "n\r")
    answer(child, r"Verify Vercel frontend now", "n\r")
    answer(child, r"Compare with Vercel now", "\r")
    child.expect(r"Vercel differs: 1 missing \(VITE_API_URL\)\.")
    answer(child, r"Set 1 variable\(s\) on Vercel, then deploy\?", "y\r")
    child.expect(r"Vercel: set 1 variable\(s\): VITE_API_URL\.")
    child.expect(r"is READY")
    assert finish(child) == 0
    [entry] = platforms.vercel.envs[pid]
    assert entry["key"] == "VITE_API_URL" and entry["value"] == VALUES["VITE_API_URL"]


def test_without_the_token_nothing_is_asked(project: Path, platforms: Platforms) -> None:
    child = spawn(project, "phase", "vercel", env=platforms.env)
    keep_values(child, "vercel")
    # (vercel.json can't be written without APP_URL: that step only says so)
    answer(child, r"Verify Vercel frontend now", "n\r")
    child.expect(r"Vercel: VERCEL_TOKEN is not set, so there is nothing to compare or push yet")
    child.expect("Vercel frontend: not done yet")
    assert finish(child) == 0
    assert "Compare with Vercel" not in transcript(child)
    assert platforms.vercel.log == []
