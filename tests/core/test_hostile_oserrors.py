"""Operating-system failures are one line naming the path and the fix (issue 9 §8).

A read-only project or ``.convoai-setup``, a file that can't grow, non-UTF-8 input and a
``.convoai-setup`` symlinked out of the project: never "unexpected OSError … report it".
Permissions don't bind root, so as root the CLI runs as ``nobody`` (setpriv, util-linux).
"""

from __future__ import annotations

import errno
import os
import resource
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from checklists.errors import from_os_error
from tests.conftest import EXAMPLE, REPO, run_cli

NOBODY = 65534


def one_line(text: str) -> bool:
    return text.count("\n") == 1 and text.startswith("convoai-setup: ")


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A directory another user can reach (pytest's tmp_path is private to its owner)."""
    path = Path(tempfile.mkdtemp(prefix="convoai-hostile-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def run_unprivileged(
    *args: str, project: Path, home: Path, input: str = ""
) -> subprocess.CompletedProcess[str]:
    """``python -m wizard`` as a user file permissions apply to."""
    argv = [sys.executable, "-m", "wizard", *args, "--project", str(project)]
    if os.geteuid() == 0:
        argv = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *argv]
        os.chown(home, NOBODY, NOBODY)
    env = dict(os.environ, HOME=str(home), CONVOAI_SETUP_VAULT=str(home / "vault.json"))
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return subprocess.run(
        argv, input=input, capture_output=True, text=True, env=env, cwd=REPO, timeout=60
    )


def _copy_project(root: Path, owner_can_write: bool) -> Path:
    project = root / "convoai"
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns(".convoai-setup"))
    for path in [project, *project.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
        if owner_can_write and os.geteuid() == 0:
            os.chown(path, NOBODY, NOBODY)
    if os.geteuid() != 0 and not owner_can_write:
        project.chmod(0o555)
    return project


def test_read_only_project_is_one_line_naming_the_directory(shared_dir: Path) -> None:
    project = _copy_project(shared_dir, owner_can_write=False)
    home = shared_dir / "home"
    home.mkdir()
    done = run_unprivileged(
        "vars", "set", "APP_URL", "https://a.example.com", project=project, home=home
    )
    assert done.returncode == 2, done.stderr
    assert one_line(done.stderr), done.stderr
    assert "unexpected" not in done.stderr and "report it" not in done.stderr
    assert str(project / ".convoai-setup") in done.stderr and "ermission denied" in done.stderr
    assert "write access" in done.stderr
    assert not (project / ".convoai-setup").exists()


def test_read_only_state_directory_is_one_line_and_changes_nothing(shared_dir: Path) -> None:
    project = _copy_project(shared_dir, owner_can_write=True)
    home = shared_dir / "home"
    home.mkdir()
    first = run_unprivileged("vars", "set", "NODE_ENV", "production", project=project, home=home)
    assert first.returncode == 0, first.stderr
    state_dir = project / ".convoai-setup"
    if os.geteuid() == 0:
        for path in [state_dir, *state_dir.iterdir()]:
            os.chown(path, 0, 0)
    state_dir.chmod(0o755)
    before = {p.name: p.read_bytes() for p in state_dir.iterdir()}
    for path in state_dir.iterdir():
        path.chmod(0o644)  # readable, not writable
    if os.geteuid() != 0:
        state_dir.chmod(0o555)
    done = run_unprivileged(
        "vars", "set", "APP_URL", "https://a.example.com", project=project, home=home
    )
    assert done.returncode == 2 and one_line(done.stderr), done.stderr
    assert "unexpected" not in done.stderr and str(state_dir) in done.stderr
    assert {p.name: p.read_bytes() for p in state_dir.iterdir()} == before
    listed = run_unprivileged("vars", "list", project=project, home=home)  # reading still works
    assert listed.returncode == 0 and "production" in listed.stdout, listed.stderr


def _limit_file_size() -> None:
    # RLIMIT_FSIZE: writes past 64 bytes fail with EFBIG, as a full disk fails with ENOSPC.
    resource.setrlimit(resource.RLIMIT_FSIZE, (64, 64))


def test_a_file_that_cannot_grow_is_one_line_and_the_state_is_unchanged(project: Path) -> None:
    assert run_cli("vars", "set", "NODE_ENV", "production", project=project).returncode == 0
    state = project / ".convoai-setup" / "state.json"
    before = state.read_bytes()
    argv = [
        sys.executable,
        "-m",
        "wizard",
        "vars",
        "set",
        "APP_URL",
        "https://a.example.com",
        "--project",
        str(project),
    ]
    done = subprocess.run(
        argv, capture_output=True, text=True, cwd=REPO, preexec_fn=_limit_file_size, timeout=60
    )
    assert done.returncode == 2 and one_line(done.stderr), done.stderr
    assert "unexpected" not in done.stderr and str(state) in done.stderr
    assert "space" in done.stderr
    assert state.read_bytes() == before
    assert [p.name for p in state.parent.iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (errno.ENOSPC, "No space left"),
        (errno.EDQUOT, "quota"),
        (errno.EROFS, "read-only file system"),
        (errno.EACCES, "ermission denied"),
        (errno.EPERM, "ermission denied"),
        (errno.ENAMETOOLONG, "Cannot use"),
    ],
)
def test_os_errors_map_to_one_line_with_the_path_and_a_fix(code: int, words: str) -> None:
    exc = OSError(code, os.strerror(code), "/p/.convoai-setup/.state.json.x1y2z3.tmp")
    line = from_os_error(exc).line()
    assert words in line and "/p/.convoai-setup/state.json" in line and "\n" not in line
    assert ".tmp" not in line and "report it" not in line
    assert from_os_error(exc).exit_code == 2


