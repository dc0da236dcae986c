"""What both front ends say about the Data API grants after applying the migrations
(``wizard.grants``: what ``service_role`` lacks; ``wizard.data_api_grants.grant``: the file that
grants it, applied like any migration), as ``convoai-setup migrate --grants`` says it.

No Textual here: the plain flow imports it too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wizard.grants import GrantsReport
    from wizard.project import Project


@dataclass(frozen=True)
class GrantsOffer:
    """What is missing, and the file that would grant it."""

    found: GrantsReport
    #: the versions still pending (a grants file written earlier may be among them)
    pending: list[str]
    #: ``006_service_role_grants.sql``
    name: str
    #: the file is already written (not applied yet): it is applied as it is
    written: bool

    def lacking(self) -> str:
        return (
            f"{self.found.summary()}: the backend's queries will fail with 42501 permission denied."
        )

    def question(self) -> str:
        where = f"supabase/migrations/{self.name}"
        if self.written:
            return f"Apply {where} (written earlier, not applied yet)?"
        count = len(self.found.missing)
        return (
            f"Write {where} ({count} GRANT statements, service_role only; row level security "
            "stays on) and apply it like any migration?"
        )


def offer(project: Project, report: Any) -> GrantsOffer | None:
    """The grants to offer after ``apply(..., check_grants=True)`` (its ``MigrationReport``), or
    None when nothing is missing (or there is no ``service_role``: not Supabase's database)."""
    from wizard import grants
    from wizard.migrations import discover

    found = report.grants
    if found is None or not found.role_exists or found.ok:
        return None
    statuses: Sequence[Any] = report.statuses
    pending = [s.version for s in statuses if s.status == "pending"]
    waiting = grants.pending_file(project, pending)
    name = (
        waiting.name if waiting else f"{grants.next_version(discover(project))}_{grants.NAME}.sql"
    )
    return GrantsOffer(found, pending, name, waiting is not None)
