"""Driving ``--plain`` through a real pseudo-terminal (pexpect), with the whole conversation kept."""

from __future__ import annotations

import io
import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path

import pexpect

from checklists.catalog import for_phase
from tests.conftest import REPO

#: what prompt_toolkit puts between a question and its shown answer (styles, spaces)
STYLE = r"(?:\x1b\[[0-9;?]*[A-Za-z]|\s)*"
_ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def spawn(project: Path, *args: str, env: Mapping[str, str] | None = None) -> pexpect.spawn:
    """``python -m wizard ARGS --plain`` on a 100x30 terminal; ``env`` adds to the test's."""
    # No cursor position requests: a pty nobody answers makes prompt_toolkit wait 1 s for each.
    full = {
        **os.environ,
        "TERM": "xterm",
        "COLUMNS": "100",
        "LINES": "30",
        "PROMPT_TOOLKIT_NO_CPR": "1",
    }
    full.update(env or {})
    child = pexpect.spawn(
        sys.executable,
        ["-m", "wizard", *args, "--plain", "--project", str(project)],
        cwd=str(REPO),
        env=full,
        encoding="utf-8",
        timeout=30,
        dimensions=(30, 100),
    )
    child.logfile_read = io.StringIO()
    return child


def transcript(child: pexpect.spawn) -> str:
    """Everything the wizard printed so far, without terminal escapes."""
    log = child.logfile_read
    assert isinstance(log, io.StringIO)
    return _ESCAPES.sub("", log.getvalue())


def prompt(name: str) -> str:
    """The value prompt of ``name`` (``NAME:`` or ``NAME (Enter keeps …):``), not its header."""
    return rf"{name}( \(Enter keeps [^)\r\n]*\))?:"


def keep_values(
    child: pexpect.spawn, phase_id: str, typed: Mapping[str, str] | None = None
) -> None:
    """Press Enter at each of the phase's value prompts (every stored value is kept, an unset
    one skipped, "Generate …?" declined), or type what ``typed`` gives for a name."""
    for var in for_phase(phase_id):
        if var.generator:
            index = child.expect([prompt(var.name), rf"Generate {var.name} now\?"])
            if index == 1:
                child.send("\r")  # default: no
                child.expect(prompt(var.name))
        else:
            child.expect(prompt(var.name))
        child.send((typed or {}).get(var.name, "") + "\r")


def answer(child: pexpect.spawn, question: str, keys: str) -> None:
    """Wait for ``question`` (a regex), then type ``keys`` (``\\r`` alone takes the default)."""
    try:
        child.expect(question)
    except Exception:
        print(transcript(child))  # the conversation so far, in the failure report
        raise
    child.send(keys)


def finish(child: pexpect.spawn) -> int:
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus is not None
    return child.exitstatus
