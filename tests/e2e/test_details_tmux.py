"""An NFO-rich film in the installed ``kino`` in a real terminal (issue 21): its people and
tagline in the details pane at 80×24 (120×40 is ``tests/ui/test_detail.py``, Pilot), and
the picture a frame gives a film that has no poster."""

from __future__ import annotations

import time
from collections.abc import Callable

from kino_tui.config.paths import KinoPaths
from tests.conftest import LibraryBuilder
from tests.helpers.terminals import exit_status, send

HEAT_NFO = (
    "<movie><title>Heat</title><tagline>A Los Angeles crime saga</tagline>"
    "<mpaa>Rated R</mpaa><studio>Warner Bros.</studio><set><name>Heat Collection</name></set>"
    "<director>Michael Mann</director><credits>Michael Mann</credits>"
    "<actor><name>Al Pacino</name><role>Lt. Vincent Hanna</role><order>0</order></actor>"
    "<actor><name>Robert De Niro</name><role>Neil McCauley</role><order>1</order></actor>"
    "</movie>"
)


def test_people_and_a_frame_in_the_details_at_80x24(
    terminal: Callable[[str], str], kino_paths: KinoPaths, build_library: LibraryBuilder, run_kino
) -> None:
    root = build_library(
        {"Movies/Heat (1995)/Heat (1995).mkv": "h264.mkv", "Movies/Heat (1995)/movie.nfo": HEAT_NFO}
    )
    run_kino("scan", str(root))
    wait = terminal
    wait.start()  # type: ignore[attr-defined]
    session = wait.session  # type: ignore[attr-defined]
    # no poster: a frame is taken in the background and drawn in half blocks
    wait("▀", timeout=30)
    screen = wait("Al Pacino as")  # 80 columns: short facts inline, the cast under its label
    for text in ("A Los Angeles", "Director: Michael Mann", "Studio: Warner Bros.",
                 "Rated: R", "Heat Collection", "Cast", "Robert De Niro as"):  # fmt: skip
        assert text in screen, screen
    assert kino_paths.cache_dir.joinpath("frames").is_dir()
    time.sleep(0.3)
    send(session, "q")
    assert exit_status(wait) == "0"
