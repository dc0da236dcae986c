"""The neutral model of a push: what would change on a platform, and what actually landed.

The plan compares each value by keyed digest (HMAC-SHA256 with the project's fingerprint salt),
so no comparison ever needs a value printed or stored. Per variable: ``add`` (not on the
platform), ``change`` (differs), ``same``, ``kept`` (on the platform only: never touched) and
``unset`` (in the catalog for this platform but with no value here: not sent). Only variables
whose destination is the platform are sent; wizard-only credentials never are.

What landed is decided by reading back, never by the write answers: a value whose answer was
lost but which reads back right has landed; one answered 200 that reads back different has not.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from checklists.advice import do
from checklists.catalog import catalog, for_destination, mask
from wizard.values import digest

Values = Mapping[str, str | None]


@dataclass(frozen=True)
class VarPlan:
    name: str
    #: add | change | same | kept | unset
    action: str
    #: the local value masked as everywhere else ("" for kept/unset: nothing to show)
    shown: str = ""
    #: the platform's current value, masked the same way ("" when it has none)
    current: str = ""


@dataclass
class PushPlan:
    """What a push would do on one platform. ``desired``/``remote`` hold values: never print
    them (``VarPlan.shown`` and ``current`` are the masked forms)."""

    destination: str
    #: "service convoai-backend (srv-…)" / "project convoai (prj_…)"
    target: str
    #: the platform's id for the service or project ("" when it does not exist yet)
    ref: str
    variables: list[VarPlan]
    #: settings of the service/project to create (None: it exists)
    create: dict[str, Any] | None = None
    #: why it does not exist and cannot be created here ("" when it exists or can be)
    blocked: str = ""
    notes: list[str] = field(default_factory=list)
    desired: dict[str, str] = field(default_factory=dict, repr=False)
    remote: dict[str, str] = field(default_factory=dict, repr=False)
    #: the creation request body (holds values: never print it)
    payload: dict[str, Any] | None = field(default=None, repr=False)
    #: what the target was looked up by (name, workspace/team): the state keeps it with ``ref``
    #: so the next push can use the id at once, but only for the same name and scope
    scope: dict[str, str] = field(default_factory=dict)

    def named(self, *actions: str) -> list[str]:
        return [v.name for v in self.variables if v.action in actions]

    @property
    def exists(self) -> bool:
        return self.create is None and not self.blocked

    @property
    def has_changes(self) -> bool:
        return self.create is not None or bool(self.named("add", "change"))


@dataclass
class Applied:
    """What a push did on one platform, as read back afterwards."""

    destination: str
    ref: str
    #: variables that read back as sent
    landed: list[str] = field(default_factory=list)
    #: variable -> why it did not land (the write failed, or it reads back different)
    not_landed: dict[str, str] = field(default_factory=dict)
    #: variables whose write answer was lost (a dropped connection, a timeout) but which read
    #: back as sent: they landed
    answer_lost: list[str] = field(default_factory=list)
    created: bool = False
    #: the service/project as the platform answered its creation (its URL is the truth)
    created_doc: dict[str, Any] = field(default_factory=dict, repr=False)
    #: a deploy the platform already started (Render starts one when it creates a service)
    deploy_id: str | None = None

    @property
    def ok(self) -> bool:
        return not self.not_landed


def compare(
    salt: bytes, desired: Mapping[str, str], remote: Mapping[str, str], names: list[str]
) -> list[VarPlan]:
    """The per-variable plan: catalog order first, then the platform's own keys (kept)."""
    out: list[VarPlan] = []
    for name in names:
        if name not in desired:
            out.append(VarPlan(name, "unset"))
            continue
        value = desired[name]
        if name not in remote:
            action = "add"
        elif digest(salt, name, remote[name]) == digest(salt, name, value):
            action = "same"
        else:
            action = "change"
        current = mask(name, remote[name]) if action == "change" and remote[name] else ""
        out.append(VarPlan(name, action, mask(name, value), current))
    out += [VarPlan(key, "kept") for key in remote if key not in names]
    return out


def settle(
    salt: bytes,
    applied: Applied,
    sent: Mapping[str, str],
    errors: Mapping[str, str],
    found: Mapping[str, str],
) -> Applied:
    """Fill ``applied`` from the read-back ``found``: each value ``sent`` landed when it reads
    back equal (whatever its write answered), and did not when it reads back different."""
    for name, value in sent.items():
        same = name in found and digest(salt, name, found[name]) == digest(salt, name, value)
        if same:
            applied.landed.append(name)
            if name in errors:
                applied.answer_lost.append(name)
        elif name in errors:
            applied.not_landed[name] = errors[name]
        else:
            applied.not_landed[name] = "the platform accepted it, but it reads back different"
    return applied


def desired_for(destination: str, values: Values) -> tuple[dict[str, str], list[str]]:
    """The values this platform gets (set ones only) and every catalog name it could get."""
    names = [v.name for v in for_destination(destination)]
    return {n: str(values[n]) for n in names if values.get(n)}, names


def unset_required(plan: PushPlan) -> None:
    """Say which required variables have no value here (they are not sent)."""
    for name in plan.named("unset"):
        if catalog()[name].required and name not in plan.remote:
            plan.notes.append(
                f"{name} is required but has no value here, so it is not sent: "
                f"{do('vars set', name)}"
            )


def narrowed(plan: PushPlan, names: Collection[str]) -> PushPlan:
    """``plan`` limited to ``names``: nothing else is shown, sent or read back."""
    return replace(
        plan,
        variables=[v for v in plan.variables if v.name in names],
        desired={n: v for n, v in plan.desired.items() if n in names},
        # "X is required but has no value here" is about variables this push does not send.
        notes=[n for n in plan.notes if "is required but has no value here" not in n],
    )


def plan_rows(plan: PushPlan) -> list[list[str]]:
    """ACTION / VARIABLE / VALUE rows, values masked; a change shows what the platform has."""
    from wizard.platforms import row

    where = row(plan.destination).label
    notes = {"kept": f"(on {where} only; never touched)", "unset": "(no value here; not sent)"}
    out = []
    for v in plan.variables:
        value = v.shown or notes.get(v.action, "")
        if v.action == "change":
            value = f"{v.shown}   (now {v.current or 'empty'})"
        out.append([v.action, v.name, value])
    return out


def plan_doc(plan: PushPlan) -> dict[str, Any]:
    """The plan as ``--json`` prints it (values masked)."""
    return {
        "destination": plan.destination,
        "target": plan.target,
        "exists": plan.exists,
        "create": plan.create,
        "blocked": plan.blocked or None,
        "variables": [
            {"name": v.name, "action": v.action, "value": v.shown, "current": v.current or None}
            for v in plan.variables
        ],
        "notes": plan.notes,
    }


def plan_text(plan: PushPlan) -> list[str]:
    """The plan's head lines (its target, and the settings it would be created with)."""
    from wizard.platforms import row

    lines = [f"{row(plan.destination).label}: {plan.target}"]
    if plan.create:
        settings = ", ".join(f"{k} {v if v is not None else './'}" for k, v in plan.create.items())
        lines.append(f"  create with: {settings}")
    return lines
