"""Generators for values the wizard can make itself."""

from __future__ import annotations

import base64
import secrets

#: why replacing a stored JWT_SECRET is asked first (the CLI and the TUI say the same)
SIGNS_OUT = (
    "a new one, once pushed, invalidates every session it signed: every signed-in user is "
    "signed out"
)


def jwt_secret() -> str:
    """32 random bytes, base64: what ``openssl rand -base64 32`` prints (44 characters)."""
    return base64.b64encode(secrets.token_bytes(32)).decode("ascii")


GENERATORS = {"jwt-secret": jwt_secret}
