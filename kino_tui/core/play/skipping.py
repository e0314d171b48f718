"""Parts of a video a viewer may skip: intros, recaps, credits, previews, commercial breaks.

They come from two places, both read at scan time and stored with the item
(:attr:`MediaItem.segments`):

- chapters whose titles mark them (``Intro``, ``Opening``, ``OP``, ``Recap``, ``Credits``,
  ``Ending``, ``ED``, ``Preview``: whole words, any case; see :data:`CHAPTER_WORDS`);
- a Kodi/MPlayer ``.edl`` file beside the video: ``start end action`` lines, times in
  seconds, ``HH:MM:SS.sss`` or ``#frame``; action 0 is a cut (always skipped, as Kodi
  does), 3 a commercial break (skipped like an intro); mute (1) and scene markers (2)
  are not skips and are left out.

During playback :func:`segment_at` says which segment the player is in, and
:func:`skips_by_itself` whether kino skips it without being asked. The credits' start
is where an item counts as watched (:func:`credits_start`, used by ``core/progress``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from kino_tui.core.models import Segment

#: Chapter title words that mark a skippable part, and the kind of part each marks.
CHAPTER_WORDS: dict[str, str] = {
    "intro": "intro",
    "opening": "intro",
    "op": "intro",
    "recap": "recap",
    "credits": "credits",
    "ending": "credits",
    "ed": "credits",
    "preview": "preview",
}
#: Kinds of segment read from an ``.edl`` file (a rescan reads them afresh).
EDL_KINDS = frozenset({"cut", "commercial"})
_EDL_ACTIONS = {0: "cut", 3: "commercial"}
#: What the now-playing bar calls each kind.
LABELS = {
    "intro": "intro",
    "recap": "recap",
    "credits": "credits",
    "preview": "preview",
    "cut": "cut",
    "commercial": "commercial break",
}
_WORD = re.compile(r"[^\W_]+")
_LANGUAGE_PREFIX = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z]{2})?:(?=\S)")
#: A segment shorter than this is not worth a skip (a chapter mark left at the end).
MIN_SEGMENT_SECONDS = 1.0
#: EDL files are small; a bigger one is not an EDL.
MAX_EDL_BYTES = 256 * 1024


def chapter_kind(title: str) -> str | None:
    """The kind of part a chapter title marks, or None (``Opening Credits`` is an intro:
    the first marking word decides)."""
    title = _LANGUAGE_PREFIX.sub("", title.strip())  # MediaInfo's "en:Intro"
    for word in _WORD.findall(title.lower()):
        kind = CHAPTER_WORDS.get(word)
        if kind is not None:
            return kind
    return None


def segments_from_chapters(
    chapters: Iterable[tuple[float, str]], duration: float | None
) -> list[Segment]:
    """Skippable segments from chapters (start, title): each marked chapter runs to the
    next chapter's start, the last one to the end of the item."""
    ordered = sorted((start, title) for start, title in chapters if start >= 0)
    segments = []
    for index, (start, title) in enumerate(ordered):
        kind = chapter_kind(title)
        if kind is None:
            continue
        end = ordered[index + 1][0] if index + 1 < len(ordered) else duration
        if end is None or end - start < MIN_SEGMENT_SECONDS:
            continue
        segments.append(Segment(round(start, 3), round(end, 3), kind))
    return segments


def parse_edl(text: str, frame_rate: float | None = None) -> list[Segment]:
    """Segments of a Kodi/MPlayer EDL file. Lines that are not skips, or that cannot be
    read (a frame number without a known frame rate, an end before its start), are left
    out: a damaged line never loses the others."""
    segments = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) < 2 or not (fields[0][0].isdigit() or fields[0][:2].strip("#").isdigit()):
            continue  # empty, a comment, or not a segment ("#123" is a frame number)
        try:
            start = _edl_time(fields[0], frame_rate)
            end = _edl_time(fields[1], frame_rate)
            action = int(fields[2]) if len(fields) > 2 else 0
        except ValueError:
            continue
        kind = _EDL_ACTIONS.get(action)
        if kind is None or start is None or end is None or end - start < MIN_SEGMENT_SECONDS:
            continue
        segments.append(Segment(round(start, 3), round(end, 3), kind))
    return sorted(segments)


def _edl_time(text: str, frame_rate: float | None) -> float | None:
    """Seconds (``12.5``), ``[[HH:]MM:]SS[.sss]``, or ``#frame``; None for a frame number
    when the frame rate is unknown. Raises ValueError for anything else."""
    if text.startswith("#"):
        frame = int(text[1:])
        return frame / frame_rate if frame_rate else None
    seconds = 0.0
    for piece in text.split(":"):
        value = float(piece)
        if value < 0:
            raise ValueError(text)
        seconds = seconds * 60 + value
    return seconds


def read_edl(path: str, frame_rate: float | None = None) -> list[Segment]:
    """The segments of the ``.edl`` file at ``path`` (none when it cannot be read)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_EDL_BYTES + 1)
    except OSError:
        return []
    if len(data) > MAX_EDL_BYTES:
        return []
    return parse_edl(data.decode("utf-8", "replace"), frame_rate)


def segment_at(segments: Iterable[Segment], position: float | None) -> Segment | None:
    """The skippable segment playing at ``position`` (credits are where the item ends:
    offered too, since skipping them plays what is next)."""
    if position is None:
        return None
    for segment in segments:
        if segment.start <= position < segment.end - 0.5:
            return segment
    return None


def skips_by_itself(segment: Segment, skip_intros: bool) -> bool:
    """Whether kino skips this segment without being asked: cuts always (they are cut
    out, as in Kodi); intros, recaps and commercial breaks when ``skip_intros`` is on;
    credits and previews never (the viewer may want them; they are offered)."""
    if segment.kind == "cut":
        return True
    return skip_intros and segment.kind in ("intro", "recap", "commercial")


def credits_start(segments: Iterable[Segment], duration: float | None) -> float | None:
    """Where the closing credits start, or None. Only credits in the last third count: a
    chapter called "Credits" near the beginning is opening credits, not the end."""
    starts = [
        segment.start
        for segment in segments
        if segment.kind == "credits" and (not duration or segment.start >= duration / 3)
    ]
    return min(starts) if starts else None


class Skipper:
    """The skips of one item while it plays: which segment is offered, and which kino
    skips by itself (each at most once per play, so seeking back into an intro plays it;
    cuts every time, as Kodi does)."""

    def __init__(self, segments: Iterable[Segment], skip_intros: bool) -> None:
        self.segments = list(segments)
        self.skip_intros = skip_intros
        self._done: set[Segment] = set()

    def offered(self, position: float | None) -> Segment | None:
        """The segment a skip key would skip now (None: nothing to skip here)."""
        return segment_at(self.segments, position)

    def automatic(self, position: float | None) -> Segment | None:
        """The segment kino should skip now without being asked, or None."""
        segment = segment_at(self.segments, position)
        if segment is None or not skips_by_itself(segment, self.skip_intros):
            return None
        if segment.kind != "cut" and segment in self._done:
            return None
        self._done.add(segment)
        return segment

    def skipped(self, segment: Segment) -> None:
        """The viewer skipped ``segment``."""
        self._done.add(segment)
