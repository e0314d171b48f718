"""Resume and watched rules: what a stop at some position means for an item's progress.

Jellyfin's defaults: under 5 % played keeps no resume point; over 90 % played (or within
the last second) marks the item watched, counts a play and drops the resume point;
items shorter than five minutes are watched or not, never resumed. Music counts as
scrobblers count it (Last.fm, ListenBrainz): played once half of it or four minutes,
whichever comes first, was heard; a track skipped sooner is no play.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from kino_tui.core.models import Progress


@dataclass(frozen=True, slots=True)
class ResumeRules:
    """Thresholds from the ``[progress]`` table of ``config.toml``."""

    min_resume_percent: float = 5.0
    watched_percent: float = 90.0
    watched_within_seconds: float = 1.0
    min_resume_seconds: float = 300.0
    save_interval: float = 5.0
    #: A track is played after this share of it, or ``track_played_seconds``, whichever
    #: comes first (the scrobbling rule).
    track_played_percent: float = 50.0
    track_played_seconds: float = 240.0


def progress_after_play(
    before: Progress,
    position: float | None,
    duration: float | None,
    rules: ResumeRules,
    now: str,
    reached_end: bool = False,
    resumable: bool = True,
    credits_start: float | None = None,
) -> Progress:
    """The progress to store when playback stands at ``position`` (or ended there).

    ``before`` is the progress when playback started, so calling this again with a
    later position during the same playback gives the same play count, not one more.
    Watched is decided by the position reached, never by the end of the file alone: a
    file that ends at a third of its length (a truncated download) is not watched.
    Items that are not ``resumable`` (music) are played or not, and counted, like short
    items: they never keep a resume point.
    """
    after = replace(before, last_played=now)
    if duration:
        after.duration = duration
    if position is None and not reached_end:
        return after  # the player never reported a position: nothing learned
    total = duration or before.duration
    if reached_end and (position is None or not total or position >= total - END_SLACK_SECONDS):
        return _completed(after)  # the end of the file was the end of the item
    position = max(0.0, position or 0.0)
    if not resumable:
        return _completed(after) if _track_played(position, total, rules) else after
    if total and _is_finished(position, total, rules):
        return _completed(after)
    if credits_start is not None and 0 < credits_start <= position:
        return _completed(after)
    if not total:
        after.position = position  # unknown length (a stream, an unprobed file): resume there
        return after
    if position < total * rules.min_resume_percent / 100:
        after.position = 0.0
        return after
    if total < rules.min_resume_seconds:
        return _completed(after)  # short items are watched or not, never resumed
    after.position = position
    return after


#: A player's last reported position may lag the end of the file by this much (VLC is
#: asked once a second, in whole seconds). Further from the end, an end of file is a
#: truncated download or a player stopped early (``--end``): the position decides.
END_SLACK_SECONDS = 2.0


def _is_finished(position: float, total: float, rules: ResumeRules) -> bool:
    return (
        position >= total * rules.watched_percent / 100
        or position >= total - rules.watched_within_seconds
    )


def _track_played(position: float, total: float | None, rules: ResumeRules) -> bool:
    """The scrobbling rule: half the track or four minutes, whichever comes first (a
    track of unknown length: four minutes)."""
    needed = rules.track_played_seconds
    if total:
        needed = min(needed, total * rules.track_played_percent / 100)
    return position >= needed


def _completed(after: Progress) -> Progress:
    after.watched = True
    after.play_count += 1
    after.position = 0.0
    return after


def start_position(progress: Progress, resume: str, explicit: float | None = None) -> float:
    """Where to start: an explicit position, else the resume point unless ``resume`` is
    ``"never"`` (``"ask"`` callers ask first and pass the answer as ``explicit``)."""
    if explicit is not None:
        return max(0.0, explicit)
    if resume == "never":
        return 0.0
    return max(0.0, progress.position)
