"""An open kino shows another box's mark within seconds (a real PostgreSQL, the real app)."""

from __future__ import annotations

import time
from pathlib import Path

from kino_tui.ui.app import KinoApp
from tests.helpers.boxes import make_boxes
from tests.helpers.postgres import PostgresServer
from tests.ui.conftest import ready

E1 = "Shows/Dark/Season 1/Dark S01E01.mkv"


async def test_another_boxs_mark_shows_in_an_open_kino(
    tmp_path: Path, media: dict[str, Path], pg_url: str, pg_server: PostgresServer
) -> None:
    living, bedroom = make_boxes(tmp_path, media, pg_url, pg_server.passfile)
    bedroom_id = bedroom.item_ids()[E1]
    library = bedroom.library()
    app = KinoApp(library, image_mode="off", preload=library.load_in_background())
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await ready(app, pilot)
            assert screen.state.view is not None
            assert not screen.state.view.progress.get(bedroom_id)
            await pilot.pause(1.0)  # the poll has started following the database
            living.kino("watched", str(living.root / E1))
            marked = time.monotonic()
            while time.monotonic() - marked < 10:
                await pilot.pause(0.1)
                progress = screen.state.view.progress.get(bedroom_id)
                if progress is not None and progress.watched:
                    break
            took = time.monotonic() - marked
            progress = screen.state.view.progress.get(bedroom_id)
            assert progress is not None and progress.watched, f"not shown after {took:.1f} s"
            assert took < 10
            await pilot.press("q")
    finally:
        if library.shared is not None:
            library.shared.stop()
