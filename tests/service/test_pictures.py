"""Pictures for everything through the library (issue 21): after one scan, every video
without artwork gets a frame; artwork and covers are left alone; nothing is retried."""

from __future__ import annotations

import os

from kino_tui.config.paths import KinoPaths
from kino_tui.core.models import LibraryRoot
from kino_tui.service import Library
from tests.conftest import LibraryBuilder


def test_every_video_without_a_picture_gets_a_frame_once(
    kino_paths: KinoPaths, build_library: LibraryBuilder
) -> None:
    root = build_library(
        {
            "Movies/Bare (2001)/Bare (2001).mkv": "h264.mkv",
            "Movies/Posed (2002)/Posed (2002).mkv": "hevc.mp4",
            "Movies/Posed (2002)/poster.png": "cover",
            "TV/Show/Season 1/Show S01E01.mkv": "vp9.webm",
            "TV/Show/Season 1/Show S01E02.avi": "mpeg4.avi",
            "Music/A/B/01 - Song.mp3": "song.mp3",
            "Movies/Broken (2003).mkv": "garbage" * 200,
        }
    )
    library = Library(kino_paths)
    library.scan([LibraryRoot(str(root), "mixed")])
    items = list(library.load()[0].items.values())
    seen = []
    made = library.make_frames(items, on_made=seen.append)
    assert (made.made, made.failed, made.stopped) == (3, 1, False)
    by_name = {item.path.rpartition("/")[2]: item for item in items}
    for name in ("Bare (2001).mkv", "Show S01E01.mkv", "Show S01E02.avi"):
        frame = library.frame_for(by_name[name])
        assert frame is not None and frame.startswith(str(kino_paths.cache_dir))
        assert by_name[name] in seen
    for name in ("Posed (2002).mkv", "01 - Song.mp3", "Broken (2003).mkv"):
        assert library.frame_for(by_name[name]) is None
    again = library.make_frames(items)
    assert (again.made, again.failed) == (0, 0)  # no retry loop


def test_music_uses_the_album_folders_image_or_the_embedded_cover(
    kino_paths: KinoPaths, build_library: LibraryBuilder
) -> None:
    root = build_library(
        {
            "Music/Miles/Kind of Blue/01 - So What.mp3": "plain.mp3",
            "Music/Miles/Kind of Blue/Kind of Blue scan.png": "cover",
            "Music/Miles/Sketches/CD1/01 - Concierto.mp3": "plain.mp3",
            "Music/Miles/Sketches/front cover.png": "cover",
            "Music/Miles/Embedded/01 - Song.mp3": "song.mp3",
            "Music/Miles/Two/01 - Song.mp3": "plain.mp3",
            "Music/Miles/Two/a.png": "cover",
            "Music/Miles/Two/b.png": "cover",
        }
    )
    library = Library(kino_paths)
    library.scan([LibraryRoot(str(root), "music")])
    tracks = {i.path.split("/Miles/")[1]: i for i in library.load()[0].items.values()}
    assert tracks["Kind of Blue/01 - So What.mp3"].poster.endswith("Kind of Blue scan.png")  # type: ignore[union-attr]
    assert tracks["Sketches/CD1/01 - Concierto.mp3"].poster.endswith("Sketches/front cover.png")  # type: ignore[union-attr]
    embedded = tracks["Embedded/01 - Song.mp3"]
    assert embedded.poster is None and embedded.embedded_cover
    assert tracks["Two/01 - Song.mp3"].poster is None  # two images: neither is the cover
    assert library.make_frames(list(tracks.values())).made == 0  # music needs no frame


def test_frames_are_taken_one_at_a_time_at_idle_priority(
    kino_paths: KinoPaths, build_library: LibraryBuilder, tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """The ffmpeg that runs is logged (its niceness, start and end): never two at once."""
    sources = ("h264.mkv", "hevc.mp4", "vp9.webm", "mpeg4.avi")  # four contents, four frames
    layout = {f"Movies/Film {n} (200{n}).{s.rpartition('.')[2]}": s for n, s in enumerate(sources)}
    root = build_library(layout)
    library = Library(kino_paths)
    library.scan([LibraryRoot(str(root), "movies")])
    log = tmp_path / "ffmpeg.log"
    tools = tmp_path / "bin"
    tools.mkdir()
    fake = tools / "ffmpeg"
    fake.write_text(
        "#!/bin/sh\n"
        f'echo "start $(date +%s.%N) $(cut -d" " -f19 /proc/$$/stat)" >> {log}\n'
        "sleep 0.3\n"
        'for last; do :; done\nprintf jpeg > "$last"\n'
        f'echo "end $(date +%s.%N)" >> {log}\n'
    )
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tools}:{os.environ['PATH']}")
    made = library.make_frames(list(library.load()[0].items.values()))
    assert made.made == 4
    lines = [line.split() for line in log.read_text().splitlines()]
    assert [kind for kind, *_ in lines] == ["start", "end"] * 4  # strictly one after another
    assert {int(line[2]) for line in lines if line[0] == "start"} == {min(os.nice(0) + 19, 19)}
