"""An album of mp3, flac and ogg tracks plays through in order in the background, each
counted, none resumed, while the browser is used."""

from __future__ import annotations

from kino_tui.config.paths import KinoPaths
from kino_tui.service import Library
from tests.conftest import LibraryBuilder, ffmpeg
from tests.helpers.ui import SIZE, list_text, music_app, ready, until

TRACKS = {1: ("mp3", "libmp3lame"), 2: ("flac", "flac"), 3: ("ogg", "libvorbis")}


async def test_an_album_of_three_formats_plays_in_order_while_browsing(
    kino_paths: KinoPaths, build_library: LibraryBuilder
) -> None:
    root = build_library({})
    album = root / "Music/Band/Trio (2020)"
    album.mkdir(parents=True)
    for number, (extension, codec) in TRACKS.items():
        # file names in reverse order: the track tags decide
        name = album / f"{4 - number:02d} - Song {number}.{extension}"
        ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=1:sample_rate=8000",
               "-c:a", codec, "-metadata", f"title=Song {number}", "-metadata", "artist=Band",
               "-metadata", "album=Trio", "-metadata", f"track={number}", str(name))  # fmt: skip
    app = music_app(kino_paths, root)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        assert "Band" in list_text(app)
        await pilot.press("l")  # Band → its albums
        await pilot.pause()
        await pilot.press("enter", "p")  # Trio → Play
        await until(pilot, lambda: app.playback.session is not None, "the album to play")
        session = app.playback.session
        assert session is not None and session.window  # in the background, not suspended
        assert [i.title for i in session.queue] == ["Song 1", "Song 2", "Song 3"]
        await pilot.press("j", "k", "l")  # the browser is still kino's: into the album
        await pilot.pause()
        assert "Song 3" in list_text(app)
        await until(pilot, lambda: app.playback.session is None, "the album to end", 40)
    library = Library(kino_paths)
    plays = list(reversed(library.watch.history()))  # oldest first
    assert [p["title"] for p in plays] == ["Song 1", "Song 2", "Song 3"]
    states = library.watch.all()
    assert len(states) == 3
    assert all(s.watched and s.play_count == 1 and s.position == 0 for s in states.values())
    items, _ = library.section_items("continue-watching")
    assert items == []
