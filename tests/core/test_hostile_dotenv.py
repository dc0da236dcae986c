"""No value read from a file is ever expanded from the environment (issue 9 §2).

python-dotenv expands ``${NAME}`` unless told not to: a project ``.env`` or an imported file
could otherwise pull the vault passphrase (or any other variable) into a value and send it off.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote

from pytest_httpserver import HTTPServer

from tests.conftest import TEST_PASSPHRASE, run_cli, scan_for_secrets

PLACEHOLDER = "${CONVOAI_SETUP_PASSPHRASE}"


def test_project_dotenv_value_stays_literal_and_check_sends_the_literal(
    project: Path, httpserver: HTTPServer
) -> None:
    httpserver.no_handler_status_code = 200
    base = f"http://127.0.0.1:{httpserver.port}"
    (project / ".env").write_text(f"APP_URL={base}/{PLACEHOLDER}\n")

    # Never used implicitly, and pointed out literally.
    listed = run_cli("vars", "list", project=project)
    assert listed.returncode == 0, listed.stderr
    assert f"`.env` has APP_URL={base}/{PLACEHOLDER}" in listed.stderr
    assert TEST_PASSPHRASE not in listed.stdout + listed.stderr
    assert run_cli("vars", "get", "APP_URL", project=project).returncode == 1

    # Imported explicitly, it stays literal, and the check sends the literal.
    imported = run_cli("vars", "import", str(project / ".env"), "--allow-invalid", project=project)
    assert imported.returncode == 0, imported.stderr
    got = run_cli("vars", "get", "APP_URL", project=project)
    assert got.stdout == f"{base}/{PLACEHOLDER}\n"
    done = run_cli("check", "post-deploy", project=project)
    assert TEST_PASSPHRASE not in done.stdout + done.stderr
    seen = [request.url for request, _ in httpserver.log]
    assert seen, f"the app check never reached the server: {done.stderr}"
    for url in seen:
        assert TEST_PASSPHRASE not in unquote(url)
        assert TEST_PASSPHRASE.replace(" ", "%20") not in url
    assert any("${CONVOAI_SETUP_PASSPHRASE}" in unquote(u) for u in seen)
    for path in (project / ".convoai-setup").rglob("*"):
        if path.is_file():
            assert TEST_PASSPHRASE.encode() not in path.read_bytes(), path


def test_imported_value_is_not_expanded_and_the_passphrase_is_stored_nowhere(
    project: Path, tmp_path: Path
) -> None:
    dsn = f"https://{PLACEHOLDER}@o1.ingest.sentry.io/42"
    source = tmp_path / "hostile.env"
    source.write_text(
        f"SENTRY_DSN={dsn}\nAPP_URL=https://${{HOME}}.example.com\nOPENAI_API_KEY=sk-{PLACEHOLDER}x\n"
    )
    done = run_cli("vars", "import", str(source), "--allow-invalid", project=project)
    assert done.returncode == 0, done.stderr
    assert TEST_PASSPHRASE not in done.stdout + done.stderr

    got = run_cli("vars", "get", "SENTRY_DSN", "--reveal", project=project)
    assert got.stdout == dsn + "\n"
    assert run_cli("vars", "get", "APP_URL", project=project).stdout == (
        "https://${HOME}.example.com\n"
    )
    key = run_cli("vars", "get", "OPENAI_API_KEY", "--reveal", project=project)
    assert key.stdout == f"sk-{PLACEHOLDER}x\n"
    # Nothing under the state directory, the vault's plaintext or the exported values holds it.
    secrets = {"passphrase": TEST_PASSPHRASE, "home": os.environ["HOME"]}
    assert scan_for_secrets(project / ".convoai-setup", secrets) == []
    export = run_cli("export", "--format", "json", "--reveal", project=project)
    assert export.returncode == 0, export.stderr
    assert TEST_PASSPHRASE not in export.stdout and os.environ["HOME"] not in export.stdout
