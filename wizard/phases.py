"""The plan's phases as data, their fingerprints, and their status.

A phase's fingerprint covers its inputs: each input value's keyed digest (recorded in the state
when the value was set, HMAC-SHA256 with the per-project salt from the secret store) and the
SHA-256 of each input file. Combining recorded digests means ``status`` can tell stale from done
without unlocking the secret store.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checklists.catalog import CATALOG_FILE, catalog, for_phase
from wizard.project import Project
from wizard.state import StateData, now_iso


@dataclass(frozen=True)
class Phase:
    id: str
    title: str
    #: the section of the plan this phase automates
    plan: str
    #: ids of the plan's front-matter todos this phase completes
    todos: tuple[str, ...]
    #: inputs asked for on another phase's screen that this phase still depends on
    extra_inputs: tuple[str, ...] = ()
    #: project files (globs) whose content is an input
    input_files: tuple[str, ...] = ()
    #: write targets (see ``wizard.outputs``) this phase produces
    writes: tuple[str, ...] = ()

    @property
    def inputs(self) -> tuple[str, ...]:
        own = tuple(v.name for v in for_phase(self.id))
        return own + tuple(n for n in self.extra_inputs if n not in own)


PHASES: tuple[Phase, ...] = (
    Phase(
        "supabase",
        "Supabase",
        "Phase 1: Supabase production setup",
        ("supabase-setup",),
        input_files=("supabase/schema.sql", "supabase/migrations/*.sql"),
    ),
    Phase("upstash", "Upstash Redis", "Phase 2: Upstash Redis setup", ("upstash-setup",)),
    Phase(
        "render",
        "Render backend",
        "Phase 3: Render.com backend deployment",
        ("render-setup",),
        writes=("render",),
    ),
    Phase(
        "vercel",
        "Vercel frontend",
        "Phase 4: Vercel frontend deployment",
        ("vercel-config",),
        extra_inputs=("APP_URL", "CUSTOM_DOMAIN"),
        writes=("vercel",),
    ),
    Phase(
        "github-actions",
        "GitHub Actions",
        "Phase 5: GitHub Actions CI/CD",
        ("github-actions",),
        input_files=("package.json",),
        writes=("ci",),
    ),
    Phase(
        "env-example",
        ".env.example",
        "Environment variables checklist",
        ("env-example",),
        writes=("env-example",),
    ),
    Phase(
        "post-deploy",
        "Post-deploy",
        "Phase 6: Post-deployment configuration",
        ("stripe-webhook",),
        extra_inputs=("APP_URL", "STRIPE_SECRET_KEY", "SENTRY_DSN"),
    ),
)
PHASE_IDS = tuple(p.id for p in PHASES)

#: the plan's front-matter todos (id -> content), in the plan's order
TODOS: dict[str, str] = {
    "supabase-setup": "Configure Supabase production project and run all migrations",
    "upstash-setup": "Create Upstash Redis database and get connection URL",
    "render-setup": "Create Render.com web service and configure environment variables",
    "vercel-config": "Update vercel.json for frontend-only deployment with API proxy to Render",
    "github-actions": "Create .github/workflows/ci.yml for CI/CD pipeline",
    "env-example": "Create .env.example file documenting all required environment variables",
    "stripe-webhook": "Configure Stripe webhook endpoint for production URL",
}


def get_phase(phase_id: str) -> Phase:
    for phase in PHASES:
        if phase.id == phase_id:
            return phase
    from wizard.errors import UsageError

    raise UsageError(f"{phase_id!r} is not a phase.", f"Phases are: {', '.join(PHASE_IDS)}.")


def _file_digests(project: Project, phase: Phase) -> list[tuple[str, str | None]]:
    out: list[tuple[str, str | None]] = []
    for pattern in phase.input_files:
        for path in sorted(project.root.glob(pattern)):
            out.append((path.relative_to(project.root).as_posix(), _sha256(path)))
    if phase.id == "env-example":
        # .env.example is generated from the catalog: a catalog change makes it stale.
        out.append(("catalog", _sha256(CATALOG_FILE)))
    return out


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _parts(project: Project, state: StateData, phase: Phase) -> dict[str, Any]:
    values = state.get("values", {})
    return {
        "values": [(n, values.get(n, {}).get("digest")) for n in phase.inputs],
        "files": _file_digests(project, phase),
    }


def _hash(parts: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def fingerprint(project: Project, state: StateData, phase: Phase) -> str:
    """The current fingerprint of a phase's inputs (values by digest, files by hash)."""
    return _hash(_parts(project, state, phase))


