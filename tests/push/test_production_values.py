"""What reaches Render and Vercel comes from the store, never from the developer's machine.

A checkout's ``.env`` is the app's local config and a developer's shell exports the same names:
neither is used for a push; the plan says where they differ; a value that only works on this
machine (a loopback host, plain http) is refused with where it came from. Each platform stands
alone, and a ``change`` row shows what the platform has now.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import FAKE_SECRETS, run_cli
from tests.push.conftest import RENDER_VARS, VALUES, leaks, store
from tests.push.fake_render import FakeRender
from tests.push.fake_vercel import FakeVercel

DEVELOPER_DOTENV = "NODE_ENV=development\nPORT=5000\nAPP_URL=http://localhost:5000\n"


def squeezed(text: str) -> str:
    return " ".join(text.split())


def test_dotenv_and_shell_never_reach_render_and_the_plan_says_where_they_differ(
    stored: Path, render: FakeRender, vercel: FakeVercel, env: dict[str, str]
) -> None:
    (stored / ".env").write_text(DEVELOPER_DOTENV)
    sid = render.add_service("convoai-backend", {})
    pid = vercel.add_project("convoai", [])
    shell = {**env, "NODE_ENV": "development", "VITE_API_URL": "http://localhost:5000"}
    result = run_cli("push", "render", "vercel", "--yes", "--no-deploy", project=stored, env=shell)
    assert result.returncode == 0, result.stderr
    assert {n: render.env[sid][n] for n in RENDER_VARS} == {n: VALUES[n] for n in RENDER_VARS}
    assert render.env[sid]["NODE_ENV"] == "production" and render.env[sid]["PORT"] == "10000"
    assert [e["value"] for e in vercel.envs[pid] if e["key"] == "VITE_API_URL"] == [
        VALUES["VITE_API_URL"]
    ]
    plan = squeezed(result.stdout)
    assert (
        "`.env` has APP_URL=http://localhost:5000; production uses the stored "
        f"{VALUES['APP_URL']}" in plan
    )
    assert "`.env` has PORT=5000; production uses the stored 10000" in plan
    # The shell comes first, and each difference is said once.
    assert plan.count("has NODE_ENV=") == 1
    assert "the environment has NODE_ENV=development; production uses the stored production" in plan
    assert "the environment has VITE_API_URL=http://localhost:5000" in plan


def test_a_loopback_value_is_refused_on_the_plan_and_the_other_platform_goes_on(
    stored: Path, render: FakeRender, vercel: FakeVercel, env: dict[str, str]
) -> None:
    sid = render.add_service("convoai-backend", {})
    pid = vercel.add_project("convoai", [])
    store(stored, {"APP_URL": "https://127.0.0.1:5000"})
    result = run_cli("push", "render", "vercel", "--yes", "--no-deploy", project=stored, env=env)
    assert result.returncode == 2
    err = squeezed(result.stderr)
    assert (
        "Render: refused APP_URL=https://127.0.0.1:5000 (source: entered): 127.0.0.1 is this "
        "machine (loopback), which no platform can reach; nothing was pushed to Render" in err
    )
    assert render.writes() == [] and render.env[sid] == {}
    # Vercel stands alone: its own value is fine, so it is pushed.
    assert [e["value"] for e in vercel.envs[pid] if e["key"] == "VITE_API_URL"] == [
        VALUES["VITE_API_URL"]
    ]


def test_a_default_that_follows_a_local_value_is_refused_with_its_source(
    stored: Path, vercel: FakeVercel, env: dict[str, str], tmp_path: Path
) -> None:
    vercel.add_project("convoai", [])
    assert run_cli("vars", "unset", "VITE_API_URL", project=stored).returncode == 0
    source = tmp_path / "dev.env"
    source.write_text("APP_URL=http://localhost:5000\n")
    imported = run_cli("vars", "import", str(source), "--allow-invalid", project=stored)
    assert imported.returncode == 0, imported.stderr
    result = run_cli("push", "vercel", "--yes", "--no-deploy", project=stored, env=env)
    assert result.returncode == 2
    assert (
        "refused VITE_API_URL=http://localhost:5000 (source: default (APP_URL)): localhost is "
        "this machine (loopback)" in squeezed(result.stderr)
    )
    assert vercel.writes() == []


def test_plain_http_is_refused(stored: Path, render: FakeRender, env: dict[str, str]) -> None:
    render.add_service("convoai-backend", {})
    store(stored, {"SENTRY_DSN": "http://abc123publickey@sentry.example.com/42"})
    result = run_cli("push", "render", "--dry-run", project=stored, env=env)
    assert result.returncode == 2
    assert "(source: entered): it is plain http://" in squeezed(result.stderr)


def test_a_change_row_shows_what_the_platform_has_now(
    stored: Path, render: FakeRender, env: dict[str, str]
) -> None:
    current = {n: VALUES[n] for n in RENDER_VARS}
    other_key = "sk_test_HANDeditedKey0123456789abcdefgh9z9z"
    render.add_service(
        "convoai-backend", {**current, "NODE_ENV": "development", "STRIPE_SECRET_KEY": other_key}
    )
    result = run_cli("push", "render", "--dry-run", project=stored, env=env)
    assert result.returncode == 0, result.stderr
    rows = {
        line.split()[1]: line for line in result.stdout.splitlines() if line.startswith("change")
    }
    assert set(rows) == {"NODE_ENV", "STRIPE_SECRET_KEY"}
    assert "production   (now development)" in rows["NODE_ENV"]
    assert "sk_test_…4f2a   (now sk_test_…9z9z)" in rows["STRIPE_SECRET_KEY"]  # masked both
    assert other_key not in result.stdout and leaks(result.stdout, result.stderr) == []


def test_a_platform_that_cannot_be_planned_does_not_stop_the_other(
    stored: Path, render: FakeRender, vercel: FakeVercel, env: dict[str, str]
) -> None:
    sid = render.add_service("convoai-backend", {})
    vercel.token = "another-token-entirely"  # Vercel now refuses the stored token
    result = run_cli("push", "render", "vercel", "--yes", "--no-deploy", project=stored, env=env)
    assert result.returncode == 1
    assert "Vercel: Reading the Vercel project convoai failed" in result.stderr
    assert render.env[sid]["STRIPE_SECRET_KEY"] == FAKE_SECRETS["STRIPE_SECRET_KEY"]
    assert "Render: read back: every value matches" in result.stderr
