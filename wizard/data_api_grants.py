"""Make ``service_role`` hold what it lacks: ``wizard.grants`` says what is missing; this writes
the grants migration and applies it like any other file (so git and the Supabase CLI's history
agree), then reads the privileges back.

Kept apart from ``wizard.grants`` because it runs the migrations, which read the grants.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from wizard.grants import GrantsReport, pending_file, write_file
from wizard.project import Project


def grant(
    db_url: str,
    project: Project,
    found: GrantsReport,
    pending: Sequence[str] = (),
    progress: Any = None,
    timeout: float = 10,
) -> str:
    """Write (or reuse the unapplied) ``<next>_service_role_grants.sql`` for what ``found``
    lacks, apply it like any migration, and read the privileges back: one line saying what
    now holds. ``ProviderError`` when they still do not hold (the file stays, for the log).

    The one way in for every front end: ``migrate --grants``, the TUI, ``--plain`` and ``up``.
    """
    from checklists.errors import ProviderError
    from wizard.migrations import apply, discover

    waiting = pending_file(project, pending)
    path = waiting or write_file(project, found, discover(project))

    def new_only(event: Any) -> None:  # the files already applied are no news
        if progress is not None and event.stage != "skipped":
            progress(event)

    again = apply(db_url, project, progress=new_only, timeout=timeout, check_grants=True)
    if again.error:
        raise ProviderError(again.error)
    if again.grants is not None and not again.grants.ok:
        raise ProviderError(
            f"{again.grants.summary()} even after {path.name}; see the file and the server log."
        )
    holds = found.summary().replace("lacks", "now holds")
    return f"wrote and applied supabase/migrations/{path.name}: {holds}"
