"""Advice inside the TUI names the button or key, not a CLI command, where the screen has one.

The core writes its hints for the terminal ("run convoai-setup migrate"), and the CLI and
``--plain`` show them as they are. The app passes every such text through ``for_screen``,
which swaps each command the screens can do for the button or key that does it there.
Commands with no screen equivalent are left as they are.
"""

from __future__ import annotations

import re

#: the phase whose screen writes each ``convoai-setup write`` target
WRITE_TARGETS = {
    "vercel": "Vercel",
    "render": "Render",
    "ci": "GitHub Actions",
    "env-example": ".env.example",
}

REWRITES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"(?:run )?convoai-setup migrate status", "see the Migrations tab (F3) of Supabase"),
        (r"(?:[Rr]un:? )?convoai-setup migrate(?! is )", "Apply migrations (Supabase, F3)"),
        (
            r"convoai-setup generate jwt-secret --store",
            "press Generate (Ctrl+G) on Render, then Save (Ctrl+S)",
        ),
        (
            r"(?:run )?convoai-setup stripe create-webhook",
            "press Create Stripe webhook (Post-deploy, F3 Actions)",
        ),
        (r"(?:run )?'?convoai-setup vars unset (\w+)'?", r"clear \1 and Save (Ctrl+S)"),
        (r"convoai-setup vars set (\w+)", r"enter \1 in its field and Save (Ctrl+S)"),
        (r"convoai-setup status", "the overview (Esc)"),
        (r"convoai-setup export", "Export (Ctrl+O)"),
    )
)
WRITE = re.compile(r"(?:run )?convoai-setup write ([\w-]+)")


def for_screen(text: str) -> str:
    """``text`` with each CLI command the screens can do replaced by its button or key."""
    for pattern, replacement in REWRITES:
        text = pattern.sub(replacement, text)

    def write(match: re.Match[str]) -> str:
        phase = WRITE_TARGETS.get(match.group(1))
        return f"press Write files ({phase}, F3)" if phase else match.group(0)

    return WRITE.sub(write, text)
