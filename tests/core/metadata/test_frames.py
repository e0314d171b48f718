"""Frames taken by the real ffmpeg from real videos (issue 21): where in the video,
where cached, at idle priority, and what a file that gives no frame leaves."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from PIL import Image

from kino_tui.core.metadata import frames
from kino_tui.core.metadata.frames import (
    WIDTH,
    ffmpeg_command,
    frame_time,
    make_frame,
    needs_frame,
)
from kino_tui.core.models import MediaItem, Segment


def video(path: Path, **fields: object) -> MediaItem:
    values: dict[str, object] = {
        "kind": "movie",
        "fingerprint": "f" * 32,
        "duration": 400.0,
        **fields,
    }
    return MediaItem(id="v", path=str(path), root="/", parts=[str(path)], **values)  # type: ignore[arg-type]


def test_a_tenth_in_and_past_the_intro() -> None:
    assert frame_time(video(Path("/x"))) == 40.0
    intro = [Segment(10.0, 95.0, "intro")]
    assert frame_time(video(Path("/x"), segments=intro)) == 96.0
    credits = [Segment(10.0, 95.0, "credits")]  # only openings are skipped
    assert frame_time(video(Path("/x"), segments=credits)) == 40.0
    assert frame_time(video(Path("/x"), duration=None)) == 0.0
    late_intro = [Segment(0.0, 399.9, "intro")]
    assert frame_time(video(Path("/x"), segments=late_intro)) < 400.0


def test_which_items_need_a_frame() -> None:
    assert needs_frame(video(Path("/x")))
    assert not needs_frame(video(Path("/x"), poster="/p.jpg"))
    assert not needs_frame(video(Path("/x"), thumb="/t.jpg"))
    assert not needs_frame(video(Path("/x"), fingerprint=None))
    assert not needs_frame(video(Path("/x"), kind="track"))
    assert not needs_frame(video(Path("/x"), available=False))


def test_ffmpeg_runs_at_idle_priority_with_an_argument_list() -> None:
    command = ffmpeg_command("/m/-rf film.mkv", 12.5, Path("/c/out.jpg"))
    assert any(part.endswith("nice") for part in command[:5])
    assert command[command.index("-ss") + 1] == "12.500"
    assert command[command.index("-i") + 1] == "/m/-rf film.mkv"  # one argument, no shell


def test_a_frame_is_taken_into_the_cache_never_beside_the_media(
    long_clip: Path, tmp_path: Path
) -> None:
    media = tmp_path / "media"
    media.mkdir()
    clip = media / "Clip (2020).mkv"
    clip.write_bytes(long_clip.read_bytes())
    cache = tmp_path / "cache" / "frames"
    result = make_frame(video(clip, segments=[Segment(0.0, 60.0, "intro")]), cache)
    assert result.path == cache / f"{'f' * 32}.jpg" and result.error is None
    with Image.open(result.path) as image:
        assert image.format == "JPEG" and 0 < image.size[0] <= WIDTH
    assert sorted(p.name for p in media.iterdir()) == ["Clip (2020).mkv"]
    assert sorted(p.name for p in cache.iterdir()) == [f"{'f' * 32}.jpg"]  # no temporary left


def test_a_file_without_a_frame_is_marked_and_not_tried_again(tmp_path: Path) -> None:
    broken = tmp_path / "broken.mkv"
    broken.write_bytes(b"not a video" * 100)
    cache = tmp_path / "frames"
    result = make_frame(video(broken), cache)
    assert result.path is None and result.error
    marker = cache / f"{'f' * 32}.failed"
    assert marker.read_text().strip() == result.error
    assert not list(cache.glob("*.jpg")) and not list(cache.glob(".*"))


def test_a_cancelled_frame_kills_ffmpeg_and_marks_nothing(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # a "ffmpeg" that hangs: the cancel must stop it, not wait for its timeout
    slow = tmp_path / "ffmpeg"
    slow.write_text("#!/bin/sh\nsleep 30\n")
    slow.chmod(0o755)
    cancel = threading.Event()
    threading.Timer(0.3, cancel.set).start()
    started = time.monotonic()
    result = make_frame(video(tmp_path / "x.mkv"), tmp_path / "frames", cancel, str(slow))
    assert result.error == "cancelled" and time.monotonic() - started < 5
    assert not (tmp_path / "frames" / f"{'f' * 32}.failed").exists()


def test_the_ffmpeg_child_is_niced(tmp_path: Path) -> None:
    """The child's own niceness, as the kernel reports it: 19 (idle)."""
    probe = tmp_path / "ffmpeg"
    report = tmp_path / "nice.txt"
    probe.write_text(f"#!/bin/sh\ncut -d' ' -f19 /proc/$$/stat > {report}\nexit 1\n")
    probe.chmod(0o755)
    make_frame(video(tmp_path / "x.mkv"), tmp_path / "frames", None, str(probe))
    own = os.nice(0)
    assert int(report.read_text()) == min(own + 19, 19)
    assert frames.TIMEOUT > 0
