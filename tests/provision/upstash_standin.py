"""A stateful stand-in for Upstash's Developer API (PROVISION-CONTRACTS §2) on a real loopback
HTTPS server, paths under ``/v2``.

As Upstash does: HTTP Basic ``email:api-key``; an account made through Vercel or Fly.io answers
403 (the Developer API is for native accounts only); ``GET /redis/databases`` returns every
database of the account, credentials included (no name filter, no paging); ``POST
/redis/database`` needs what the current spec requires (``database_name``, ``platform`` aws|gcp,
``primary_region`` from the list) and answers the database itself; ``GET /redis/database/{id}``
reads one (``credentials=hide`` drops the password). The endpoint can be a full host or a bare
slug (``slug``: in the creation answer only, or everywhere), as the spec allows.
"""

from __future__ import annotations

import base64
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.providers.fakes import json_response
from tests.provision.openapi_check import Recorded, drop_connection, record

AWS = "us-east-1 us-east-2 us-west-1 us-west-2 ca-central-1 eu-central-1 eu-west-1 eu-west-2"
AWS += " sa-east-1 ap-south-1 ap-northeast-1 ap-southeast-1 ap-southeast-2 af-south-1"
GCP = "us-central1 us-east4 europe-west1 asia-northeast1"
#: the spec's primary regions per platform
REGIONS = {"aws": set(AWS.split()), "gcp": set(GCP.split())}
CREDENTIALS = ("password", "rest_token", "read_only_rest_token")


@dataclass
class UpstashStandIn:
    email: str
    api_key: str
    #: where new databases answer (a real TLS redis-server in the end-to-end test)
    host: str = "127.0.0.1"
    port: int = 6379
    password: str = "FAKEupstashDbPassw0rd"
    #: an account created through Vercel / Fly.io: the Developer API refuses it
    native: bool = True
    #: "" | "create" (the creation answer names a slug, a read names the host) | "always"
    slug: str = ""
    #: the first creation is carried out, then its connection dropped (answer lost)
    drop_create: bool = False
    databases: dict[str, dict[str, Any]] = field(default_factory=dict)
    log: list[Recorded] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add_database(self, name: str, region: str = "us-west-2", **extra: Any) -> dict[str, Any]:
        db_id = str(uuid.uuid4())
        db = {
            "database_id": db_id,
            "database_name": name,
            "region": "global",
            "type": "payg",
            "primary_region": region,
            "read_regions": [],
            "port": self.port,
            "creation_time": int(time.time()),
            "state": "active",
            "endpoint": f"{name}-{db_id[:5]}" if self.slug == "always" else self.host,
            "tls": True,
            "eviction": False,
            "password": self.password,
            "rest_token": "FAKErestToken",
            "read_only_rest_token": "FAKEreadOnlyToken",
            **extra,
        }
        self.databases[db_id] = db
        return db

    def writes(self) -> list[tuple[str, str]]:
        return [(r.method, r.path) for r in self.log if r.writes]

    def install(self, server: HTTPServer) -> None:
        server.expect_request(re.compile(r"^/.*")).respond_with_handler(self.handle)

    def handle(self, request: Request) -> Response:
        rec = record(request)
        with self.lock:
            self.log.append(rec)
            expected = base64.b64encode(f"{self.email}:{self.api_key}".encode()).decode()
            if rec.headers.get("Authorization") != f"Basic {expected}":
                return Response("Unauthorized", 401)
            if not self.native:
                return Response("This account is not allowed to use the Developer API", 403)
            if rec.method == "GET" and rec.path == "/v2/redis/databases":
                return json_response(list(self.databases.values()))
            if rec.method == "POST" and rec.path == "/v2/redis/database":
                answer = self.create(rec.json)
                if self.drop_create:
                    self.drop_create = False
                    return drop_connection(request)
                return answer
            found = re.fullmatch(r"/v2/redis/database/([0-9a-f-]+)", rec.path)
            if rec.method == "GET" and found:
                db = self.databases.get(found.group(1))
                if db is None:
                    return json_response({"error": "database not found"}, 404)
                if dict(rec.query).get("credentials") == "hide":
                    db = {k: v for k, v in db.items() if k not in CREDENTIALS}
                return json_response(db)
            return Response("Not Found", 404)

    def create(self, body: Any) -> Response:
        if not isinstance(body, dict) or not body.get("database_name"):
            return json_response({"error": "database_name is required"}, 400)
        platform, region = body.get("platform"), body.get("primary_region")
        if platform not in REGIONS:
            return json_response({"error": "platform must be aws or gcp"}, 400)
        if region not in REGIONS[platform]:
            return json_response({"error": f"invalid primary_region for {platform}"}, 400)
        db = self.add_database(body["database_name"], region, tls=bool(body.get("tls", True)))
        answer = dict(db)
        if self.slug == "create":
            answer["endpoint"] = f"{db['database_name']}-{db['database_id'][:5]}"
        return json_response(answer)
