"""What push says about Render's health check: on the plan, and when a deploy fails.

Render puts a deploy live only once its health check path answers 2xx/3xx, and fails it after
15 minutes otherwise (the old instance keeps serving); without a path it only waits for the
port. The plan says which a created service gets, names an existing service's path when it
differs from HEALTHCHECK_PATH (push does not change a service's settings: the contracts have no
service update), and a followed deploy ending ``update_failed`` names the usual cause.
"""

from __future__ import annotations

from collections.abc import Mapping

from checklists.advice import do
from wizard.outputs.render_yaml import health_check_path


def health_note(values: Mapping[str, str | None], source: str | None = None) -> str:
    """What the plan says about the health check of a service it creates."""
    path = health_check_path(values)
    if path is None:
        return (
            "no health check path: HEALTHCHECK_PATH is not set and verify has not seen one "
            "answer 2xx/3xx, so Render will only wait for the port (set one: "
            f"{do('vars set', 'HEALTHCHECK_PATH', '/api/health')}, or run {do('verify')} once "
            "deployed)"
        )
    why = f" ({source})" if source else ""
    return (
        f"health check path {path}{why}: Render puts each deploy live only once it answers 2xx/3xx"
    )


def service_health_note(values: Mapping[str, str | None], current: object) -> str:
    """The existing service's health path differs from ours ("" when it does not, or is not
    known): push does not change it (the contracts have no service update), so say where."""
    path = health_check_path(values)
    if not isinstance(current, str) or not path or current == path:
        return ""
    return (
        f"the service's health check path is {current or 'not set'} on Render, HEALTHCHECK_PATH "
        f"is {path}: push does not change it; set it in the dashboard (Settings > Health Check "
        "Path)"
    )


def update_failed_line(deploy_id: str, status: str, link: str, health_path: str | None) -> str:
    """A followed deploy that failed; update_failed names the health check, its usual cause.
    Render's API gives convoai-setup no deploy logs, so the line links them, never quotes them."""
    if status != "update_failed":
        return (
            f"Render deploy {deploy_id} ended {status}; read its logs at {link}, fix, and push "
            "again."
        )
    if health_path:
        cause = (
            f"a failing health check is the usual cause: Render puts a deploy live only when "
            f"{health_path} answers 2xx/3xx within 15 minutes (a 404 fails it; the old instance "
            "keeps serving)"
        )
    else:
        cause = (
            "with no health check path the usual cause is an app that never opened its port "
            "(it must listen on PORT) or exited at start"
        )
    return (
        f"Render deploy {deploy_id} ended update_failed: {cause}. Its logs (not read here) are "
        f"at {link}; fix, and push again."
    )
