"""Characters no value may hold, and how to show text that holds them anyway.

A NUL cuts a value short in C libraries and config files; other control characters (C0, DEL,
C1) and ANSI escape sequences rewrite what a terminal shows; lone surrogates can't be encoded;
line separators and bidirectional overrides make a value read differently from what it is.
None of them belongs in a key, a token, a URL or a name, so every value is refused if it holds
one, and any text shown to a person has them escaped the way ``repr`` does.
"""

from __future__ import annotations

import unicodedata

#: characters outside the Unicode "Cc" (control) and "Cs" (surrogate) categories that still
#: change how text is displayed: line/paragraph separators and bidirectional controls
_INVISIBLE_CONTROLS = frozenset(
    "\u2028\u2029\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
    # the private-use pair that marks advice (checklists.advice): a value holding them could
    # pass itself off as advice on the screen
    "\ue000\ue001"
)


def is_unsafe(ch: str) -> bool:
    """True for a character no value may contain (see the module docstring)."""
    return unicodedata.category(ch) in ("Cc", "Cs") or ch in _INVISIBLE_CONTROLS


def first_unsafe(value: str) -> tuple[int, str] | None:
    """(1-based position, character) of the first unsafe character, or None."""
    for index, ch in enumerate(value, start=1):
        if is_unsafe(ch):
            return index, ch
    return None


def describe(ch: str) -> str:
    """``U+001B (escape)``: how a refused character is named in a message."""
    names = {
        "\0": "NUL",
        "\x1b": "escape",
        "\t": "tab",
        "\n": "line break",
        "\r": "carriage return",
    }
    name = names.get(ch) or unicodedata.name(ch, "control character").lower()
    return f"U+{ord(ch):04X} ({name})"


def unsafe_problem(name: str, value: str) -> str | None:
    """One sentence naming the variable and where the first unsafe character is; never the value."""
    found = first_unsafe(value)
    if found is None:
        return None
    position, ch = found
    return (
        f"{name} contains a control character {describe(ch)} at position {position}; "
        "values must be plain text, so paste the value again without it"
    )


def escape(text: str, keep: str = "") -> str:
    """``text`` with every unsafe character written as ``\\x1b``/``\\u202e`` (``keep`` stays
    raw)."""
    if not any(is_unsafe(ch) and ch not in keep for ch in text):
        return text
    out = []
    for ch in text:
        if is_unsafe(ch) and ch not in keep:
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)
