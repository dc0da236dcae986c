"""``convoai-setup up`` from a fresh checkout with only the tokens typed, against the whole world:
it stops once for the commit, then ends verified; what Render names reaches everything built on
it; a second run writes nothing anywhere and ends with verify; no secret in any output or file.
The numbers of the closing note (values typed, writes per vendor, time per step) are printed."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

from tests.conftest import run_cli, scan_for_secrets
from tests.up.world import (
    FIRST_WRITES,
    RESUME_WRITES,
    STEP_IDS,
    TOKENS,
    UpRun,
    World,
    commands_asked,
)

GUESS = "https://convoai-backend.onrender.com"
EVENT_KEYS = {"step", "status", "message", "seconds"}


def events_and_summary(run: UpRun) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The NDJSON stream: every line one JSON object; events, then exactly one summary."""
    docs = [json.loads(line) for line in run.stdout.splitlines()]
    assert run.stdout.endswith("\n") and all(line for line in run.stdout.splitlines())
    *events, summary = docs
    for event in events:
        assert set(event) == EVENT_KEYS, event
        assert event["status"] in ("running", "done", "skipped", "failed", "stop"), event
        assert "\n" not in event["message"] and isinstance(event["seconds"], float | int)
    assert {"ok", "stopped_at", "urls", "created", "seconds"} <= set(summary)
    assert "step" not in summary and "status" not in summary
    return events, summary


