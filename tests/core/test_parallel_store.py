"""Parallel ``vars set`` never loses a secret: real processes, many rounds, every backend.

Eleven ``convoai-setup vars set NAME`` run at once (value on stdin), as a busy user or a script
would. Every one that exits 0 said "stored", so its value must be readable afterwards with
``vars get NAME --reveal``; the project gets exactly one id; the fingerprint salt is created once
and never replaced, so entering the same value again leaves a done phase done.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import EXAMPLE, FAKE_SECRETS, REPO, TEST_PASSPHRASE, run_cli, scan_for_secrets
from wizard.project import Project
from wizard.state import StateFile
from wizard.store import SALT_KEY
from wizard.values import digest
from wizard.vault import Vault

NAMES = tuple(FAKE_SECRETS)  # eleven secrets, one process each
ROUNDS = 3


@dataclass(frozen=True)
class Job:
    project: Path
    name: str
    value: str


@dataclass(frozen=True)
class Outcome:
    job: Job
    code: int
    stderr: str


def values_for(round_no: int) -> dict[str, str]:
    """Valid values that differ from round to round (same shape as the fakes)."""
    return {n: v.replace("FAKE", f"FAK{round_no}") for n, v in FAKE_SECRETS.items()}


def new_project(parent: Path, name: str) -> Path:
    dest = parent / name
    shutil.copytree(EXAMPLE, dest, ignore=shutil.ignore_patterns(".convoai-setup"))
    return dest


def spawn(args: Sequence[str], project: Path, env: Mapping[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "wizard", *args, "--project", str(project)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **env},
        cwd=REPO,
    )


def set_in_parallel(jobs: Sequence[Job], env: Mapping[str, str]) -> list[Outcome]:
    """Start every ``vars set`` first, then hand them their values, so they race for real."""
    procs = [spawn(["vars", "set", job.name], job.project, env) for job in jobs]
    for proc, job in zip(procs, jobs, strict=True):
        assert proc.stdin is not None
        proc.stdin.write(job.value + "\n")
        proc.stdin.close()
    outcomes = []
    for proc, job in zip(procs, jobs, strict=True):
        assert proc.stderr is not None and proc.stdout is not None
        stderr = proc.stderr.read()
        proc.stdout.read()
        outcomes.append(Outcome(job, proc.wait(timeout=120), stderr))
    return outcomes


def reveal_all(jobs: Sequence[Job], env: Mapping[str, str]) -> dict[Job, str | None]:
    procs = [spawn(["vars", "get", job.name, "--reveal"], job.project, env) for job in jobs]
    found: dict[Job, str | None] = {}
    for proc, job in zip(procs, jobs, strict=True):
        out, _ = proc.communicate(timeout=120)
        found[job] = out.strip() if proc.returncode == 0 else None
    return found


def assert_nothing_lost(outcomes: Sequence[Outcome], env: Mapping[str, str]) -> None:
    for outcome in outcomes:
        if outcome.code != 0:
            # Refusing is allowed (a lock wait that timed out); a traceback or a lie is not.
            assert outcome.code == 2 and outcome.stderr.count("\n") == 1, outcome.stderr
            assert "lock" in outcome.stderr, outcome.stderr
    stored = [o.job for o in outcomes if o.code == 0]
    assert stored, [o.stderr for o in outcomes]
    revealed = reveal_all(stored, env)
    lost = [job.name for job in stored if revealed[job] != job.value]
    assert lost == [], f"reported stored, then gone: {lost}"


def project_id(project: Path) -> str:
    return (project / ".convoai-setup" / "project-id").read_text().strip()


def vault_services(path: Path) -> list[str]:
    return Vault(path, lambda new, wrong: None if wrong else TEST_PASSPHRASE).services()


def vault_salt(path: Path, project: Path) -> str | None:
    vault = Vault(path, lambda new, wrong: None if wrong else TEST_PASSPHRASE)
    return vault.get_password(f"convoai-setup:{project_id(project)}", SALT_KEY)


def assert_digests_use(project: Path, salt: str, values: Mapping[str, str]) -> None:
    """Each recorded digest was made with the salt that is stored now (not a replaced one)."""
    state = json.loads((project / ".convoai-setup" / "state.json").read_text())
    for name, value in values.items():
        recorded = state["values"][name]["digest"]
        assert recorded == digest(bytes.fromhex(salt), name, value), name


def test_fresh_projects_lose_nothing(tmp_path: Path) -> None:
    for round_no in range(ROUNDS):
        # A new project and a new vault each round: the id, the vault and the salt are all
        # created by whichever process gets there first.
        project = new_project(tmp_path, f"fresh-{round_no}")
        vault = tmp_path / f"vault-{round_no}.json"
        env = {"CONVOAI_SETUP_VAULT": str(vault)}
        values = values_for(round_no)
        outcomes = set_in_parallel([Job(project, n, values[n]) for n in NAMES], env)
        assert_nothing_lost(outcomes, env)
        assert vault_services(vault) == [f"convoai-setup:{project_id(project)}"]
        salt = vault_salt(vault, project)
        assert salt
        assert_digests_use(
            project, salt, {o.job.name: o.job.value for o in outcomes if o.code == 0}
        )
        assert scan_for_secrets(project, values) == []


def test_warm_project_loses_nothing_and_the_salt_never_changes(project: Path) -> None:
    first = run_cli("vars", "set", "REDIS_URL", project=project, input=FAKE_SECRETS["REDIS_URL"])
    assert first.returncode == 0, first.stderr
    the_id = project_id(project)
    vault = Path(os.environ["CONVOAI_SETUP_VAULT"])
    salt = vault_salt(vault, project)
    assert salt
    # Entering the same REDIS_URL again must keep its digest: check results (and so "done")
    # are tied to the digests of the values they checked, so a new salt would make them stale.
    first_digest = StateFile(Project(project)).read()["values"]["REDIS_URL"]["digest"]
    for round_no in range(ROUNDS):
        values = values_for(round_no)
        values["REDIS_URL"] = FAKE_SECRETS["REDIS_URL"]
        outcomes = set_in_parallel([Job(project, n, values[n]) for n in NAMES], {})
        assert_nothing_lost(outcomes, {})
        assert project_id(project) == the_id
        assert vault_salt(vault, project) == salt
        assert vault_services(vault) == [f"convoai-setup:{the_id}"]
        assert_digests_use(
            project, salt, {o.job.name: o.job.value for o in outcomes if o.code == 0}
        )
        state = StateFile(Project(project)).read()
        assert state["values"]["REDIS_URL"]["digest"] == first_digest


def test_two_projects_sharing_one_vault_lose_nothing(tmp_path: Path) -> None:
    one, two = new_project(tmp_path, "one"), new_project(tmp_path, "two")
    vault = Path(os.environ["CONVOAI_SETUP_VAULT"])
    for round_no in range(ROUNDS):
        values = values_for(round_no)
        jobs = [Job(one if i % 2 else two, n, values[n]) for i, n in enumerate(NAMES)]
        jobs += [Job(two if i % 2 else one, n, values[n]) for i, n in enumerate(NAMES[:3])]
        outcomes = set_in_parallel(jobs, {})
        assert_nothing_lost(outcomes, {})
        ids = {f"convoai-setup:{project_id(one)}", f"convoai-setup:{project_id(two)}"}
        assert sorted(vault_services(vault)) == sorted(ids)


def test_secret_service_loses_nothing(tmp_path: Path, secret_service: dict[str, str]) -> None:
    env = {**secret_service, "CONVOAI_SETUP_KEYRING": "system", "CONVOAI_SETUP_PASSPHRASE": ""}
    existing = keyring_services(env)  # the keyring is shared with other tests of the session
    projects = []
    for round_no in range(2):
        project = new_project(tmp_path, f"keyring-fresh-{round_no}")
        projects.append(project)
        values = values_for(round_no)
        outcomes = set_in_parallel([Job(project, n, values[n]) for n in NAMES], env)
        assert_nothing_lost(outcomes, env)
        salt = keyring_entry(env, project, SALT_KEY)
        assert salt
        stored = {o.job.name: o.job.value for o in outcomes if o.code == 0}
        assert_digests_use(project, salt, stored)
    # Exactly one service per project (no orphaned ids), and no probe entry left behind.
    assert keyring_services(env) - existing == {f"convoai-setup:{project_id(p)}" for p in projects}
    # Warm: the last project again, new values, the same salt.
    for round_no in range(2, 4):
        values = values_for(round_no)
        outcomes = set_in_parallel([Job(project, n, values[n]) for n in NAMES], env)
        assert_nothing_lost(outcomes, env)
        assert keyring_entry(env, project, SALT_KEY) == salt
    assert not Path(os.environ["CONVOAI_SETUP_VAULT"]).exists()


def _python(env: Mapping[str, str], code: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def keyring_entry(env: Mapping[str, str], project: Path, name: str) -> str | None:
    """One entry straight from the Secret Service, bypassing convoai-setup."""
    code = (
        "import sys, keyring; v = keyring.get_keyring().get_password(sys.argv[1], sys.argv[2]);"
        " print('' if v is None else v)"
    )
    return _python(env, code, f"convoai-setup:{project_id(project)}", name).strip() or None


def keyring_services(env: Mapping[str, str]) -> set[str]:
    """The ``service`` attribute of every item in the Secret Service's default collection."""
    code = (
        "import secretstorage; c = secretstorage.get_default_collection(secretstorage.dbus_init());"
        " print('\\n'.join(i.get_attributes().get('service', '') for i in c.get_all_items()))"
    )
    return set(_python(env, code).split())
