"""Later pushes go straight to the service / project id the state remembers; a stale id (deleted,
renamed, another name or workspace asked for) is noticed, said, and found again by name."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_cli
from tests.push.conftest import RENDER_VARS, VALUES, state_of, store
from tests.push.fake_render import FakeRender
from tests.push.fake_vercel import FakeVercel


def _requests(fake: FakeRender, start: int) -> list[tuple[str, str]]:
    return fake.log[start:]


def test_render_uses_the_remembered_service_and_finds_a_stale_one_again(
    stored: Path, render: FakeRender, env: dict[str, str]
) -> None:
    sid = render.add_service("convoai-backend", {"FOREIGN_VAR": "keep-me"})
    first = run_cli("push", "render", "--yes", "--no-deploy", project=stored, env=env)
    assert first.returncode == 0, first.stderr
    remembered = state_of(stored)["platforms"]["render"]
    assert (remembered["service_id"], remembered["service_name"], remembered["owner"]) == (
        sid,
        "convoai-backend",
        "",
    )

    # Known service: its variables are read at once (the name search only confirms the id),
    # and no workspace list is needed.
    store(stored, {"APP_URL": "https://api.example.com"})
    start = len(render.log)
    second = run_cli("push", "render", "--yes", "--no-deploy", project=stored, env=env)
    assert second.returncode == 0, second.stderr
    seen = _requests(render, start)
    assert ("GET", "/v1/owners") not in seen
    assert set(seen[:2]) == {("GET", "/v1/services"), ("GET", f"/v1/services/{sid}/env-vars")}
    assert render.env[sid]["APP_URL"] == "https://api.example.com"
    assert "remembered" not in second.stdout

    # The service was deleted and made again (new id): 404 on the old id, said, found by name.
    del render.services[sid]
    new = render.add_service("convoai-backend", {"FOREIGN_VAR": "still-here"})
    old_writes = [w for w in render.writes() if sid in w[1]]
    third = run_cli("push", "render", "--yes", "--no-deploy", project=stored, env=env)
    assert third.returncode == 0, third.stderr
    assert f"the remembered service {sid} was not found (Render answered 404)" in third.stdout
    assert render.env[new] == {
        "FOREIGN_VAR": "still-here",
        **{n: str(VALUES[n]) for n in RENDER_VARS},
        "APP_URL": "https://api.example.com",
    }
    assert state_of(stored)["platforms"]["render"]["service_id"] == new
    assert [w for w in render.writes() if sid in w[1]] == old_writes  # nothing sent to the old id

    # Renamed on Render (same id, another name) while another service has the name now.
    render.services[new]["name"] = "convoai-renamed"
    other = render.add_service("convoai-backend", {})
    fourth = run_cli("drift", "render", project=stored, env=env)
    assert fourth.returncode == 1
    assert (
        f"the remembered service {new} was not found (no service convoai-backend has that id now)"
        in fourth.stdout
    )
    assert f"service convoai-backend ({other})" in fourth.stdout
    assert state_of(stored)["platforms"]["render"]["service_id"] == other

    # Another RENDER_SERVICE_NAME: the remembered id is not used at all.
    store(stored, {"RENDER_SERVICE_NAME": "convoai-api"})
    start = len(render.log)
    fifth = run_cli("drift", "render", project=stored, env=env)
    assert fifth.returncode == 1 and "does not exist yet" in fifth.stdout
    assert not [p for _, p in _requests(render, start) if "env-vars" in p]
    assert "service_id" not in state_of(stored)["platforms"]["render"]


def test_vercel_uses_the_remembered_project_and_finds_a_stale_one_again(
    stored: Path, vercel: FakeVercel, env: dict[str, str]
) -> None:
    pid = vercel.add_project("convoai")
    first = run_cli("push", "vercel", "--yes", "--no-deploy", project=stored, env=env)
    assert first.returncode == 0, first.stderr
    assert state_of(stored)["platforms"]["vercel"]["project_id"] == pid

    store(stored, {"VITE_API_URL": "https://api.example.com"})
    start = len(vercel.log)
    second = run_cli("push", "vercel", "--yes", "--no-deploy", project=stored, env=env)
    assert second.returncode == 0, second.stderr
    # The variables by id and the project by name were asked together, before the upsert.
    before_write = [(m, p) for m, p, _ in vercel.log[start:]][:2]
    assert set(before_write) == {
        ("GET", "/v9/projects/convoai"),
        ("GET", f"/v10/projects/{pid}/env"),
    }

    # Deleted and created again under the same name: the old id answers 404.
    del vercel.projects[pid]
    new = vercel.add_project("convoai")
    third = run_cli("push", "vercel", "--yes", "--no-deploy", project=stored, env=env)
    assert third.returncode == 0, third.stderr
    assert f"the remembered project {pid} was not found (Vercel answered 404)" in third.stdout
    assert [e["value"] for e in vercel.envs[new] if e["key"] == "VITE_API_URL"] == [
        "https://api.example.com"
    ]
    assert state_of(stored)["platforms"]["vercel"]["project_id"] == new
