"""Every request ``provision supabase`` sends, and every answer the stand-in gives, checked
against Supabase's own OpenAPI document (the operations used, ``supabase_openapi.json``)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from openapi_schema_validator import OAS30Validator

from tests.conftest import run_cli
from tests.provision.supabase_fake import FakeSupabase
from tests.provision.test_supabase_provision import env, fake, store, tokened  # noqa: F401

SPEC = json.loads((Path(__file__).with_name("supabase_openapi.json")).read_text())


def inline(node: Any) -> Any:
    """``node`` with every ``#/components/schemas/…`` reference replaced by the schema."""
    if isinstance(node, dict):
        if "$ref" in node:
            return inline(SPEC["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]])
        # A discriminator without a mapping names schemas by its values ("specific"), which
        # this document does not have: the oneOf alone says what is valid.
        return {k: inline(v) for k, v in node.items() if k != "discriminator"}
    if isinstance(node, list):
        return [inline(v) for v in node]
    return node


def problems(schema: dict[str, Any], instance: Any, where: str) -> list[str]:
    validator = OAS30Validator(inline(schema))
    return [f"{where}: {e.message}" for e in validator.iter_errors(instance)]


def typed(value: str, schema: dict[str, Any]) -> Any:
    kind = schema.get("type")
    if kind == "integer":
        return int(value) if value.lstrip("-").isdigit() else value
    if kind == "boolean":
        return {"true": True, "false": False}.get(value, value)
    return value


def operation(method: str, path: str) -> tuple[dict[str, Any], dict[str, str], list[Any]]:
    for template, item in SPEC["paths"].items():
        pattern = "^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template) + "$"
        found = re.match(pattern, path)
        if found and method.lower() in item:
            op = item[method.lower()]
            return op, found.groupdict(), [*item.get("parameters", []), *op.get("parameters", [])]
    raise AssertionError(f"{method} {path} is not an operation of the spec")


def check_exchange(
    method: str, path: str, query: str, body: Any, status: int, answer: Any
) -> list[str]:
    op, path_args, parameters = operation(method, path)
    declared = {(p["in"], p["name"]): p for p in parameters}
    out: list[str] = []
    for name, value in path_args.items():
        out += problems(declared[("path", name)]["schema"], value, f"{path} {name}")
    sent = dict(parse_qsl(query))
    for name, value in sent.items():
        param = declared.get(("query", name))
        if param is None:
            out.append(f"{method} {path}: query parameter {name} is not in the spec")
        else:
            out += problems(param["schema"], typed(value, param["schema"]), f"{path}?{name}")
    for (where, name), param in declared.items():
        if where == "query" and param.get("required") and name not in sent:
            out.append(f"{method} {path}: required query parameter {name} missing")
    wanted = op.get("requestBody")
    if wanted is not None:
        schema = wanted["content"]["application/json"]["schema"]
        out += problems(schema, body, f"{method} {path} body")
    elif body is not None:
        out.append(f"{method} {path}: sent a body the spec does not take")
    if 200 <= status < 300:
        documented = op["responses"].get(str(status))
        if documented is None:
            out.append(f"{method} {path}: status {status} is not documented")
        elif "content" in documented:
            schema = documented["content"]["application/json"]["schema"]
            out += problems(schema, answer, f"{method} {path} answer")
    return out


def test_requests_and_answers_follow_supabases_openapi_document(
    tokened: Path,  # noqa: F811
    fake: FakeSupabase,  # noqa: F811
    env: dict[str, str],  # noqa: F811
) -> None:
    fake.limited_polls = 1
    assert run_cli("provision", "supabase", "--yes", project=tokened, env=env).returncode == 0
    assert run_cli("provision", "supabase", "--yes", project=tokened, env=env).returncode == 0
    fake.session_entry = True
    fake.add_project("convoai-staging")
    store(tokened, {"SUPABASE_PROJECT": "convoai-staging"})
    reset = run_cli(
        "provision", "supabase", "--yes", "--reset-db-password", project=tokened, env=env
    )
    assert reset.returncode == 0, reset.stderr
    sent = {
        (m, re.sub(r"/projects/[a-z]{20}", "/projects/{ref}", p)) for m, p, *_ in fake.exchanges
    }
    assert sent == {
        ("GET", "/v1/organizations"),
        ("GET", "/v1/organizations/acme/projects"),
        ("POST", "/v1/projects"),
        ("GET", "/v1/projects/{ref}"),
        ("GET", "/v1/projects/{ref}/api-keys"),
        ("GET", "/v1/projects/{ref}/api-keys/legacy"),
        ("GET", "/v1/projects/{ref}/config/database/pooler"),
        ("PATCH", "/v1/projects/{ref}/database/password"),
    }
    found = [p for exchange in fake.exchanges for p in check_exchange(*exchange)]
    assert found == [], "\n".join(found)


def test_the_checker_catches_what_the_spec_refuses() -> None:
    """The check itself: a wrong body, an unknown parameter and a short ref are caught."""
    bad_body = {"name": "x", "organization_slug": "acme", "region_selection": {"type": "x"}}
    assert check_exchange("POST", "/v1/projects", "", bad_body, 201, {}) != []
    assert check_exchange("GET", "/v1/organizations", "page=2", None, 200, []) != []
    assert check_exchange("GET", "/v1/projects/abc", "", None, 200, {}) != []
