"""The secret store against the real Secret Service (gnome-keyring) and the vault fallback."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from checklists.errors import StoreError
from tests.conftest import FAKE_SECRETS, TEST_PASSPHRASE, run_cli, scan_for_secrets
from wizard.store import SecretStore

KEY = FAKE_SECRETS["STRIPE_SECRET_KEY"]


def keyring_lookup(env: dict[str, str], service: str, name: str) -> str | None:
    """Read an entry straight from the Secret Service, bypassing convoai-setup."""
    code = (
        "import sys, keyring; v = keyring.get_keyring().get_password(sys.argv[1], sys.argv[2]); "
        "print('' if v is None else v)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, service, name],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.rstrip("\n") or None


def test_system_keyring_is_used_when_it_works(
    project: Path, secret_service: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    env = {**secret_service, "CONVOAI_SETUP_KEYRING": "", "CONVOAI_SETUP_PASSPHRASE": ""}
    done = run_cli("vars", "set", "STRIPE_SECRET_KEY", project=project, input=KEY + "\n", env=env)
    assert done.returncode == 0, done.stderr
    assert "system keyring (SecretService.Keyring)" in done.stderr
    project_id = (project / ".convoai-setup" / "project-id").read_text().strip()
    assert keyring_lookup(env, f"convoai-setup:{project_id}", "STRIPE_SECRET_KEY") == KEY
    state = json.loads((project / ".convoai-setup" / "state.json").read_text())
    assert state["store"]["backend"] == "system"
    got = run_cli("vars", "get", "STRIPE_SECRET_KEY", "--reveal", project=project, env=env)
    assert got.stdout.strip() == KEY
    assert not (Path(os.environ["CONVOAI_SETUP_VAULT"])).exists()
    gone = run_cli("vars", "unset", "STRIPE_SECRET_KEY", project=project, env=env)
    assert gone.returncode == 0
    assert keyring_lookup(env, f"convoai-setup:{project_id}", "STRIPE_SECRET_KEY") is None
    assert scan_for_secrets(project) == []


def test_falls_back_to_the_vault_and_says_why(project: Path) -> None:
    # No session bus: the Secret Service can't be reached, as on a headless server.
    env = {"CONVOAI_SETUP_KEYRING": "", "DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent"}
    done = run_cli("vars", "set", "STRIPE_SECRET_KEY", project=project, input=KEY, env=env)
    assert done.returncode == 0, done.stderr
    assert "encrypted vault" in done.stderr and "no OS keyring is reachable" in done.stderr
    vault = Path(os.environ["CONVOAI_SETUP_VAULT"])
    assert vault.exists() and KEY.encode() not in vault.read_bytes()
    state = json.loads((project / ".convoai-setup" / "state.json").read_text())
    assert state["store"]["backend"] == "vault"
    got = run_cli("vars", "get", "STRIPE_SECRET_KEY", "--reveal", project=project, env=env)
    assert got.stdout.strip() == KEY


def test_vault_choice_is_remembered_even_when_a_keyring_appears(
    project: Path, secret_service: dict[str, str]
) -> None:
    no_bus = {"CONVOAI_SETUP_KEYRING": "", "DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent"}
    assert (
        run_cli(
            "vars", "set", "STRIPE_SECRET_KEY", project=project, input=KEY, env=no_bus
        ).returncode
        == 0
    )
    with_bus = {**secret_service, "CONVOAI_SETUP_KEYRING": ""}
    got = run_cli("vars", "get", "STRIPE_SECRET_KEY", "--reveal", project=project, env=with_bus)
    assert got.returncode == 0 and got.stdout.strip() == KEY


def test_forcing_an_unusable_system_keyring_is_an_error(project: Path) -> None:
    env = {"CONVOAI_SETUP_KEYRING": "system", "DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent"}
    done = run_cli("vars", "set", "STRIPE_SECRET_KEY", project=project, input=KEY, env=env)
    assert done.returncode == 2
    assert "CONVOAI_SETUP_KEYRING=system" in done.stderr
    assert not (project / ".convoai-setup" / "state.json").exists()


def test_unknown_backend_name_is_a_usage_error(project: Path) -> None:
    env = {"CONVOAI_SETUP_KEYRING": "kwallet"}
    done = run_cli("vars", "set", "STRIPE_SECRET_KEY", project=project, input=KEY, env=env)
    assert done.returncode == 2 and "CONVOAI_SETUP_KEYRING='kwallet'" in done.stderr
    assert not (project / ".convoai-setup" / "state.json").exists()


def test_wrong_passphrase_changes_nothing(project: Path) -> None:
    assert run_cli("vars", "set", "STRIPE_SECRET_KEY", project=project, input=KEY).returncode == 0
    vault = Path(os.environ["CONVOAI_SETUP_VAULT"])
    before_vault = vault.read_bytes()
    before_state = (project / ".convoai-setup" / "state.json").read_bytes()
    done = run_cli(
        "vars",
        "set",
        "OPENAI_API_KEY",
        project=project,
        input=FAKE_SECRETS["OPENAI_API_KEY"],
        env={"CONVOAI_SETUP_PASSPHRASE": "not it"},
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "Wrong passphrase" in done.stderr
    assert vault.read_bytes() == before_vault
    assert (project / ".convoai-setup" / "state.json").read_bytes() == before_state


def test_no_terminal_and_no_passphrase_is_a_clear_error(project: Path) -> None:
    done = run_cli(
        "vars",
        "set",
        "STRIPE_SECRET_KEY",
        project=project,
        input=KEY,
        env={"CONVOAI_SETUP_PASSPHRASE": ""},
    )
    assert done.returncode == 2
    assert "no terminal" in done.stderr and "CONVOAI_SETUP_PASSPHRASE" in done.stderr
    assert not Path(os.environ["CONVOAI_SETUP_VAULT"]).exists()
    assert TEST_PASSPHRASE not in done.stderr


class _FullDisk:
    """A backend whose disk is full: every write fails the way atomic_write would."""

    def get_password(self, service: str, username: str) -> str | None:
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        raise OSError(28, "No space left on device")

    def delete_password(self, service: str, username: str) -> None:
        raise OSError(28, "No space left on device")

    def lock(self) -> contextlib.AbstractContextManager[None]:
        return contextlib.nullcontext()

    def unlock(self) -> None:
        pass


@pytest.mark.parametrize("kind", ["vault", "system"])
def test_store_errors_suggest_the_vault_only_when_it_is_not_in_use(kind: str) -> None:
    store = SecretStore(_FullDisk(), kind, f"{kind} store", "", "convoai-setup:p")
    with pytest.raises(StoreError) as caught:
        store.set("STRIPE_SECRET_KEY", KEY)
    line = caught.value.line()
    assert "nothing was changed" in line and KEY not in line
    assert ("CONVOAI_SETUP_KEYRING=vault" in line) == (kind == "system")


def test_vault_write_failures_do_not_suggest_the_vault(project: Path) -> None:
    assert run_cli("vars", "set", "STRIPE_SECRET_KEY", project=project, input=KEY).returncode == 0
    vault = Path(os.environ["CONVOAI_SETUP_VAULT"])
    # The vault's lock file can't be created (its name is taken by a directory we can't open
    # as a file): the write is refused with a line that names the lock, and no vault advice.
    lock = vault.with_name(vault.name + ".lock")
    lock.unlink()
    lock.mkdir()
    done = run_cli(
        "vars", "set", "OPENAI_API_KEY", project=project, input=FAKE_SECRETS["OPENAI_API_KEY"]
    )
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    assert "vault.json.lock" in done.stderr
    assert "CONVOAI_SETUP_KEYRING=vault" not in done.stderr


def test_a_held_vault_lock_is_waited_for_then_named(project: Path) -> None:
    import fcntl

    assert run_cli("vars", "set", "STRIPE_SECRET_KEY", project=project, input=KEY).returncode == 0
    vault = Path(os.environ["CONVOAI_SETUP_VAULT"])
    before = vault.read_bytes()
    lock = vault.with_name(vault.name + ".lock")
    with lock.open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # another process busy with the vault, for too long
        done = run_cli(
            "vars", "set", "OPENAI_API_KEY", project=project, input=FAKE_SECRETS["OPENAI_API_KEY"]
        )
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    assert f"for the lock {lock}" in done.stderr and "nothing was changed" in done.stderr
    assert vault.read_bytes() == before
    got = run_cli("vars", "get", "OPENAI_API_KEY", project=project)
    assert got.returncode == 1 and "not set" in got.stderr


def test_keyring_hiccups_are_retried_and_real_refusals_are_not() -> None:
    # gnome-keyring with many clients answers now and then that an object it has just listed
    # does not exist, and a busy bus drops a connection: both are retried (the calls are
    # idempotent); a locked keyring or a refused write is said at once.
    from secretstorage.exceptions import ItemNotFoundException, LockedException

    from wizard.store import _retrying

    calls: list[int] = []

    def flaky(fault: BaseException) -> Callable[[], str]:
        def call() -> str:
            calls.append(1)
            if len(calls) == 1:
                raise fault
            return "value"

        return call

    for fault in (ItemNotFoundException("Item does not exist!"), BrokenPipeError()):
        calls.clear()
        assert _retrying(flaky(fault)) == "value" and len(calls) == 2
    wrapped = RuntimeError("keyring failed")
    wrapped.__cause__ = ConnectionResetError()
    calls.clear()
    assert _retrying(flaky(wrapped)) == "value" and len(calls) == 2

    calls.clear()
    with pytest.raises(LockedException):
        _retrying(flaky(LockedException("locked")))
    assert len(calls) == 1

    def always() -> str:
        calls.append(1)
        raise ItemNotFoundException("Item does not exist!")

    calls.clear()
    with pytest.raises(ItemNotFoundException):
        _retrying(always)
    assert len(calls) == 3  # three tries in all, then the fault as it is