def finished(events: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Each step's last event (its outcome)."""
    return {e["step"]: e for e in events if e["status"] != "running"}


def test_from_tokens_it_stops_for_the_commit_then_ends_verified_and_a_second_run_writes_nothing(
    world: World,
) -> None:
    world.type_tokens()

    # -- first run: everything up to GitHub, then the exact git commands and exit 1 ------------
    first = world.up("--yes", "--json")
    ends = [world.recorder.mark()]
    assert first.code == 1, first.stderr
    events, summary = events_and_summary(first)
    outcome = finished(events)
    assert list(outcome) == STEP_IDS[:8]
    assert [outcome[s]["status"] for s in STEP_IDS[:7]] == ["done"] * 7
    assert outcome["github"]["status"] == "failed" and summary["stopped_at"] == "github"
    paths, branch = commands_asked(outcome["github"]["message"])
    assert branch == "main"
    assert paths == [
        "vercel.json",
        "render.yaml",
        ".github/workflows/ci.yml",
        ".env.example",
        "supabase/migrations/005_service_role_grants.sql",
    ]
    assert world.recorder.shapes() == FIRST_WRITES

    # Render named the service: the suffixed URL is APP_URL, and everything built on it has it
    app_url = world.app_url()
    assert app_url == "https://convoai-backend-x7k1.onrender.com" != GUESS
    assert summary["urls"]["APP_URL"] == app_url
    rewrites = json.loads((world.project / "vercel.json").read_text())["rewrites"]
    assert rewrites[0]["destination"] == f"{app_url}/api/:path*"
    assert rewrites[1]["destination"] == f"{app_url}/api/widget.js"
    (vercel_project,) = world.vercel.envs.values()
    vite = {e["value"] for e in vercel_project if e["key"] == "VITE_API_URL"}
    assert vite == {app_url}
    assert summary["urls"]["FRONTEND_URL"] == "https://convoai-0001x.vercel.app"
    # the migrations really ran, as the pooler's user, and service_role may use the tables
    (ref,) = world.supabase.projects
    rows = world.cluster.rows(
        ref, "SELECT has_table_privilege('service_role', 'documents', 'SELECT')"
    )
    assert rows == [(True,)]

    # -- the developer runs what up asked; up goes on from there and ends verified -------------
    mark = world.recorder.mark()
    world.git_push(paths)
    resumed = world.up("--yes", "--json")
    ends.append(world.recorder.mark())
    assert resumed.code == 0, resumed.stderr
    events, summary = events_and_summary(resumed)
    outcome = finished(events)
    assert summary["ok"] is True and summary["resumed_from"] == "github"
    assert outcome["verify"]["status"] == "done"
    assert outcome["verify"]["message"].startswith("all 8 checks passed")
    assert world.recorder.shapes(mark) == RESUME_WRITES
    (endpoint,) = world.stripe.endpoints.values()
    assert endpoint["url"] == f"{app_url}/api/subscriptions/webhook"
    service_id = world.service()["id"]
    live = world.render.live_env(service_id)
    assert live["APP_URL"] == app_url
    assert live["STRIPE_WEBHOOK_SECRET"] == endpoint["secret"]
    assert world.backend.received == ["balance.available"]  # signed with the pushed secret
    # the guess is nowhere: not in vercel.json, Render, Vercel or Stripe
    everywhere = (
        json.dumps([world.render.env, world.vercel.envs, list(world.stripe.endpoints.values())])
        + (world.project / "vercel.json").read_text()
    )
    assert GUESS not in everywhere

    # -- a second run: reads only, and ends with verify -----------------------------------------
    mark = world.recorder.mark()
    second = world.up("--json")  # no --yes, no terminal: nothing to confirm, so nothing asked
    ends.append(world.recorder.mark())
    assert second.code == 0, second.stderr
    events, summary = events_and_summary(second)
    outcome = finished(events)
    assert world.recorder.writes(mark) == []
    assert [e["status"] for e in outcome.values()] == ["skipped"] * 2 + ["done"] + [
        "skipped"
    ] * 7 + ["done"]
    assert list(outcome)[-1] == "verify" and summary["ok"] is True and summary["created"] == []
    assert world.backend.received == ["balance.available"] * 2

    # -- no secret in any event, message or file written ----------------------------------------
    outputs = [r.stdout + r.stderr for r in (first, resumed, second)]
    assert world.leaks(*outputs) == []
    assert scan_for_secrets(world.project, world.secrets()) == []
    assert scan_for_secrets(Path.home(), world.secrets()) == []  # the vault is encrypted

    # -- the closing note's numbers -------------------------------------------------------------
    state = json.loads((world.project / ".convoai-setup" / "state.json").read_text())
    typed = sorted(
        n for n, v in state["values"].items() if v["source"] not in ("created by API", "generated")
    )
    assert typed == sorted(TOKENS)
    requests = [
        dict(Counter(e.vendor for e in world.recorder.exchanges[a:b]))
        for a, b in zip([0, *ends], ends, strict=False)
    ]
    note = {
        "values typed": len(typed),
        "writes, first run (to the commit)": dict(
            Counter(v for v, _, _ in FIRST_WRITES.elements())
        ),
        "writes, the run after the commit": dict(
            Counter(v for v, _, _ in RESUME_WRITES.elements())
        ),
        "writes, a second run": 0,
        "seconds per step, first run": json.loads(first.stdout.splitlines()[-1])["seconds"],
        "seconds per step, after the commit": summary_seconds(resumed),
        "seconds per step, second run": summary["seconds"],
        "requests per vendor (reads and writes), per run": requests,
        "wall seconds per run": [round(r.seconds, 2) for r in (first, resumed, second)],
    }
    print(json.dumps(note, indent=1))  # pytest -s shows it


def summary_seconds(run: UpRun) -> dict[str, float]:
    return dict(json.loads(run.stdout.splitlines()[-1])["seconds"])


def test_the_site_accepts_the_test_webhook_only_with_the_secret_render_runs_with(
    world: World,
) -> None:
    world.type_tokens()
    first = world.up("--yes")
    # on a terminal-less stderr: one line per step with its state and time, then where it stopped
    assert re.search(r"^✓ provision  done +\d+\.\ds  created ", first.stderr, re.M), first.stderr
    assert re.search(r"^✗ github     failed +\d+\.\ds  ", first.stderr, re.M)
    assert re.search(r"Stopped after \d+\.\ds\.$", first.stderr, re.M)
    world.git_push(commands_asked(first.stderr)[0])
    resumed = world.up("--yes")
    assert resumed.code == 0, resumed.stderr
    assert "The last up stopped at github: going on from there." in resumed.stderr
    assert re.search(
        r"^· github     skipped +\d+\.\ds  every file is on main$", resumed.stderr, re.M
    )
    assert re.search(r"^✓ verify     done +\d+\.\ds  all 8 checks passed", resumed.stderr, re.M)
    assert f"APP_URL: {world.app_url()}" in resumed.stderr
    assert re.search(r"Verified after \d+\.\ds\.$", resumed.stderr, re.M)
    # a secret stored here but never pushed: the site (Render's live deploy) does not know it
    changed = run_cli(
        "vars",
        "set",
        "STRIPE_WEBHOOK_SECRET",
        input="whsec_FAKEnotPushed0123456789abcdefghij\n",
        project=world.project,
    )
    assert changed.returncode == 0, changed.stderr
    verify = world.command("verify", "--send-test-webhook", "--json")
    assert verify.code == 1
    webhook = [r for r in json.loads(verify.stdout)["results"] if r["check"] == "webhook secret"]
    assert webhook and webhook[0]["outcome"] == "fail", verify.stdout
    assert world.backend.received == ["balance.available"]  # only up's own, signed right
