"""pyproject.toml's lower bounds are what .ci/minimums tests: the constraints it installs are
exactly those bounds, one for each runtime dependency (and for psycopg's binary extra) and for
each tool of the test extra."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]


def requirements() -> list[str]:
    """The runtime dependencies and the test extra, as pyproject.toml writes them."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return [*project["dependencies"], *project["optional-dependencies"]["test"]]


def floors() -> dict[str, Version]:
    """Each requirement's lower bound (``>=``), by canonical name."""
    found: dict[str, Version] = {}
    for text in requirements():
        requirement = Requirement(text)
        [bound] = [s.version for s in requirement.specifier if s.operator == ">="]
        found[canonicalize_name(requirement.name)] = Version(bound)
        if "binary" in requirement.extras:  # psycopg[binary] installs psycopg-binary alike
            found[canonicalize_name(f"{requirement.name}-binary")] = Version(bound)
    return found


def constraints() -> dict[str, Version]:
    pinned: dict[str, Version] = {}
    for line in (ROOT / ".ci" / "minimum-versions.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            match = re.fullmatch(r"([A-Za-z0-9_.-]+)==(\S+)", line)
            assert match, f"not NAME==VERSION: {line}"
            pinned[canonicalize_name(match[1])] = Version(match[2])
    return pinned


def test_every_lower_bound_is_pinned_in_the_minimums_run_and_nothing_else() -> None:
    assert constraints() == floors()


def test_every_requirement_has_a_lower_bound() -> None:
    for text in requirements():
        operators = {s.operator for s in Requirement(text).specifier}
        assert ">=" in operators, f"{text}: no lower bound"
