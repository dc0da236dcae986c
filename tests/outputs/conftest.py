"""Helpers for the output tests: plant answers through the real CLI, hash trees, golden files."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from pathlib import Path

import pytest

from tests.conftest import FAKE_SECRETS, REPO, run_cli

GOLDEN = REPO / "tests" / "golden"

#: the non-secret answers every golden file is generated from
ANSWERS = {
    "NODE_ENV": "production",
    "APP_URL": "https://convoai-backend.onrender.com",
    "SUPABASE_URL": "https://fakeref.supabase.co",
    "STRIPE_STARTER_PRICE_ID": "price_FAKEstarter0001",
    "STRIPE_GROWTH_PRICE_ID": "price_FAKEgrowth0002",
    "STRIPE_BUSINESS_PRICE_ID": "price_FAKEbusiness0003",
    "VITE_API_URL": "https://convoai-backend.onrender.com",
    "RENDER_REGION": "frankfurt",
}


def _dotenv_line(name: str, value: str) -> str:
    return f"{name}='{value}'"


def plant(project: Path, values: Mapping[str, str], tmp: Path) -> None:
    """Store values through ``vars import`` (one process; the file lives outside the project)."""
    source = tmp / "plant.env"
    source.write_text("\n".join(_dotenv_line(k, v) for k, v in values.items()) + "\n")
    result = run_cli("vars", "import", str(source), project=project)
    source.unlink()
    assert result.returncode == 0, result.stderr


@pytest.fixture
def answered(project: Path, tmp_path: Path) -> Path:
    """The example project with every fake secret and the golden answers stored."""
    plant(project, {**FAKE_SECRETS, **ANSWERS}, tmp_path)
    return project


def tree_state(root: Path) -> dict[str, tuple[str, int, int]]:
    """Every path under ``root``: content hash (or 'dir'/'link'), mode and mtime."""
    out: dict[str, tuple[str, int, int]] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            st = path.lstat()
            if path.is_symlink():
                kind = "link:" + os.readlink(path)
            elif path.is_dir():
                kind = "dir"
            else:
                kind = hashlib.sha256(path.read_bytes()).hexdigest()
            out[path.relative_to(root).as_posix()] = (kind, st.st_mode, st.st_mtime_ns)
    return out


def check_golden(name: str, text: str) -> None:
    """Compare with tests/golden/NAME; ``UPDATE_GOLDEN=1`` rewrites the golden file instead."""
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"missing golden file {path}; run with UPDATE_GOLDEN=1 to create it"
    assert text == path.read_text(encoding="utf-8"), (
        f"{name} differs from tests/golden/{name}; if the change is intended, "
        "regenerate with UPDATE_GOLDEN=1"
    )
