"""Golden files for each output, written by the real CLI from the example project."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import REPO, run_cli, scan_for_secrets
from tests.outputs.conftest import check_golden
from wizard.outputs.env_example import render_env_example

OUTPUTS = {
    ".env.example": "env.example",
    "vercel.json": "vercel.json",
    ".github/workflows/ci.yml": "ci.yml",
    "render.yaml": "render.yaml",
}


def test_write_produces_the_golden_files(answered: Path) -> None:
    result = run_cli("write", project=answered)
    assert result.returncode == 0, result.stderr
    for rel, golden in OUTPUTS.items():
        check_golden(golden, (answered / rel).read_text(encoding="utf-8"))
    # the diff on stdout announces each new file
    for rel in OUTPUTS:
        assert f"+++ b/{rel}\n" in result.stdout


def test_no_secret_in_written_files_or_state(answered: Path) -> None:
    result = run_cli("write", project=answered)
    assert result.returncode == 0, result.stderr
    assert scan_for_secrets(answered) == []
    assert scan_for_secrets(answered / ".convoai-setup") == []
    assert "sync: false" in (answered / "render.yaml").read_text()


def test_repository_env_example_matches_the_catalog() -> None:
    """The repo's own .env.example is the generated file: a catalog change must regenerate it."""
    committed = (REPO / ".env.example").read_text(encoding="utf-8")
    assert committed == render_env_example(), (
        ".env.example drifted from checklists/catalog.toml; regenerate it with: "
        "convoai-setup write env-example --project examples/convoai, then copy it to the repo root "
        "(or: python -c 'from wizard.outputs.env_example import render_env_example as r; "
        'print(r(), end="")\' > .env.example)'
    )


def test_env_example_documents_every_variable_without_values() -> None:
    from checklists.catalog import catalog

    text = render_env_example()
    for var in catalog().values():
        line = f"{var.name}=" if var.app_env else f"# {var.name}="
        assert f"\n{line}\n" in text, var.name
        assert f"example: {var.example}" in text
    assignments = [ln for ln in text.splitlines() if "=" in ln and not ln.startswith("#")]
    assert assignments and all(ln.endswith("=") for ln in assignments)
    backend, frontend = text.index("# Backend: Render"), text.index("# Frontend: Vercel")
    assert backend < text.index("\nJWT_SECRET=") < frontend < text.index("\nVITE_API_URL=")
