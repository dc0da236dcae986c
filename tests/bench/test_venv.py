"""The benchmarks' venv: rebuilt when a file ``pip install .`` reads changes; editable refused."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bench.venv import PROJECT_FILES, check_interpreter, project_digest


def make_source(root: Path) -> Path:
    for name in PROJECT_FILES:
        if "." in name:
            (root / name).write_text(f"{name}\n")
        else:
            (root / name).mkdir(parents=True)
            (root / name / "__init__.py").write_text(f'"""{name}"""\n')
    return root


def test_the_digest_follows_the_installed_files_and_nothing_else(tmp_path: Path) -> None:
    source = make_source(tmp_path)
    first = project_digest(source)
    (source / "wizard" / "__pycache__").mkdir()
    (source / "wizard" / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"\0")
    (source / "tests").mkdir()
    (source / "tests" / "test_x.py").write_text("")
    assert project_digest(source) == first  # bytecode and other folders are not installed
    (source / "wizard" / "cli.py").write_text("")
    second = project_digest(source)
    (source / "README.md").write_text("changed\n")
    assert len({first, second, project_digest(source)}) == 3


def test_an_interpreter_with_an_editable_install_is_refused(tmp_path: Path) -> None:
    # The test install is editable (.ci/install: pip install -e): what the benches must refuse.
    probe = (
        "import json, importlib.metadata as md;"
        "d = md.distribution('convoai-setup').read_text('direct_url.json') or '{}';"
        "print(json.loads(d).get('dir_info', {}).get('editable', False))"
    )
    editable = subprocess.run(  # from elsewhere: a checkout's own *.egg-info would answer here
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=True
    ).stdout.strip()
    if editable == "True":
        with pytest.raises(SystemExit) as refused:
            check_interpreter(sys.executable)
        assert "installed editable" in str(refused.value) and "refused" in str(refused.value)
    else:  # a regular install: accepted, and described as such
        described = check_interpreter(sys.executable).describe()
        assert "pip install . (not editable)" in described
