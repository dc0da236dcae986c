"""Supabase: the values, then the migrations (applied / pending / edited) and Apply."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Button, ProgressBar, Static, TabPane

from screens.advice import for_screen
from screens.messages import (
    ErrorReported,
    GrantsApplied,
    MigrationProgressed,
    MigrationsApplied,
    MigrationsInspected,
)
from screens.modals import YesNoModal
from screens.phase import PhaseScreen
from screens.phase_widgets import Pane
from screens.text import badge

if TYPE_CHECKING:
    from screens.grants_text import GrantsOffer


class MigrationRow(Horizontal):
    """``001_analytics_functions.sql   ✓ applied   [progress]``."""

    def __init__(self, name: str, status: str, index: int) -> None:
        super().__init__(id=f"migration-{index}", classes="migration")
        self.file_name, self.status = name, status

    def compose(self) -> Iterator[Widget]:
        yield Static(self.file_name, classes="migration-name", markup=False)
        yield Static(badge(self.status), classes="migration-status")
        bar = ProgressBar(total=1, show_eta=False, show_percentage=False)
        if self.status == "applied":
            bar.progress = 1
        yield bar

    def stage(self, stage: str, message: str) -> None:
        bar = self.query_one(ProgressBar)
        shown = {"start": "pending", "done": "applied", "skipped": self.status, "failed": "fail"}
        label = {"start": "applying", "failed": "failed"}.get(stage)
        self.query_one(".migration-status", Static).update(badge(shown.get(stage, stage), label))
        if stage == "start":
            bar.update(total=None)  # indeterminate while the file's transaction runs
        elif stage in ("done", "skipped"):
            bar.update(total=1, progress=1 if stage == "done" or self.status == "applied" else 0)
        else:
            bar.update(total=1, progress=0)


class SupabaseScreen(PhaseScreen):
    """Phase 1: the migrations run against SUPABASE_DB_URL, one transaction per file."""

    STEP_TAB = "tab-migrations"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f3", "tab('step')", "Migrations", id="tab-step")
    ]

    statuses: list[Any] | None = None
    #: the Data API grants the last Apply found missing
    grants: GrantsOffer | None = None

    def extra_tabs(self) -> Iterator[Widget]:
        with TabPane("Migrations", id="tab-migrations"), Pane(id="migrations"):
            yield Static(
                "Reading the migration history…", id="migrations-hint", classes="step-hint"
            )
            yield Vertical(id="migration-list")
            yield Static("", id="migration-error")
            # After Apply: what service_role lacks (Data API grants), and the fix, confirmed.
            grants = Static("", id="grants-text", classes="step-hint", markup=False)
            grants.display = False
            yield grants
            with Horizontal(id="grants-row", classes="action-row") as row:
                row.display = False  # until an Apply finds something missing
                yield Button("Write and apply grants", id="grants", variant="warning", compact=True)

    def action_buttons(self) -> Iterator[Widget]:
        yield from super().action_buttons()
        yield Button("Apply migrations", id="apply", variant="warning", compact=True)

    def start_steps(self) -> None:
        self.query_one("#grants-row").display = False
        self.inspect_migrations()

    def db_url(self) -> str | None:
        return self.answers.resolve("SUPABASE_DB_URL").value

    @work(thread=True, exclusive=True, group="migrations", exit_on_error=False)
    def inspect_migrations(self) -> None:
        from checklists.errors import describe
        from wizard.migrations import MigrationStatus, discover, inspect

        try:
            url = self.db_url()
            if not url:
                files = discover(self.project)
                statuses = [MigrationStatus(f, f.version, f.name, "pending") for f in files]
                self.post_message(
                    MigrationsInspected(
                        statuses,
                        "SUPABASE_DB_URL is not set: save it to see what the database has.",
                    )
                )
                return
            self.post_message(MigrationsInspected(inspect(url, self.project)))
        except Exception as exc:
            self.post_message(MigrationsInspected([], describe(exc)))

    @on(MigrationsInspected)
    async def inspected(self, message: MigrationsInspected) -> None:
        box = self.query_one("#migration-list", Vertical)
        await box.remove_children()
        self.statuses = message.statuses if not message.error else None
        for n, status in enumerate(message.statuses):
            name = status.file.path.name if status.file else f"{status.version} (no file)"
            box.mount(MigrationRow(name, status.status, n))
        counts = {
            s: sum(x.status == s for x in message.statuses)
            for s in ("applied", "pending", "edited", "unknown")
        }
        summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
        hint = self.query_one("#migrations-hint", Static)
        if message.error:
            hint.update(Content.styled(for_screen(message.error), "$text-warning"))
        else:
            hint.update(
                f"{summary}. Each file runs in its own transaction; Apply runs the pending "
                "ones in order, then checks what service_role may use (Data API grants)."
            )

    def after_save(self, names: list[str]) -> None:
        if "SUPABASE_DB_URL" in names:
            self.inspect_migrations()

    @on(Button.Pressed, "#apply")
    def apply_pressed(self) -> None:
        self.action_apply()

    def action_apply(self) -> None:
        self.query_one("#migration-error", Static).update("")
        self.show_tab("tab-migrations")
        self.apply_migrations()

    @work(thread=True, exclusive=True, group="migrations", exit_on_error=False)
    def apply_migrations(self) -> None:
        from checklists.errors import describe
        from wizard.migrations import apply

        url = self.db_url()
        if not url:
            self.post_message(MigrationsApplied(None, "SUPABASE_DB_URL is not set; save it first."))
            return

        def progress(event: Any) -> None:
            self.post_message(MigrationProgressed(event))  # post_message is thread-safe

        try:
            report = apply(url, self.project, progress=progress, check_grants=True)
        except Exception as exc:
            self.post_message(MigrationsApplied(None, describe(exc)))
            return
        self.post_message(MigrationsApplied(report, report.error or ""))

    @on(MigrationProgressed)
    def progressed(self, message: MigrationProgressed) -> None:
        event = message.event
        rows = self.query(f"#migration-{event.index - 1}")
        if rows:
            rows.first(MigrationRow).stage(event.stage, event.message)

    @on(MigrationsApplied)
    async def applied(self, message: MigrationsApplied) -> None:
        if message.error:
            self.query_one("#migration-error", Static).update(f"✗ {for_screen(message.error)}")
            self.post_message(ErrorReported("Migration failed", message.error))
        else:
            applied = len(message.report.applied)
            self.notify(
                f"Applied {applied} migration file{'s' if applied != 1 else ''}.",
                title="Migrations",
            )
        if message.report is not None:
            await self.inspected(MigrationsInspected(message.report.statuses))
            self.offer_grants(message.report)
        self.refresh_status()

    # -- Data API grants -----------------------------------------------------------------------
    def offer_grants(self, report: Any) -> None:
        """Say what service_role lacks, and offer the grants file (as ``migrate --grants``)."""
        from screens.grants_text import offer

        self.grants = offer(self.project, report) if not report.error else None
        text = self.query_one("#grants-text", Static)
        text.display = self.grants is not None
        self.query_one("#grants-row").display = self.grants is not None
        if self.grants is not None:
            text.update(
                Content.styled(
                    f"{self.grants.lacking()} Write and apply grants writes "
                    f"supabase/migrations/{self.grants.name} and applies it (you confirm first).",
                    "$text-warning",
                )
            )

    @on(Button.Pressed, "#grants")
    def grants_pressed(self) -> None:
        offered = self.grants
        if offered is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.query_one("#grants-row").display = False
                self.query_one("#grants-text", Static).update("Writing and applying the grants…")
                self.apply_grants(offered)

        modal = YesNoModal(offered.question(), yes="Write and apply")
        self.app.push_screen(modal, answered)

    @work(thread=True, exclusive=True, group="migrations", exit_on_error=False)
    def apply_grants(self, offered: GrantsOffer) -> None:
        from checklists.errors import describe
        from wizard.data_api_grants import grant

        url = self.db_url()
        if not url:
            self.post_message(GrantsApplied("", "SUPABASE_DB_URL is not set; save it first."))
            return

        def progress(event: Any) -> None:
            self.post_message(MigrationProgressed(event))

        try:
            line = grant(url, self.project, offered.found, offered.pending, progress)
        except Exception as exc:
            self.post_message(GrantsApplied("", describe(exc)))
            return
        self.post_message(GrantsApplied(line))

    @on(GrantsApplied)
    def grants_applied(self, message: GrantsApplied) -> None:
        text = self.query_one("#grants-text", Static)
        if message.error:
            text.update(Content.styled(f"✗ {for_screen(message.error)}", "$text-error"))
            self.query_one("#grants-row").display = True
            self.post_message(ErrorReported("Grants not applied", message.error))
        else:
            self.grants = None
            text.update(Content.styled(f"✓ {for_screen(message.line)}.", "$text-success"))
            self.notify("service_role holds the Data API grants.", title="Migrations")
        self.inspect_migrations()
        self.refresh_status()
