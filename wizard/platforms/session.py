"""One run's connection to the platforms: a shared HTTP client and the adapters built on it.

Open it in an ``async with``; ``session.adapter("render")`` builds Render's adapter (and so its
client) on first use: a platform not used is never configured.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Mapping
from types import TracebackType
from typing import Any

from providers.base import CheckContext
from wizard.platforms import row
from wizard.platforms.base import Values


class Session:
    def __init__(
        self,
        values: Values,
        timeout: float,
        env: Mapping[str, str] = os.environ,
        known: Mapping[str, Any] | None = None,
    ) -> None:
        self.values, self.timeout, self.env = values, timeout, env
        #: the state's ``platforms`` record: ids found last time, per platform
        self.known = known or {}
        self._adapters: dict[str, Any] = {}

    async def __aenter__(self) -> Session:
        from providers.http import make_client

        self._client = make_client(self.env, self.timeout)
        await self._client.__aenter__()
        self.ctx = CheckContext(self.values, self._client, self.timeout, self.env)
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self._client.__aexit__(kind, exc, tb)

    def adapter(self, platform_id: str) -> Any:
        """The platform's adapter (see its registry row), built on first use."""
        if platform_id not in self._adapters:
            module, _, name = row(platform_id).adapter.partition(":")
            cls = getattr(importlib.import_module(module), name)
            self._adapters[platform_id] = cls(self.ctx, self.values)
        return self._adapters[platform_id]

    def remembered(self, platform_id: str) -> Mapping[str, Any] | None:
        found = self.known.get(platform_id)
        return found if isinstance(found, Mapping) else None

    @property
    def writes(self) -> list[tuple[str, str]]:
        """Every write request sent so far (method, path), across platforms."""
        return [w for a in self._adapters.values() for w in a.writes]
