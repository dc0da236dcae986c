"""The overview's first frame is drawn once, as composed: its first resume does not restyle
every widget again (``OverviewScreen.on_screen_resume``), so what the widgets were styled with
as they were mounted must be what a full restyle gives them; and the detail composed for the
first row is what highlighting that row shows."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets import Static

from screens.app import WizardApp
from screens.overview import OverviewScreen
from tests.ui.conftest import settle


def styles(screen: Screen[object]) -> dict[str, str]:
    """Every node's CSS rules as applied, and the style it draws with, by its place in the DOM."""
    found = {}
    for node in screen.walk_children(with_self=True):
        assert isinstance(node, DOMNode)
        place = "/".join(
            f"{type(n).__name__}#{n.id}[{n.parent.children.index(n) if n.parent else 0}]"
            for n in reversed(node.ancestors_with_self)
        )
        rules = sorted(node.styles.base.get_rules().items())
        found[place] = f"{rules} {node.rich_style}"
    return found


@pytest.mark.parametrize("size", [(100, 30), (80, 24)])
async def test_the_first_frame_is_styled_as_a_full_restyle_styles_it(
    make_app: Callable[..., WizardApp], size: tuple[int, int]
) -> None:
    app = make_app()
    async with app.run_test(size=size) as pilot:
        overview = app.screen
        assert isinstance(overview, OverviewScreen)
        first = styles(overview)
        shown = " ".join(first)
        assert all(f"#{id}" in shown for id in ("info", "phases", "detail", "overview-actions"))
        overview.update_node_styles(animate=False)  # what Textual does on a resume
        await pilot.pause()
        # (the footer is added after the first frame: only the nodes it showed count)
        again = styles(overview)
        assert {place: again.get(place) for place in first} == first


async def test_the_composed_detail_is_the_first_rows_and_follows_the_highlight(
    make_app: Callable[..., WizardApp],
) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        detail = app.screen.query_one("#detail", Static)
        composed = str(detail.render())
        assert composed.startswith("Todo supabase-setup: ")
        assert "Next: Supabase" in composed
        await settle(pilot)
        assert str(detail.render()) == composed  # the highlight of row 0 changed nothing
        await pilot.press("down")
        await pilot.pause()
        moved = str(detail.render())
        assert moved.startswith("Todo upstash-setup: ") and "Next: Supabase" in moved
