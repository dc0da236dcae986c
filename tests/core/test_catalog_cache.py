"""The validated catalog is cached in the user's cache directory under a hash of what decides it.

Each test starts a fresh interpreter: ``catalog()`` is computed once per process.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from checklists.catalog import CATALOG_FILE, load_catalog
from checklists.catalog_cache import RULE_FILES, key
from tests.conftest import REPO

#: prints the catalog as a fresh process loads it, and whether it had to parse the TOML
PROBE = """
import json, sys
from checklists.catalog import catalog
rows = {n: [v.phase, v.secret, v.required, list(v.destinations)] for n, v in catalog().items()}
print(json.dumps({"rows": rows, "parsed": "tomllib" in sys.modules}))
"""


def fresh_load(env: dict[str, str] | None = None) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=REPO,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=True,
    )
    loaded: dict[str, object] = json.loads(done.stdout)
    return loaded


def cache_file(home: Path) -> Path:
    return home / "cache" / "convoai-setup" / "catalog.json"


def expected_rows() -> dict[str, list[object]]:
    return {
        n: [v.phase, v.secret, v.required, list(v.destinations)]
        for n, v in load_catalog(CATALOG_FILE).items()
    }


def test_the_first_load_parses_and_caches_and_the_next_reads_the_cache(isolated_env: Path) -> None:
    first = fresh_load()
    assert first["parsed"] is True and first["rows"] == expected_rows()
    document = json.loads(cache_file(isolated_env).read_text())
    assert document["key"] == key(CATALOG_FILE) and set(document["vars"]) == set(expected_rows())
    second = fresh_load()
    assert second["parsed"] is False and second["rows"] == expected_rows()


def test_a_cache_for_other_files_or_a_broken_one_is_parsed_again_and_replaced(
    isolated_env: Path,
) -> None:
    fresh_load()
    path = cache_file(isolated_env)
    stale = json.loads(path.read_text())
    stale["key"] = "0" * 64  # written for another catalog, rules or Python
    stale["vars"]["NODE_ENV"]["secret"] = True
    wrong_shape = json.dumps({"key": key(CATALOG_FILE), "vars": []})
    for content in (json.dumps(stale), "{not json", wrong_shape):
        path.write_text(content)
        loaded = fresh_load()
        assert loaded["parsed"] is True and loaded["rows"] == expected_rows(), content
        assert json.loads(path.read_text())["key"] == key(CATALOG_FILE)


def test_an_unwritable_cache_directory_only_means_parsing_every_time(tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("a file where the cache directory would be")
    for _ in range(2):
        loaded = fresh_load({"XDG_CACHE_HOME": str(blocked)})
        assert loaded["parsed"] is True and loaded["rows"] == expected_rows()
    assert blocked.read_text() == "a file where the cache directory would be"


def test_the_key_changes_with_the_catalog_and_the_rules_that_validate_it(tmp_path: Path) -> None:
    for package in ("checklists", "providers"):
        shutil.copytree(REPO / package, tmp_path / package, ignore=shutil.ignore_patterns("__py*"))

    def fresh_key() -> str:
        code = (
            "from checklists.catalog import CATALOG_FILE; from checklists.catalog_cache import key;"
            "print(key(CATALOG_FILE))"
        )
        done = subprocess.run(
            [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
        )
        return done.stdout.strip()

    keys = [fresh_key()]
    assert keys[0] == key(CATALOG_FILE)  # the copy has the same files
    for changed in ("checklists/catalog.toml", "checklists/schema.py", "providers/registry.py"):
        with (tmp_path / changed).open("a") as fh:
            fh.write("\n# changed\n")
        keys.append(fresh_key())
    assert len(set(keys)) == len(keys)
    assert {p.name for p in RULE_FILES} == {"schema.py", "registry.py"}
