"""The Post-deploy screen's Verify step, driven with Pilot against the deployed stand-in."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.widgets import Button, Checkbox, Static, TabbedContent

from screens.postdeploy import PostDeployScreen
from tests.verify.conftest import Deployment


async def test_verify_step_with_the_stripe_test_event(
    deploy: Callable[..., Deployment], monkeypatch: pytest.MonkeyPatch
) -> None:
    from screens.app import WizardApp
    from screens.run import prepare_answers
    from tests.ui.conftest import SIZE, settle

    site = deploy(backend_secret="whsec_FAKEanotherSecretTheAppHas0123456789ab")
    monkeypatch.setenv("SSL_CERT_FILE", site.env["SSL_CERT_FILE"])  # the worker reads os.environ
    app = WizardApp(prepare_answers(site.project), "post-deploy")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, PostDeployScreen)
        await pilot.press("f3")  # the Actions tab
        await settle(pilot)
        assert app.screen.query_one("#tabs", TabbedContent).active == "tab-actions"
        app.screen.query_one("#verify-webhook", Checkbox).value = True
        app.screen.query_one("#verify", Button).press()
        await settle(pilot)
        shown = str(app.screen.query_one("#verify-result", Static).render())
    assert shown.startswith("✗ 1 of 7 checks failed"), shown
    assert "webhook secret: webhook secret mismatch" in shown
    assert site.backend.received == []  # the signed event was refused by the app's own check
