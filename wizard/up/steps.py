"""The steps of ``up``, in the plan's order, each written on the operation the matching command
uses (``wizard.up.prepare``, ``services``, ``files``, ``ship``; what a step is: ``step``)."""

from __future__ import annotations

from wizard.up.files import describe_files, describe_github, run_files, run_github
from wizard.up.prepare import (
    describe_checks,
    describe_jwt,
    describe_migrations,
    describe_provision,
    run_checks,
    run_jwt,
    run_migrations,
    run_provision,
)
from wizard.up.services import describe_render, describe_vercel, run_render, run_vercel
from wizard.up.ship import (
    describe_deploy,
    describe_verify,
    describe_webhook,
    run_deploy,
    run_verify,
    run_webhook,
)
from wizard.up.step import Step

STEPS: tuple[Step, ...] = (
    Step("provision", "provision what is missing", describe_provision, run_provision),
    Step("jwt", "JWT_SECRET", describe_jwt, run_jwt),
    Step("checks", "offline rules and live checks", describe_checks, run_checks),
    Step("migrations", "migrations and Data API grants", describe_migrations, run_migrations),
    Step("render", "the Render service and APP_URL", describe_render, run_render),
    Step("vercel", "the Vercel project and FRONTEND_URL", describe_vercel, run_vercel),
    Step("files", "the generated files", describe_files, run_files),
    Step("github", "the files on GitHub's default branch", describe_github, run_github),
    Step("webhook", "the Stripe webhook", describe_webhook, run_webhook),
    Step("deploy", "push, deploy and follow", describe_deploy, run_deploy),
    Step("verify", "verify the live site", describe_verify, run_verify),
)
