"""Shared fixtures: real media made by ffmpeg, isolated kino directories, a library builder."""

from __future__ import annotations

import base64
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kino_tui.config.paths import KinoPaths

pytest_plugins = ["tests.helpers.postgres"]  # pg_server, pg_url: a real PostgreSQL

FFMPEG = shutil.which("ffmpeg")
SUBTITLE = "1\n00:00:00,000 --> 00:00:00,800\nhello\n\n2\n00:00:00,800 --> 00:00:01,000\nworld\n"


def ffmpeg(*args: str) -> None:
    assert FFMPEG, "ffmpeg is required: apt-get install ffmpeg (the README's test command does)"
    subprocess.run([FFMPEG, "-v", "error", "-y", *args], check=True, timeout=120)


def ffprobe(path: Path) -> dict:
    output = subprocess.run(
        ["ffprobe", "-v", "error", "-show_format", "-show_streams", "-of", "json", str(path)],
        check=True,
        capture_output=True,
        timeout=60,
    ).stdout
    return json.loads(output)


def _video_source(seconds: float = 1.0) -> list[str]:
    return ["-f", "lavfi", "-i", f"testsrc=size=160x90:rate=24:duration={seconds}"]


def _tone(frequency: int, seconds: float = 1.0, layout: str = "stereo") -> list[str]:
    return [
        "-f",
        "lavfi",
        "-i",
        f"sine=frequency={frequency}:duration={seconds}:sample_rate=48000,"
        f"aformat=channel_layouts={layout}",
    ]