def test_non_utf8_stdin_is_one_line(project: Path) -> None:
    argv = [sys.executable, "-m", "wizard", "vars", "set", "JWT_SECRET", "--project", str(project)]
    for env in ({"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}, {"LANG": "C", "LC_ALL": "C"}):
        done = subprocess.run(
            argv,
            input=b"\xff\xfe" + b"a" * 40,
            capture_output=True,
            cwd=REPO,
            timeout=60,
            env={**os.environ, **env},
        )
        err = done.stderr.decode()
        assert done.returncode == 2 and one_line(err), err
        assert "not UTF-8" in err and "JWT_SECRET" in err and "unexpected" not in err
    assert not (project / ".convoai-setup" / "state.json").exists()


def test_non_utf8_import_file_is_one_line(project: Path, tmp_path: Path) -> None:
    source = tmp_path / "latin1.env"
    source.write_bytes("APP_URL=https://caf\xe9.example.com\n".encode("latin-1"))
    done = run_cli("vars", "import", str(source), project=project)
    assert done.returncode == 2 and one_line(done.stderr), done.stderr
    assert "not UTF-8" in done.stderr and str(source) in done.stderr
    assert "byte 20" in done.stderr
    # The project's .env is only compared, never used: an unreadable one stops nothing.
    (project / ".env").write_bytes(b"APP_URL=https://caf\xe9.example.com\n")
    done = run_cli("vars", "list", project=project)
    assert done.returncode == 0 and "Traceback" not in done.stderr


def test_a_state_directory_symlinked_out_of_the_project_is_refused(
    project: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (project / ".convoai-setup").symlink_to(outside, target_is_directory=True)
    for argv in (
        ["vars", "set", "APP_URL", "https://a.example.com"],
        ["vars", "list"],
        ["status"],
        ["check", "vercel"],
    ):
        done = run_cli(*argv, project=project)
        assert done.returncode == 2 and one_line(done.stderr), (argv, done.stderr)
        assert ".convoai-setup is a symlink" in done.stderr and "outside the project" in done.stderr
    assert list(outside.iterdir()) == []


def test_a_symlinked_lock_or_state_file_is_refused(project: Path, tmp_path: Path) -> None:
    assert run_cli("vars", "set", "NODE_ENV", "production", project=project).returncode == 0
    victim = tmp_path / "victim"
    lock = project / ".convoai-setup" / "state.lock"
    lock.unlink(missing_ok=True)
    lock.symlink_to(victim)
    done = run_cli("vars", "set", "APP_URL", "https://a.example.com", project=project)
    assert done.returncode == 2 and one_line(done.stderr), done.stderr
    assert "state.lock is a symlink" in done.stderr
    assert not victim.exists()


def test_a_state_directory_that_is_a_file_is_one_line(project: Path) -> None:
    (project / ".convoai-setup").write_text("not a directory")
    for argv in (["vars", "set", "APP_URL", "https://a.example.com"], ["status"]):
        done = run_cli(*argv, project=project)
        assert done.returncode == 2 and one_line(done.stderr), (argv, done.stderr)
        assert "is a file, not convoai-setup's state directory" in done.stderr
    assert (project / ".convoai-setup").read_text() == "not a directory"
