"""A failure at each step of ``up``: the run stops there with one line saying what failed and what
to do (exit 1), the state remembers the step, and ``up`` again finishes verified without
repeating a write any vendor carried out (their write logs add up to a clean run's)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import psycopg
import pytest

from tests.conftest import run_cli
from tests.up.recorder import Fault
from tests.up.world import FIRST_WRITES, RESUME_WRITES, UpRun, World, commands_asked

REFUSE_DDL = """
CREATE FUNCTION refuse_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'could not extend file: No space left on device'; END $$;
CREATE EVENT TRIGGER refuse_ddl ON ddl_command_start EXECUTE FUNCTION refuse_ddl();
"""
HAND_WRITTEN = "# ours\nservices:\n  - type: web\n    name: api\n"


@dataclass(frozen=True)
class Case:
    step: str
    #: set the fault up (before the run it is meant for)
    inject: Callable[[World], None]
    #: what the person does about it, as the failure line says
    fix: Callable[[World], None]
    #: words of the failure line
    said: str


def fault(vendor: str, method: str, path: str, status: int = 500) -> Callable[[World], None]:
    def inject(world: World) -> None:
        world.recorder.inject(Fault(vendor, method, path, status))

    return inject


def nothing(world: World) -> None:
    """The fault was the vendor's, and it passed: ``up`` again is all it takes."""


def short_jwt(world: World) -> None:
    typed = run_cli(
        "vars",
        "set",
        "JWT_SECRET",
        "--allow-invalid",
        input="typed-by-hand-too-short\n",
        project=world.project,
    )
    assert typed.returncode == 0, typed.stderr


def new_jwt(world: World) -> None:
    done = run_cli("generate", "jwt-secret", "--store", "--yes", project=world.project)
    assert done.returncode == 0, done.stderr


def openai_down(world: World) -> None:
    world.servers["openai"].expect_oneshot_request("/v1/models").respond_with_json(
        {"error": {"message": "The server had an error while processing your request."}}, 500
    )


def disk_full(world: World) -> None:
    def refuse(ref: str) -> None:
        with psycopg.connect(world.cluster.database_url(ref), autocommit=True) as conn:
            conn.execute(REFUSE_DDL)

    world.supabase.on_database = refuse


def disk_freed(world: World) -> None:
    (ref,) = world.cluster.databases
    with psycopg.connect(world.cluster.database_url(ref), autocommit=True) as conn:
        conn.execute("DROP EVENT TRIGGER refuse_ddl")


def hand_written_render_yaml(world: World) -> None:
    (world.project / "render.yaml").write_text(HAND_WRITTEN)


def replace_render_yaml(world: World) -> None:
    done = run_cli("write", "render", "--force", project=world.project)
    assert done.returncode == 0, done.stderr
    assert (world.project / "render.yaml.bak").read_text() == HAND_WRITTEN


def github_down(world: World) -> None:
    # vercel.json: the step reads it, the checks before it (the CI workflow's) do not
    world.recorder.inject(Fault("github", "GET", r"/repos/acme/convoai/contents/vercel\.json"))


CASES = [
    Case("provision", fault("supabase", "POST", "/v1/projects"), nothing, "server error (500)"),
    Case("jwt", short_jwt, new_jwt, "JWT_SECRET is set but unusable"),
    Case("checks", openai_down, nothing, "openai"),
    Case("migrations", disk_full, disk_freed, "No space left on device"),
    Case("render", fault("render", "POST", "/v1/services"), nothing, "server error (500)"),
    Case("vercel", fault("vercel", "POST", "/v11/projects"), nothing, "server error (500)"),
    Case("files", hand_written_render_yaml, replace_render_yaml, "render.yaml was edited by hand"),
    Case("github", github_down, nothing, "server error (500)"),
    Case("webhook", fault("stripe", "POST", "/v1/webhook_endpoints"), nothing, "(500)"),
    Case("deploy", fault("render", "POST", r"/v1/services/[^/]+/deploys"), nothing, "(500)"),
    Case(
        "verify",
        fault("site:backend", "POST", "/api/subscriptions/webhook"),
        nothing,
        "webhook",
    ),
]
AFTER_THE_COMMIT = ("webhook", "deploy", "verify")


def outcome(run: UpRun) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    *events, summary = [json.loads(line) for line in run.stdout.splitlines()]
    return {e["step"]: e for e in events if e["status"] != "running"}, summary


def until_verified(world: World) -> list[UpRun]:
    """``up`` again, and once more after the commit when it asks for one."""
    runs = [world.up("--yes", "--json")]
    steps, summary = outcome(runs[-1])
    if summary["stopped_at"] == "github":
        world.git_push(commands_asked(steps["github"]["message"])[0])
        runs.append(world.up("--yes", "--json"))
    return runs


@pytest.mark.parametrize("case", CASES, ids=[c.step for c in CASES])
def test_a_failure_at_each_step_stops_there_and_up_again_finishes_without_repeating_a_write(
    world: World, case: Case
) -> None:
    world.type_tokens()
    runs: list[UpRun] = []
    if case.step in AFTER_THE_COMMIT:
        runs.append(world.up("--yes", "--json"))  # stops for the commit
        world.git_push(commands_asked(outcome(runs[0])[0]["github"]["message"])[0])
    case.inject(world)
    failed = world.up("--yes", "--json")
    runs.append(failed)
    steps, summary = outcome(failed)
    assert failed.code == 1, failed.stderr
    assert summary["stopped_at"] == case.step and list(steps)[-1] == case.step
    assert steps[case.step]["status"] == "failed"
    assert case.said in steps[case.step]["message"], steps[case.step]["message"]
    state = json.loads((world.project / ".convoai-setup" / "state.json").read_text())
    assert state["up"]["stopped_at"] == case.step

    case.fix(world)
    runs += until_verified(world)
    steps, summary = outcome(runs[-1])
    assert runs[-1].code == 0, runs[-1].stderr
    assert summary["ok"] is True and steps["verify"]["status"] == "done"
    assert summary["resumed_from"] in (case.step, "github")
    # every write a vendor carried out, once: exactly what a run without the fault writes
    assert world.recorder.shapes() == FIRST_WRITES + RESUME_WRITES
    assert world.leaks(*(r.stdout + r.stderr for r in runs)) == []
