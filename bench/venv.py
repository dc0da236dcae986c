"""The clean virtual environment every benchmark measures in: ``pip install .``, as users do.

Never the development environment: there the project is installed editable (an import hook or a
``.pth`` file that runs at every interpreter start) into a large site-packages, which slows bare
``python -c pass`` and so hides exactly the start-up cost users pay (issue 19).

``bench_venv()`` copies the files ``pip install .`` reads (``PROJECT_FILES``) to a scratch
directory, makes ``bench/.cache/venv-<hash>`` with ``python -m venv`` and installs the copy there
(not editable). The hash covers those files, so an edit makes a new venv and an unchanged
checkout reuses it; older ``venv-*`` directories are removed. ``check_interpreter`` refuses any
interpreter whose ``convoai-setup`` is an editable install or is imported from outside its own
environment, and describes the one it accepts.

    python -m bench.venv            # build (or find) the venv and print what it holds
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CACHE = REPO / "bench" / ".cache"
#: what ``pip install .`` reads: the build configuration, the readme and the four packages
PROJECT_FILES = ("pyproject.toml", "README.md", "wizard", "screens", "providers", "checklists")
#: left out of the copy and the hash: bytecode and tool caches, never part of the project
IGNORED = {"__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache"}
#: where a complete venv records what it was built from (written last)
MARKER = "convoai-bench.json"

#: run in the interpreter being judged, from a scratch directory so the checkout can't shadow
#: the installed package: where ``wizard`` comes from and how the distribution was installed
_PROBE = """
import json, sys, sysconfig, importlib.metadata as md
import wizard
dist = md.distribution("convoai-setup")
direct = json.loads(dist.read_text("direct_url.json") or "{}")
print(json.dumps({
    "python": sys.version.split()[0],
    "executable": sys.executable,
    "prefix": sys.prefix,
    "base_prefix": sys.base_prefix,
    "purelib": sysconfig.get_paths()["purelib"],
    "wizard": wizard.__file__,
    "version": dist.version,
    "editable": bool(direct.get("dir_info", {}).get("editable")),
    "url": direct.get("url", ""),
}))
"""


@dataclass(frozen=True)
class Interpreter:
    """A Python with convoai-setup installed as users install it."""

    python: Path
    #: its environment (``sys.prefix``): the console script lives in its ``bin``
    prefix: Path
    version: str
    package: str

    def script(self, name: str = "convoai-setup") -> str:
        return str(self.prefix / "bin" / name)

    def describe(self) -> str:
        """The line each benchmark prints first: which interpreter and venv it measured."""
        return (
            f"interpreter {self.python} (Python {self.version}); venv {self.prefix}; "
            f"convoai-setup {self.package} installed by pip install . (not editable)"
        )


def project_digest(source: Path = REPO) -> str:
    """A hash of every file ``pip install .`` would read from ``source`` (names and bytes)."""
    digest = hashlib.sha256()
    for path in sorted(_project_files(source)):
        digest.update(path.relative_to(source).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def _project_files(source: Path) -> list[Path]:
    out = []
    for name in PROJECT_FILES:
        top = source / name
        files = [top] if top.is_file() else sorted(p for p in top.rglob("*") if p.is_file())
        out += [p for p in files if not IGNORED & set(p.parts) and p.suffix != ".pyc"]
    return out


def bench_venv(source: Path = REPO, python: str = sys.executable) -> Interpreter:
    """The venv with ``source`` installed by ``pip install .``, built when missing or outdated."""
    digest = project_digest(source)
    home = CACHE / f"venv-{digest}"
    if not (home / MARKER).exists():
        _build(source, home, python)
    for old in CACHE.glob(f"venv-*/{MARKER}"):  # older builds of the same checkout
        if old.parent != home and json.loads(old.read_text()).get("source") == str(source):
            shutil.rmtree(old.parent, ignore_errors=True)
    return check_interpreter(home / "bin" / "python")


def _build(source: Path, home: Path, python: str) -> None:
    print(f"building the benchmark venv {home} (pip install ., not editable)...", file=sys.stderr)
    shutil.rmtree(home, ignore_errors=True)
    CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="convoai-bench-src-") as tmp:
        # A copy: an in-tree build would leave build/ in the checkout, whose stale files a later
        # build would install along with the current ones.
        copy = Path(tmp) / "src"
        for path in _project_files(source):
            target = copy / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
        for argv in (
            [python, "-m", "venv", str(home)],
            [str(home / "bin" / "python"), "-m", "pip", "install", "--quiet", str(copy)],
        ):
            done = subprocess.run(argv, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                raise SystemExit(f"{' '.join(argv)} failed:\n{done.stdout}{done.stderr}")
    (home / MARKER).write_text(json.dumps({"source": str(source)}) + "\n")


def check_interpreter(python: Path | str) -> Interpreter:
    """``python`` described, or ``SystemExit`` when its convoai-setup is editable or is not the
    one installed in its own environment (a checkout on ``sys.path``, a ``.pth`` file)."""
    # Absolute, but not resolved: a venv's python is a link whose target is outside the venv.
    python = os.path.abspath(python)
    with tempfile.TemporaryDirectory(prefix="convoai-bench-probe-") as scratch:
        done = subprocess.run(
            [python, "-c", _PROBE], cwd=scratch, capture_output=True, text=True, check=False
        )
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise SystemExit(f"{python}: cannot import convoai-setup ({last})")
    info = json.loads(done.stdout)
    installed = Path(info["wizard"]).resolve().is_relative_to(Path(info["purelib"]).resolve())
    if info["editable"] or not installed:
        raise SystemExit(
            f"{python} has convoai-setup installed editable (wizard from {info['wizard']}): "
            "refused. Measure in a venv made with pip install . (the default: bench.venv)."
        )
    return Interpreter(
        Path(info["executable"]), Path(info["prefix"]), info["python"], info["version"]
    )


def main() -> None:
    print(bench_venv().describe())


if __name__ == "__main__":
    main()
