"""The plan's phases as data, their fingerprints, and the one rule that decides their status.

A phase's fingerprint covers its inputs: each input value's keyed digest (recorded in the state
when the value was set, HMAC-SHA256 with the per-project salt from the secret store) and the
SHA-256 of each input file. Combining recorded digests means ``status`` can tell stale from done
without unlocking the secret store.

**The done rule** (``phase_status``), the same for the TUI, ``--plain``, ``status``, ``write``,
``migrate`` and ``check``: a phase is done only when its required inputs are set and valid, its
files are written and current, its steps (migrations) are applied on the current inputs, and
every live check of the phase ran on the current values and passed. A check result is recorded
with the digests of the values it checked, so a changed value makes it stale. Nothing marks a
phase done by fiat: writing a file records the file, applying migrations records the step, a
check run records its results, and ``settle`` notes the time a phase became done.
"""

from __future__ import annotations

import os

from checklists.catalog import CATALOG_PATH, catalog, for_phase
from checklists.frozen import Frozen

#: ``typing.TYPE_CHECKING`` without importing ``typing`` (mypy treats the name the same way):
#: ``status`` reads the phases on every run
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any, Final, Literal, TypeAlias

    from wizard.project import Project
    from wizard.state import StateData

    #: what a phase does besides collecting values and running its checks, each implemented
    #: once in the core and offered by both front ends: "files" (write ``Phase.writes``),
    #: "migrations" (apply supabase/ in order), "api-domain", "custom-domain" (``domain
    #: set``), "stripe-webhook", "sentry-test-event", "verify" (the live site's smoke test).
    #: Pushing to a platform is not a step: the platform registry says which phase hosts it.
    Step: TypeAlias = Literal[
        "files",
        "migrations",
        "api-domain",
        "custom-domain",
        "stripe-webhook",
        "sentry-test-event",
        "verify",
    ]


class Phase(Frozen):
    """One phase of the plan, as data (``PHASES``)."""

    __match_args__ = (
        "id",
        "title",
        "plan",
        "todos",
        "extra_inputs",
        "input_files",
        "writes",
        "steps",
        "from_catalog",
    )
    __slots__ = __match_args__
    id: Final[str]
    title: Final[str]
    #: the section of the plan this phase automates
    plan: Final[str]
    #: ids of the plan's front-matter todos this phase completes
    todos: Final[tuple[str, ...]]
    #: inputs asked for on another phase's screen that this phase still depends on
    extra_inputs: Final[tuple[str, ...]]
    #: project files whose content is an input: a path relative to the project, ``/``
    #: separated, with wildcards in its last part only (``supabase/migrations/*.sql``)
    input_files: Final[tuple[str, ...]]
    #: write targets (see ``wizard.outputs``) this phase produces
    writes: Final[tuple[str, ...]]
    #: its steps, in the order the front ends offer them
    steps: Final[tuple[Step, ...]]
    #: the output is generated from the catalog itself: a catalog change makes it stale
    from_catalog: Final[bool]

    def __init__(
        self,
        id: str,
        title: str,
        plan: str,
        todos: tuple[str, ...],
        extra_inputs: tuple[str, ...] = (),
        input_files: tuple[str, ...] = (),
        writes: tuple[str, ...] = (),
        steps: tuple[Step, ...] = (),
        from_catalog: bool = False,
    ) -> None:
        self.id = id
        self.title = title
        self.plan = plan
        self.todos = todos
        self.extra_inputs = extra_inputs
        self.input_files = input_files
        self.writes = writes
        self.steps = steps
        self.from_catalog = from_catalog

    @property
    def inputs(self) -> tuple[str, ...]:
        own = tuple(v.name for v in for_phase(self.id))
        return own + tuple(n for n in self.extra_inputs if n not in own)

    @property
    def services(self) -> tuple[str, ...]:
        """Registry ids of the phase's live checks (see ``providers.registry``)."""
        from providers.registry import PROVIDERS

        return tuple(p.id for p in PROVIDERS if p.phase == self.id)

    @property
    def kind(self) -> str:
        """Which screen shape shows it: its main step, or ``values`` when it only collects."""
        main = [s for s in self.steps if s in ("migrations", "files", "stripe-webhook")]
        return {"stripe-webhook": "post-deploy"}.get(main[0], main[0]) if main else "values"


#: where each write target goes, relative to the project (``wizard.outputs`` renders them)
OUTPUT_PATHS = {
    "env-example": ".env.example",
    "vercel": "vercel.json",
    "ci": ".github/workflows/ci.yml",
    "render": "render.yaml",
}
#: the values a step acts with: a change of these (or of the phase's input files) means the
#: step has to run again; other inputs of the phase don't matter to it
STEP_INPUTS: dict[str, tuple[str, ...]] = {"migrations": ("SUPABASE_DB_URL",)}

