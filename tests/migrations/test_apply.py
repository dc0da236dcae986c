"""``wizard.migrations`` against a real PostgreSQL 18 + pgvector, with the example's real SQL."""

from __future__ import annotations

import json
from pathlib import Path

from tests.evidence import statuses
from tests.migrations.conftest import add_migration, query, table_exists
from wizard.migration_files import discover, split_statements
from wizard.migrations import MigrationEvent, apply, inspect
from wizard.project import Project


def find_pending(local: list[str], remote: list[str]) -> tuple[list[str], str]:
    """The Supabase CLI's ``FindPendingMigrations`` (pkg/migration/apply.go), what ``db push`` runs."""
    unapplied, missing, i, j = [], [], 0, 0
    while i < len(remote) and j < len(local):
        if remote[i] == local[j]:
            i, j = i + 1, j + 1
        elif remote[i] < local[j]:
            missing.append(remote[i])
            i += 1
        else:
            unapplied.append(local[j])
            j += 1
    if j == len(local):
        missing += remote[i:]
    if missing:
        return missing, "Remote migration versions not found in local migrations directory."
    if unapplied:
        return unapplied, "Found local migration files to be inserted before the last migration"
    return local[len(remote) :], ""


def test_fresh_database_end_to_end(pg_database: str, proj: Project) -> None:
    events: list[MigrationEvent] = []
    report = apply(pg_database, proj, progress=events.append)
    assert report.ok and report.error is None
    assert [f.path.name for f in report.applied] == [
        "schema.sql",
        "001_analytics_functions.sql",
        "002_rescraping_columns.sql",
        "003_knowledge_base.sql",
        "004_analytics_enhancement.sql",
    ]
    assert [(e.index, e.total, e.stage) for e in events if e.index == 1] == [
        (1, 5, "start"),
        (1, 5, "done"),
    ]
    assert [e.stage for e in events].count("done") == 5
    # The SQL really ran: pgvector, tables, columns from 002/004, and functions that work.
    assert (
        report.vector
        == query(pg_database, "SELECT extversion FROM pg_extension WHERE extname='vector'")[0][0]
    )
    assert table_exists(pg_database, "public.knowledge_base_entries")
    query(pg_database, "INSERT INTO organizations(name, slug) VALUES ('o', 'o')")
    rows = query(pg_database, "SELECT * FROM chatbot_satisfaction(gen_random_uuid())")
    assert rows == [(0, 0, None, None)]
    vec = "[" + ",".join(["0.1"] * 1536) + "]"
    assert query(
        pg_database, "SELECT count(*) FROM match_documents(%s::vector, gen_random_uuid())", (vec,)
    ) == [(0,)]
    # State for `status` / `export`, and the phase outcome.
    state = json.loads(proj.state_file.read_text())
    assert state["migrations"]["applied"] == 5 and state["migrations"]["pending"] == 0
    assert state["migrations"]["vector"] == report.vector
    # Migrated, but SUPABASE_URL and SUPABASE_SERVICE_KEY are not entered: not done yet.
    supabase = statuses(proj.root)["supabase"]
    assert supabase.status == "pending" and supabase.todo[0].startswith("enter SUPABASE_URL")
    assert not [t for t in supabase.todo if "migrations" in t]  # the step itself is recorded


def test_migrating_records_the_step_and_the_checks_still_decide(
    pg_database: str, proj: Project
) -> None:
    from tests.conftest import FAKE_SECRETS
    from wizard.values import Answers

    Answers(proj, use_environment=False).set_many(
        {
            "SUPABASE_URL": "https://abcdefgh.supabase.co",
            "SUPABASE_SERVICE_KEY": FAKE_SECRETS["SUPABASE_SERVICE_KEY"],
            "SUPABASE_DB_URL": pg_database,
        }
    )
    assert apply(pg_database, proj).ok
    supabase = statuses(proj.root)["supabase"]
    # Applying migrations never completes the phase by itself: its live checks must pass too.
    assert supabase.status == "pending"
    assert supabase.todo == ("run the supabase check", "run the postgres check")


def test_history_reads_the_way_the_supabase_cli_reads_it(pg_database: str, proj: Project) -> None:
    assert apply(pg_database, proj).ok
    # pkg/migration/history.go LIST_MIGRATION_VERSION and SELECT_VERSION_TABLE, verbatim.
    remote = [
        r[0]
        for r in query(
            pg_database,
            "SELECT version FROM supabase_migrations.schema_migrations ORDER BY version",
        )
    ]
    assert remote == ["001", "002", "003", "004"]
    table = query(
        pg_database,
        "SELECT version, coalesce(name, '') as name, statements FROM "
        "supabase_migrations.schema_migrations",
    )
    folder = proj.root / "supabase" / "migrations"
    for version, name, statements in table:
        path = folder / f"{version}_{name}.sql"
        assert statements == split_statements(path.read_text())
    # `supabase db push` would find nothing to push and no remote-only version.
    local = sorted(p.name.split("_", 1)[0] for p in folder.glob("*.sql"))
    assert find_pending(local, remote) == ([], "")
    # schema.sql is in our baseline table, which the CLI never reads.
    baseline = query(
        pg_database,
        "SELECT version, name, statements FROM supabase_migrations.convoai_setup_baseline",
    )
    assert baseline == [
        ("schema", "schema", split_statements((proj.root / "supabase" / "schema.sql").read_text()))
    ]


