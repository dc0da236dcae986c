"""Typed messages that workers post back to the screens (toolong/frogmouth style).

Every message of a check run carries its ``generation``: a screen ignores messages from a run
older than its latest one, so a second Validate press never shows stale results.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from textual.message import Message


@dataclass
class ValuesLoaded(Message):
    """The phase's values were read from the state and the secret store."""

    #: name -> (value, source)
    values: dict[str, tuple[str | None, str | None]]
    error: str = ""


@dataclass
class StoreOpened(Message):
    """The secret store was opened (not necessarily unlocked)."""

    kind: str
    description: str
    reason: str
    error: str = ""


@dataclass
class ChecksStarted(Message):
    """A check run began for these services."""

    generation: int
    services: list[str]


@dataclass
class CheckReported(Message):
    """One check finished (a ``providers.base.CheckResult``)."""

    generation: int
    result: Any


@dataclass
class ChecksFinished(Message):
    """The run is over: every result, or the error that stopped it."""

    generation: int
    results: list[Any] = field(default_factory=list)
    error: str = ""


@dataclass
class MigrationsInspected(Message):
    """Migration files and their status in the database (``MigrationStatus`` list)."""

    statuses: list[Any]
    error: str = ""


@dataclass
class MigrationProgressed(Message):
    """A ``MigrationEvent`` from ``wizard.migrations.apply``."""

    event: Any


@dataclass
class MigrationsApplied(Message):
    """The migration run ended (``MigrationReport``), or the error that stopped it."""

    report: Any
    error: str = ""


@dataclass
class ChangesPlanned(Message):
    """What writing the phase's files would change (``FileChange`` list)."""

    changes: list[Any]
    error: str = ""


@dataclass
class FilesWritten(Message):
    """The files were written; ``conflicts`` lists paths refused without --force."""

    written: list[str]
    conflicts: list[str]
    error: str = ""


@dataclass
class ActionDone(Message):
    """A post-deploy action (webhook, Sentry test event) finished."""

    action: str
    ok: bool
    message: str


@dataclass
class PhaseFinished(Message):
    """Done re-verified the phase: its status by the one rule (``wizard.done.PhaseStatus``)."""

    status: Any
    #: phases that were done before this screen's changes and are stale now
    stale: list[str] = field(default_factory=list)
    error: str = ""


# -- reported upward: screens ask the app to navigate, export or show an error -----------------
@dataclass
class OpenStep(Message):
    """Show a phase (or ``finish``, the summary); ``validate`` runs its live checks once shown."""

    step: str
    validate: bool = False


@dataclass
class ShowOverview(Message):
    """Back to the overview (asking first if the current screen has unsaved input)."""


@dataclass
class PhaseCompleted(Message):
    """A phase was recorded done: the app moves on (the next phase, or the overview)."""

    phase_id: str


@dataclass
class ExportRequested(Message):
    """Open the export dialog with this format chosen."""

    fmt: str = "markdown"


@dataclass
class ErrorReported(Message):
    """A one-line error for a person: a notification, or a dialog when it is long."""

    title: str
    text: str


@dataclass
class Provisioned(Message):
    """Values were provisioned and stored (names only): the screen shows them in their fields."""

    vendor: str
    names: list[str]


@dataclass
class GrantsApplied(Message):
    """The Data API grants file was written and applied (its line), or why not."""

    line: str
    error: str = ""


@dataclass
class DeployRequested(Message):
    """Open Deploy everything (the ``up`` operation)."""
