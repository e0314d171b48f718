"""The garbage collector held while kino starts is back on once the first frame is drawn,
with what start-up made frozen out of it."""

from __future__ import annotations

import gc

from kino_tui.ui import startup_gc
from kino_tui.ui.app import KinoApp
from tests.helpers.ui import SIZE, ready


async def test_collecting_resumes_after_the_first_frame(app: KinoApp) -> None:
    frozen = gc.get_freeze_count()
    startup_gc.hold()
    try:
        assert not gc.isenabled()
        async with app.run_test(size=SIZE) as pilot:
            await ready(app, pilot)
            await pilot.pause()
            assert gc.isenabled()
            assert gc.get_freeze_count() > frozen
    finally:
        gc.unfreeze()  # (the test process lives on: let its garbage be collected)
        gc.enable()


def test_release_does_not_turn_on_what_it_did_not_turn_off() -> None:
    gc.disable()
    try:
        startup_gc.release()
        assert not gc.isenabled()  # someone else's pause (a scan's unpacking) is theirs
    finally:
        gc.enable()