PHASES: tuple[Phase, ...] = (
    Phase(
        "supabase",
        "Supabase",
        "Phase 1: Supabase production setup",
        ("supabase-setup",),
        input_files=("supabase/schema.sql", "supabase/migrations/*.sql"),
        steps=("migrations",),
    ),
    Phase("upstash", "Upstash Redis", "Phase 2: Upstash Redis setup", ("upstash-setup",)),
    Phase(
        "render",
        "Render backend",
        "Phase 3: Render.com backend deployment",
        ("render-setup",),
        writes=("render",),
        steps=("files",),
    ),
    Phase(
        "vercel",
        "Vercel frontend",
        "Phase 4: Vercel frontend deployment",
        ("vercel-config",),
        extra_inputs=("APP_URL", "CUSTOM_DOMAIN"),
        writes=("vercel",),
        steps=("files",),
    ),
    Phase(
        "github-actions",
        "GitHub Actions",
        "Phase 5: GitHub Actions CI/CD",
        ("github-actions",),
        input_files=("package.json",),
        writes=("ci",),
        steps=("files",),
    ),
    Phase(
        "env-example",
        ".env.example",
        "Environment variables checklist",
        ("env-example",),
        writes=("env-example",),
        steps=("files",),
        from_catalog=True,
    ),
    Phase(
        "post-deploy",
        "Post-deploy",
        "Phase 6: Post-deployment configuration",
        ("stripe-webhook",),
        extra_inputs=("APP_URL", "STRIPE_SECRET_KEY", "SENTRY_DSN"),
        steps=("api-domain", "custom-domain", "stripe-webhook", "sentry-test-event", "verify"),
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
    from checklists.errors import UsageError

    raise UsageError(f"{phase_id!r} is not a phase.", f"Phases are: {', '.join(PHASE_IDS)}.")


def _file_digests(project: Project, phase: Phase) -> list[tuple[str, str | None]]:
    out: list[tuple[str, str | None]] = []
    for pattern in phase.input_files:
        for rel in project_files(project.root_dir, pattern):
            out.append((rel, file_sha256(os.path.join(project.root_dir, rel))))
    if phase.from_catalog:
        out.append(("catalog", file_sha256(CATALOG_PATH)))
    return out


def project_files(root: str, pattern: str) -> list[str]:
    """What ``sorted(Path(root).glob(pattern))`` finds, relative to ``root`` (``/``
    separated), for the patterns ``Phase.input_files`` holds (wildcards in the last part only),
    with ``os.scandir``: ``pathlib`` is not on the start-up path. As ``Path.glob``: a name
    without wildcards must exist (a broken link doesn't); a wildcard matches every entry,
    hidden ones too; an unreadable directory matches nothing."""
    from fnmatch import fnmatchcase

    head, _, name = pattern.rpartition("/")
    directory = os.path.join(root, head)
    if not any(ch in name for ch in "*?["):
        return [pattern] if os.path.exists(os.path.join(directory, name)) else []
    if not os.path.isdir(directory):
        return []
    try:
        with os.scandir(directory) as entries:
            names = [e.name for e in entries]
    except PermissionError:
        return []
    prefix = head + "/" if head else ""
    return [prefix + n for n in sorted(names) if fnmatchcase(n, name)]


def file_sha256(path: str | os.PathLike[str]) -> str | None:
    import hashlib  # OpenSSL: only when a fingerprint is compared or recorded

    try:
        with open(path, "rb") as fh:
            return hashlib.sha256(fh.read()).hexdigest()
    except OSError:
        return None


def input_parts(project: Project, state: StateData, phase: Phase) -> dict[str, Any]:
    return {"values": input_digests(state, phase), "files": _file_digests(project, phase)}


def input_digests(state: StateData, phase: Phase) -> list[tuple[str, str | None]]:
    """(input, its recorded digest) for each input of the phase, in order."""
    values = state.get("values", {})
    return [(n, values.get(n, {}).get("digest")) for n in phase.inputs]


def _hash(parts: dict[str, Any]) -> str:
    import hashlib
    import json

    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def fingerprint(project: Project, state: StateData, phase: Phase) -> str:
    """The current fingerprint of a phase's inputs (values by digest, files by hash)."""
    return _hash(input_parts(project, state, phase))


def value_digests(state: StateData, names: Iterable[str]) -> dict[str, str | None]:
    """The recorded digest of each value (None: not stored, e.g. a default); a value only seen
    (the health path verify saw answering) stands as its own digest."""
    values = state.get("values", {})
    if not state.get("seen"):  # nothing seen (wizard.seen): the recorded digests alone
        return {n: (values.get(n) or {}).get("digest") for n in names}
    from wizard.seen import seen_digest

    return {n: (values.get(n) or {}).get("digest") or seen_digest(state, n) for n in names}


def partial_fingerprint(
    project: Project, state: StateData, phase: Phase, names: Iterable[str]
) -> str:
    """A fingerprint over some of the phase's values and all of its input files.

    Files are rendered only from non-secret values and migrations only use the database URL:
    changing an API key must not make render.yaml "written from older values".
    """
    return _hash(
        {
            "values": sorted(value_digests(state, names).items()),
            "files": _file_digests(project, phase),
        }
    )


def file_fingerprint(project: Project, state: StateData, phase: Phase) -> str:
    """What the phase's files are rendered from: its non-secret inputs and input files."""
    names = [n for n in phase.inputs if not catalog()[n].secret]
    return partial_fingerprint(project, state, phase, names)


def has_value(state: StateData, name: str) -> bool:
    """Stored, or defaulted: a fixed default, or another variable's value (``default_from``)."""
    var = catalog()[name]
    if name in state.get("values", {}) or var.default is not None:
        return True
    return var.default_from is not None and has_value(state, var.default_from)


def missing_inputs(state: StateData, phase: Phase) -> list[str]:
    """Required inputs of ``phase`` that are neither stored nor defaulted (empty: all set)."""
    return [n for n in phase.inputs if catalog()[n].required and not has_value(state, n)]


def required_progress(state: StateData) -> tuple[int, int]:
    """(required values stored or defaulted, required values) over the whole catalog."""
    required = [v for v in catalog().values() if v.required]
    return sum(has_value(state, v.name) for v in required), len(required)