def test_second_run_does_nothing(pg_database: str, proj: Project) -> None:
    assert apply(pg_database, proj).ok
    before = query(
        pg_database,
        "SELECT version, statements FROM supabase_migrations.schema_migrations ORDER BY 1",
    )
    events: list[MigrationEvent] = []
    report = apply(pg_database, proj, progress=events.append)
    assert report.ok and report.applied == []
    assert {e.stage for e in events} == {"skipped"} and len(events) == 5
    assert (
        query(
            pg_database,
            "SELECT version, statements FROM supabase_migrations.schema_migrations ORDER BY 1",
        )
        == before
    )


def test_failing_migration_is_rolled_back_and_not_recorded(pg_database: str, proj: Project) -> None:
    add_migration(
        proj.root,
        "005_broken.sql",
        "CREATE TABLE half_done (id int);\n\n-- oops\nSELECT\n  no_such_column\nFROM half_done;\n",
    )
    add_migration(proj.root, "006_after.sql", "CREATE TABLE after_broken (id int);\n")
    events: list[MigrationEvent] = []
    report = apply(pg_database, proj, progress=events.append)
    assert not report.ok
    assert (
        report.error
        == 'supabase/migrations/005_broken.sql:5: column "no_such_column" does not exist'
    )
    assert report.failed is not None and report.failed.version == "005"
    assert events[-1].stage == "failed" and events[-1].file.version == "005"
    assert not table_exists(pg_database, "public.half_done")  # rolled back
    assert not table_exists(pg_database, "public.after_broken")  # nothing after a failure
    versions = [
        r[0]
        for r in query(
            pg_database, "SELECT version FROM supabase_migrations.schema_migrations ORDER BY 1"
        )
    ]
    assert versions == ["001", "002", "003", "004"]
    state = json.loads(proj.state_file.read_text())
    supabase = statuses(proj.root)["supabase"]
    assert supabase.status == "failed" and "005_broken.sql:5" in supabase.message
    assert state["migrations"]["pending"] == 2


def test_edited_file_is_reported_and_not_rerun(pg_database: str, proj: Project) -> None:
    assert apply(pg_database, proj).ok
    path = proj.root / "supabase" / "migrations" / "002_rescraping_columns.sql"
    path.write_text(path.read_text() + "\nCREATE TABLE edited_marker (id int);\n")
    statuses = {s.version: s.status for s in inspect(pg_database, proj)}
    assert statuses == {
        "schema": "applied",
        "001": "applied",
        "002": "edited",
        "003": "applied",
        "004": "applied",
    }
    report = apply(pg_database, proj)
    assert not report.ok and report.applied == [] and report.count("edited") == 1
    assert not table_exists(pg_database, "public.edited_marker")
    assert json.loads(proj.state_file.read_text())["migrations"]["edited"] == 1


def test_versions_recorded_by_something_else_are_reported(pg_database: str, proj: Project) -> None:
    assert apply(pg_database, proj).ok
    query(
        pg_database,
        "INSERT INTO supabase_migrations.schema_migrations(version, name) VALUES "
        "('20240101000000', 'other')",
    )
    unknown = [s for s in inspect(pg_database, proj) if s.status == "unknown"]
    assert [(s.version, s.name, s.file) for s in unknown] == [("20240101000000", "other", None)]
    report = apply(pg_database, proj)
    assert any("20240101000000" in w for w in report.warnings)


def test_file_with_its_own_commit_is_refused_before_anything_runs(
    pg_database: str, proj: Project
) -> None:
    add_migration(
        proj.root,
        "005_commits.sql",
        "CREATE TABLE c1 (id int);\nCOMMIT;\nBEGIN;\nCREATE TABLE c2 (id int);\n",
    )
    report = apply(pg_database, proj)
    assert report.error is not None and report.error.startswith(
        "supabase/migrations/005_commits.sql:2: contains COMMIT"
    )
    assert report.applied == []
    assert not table_exists(pg_database, "public.organizations")  # not even schema.sql ran
    assert not table_exists(pg_database, "supabase_migrations.schema_migrations")


def test_dry_run_changes_nothing(pg_database: str, proj: Project) -> None:
    def snapshot() -> list[tuple[object, ...]]:
        return query(
            pg_database,
            "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = "
            "c.relnamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', "
            "'pg_toast') ORDER BY 1, 2",
        )

    before = snapshot()
    events: list[MigrationEvent] = []
    report = apply(pg_database, proj, dry_run=True, progress=events.append)
    assert report.error is None and report.applied == [] and report.count("pending") == 5
    assert [e.stage for e in events] == ["skipped"] * 5 and "would apply" in events[0].message
    assert snapshot() == before
    assert query(pg_database, "SELECT count(*) FROM pg_extension WHERE extname = 'vector'") == [
        (0,)
    ]
    assert not proj.state_file.exists()


