"""``write`` racing ``vars set``: a phase is never recorded done for values it didn't write.

``write vercel`` and ``vars set APP_URL`` run at once, as real processes, many rounds. Afterwards
the fingerprint recorded for the vercel phase must be that of the APP_URL inside vercel.json,
and the recorded hash of vercel.json must be the file's.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, TEST_PASSPHRASE, run_cli
from wizard.phases import file_fingerprint, get_phase
from wizard.project import Project
from wizard.store import SALT_KEY
from wizard.values import digest
from wizard.vault import Vault

ROUNDS = 20
URL = re.compile(r"https://api-\d+-\d+\.example\.com")


def spawn(project: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "wizard", *args, "--project", str(project)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
        cwd=REPO,
    )


def salt_of(project: Path) -> bytes:
    project_id = (project / ".convoai-setup" / "project-id").read_text().strip()
    vault = Vault(Path(os.environ["CONVOAI_SETUP_VAULT"]), lambda new, wrong: TEST_PASSPHRASE)
    salt = vault.get_password(f"convoai-setup:{project_id}", SALT_KEY)
    assert salt
    return bytes.fromhex(salt)


def test_write_racing_vars_set_records_what_it_wrote(project: Path) -> None:
    for name, value in (
        ("VITE_API_URL", "https://api-0-0.example.com"),
        ("APP_URL", "https://api-0-0.example.com"),
    ):
        assert run_cli("vars", "set", name, value, project=project).returncode == 0
    salt = salt_of(project)
    recorded_current = 0
    for round_no in range(1, ROUNDS + 1):
        # Every fourth round the writers start once the new values have landed, and race only
        # each other: one of them must record vercel.json as current. In the other rounds,
        # whether the last write comes after the last set is up to the scheduler (on a busy
        # machine it never may), so only the rule below is held.
        settled = round_no % 4 == 0
        writers = [] if settled else [spawn(project, "write", "vercel") for _ in range(4)]
        setters = [
            spawn(project, "vars", "set", "APP_URL", f"https://api-{round_no}-{k}.example.com")
            for k in range(3)
        ]
        for proc in setters:
            _, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err
        if settled:
            writers = [spawn(project, "write", "vercel") for _ in range(4)]
        for proc in writers:
            _, err = proc.communicate(timeout=120)
            # Refusing because the values kept changing is honest; a conflict with our own file
            # (a plan that saw a half-updated state) or a traceback is not.
            assert proc.returncode == 0 or "changed while" in err, err
        text = (project / "vercel.json").read_text()
        urls = set(URL.findall(text))
        assert len(urls) == 1, urls
        (url,) = urls
        state = json.loads((project / ".convoai-setup" / "state.json").read_text())
        assert state["files"]["vercel.json"]["sha256"] == hashlib.sha256(text.encode()).hexdigest()
        # The record says "written from the current values" only if the file holds them.
        record = state["files"]["vercel.json"]
        current = record.get("fingerprint") == file_fingerprint(
            Project(project), state, get_phase("vercel")
        )
        assert current or not settled, f"round {round_no}: written after the sets, not current"
        if current:
            recorded_current += 1
            assert state["values"]["APP_URL"]["digest"] == digest(salt, "APP_URL", url), (
                f"round {round_no}: vercel.json recorded as current for another APP_URL than {url}"
            )
    assert recorded_current


def test_apply_refuses_a_plan_whose_values_or_file_changed(project: Path) -> None:
    from checklists.errors import PlanOutdated
    from wizard.outputs import apply, snapshot_plan
    from wizard.values import Answers

    proj = Project(project)
    answers = Answers(proj, use_environment=False)
    answers.set("VITE_API_URL", "https://api-1-1.example.com")
    answers.set("APP_URL", "https://api-1-1.example.com")

    def values(state: dict[str, object]) -> dict[str, str | None]:
        return {n: answers.resolve(n, state).value for n in ("APP_URL", "CUSTOM_DOMAIN")}

    stale = snapshot_plan(proj, values, ["vercel"])
    answers.set("APP_URL", "https://api-2-2.example.com")  # another process, between the two
    with pytest.raises(PlanOutdated, match="values changed while"):
        apply(proj, stale)
    assert not (project / "vercel.json").exists()
    assert (
        "vercel"
        not in json.loads((project / ".convoai-setup" / "state.json").read_text())["phases"]
    )

    fresh = snapshot_plan(proj, values, ["vercel"])
    (project / "vercel.json").write_text("{}\n")  # a hand edit between plan and apply
    with pytest.raises(PlanOutdated, match=r"vercel\.json changed while"):
        apply(proj, fresh)
    assert (project / "vercel.json").read_text() == "{}\n"

    written = apply(proj, snapshot_plan(proj, values, ["vercel"]))
    assert [c.relpath for c in written] == ["vercel.json"]
    assert "https://api-2-2.example.com" in (project / "vercel.json").read_text()
