"""The list never scrolls sideways: its rows are cut to its width. At 80×24 a horizontal
scroll bar took the list's last row once the library had loaded (the SSH trial)."""

from __future__ import annotations

from kino_tui.config.paths import KinoPaths
from kino_tui.core.catalog.store import Catalog, CatalogData
from kino_tui.core.models import MediaItem
from kino_tui.ui.widgets.media_list import MediaList
from tests.helpers.ui import kino_app, ready


async def test_a_long_list_at_80x24_has_no_sideways_scroll_bar(kino_paths: KinoPaths) -> None:
    items = {}
    for n in range(60):  # more rows than the screen: a vertical scroll bar
        path = f"/m/Movies/Film {n} (2001)/Film {n} (2001).mkv"
        title = f"Film {n} with a title long enough to be cut at eighty columns wide"
        items[f"m{n}"] = MediaItem(id=f"m{n}", kind="movie", path=path, root="/m",
                                   parts=[path], title=title, year=2001)  # fmt: skip
    Catalog(kino_paths.catalog_file).save(CatalogData(items))
    app = kino_app(kino_paths)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        media_list = app.screen.query_one(MediaList)
        assert media_list.show_vertical_scrollbar
        assert not media_list.show_horizontal_scrollbar
        rows = [media_list.render_line(y).text for y in range(media_list.size.height)]
        assert all(row.strip() for row in rows)  # every line of the list is a row


async def test_a_long_trail_ends_in_an_ellipsis(kino_paths: KinoPaths) -> None:
    """At 120×40 "Search: Bright Album 5 Amber Ambers 0 › Bright Album" was cut with no
    sign that more followed (the SSH trial)."""
    from textual.widgets import Static

    Catalog(kino_paths.catalog_file).save(CatalogData({}))
    app = kino_app(kino_paths)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        crumbs = app.screen.query_one("#crumbs", Static)
        crumbs.update("Search: " + " › ".join(f"Bright Album {n}" for n in range(20)))
        await pilot.pause()
        line = crumbs.render_line(0).text.rstrip()
        assert line.endswith("…") and len(line) <= crumbs.size.width
