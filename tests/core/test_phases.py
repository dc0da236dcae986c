"""Phases, fingerprints and status: done until an input changes, then stale; todos follow phases."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import FAKE_SECRETS, run_cli
from tests.evidence import prove
from wizard.done import phase_status
from wizard.phases import PHASE_IDS, PHASES, TODOS, get_phase
from wizard.project import find_project
from wizard.state import StateFile
from wizard.values import Answers


def status_of(project: Path) -> dict[str, str]:
    doc = json.loads(run_cli("status", "--json", project=project).stdout)
    return {p["id"]: p["status"] for p in doc["phases"]}


def complete(project: Path, phase_id: str, ok: bool = True) -> None:
    prove(project, phase_id, failing="" if ok else "Stripe rejected the key (401)")


def test_the_seven_phases_cover_every_todo_of_the_plan() -> None:
    assert PHASE_IDS == (
        "supabase",
        "upstash",
        "render",
        "vercel",
        "github-actions",
        "env-example",
        "post-deploy",
    )
    assert sorted(t for p in PHASES for t in p.todos) == sorted(TODOS)
    assert {"SUPABASE_URL", "SUPABASE_SERVICE_KEY", "SUPABASE_DB_URL"} <= set(
        get_phase("supabase").inputs
    )
    assert "APP_URL" in get_phase("vercel").inputs and "APP_URL" in get_phase("post-deploy").inputs


def test_fresh_project_is_all_pending(project: Path) -> None:
    doc = json.loads(run_cli("status", "--json", project=project).stdout)
    assert {p["status"] for p in doc["phases"]} == {"pending"}
    assert [t["id"] for t in doc["todos"]] == list(TODOS)
    assert not (project / ".convoai-setup").exists()  # status reads, never creates


def test_done_then_stale_when_an_input_changes(project: Path) -> None:
    run_cli("vars", "set", "APP_URL", "https://convoai-backend.onrender.com", project=project)
    run_cli("vars", "set", "VITE_API_URL", "https://convoai-backend.onrender.com", project=project)
    run_cli("vars", "set", "REDIS_URL", project=project, input=FAKE_SECRETS["REDIS_URL"])
    complete(project, "vercel")
    complete(project, "upstash")
    assert status_of(project)["vercel"] == "done"
    run_cli("vars", "set", "APP_URL", "https://api.example.com", project=project)
    after = json.loads(run_cli("status", "--json", project=project).stdout)
    vercel = next(p for p in after["phases"] if p["id"] == "vercel")
    assert vercel["status"] == "stale" and vercel["changed"] == ["APP_URL"]
    assert next(t for t in after["todos"] if t["id"] == "vercel-config")["status"] == "stale"
    assert status_of(project)["upstash"] == "done"  # APP_URL is not an Upstash input
    human = run_cli("status", project=project).stdout
    assert "stale" in human and "changed since: APP_URL" in human


def test_setting_the_same_value_again_keeps_the_phase_done(project: Path) -> None:
    run_cli("vars", "set", "REDIS_URL", project=project, input=FAKE_SECRETS["REDIS_URL"])
    complete(project, "upstash")
    run_cli("vars", "set", "REDIS_URL", project=project, input=FAKE_SECRETS["REDIS_URL"] + "\n")
    assert status_of(project)["upstash"] == "done"
    run_cli(
        "vars",
        "set",
        "REDIS_URL",
        project=project,
        input=FAKE_SECRETS["REDIS_URL"].replace("6379", "6380"),
    )
    assert status_of(project)["upstash"] == "stale"


def test_an_input_file_change_makes_the_phase_stale(project: Path) -> None:
    Answers(find_project(project)).set_many(
        {
            "SUPABASE_URL": "https://abcdefgh.supabase.co",
            "SUPABASE_SERVICE_KEY": FAKE_SECRETS["SUPABASE_SERVICE_KEY"],
            "SUPABASE_DB_URL": FAKE_SECRETS["SUPABASE_DB_URL"],
        }
    )
    complete(project, "supabase")
    assert status_of(project)["supabase"] == "done"
    migration = project / "supabase" / "migrations" / "002_rescraping_columns.sql"
    migration.write_text(migration.read_text() + "\n-- edited\n")
    assert status_of(project)["supabase"] == "stale"


def test_failed_phase_and_state_never_holds_secret_values(project: Path) -> None:
    for name, value in FAKE_SECRETS.items():
        run_cli("vars", "set", name, project=project, input=value)
    complete(project, "render", ok=False)
    assert status_of(project)["render"] == "failed"
    raw = (project / ".convoai-setup" / "state.json").read_text()
    for value in FAKE_SECRETS.values():
        assert value not in raw
    p = find_project(project)
    st = phase_status(p, StateFile(p).read(), get_phase("render"))
    assert st.message == "Stripe rejected the key (401)"


def test_fingerprints_are_keyed_per_project(project: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / "package.json").write_text("{}")
    (other / "supabase").mkdir()
    for root in (project, other):
        Answers(find_project(root)).set("APP_URL", "https://same.example.com")
    digests = [
        json.loads((r / ".convoai-setup" / "state.json").read_text())["values"]["APP_URL"]["digest"]
        for r in (project, other)
    ]
    assert digests[0] != digests[1]  # a per-project salt: equal values don't look equal
