"""``convoai-setup migrate`` as a real subprocess: exit codes, progress lines, status feeds."""

from __future__ import annotations

import json
from pathlib import Path

from providers.postgres import VECTOR_FIX
from tests.conftest import run_cli
from tests.migrations.conftest import query
from wizard.migrations import apply
from wizard.project import Project


def test_missing_url_is_a_config_error(project: Path) -> None:
    result = run_cli("migrate", project=project)
    assert result.returncode == 2
    assert "Set it: convoai-setup vars set SUPABASE_DB_URL" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_migrate_then_status_and_export_feeds(pg_database: str, project: Path) -> None:
    assert (
        run_cli("vars", "set", "SUPABASE_DB_URL", project=project, input=pg_database).returncode
        == 0
    )
    result = run_cli("migrate", project=project)
    assert result.returncode == 0, result.stderr
    assert (
        "[1/5] applied schema.sql" in result.stderr
        and "[5/5] applied 004_analytics_enhancement.sql" in result.stderr
    )
    assert result.stdout == ""
    doc = json.loads(run_cli("migrate", "status", "--json", project=project).stdout)
    assert doc["counts"] == {"applied": 5, "pending": 0, "edited": 0, "unknown": 0}
    assert doc["migrations"][0] == {
        "version": "schema",
        "name": "schema",
        "file": "supabase/schema.sql",
        "status": "applied",
    }
    assert doc["vector"]["installed"]
    status = run_cli("status", "--json", project=project)
    assert json.loads(status.stdout)["migrations"]["applied"] == 5
    # An edited file: migrate and migrate status both exit 1 and name it.
    path = project / "supabase" / "migrations" / "003_knowledge_base.sql"
    path.write_text(path.read_text().replace("DEFAULT 3", "DEFAULT 4"))
    again = run_cli("migrate", project=project)
    assert (
        again.returncode == 1
        and "003_knowledge_base.sql was edited after it was applied" in again.stderr
    )
    assert run_cli("migrate", "status", project=project).returncode == 1


def test_dry_run_cli_changes_nothing(pg_database: str, project: Path) -> None:
    assert (
        run_cli("vars", "set", "SUPABASE_DB_URL", project=project, input=pg_database).returncode
        == 0
    )
    result = run_cli("migrate", "--dry-run", project=project)
    assert (
        result.returncode == 0 and "Dry run: nothing changed. 0 applied, 5 pending" in result.stderr
    )
    assert query(pg_database, "SELECT to_regnamespace('supabase_migrations')") == [(None,)]


def test_vector_not_available_runs_nothing(
    pg_without_vector: str, tmp_path: Path, project: Path
) -> None:
    import psycopg

    name = f"novec_{tmp_path.name[-8:].lower().replace('-', '_')}"
    with psycopg.connect(pg_without_vector, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    url = pg_without_vector.rsplit("/", 1)[0] + f"/{name}"
    report = apply(url, Project(project))
    assert report.error == VECTOR_FIX and report.applied == []
    assert query(
        url, "SELECT to_regclass('public.organizations'), to_regnamespace('supabase_migrations')"
    ) == [(None, None)]
    from tests.evidence import statuses

    supabase = statuses(project)["supabase"]
    assert supabase.status == "failed" and "Dashboard › Database › Extensions" in supabase.message


def test_a_restored_file_no_longer_asks_to_apply_the_migrations_again(
    pg_database: str, project: Path
) -> None:
    from tests.evidence import statuses

    def step_lines() -> list[str]:
        s = statuses(project)["supabase"]
        return [t for t in (*s.todo, *s.failed) if "migrations" in t or "edited" in t]

    stored = run_cli("vars", "set", "SUPABASE_DB_URL", project=project, input=pg_database)
    assert stored.returncode == 0
    assert run_cli("migrate", project=project).returncode == 0
    assert step_lines() == []
    path = project / "supabase" / "migrations" / "003_knowledge_base.sql"
    original = path.read_text()
    path.write_text(original.replace("DEFAULT 3", "DEFAULT 4"))
    assert run_cli("migrate", project=project).returncode == 1
    assert step_lines() == ["edited after they were applied: 003_knowledge_base.sql"]
    path.write_text(original)  # put back as it was applied
    assert step_lines() == []
    assert run_cli("migrate", "status", project=project).returncode == 0
    assert step_lines() == []


def test_migrate_status_records_migrations_applied_elsewhere(
    pg_database: str, project: Path, tmp_path: Path
) -> None:
    import shutil

    from tests.evidence import statuses

    elsewhere = tmp_path / "other-checkout"
    shutil.copytree(project, elsewhere)
    assert apply(pg_database, Project(elsewhere)).ok  # migrated from another checkout
    stored = run_cli("vars", "set", "SUPABASE_DB_URL", project=project, input=pg_database)
    assert stored.returncode == 0
    assert "apply the migrations" in statuses(project)["supabase"].todo
    assert run_cli("migrate", "status", project=project).returncode == 0
    assert not [t for t in statuses(project)["supabase"].todo if "migrations" in t]


def test_misnamed_migration_files_are_warned_about_as_the_supabase_cli_does(
    pg_database: str, project: Path
) -> None:
    folder = project / "supabase" / "migrations"
    (folder / "add_widgets.sql").write_text("CREATE TABLE widgets (id int);\n")
    (folder / "005-more.sql").write_text("SELECT 1;\n")
    (folder / ".gitkeep").write_text("")
    stored = run_cli("vars", "set", "SUPABASE_DB_URL", project=project, input=pg_database)
    assert stored.returncode == 0
    applied = run_cli("migrate", project=project)
    assert applied.returncode == 0, applied.stderr
    for name in ("add_widgets.sql", "005-more.sql"):
        assert f"skipping migration {name}: the file name must match <version>_<name>.sql" in (
            applied.stderr
        )
    assert ".gitkeep" not in applied.stderr
    assert not query(pg_database, "SELECT to_regclass('public.widgets')")[0][0]
    status = run_cli("migrate", "status", project=project)
    assert "skipping migration add_widgets.sql" in status.stderr
