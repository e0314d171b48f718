"""No sound device (an SSH login on a box without a sound card): real mpv plays on with
no sound, and kino says so once a play; the items still count as played. A sound output
that works (``--ao=null``, as the tests use) says nothing."""

from __future__ import annotations

from kino_tui.config.paths import KinoPaths
from kino_tui.core.models import LibraryRoot, MediaItem
from kino_tui.core.play.session import PlaybackSession
from kino_tui.service import Library
from tests.conftest import LibraryBuilder
from tests.helpers.players import NO_SOUND_DEVICE, NULL_OUTPUT, headless_settings, make_album

TITLES = ["One", "Two", "Three"]


def album(kino_paths: KinoPaths, build_library: LibraryBuilder) -> tuple[Library, list[MediaItem]]:
    root = build_library({})
    make_album(root / "Music/Band/Short (2020)", TITLES, seconds=1.0)
    library = Library(kino_paths)
    library.scan([LibraryRoot(str(root), "music")])
    items = sorted(library.load()[0].items.values(), key=lambda item: item.path)
    assert [item.title for item in items] == TITLES
    return library, items


def play_album(library: Library, items: list[MediaItem], args: tuple[str, ...]) -> list[str]:
    """Play the album as the TUI does (music in the background); the lines told as it
    played, through ``on_warning``, which must be the session's ``warnings``."""
    settings = headless_settings(extra_args={"mpv": args})
    session = PlaybackSession(
        items[0], library.watch, settings, following=items[1:], audio_only=True
    )
    told: list[str] = []
    session.on_warning = told.append
    session.run()
    assert told == session.warnings
    played = [play["title"] for play in reversed(library.watch.history())]
    assert played == TITLES  # still recorded as played, every one
    return told


def test_no_sound_device_is_said_once_a_play(
    kino_paths: KinoPaths, build_library: LibraryBuilder
) -> None:
    library, items = album(kino_paths, build_library)
    (told,) = play_album(library, items, NO_SOUND_DEVICE)
    assert told.startswith("mpv found no sound device: nothing is heard")
    assert "[mpv] in config.toml" in told and "--audio-device" in told


def test_a_working_sound_output_says_nothing(
    kino_paths: KinoPaths, build_library: LibraryBuilder
) -> None:
    library, items = album(kino_paths, build_library)
    assert play_album(library, items, NULL_OUTPUT["mpv"]) == []
