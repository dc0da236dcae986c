"""Which screen shows a phase: chosen by the phase's kind (``Phase.kind``, from its steps).

Kept apart from ``screens.phase`` (the base screen every phase screen extends), so the base
never imports the screens built on it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from screens.phase import PhaseScreen
from wizard.phases import get_phase

if TYPE_CHECKING:
    from wizard.values import Answers


def phase_screen(phase_id: str, answers: Answers, *, validate_on_open: bool = False) -> PhaseScreen:
    """The screen for a phase, chosen by its kind (``Phase.kind``, from its steps)."""
    phase = get_phase(phase_id)
    kind: type[PhaseScreen] = PhaseScreen
    if phase.kind == "migrations":
        from screens.supabase import SupabaseScreen

        kind = SupabaseScreen
    elif phase.kind == "post-deploy":
        from screens.postdeploy import PostDeployScreen

        kind = PostDeployScreen
    elif phase.kind == "files":
        # A files phase that is also a push destination (Render, Vercel) adds a Platform tab.
        from screens.push import PushScreen, pushes

        if pushes(phase):
            kind = PushScreen
        else:
            from screens.files import FilesScreen

            kind = FilesScreen
    return kind(phase, answers, validate_on_open=validate_on_open)