def missing_inputs(state: StateData, phase: Phase) -> list[str]:
    """Required inputs of ``phase`` that are neither stored nor defaulted (empty: all set)."""
    stored = state.get("values", {})
    return [
        name
        for name in phase.inputs
        if catalog()[name].required and name not in stored and catalog()[name].default is None
    ]


def required_progress(state: StateData) -> tuple[int, int]:
    """(required values stored or defaulted, required values) over the whole catalog."""
    stored = state.get("values", {})
    required = [v for v in catalog().values() if v.required]
    return sum(v.name in stored or v.default is not None for v in required), len(required)


def record_outcome(
    project: Project, state: StateData, phase_id: str, ok: bool, message: str = ""
) -> None:
    """Mark a phase done (with its fingerprint now) or failed, in ``state`` (caller saves)."""
    phase = get_phase(phase_id)
    record = state.setdefault("phases", {}).setdefault(phase_id, {})
    record.update(status="done" if ok else "failed", at=now_iso(), message=message)
    if ok:
        parts = _parts(project, state, phase)
        record["fingerprint"] = _hash(parts)
        record["inputs"] = dict(parts["values"])
        record["completed_at"] = record["at"]


@dataclass(frozen=True)
class PhaseStatus:
    phase: Phase
    #: done | stale | pending | failed
    status: str
    at: str | None
    message: str
    #: the latest time every live check of this phase passed, if they did
    verified_at: str | None
    #: inputs whose value changed since the phase was completed (for "stale")
    changed: tuple[str, ...]


def phase_status(project: Project, state: StateData, phase: Phase) -> PhaseStatus:
    record = state.get("phases", {}).get(phase.id)
    verified = verified_at(state, phase.id)
    if not record:
        return PhaseStatus(phase, "pending", None, "", verified, ())
    if record.get("status") == "failed":
        return PhaseStatus(
            phase, "failed", record.get("at"), record.get("message", ""), verified, ()
        )
    parts = _parts(project, state, phase)
    if record.get("fingerprint") == _hash(parts):
        return PhaseStatus(phase, "done", record.get("completed_at"), "", verified, ())
    then = record.get("inputs", {})
    changed = tuple(n for n, d in parts["values"] if then.get(n) != d)
    why = f"changed since: {', '.join(changed)}" if changed else "input files changed"
    return PhaseStatus(phase, "stale", record.get("completed_at"), why, verified, changed)


def verified_at(state: StateData, phase_id: str) -> str | None:
    """When every live check recorded for the phase last passed (None if any failed or none ran)."""
    results = [r for r in state.get("checks", {}).values() if r.get("phase") == phase_id]
    if not results or any(r.get("outcome") == "fail" for r in results):
        return None
    return max(r.get("at", "") for r in results) or None


def all_status(project: Project, state: StateData) -> list[PhaseStatus]:
    return [phase_status(project, state, p) for p in PHASES]


def stale_after_change(project: Project, before: StateData, after: StateData) -> list[str]:
    """Phase ids that were done in ``before`` and are stale in ``after`` (for "what became stale")."""
    out = []
    for phase in PHASES:
        was = phase_status(project, before, phase).status
        now = phase_status(project, after, phase).status
        if was == "done" and now == "stale":
            out.append(phase.id)
    return out
