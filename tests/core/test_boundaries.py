"""The core never imports a UI library; commands that don't draw the TUI never import Textual."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

CORE_PACKAGES = ("wizard", "providers", "checklists")


def core_modules() -> list[str]:
    names = []
    for package in CORE_PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            rel = path.relative_to(REPO).with_suffix("")
            parts = list(rel.parts)
            if parts[-1] == "__main__":
                continue  # running it would start the CLI
            if parts[-1] == "__init__":
                parts.pop()
            names.append(".".join(parts))
    return names


def loaded_after(code: str) -> set[str]:
    probe = code + "\nimport sys\nprint(' '.join(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO, check=True
    )
    return set(done.stdout.split())


def test_every_core_module_imports_without_ui_libraries() -> None:
    modules = core_modules()
    assert len(modules) > 10
    imports = "\n".join(f"import {m}" for m in modules)
    loaded = loaded_after(imports)
    # (rich may load: httpx imports it for its own CLI when installed; it draws nothing here.)
    assert {"textual", "questionary", "prompt_toolkit"} & loaded == set()
    assert set(modules) <= loaded


def test_status_and_help_do_not_import_textual(project: Path) -> None:
    for argv in (
        ["--help"],
        ["status", "--project", str(project)],
        ["status", "--json", "--project", str(project)],
    ):
        code = (
            "import sys, contextlib, io\n"
            "from wizard.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    try:\n"
            f"        main({argv!r})\n"
            "    except SystemExit:\n"
            "        pass"
        )
        loaded = loaded_after(code)
        assert "textual" not in loaded, argv
        assert "httpx" not in loaded and "keyring" not in loaded, argv


def test_core_sources_have_no_ui_import_statements() -> None:
    for package in CORE_PACKAGES:
        for path in (REPO / package).rglob("*.py"):
            for line in path.read_text().splitlines():
                stripped = line.strip()
                assert not stripped.startswith(
                    ("import textual", "from textual", "import questionary", "from questionary")
                ), path
