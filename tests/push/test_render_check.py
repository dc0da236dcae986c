"""``check_render`` looks for RENDER_SERVICE_NAME in the workspace RENDER_OWNER names (by id or
by name, spaces included), against the stateful fake Render on real HTTPS."""

from __future__ import annotations

import asyncio

from providers.base import CheckContext, CheckResult
from providers.http import make_client
from providers.render import check_render
from tests.conftest import FAKE_SECRETS
from tests.push.fake_render import FakeRender


def check(env: dict[str, str], owner: str | None) -> CheckResult:
    values = {"RENDER_API_KEY": FAKE_SECRETS["RENDER_API_KEY"], "RENDER_OWNER": owner}

    async def run() -> list[CheckResult]:
        async with make_client(env, 5) as client:
            return await check_render(CheckContext(values, client, 5, env))

    [result] = asyncio.run(run())
    return result


def test_render_check_honours_render_owner(render: FakeRender, env: dict[str, str]) -> None:
    render.owners.append({"id": "tea-other02", "name": "Jane Doe's Workspace", "type": "team"})
    mine = render.add_service("convoai-backend")
    theirs = render.add_service("convoai-backend", owner="tea-other02")
    by_name = check(env, "jane doe's workspace")
    assert by_name.outcome == "ok" and theirs in by_name.message, by_name.message
    assert "RENDER_OWNER" in by_name.variables  # a new RENDER_OWNER makes this result stale
    assert ("GET", "/v1/owners") in render.log
    by_id = check(env, "tea-acme01")
    assert by_id.outcome == "ok" and mine in by_id.message
    del render.services[theirs]
    gone = check(env, "tea-other02")
    assert (
        gone.outcome == "fail"
        and "no service named convoai-backend in workspace tea-other02" in gone.message
    )
    unknown = check(env, "Nobody")
    assert unknown.outcome == "fail" and "RENDER_OWNER=Nobody is not a workspace" in unknown.message
    assert "Jane Doe's Workspace (tea-other02)" in unknown.message
    assert check(env, None).outcome == "ok"  # no owner: any workspace, as before
