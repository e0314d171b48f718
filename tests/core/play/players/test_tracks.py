"""Audio and subtitle choice reaches real mpv (read back over its IPC) and VLC's arguments.

The media: episodes with two audio streams (English, Japanese; the second episode has
them the other way round), an embedded forced English subtitle stream ("Signs"), and a
full English ``.en.srt`` beside each.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import replace
from pathlib import Path

import pytest

from kino_tui.config.paths import KinoPaths
from kino_tui.config.settings import Settings
from kino_tui.core.models import LibraryRoot, MediaItem
from kino_tui.core.play.session import LaunchTracks, PlaybackSession
from kino_tui.core.play.tracks import TrackPreferences, TrackSelection
from kino_tui.service import Library
from tests.helpers.players import (
    MpvTracks,
    Running,
    headless_settings,
    make_episode,
    wait_for_socket,
)

PAUSED = ("--vo=null", "--ao=null", "--pause")  # stays on the first frame until told


@pytest.fixture(scope="module")
def episodes_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tracks-media")
    make_episode(folder / "first.mkv", ("eng", "jpn"))
    make_episode(folder / "second.mkv", ("jpn", "eng"))
    return folder


@pytest.fixture
def show(kino_paths: KinoPaths, tmp_path: Path, episodes_source: Path) -> list[MediaItem]:
    season = tmp_path / "shows" / "Dark" / "Season 01"
    season.mkdir(parents=True)
    for number, source in ((1, "first.mkv"), (2, "second.mkv")):
        shutil.copyfile(episodes_source / source, season / f"Dark S01E0{number}.mkv")
        (season / f"Dark S01E0{number}.en.srt").write_text(
            f"1\n00:00:00,000 --> 00:00:20,000\nfull English {number}\n"
        )
    Library(kino_paths).scan([LibraryRoot(str(tmp_path / "shows"), "shows")])
    items = Library(kino_paths).load()[0].items.values()
    return sorted(items, key=lambda item: item.episode or 0)


def library_with(paths: KinoPaths, tracks: TrackPreferences | None = None) -> Library:
    settings = Settings(
        playback=headless_settings(extra_args={"mpv": PAUSED, "vlc": ()}),
        tracks=tracks or TrackPreferences(),
    )
    return Library(paths, settings)


def play(library: Library, items: list[MediaItem]) -> tuple[PlaybackSession, Running, MpvTracks]:
    session = library.session(library.plan_play(items, start=0.0))
    running = Running(session)
    return session, running, MpvTracks(wait_for_socket(session))


def stop(session: PlaybackSession, running: Running, client: MpvTracks) -> None:
    """Quit mpv and wait for the session; a paused mpv never ends by itself, so a
    failed test must not leave it behind."""
    try:
        client.quit()
        running.wait()
    finally:
        session.stop()  # kills the player if it is still there


def test_the_scan_reads_every_stream_with_its_flags(show: list[MediaItem]) -> None:
    first, second = show
    assert [(a.language, a.title) for a in first.audio] == [("eng", "Main"), ("jpn", None)]
    assert [a.language for a in second.audio] == ["jpn", "eng"]
    embedded, external = first.subtitles
    assert (embedded.language, embedded.forced, embedded.title, embedded.external) == (
        "eng", True, "Signs", False,
    )  # fmt: skip
    assert (external.language, external.forced, external.external) == ("eng", False, True)
    assert external.path == first.path.replace(".mkv", ".en.srt")


def test_the_chosen_tracks_reach_mpv_and_the_next_episode_gets_the_same_choice(
    kino_paths: KinoPaths, show: list[MediaItem]
) -> None:
    """Japanese audio and the full English subtitles, chosen on episode 1: episode 2 has
    Japanese as its *first* stream and its own .srt, and gets them, in the same queue
    and when played on its own later."""
    first, second = show
    library = library_with(kino_paths, TrackPreferences(("eng",), ("eng",), "off"))
    library.choose_tracks(first, 2, 2)
    session, running, client = play(library, [first, second])
    try:
        audio, sub = client.playing(first.path)
        assert (audio["id"], audio["lang"]) == (2, "jpn")
        assert sub.get("external-filename") == first.subtitles[1].path
        client.get("playlist-pos")
        deadline = time.monotonic() + 20  # False until kino's own link to mpv is up
        while not session.player.next():  # type: ignore[attr-defined]
            assert time.monotonic() < deadline, "kino never reached mpv"
            time.sleep(0.05)
        audio, sub = client.playing(second.path)
        assert (audio["id"], audio["lang"]) == (1, "jpn")
        assert sub.get("external-filename") == second.subtitles[1].path
    finally:
        stop(session, running, client)
    # Later, the next episode on its own: a new library (the choice is on disk).
    session, running, client = play(library_with(kino_paths), [second])
    try:
        audio, sub = client.playing(second.path)
        assert (audio["lang"], sub.get("external-filename")) == ("jpn", second.subtitles[1].path)
    finally:
        stop(session, running, client)


def test_an_episode_queued_while_one_plays_gets_the_choice_too(
    kino_paths: KinoPaths, show: list[MediaItem], tmp_path: Path
) -> None:
    """``e`` (queue) while episode 1 plays: mpv's ``loadfile … append`` carries episode
    2's own streams, its .srt named with characters mpv's option lists treat specially."""
    first, second = show
    odd = Path(second.path).with_name("Dark, [S01E02]=x%.mkv")
    os.rename(second.path, odd)
    srt = odd.with_suffix(".en.srt")
    os.rename(second.subtitles[1].path or "", srt)
    external = second.subtitles[1]._replace(path=str(srt))
    second = replace(
        second, path=str(odd), parts=[str(odd)], subtitles=[second.subtitles[0], external]
    )
    library = library_with(kino_paths)
    library.choose_tracks(first, 2, 2)
    session, running, client = play(library, [first])
    try:
        client.playing(first.path)
        deadline = time.monotonic() + 20
        while not session.enqueue([second]):  # until kino's own link to mpv is up
            assert time.monotonic() < deadline, "kino never reached mpv"
            time.sleep(0.05)
        assert session.player.next()  # type: ignore[attr-defined]
        audio, sub = client.playing(str(odd))
        assert (audio["id"], audio["lang"]) == (1, "jpn")
        assert sub.get("external-filename") == str(srt)
    finally:
        stop(session, running, client)


def test_subtitles_off_and_an_embedded_stream_reach_mpv(
    kino_paths: KinoPaths, show: list[MediaItem]
) -> None:
    first, _ = show
    library = library_with(kino_paths, TrackPreferences((), ("eng",), "always"))
    library.choose_tracks(first, 1, 1)  # English audio, the embedded forced "Signs"
    session, running, client = play(library, [first])
    try:
        audio, sub = client.playing(first.path)
        assert (audio["lang"], sub.get("id"), sub.get("title"), sub.get("forced")) == (
            "eng", 1, "Signs", True,
        )  # fmt: skip
    finally:
        stop(session, running, client)
    library.choose_tracks(first, None, "off")  # the audio chosen before is kept
    session, running, client = play(library, [first])
    try:
        audio, sub = client.playing(first.path)
        assert (audio["lang"], sub) == ("eng", {})
    finally:
        stop(session, running, client)


@pytest.mark.parametrize(
    ("audio_languages", "want_audio", "want_subtitle"),
    [
        # Japanese audio is not a preferred subtitle language: full English subtitles
        (("jpn", "eng"), "jpn", "external"),
        # English audio: only forced English subtitles ("Signs")
        (("eng", "jpn"), "eng", "Signs"),
    ],
)
def test_preferred_languages_pick_the_tracks_when_nothing_was_chosen(
    kino_paths: KinoPaths,
    show: list[MediaItem],
    audio_languages: tuple[str, ...],
    want_audio: str,
    want_subtitle: str,
) -> None:
    first, _ = show
    library = library_with(kino_paths, TrackPreferences(audio_languages, ("eng",), "auto"))
    session, running, client = play(library, [first])
    try:
        audio, sub = client.playing(first.path)
        assert audio["lang"] == want_audio
        shown = "external" if sub.get("external") else sub.get("title")
        assert shown == want_subtitle
    finally:
        stop(session, running, client)


def test_mpv_arguments_give_each_queued_item_its_own_group(show: list[MediaItem]) -> None:
    first, second = show
    tracks = LaunchTracks(
        (TrackSelection(audio=2, subtitle_file="/x/a.srt", embedded_subtitles=1),
         TrackSelection(audio=1, subtitles_off=True)),
        ("jpn",),
    )  # fmt: skip
    settings = headless_settings(extra_args={"mpv": ()})
    session = PlaybackSession(
        first, None, settings, following=[second], tracks=tracks,  # type: ignore[arg-type]
    )  # fmt: skip
    argv = session.command()
    tail = argv[argv.index("--alang=jpn") + 1 :]
    assert tail == [
        "--{", "--force-media-title=" + first.display_title, "--aid=2",
        "--sub-file=/x/a.srt", "--sid=2", first.path, "--}",
        "--{", "--aid=1", "--sid=no", second.path, "--}",
    ]  # fmt: skip


def test_a_single_item_keeps_its_streams_in_its_own_group(show: list[MediaItem]) -> None:
    """So an item queued later does not inherit them; without a choice nothing changes."""
    first, _ = show
    settings = headless_settings(extra_args={"mpv": ()})
    chosen = LaunchTracks((TrackSelection(audio=2, subtitles_off=True),))
    argv = PlaybackSession(first, None, settings, tracks=chosen).command()  # type: ignore[arg-type]
    assert argv[argv.index("--{") :] == [
        "--{", f"--force-media-title={first.display_title}", "--aid=2", "--sid=no", first.path, "--}"
    ]  # fmt: skip
    argv = PlaybackSession(first, None, settings, tracks=LaunchTracks()).command()  # type: ignore[arg-type]
    assert argv[-2:] == [first.path, "--}"] and not any(a.startswith("--aid") for a in argv)


def test_an_item_queued_after_a_resumed_play_starts_at_0_with_its_own_title(
    kino_paths: KinoPaths, show: list[MediaItem]
) -> None:
    """The first item's --start and title are its own (a per-file group): the episode
    queued while it plays (e) starts at its beginning and is not named after it."""
    first, second = show
    library = library_with(kino_paths)
    session = library.session(library.plan_play([first], start=4.0))
    running = Running(session)
    client = MpvTracks(wait_for_socket(session))
    try:
        client.playing(first.path)
        deadline = time.monotonic() + 20  # False until kino's own link to mpv is up
        while not session.player.append([second.path]):
            assert time.monotonic() < deadline, "kino never reached mpv"
            time.sleep(0.05)
        client.wait_for("playlist-count", 2)
        assert session.player.next()
        client.playing(second.path)
        assert (client.get("time-pos") or 0) < 1
        assert client.get("force-media-title") in ("", None)
    finally:
        stop(session, running, client)


def test_vlc_arguments_name_the_streams_from_zero(show: list[MediaItem]) -> None:
    first, _ = show
    cases = {
        TrackSelection(audio=2, subtitle=1): [":audio-track=1", ":sub-track=0"],
        TrackSelection(audio=1, subtitle_file="/x/a.srt"): [":audio-track=0", ":sub-file=/x/a.srt"],
        TrackSelection(subtitles_off=True): [":no-spu"],
        TrackSelection(): [],
    }  # fmt: skip
    for selection, wanted in cases.items():
        session = PlaybackSession(
            first, None, headless_settings("vlc", extra_args={"vlc": ()}),  # type: ignore[arg-type]
            tracks=LaunchTracks((selection,), ("jpn",), ("eng",)),
        )  # fmt: skip
        argv = session.command()
        # options of the item (after its path), so they never carry over to the next one
        assert argv[argv.index("--"):] == ["--", first.path, *wanted]
        assert "--audio-language=jpn" in argv and "--sub-language=eng" in argv


def test_vlc_gives_each_item_of_a_queue_its_own_streams(show: list[MediaItem]) -> None:
    first, second = show
    session = PlaybackSession(
        first, None, headless_settings("vlc", extra_args={"vlc": ()}),  # type: ignore[arg-type]
        following=[second], tracks=LaunchTracks((TrackSelection(audio=2), TrackSelection(subtitles_off=True))),
    )  # fmt: skip
    argv = session.command()
    assert argv[argv.index("--"):] == ["--", first.path, ":audio-track=1", second.path, ":no-spu"]


def _vlc_tracks(folder: Path, video: Path, options: list[str]) -> tuple[list[str], list[str]]:
    """Run VLC as ``nobody`` with ``options`` and ask it (``atrack``, ``strack`` on its
    remote control) which audio and subtitle streams it plays (listed with a ``*``)."""
    sockets = folder / f"rc-{time.monotonic_ns()}"
    sockets.mkdir()
    shutil.chown(sockets, "nobody")
    rc = sockets / "vlc.sock"
    argv = ["runuser", "-u", "nobody", "--", "vlc", "--intf=dummy", "--vout=dummy",
            "--aout=dummy", "--extraintf=oldrc", f"--rc-unix={rc}", "--rc-fake-tty",
            "--", str(video), *options]  # fmt: skip
    log = (sockets / "vlc.log").open("wb")
    environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(sockets)}
    process = subprocess.Popen(argv, stdout=log, stderr=log, env=environment)
    try:
        deadline = time.monotonic() + 30
        while not rc.exists():
            assert time.monotonic() < deadline and process.poll() is None, "VLC did not start"
            time.sleep(0.05)
        client = socket.socket(socket.AF_UNIX)
        client.connect(str(rc))
        client.settimeout(10)

        def ask(question: bytes) -> bytes:
            client.sendall(question + b"\n")
            answer = b""
            while not answer.rstrip().endswith(question + b": returned 0 (no error)"):
                answer += client.recv(65536)
            return answer

        # VLC lists a file's streams a moment before it has selected them: ask until the
        # audio has a selection and the answer has stayed the same for half a second.
        answers: list[tuple[float, bytes]] = []
        while True:
            assert time.monotonic() < deadline, answers[-1:] or "VLC never answered"
            time.sleep(0.1)
            audio = ask(b"atrack")
            if audio.count(b"\n| ") < 2 or b"Disable *" in audio:
                continue
            answer = audio + ask(b"strack")
            answers.append((time.monotonic(), answer))
            same = [when for when, said in answers if said == answer]
            if same[-1] - same[0] >= 0.5:
                break
        client.sendall(b"quit\n")
        client.close()
        text = answers[-1][1].decode()
        audio, subtitles = text.split("[ Audio Track ]")[1].split("[ Subtitle Track ]")
        return _selected(audio), _selected(subtitles)
    finally:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def _selected(listing: str) -> list[str]:
    """``| 2 - Track 2 - [Japanese] *`` → ``[Japanese]`` (``Track N - `` left out)."""
    found = []
    for line in listing.splitlines():
        line = line.strip()
        if line.startswith("| ") and line.endswith(" *"):
            name = line[2:-2].split(" - ", 1)[-1]
            found.append(name.split(" - ", 1)[1] if name.startswith("Track ") else name)
    return found


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("vlc"), reason="needs root to runuser")
def test_vlc_plays_the_chosen_streams(public_dir: Path, show: list[MediaItem]) -> None:
    """Real VLC (as nobody) given kino's options plays the chosen audio and subtitles:
    its remote control marks them selected."""
    first, _ = show
    folder = public_dir / f"tracks-{time.monotonic_ns()}"
    folder.mkdir()
    folder.chmod(0o755)
    video, srt = folder / "film.mkv", folder / "film.en.srt"
    shutil.copyfile(first.path, video)
    shutil.copyfile(first.subtitles[1].path or "", srt)

    def options(selection: TrackSelection) -> list[str]:
        session = PlaybackSession(
            first, None, headless_settings("vlc", extra_args={"vlc": ()}),  # type: ignore[arg-type]
            tracks=LaunchTracks((selection,)),
        )  # fmt: skip
        wanted = (":audio-track", ":sub-", ":no-spu")
        return [a for a in session.command() if a.startswith(wanted)]

    audio, subtitles = _vlc_tracks(folder, video, options(TrackSelection(audio=2, subtitle=1)))
    assert audio == ["[Japanese]"]
    assert subtitles == ["Signs - [English]"]  # the embedded one, not the file beside it
    audio, subtitles = _vlc_tracks(
        folder, video, options(TrackSelection(audio=1, subtitle_file=str(srt)))
    )
    assert audio == ["Main - [English]"]
    assert len(subtitles) == 1 and subtitles != ["Signs - [English]"]
    audio, subtitles = _vlc_tracks(folder, video, options(TrackSelection(subtitles_off=True)))
    assert subtitles in ([], ["Disable"])


def test_ctrl_c_in_mpv_is_a_stop_not_a_failure(kino_paths: KinoPaths, show: list[MediaItem]) -> None:
    """Ctrl+C in the terminal mpv plays in sends it SIGINT: it exits with status 4, which
    is the user stopping, not an error (no '!' in the history, the position kept)."""
    first, _ = show
    library = library_with(kino_paths)
    session, running, client = play(library, [first])
    try:
        client.playing(first.path)
        client.socket.sendall(b'{"command": ["seek", 3, "absolute"]}\n')
        deadline = time.monotonic() + 20
        while (session.state.position or 0) < 2.5:
            assert time.monotonic() < deadline, "mpv never reached 3 s"
            time.sleep(0.05)
        assert session.process is not None
        session.process.send_signal(signal.SIGINT)
        result = running.wait()
    finally:
        client.close()
    assert session.process.returncode in (4, -signal.SIGINT)  # in a terminal: 4
    assert result.error is None
    assert library.watch.history()[-1]["error"] is None


def test_a_store_that_fails_between_two_items_ends_the_play_cleanly(
    kino_paths: KinoPaths, show: list[MediaItem]
) -> None:
    """The watch store cannot be read when the queue moves on (a remote box whose link
    dropped): the session says so and keeps following mpv, never raising out of it."""
    from kino_tui.core.errors import KinoError
    from kino_tui.core.watch.store import WatchStore

    class DroppingStore(WatchStore):
        reads = 0

        def get(self, item_id: str):  # type: ignore[no-untyped-def]
            self.reads += 1
            if self.reads > 1:
                raise KinoError("the connection to box ended")
            return super().get(item_id)

    first, second = show
    store = DroppingStore(kino_paths.watch_file)
    settings = headless_settings(extra_args={"mpv": PAUSED})
    session = PlaybackSession(first, store, settings, following=[second])
    running = Running(session)
    client = MpvTracks(wait_for_socket(session))
    try:
        client.playing(first.path)
        deadline = time.monotonic() + 20
        while not session.player.next():
            assert time.monotonic() < deadline, "kino never reached mpv"
            time.sleep(0.05)
        client.playing(second.path)
        client.socket.sendall(b'{"command": ["quit"]}\n')
        result = running.wait()
    finally:
        client.close()
    assert running.error is None and result.item.id == second.id
    assert result.error is not None and "could not be read" in result.error


def test_an_item_queued_later_is_given_to_mpv_as_the_player_reaches_it(
    kino_paths: KinoPaths, show: list[MediaItem], tmp_path: Path
) -> None:
    """``playable_for`` maps a queued item to what the player opens (a remote box's file
    to its stream URL): the item queued with e is the mapped one, recorded as itself."""
    first, second = show
    elsewhere = tmp_path / "streamed-second.mkv"
    shutil.copyfile(second.path, elsewhere)
    library = library_with(kino_paths)
    session, running, client = play(library, [first])
    session.playable_for = lambda item: replace(item, path=str(elsewhere), parts=[])
    try:
        client.playing(first.path)
        deadline = time.monotonic() + 20
        while not session.enqueue([second]):
            assert time.monotonic() < deadline, "kino never reached mpv"
            time.sleep(0.05)
        client.wait_for("playlist-count", 2)
        assert client.get("playlist/1/filename") == str(elsewhere)
        assert session.queue[-1] is second
    finally:
        stop(session, running, client)
