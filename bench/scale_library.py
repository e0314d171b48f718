"""The music library of issue 18: artists × albums × tracks of real tiny MP3s, each file
with its own ID3v2.4 tags (title, artist, album artist, album, track number, year).

One MP3 frame run is made once by ffmpeg (no tags); every file is that audio behind a tag
block written here byte for byte, so 250,000 files take about a minute, not an hour of
mutagen saves. mutagen reads the tags back exactly as it reads any tagged MP3.

Layout (what a tagger such as beets or Picard writes)::

    Music/<Artist>/<Album> (<year>)/<NN> - <Title>.mp3

Titles are unique three-word names (``title_of(n)``), so a benchmark can search for one
track's title and know what it must find.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

WORDS = (
    "amber", "ash", "autumn", "blue", "bright", "broken", "candle", "cedar", "cinder",
    "cloud", "copper", "coral", "crimson", "crystal", "dawn", "desert", "distant", "dream",
    "dust", "echo", "ember", "empty", "falling", "feather", "fire", "frost", "garden",
    "ghost", "glass", "golden", "harbor", "hollow", "honey", "iron", "ivory", "jade",
    "lantern", "last", "lemon", "light", "lonely", "marble", "meadow", "midnight", "mirror",
    "moon", "morning", "neon", "night", "ocean", "paper", "pearl", "quiet", "rain", "raven",
    "red", "river", "rose", "rust", "salt", "shadow", "silent", "silver", "sky", "smoke",
    "snow", "solar", "stone", "storm", "summer", "thunder", "velvet", "violet", "water",
    "wild", "willow", "winter", "wolf", "yellow", "zero",
)  # fmt: skip

ARTISTS, ALBUMS, TRACKS = 2500, 10, 10


@dataclass(frozen=True)
class Track:
    """One file of the layout: where it goes and the tags it carries."""

    relative: str
    title: str
    artist: str
    album: str
    number: int
    year: int


def title_of(n: int) -> str:
    """A unique title for track ``n`` (80³ = 512,000 of them): three words."""
    size = len(WORDS)
    # A stride coprime with size³ spreads neighbours apart so titles do not share prefixes.
    code = (n * 7919) % (size**3)
    a, b, c = code // (size * size), (code // size) % size, code % size
    return f"{WORDS[a].title()} {WORDS[b]} {WORDS[c]}"


def artist_of(n: int) -> str:
    size = len(WORDS)
    return f"The {WORDS[n % size].title()} {WORDS[(n // size) % size].title()}s {n}"


def layout(count: int) -> Iterator[Track]:
    """The first ``count`` tracks: 10 a album, 10 albums an artist."""
    for n in range(count):
        artist_number, rest = divmod(n, ALBUMS * TRACKS)
        album_number, track_number = divmod(rest, TRACKS)
        artist = artist_of(artist_number)
        album = (
            f"{WORDS[(artist_number + album_number) % len(WORDS)].title()} Album {album_number + 1}"
        )
        year = 1960 + (artist_number + album_number) % 60
        title = title_of(n)
        relative = f"Music/{artist}/{album} ({year})/{track_number + 1:02d} - {title}.mp3"
        yield Track(relative, title, artist, album, track_number + 1, year)


def _frame(frame_id: str, text: str) -> bytes:
    body = b"\x03" + text.encode("utf-8")  # encoding 3: UTF-8 (ID3v2.4)
    return frame_id.encode("ascii") + _syncsafe(len(body)) + b"\x00\x00" + body


def _syncsafe(value: int) -> bytes:
    return bytes(((value >> shift) & 0x7F) for shift in (21, 14, 7, 0))


def id3_tag(track: Track) -> bytes:
    """An ID3v2.4 tag block with the track's own frames."""
    frames = b"".join(
        (
            _frame("TIT2", track.title),
            _frame("TPE1", track.artist),
            _frame("TPE2", track.artist),
            _frame("TALB", track.album),
            _frame("TRCK", f"{track.number}/{TRACKS}"),
            _frame("TDRC", str(track.year)),
        )
    )
    return b"ID3\x04\x00\x00" + _syncsafe(len(frames)) + frames


def make_audio() -> bytes:
    """A tiny real MP3 stream (no tags): a tenth of a second of a sine at 8 kHz."""
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "tiny.mp3"
        subprocess.run(
            [
                "ffmpeg", "-v", "error", "-y", "-f", "lavfi",
                "-i", "sine=duration=0.1:sample_rate=8000", "-ac", "1",
                "-c:a", "libmp3lame", "-b:a", "8k", "-id3v2_version", "0",
                "-write_xing", "0", "-map_metadata", "-1", str(target),
            ],
            check=True,
        )  # fmt: skip
        return target.read_bytes()


def build(root: Path, count: int) -> int:
    """Write ``count`` tracks under ``root`` (a ``.complete`` file marks a finished build)."""
    audio = make_audio()
    made: set[str] = set()
    for track in layout(count):
        target = root / track.relative
        folder = os.path.dirname(target)
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        with open(target, "wb") as handle:
            handle.write(id3_tag(track) + audio)
    (root / ".complete").write_text(f"{count}\n")
    return count


def built_count(root: Path) -> int | None:
    """The track count of a finished build under ``root``, or None."""
    try:
        return int((root / ".complete").read_text().strip())
    except (OSError, ValueError):
        return None
