"""Generators for values the wizard can make itself."""

from __future__ import annotations

import base64
import secrets


def jwt_secret() -> str:
    """32 random bytes, base64: what ``openssl rand -base64 32`` prints (44 characters)."""
    return base64.b64encode(secrets.token_bytes(32)).decode("ascii")


GENERATORS = {"jwt-secret": jwt_secret}
