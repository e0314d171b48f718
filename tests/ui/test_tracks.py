"""The track chooser (``t``) under Pilot, over a real scanned show with two audio streams,
an embedded forced subtitle stream and an .srt beside each episode."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual.widgets import OptionList

from kino_tui.config.paths import KinoPaths
from kino_tui.core.play.tracks import TrackChoice
from kino_tui.service import Library
from kino_tui.ui.app import KinoApp
from kino_tui.ui.screens.browser import BrowserScreen
from kino_tui.ui.screens.tracks import TrackScreen
from tests.helpers.players import MpvTracks, make_episode, wait_for_socket
from tests.helpers.ui import SIZE, choose_section, kino_app, ready, scan_into, until


@pytest.fixture(scope="module")
def episode_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("ui-tracks")
    make_episode(folder / "first.mkv", ("eng", "jpn"))
    make_episode(folder / "second.mkv", ("jpn", "eng"))
    return folder


@pytest.fixture
def show_library(kino_paths: KinoPaths, tmp_path: Path, episode_files: Path) -> Library:
    season = tmp_path / "library" / "TV" / "Dark" / "Season 01"
    season.mkdir(parents=True)
    for number, source in ((1, "first.mkv"), (2, "second.mkv")):
        shutil.copyfile(episode_files / source, season / f"Dark S01E0{number}.mkv")
        (season / f"Dark S01E0{number}.en.srt").write_text("1\n00:00:00,000 --> 00:00:05,000\nhi\n")
    return scan_into(kino_paths, tmp_path / "library")


def option_texts(screen: TrackScreen) -> list[str]:
    choices = screen.query_one(OptionList)
    return [str(choices.get_option_at_index(i).prompt) for i in range(choices.option_count)]


async def pick(pilot, screen: TrackScreen, option_id: str) -> None:  # type: ignore[no-untyped-def]
    """Move to the option with the arrow keys and press Enter, as a user would."""
    choices = screen.query_one(OptionList)
    target = choices.get_option_index(option_id)
    while choices.highlighted != target:
        await pilot.press("down" if (choices.highlighted or 0) < target else "up")
    await pilot.press("enter")
    await pilot.pause()


async def open_chooser(app: KinoApp, pilot) -> TrackScreen:  # type: ignore[no-untyped-def]
    await choose_section(app, pilot, "shows")
    await pilot.press("t")
    # (not workers.wait_for_complete(): a player may be running in a worker)
    await until(pilot, lambda: isinstance(app.screen, TrackScreen), "the chooser")
    assert isinstance(app.screen, TrackScreen)
    return app.screen


async def test_t_lists_the_streams_and_the_choice_is_kept_for_the_show(
    show_library: Library,
) -> None:
    app = kino_app(show_library.paths)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        screen = await open_chooser(app, pilot)
        texts = option_texts(screen)
        assert texts[:3] == ["Audio", '● eng · aac · mono · "Main"', "  jpn · aac · mono"]
        # nothing chosen, no preferred languages: mpv's own rules pick the subtitles
        assert texts[3:5] == ["Subtitles (the player's choice)", "  Off"]
        assert texts[5] == '  eng · subrip · "Signs" · forced'
        assert texts[6] == "  eng · subrip · file Dark S01E01.en.srt"
        assert texts[-1] == "Use these"
        await pick(pilot, screen, "audio-2")
        await pick(pilot, screen, "subtitle-2")
        texts = option_texts(screen)
        assert texts[2].startswith("● jpn") and texts[6].startswith("● eng · subrip · file")
        await pilot.press("u")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, BrowserScreen)
        notices = [n.message for n in app._notifications]
        assert "Audio jpn, subtitles eng (file) for every episode of Dark" in notices
    choice = Library(show_library.paths).track_choices.get("show:dark")
    assert choice == TrackChoice("jpn", None, "on", "eng", False, True, None)
    # The next episode plays with the same choice: Japanese is its first stream there.
    library = Library(show_library.paths)
    second = next(i for i in library.load()[0].items.values() if i.episode == 2)
    argv = library.session(library.plan_play([second], start=0.0)).command()
    assert "--aid=1" in argv and f"--sub-file={second.subtitles[1].path}" in argv


async def test_escape_keeps_the_choice_as_it_was(show_library: Library) -> None:
    app = kino_app(show_library.paths)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        screen = await open_chooser(app, pilot)
        await pick(pilot, screen, "audio-2")
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, BrowserScreen)
    assert not show_library.paths.tracks_file.exists()


async def test_a_damaged_choices_file_is_set_aside_with_a_notice(show_library: Library) -> None:
    show_library.paths.tracks_file.write_text("{ not json")
    app = kino_app(show_library.paths)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        screen = await open_chooser(app, pilot)  # the chooser still opens
        assert option_texts(screen)[1].startswith("● eng")  # the chooser works on
        notices = [n.message for n in app._notifications]
        assert any("tracks.json was damaged (not JSON" in n for n in notices), notices
    (kept,) = show_library.paths.data_dir.glob("tracks.json.damaged-*")
    assert kept.read_text() == "{ not json"


async def test_nothing_highlighted_means_no_chooser(show_library: Library) -> None:
    app = kino_app(show_library.paths)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await choose_section(app, pilot, "movies")  # empty: nothing highlighted
        await pilot.press("t")
        await pilot.pause()
        assert not isinstance(app.screen, TrackScreen)
        assert any("movie, show or episode" in n.message for n in app._notifications)


async def test_the_command_palette_opens_the_chooser(show_library: Library) -> None:
    app = kino_app(show_library.paths)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await choose_section(app, pilot, "shows")
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Audio and subtitles")
        await pilot.pause(0.5)
        await pilot.press("enter")
        for _ in range(50):
            await app.workers.wait_for_complete()
            await pilot.pause()
            if isinstance(app.screen, TrackScreen):
                break
        assert isinstance(app.screen, TrackScreen)
        assert app.screen.menu.remembered_for == "every episode of Dark"


async def test_a_choice_made_while_the_show_plays_switches_the_player(
    show_library: Library,
) -> None:
    """Episode 1 plays in a window (real mpv, paused); t on the show, Japanese audio and
    no subtitles: mpv switches at once (read back over its IPC)."""
    paths = show_library.paths
    headless = 'playback = "window"\nresume = "never"\n[mpv]\nargs = ["--vo=null", "--ao=null", "--pause"]\n'
    paths.config_file.write_text(headless + paths.config_file.read_text())  # before [[roots]]
    first = next(i for i in Library(paths).load()[0].items.values() if i.episode == 1)
    app = kino_app(paths)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        app.play(first)
        await until(pilot, lambda: app.playback.session is not None, "playback")
        session = app.playback.session
        assert session is not None
        client = MpvTracks(wait_for_socket(session))
        try:
            audio, sub = client.playing(first.path)
            assert audio["lang"] == "eng" and sub  # mpv's own choice of subtitles
            screen = await open_chooser(app, pilot)
            await pick(pilot, screen, "audio-2")
            await pick(pilot, screen, "subtitle-off")
            await pilot.press("u")

            def switched() -> bool:
                return any("(switched in the player too)" in n.message for n in app._notifications)

            await until(pilot, switched, "the notice")
            for _ in range(100):
                audio, sub = client.playing(first.path)
                if audio["lang"] == "jpn" and not sub:
                    break
                await pilot.pause(0.05)
            assert (audio["lang"], sub) == ("jpn", {})
        finally:
            client.quit()
        await until(pilot, lambda: app.playback.session is None, "the end of playback")


async def test_with_preferred_languages_the_subtitles_follow_the_audio_picked(
    show_library: Library,
) -> None:
    """subtitle_languages = ["eng"], auto: English audio shows only the forced "Signs";
    picking Japanese audio marks the full English subtitles, as the play will show."""
    paths = show_library.paths
    paths.config_file.write_text('subtitle_languages = ["eng"]\n' + paths.config_file.read_text())
    app = kino_app(paths)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        screen = await open_chooser(app, pilot)
        texts = option_texts(screen)
        assert texts[3:6] == ["Subtitles", "  Off", '● eng · subrip · "Signs" · forced']
        await pick(pilot, screen, "audio-2")
        texts = option_texts(screen)
        assert texts[5].startswith("  eng") and texts[6].startswith("● eng · subrip · file")
