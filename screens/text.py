"""Small text helpers shared by the screens: status glyphs, times and paths people can read."""

from __future__ import annotations

from pathlib import Path

from textual.content import Content

#: the app's width classes (``App.HORIZONTAL_BREAKPOINTS``): ``-narrow`` below 90 columns
#: (80x24: the phase list gives its room to the form), ``-wide`` from 90
BREAKPOINTS: list[tuple[int, str]] = [(0, "-narrow"), (90, "-wide")]

#: the muted colour for spans of ``Content``. Textual 8 drops the alpha of ``$text-muted``
#: ("auto 60%") in a span, which then draws brighter than the text around it; the theme's
#: ``$foreground-muted`` (its foreground at 60%) keeps it. (Widget CSS may use ``$text-muted``.)
MUTED = "$foreground-muted"

#: phase status / check outcome -> (glyph, theme colour)
GLYPHS: dict[str, tuple[str, str]] = {
    "done": ("✓", "$text-success"),
    "ok": ("✓", "$text-success"),
    "applied": ("✓", "$text-success"),
    "unchanged": ("✓", "$text-success"),
    "stale": ("~", "$text-warning"),
    "warn": ("!", "$text-warning"),
    "edited": ("!", "$text-warning"),
    "update": ("~", "$text-warning"),
    "create": ("+", "$text-accent"),
    "pending": ("·", MUTED),
    "skip": ("-", MUTED),
    "unknown": ("?", MUTED),
    "failed": ("✗", "$text-error"),
    "fail": ("✗", "$text-error"),
    "conflict": ("✗", "$text-error"),
}


def badge(status: str, text: str | None = None) -> Content:
    """``✓ done`` in the status's theme colour."""
    glyph, style = GLYPHS.get(status, ("?", MUTED))
    return Content.styled(f"{glyph} {text if text is not None else status}", style)


def short_time(iso: str | None) -> str:
    """``2025-03-01T10:04:00Z`` -> ``2025-03-01 10:04 UTC``."""
    if not iso:
        return ""
    return iso.replace("T", " ")[:16] + " UTC"


def home_path(path: Path | str) -> str:
    """A path with the home directory shown as ``~`` (shorter, and the same on every machine)."""
    text = str(path)
    home = str(Path.home())
    if home not in ("", "/") and (text == home or text.startswith(home + "/")):
        return "~" + text[len(home) :]
    return text
