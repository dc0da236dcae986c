"""vercel.json: the backend URL, and merging into a file the user already has."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checklists.errors import UsageError
from tests.conftest import run_cli
from tests.outputs.conftest import plant
from wizard.outputs.vercel import backend_url, render_text

BACKEND = "https://convoai-backend.onrender.com"
USER_FILE = {
    "cleanUrls": True,
    "outputDirectory": "dist",
    "rewrites": [
        {"source": "/(.*)", "destination": "/index.html"},
        {"source": "/blog/:slug", "destination": "https://blog.example.com/:slug"},
        {"source": "/api/:path*", "destination": "https://old.example.com/api/:path*"},
    ],
    "headers": [
        {"source": "/widget.js", "headers": [{"key": "X-Frame-Options", "value": "DENY"}]},
        {"source": "/assets/(.*)", "headers": [{"key": "Cache-Control", "value": "immutable"}]},
    ],
}


def _merged(existing: dict[str, object], backend: str = BACKEND) -> dict[str, object]:
    result: dict[str, object] = json.loads(render_text(json.dumps(existing), backend))
    return result


def test_user_keys_and_rewrites_are_kept_ours_updated_spa_last() -> None:
    merged = _merged(USER_FILE)
    assert merged["cleanUrls"] is True
    assert merged["outputDirectory"] == "dist/public"  # ours, updated in place
    assert list(merged)[:2] == ["cleanUrls", "outputDirectory"]  # user's key order kept
    rewrites = merged["rewrites"]
    assert isinstance(rewrites, list)
    assert rewrites == [
        {"source": "/widget.js", "destination": f"{BACKEND}/api/widget.js"},
        {"source": "/blog/:slug", "destination": "https://blog.example.com/:slug"},
        {"source": "/api/:path*", "destination": f"{BACKEND}/api/:path*"},
        {"source": "/(.*)", "destination": "/index.html"},
    ]
    widget = merged["headers"][0]  # type: ignore[index]
    assert widget["headers"] == [
        {"key": "X-Frame-Options", "value": "DENY"},
        {"key": "Access-Control-Allow-Origin", "value": "*"},
        {"key": "Cache-Control", "value": "public, max-age=3600"},
    ]
    assert merged["headers"][1]["source"] == "/assets/(.*)"  # type: ignore[index]


def test_merge_is_stable_and_follows_a_new_backend() -> None:
    once = render_text(json.dumps(USER_FILE), BACKEND)
    assert render_text(once, BACKEND) == once
    moved = json.loads(render_text(once, "https://api.example.com"))
    assert [r["destination"] for r in moved["rewrites"]] == [
        "https://api.example.com/api/widget.js",
        "https://blog.example.com/:slug",
        "https://api.example.com/api/:path*",
        "/index.html",
    ]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"APP_URL": f"{BACKEND}/"}, BACKEND),
        # CUSTOM_DOMAIN is the site's own domain: proxying /api to it would loop.
        ({"APP_URL": BACKEND, "CUSTOM_DOMAIN": "app.example.com"}, BACKEND),
    ],
)
def test_backend_url(values: dict[str, str | None], expected: str) -> None:
    assert backend_url(values) == expected


@pytest.mark.parametrize(
    ("app_url", "fragment"),
    [
        (None, "APP_URL is not set"),
        ("http://convoai-backend.onrender.com", "https://"),
        ("http://localhost:3000", "https://"),
        ("https://x.onrender.com/?a=1", "query"),
    ],
)
def test_bad_backend_url_is_refused(app_url: str | None, fragment: str) -> None:
    with pytest.raises(UsageError, match=fragment):
        backend_url({"APP_URL": app_url})


def test_cli_merges_an_existing_vercel_json_and_then_follows_app_url(
    answered: Path, tmp_path: Path
) -> None:
    target = answered / "vercel.json"
    target.write_text(json.dumps(USER_FILE, indent=4))
    first = run_cli("write", "vercel", project=answered)
    assert first.returncode == 0, first.stderr
    assert "vercel.json: update" in first.stderr and '-    "cleanUrls"' not in first.stdout
    plant(answered, {"APP_URL": "https://api-new.example.com"}, tmp_path)
    second = run_cli("write", "vercel", project=answered)
    assert second.returncode == 0, second.stderr
    data = json.loads(target.read_text())
    assert data["cleanUrls"] is True
    assert data["rewrites"][0]["destination"] == "https://api-new.example.com/api/widget.js"
    assert data["rewrites"][1]["source"] == "/blog/:slug"
    assert data["rewrites"][-1] == {"source": "/(.*)", "destination": "/index.html"}


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ('{"rewrites": [', "not valid JSON (line 1"),
        ("[1, 2]", "not a JSON object"),
        ('{"routes": []}', "legacy 'routes'"),
        ('{"rewrites": {}}', "list of objects"),
    ],
)
def test_bad_existing_vercel_json_is_an_error_and_untouched(
    answered: Path, content: str, fragment: str
) -> None:
    target = answered / "vercel.json"
    target.write_text(content)
    result = run_cli("write", project=answered)
    assert result.returncode == 2
    assert fragment in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert target.read_text() == content
    assert not (answered / ".env.example").exists()  # nothing else half-written either


def test_a_local_app_url_in_the_shell_or_dotenv_never_reaches_vercel_json(answered: Path) -> None:
    (answered / ".env").write_text("APP_URL=http://localhost:5000\n")
    result = run_cli("write", project=answered, env={"APP_URL": "http://127.0.0.1:5000"})
    assert result.returncode == 0, result.stderr
    text = (answered / "vercel.json").read_text()
    assert f"{BACKEND}/api/:path*" in text
    assert "127.0.0.1" not in text and "localhost" not in text


def test_a_vercel_json_edited_since_the_wizard_wrote_it_is_merged_without_force(
    answered: Path, tmp_path: Path
) -> None:
    first = run_cli("write", "vercel", project=answered)
    assert first.returncode == 0, first.stderr
    target = answered / "vercel.json"
    data = json.loads(target.read_text())
    data["cleanUrls"] = True
    data["rewrites"].insert(0, {"source": "/blog/:slug", "destination": "https://blog.example.com"})
    target.write_text(json.dumps(data, indent=2) + "\n")  # a hand edit
    plant(answered, {"APP_URL": "https://api-new.example.com"}, tmp_path)
    again = run_cli("write", "vercel", project=answered)
    assert again.returncode == 0, again.stderr
    assert "vercel.json: update" in again.stderr
    merged = json.loads(target.read_text())
    assert merged["cleanUrls"] is True and merged["rewrites"][0]["source"] == "/blog/:slug"
    assert "https://api-new.example.com/api/:path*" in target.read_text()
    assert merged["rewrites"][-1] == {"source": "/(.*)", "destination": "/index.html"}
    third = run_cli("write", "vercel", project=answered)  # idempotent after the merge
    assert third.returncode == 0 and "unchanged" in third.stderr
