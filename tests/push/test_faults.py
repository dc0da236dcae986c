"""Transport faults on writes, against a stand-in that applies each write before it fails to
answer (issue 16): the HTTP layer retries what is safe to retry, and what a push reports as
landed comes from the read-back, never from the write answers."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli
from tests.push.conftest import RENDER_VARS, VALUES, leaks
from tests.push.fake_render import FakeRender


def _puts(render: FakeRender, key: str) -> int:
    return sum(1 for m, p in render.writes() if m == "PUT" and p.endswith(f"/env-vars/{key}"))


def test_a_dropped_connection_on_each_first_put_is_retried_and_the_push_lands_whole(
    stored: Path, render: FakeRender, env: dict[str, str]
) -> None:
    sid = render.add_service("convoai-backend", {})
    for round_ in range(20):
        render.env[sid] = {}  # every push writes all fifteen
        render._dropped.clear()
        render.drop_first_put = set(RENDER_VARS)  # each key: applied, then the answer is lost
        before = len(render.writes())
        result = run_cli("push", "render", "--yes", "--no-deploy", project=stored, env=env)
        assert result.returncode == 0, (round_, result.stderr)
        assert render.env[sid] == {n: VALUES[n] for n in RENDER_VARS}
        # Nothing alarming: every value set and read back; no "did not land", no "lost".
        assert "read back: every value matches" in result.stderr
        assert "did not land" not in result.stderr and "lost" not in result.stderr
        # Each key was sent exactly twice: the dropped attempt and its retry.
        writes = render.writes()[before:]
        assert sorted(p.rsplit("/", 1)[-1] for _, p in writes) == sorted(RENDER_VARS * 2)
        assert leaks(result.stdout, result.stderr) == []


def test_a_write_that_lands_but_is_never_answered_is_reported_from_the_read_back(
    stored: Path, render: FakeRender, env: dict[str, str]
) -> None:
    sid = render.add_service("convoai-backend", {n: VALUES[n] for n in RENDER_VARS})
    render.env[sid]["JWT_SECRET"] = "an-old-secret-that-push-replaces-0000000000"
    render.never_answer, render.hang = {"JWT_SECRET"}, 6.0
    result = run_cli(
        "push",
        "render",
        "--yes",
        "--no-deploy",
        "--json",
        "--timeout",
        "2",
        project=stored,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert render.env[sid]["JWT_SECRET"] == VALUES["JWT_SECRET"]
    applied = json.loads(result.stdout)["platforms"][0]["applied"]
    assert applied["landed"] == ["JWT_SECRET"] and applied["failed"] == {}
    assert applied["answer_lost"] == ["JWT_SECRET"]
    assert "JWT_SECRET read back as sent (the answer to the write was lost)" in result.stderr
    assert _puts(render, "JWT_SECRET") == 1  # a timeout is not retried: the read-back decides
    assert leaks(result.stdout, result.stderr) == []


def test_a_write_answered_200_that_reads_back_different_did_not_land(
    stored: Path, render: FakeRender, env: dict[str, str]
) -> None:
    sid = render.add_service("convoai-backend", {})
    render.keep_wrong = {"APP_URL"}
    result = run_cli("push", "render", "--yes", "--json", project=stored, env=env)
    assert result.returncode == 1
    applied = json.loads(result.stdout)["platforms"][0]["applied"]
    assert "APP_URL" not in applied["landed"]
    assert "reads back different" in applied["failed"]["APP_URL"]
    assert "did not land (APP_URL: the platform accepted it, but it reads back different)" in (
        result.stderr
    )
    assert not [w for w in render.writes() if w[1].endswith("/deploys")]  # no deploy of it
    assert render.env[sid]["APP_URL"] != VALUES["APP_URL"]
