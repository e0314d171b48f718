"""The now-playing line of an album of very short tracks: every line shown names the
track its "N of M" counts, the last track too (it showed the track before)."""

from __future__ import annotations

import re

from kino_tui.config.paths import KinoPaths
from kino_tui.service import Library
from tests.conftest import LibraryBuilder
from tests.helpers.players import make_album
from tests.helpers.ui import SIZE, music_app, ready, until

TITLES = [
    "Rust shadow amber", "Copper mist lantern", "Velvet ash river", "Quiet iron meadow",
    "Glass ember harbor", "Paper salt willow", "Amber frost canyon", "Hollow tide signal",
    "Salt hollow honey", "Shadow paper hollow",
]  # fmt: skip
#: "▶ Title  0:00 / 0:00  3 of 10 · next: …  [mpv]"
LINE = re.compile(r"^[▶⏸] (?P<title>.+?)  \d+:\d\d / \d+:\d\d(?:  \(paused\))?  (\d+) of (\d+)")


async def test_each_now_playing_line_names_the_track_it_counts(
    kino_paths: KinoPaths, build_library: LibraryBuilder
) -> None:
    root = build_library({})
    make_album(root / "Music/Band/Short (2020)", TITLES)
    app = music_app(kino_paths, root)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        shown: list[str] = []
        browser = app.browser
        set_now_playing = browser.set_now_playing

        def recorded(text: str) -> None:  # the real line, and a note of each one shown
            shown.append(text)
            set_now_playing(text)

        browser.set_now_playing = recorded  # type: ignore[method-assign]
        await pilot.press("l")  # Band → its albums
        await pilot.pause()
        await pilot.press("enter", "p")  # Short → Play
        await until(pilot, lambda: app.playback.session is not None, "the album to play")
        session = app.playback.session
        assert session is not None
        assert [i.title for i in session.queue] == TITLES
        await until(pilot, lambda: app.playback.session is None, "the album to end", 60)
    lines = [line for line in shown if line]
    assert lines, "no now-playing line was shown"
    wrong = []
    for line in lines:
        match = LINE.match(line)
        assert match is not None, line
        position, total = int(match.group(2)), int(match.group(3))
        assert total == len(TITLES), line
        if match.group("title") != TITLES[position - 1]:
            wrong.append(line)
    assert not wrong, "lines naming another track than their position:\n" + "\n".join(wrong)
    assert any(LINE.match(line).group(2) == "10" for line in lines)  # type: ignore[union-attr]
    played = [p["title"] for p in reversed(Library(kino_paths).watch.history())]
    assert played == TITLES  # every track still recorded, in order
