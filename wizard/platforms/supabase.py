"""Supabase's adapter: the project SUPABASE_PROJECT in the organization SUPABASE_ORG, found or
created, waited for, and its values stored (SUPABASE_URL, SUPABASE_SERVICE_KEY, SUPABASE_DB_URL).

The project is found by its exact name in the organization (every page); two of that name are
refused, never guessed between. A new project gets a generated database password, stored before
the create call (the API never shows it again), and the state remembers which project it is for
(``provisioned.supabase``: the organization and name before the call, the ref after), so a later
run that finds the project still coming up resumes with it. Creation is sent once; a lost answer
is settled by looking the project up by name. The password of a project found without one is
never invented: SUPABASE_DB_URL then stays unset, and the result says how to set it (paste it,
or ``provision supabase --reset-db-password``).
"""

from __future__ import annotations

import asyncio
import os
import secrets
import time
from collections.abc import Mapping
from typing import Any

from checklists.advice import do
from checklists.errors import ProviderError
from providers.base import CheckContext
from providers.supabase import SupabaseClient
from providers.supabase_answers import service_key, session_pooler_url
from wizard.platforms.base import seconds_from
from wizard.platforms.provisioning import (
    Progress,
    ProvisionResult,
    ResourcePlan,
    Store,
    Values,
)
from wizard.platforms.supabase_plan import FAILED, READY, plan_project, project_url, ref_of_db_url

#: bytes of randomness in a generated database password (43 URL-safe characters)
PASSWORD_BYTES = 32


def timing(env: Mapping[str, str] = os.environ) -> tuple[float, float]:
    """(seconds between polls, longest wait) for a project coming up, tuned with
    ``CONVOAI_SETUP_PROVISION_POLL`` / ``CONVOAI_SETUP_PROVISION_WAIT``. Five seconds is 12
    requests a minute, a tenth of the per-endpoint limit."""
    return (
        seconds_from(env, "CONVOAI_SETUP_PROVISION_POLL", 5.0),
        seconds_from(env, "CONVOAI_SETUP_PROVISION_WAIT", 900.0),
    )


