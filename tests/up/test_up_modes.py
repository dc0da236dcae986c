"""``up``'s ways of not acting: ``--dry-run`` prints the plan and sends no write anywhere; with no
terminal and no ``--yes``, a plan that writes is not carried out (exit 2); ``--no-deploy``
stops before the deploy and the next ``up`` deploys what was pushed."""

from __future__ import annotations

import json
from pathlib import Path

from tests.up.world import TOKENS, World, commands_asked


def stored_names(project: Path) -> set[str]:
    state = json.loads((project / ".convoai-setup" / "state.json").read_text())
    return set(state["values"])


def test_dry_run_prints_the_plan_and_sends_no_write_anywhere(world: World) -> None:
    world.type_tokens()
    files_before = sorted(p.name for p in world.project.iterdir())
    run = world.up("--dry-run")
    assert run.code == 0, run.stderr
    for step, line in [
        ("provision", "create stripe price convoai_starter_monthly"),
        ("render", "create service convoai-backend; APP_URL from Render's answer"),
        ("vercel", "create project convoai"),
        ("webhook", "create the endpoint at APP_URL/api/subscriptions/webhook"),
    ]:
        assert any(step in ln and line in ln for ln in run.stderr.splitlines()), (step, run.stderr)
    assert "--dry-run: nothing was created, changed or stored." in run.stderr
    assert world.recorder.writes() == []
    assert world.recorder.exchanges, "the plan reads what exists"
    assert stored_names(world.project) == set(TOKENS)
    assert sorted(p.name for p in world.project.iterdir()) == files_before
    assert world.cluster.databases == {}


def test_without_a_terminal_and_without_yes_nothing_is_done(world: World) -> None:
    world.type_tokens()
    run = world.up()
    assert run.code == 2, run.stderr
    assert "Nothing was done: there is no terminal to confirm the plan on" in run.stderr
    assert world.recorder.writes() == []
    assert stored_names(world.project) == set(TOKENS)
    assert not (world.project / "vercel.json").exists()


def test_no_deploy_stops_before_the_deploy_and_the_next_up_deploys_what_was_pushed(
    world: World,
) -> None:
    world.type_tokens()
    first = world.up("--yes")
    world.git_push(commands_asked(first.stderr)[0])
    held = world.up("--yes", "--no-deploy", "--json")
    assert held.code == 0, held.stderr
    *events, summary = [json.loads(line) for line in held.stdout.splitlines()]
    assert [e["step"] for e in events if e["status"] != "running"][-1] == "deploy"
    assert events[-1]["status"] == "stop" and summary["ok"] is True
    service = world.service()["id"]
    assert "STRIPE_WEBHOOK_SECRET" in world.render.env[service]
    assert world.render.live_env(service) == {}  # pushed, not deployed
    # nothing is left to push, but the deploy is still owed: the next up deploys and verifies
    mark = world.recorder.mark()
    final = world.up("--yes")
    assert final.code == 0, final.stderr
    assert [(e.method, e.path) for e in world.recorder.writes(mark)] == [
        ("POST", f"/v1/services/{service}/deploys")
    ]
    assert (
        world.render.live_env(service)["STRIPE_WEBHOOK_SECRET"]
        == (next(iter(world.stripe.endpoints.values()))["secret"])
    )
    assert "deployed and live" in final.stderr and "Verified" in final.stderr
