"""The TUI's Migrations tab applies with the Data API grants check: on a database set up as
Supabase sets up projects today (the API roles get nothing by default), it says what
service_role lacks and offers the grants file, confirmed; declining writes nothing, accepting
writes and applies it like any migration (real PostgreSQL + pgvector with Supabase's roles)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg
import pytest
from textual.widgets import Button, Static

from screens.app import WizardApp
from screens.modals import YesNoModal
from screens.run import prepare_answers
from screens.supabase import SupabaseScreen
from tests.conftest import scan_for_secrets
from tests.provision.test_grants import grant_files, rows, supabase_db, supabase_pg
from tests.push.conftest import store
from tests.push.test_tui_push import modal_ready, until
from tests.ui.conftest import SIZE, settle

__all__ = ["supabase_db", "supabase_pg"]  # fixtures, used by name


def text(screen: Any, where: str) -> str:
    return str(screen.query_one(where, Static).render())


async def answer(pilot: Any, yes: bool) -> str:
    await until(pilot, lambda: modal_ready(pilot))
    modal = pilot.app.screen
    assert isinstance(modal, YesNoModal)
    modal.query_one("#yes" if yes else "#no", Button).press()
    await settle(pilot)
    return modal.question


async def test_apply_says_what_service_role_lacks_and_writes_the_grants_when_confirmed(
    supabase_db: str, project: Path
) -> None:
    store(project, {"SUPABASE_DB_URL": supabase_db})
    app = WizardApp(prepare_answers(project), "supabase")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SupabaseScreen)
        assert not screen.query_one("#grants-row").display  # nothing to offer before Apply
        await pilot.press("f3")
        screen.query_one("#apply", Button).press()
        await settle(pilot)
        said = text(screen, "#grants-text")
        assert screen.query_one("#grants-row").display
        screen.query_one("#grants", Button).press()
        declined = await answer(pilot, yes=False)
        assert grant_files(project) == []  # declined: no file, nothing applied
        screen.query_one("#grants", Button).press()
        await answer(pilot, yes=True)
        done = text(screen, "#grants-text")
        listed = [str(r.file_name) for r in screen.query("MigrationRow")]
        badges = [text(r, ".migration-status") for r in screen.query("MigrationRow")]
        assert not screen.query_one("#grants-row").display
    assert said.startswith(
        "service_role lacks privileges on 7 tables, 1 sequence and 5 functions of public: the "
        "backend's queries will fail with 42501 permission denied."
    )
    assert "Write and apply grants writes supabase/migrations/005_service_role_grants.sql" in said
    assert declined.startswith(
        "Write supabase/migrations/005_service_role_grants.sql (13 GRANT statements, "
        "service_role only; row level security stays on)"
    )
    assert grant_files(project) == ["005_service_role_grants.sql"]
    assert done.startswith("✓ wrote and applied supabase/migrations/005_service_role_grants.sql")
    assert "service_role now holds privileges on 7 tables" in done
    # The file is a migration like the others: listed, applied, recorded.
    assert listed[-1] == "005_service_role_grants.sql" and badges[-1].endswith("applied")
    recorded = rows(supabase_db, "SELECT version FROM supabase_migrations.schema_migrations")
    assert ("005",) in recorded
    # What the backend meets through the Data API now works; the others still get nothing.
    assert rows(supabase_db, "SELECT count(*) FROM organizations", "service_role") == [(0,)]
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        rows(supabase_db, "SELECT count(*) FROM organizations", "anon")
    assert scan_for_secrets(project, {"SUPABASE_DB_URL": supabase_db}) == []
