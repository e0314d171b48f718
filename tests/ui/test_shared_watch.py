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


async def test_a_database_that_goes_away_is_said_and_kino_goes_on(
    tmp_path: Path, media: dict[str, Path], pg_url: str, pg_server: PostgresServer
) -> None:
    living, bedroom = make_boxes(tmp_path, media, pg_url, pg_server.passfile)
    library = bedroom.library()
    app = KinoApp(library, image_mode="off", preload=library.load_in_background())

    def notices() -> list[str]:
        return [f"{n.title}: {n.message}" for n in app._notifications]

    async def until_notice(text: str) -> None:
        for _ in range(300):
            if any(text in notice for notice in notices()):
                return
            await pilot.pause(0.1)
        raise AssertionError(f"no notice with {text!r}: {notices()}")

    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await ready(app, pilot)
            await pilot.pause(1.0)
            pg_server.stop()
            try:
                await pilot.press("w")  # a mark while it is away: kept here, queued
                await until_notice("Shared watch state: cannot reach the shared database")
                assert "queued here" in notices()[-1]
            finally:
                pg_server.start()
            await until_notice("reachable again")
            living.kino("shared", "status")
            assert any(watched for watched, _, _ in living.watched().values())
            await pilot.press("q")
        assert app.return_code in (0, None)
    finally:
        if library.shared is not None:
            library.shared.stop()