def test_discover_orders_by_number_and_ignores_other_names(proj: Project) -> None:
    add_migration(proj.root, "10_ten.sql", "SELECT 10;")
    add_migration(proj.root, "9_nine.sql", "SELECT 9;")
    add_migration(proj.root, "notes.sql", "SELECT 0;")
    assert [f.version for f in discover(proj)] == ["schema", "001", "002", "003", "004", "9", "10"]


def test_search_path_set_by_a_file_does_not_leak(
    pg_database: str, proj: Project, tmp_path: Path
) -> None:
    add_migration(proj.root, "005_path.sql", "CREATE SCHEMA other;\nSET search_path = other;\n")
    add_migration(proj.root, "006_table.sql", "CREATE TABLE leak_probe (id int);\n")
    assert apply(pg_database, proj).ok
    assert table_exists(pg_database, "public.leak_probe")


def test_commit_after_an_escaped_quote_is_refused_and_nothing_runs(
    pg_database: str, proj: Project
) -> None:
    # The lexer the CLI uses ends E'it\'s' at the backslash, never sees the COMMIT, and
    # so committed half of this file. PostgreSQL's parser sees it.
    add_migration(
        proj.root,
        "005_escape.sql",
        "CREATE TABLE before_commit (id int);\nSELECT E'it\\'s';\nCOMMIT;\nCREATE TABLE "
        "after_commit (id int);\n",
    )
    report = apply(pg_database, proj)
    assert report.error is not None and report.error.startswith(
        "supabase/migrations/005_escape.sql:3: contains COMMIT;"
    )
    assert report.applied == [] and report.count("pending") == 6
    for table in ("public.organizations", "public.before_commit", "public.after_commit"):
        assert not table_exists(pg_database, table)


def test_a_file_the_parser_rejects_is_refused_with_its_line(
    pg_database: str, proj: Project
) -> None:
    add_migration(
        proj.root, "005_typo.sql", "-- ü\nCREATE TABLE ok (id int);\n\nCREAT TABLE typo (id int);\n"
    )
    report = apply(pg_database, proj)
    assert report.error == (
        'supabase/migrations/005_typo.sql:4: syntax error at or near "CREAT" '
        "(PostgreSQL's parser); nothing was run. Fix the SQL."
    )
    assert report.applied == [] and not table_exists(pg_database, "public.organizations")
    # status still reads a broken pending file: it is pending, nothing more
    assert {s.version: s.status for s in inspect(pg_database, proj)}["005"] == "pending"


def test_prepare_transaction_is_refused_and_leaves_nothing_prepared(
    pg_prepared_server: str, proj: Project
) -> None:
    import psycopg

    url = pg_prepared_server
    # On this server PREPARE TRANSACTION really works: a file could hand its transaction over.
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("BEGIN")
        conn.execute("PREPARE TRANSACTION 'probe'")
        assert query(url, "SELECT gid FROM pg_prepared_xacts") == [("probe",)]
        conn.execute("ROLLBACK PREPARED 'probe'")
    add_migration(
        proj.root,
        "005_prepare.sql",
        "CREATE TABLE prepared_half (id int);\nSELECT $$;$$;\nPREPARE TRANSACTION 'convoai';\n",
    )
    report = apply(url, proj)
    assert report.error is not None and report.error.startswith(
        "supabase/migrations/005_prepare.sql:3: contains PREPARE TRANSACTION;"
    )
    assert report.applied == []
    assert query(url, "SELECT gid FROM pg_prepared_xacts") == []
    assert not table_exists(url, "public.prepared_half")
    assert not table_exists(url, "public.organizations")


def test_comment_only_entries_are_recorded_as_the_cli_records_them(
    pg_database: str, proj: Project
) -> None:
    sql = "-- header\nCREATE TABLE commented (id int); -- why\n;\nSELECT 1;\n-- the end\n"
    add_migration(proj.root, "005_comments.sql", sql)
    assert apply(pg_database, proj).ok
    recorded = query(
        pg_database,
        "SELECT statements FROM supabase_migrations.schema_migrations WHERE version = '005'",
    )
    assert recorded == [
        (["-- header\nCREATE TABLE commented (id int)", "-- why", "SELECT 1", "-- the end"],)
    ]
    assert table_exists(pg_database, "public.commented")
    assert {s.version: s.status for s in inspect(pg_database, proj)}["005"] == "applied"


def test_rows_split_by_the_cli_lexer_are_not_edits(pg_database: str, proj: Project) -> None:
    add_migration(proj.root, "005_escape.sql", "SELECT E'a\\'b';\nSELECT 2;\n")
    assert apply(pg_database, proj).ok
    # What the Supabase CLI's lexer would have recorded: it cuts this text elsewhere.
    query(
        pg_database,
        "UPDATE supabase_migrations.schema_migrations SET statements = %s WHERE version = '005'",
        (["SELECT E'a\\'b';\nSELECT 2"],),
    )
    assert {s.version: s.status for s in inspect(pg_database, proj)}["005"] == "applied"
