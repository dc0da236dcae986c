"""Hidden prompts on a real pseudo-terminal: secrets typed there are never echoed."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pexpect

from tests.conftest import FAKE_SECRETS, REPO

KEY = FAKE_SECRETS["OPENAI_API_KEY"]


def spawn(project: Path, *args: str, env: dict[str, str] | None = None) -> pexpect.spawn:
    return pexpect.spawn(
        sys.executable,
        ["-m", "wizard", *args, "--project", str(project)],
        cwd=str(REPO),
        env={**os.environ, **(env or {})},
        encoding="utf-8",
        timeout=30,
    )


def test_secret_typed_at_the_hidden_prompt_is_not_echoed(project: Path) -> None:
    child = spawn(project, "vars", "set", "OPENAI_API_KEY")
    child.expect_exact("OPENAI_API_KEY (hidden): ")
    child.sendline(KEY)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert KEY not in (child.before or "")
    assert "sk-…" in (child.before or "")


def test_new_vault_passphrase_is_asked_twice_on_a_terminal(project: Path) -> None:
    child = spawn(project, "vars", "set", "OPENAI_API_KEY", env={"CONVOAI_SETUP_PASSPHRASE": ""})
    child.expect_exact("New vault passphrase")
    child.sendline("a good passphrase")
    child.expect_exact("Repeat the passphrase: ")
    child.sendline("a good passphrase")
    child.expect_exact("OPENAI_API_KEY (hidden): ")
    child.sendline(KEY)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    reader = spawn(
        project, "vars", "get", "OPENAI_API_KEY", "--reveal", env={"CONVOAI_SETUP_PASSPHRASE": ""}
    )
    reader.expect_exact("Vault passphrase: ")
    reader.sendline("a good passphrase")
    reader.expect_exact(KEY)
    reader.expect(pexpect.EOF)


def test_a_short_or_mismatched_new_passphrase_is_asked_again(project: Path) -> None:
    child = spawn(project, "vars", "set", "OPENAI_API_KEY", env={"CONVOAI_SETUP_PASSPHRASE": ""})
    child.expect_exact("New vault passphrase")
    child.sendline("short")
    child.expect_exact("shorter than 8 characters. Try again.")
    child.expect_exact("New vault passphrase")
    child.sendline("a good passphrase")
    child.expect_exact("Repeat the passphrase: ")
    child.sendline("another passphrase")
    child.expect_exact("The two passphrases differ. Try again.")
    child.expect_exact("New vault passphrase")
    child.sendline("a good passphrase")
    child.expect_exact("Repeat the passphrase: ")
    child.sendline("a good passphrase")
    child.expect_exact("OPENAI_API_KEY (hidden): ")
    child.sendline(KEY)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert Path(os.environ["CONVOAI_SETUP_VAULT"]).exists()


def test_three_failed_new_passphrases_store_nothing(project: Path) -> None:
    child = spawn(project, "vars", "set", "OPENAI_API_KEY", env={"CONVOAI_SETUP_PASSPHRASE": ""})
    for _ in range(3):
        child.expect_exact("New vault passphrase")
        child.sendline("a good passphrase")
        child.expect_exact("Repeat the passphrase: ")
        child.sendline("another passphrase")
    child.expect_exact("No vault passphrase after 3 tries; nothing was stored")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 2
    assert not Path(os.environ["CONVOAI_SETUP_VAULT"]).exists()


def test_replacing_a_stored_jwt_secret_is_asked_on_a_terminal(project: Path) -> None:
    def reveal() -> str:
        reader = spawn(project, "vars", "get", "JWT_SECRET", "--reveal")
        reader.expect(pexpect.EOF)
        return (reader.before or "").strip()

    first = spawn(project, "generate", "jwt-secret", "--store")
    first.expect(pexpect.EOF)  # nothing stored yet: nothing to ask
    stored = reveal()
    keep = spawn(project, "generate", "jwt-secret", "--store")
    keep.expect_exact("signed out")
    keep.expect_exact("Replace it? [y/N] ")
    keep.sendline("n")
    keep.expect_exact("JWT_SECRET kept; nothing was stored.")
    keep.expect(pexpect.EOF)
    assert reveal() == stored
    replace = spawn(project, "generate", "jwt-secret", "--store")
    replace.expect_exact("Replace it? [y/N] ")
    replace.sendline("y")
    replace.expect_exact("JWT_SECRET generated")
    replace.expect(pexpect.EOF)
    assert reveal() not in ("", stored)
