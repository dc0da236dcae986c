"""What ``--help`` and ``status`` import: pinned, so a heavy import on their path fails here.

Start-up time is measured by ``bench.startup`` (never timed in a test); these tests pin its cause.
Each runs the command under ``python -X importtime`` and takes the modules it imports beyond
what bare ``python -c pass`` imports in the same environment (an editable install's finder
loads some modules at every start; those are not the command's doing). Where that hides too
much (the finder loads typing, pathlib, re...), the command runs without ``site`` (``-S``), so
everything it imports shows.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, run_cli

#: never needed to print help or status: UI libraries, HTTP and crypto stacks, the store
NEVER = {
    "textual",
    "rich",
    "questionary",
    "prompt_toolkit",
    "httpx",
    "keyring",
    "cryptography",
    "psycopg",
    "redis",
    "yaml",
    "pglast",
    "stamina",
    "dotenv",
    "asyncio",
    "secrets",
    "hmac",
    "tempfile",
    "shutil",
    "wizard.store",
    "wizard.values",
    "wizard.vault",
}
#: ``--help`` prints text kept in ``wizard.cli_text``: not even argparse, nor any dataclass module
NOT_FOR_HELP = {
    "argparse",
    "wizard.cli_parser",
    "wizard.commands",
    "wizard.project",
    "wizard.phases",
    "checklists.catalog",
    "checklists.errors",
    "dataclasses",
    "inspect",
    "typing",
    "json",
    "tomllib",
    "locale",
}
#: ``status`` reads the state and the (cached) catalog: the TOML parser and the platform code
#: are not needed on a project that never pushed, the clock only when something is written;
#: its command line is read without argparse (``wizard.cli.read_flags``)
NOT_FOR_STATUS = {
    "tomllib",
    "wizard.drift",
    "wizard.platforms",
    "datetime",
    "checklists.schema",
    "argparse",
    "gettext",
    "locale",
    "wizard.cli_parser",
}
#: what ``status`` does without, each costing more than its own work: dataclasses (with
#: inspect, ast, dis, tokenize), typing, pathlib (with urllib.parse and ipaddress), the
#: providers' shared types, the errors until one is raised, contextlib until something is
#: written; hashlib (OpenSSL) until a recorded fingerprint is there to compare
STATUS_WITHOUT = {
    "dataclasses",
    "inspect",
    "typing",
    "pathlib",
    "urllib.parse",
    "ipaddress",
    "providers.base",
    "checklists.errors",
    "contextlib",
    "importlib",
    "wizard.state_schema",
}


def imported(*args: str, env: dict[str, str] | None = None, site: bool = True) -> set[str]:
    """Modules ``python -X importtime ARGS`` imports that bare ``python -c pass`` does not
    (both without ``site`` unless ``site``)."""
    flags = [] if site else ["-S"]

    def names(argv: list[str]) -> set[str]:
        done = subprocess.run(
            [sys.executable, *flags, "-X", "importtime", *argv],
            cwd=REPO,
            env={**os.environ, **(env or {})},
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        rows = [line.split("|") for line in done.stderr.splitlines()]
        return {row[2].strip() for row in rows if len(row) == 3 and row[0].startswith("import")}

    loaded = names(list(args))
    assert loaded, "python -X importtime printed no imports"
    return loaded - names(["-c", "pass"])


@pytest.mark.parametrize("columns", ["80", "200"])
def test_help_imports_no_parser_and_no_command(columns: str) -> None:
    loaded = imported("-m", "wizard", "--help", env={"COLUMNS": columns})
    assert {"wizard", "wizard.cli", "wizard.cli_text"} <= loaded
    assert loaded & (NEVER | NOT_FOR_HELP) == set()


def test_status_imports_the_state_and_the_catalog_only(project: Path) -> None:
    argv = ("-m", "wizard", "--project", str(project), "status")
    imported(*argv)  # the first run after an install parses the catalog and caches it
    for extra in ((), ("--json",)):
        loaded = imported(*argv, *extra)
        assert {"wizard.state", "wizard.done", "checklists.catalog"} <= loaded
        assert loaded & (NEVER | NOT_FOR_STATUS) == set(), extra


def console_script(project: Path, *args: str) -> tuple[str, ...]:
    """What the console script runs (``main()`` with ``sys.argv``), as ``python -c`` code."""
    argv = ["convoai-setup", "--project", str(project), *args]
    return ("-c", f"import sys; sys.argv = {argv!r}; from wizard.cli import main; main()")


def test_status_needs_no_dataclasses_typing_pathlib_or_hashlib(project: Path) -> None:
    imported(*console_script(project, "status"), site=False)  # parses and caches the catalog
    for extra in ((), ("--json",)):
        loaded = imported(*console_script(project, "status", *extra), site=False)
        assert {"wizard.done", "checklists.catalog", "json"} <= loaded
        unwanted = NEVER | NOT_FOR_STATUS | STATUS_WITHOUT | {"hashlib", "_hashlib"}
        assert loaded & unwanted == set(), extra


def test_status_of_a_project_under_way_hashes_but_imports_no_more(project: Path) -> None:
    from tests.conftest import FAKE_SECRETS
    from tests.evidence import prove
    from wizard.project import Project
    from wizard.values import Answers

    values = {
        **FAKE_SECRETS,
        "SUPABASE_URL": "https://abcdefgh.supabase.co",
        "APP_URL": "https://api.example.com",
    }
    Answers(Project(project), use_environment=False).set_many(values, allow_invalid=True)
    for phase_id in ("supabase", "upstash", "render", "env-example"):
        prove(project, phase_id)
    imported(*console_script(project, "status"), site=False)  # parses and caches the catalog
    loaded = imported(*console_script(project, "status"), site=False)
    # the recorded fingerprints are compared: files are hashed, the state's shape checked
    assert {"hashlib", "wizard.state_schema", "wizard.done"} <= loaded
    unwanted = NEVER | NOT_FOR_STATUS | (STATUS_WITHOUT - {"wizard.state_schema"})
    assert loaded & unwanted == set()
    shown = run_cli("status", project=project)
    assert "supabase        done" in shown.stdout, shown.stdout + shown.stderr


def test_status_reads_the_platforms_only_when_a_push_was_recorded(project: Path) -> None:
    state = project / ".convoai-setup"
    state.mkdir()
    (state / "state.json").write_text(
        '{"version": 1, "platforms": {"render": {"in_sync": false, "exists": true, '
        '"different": ["NODE_ENV"], "missing": [], "at": "2026-01-01T00:00:00Z"}}}'
    )
    loaded = imported("-m", "wizard", "--project", str(project), "status")
    assert {"wizard.drift", "wizard.platforms"} <= loaded
    assert loaded & NEVER == set()
    shown = run_cli("status", project=project)
    assert "Render differs since 2026-01-01T00:00:00Z: NODE_ENV" in shown.stdout, shown.stderr


#: what the TUI's first frame (the overview) does not show, imported when first needed: the
#: screens' messages (a dozen dataclasses) when one is posted; OpenSSL (hashlib, hmac, secrets)
#: when a value is stored; cryptography when a secret is read or written; keyring when the
#: system keyring is probed; argparse for any other command line than the wizard's; the
#: platforms and their drift once a push or drift has compared one; the phase screens' widgets
NOT_FOR_FIRST_FRAME = {
    "argparse",
    "wizard.cli_parser",
    "wizard.drift",
    "wizard.platforms",
    "screens.phase_widgets",
    "screens.messages",
    "hashlib",
    "_hashlib",
    "hmac",
    "secrets",
    "getpass",
    "cryptography",
    "keyring",
    "wizard.vault",
    "screens.phase",
    "screens.finish",
    "screens.commands",
    # the overview's Footer is mounted once the first frame is shown (OptionList and Button,
    # which the overview does without, are imported by textual.app itself)
    "textual.widgets._footer",
}


def test_the_first_frame_leaves_messages_and_crypto_for_later(project: Path) -> None:
    # The command line read, the app made, and what the overview shows read (``read_view``:
    # the phases and their notes), as ``convoai-setup --project DIR`` does before its first frame.
    app = (
        f"from wizard.cli import read_flags; read_flags(['--project', {str(project)!r}]); "
        "from wizard.commands.phase import run_wizard; "
        f"from screens.run import prepare_answers; answers = prepare_answers({str(project)!r}); "
        "from screens.app import WizardApp; from screens.overview import OverviewScreen; "
        "WizardApp(answers); OverviewScreen(answers).read_view()"
    )
    loaded = imported("-c", app)
    assert {"textual.app", "screens.app", "screens.overview", "wizard.values"} <= loaded
    assert {"wizard.commands.phase", "wizard.notes", "wizard.done"} <= loaded
    assert loaded & NOT_FOR_FIRST_FRAME == set()
    # Right after the first frame the overview opens the store (a vault here): that alone
    # loads no cryptography, which waits for a secret.
    opened = imported("-c", f"{app}; print(answers.store.description)")
    assert "wizard.vault" in opened
    assert opened & {"cryptography", "keyring", "screens.messages"} == set()
