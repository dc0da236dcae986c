"""``convoai-setup verify`` against the deployed stand-in: healthy passes, each fault its message."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import trustme

from tests.conftest import FAKE_SECRETS, scan_for_secrets
from tests.verify.conftest import Deployment
from tests.verify.standin import SUBSCRIBED

Deploy = Callable[..., Deployment]


def by_check(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["check"]: r for r in doc["results"]}


def failed(doc: dict[str, Any]) -> dict[str, str]:
    return {r["check"]: r["message"] for r in doc["results"] if r["outcome"] == "fail"}


def assert_no_secret_output(site: Deployment, *texts: str) -> None:
    for text in texts:
        assert not [n for n, v in FAKE_SECRETS.items() if v in text]
    assert scan_for_secrets(site.project / ".convoai-setup") == []


def test_healthy_deployment_passes_every_check(deploy: Deploy) -> None:
    site = deploy()
    code, doc, err = site.verify("--send-test-webhook")
    assert code == 0, (doc, err)
    results = by_check(doc)
    assert doc["ok"] is True and doc["frontend_url"] == site.frontend_url
    assert doc["frontend_url_source"] == "FRONTEND_URL"
    ports = [site.app_url.rsplit(":", 1)[1], site.frontend_url.rsplit(":", 1)[1]]
    assert set(results) == {
        "backend",
        "spa fallback",
        "api proxy",
        "widget",
        *(f"tls 127.0.0.1:{p}" for p in ports),
        "webhook secret",
        "webhook signature",
    }
    assert all(r["outcome"] == "ok" for r in results.values()), results
    assert "the same answer" in results["api proxy"]["message"]
    assert "the secret on Render matches" in results["webhook secret"]["message"]
    # One correctly signed event reached the app; it was of a type the app does nothing with.
    assert site.backend.received == ["balance.available"]
    assert not set(site.backend.received) & SUBSCRIBED and site.backend.handled == []
    assert_no_secret_output(site, err, str(doc))


def test_both_hosts_get_their_own_tls_check(deploy: Deploy) -> None:
    site = deploy()
    code, doc, _ = site.verify()
    tls = [r for r in doc["results"] if r["check"].startswith("tls")]
    # Same host, two ports: both certificates are looked at.
    assert code == 0 and len(tls) == 2
    assert all("valid for 127.0.0.1 until" in r["message"] for r in tls)
    assert "webhook secret" not in by_check(doc)


def test_missing_cors_header_fails_the_widget_check(deploy: Deploy) -> None:
    site = deploy()

    def drop_cors(data: dict[str, Any]) -> None:
        for entry in data["headers"]:
            entry["headers"] = [
                h for h in entry["headers"] if h["key"] != "Access-Control-Allow-Origin"
            ]

    site.edit_vercel_json(drop_cors)
    code, doc, _ = site.verify()
    assert code == 1
    assert set(failed(doc)) == {"widget"}
    message = failed(doc)["widget"]
    assert "missing CORS header Access-Control-Allow-Origin: *" in message
    assert "Cache-Control" not in message  # the cache header is still right


def test_spa_404_fails_the_fallback_check(deploy: Deploy) -> None:
    site = deploy()
    site.edit_vercel_json(
        lambda d: d.update(rewrites=[r for r in d["rewrites"] if r["destination"] != "/index.html"])
    )
    code, doc, _ = site.verify()
    assert code == 1
    assert set(failed(doc)) == {"spa fallback"}
    assert (
        "SPA fallback missing: a deep link on FRONTEND_URL answered 404"
        in failed(doc)["spa fallback"]
    )


def test_api_rewrite_after_the_fallback_is_caught(deploy: Deploy) -> None:
    site = deploy()
    site.edit_vercel_json(lambda d: d.update(rewrites=[*d["rewrites"][1:], d["rewrites"][0]]))
    code, doc, _ = site.verify()
    assert code == 1
    assert "the SPA page answered instead" in failed(doc)["api proxy"]


def test_wrong_webhook_secret_on_the_backend(deploy: Deploy) -> None:
    site = deploy(backend_secret="whsec_FAKEanotherSecretTheAppHas0123456789ab")
    code, doc, err = site.verify("--send-test-webhook")
    assert code == 1
    assert set(failed(doc)) == {"webhook secret"}
    message = failed(doc)["webhook secret"]
    assert message.startswith("webhook secret mismatch")
    assert "stripe create-webhook" in message and "push render" in message
    assert "webhook signature" not in by_check(doc)  # nothing to learn from a forged event now
    assert site.backend.received == []
    assert_no_secret_output(site, err, str(doc))


def test_endpoint_that_accepts_unsigned_payloads_is_called_out(deploy: Deploy) -> None:
    site = deploy(checks_signatures=False)
    code, doc, _ = site.verify("--send-test-webhook")
    assert code == 1
    assert set(failed(doc)) == {"webhook signature"}
    assert "DOES NOT CHECK STRIPE SIGNATURES" in failed(doc)["webhook signature"].upper()
    assert "ACCEPTED A WRONGLY SIGNED EVENT" in failed(doc)["webhook signature"]
    # Its acceptance of the correctly signed event proves nothing, and says so.
    assert by_check(doc)["webhook secret"]["outcome"] == "warn"
    assert "proves nothing about the secret" in by_check(doc)["webhook secret"]["message"]
    assert site.backend.received == ["balance.available", "balance.available"]


def test_certificate_expiring_within_14_days(
    deploy: Deploy, expiring_cert: trustme.LeafCert
) -> None:
    site = deploy(frontend_cert=expiring_cert)
    code, doc, _ = site.verify()
    assert code == 1
    bad = failed(doc)
    name = "tls 127.0.0.1:" + site.frontend_url.rsplit(":", 1)[1]
    assert list(bad) == [name]
    assert re.search(r"the certificate of 127\.0\.0\.1 expires in [45] days", bad[name])
    assert "under 14" in bad[name]
    # The other host's certificate is fine, and so is everything served with the short one.
    tls = [r for r in doc["results"] if r["check"].startswith("tls")]
    assert sorted(r["outcome"] for r in tls) == ["fail", "ok"]
    assert by_check(doc)["widget"]["outcome"] == "ok"


def test_text_output_and_results_recorded(deploy: Deploy) -> None:
    from tests.conftest import run_cli

    site = deploy()
    result = run_cli("verify", project=site.project, env=site.env)
    assert result.returncode == 0, result.stderr
    assert "spa fallback" in result.stdout and "widget" in result.stdout
    assert "add --send-test-webhook" in result.stderr
    import json

    state = json.loads((site.project / ".convoai-setup" / "state.json").read_text())
    assert state["checks"]["verify.widget"]["outcome"] == "ok"


def test_frontend_url_found_through_the_vercel_api(
    deploy: Deploy, make_https_server: Callable[[], Any]
) -> None:
    from tests.conftest import run_cli
    from tests.verify.conftest import store
    from tests.verify.fakes import FakeVercel

    site = deploy()
    assert run_cli("vars", "unset", "FRONTEND_URL", project=site.project).returncode == 0
    host = site.frontend_url.removeprefix("https://")
    vercel = FakeVercel(
        FAKE_SECRETS["VERCEL_TOKEN"],
        deployments=[
            {"uid": "dpl_old", "url": "old-deploy.vercel.app", "readyState": "READY", "created": 1},
            {"uid": "dpl_new", "url": host, "readyState": "READY", "created": 2},
            {
                "uid": "dpl_building",
                "url": "building.vercel.app",
                "readyState": "BUILDING",
                "created": 3,
            },
        ],
    )
    server = make_https_server()
    vercel.install(server)
    store(site.project, {"VERCEL_TOKEN": FAKE_SECRETS["VERCEL_TOKEN"], "VERCEL_PROJECT": "convoai"})
    site.env["CONVOAI_SETUP_VERCEL_API"] = f"https://127.0.0.1:{server.port}"
    code, doc, err = site.verify()
    assert code == 0, (doc, err)
    assert doc["frontend_url"] == site.frontend_url and doc["frontend_url_source"] == "Vercel API"
    listed = [r for r in vercel.requests if r.startswith("GET /v6/deployments")]
    assert listed and "target=production" in listed[0] and "state=READY" in listed[0]
    assert "projectId=prj_FAKE123" in listed[0]


def test_no_frontend_url_is_a_usage_error_with_the_fix(deploy: Deploy) -> None:
    from tests.conftest import run_cli

    site = deploy()
    assert run_cli("vars", "unset", "FRONTEND_URL", project=site.project).returncode == 0
    code, doc, err = site.verify()
    assert code == 2 and doc == {}
    assert "FRONTEND_URL is not known" in err and "convoai-setup vars set FRONTEND_URL" in err


def test_a_silent_backend_times_out_per_check(deploy: Deploy) -> None:
    from tests.providers.fakes import SilentServer
    from tests.verify.conftest import store

    site = deploy()
    silent = SilentServer()
    try:
        store(site.project, {"APP_URL": f"https://127.0.0.1:{silent.port}"})
        result_code, doc, err = site.verify("--timeout", "1")  # the later --timeout wins
    finally:
        silent.close()
    assert result_code == 1 and "Traceback" not in err
    bad = failed(doc)
    assert "did not answer within" in bad["backend"] or "no answer within" in bad["backend"]
    # The frontend's own checks still ran and answered (its vercel.json still points at the old
    # backend).
    assert by_check(doc)["spa fallback"]["outcome"] == "ok"
