"""Skippable parts: chapter titles, Kodi/MPlayer EDL lines, what is skipped by itself,
and the credits as the point where an item counts as watched."""

from __future__ import annotations

from kino_tui.core.models import Progress, Segment
from kino_tui.core.play.resume import ResumeRules, progress_after_play
from kino_tui.core.play.skipping import (
    Skipper,
    chapter_kind,
    credits_start,
    parse_edl,
    segment_at,
    segments_from_chapters,
)


def test_chapter_titles_are_matched_as_whole_words_in_any_case() -> None:
    assert chapter_kind("Intro") == "intro"
    assert chapter_kind("OPENING") == "intro"
    assert chapter_kind("OP") == "intro"
    assert chapter_kind("en:Recap") == "recap"  # MediaInfo's language prefix
    assert chapter_kind("End Credits") == "credits"
    assert chapter_kind("ED - Ending song") == "credits"
    assert chapter_kind("Next episode preview") == "preview"
    # whole words only: no intro in "Introduction to...", no op in "Operation"
    assert chapter_kind("Introduction") is None
    assert chapter_kind("Operation Dark") is None
    assert chapter_kind("Edward") is None
    assert chapter_kind("Chapter 2") is None


def test_each_marked_chapter_runs_to_the_next_one() -> None:
    chapters = [(0.0, "Intro"), (90.0, "Part A"), (1300.0, "Credits"), (1400.0, "Preview")]
    assert segments_from_chapters(chapters, 1440.0) == [
        Segment(0.0, 90.0, "intro"),
        Segment(1300.0, 1400.0, "credits"),
        Segment(1400.0, 1440.0, "preview"),
    ]
    # the last chapter without a known duration has no end: left out
    assert segments_from_chapters([(0.0, "Part"), (50.0, "Credits")], None) == []


def test_edl_lines_in_every_form_kodi_reads() -> None:
    text = (
        "# made by comskip\n"
        "0 30.5 0\n"  # a cut, in seconds
        "00:05:00.00 00:06:30 3\n"  # a commercial break, as HH:MM:SS
        "#2400 #3600 3\n"  # frame numbers (24 frames a second)
        "700 710 1\n"  # mute: not a skip
        "800 800 2\n"  # a scene marker: not a skip
        "900 950\n"  # no action: a cut, as in MPlayer
        "nonsense line\n"
        "1000 990 0\n"  # ends before it starts
    )
    assert parse_edl(text, frame_rate=24.0) == [
        Segment(0.0, 30.5, "cut"),
        Segment(100.0, 150.0, "commercial"),
        Segment(300.0, 390.0, "commercial"),
        Segment(900.0, 950.0, "cut"),
    ]
    assert Segment(100.0, 150.0, "commercial") not in parse_edl(text)  # no frame rate


def test_cuts_always_skip_themselves_intros_only_when_asked_each_once() -> None:
    segments = [Segment(0, 30, "cut"), Segment(60, 90, "intro"), Segment(300, 400, "credits")]
    quiet = Skipper(segments, skip_intros=False)
    assert quiet.automatic(5) == Segment(0, 30, "cut")
    assert quiet.automatic(70) is None and quiet.offered(70) == Segment(60, 90, "intro")
    assert quiet.automatic(350) is None and quiet.offered(350) == Segment(300, 400, "credits")
    eager = Skipper(segments, skip_intros=True)
    assert eager.automatic(61) == Segment(60, 90, "intro")
    assert eager.automatic(62) is None  # the viewer went back into it: played this time
    assert eager.automatic(10) == Segment(0, 30, "cut")
    assert eager.automatic(10) == Segment(0, 30, "cut")  # a cut, every time
    assert segment_at(segments, 95) is None and segment_at(segments, None) is None


def test_reaching_the_credits_marks_watched() -> None:
    segments = [Segment(0, 60, "credits"), Segment(2400, 2700, "credits")]
    start = credits_start(segments, 2700.0)
    assert start == 2400  # opening credits near the start do not count
    rules = ResumeRules()
    # 2410 of 2700 is 89 %: short of the 90 % rule, but inside the closing credits
    after = progress_after_play(Progress(), 2410, 2700, rules, "now", credits_start=start)
    assert after.watched and after.play_count == 1 and after.position == 0
    before_credits = progress_after_play(Progress(), 2300, 2700, rules, "now", credits_start=start)
    assert not before_credits.watched and before_credits.position == 2300


def test_the_probe_reads_chapters_of_mkv_and_mp4(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from kino_tui.core.metadata.probe import probe_video
    from tests.conftest import ffmpeg

    metadata = tmp_path / "chapters.txt"
    metadata.write_text(
        ";FFMETADATA1\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=1500\ntitle=Opening\n"
        "[CHAPTER]\nTIMEBASE=1/1000\nSTART=1500\nEND=4000\ntitle=Story\n"
    )
    for extension in ("mkv", "mp4"):
        path = tmp_path / f"clip.{extension}"
        ffmpeg("-f", "lavfi", "-i", "testsrc=size=64x48:rate=5:duration=4", "-i", str(metadata),
               "-map_metadata", "1", "-c:v", "libx264", "-preset", "ultrafast", str(path))  # fmt: skip
        probe = probe_video(str(path), path.stat().st_size)
        assert probe.chapters == [(0.0, "Opening"), (1.5, "Story")], extension
        assert segments_from_chapters(probe.chapters, probe.duration) == [
            Segment(0.0, 1.5, "intro")
        ]


def test_a_multi_part_movie_has_its_segments_on_one_timeline() -> None:
    """Part two's credits are the movie's; part one's are not its end."""
    from kino_tui.core.metadata.probe import ProbeResult
    from kino_tui.core.scan.analysis import _timeline_segments

    one = ProbeResult(duration=400.0, chapters=[(0.0, "Intro"), (60.0, "A"), (380.0, "Credits")])
    two = ProbeResult(duration=400.0, chapters=[(0.0, "B"), (350.0, "Credits")])
    segments = _timeline_segments([one, two], 800.0)
    assert segments == [Segment(0.0, 60.0, "intro"), Segment(750.0, 800.0, "credits")]
    assert credits_start(segments, 800.0) == 750.0
    unknown = ProbeResult(duration=None, chapters=[])
    assert _timeline_segments([one, unknown], None) == [Segment(0.0, 60.0, "intro")]
