"""``kino play --audio LANG|N --subtitles LANG|N|off`` as a user runs it: a real
subprocess, real mpv, the choice remembered for the next episode."""

from __future__ import annotations

import json
import shlex
import shutil
from pathlib import Path

import pytest

from kino_tui.config.paths import KinoPaths
from tests.helpers.players import make_episode

CONFIG = 'playback = "window"\naudio_languages = ["eng"]\n\n[mpv]\nargs = {args}\n'


@pytest.fixture(scope="module")
def episode_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli-tracks")
    make_episode(folder / "first.mkv", ("eng", "jpn"))
    make_episode(folder / "second.mkv", ("jpn", "eng"))
    return folder


@pytest.fixture
def season(kino_paths: KinoPaths, tmp_path: Path, episode_files: Path, kino_cli) -> Path:  # type: ignore[no-untyped-def]
    kino_paths.config_dir.mkdir(parents=True, exist_ok=True)
    kino_paths.config_file.write_text(
        CONFIG.format(args='["--vo=null", "--ao=null", "--end=5", "--speed=5"]')
    )
    folder = tmp_path / "TV" / "Dark" / "Season 01"
    folder.mkdir(parents=True)
    for number, source in ((1, "first.mkv"), (2, "second.mkv")):
        shutil.copyfile(episode_files / source, folder / f"Dark S01E0{number}.mkv")
        (folder / f"Dark S01E0{number}.en.srt").write_text("1\n00:00:00,000 --> 00:00:05,000\nhi\n")
    kino_cli("add", "--type", "shows", str(tmp_path / "TV"))
    kino_cli("scan")
    return folder


def command(kino_cli, target: Path, *flags: str) -> list[str]:  # type: ignore[no-untyped-def]
    return shlex.split(kino_cli("play", str(target), "--print-command", *flags).stdout)


def test_flags_choose_the_streams_and_the_next_episode_keeps_them(
    kino_cli,
    season: Path,
    kino_paths: KinoPaths,  # type: ignore[no-untyped-def]
) -> None:
    first, second = season / "Dark S01E01.mkv", season / "Dark S01E02.mkv"
    argv = command(kino_cli, first)  # nothing chosen: audio_languages = ["eng"]
    assert "--aid=1" in argv and "--alang=eng" in argv
    result = kino_cli("play", str(first), "--audio", "ja", "--subtitles", "off")
    # mpv took the options and played (to --end; a 20 s item is watched or not)
    assert "watched Dark S01E01.mkv (played 1×)" in result.stdout and not result.stderr
    assert "--aid=2" in command(kino_cli, first) and "--sid=no" in command(kino_cli, first)
    argv = command(kino_cli, second)  # Japanese is the first stream of episode 2
    assert "--aid=1" in argv and "--sid=no" in argv
    # subtitles by number: 2 is the .srt beside the episode (embedded streams come first)
    argv = command(kino_cli, second, "--subtitles", "2")
    assert f"--sub-file={season / 'Dark S01E02.en.srt'}" in argv and "--sid=2" in argv
    assert "--aid=1" in argv  # the audio chosen before is kept
    stored = json.loads(kino_paths.tracks_file.read_text())["choices"]["show:dark"]
    assert stored["audio_language"] == "jpn" and stored["subtitle_external"] is True


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (("--audio", "ger"), "no audio stream is in ger: the item has 1 (eng), 2 (jpn)"),
        (("--audio", "3"), "there is no audio stream 3"),
        (("--subtitles", "elvish"), "'elvish' is not a language or a stream number"),
    ],
)
def test_a_stream_the_item_lacks_is_refused_and_nothing_is_kept(
    kino_cli,
    season: Path,
    kino_paths: KinoPaths,
    flags: tuple[str, ...],
    message: str,  # type: ignore[no-untyped-def]
) -> None:
    result = kino_cli("play", str(season / "Dark S01E01.mkv"), *flags, check=False)
    assert result.returncode == 2 and message in result.stderr, result.stderr
    assert not kino_paths.tracks_file.exists()


def test_a_damaged_choices_file_is_set_aside_with_a_message(
    kino_cli,
    season: Path,
    kino_paths: KinoPaths,  # type: ignore[no-untyped-def]
) -> None:
    kino_paths.tracks_file.write_text('{"choices": {"show:dark": {"subtitles": 7}}}')
    result = kino_cli("play", str(season / "Dark S01E01.mkv"), "--audio", "jpn", "--print-command")
    assert "tracks.json was damaged (the choice for 'show:dark' is wrong" in result.stderr
    assert "--aid=2" in shlex.split(result.stdout)
    (kept,) = kino_paths.data_dir.glob("tracks.json.damaged-*")
    assert '"subtitles": 7' in kept.read_text()
