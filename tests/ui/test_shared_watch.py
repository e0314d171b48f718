"""An open kino and a shared database (a real PostgreSQL, the real app): another box's
mark shows within seconds; the database going away is said, and kino goes on."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from kino_tui.ui.app import KinoApp
from tests.helpers.boxes import make_boxes
from tests.helpers.postgres import PostgresServer
from tests.helpers.ui import SIZE, notices, ready, until

# its module fixture is costly: one worker sets it up (--dist loadgroup)
pytestmark = pytest.mark.xdist_group("postgres-ui")

E1 = "Shows/Dark/Season 1/Dark S01E01.mkv"


async def test_another_boxs_mark_shows_in_an_open_kino(
    tmp_path: Path, media: dict[str, Path], pg_url: str, pg_server: PostgresServer
) -> None:
    living, bedroom = make_boxes(tmp_path, media, pg_url, pg_server.passfile)
    bedroom_id = bedroom.item_ids()[E1]
    library = bedroom.library()
    app = KinoApp(library, image_mode="off", preload=library.load_in_background())
    try:
        async with app.run_test(size=SIZE) as pilot:
            screen = await ready(app, pilot)
            assert screen.state.view is not None
            assert not screen.state.view.progress.get(bedroom_id)
            await pilot.pause(1.0)  # the poll has started following the database
            living.kino("watched", str(living.root / E1))
            marked = time.monotonic()

            def shown() -> bool:
                progress = screen.state.view.progress.get(bedroom_id)  # type: ignore[union-attr]
                return progress is not None and progress.watched

            await until(pilot, shown, "the other box's mark", seconds=10)
            assert time.monotonic() - marked < 10
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

    def said(text: str) -> bool:
        return any(text in notice for notice in notices(app))

    try:
        async with app.run_test(size=SIZE) as pilot:
            await ready(app, pilot)
            await pilot.pause(1.0)
            pg_server.stop()
            try:
                await pilot.press("w")  # a mark while it is away: kept here, queued
                failure = "Shared watch state: cannot reach the shared database"
                await until(pilot, lambda: said(failure), "the failure said", seconds=30)
                assert "queued here" in notices(app)[-1]
            finally:
                pg_server.start()
            await until(pilot, lambda: said("reachable again"), "the link back", seconds=60)
            living.kino("shared", "status")
            assert any(watched for watched, _, _ in living.watched().values())
            await pilot.press("q")
    finally:
        if library.shared is not None:
            library.shared.stop()
