"""Phases that write files (Render, Vercel, GitHub Actions, .env.example): a diff, then Write."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from textual import on, work
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Button, Static, TabPane

from screens.advice import for_screen
from screens.messages import ChangesPlanned, ErrorReported, FilesWritten
from screens.modals import YesNoModal
from screens.phase import PhaseScreen
from screens.phase_widgets import Pane
from screens.text import badge

DIFF_STYLES = {"+": "$text-success", "-": "$text-error", "@": "$text-accent"}


def render_diff(diff: str) -> Content:
    """A unified diff with added/removed lines in the theme's colours."""
    lines = []
    for line in diff.splitlines():
        style = "" if line.startswith(("+++", "---")) else DIFF_STYLES.get(line[:1], "")
        lines.append(Content.styled(line, style) if style else Content(line))
    return Content("\n").join(lines)


class FilesScreen(PhaseScreen):
    """Shows what writing the phase's files would change and writes them on request."""

    STEP_TAB = "tab-files"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("f3", "tab('step')", "Files", id="tab-step")]

    changes: list[Any] | None = None

    def extra_tabs(self) -> Iterator[Widget]:
        with TabPane("Files", id="tab-files"), Pane(id="files"):
            yield Static("Working out what would change…", id="files-hint", classes="step-hint")
            yield Vertical(id="file-list")

    def action_buttons(self) -> Iterator[Widget]:
        yield from super().action_buttons()
        yield Button("Write files", id="write", variant="warning", compact=True)

    def start_steps(self) -> None:
        if not self.variables:
            self.show_tab("tab-files")
        self.plan_files()

    @work(thread=True, exclusive=True, group="files", exit_on_error=False)
    def plan_files(self) -> None:
        """Render and diff (YAML and difflib load here, not at start-up)."""
        from checklists.errors import describe
        from wizard.outputs import plan

        try:
            values = self.answers.values()
            changes = plan(self.project, values, list(self.phase.writes))
        except Exception as exc:
            self.post_message(ChangesPlanned([], describe(exc)))
            return
        self.post_message(ChangesPlanned(changes))

    @on(ChangesPlanned)
    async def changes_planned(self, message: ChangesPlanned) -> None:
        hint = self.query_one("#files-hint", Static)
        box = self.query_one("#file-list", Vertical)
        await box.remove_children()
        if message.error:
            self.changes = None
            hint.update(Content.styled(for_screen(message.error), "$text-error"))
            return
        self.changes = message.changes
        pending = [c for c in message.changes if c.status != "unchanged"]
        hint.update(
            "Every file is up to date."
            if not pending
            else "Review the diff, then Write files. Hand-edited files are never overwritten "
            "silently."
        )
        for change in message.changes:
            note = "" if change.ready else "  (required values missing: placeholders used)"
            box.mount(
                Static(
                    Content.assemble(badge(change.status), f"  {change.relpath}{note}"),
                    classes="file-head",
                )
            )
            if change.diff:
                box.mount(Static(render_diff(change.diff), classes="diff"))

    def after_save(self, names: list[str]) -> None:
        self.plan_files()

    @on(Button.Pressed, "#write")
    def write_pressed(self) -> None:
        self.action_write()

    def action_write(self, force: bool = False) -> None:
        if self.changes is None:
            self.notify("Nothing to write yet.", severity="warning")
            return
        self.write_files(self.changes, force)

    # Its own group: a plan started meanwhile (after a Save) must never cancel a write; the
    # write re-plans when it is done.
    @work(thread=True, exclusive=True, group="files-write", exit_on_error=False)
    def write_files(self, changes: list[Any], force: bool) -> None:
        from checklists.errors import OutputConflict, describe
        from wizard.outputs import apply

        try:
            written = apply(self.project, changes, force=force)
        except OutputConflict:
            conflicts = [c.relpath for c in changes if c.status == "conflict"]
            self.post_message(FilesWritten([], conflicts))
            return
        except Exception as exc:
            self.post_message(FilesWritten([], [], describe(exc)))
            return
        self.post_message(FilesWritten([c.relpath for c in written], []))

    @on(FilesWritten)
    def files_written(self, message: FilesWritten) -> None:
        if message.error:
            self.post_message(ErrorReported("Not written", message.error))
        elif message.conflicts:

            def answered(force: bool | None) -> None:
                if force:
                    self.action_write(force=True)

            question = (
                f"{', '.join(message.conflicts)} changed since convoai-setup wrote it "
                "(or existed before).\nOverwrite it, keeping a .bak copy?"
            )
            self.app.push_screen(YesNoModal(question, yes="Overwrite", no="Keep"), answered)
            return
        else:
            written = ", ".join(message.written) or "nothing (already up to date)"
            self.notify(f"Wrote {written}.", title="Files")
        self.plan_files()
        self.refresh_status()