class SupabaseAdapter:
    """The provision capability for the project SUPABASE_PROJECT."""

    def __init__(self, ctx: CheckContext, values: Values) -> None:
        self.values, self.env = values, ctx.env
        self.api = SupabaseClient(ctx, str(values.get("SUPABASE_ACCESS_TOKEN") or ""))
        #: the database password known for the planned project (never printed, never carried)
        self.password: str | None = None

    @property
    def writes(self) -> list[tuple[str, str]]:
        return self.api.writes

    async def provision_plan(self, values: Values, state: Mapping[str, Any]) -> list[ResourcePlan]:
        plan, self.password = await plan_project(self.api, values, state)
        return [plan]

    async def provision(
        self, plan: ResourcePlan, progress: Progress, store: Store
    ) -> ProvisionResult:
        name = str(plan.carry["name"])
        result = ProvisionResult("supabase", plan.resource, False)
        if plan.action == "create":
            ref, status = await self._create(plan, store, progress)
        else:
            ref, status = plan.ref, str(plan.carry["status"])
        fresh = plan.action == "create" or status != READY
        status, ready = await self._wait(name, ref, status, progress)
        if ready is not True:
            where = f"Supabase project {name} ({ref})"
            result.left = (
                f"{where} is {status}: {FAILED[status]}."
                if ready is False
                else f"{where} is still {status} after {timing(self.env)[1]:g}s; run "
                f"{do('provision', 'supabase')} again later: it picks this project up instead "
                "of creating another (or raise CONVOAI_SETUP_PROVISION_WAIT)."
            )
            return result
        reset = bool(plan.carry.get("reset"))
        if reset:
            # Stored only once Supabase took it (with SUPABASE_DB_URL, below): a reset whose
            # answer is lost is simply run again, while a stored password that was never set
            # would break SUPABASE_DB_URL silently.
            self.password = secrets.token_urlsafe(PASSWORD_BYTES)
            await self.api.reset_db_password(ref, self.password)
            result.lines.append(f"Supabase project {name}: the database password was reset.")
        key, which, pooler = await self._settled(ref, fresh, self.password is not None)
        new = {"SUPABASE_URL": project_url(ref), "SUPABASE_SERVICE_KEY": key}
        has_db_url = ref_of_db_url(self.values.get("SUPABASE_DB_URL")) == ref
        if self.password is not None and (reset or not has_db_url):
            new["SUPABASE_DB_URL"] = session_pooler_url(pooler, self.password)
            has_db_url = True
        changed = {k: v for k, v in new.items() if self.values.get(k) != v}
        if reset and self.password is not None:
            changed["SUPABASE_DB_PASSWORD"] = self.password
        made = {"org": str(plan.carry["org"]), "name": name, "ref": ref}
        if changed:
            await store(changed, made if reset else None)
        result.stored = sorted(changed)
        said = ", ".join(sorted(changed)) + " stored" if changed else "values unchanged"
        result.lines.append(f"Supabase project {name} ({ref}) is ready: {said}.")
        result.lines.append(f"SUPABASE_SERVICE_KEY is {which}.")
        result.ok = has_db_url
        if not has_db_url:
            other = ref_of_db_url(self.values.get("SUPABASE_DB_URL"))
            state = f"still opens project {other}" if other else "is not set"
            result.left = (
                f"SUPABASE_DB_URL {state}: the database password of project {name} ({ref}) "
                "is not known here, and Supabase never shows it. Paste it "
                f"({do('vars set', 'SUPABASE_DB_PASSWORD')}, then {do('provision', 'supabase')}), "
                f"or reset it: {do('provision', 'supabase', '--reset-db-password')} (whatever "
                "uses the old password stops working)."
            )
        return result

    async def _create(
        self, plan: ResourcePlan, store: Store, progress: Progress
    ) -> tuple[str, str]:
        """Create the project (the password stored first); its ref and status."""
        name, org = str(plan.carry["name"]), str(plan.carry["org"])
        if time.monotonic() - float(plan.carry["at"]) > 2:
            # Minutes may have passed at the prompt: another run may have created it since.
            again = await self.api.projects_named(org, name)
            if again:
                raise ProviderError(
                    f"A Supabase project named {name} appeared in organization {org} since the "
                    "plan was made; nothing was created.",
                    f"Run {do('provision', 'supabase')} again to use it.",
                )
        self.password = secrets.token_urlsafe(PASSWORD_BYTES)
        # Before the call: the API never returns it, and a run that dies during the call must
        # still find it. The state remembers which project it is for (the ref once known).
        await store({"SUPABASE_DB_PASSWORD": self.password}, {"org": org, "name": name, "ref": ""})
        body = {
            "name": name,
            "organization_slug": org,
            "db_pass": self.password,
            "region_selection": {"type": "specific", "code": plan.carry["region"]},
        }
        try:
            created = await self.api.create_project(body)
        except ProviderError:
            # Never sent twice: whether it was created is settled by looking it up.
            after = await self.api.projects_named(org, name)
            if len(after) != 1:
                raise
            created = after[0]
        ref = str(created["ref"])
        await store({}, {"ref": ref})
        progress(f"Supabase project {name} created ({ref}) in organization {org}.")
        return ref, str(created.get("status") or "COMING_UP")

    async def _wait(
        self, name: str, ref: str, status: str, progress: Progress
    ) -> tuple[str, bool | None]:
        """Poll until ACTIVE_HEALTHY (True), a failed status (False) or the longest wait
        (None); a line on each change."""
        poll, longest = timing(self.env)
        since = time.monotonic()
        last = ""
        while True:
            if status == READY and not last:
                return status, True  # ready when found: nothing to say
            if status != last:
                progress(
                    f"Supabase project {name} ({ref}): {status} ({time.monotonic() - since:.0f}s)"
                )
                last = status
            if status == READY:
                return status, True
            if status in FAILED:
                return status, False
            if time.monotonic() - since >= longest:
                return status, None
            await asyncio.sleep(poll)
            project = await self.api.project(ref)
            if project is not None:
                status = str(project.get("status") or "UNKNOWN")

    async def _settled(
        self, ref: str, fresh: bool, need_pooler: bool
    ) -> tuple[str, str, list[dict[str, Any]]]:
        """(service key, which key it is, pooler entries), read together. A project that just
        came up may list its keys or pooler a little later: then they are read again, within
        the longest wait."""
        poll, longest = timing(self.env)
        deadline = time.monotonic() + longest

        async def no_pooler() -> list[dict[str, Any]]:
            return []

        while True:
            keys, legacy, pooler = await asyncio.gather(
                self.api.api_keys(ref),
                self.api.legacy_keys_enabled(ref),
                self.api.pooler(ref) if need_pooler else no_pooler(),
            )
            early = not keys or (need_pooler and not pooler)
            if not (fresh and early) or time.monotonic() >= deadline:
                key, which = service_key(keys, legacy)
                return key, which, pooler
            await asyncio.sleep(poll)
