"""State file: atomic, locked, versioned; corrupt files are kept aside and reported."""

from __future__ import annotations

import json
import multiprocessing
import os
from pathlib import Path

import pytest

from checklists.errors import StateError
from wizard.project import find_project
from wizard.state import LOCK_WAIT_SECONDS, StateFile


def test_update_writes_atomically_with_private_mode(project: Path) -> None:
    sf = StateFile(find_project(project))
    with sf.update() as state:
        state["values"]["APP_URL"] = {"value": "https://a.example.com"}
    assert sf.path.stat().st_mode & 0o777 == 0o600
    assert json.loads(sf.path.read_text())["values"]["APP_URL"]["value"] == "https://a.example.com"
    leftovers = [p.name for p in sf.path.parent.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []
    assert (project / ".convoai-setup" / ".gitignore").read_text() == "*\n"


def test_an_error_inside_update_writes_nothing(project: Path) -> None:
    sf = StateFile(find_project(project))
    with sf.update() as state:
        state["values"]["PORT"] = {"value": "10000"}
    before = sf.path.read_bytes()
    with pytest.raises(RuntimeError), sf.update() as state:
        state["values"]["PORT"] = {"value": "1"}
        raise RuntimeError("boom")
    assert sf.path.read_bytes() == before


def test_corrupt_state_is_moved_aside_and_reported(project: Path) -> None:
    sf = StateFile(find_project(project))
    sf.project.ensure_state_dir()
    sf.path.write_text("{not json")
    with pytest.raises(StateError) as info:
        sf.read()
    assert (
        "moved to" in info.value.line()
        and "secrets in the store are untouched" in info.value.line()
    )
    aside = list(sf.path.parent.glob("state.json.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_text() == "{not json"
    assert not sf.path.exists()
    assert sf.read()["values"] == {}  # the next run starts fresh, never silently before


def test_newer_state_version_is_refused_and_left_alone(project: Path) -> None:
    sf = StateFile(find_project(project))
    sf.project.ensure_state_dir()
    sf.path.write_text(json.dumps({"version": 99, "values": {}}))
    with pytest.raises(StateError, match="newer convoai-setup"):
        sf.read()
    assert json.loads(sf.path.read_text())["version"] == 99


def _hold_lock(
    root: str, ready: multiprocessing.synchronize.Event, release: multiprocessing.synchronize.Event
) -> None:
    sf = StateFile(find_project(root))
    with sf.lock():
        ready.set()
        release.wait(30)


def test_a_second_writer_waits_for_the_lock_then_gives_up_clearly(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx = multiprocessing.get_context("fork")
    ready, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold_lock, args=(str(project), ready, release))
    holder.start()
    try:
        assert ready.wait(30)
        monkeypatch.setattr("wizard.state.LOCK_WAIT_SECONDS", 0.3)
        sf = StateFile(find_project(project))
        with pytest.raises(StateError, match="Another convoai-setup"), sf.update() as state:
            state["values"]["X"] = {}
        assert not sf.path.exists()
    finally:
        release.set()
        holder.join(30)
    assert LOCK_WAIT_SECONDS > 1


def _writer(root: str, name: str, count: int) -> None:
    sf = StateFile(find_project(root))
    for i in range(count):
        with sf.update() as state:
            state["values"][f"{name}{i}"] = {"value": str(os.getpid())}


def test_concurrent_writers_never_lose_each_others_updates(project: Path) -> None:
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_writer, args=(str(project), n, 25)) for n in ("A", "B")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    values = StateFile(find_project(project)).read()["values"]
    assert len(values) == 50
