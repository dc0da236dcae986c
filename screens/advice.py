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


def _create_it(args: list[str]) -> str:
    """The words for "Create it for me" (or the follow-up an option names) and its phases."""
    from screens.provision_text import host_phase
    from wizard.phases import PHASES
    from wizard.platforms import BY_ID, with_capability

    named = [a for a in args if a in BY_ID] or [p.id for p in with_capability("provision")]
    hosts = {host_phase(v) for v in named}
    titles = [p.title for p in PHASES if p.id in hosts]
    phases = ", ".join(titles[:-1]) + f" and {titles[-1]}" if len(titles) > 1 else titles[0]
    button = "Create it for me"
    if "--replace-prices" in args:
        button = "Replace prices"
    elif "--reset-db-password" in args:
        button = "Reset database password"
    return f"{button} on {phases} (F2 Values)"


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
    if action == "provision":
        return _create_it(args)
    if action == "up":
        return "Deploy everything (overview)"
    return None


def for_screen(text: str) -> str:
    """``text`` with each advised action in the TUI's words."""
    return render(text, words)
