"""Advice inside the TUI names the button or key, not a CLI command, where the screen has one.

The core marks every action it advises (``checklists.advice.do``); ``for_screen`` renders each
one in the TUI's words, looked up by action id (``words``). An action the screens cannot do is
shown as its command.
"""

from __future__ import annotations

from checklists.advice import render

#: the phase whose screen writes each ``convoai-setup write`` target
WRITE_TARGETS = {
    "vercel": "Vercel",
    "render": "Render",
    "ci": "GitHub Actions",
    "env-example": ".env.example",
}
#: the phase screen with each platform's Platform tab
PLATFORM_TABS = {"render": "Render", "vercel": "Vercel"}


def _platforms(args: list[str]) -> str:
    names = [PLATFORM_TABS.get(a, a) for a in args if not a.startswith("-")]
    return " and ".join(names or ["Render", "Vercel"])


def words(action: str, args: list[str]) -> str | None:
    """The TUI's words for ``action`` with ``args`` (None: show the command)."""
    name = args[0] if args else ""
    if action == "migrate":
        return "Apply migrations (Supabase, F3)"
    if action == "migrate status":
        return "see the Migrations tab (F3) of Supabase"
    if action == "generate jwt-secret":
        return "press Generate (Ctrl+G) on Render, then Save (Ctrl+S)"
    if action == "stripe create-webhook":
        return "press Create Stripe webhook (Post-deploy, F3 Actions)"
    if action == "vars set" and name:
        return f"enter {name} in its field and Save (Ctrl+S)"
    if action == "vars unset" and name:
        return f"clear {name} and Save (Ctrl+S)"
    if action == "status":
        return "the overview (Esc)"
    if action == "export":
        return "Export (Ctrl+O)"
    if action == "write" and name in WRITE_TARGETS:
        return f"press Write files ({WRITE_TARGETS[name]}, F3)"
    if action == "push":
        return f"press Push on the Platform tab (F5) of {_platforms(args)}"
    if action == "drift":
        return f"press Compare on the Platform tab (F5) of {_platforms(args)}"
    if action == "verify":
        return "press Verify (Post-deploy, F3 Actions)"
    if action == "domain set":
        return "use Custom domain (Post-deploy, F3 Actions)"
    if action == "check":
        return "press Validate (Ctrl+R)"
    return None


def for_screen(text: str) -> str:
    """``text`` with each advised action in the TUI's words."""
    return render(text, words)
