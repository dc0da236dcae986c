"""``convoai-setup write``: idempotent, atomic, diff first, careful with what it didn't write."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FAKE_SECRETS, REPO, run_cli, scan_for_secrets
from tests.outputs.conftest import plant, tree_state

WRITTEN = (".env.example", "vercel.json", ".github/workflows/ci.yml", "render.yaml")


def _write(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli("write", *args, project=project)


def test_second_run_changes_nothing_and_says_so(answered: Path) -> None:
    assert _write(answered).returncode == 0
    before = tree_state(answered)
    again = _write(answered)
    assert again.returncode == 0, again.stderr
    assert again.stdout == ""  # no diff
    assert "Nothing to change: 4 file(s) already up to date." in again.stderr
    assert tree_state(answered) == before  # same bytes, modes and mtimes, state.json included


def test_dry_run_leaves_the_tree_byte_identical(answered: Path) -> None:
    (answered / "vercel.json").write_text('{"cleanUrls": true}\n')
    before = tree_state(answered)
    result = _write(answered, "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "+++ b/render.yaml" in result.stdout and '+  "cleanUrls": true,' in result.stdout
    assert "--dry-run: nothing was written." in result.stderr
    assert tree_state(answered) == before


def test_targets_limit_what_is_written_and_writing_alone_completes_no_phase(answered: Path) -> None:
    result = _write(answered, "ci", "render")
    assert result.returncode == 0, result.stderr
    assert (answered / "render.yaml").is_file() and (
        answered / ".github/workflows/ci.yml"
    ).is_file()
    assert not (answered / "vercel.json").exists() and not (answered / ".env.example").exists()
    state = json.loads((answered / ".convoai-setup" / "state.json").read_text())
    assert set(state["files"]) == {"render.yaml", ".github/workflows/ci.yml"}
    from tests.evidence import statuses

    # The files are recorded, but no check ran: a written file never completes a phase.
    phases = statuses(answered)
    assert phases["github-actions"].status == "pending"
    assert phases["github-actions"].todo == ("run the github check",)
    assert phases["render"].status == "pending" and "write render.yaml" not in phases["render"].todo
    assert "render: pending, not done: run the stripe check" in result.stderr
    bad = _write(answered, "netlify")
    assert bad.returncode == 2 and "Unknown write target 'netlify'" in bad.stderr


def test_vercel_json_is_made_from_the_stored_app_url_never_the_shells(project: Path) -> None:
    shell = {"APP_URL": "https://b.example.com"}
    refused = run_cli("write", "vercel", project=project, env=shell)
    assert refused.returncode == 2 and "APP_URL is not set" in refused.stderr
    assert not (project / "vercel.json").exists()
    stored = run_cli("vars", "set", "APP_URL", "https://a.example.com", project=project)
    assert stored.returncode == 0, stored.stderr
    result = run_cli("write", "vercel", project=project, env=shell)
    assert result.returncode == 0, result.stderr
    text = (project / "vercel.json").read_text()
    assert "https://a.example.com/api/:path*" in text and "b.example.com" not in text


def test_hand_edited_file_is_a_conflict_until_forced(answered: Path) -> None:
    assert _write(answered).returncode == 0
    render = answered / "render.yaml"
    edited = render.read_text().replace("region: frankfurt", "region: ohio")
    render.write_text(edited)
    # vercel.json edited too (ours removed): it is merged, never a conflict
    (answered / "vercel.json").write_text("{}\n")
    before = tree_state(answered)
    refused = _write(answered)
    assert refused.returncode == 1
    assert "render.yaml changed since convoai-setup last wrote it" in refused.stderr
    assert "vercel.json: update" in refused.stderr
    assert "-    region: ohio" in refused.stdout  # the diff is shown first
    assert tree_state(answered) == before
    forced = _write(answered, "--force")
    assert forced.returncode == 0, forced.stderr
    assert "previous version kept as render.yaml.bak" in forced.stderr
    assert (answered / "render.yaml.bak").read_text() == edited
    assert not (answered / "vercel.json.bak").exists()
    assert "/api/:path*" in (answered / "vercel.json").read_text()
    assert "region: frankfurt" in render.read_text()
    assert _write(answered).stdout == ""  # and it is ours again


def test_file_the_wizard_never_wrote_is_not_clobbered(answered: Path) -> None:
    workflow = answered / ".github" / "workflows" / "ci.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text("name: mine\n")
    result = _write(answered, "ci")
    assert result.returncode == 1 and workflow.read_text() == "name: mine\n"


def test_symlink_where_a_file_should_be_is_refused(answered: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text("keep me\n")
    (answered / "render.yaml").symlink_to(outside)
    before = tree_state(answered)
    result = _write(answered)
    assert result.returncode == 2
    assert "render.yaml is a symlink" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert outside.read_text() == "keep me\n" and tree_state(answered) == before


def test_symlinked_directory_is_refused(answered: Path, tmp_path: Path) -> None:
    (tmp_path / "real-github").mkdir()
    (answered / ".github").symlink_to(tmp_path / "real-github")
    result = _write(answered, "ci")
    assert result.returncode == 2 and ".github is a symlink" in result.stderr
    assert list((tmp_path / "real-github").iterdir()) == []


def test_a_file_where_a_directory_should_be(answered: Path) -> None:
    (answered / ".github").write_text("not a directory\n")
    before = tree_state(answered)
    result = _write(answered)
    assert result.returncode == 2
    assert ".github is a file" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert tree_state(answered) == before


def test_unwritable_directory_is_one_line_and_writes_nothing(answered: Path) -> None:
    argv = [sys.executable, "-m", "wizard", "write", "--project", str(answered)]
    if os.geteuid() == 0:
        # root ignores permission bits; drop the capabilities that let it (util-linux setpriv)
        argv = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", *argv]
    before = tree_state(answered)
    answered.chmod(0o555)
    try:
        result = subprocess.run(argv, capture_output=True, text=True, cwd=REPO, timeout=60)
    finally:
        answered.chmod(0o755)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("convoai-setup: Cannot write in ./ (Permission denied)")
    assert len([ln for ln in lines if ln.startswith("convoai-setup:")]) == 1
    assert tree_state(answered) == before


def test_secrets_entered_on_stdin_never_reach_files_or_state(project: Path) -> None:
    for name in ("STRIPE_SECRET_KEY", "JWT_SECRET", "REDIS_URL"):
        stored = run_cli("vars", "set", name, project=project, input=FAKE_SECRETS[name] + "\n")
        assert stored.returncode == 0, stored.stderr
    assert (
        run_cli("vars", "set", "APP_URL", "https://b.example.com", project=project).returncode == 0
    )
    # stdin is not a terminal and empty: write must finish without waiting for it
    result = run_cli("write", project=project)
    assert result.returncode == 0, result.stderr
    for rel in WRITTEN:
        assert (project / rel).is_file()
    assert scan_for_secrets(project) == []
    for value in FAKE_SECRETS.values():
        assert value not in result.stdout + result.stderr


@pytest.mark.parametrize("target", ["vercel", "render"])
def test_api_domain_and_region_flow_into_the_files(
    answered: Path, target: str, tmp_path: Path
) -> None:
    values = {
        "APP_URL": "https://api.example.com",
        "CUSTOM_DOMAIN": "app.example.com",
        "RENDER_REGION": "ohio",
    }
    plant(answered, values, tmp_path)
    result = run_cli("write", target, project=answered)
    assert result.returncode == 0, result.stderr
    text = (answered / ("vercel.json" if target == "vercel" else "render.yaml")).read_text()
    expected = "https://api.example.com/api/:path*" if target == "vercel" else "region: ohio"
    assert expected in text
