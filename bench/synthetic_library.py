"""Build a synthetic library of N files under realistic names from a few real tiny media files.

Every file is a real clip made by ffmpeg with a few unique bytes appended, so each
has its own content fingerprint and probes like a real file.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
from pathlib import Path

SHOWS = ["Breaking Bad", "The Wire", "Doctor Who", "Mad Men", "The Office", "Dark", "Fargo"]
WORDS = [
    "night",
    "day",
    "red",
    "blue",
    "last",
    "first",
    "river",
    "city",
    "storm",
    "silent",
    "golden",
    "iron",
    "glass",
    "paper",
]
RELEASE = ["1080p.BluRay.x264-GRP", "720p.WEB-DL.DD5.1.H.264-NTb", "2160p.UHD.BluRay.x265-TERMiNAL"]


def make_sources(folder: Path) -> dict[str, bytes]:
    """Tiny real media: an h264 mkv, an mpeg4 avi, an mp3 and a flac."""
    folder.mkdir(parents=True, exist_ok=True)
    video = ["-f", "lavfi", "-i", "testsrc=size=64x36:rate=10:duration=0.5"]
    audio = ["-f", "lavfi", "-i", "sine=duration=0.5:sample_rate=22050"]
    recipes = {
        "clip.mkv": [*video, *audio, "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac"],
        "clip.avi": [*video, "-c:v", "mpeg4"],
        "song.mp3": [
            *audio,
            "-c:a",
            "libmp3lame",
            "-metadata",
            "artist=Bench",
            "-metadata",
            "album=Bench",
        ],
        "song.flac": [*audio, "-c:a", "flac", "-metadata", "title=Bench"],
    }
    sources = {}
    for name, args in recipes.items():
        target = folder / name
        subprocess.run(["ffmpeg", "-v", "error", "-y", *args, str(target)], check=True)
        sources[name] = target.read_bytes()
    return sources


def layout(count: int, seed: int = 7) -> list[tuple[str, str]]:
    """(relative path, source name) pairs: 40 % episodes, 25 % movies, 30 % music, 5 % loose."""
    rng = random.Random(seed)
    files: list[tuple[str, str]] = []
    episodes = int(count * 0.40)
    movies = int(count * 0.25)
    tracks = int(count * 0.30)
    loose = count - episodes - movies - tracks
    for n in range(episodes):
        # 200 episodes per show: 10 seasons of 20; every third show uses release names
        number = n // 200
        show = f"{SHOWS[number % len(SHOWS)]} {number}"
        season, episode = (n // 20) % 10 + 1, n % 20 + 1
        if number % 3:
            folder = f"TV/{show} ({2000 + number % 25})/Season {season:02d}"
            path = f"{folder}/{show} S{season:02d}E{episode:02d}.mkv"
        else:
            dotted = show.replace(" ", ".")
            release = RELEASE[number % len(RELEASE)]
            path = f"TV/{show}/Season {season}/{dotted}.S{season:02d}E{episode:02d}.{release}.mkv"
        files.append((path, "clip.mkv"))
    for n in range(movies):
        title = f"{rng.choice(WORDS).title()} {rng.choice(WORDS).title()} {n}"
        year = 1950 + n % 75
        if n % 4 == 0:
            files.append(
                (f"Movies/{title.replace(' ', '.')}.{year}.{RELEASE[n % 3]}.mkv", "clip.mkv")
            )
        else:
            ext = "avi" if n % 5 == 0 else "mkv"
            files.append((f"Movies/{title} ({year})/{title} ({year}).{ext}", f"clip.{ext}"))
    for n in range(tracks):
        artist, album = f"Artist {n // 120}", f"Album {n // 12} ({1960 + n % 60})"
        ext = "flac" if n % 3 == 0 else "mp3"
        files.append((f"Music/{artist}/{album}/{n % 12 + 1:02d} - Song {n}.{ext}", f"song.{ext}"))
    for n in range(loose):
        files.append((f"Home Videos/{2000 + n % 20}/clip {n}.mkv", "clip.mkv"))
    return files


def build(root: Path, count: int) -> int:
    """Write the library; returns the number of media files."""
    if root.exists():
        shutil.rmtree(root)
    sources = make_sources(root.parent / f"{root.name}-sources")
    entries = layout(count)
    for number, (relative, source) in enumerate(entries):
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        # A unique tail gives each copy its own fingerprint: a Matroska Void element for
        # mkv, plain bytes for audio. AVI has a fixed RIFF size, so AVI copies stay identical.
        unique = number.to_bytes(4, "little")
        tail = {"clip.mkv": b"\xec\x84" + unique, "clip.avi": b""}.get(source, unique)
        target.write_bytes(sources[source] + tail)
    return len(entries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("root", type=Path)
    parser.add_argument("--files", type=int, default=30000)
    args = parser.parse_args()
    print(f"built {build(args.root, args.files)} files under {args.root}")


if __name__ == "__main__":
    main()
