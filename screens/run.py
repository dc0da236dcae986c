"""Start a front end: the Textual app or the plain prompts. Called by ``wizard.commands.phase``.

The secret store is opened, and the vault passphrase obtained, before the app takes over the
terminal: a prompt can't be answered once Textual owns the screen.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from wizard.project import find_project
from wizard.values import Answers


def prepare_answers(project_dir: str | Path) -> Answers:
    """The project's ``Answers`` with a passphrase that is asked at most once, here and now.

    When the backend is known without probing (forced, or remembered for the project) and the
    passphrase comes from ``CONVOAI_SETUP_PASSPHRASE``, nothing is opened yet: the app opens the
    store in a worker after its first frame, which keeps start-up fast.
    """
    from wizard.state import StateFile
    from wizard.store import forced_backend, terminal_passphrase, vault_path

    project = find_project(project_dir)
    captured: list[str] = []

    def passphrase(new: bool, wrong: int = 0) -> str | None:
        if wrong or not captured:  # a wrong one is asked again, here on the plain terminal
            answer = terminal_passphrase(new, wrong)
            if answer is None:
                return None
            captured[:] = [answer]
        return captured[0]

    answers = Answers(project, passphrase=passphrase)
    known = forced_backend() or StateFile(project).read().get("store", {}).get("backend")
    if known and (known == "system" or os.environ.get("CONVOAI_SETUP_PASSPHRASE")):
        return answers
    store = answers.store  # probes the OS keyring; falls back to the vault
    if store.kind == "vault" and not os.environ.get("CONVOAI_SETUP_PASSPHRASE"):
        # Say why before asking: a passphrase prompt out of nowhere is alarming.
        why = f": {store.reason}" if store.fell_back else ""
        print(f"Secrets go to the {store.description}{why}.", file=sys.stderr)
        # Ask now, on the plain terminal, and unlock so a wrong passphrase fails right here.
        passphrase(not vault_path().exists())
        store.salt()
    return answers


def run_tui(project_dir: str | Path, phase_id: str | None = None) -> int:
    """Run the Textual wizard; returns the exit code."""
    import gc

    # Until the first frame, start-up only makes objects that live as long as the app (some
    # 300 modules, their classes, the widgets): the collector, walking them again and again as
    # they are made, would find nothing to free. The app turns it back on once the first frame
    # is shown (``WizardApp.on_ready``), with those objects frozen out of its later walks.
    gc.disable()
    try:
        answers = prepare_answers(project_dir)
        from screens.app import WizardApp

        app = WizardApp(answers, phase_id)
        result = app.run()
    finally:
        gc.enable()  # (when the app stopped before its first frame)
    return int(result or 0) if app.return_code is None else app.return_code


def run_plain(project_dir: str | Path, phase_id: str | None = None) -> int:
    """Run the questionary flow; returns the exit code."""
    answers = prepare_answers(project_dir)
    from screens.plain import PlainWizard

    return PlainWizard(answers).run(phase_id)
