"""The CI workflow: valid for GitHub's schema and actionlint, shaped by package.json."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.conftest import run_cli
from wizard.outputs.workflow import CHECKOUT, SETUP_NODE, ci_workflow, node_version


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not on PATH; install the test extras (pip install -e '.[test]')")
    return path


def _write_ci(project: Path) -> Path:
    result = run_cli("write", "ci", project=project)
    assert result.returncode == 0, result.stderr
    return project / ".github" / "workflows" / "ci.yml"


def _validate(workflow: Path) -> None:
    schema = subprocess.run(
        [_tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(workflow)],
        capture_output=True,
        text=True,
    )
    assert schema.returncode == 0, schema.stdout + schema.stderr
    lint = subprocess.run([_tool("actionlint"), str(workflow)], capture_output=True, text=True)
    # actionlint also reports actions whose major runs on a deprecated Node runtime
    assert lint.returncode == 0, lint.stdout + lint.stderr


def test_written_workflow_passes_schema_and_actionlint(project: Path) -> None:
    _validate(_write_ci(project))


def test_workflow_without_test_script_and_engines_is_still_valid(project: Path) -> None:
    package = json.loads((project / "package.json").read_text())
    del package["scripts"]["test"], package["engines"]
    (project / "package.json").write_text(json.dumps(package))
    workflow = _write_ci(project)
    _validate(workflow)
    doc = yaml.load(workflow.read_text(), Loader=yaml.BaseLoader)  # YAML 1.2-ish: on stays "on"
    assert list(doc["jobs"]) == ["lint-and-typecheck", "build"]
    assert doc["jobs"]["build"]["needs"] == "lint-and-typecheck"
    assert doc["jobs"]["build"]["steps"][1]["with"]["node-version"] == "20"


def test_workflow_has_the_plans_jobs(project: Path) -> None:
    text = _write_ci(project).read_text()
    assert "\non:\n  push:\n" in text  # the key GitHub reads, not 'on' or true
    doc = yaml.load(text, Loader=yaml.BaseLoader)
    jobs = doc["jobs"]
    assert list(jobs) == ["lint-and-typecheck", "test", "build"]
    assert jobs["build"]["needs"] == ["lint-and-typecheck", "test"]
    runs = {name: [s.get("run") for s in job["steps"]] for name, job in jobs.items()}
    assert runs["lint-and-typecheck"][-1] == "npm run check"
    assert runs["test"][-1] == "npm test"
    assert jobs["build"]["steps"][-1] == {"run": "npm run build", "env": {"NODE_ENV": "production"}}
    for job in jobs.values():
        assert job["steps"][0] == {"uses": CHECKOUT}
        assert job["steps"][1] == {
            "uses": SETUP_NODE,
            "with": {"node-version": "20", "cache": "npm"},
        }


@pytest.mark.parametrize(
    ("spec", "major"),
    [
        (">=20.11", "20"),
        ("^18 || ^20", "18"),
        ("22.x", "22"),
        (">=18.0.0 <23", "18"),
        ("lts/*", "20"),
        (None, "20"),
    ],
)
def test_node_version_is_the_major_of_the_minimum(spec: str | None, major: str) -> None:
    package = {"engines": {"node": spec}} if spec else {}
    assert node_version(package) == major
    steps = ci_workflow(package)["jobs"]["build"]["steps"]
    assert steps[1]["with"]["node-version"] == major