def _make_media(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    srt = folder / "sub.srt"
    srt.write_text(SUBTITLE)
    cover = folder / "cover.png"
    ffmpeg("-f", "lavfi", "-i", "color=c=red:s=64x64", "-frames:v", "1", str(cover))
    media: dict[str, Path] = {"cover": cover}

    media["h264.mkv"] = folder / "h264.mkv"
    ffmpeg(
        *_video_source(), *_tone(440), *_tone(660, layout="5.1"), "-i", str(srt), "-i", str(srt),
        "-map", "0", "-map", "1", "-map", "2", "-map", "3", "-map", "4",
        "-c:v", "libx264", "-preset", "ultrafast", "-c:a:0", "aac", "-c:a:1", "ac3",
        "-c:s", "srt",
        "-metadata:s:a:0", "language=eng", "-metadata:s:a:1", "language=fre",
        "-metadata:s:s:0", "language=ger", "-metadata:s:s:1", "language=spa",
        str(media["h264.mkv"]),
    )  # fmt: skip
    media["hevc.mp4"] = folder / "hevc.mp4"
    ffmpeg(
        *_video_source(), *_tone(440), "-i", str(srt),
        "-map", "0", "-map", "1", "-map", "2",
        "-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error",
        "-tag:v", "hvc1", "-c:a", "aac", "-c:s", "mov_text",
        "-metadata:s:a:0", "language=jpn", "-metadata:s:s:0", "language=eng",
        str(media["hevc.mp4"]),
    )  # fmt: skip
    media["vp9.webm"] = folder / "vp9.webm"
    ffmpeg(
        *_video_source(), *_tone(440), "-map", "0", "-map", "1",
        "-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "100k",
        "-c:a", "libopus", "-metadata:s:a:0", "language=ita",
        str(media["vp9.webm"]),
    )  # fmt: skip
    media["mpeg4.avi"] = folder / "mpeg4.avi"
    ffmpeg(
        *_video_source(), *_tone(440), *_tone(550, layout="mono"),
        "-map", "0", "-map", "1", "-map", "2",
        "-c:v", "mpeg4", "-c:a", "libmp3lame",
        str(media["mpeg4.avi"]),
    )  # fmt: skip

    tags = [
        "-metadata", "artist=Test Artist", "-metadata", "album_artist=Various Artists",
        "-metadata", "album=Test Album", "-metadata", "title=Test Song",
        "-metadata", "track=3/10", "-metadata", "disc=1/2", "-metadata", "date=2001",
        "-metadata", "genre=Jazz",
    ]  # fmt: skip
    with_cover = ["-i", str(cover), "-map", "0:a", "-map", "1:v", "-disposition:v", "attached_pic"]
    media["song.mp3"] = folder / "song.mp3"
    ffmpeg(*_tone(440, 1.5), *with_cover, "-c:a", "libmp3lame", "-c:v", "png",
           "-id3v2_version", "3", *tags, str(media["song.mp3"]))  # fmt: skip
    media["song.flac"] = folder / "song.flac"
    ffmpeg(*_tone(440, 1.5), *with_cover, "-c:a", "flac", "-c:v", "png", *tags,
           str(media["song.flac"]))  # fmt: skip
    media["song.m4a"] = folder / "song.m4a"
    ffmpeg(*_tone(440, 1.5), *with_cover, "-c:a", "aac", "-c:v", "png", *tags,
           str(media["song.m4a"]))  # fmt: skip
    media["song.ogg"] = folder / "song.ogg"
    ffmpeg(*_tone(440, 1.5), "-c:a", "libvorbis", *tags, str(media["song.ogg"]))
    _embed_ogg_cover(media["song.ogg"], cover)
    media["plain.mp3"] = folder / "plain.mp3"
    ffmpeg(*_tone(330, 1.0), "-c:a", "libmp3lame", "-map_metadata", "-1", str(media["plain.mp3"]))
    return media


def _embed_ogg_cover(path: Path, cover: Path) -> None:
    """ffmpeg cannot attach pictures to Ogg; write the standard Vorbis picture block."""
    from mutagen.flac import Picture
    from mutagen.oggvorbis import OggVorbis

    picture = Picture()
    picture.type = 3
    picture.mime = "image/png"
    picture.data = cover.read_bytes()
    audio = OggVorbis(path)
    audio["metadata_block_picture"] = [base64.b64encode(picture.write()).decode("ascii")]
    audio.save()


@pytest.fixture(scope="session")
def media(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Real media files made once per test session."""
    return _make_media(tmp_path_factory.mktemp("media"))


LONG_SECONDS = 400


@pytest.fixture(scope="session")
def public_dir() -> Iterator[Path]:
    """A folder every user can read (VLC runs as ``nobody`` in the tests)."""
    folder = Path(tempfile.mkdtemp(prefix="kino-public-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def long_clip(public_dir: Path) -> Path:
    """A real 400-second clip (tiny picture, low rate): long enough for resume points."""
    path = public_dir / "long.mkv"
    ffmpeg(
        "-f", "lavfi", "-i", f"testsrc=size=64x48:rate=2:duration={LONG_SECONDS}",
        "-f", "lavfi", "-i", f"sine=frequency=440:duration={LONG_SECONDS}:sample_rate=8000",
        "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-b:a", "16k", str(path),
    )  # fmt: skip
    path.chmod(0o644)
    return path


@pytest.fixture(autouse=True)
def own_tmux_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test talks to a tmux server of its own (``TMUX_TMPDIR``): on one shared
    server, a test ending its last session stops the server while another test's
    ``new-session`` reaches it (that one then fails), and the server keeps the
    environment of whichever test started it. The server is ended with the test."""
    folder = tempfile.mkdtemp(prefix="kt", dir="/tmp")  # a socket path has ~100 bytes
    monkeypatch.setenv("TMUX_TMPDIR", folder)
    monkeypatch.delenv("TMUX", raising=False)  # run inside tmux: not the user's server
    yield
    tmux = shutil.which("tmux")
    if tmux and any(Path(folder).glob("tmux-*/default")):
        subprocess.run([tmux, "kill-server"], capture_output=True, timeout=30)
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def kino_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> KinoPaths:
    """Isolated config, data and cache directories (through ``XDG_*_HOME``)."""
    for name in ("CONFIG", "DATA", "CACHE"):
        monkeypatch.setenv(f"XDG_{name}_HOME", str(tmp_path / "xdg" / name.lower()))
    return KinoPaths.default()


LibraryBuilder = Callable[[dict[str, str]], Path]


@pytest.fixture
def build_library(
    tmp_path: Path, media: dict[str, Path], request: pytest.FixtureRequest
) -> LibraryBuilder:
    """Lay out files under a fresh root: ``{"Movies/Film (2010)/Film (2010).mkv": "h264.mkv"}``.

    A value naming a fixture medium (or ``long.mkv``) copies it; any other value is
    written as text.
    """
    counter = iter(range(1_000_000))

    def build(layout: dict[str, str]) -> Path:
        root = tmp_path / f"library{next(counter)}"
        for relative, source in layout.items():
            target = root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            if source == "long.mkv":
                shutil.copyfile(request.getfixturevalue("long_clip"), target)
            elif source in media:
                shutil.copyfile(media[source], target)
            else:
                target.write_text(source)
        return root

    return build


@pytest.fixture
def run_kino(kino_paths: KinoPaths) -> Iterator[Callable[..., subprocess.CompletedProcess[str]]]:
    """Run the real ``kino`` command line in a subprocess with the isolated directories."""

    def run(
        *args: str, check: bool = True, timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [sys.executable, "-m", "kino_tui", *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=os.environ.copy(),
            stdin=subprocess.DEVNULL,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"kino {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result

    yield run


@pytest.fixture
def kino_cli(kino_paths: KinoPaths) -> Iterator[Callable[..., subprocess.CompletedProcess[str]]]:
    """The ``kino`` command line run in this process (``kino_tui.cli.run``), for tests of
    what a command prints and does; ``run_kino`` runs a real process, where the process
    itself is the point (signals, pipes, terminals, players). Same interface: the exit
    status and what went to stdout and stderr, stdin empty."""

    def run(
        *args: str, check: bool = True, timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        from kino_tui.cli import run as run_cli

        out, err = io.BytesIO(), io.StringIO()
        stdout = io.TextIOWrapper(out, encoding="utf-8", write_through=True)
        saved = sys.stdin, sys.stdout, sys.stderr
        with open(os.devnull) as stdin:
            sys.stdin, sys.stdout, sys.stderr = stdin, stdout, err
            try:
                code = run_cli(list(args))
            except SystemExit as exit:  # argparse: --help, a usage error
                code = exit.code if isinstance(exit.code, int) else 2
            finally:
                stdout.flush()
                sys.stdin, sys.stdout, sys.stderr = saved
        result = subprocess.CompletedProcess(
            ["kino", *args], code, out.getvalue().decode("utf-8", "replace"), err.getvalue()
        )
        if check and result.returncode != 0:
            raise AssertionError(f"kino {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result

    yield run


CHAPTERS = """\
;FFMETADATA1
[CHAPTER]
TIMEBASE=1/1000
START=0
END=60000
title=Intro
[CHAPTER]
TIMEBASE=1/1000
START=60000
END=340000
title=Episode
[CHAPTER]
TIMEBASE=1/1000
START=340000
END=400000
title=Credits
"""


@pytest.fixture(scope="session")
def chaptered_clip(long_clip: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 400-second clip with chapters Intro (0–60 s), Episode, Credits (340–400 s)."""
    folder = tmp_path_factory.mktemp("chapters")
    metadata = folder / "chapters.ffmetadata"
    metadata.write_text(CHAPTERS)
    path = folder / "chaptered.mkv"
    ffmpeg("-i", str(long_clip), "-i", str(metadata), "-map_metadata", "1", "-map_chapters", "1",
           "-c", "copy", str(path))  # fmt: skip
    return path
