"""Resume and watched rules (Jellyfin's defaults), applied to where playback stopped."""

from __future__ import annotations

import pytest

from kino_tui.core.models import Progress
from kino_tui.core.play.resume import ResumeRules, progress_after_play, start_position
from kino_tui.core.text import format_time

RULES = ResumeRules()
NOW = "2026-11-25T20:00:00+00:00"
HOUR = 3600.0


def after(position: float | None, duration: float | None = HOUR, **kwargs: object) -> Progress:
    before = kwargs.pop("before", None) or Progress()
    return progress_after_play(before, position, duration, RULES, NOW, **kwargs)  # type: ignore[arg-type]


def test_under_five_percent_keeps_no_resume_point() -> None:
    progress = after(0.04 * HOUR, before=Progress(position=1800.0))
    assert progress.position == 0 and not progress.watched and progress.last_played == NOW


def test_middle_keeps_the_resume_point() -> None:
    progress = after(1234.5)
    assert progress.position == 1234.5 and not progress.watched and progress.play_count == 0
    assert progress.duration == HOUR


def test_over_ninety_percent_is_watched() -> None:
    progress = after(0.91 * HOUR, before=Progress(play_count=2, watched=True))
    assert progress.watched and progress.play_count == 3 and progress.position == 0


def test_within_the_last_second_is_watched() -> None:
    rules = ResumeRules(watched_percent=99.99)
    progress = progress_after_play(Progress(), HOUR - 0.5, HOUR, rules, NOW)
    assert progress.watched


@pytest.mark.parametrize(
    ("position", "watched"),
    [
        (HOUR - 1.5, True),  # the last report lagged the end a little
        (None, True),  # the player never said where it was: the end is all we know
        (HOUR / 3, False),  # a truncated download ends at a third
        (0.5 * HOUR, False),  # a player stopped early by its own --end
    ],
)
def test_end_of_file_counts_only_near_the_end(position: float | None, watched: bool) -> None:
    progress = after(position, reached_end=True)  # type: ignore[arg-type]
    assert progress.watched == watched
    if not watched:
        assert progress.position == position  # the resume point stays


def test_short_items_are_watched_or_not_never_resumed() -> None:
    assert after(100.0, duration=240.0).watched  # 42 % of a 4-minute item
    short_start = after(5.0, duration=240.0)
    assert not short_start.watched and short_start.position == 0


def test_repeated_saves_of_one_playback_count_one_play() -> None:
    before = Progress(play_count=1, watched=True)
    first = after(0.95 * HOUR, before=before)
    again = after(0.97 * HOUR, before=before)
    assert first.play_count == again.play_count == 2


def test_rewatching_a_watched_item_keeps_a_resume_point() -> None:
    progress = after(1800.0, before=Progress(watched=True, play_count=1))
    assert progress.watched and progress.position == 1800.0 and progress.play_count == 1


def test_nothing_reported_changes_nothing_but_last_played() -> None:
    before = Progress(position=600.0, duration=HOUR, play_count=1)
    progress = after(None, before=before)
    assert (progress.position, progress.play_count, progress.watched) == (600.0, 1, False)


def test_unknown_duration_resumes_where_it_stopped() -> None:
    assert after(321.0, duration=None).position == 321.0


def test_rules_are_configurable() -> None:
    rules = ResumeRules(min_resume_percent=1, watched_percent=80, min_resume_seconds=0)
    progress = progress_after_play(Progress(), 0.85 * 100, 100.0, rules, NOW)
    assert progress.watched
    progress = progress_after_play(Progress(), 2.0, 100.0, rules, NOW)
    assert progress.position == 2.0


def test_format_time() -> None:
    assert format_time(754.9) == "12:34"
    assert format_time(3723) == "1:02:03"
    assert format_time(None) == "--:--"


def test_start_position_follows_the_resume_setting() -> None:
    stopped = Progress(position=754.0)
    assert start_position(stopped, "always") == 754.0
    assert start_position(stopped, "ask") == 754.0  # callers that ask pass the answer instead
    assert start_position(stopped, "never") == 0.0
    assert start_position(stopped, "always", explicit=42.0) == 42.0
    assert start_position(Progress(), "always") == 0.0


@pytest.mark.parametrize(
    ("position", "duration", "watched"),
    [
        (30.0, 600.0, False),  # 5 % of a long track is no play any more
        (239.0, 600.0, False),
        (240.0, 600.0, True),  # four minutes, before half
        (1.3, 20.0, False),  # a skip after 1.3 s is no play
        (9.9, 20.0, False),
        (10.0, 20.0, True),  # half, before four minutes
        (3.0, 200.0, False),  # a terminal killed 3 s in
        (250.0, None, True),  # unknown length: four minutes
        (100.0, None, False),
        (590.0, 600.0, True),
    ],
)
def test_music_is_played_or_not_never_resumed(
    position: float, duration: float | None, watched: bool
) -> None:
    progress = progress_after_play(Progress(), position, duration, RULES, NOW, resumable=False)
    assert progress.position == 0 and progress.watched == watched
    assert progress.play_count == (1 if watched else 0)
