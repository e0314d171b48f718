"""Audio and subtitle choice: which streams of an item play, decided from its streams.

Three inputs, in this order of strength:

1. what the user chose (:class:`TrackChoice`, remembered per show or movie in a
   language-based form, so the next episode, whose stream numbers may differ, gets the
   same language and forced-ness);
2. the preferred languages of ``config.toml`` (:class:`TrackPreferences`);
3. the player's own default (the stream flagged default, or the first).

The outcome for one item is a :class:`TrackSelection`, which the players turn into their
options (mpv ``--aid``/``--sid``/``--sub-file``, VLC ``--audio-track``/``--sub-track``/
``--sub-file``/``--no-spu``). Everything here is pure: no disk, no player.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from kino_tui.core.errors import KinoError
from kino_tui.core.metadata.languages import normalise_language
from kino_tui.core.models import AudioTrack, MediaItem, SubtitleTrack

SubtitleMode = Literal["auto", "always", "forced", "off"]
SUBTITLE_MODES: tuple[str, ...] = ("auto", "always", "forced", "off")
#: A subtitle request meaning "no subtitles".
OFF = "off"


@dataclass(frozen=True, slots=True)
class TrackPreferences:
    """``audio_languages``, ``subtitle_languages`` and ``subtitles`` from ``config.toml``.

    ``subtitles``: ``auto`` shows subtitles in a preferred subtitle language when the
    audio is not in one of those languages, otherwise only forced subtitles (Jellyfin's
    "smart" mode; with no ``subtitle_languages`` the player decides, as it did before
    kino chose anything); ``always`` shows subtitles in a preferred language whatever the audio;
    ``forced`` only forced subtitles; ``off`` none.
    """

    audio_languages: tuple[str, ...] = ()
    subtitle_languages: tuple[str, ...] = ()
    subtitles: SubtitleMode = "auto"


@dataclass(frozen=True, slots=True)
class TrackSelection:
    """The streams one item plays with; None leaves a stream to the player.

    ``audio`` and ``subtitle`` are stream numbers from 1, counted among the file's own
    audio streams and embedded subtitle streams (as mpv numbers them); an external
    subtitle is ``subtitle_file``.
    """

    audio: int | None = None
    subtitle: int | None = None
    subtitle_file: str | None = None
    subtitles_off: bool = False
    #: How many embedded subtitle streams the item has (mpv numbers an external file
    #: after them).
    embedded_subtitles: int = 0

    @property
    def empty(self) -> bool:
        """Nothing decided: the player picks every stream."""
        return (self.audio, self.subtitle, self.subtitle_file, self.subtitles_off) == (
            None,
            None,
            None,
            False,
        )


@dataclass(frozen=True, slots=True)
class TrackChoice:
    """What the user chose, remembered in a form that fits the next episode too.

    Audio: a language (or, when the chosen stream had none, its number). Subtitles:
    ``"off"``, ``"on"`` with a language, forced-ness and whether it was a file beside
    the video (or a number when it had no language), or None when not chosen.
    """

    audio_language: str | None = None
    audio_number: int | None = None
    subtitles: Literal["on", "off"] | None = None
    subtitle_language: str | None = None
    subtitle_forced: bool = False
    subtitle_external: bool = False
    subtitle_number: int | None = None

    @property
    def chose_audio(self) -> bool:
        return self.audio_language is not None or self.audio_number is not None

    def merged(self, newer: TrackChoice) -> TrackChoice:
        """This choice with what ``newer`` chose replacing it (audio and subtitles apart)."""
        audio = newer if newer.chose_audio else self
        subtitles = newer if newer.subtitles is not None else self
        return TrackChoice(
            audio.audio_language,
            audio.audio_number,
            subtitles.subtitles,
            subtitles.subtitle_language,
            subtitles.subtitle_forced,
            subtitles.subtitle_external,
            subtitles.subtitle_number,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "audio_language": self.audio_language,
            "audio_number": self.audio_number,
            "subtitles": self.subtitles,
            "subtitle_language": self.subtitle_language,
            "subtitle_forced": self.subtitle_forced,
            "subtitle_external": self.subtitle_external,
            "subtitle_number": self.subtitle_number,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrackChoice:
        """Raises ValueError when ``data`` is not a stored choice."""
        text = (str, type(None))
        number = (int, type(None))
        checks = {
            "audio_language": text,
            "audio_number": number,
            "subtitles": text,
            "subtitle_language": text,
            "subtitle_forced": (bool,),
            "subtitle_external": (bool,),
            "subtitle_number": number,
        }
        values: dict[str, Any] = {}
        for key, kinds in checks.items():
            value = data.get(key, False if kinds == (bool,) else None)
            if not isinstance(value, kinds) or (kinds is number and isinstance(value, bool)):
                raise ValueError(f"{key} is {value!r}")
            values[key] = value
        if values["subtitles"] not in (None, "on", "off"):
            raise ValueError(f"subtitles is {values['subtitles']!r}")
        return cls(**values)


def choice_key(item: MediaItem) -> str:
    """Where a choice is remembered: the show of an episode (every episode shares it),
    otherwise the item itself."""
    if item.kind == "episode" and item.series:
        return "show:" + item.series.casefold()
    return "item:" + item.id


# -- the user's choice -------------------------------------------------------------


def choice_for(item: MediaItem, audio: int | None, subtitle: int | str | None) -> TrackChoice:
    """The remembered form of choosing audio stream ``audio`` (from 1; None: not chosen)
    and subtitle ``subtitle`` (an index from 1 into ``item.subtitles``, embedded then
    external; ``"off"``; None: not chosen) of ``item``."""
    choice = TrackChoice()
    if audio is not None:
        track = item.audio[audio - 1]
        language = track.language
        choice = TrackChoice(language, None if language else audio)
    if subtitle == OFF:
        return TrackChoice(choice.audio_language, choice.audio_number, "off")
    if isinstance(subtitle, int):
        sub = item.subtitles[subtitle - 1]
        return TrackChoice(
            choice.audio_language,
            choice.audio_number,
            "on",
            sub.language,
            sub.forced,
            sub.external,
            None if sub.language else subtitle,
        )
    return choice


class BadTrackRequest(KinoError):
    """A ``--audio``/``--subtitles`` value that names no stream of the item."""


def parse_request(text: str, streams: Sequence[AudioTrack | SubtitleTrack], what: str) -> int | str:
    """A command line's ``LANG``, ``N`` (from 1) or, for subtitles, ``off`` → a stream
    number from 1 (or ``"off"``). Raises :class:`BadTrackRequest` saying what exists."""
    value = text.strip()
    if what == "subtitles" and value.lower() in ("off", "no", "none"):
        return OFF
    listed = (
        ", ".join(
            f"{n} ({s.language or 'unknown language'}{', forced' if getattr(s, 'forced', False) else ''})"
            for n, s in enumerate(streams, start=1)
        )
        or "none"
    )
    if value.isdigit():
        number = int(value)
        if 1 <= number <= len(streams):
            return number
        raise BadTrackRequest(f"there is no {what} stream {number}: the item has {listed}")
    language = normalise_language(value)
    if language is None:
        raise BadTrackRequest(
            f"{value!r} is not a language or a stream number (like eng, en, 2"
            f"{' or off' if what == 'subtitles' else ''})"
        )
    matching = [n for n, s in enumerate(streams, start=1) if s.language == language]
    if what == "subtitles":  # full subtitles before forced ones
        matching.sort(key=lambda n: bool(getattr(streams[n - 1], "forced", False)))
    if not matching:
        raise BadTrackRequest(f"no {what} stream is in {language}: the item has {listed}")
    return matching[0]


# -- deciding ------------------------------------------------------------------------


def select_tracks(
    item: MediaItem, choice: TrackChoice | None, preferences: TrackPreferences
) -> TrackSelection:
    """The streams ``item`` plays with: the remembered choice where it fits this item,
    else the preferences, else the player's default."""
    choice = choice or TrackChoice()
    audio = _remembered_audio(item.audio, choice)
    if audio is None:
        audio = preferred_audio(item.audio, preferences.audio_languages)
    subtitle = _remembered_subtitle(item.subtitles, choice)
    if subtitle is None:
        playing = _playing_audio(item.audio, audio)
        subtitle = preferred_subtitle(
            item.subtitles, playing.language if playing else None, preferences
        )
    return _selection(item, audio, subtitle)


def preferred_audio(streams: Sequence[AudioTrack], languages: Sequence[str]) -> int | None:
    """The first stream in the first preferred language that has one (from 1), or None
    (the player's default: the stream flagged default, or the first)."""
    if len(streams) < 2:
        return None
    for language in languages:
        for number, stream in enumerate(streams, start=1):
            if stream.language == language:
                return number
    return None


def preferred_subtitle(
    streams: Sequence[SubtitleTrack], audio_language: str | None, preferences: TrackPreferences
) -> int | str | None:
    """The subtitle (from 1 into ``streams``) the preferences show with audio in
    ``audio_language``, ``"off"`` for none, or None when the item's subtitles are not
    known (the player decides)."""
    if not streams:
        return None
    mode = preferences.subtitles
    wanted = preferences.subtitle_languages
    if mode == "off":
        return OFF
    if mode == "auto" and not wanted:
        return None  # nothing configured: the player's own rules (flagged streams)
    if mode == "always" or (
        mode == "auto" and wanted and audio_language is not None and audio_language not in wanted
    ):
        found = _in_languages(streams, wanted, forced=False) or _in_languages(
            streams, wanted, forced=True
        )
        if found is None and mode == "always":
            found = _flagged_or_first(streams)
        if found is not None:
            return found
        if mode == "always":
            return OFF
    # Only forced subtitles: in the audio's language first, then a preferred one.
    languages = [language for language in (audio_language, *wanted) if language]
    found = _in_languages(streams, languages, forced=True)
    if found is None:
        unknown = [n for n, s in enumerate(streams, start=1) if s.forced and not s.language]
        found = unknown[0] if unknown else None
    return found if found is not None else OFF


def _in_languages(
    streams: Sequence[SubtitleTrack], languages: Sequence[str], forced: bool
) -> int | None:
    for language in languages:
        for number, stream in enumerate(streams, start=1):
            if stream.language == language and stream.forced == forced:
                return number
    return None


def _flagged_or_first(streams: Sequence[SubtitleTrack]) -> int | None:
    full = [n for n, s in enumerate(streams, start=1) if not s.forced]
    flagged = [n for n in full if streams[n - 1].default]
    chosen = flagged or full
    return chosen[0] if chosen else None


def _remembered_audio(streams: Sequence[AudioTrack], choice: TrackChoice) -> int | None:
    if choice.audio_language is not None:
        for number, stream in enumerate(streams, start=1):
            if stream.language == choice.audio_language:
                return number
    elif choice.audio_number is not None and 1 <= choice.audio_number <= len(streams):
        return choice.audio_number
    return None


def _remembered_subtitle(streams: Sequence[SubtitleTrack], choice: TrackChoice) -> int | str | None:
    if choice.subtitles == "off":
        return OFF
    if choice.subtitles != "on":
        return None
    if choice.subtitle_language is None:
        number = choice.subtitle_number
        return number if number is not None and 1 <= number <= len(streams) else None
    same_language = [
        n for n, s in enumerate(streams, start=1) if s.language == choice.subtitle_language
    ]

    def closeness(number: int) -> tuple[bool, bool]:
        stream = streams[number - 1]
        return (
            stream.forced != choice.subtitle_forced,
            stream.external != choice.subtitle_external,
        )

    return min(same_language, key=closeness) if same_language else None


def _playing_audio(streams: Sequence[AudioTrack], chosen: int | None) -> AudioTrack | None:
    """The audio stream that will play: the chosen one, else the player's default."""
    if chosen is not None:
        return streams[chosen - 1]
    flagged = [s for s in streams if s.default]
    candidates = flagged or list(streams)
    return candidates[0] if candidates else None


def _selection(item: MediaItem, audio: int | None, subtitle: int | str | None) -> TrackSelection:
    embedded = [s for s in item.subtitles if not s.external]
    if subtitle == OFF:
        return TrackSelection(audio=audio, subtitles_off=True)
    if isinstance(subtitle, int):
        stream = item.subtitles[subtitle - 1]
        if stream.external:
            return TrackSelection(
                audio=audio, subtitle_file=stream.path, embedded_subtitles=len(embedded)
            )
        return TrackSelection(audio=audio, subtitle=embedded.index(stream) + 1)
    return TrackSelection(audio=audio)


def default_audio(streams: Sequence[AudioTrack]) -> int | None:
    """The audio stream a player plays when told nothing: the one flagged default, else
    the first (from 1; None when there is none)."""
    flagged = [n for n, s in enumerate(streams, start=1) if s.default]
    return flagged[0] if flagged else (1 if streams else None)


def selected_indexes(
    item: MediaItem, selection: TrackSelection
) -> tuple[int | None, int | str | None]:
    """Which entries of ``item.audio`` and ``item.subtitles`` (from 1) a selection plays
    (None: the player's default; ``"off"``), for a chooser to mark."""
    subtitle: int | str | None = None
    if selection.subtitles_off:
        subtitle = OFF
    elif selection.subtitle_file is not None:
        subtitle = next(
            (n for n, s in enumerate(item.subtitles, 1) if s.path == selection.subtitle_file),
            None,
        )
    elif selection.subtitle is not None:
        embedded = [n for n, s in enumerate(item.subtitles, 1) if not s.external]
        if selection.subtitle <= len(embedded):
            subtitle = embedded[selection.subtitle - 1]
    return selection.audio, subtitle


# -- describing ----------------------------------------------------------------------


def describe_audio(stream: AudioTrack) -> str:
    """``eng · aac · 5.1 · "Commentary" · default`` (file-derived: callers escape it)."""
    parts = [stream.language or "unknown language"]
    if stream.codec:
        parts.append(stream.codec)
    if stream.channels:
        parts.append(_CHANNELS.get(stream.channels, f"{stream.channels} ch"))
    if stream.title:
        parts.append(f'"{stream.title}"')
    if stream.default:
        parts.append("default")
    return " · ".join(parts)


def describe_subtitle(stream: SubtitleTrack) -> str:
    """``eng · subrip · forced · external Film.en.srt`` (file-derived: callers escape it)."""
    parts = [stream.language or "unknown language"]
    if stream.codec:
        parts.append(stream.codec)
    if stream.title:
        parts.append(f'"{stream.title}"')
    if stream.forced:
        parts.append("forced")
    if stream.default:
        parts.append("default")
    if stream.external and stream.path:
        parts.append("file " + stream.path.rpartition("/")[2])
    return " · ".join(parts)


_CHANNELS = {1: "mono", 2: "stereo", 6: "5.1", 8: "7.1"}


def describe_choice(choice: TrackChoice) -> str:
    """``audio jpn, subtitles eng (forced)`` (file-derived languages are codes only)."""
    parts = []
    if choice.audio_language or choice.audio_number:
        parts.append(f"audio {choice.audio_language or f'stream {choice.audio_number}'}")
    if choice.subtitles == "off":
        parts.append("subtitles off")
    elif choice.subtitles == "on":
        which = choice.subtitle_language or f"stream {choice.subtitle_number}"
        flags = [f for f, on in (("forced", choice.subtitle_forced),
                                 ("file", choice.subtitle_external)) if on]  # fmt: skip
        parts.append(f"subtitles {which}" + (f" ({', '.join(flags)})" if flags else ""))
    return ", ".join(parts) or "the player's default streams"


def item_for_tracks(items: Sequence[MediaItem]) -> MediaItem | None:
    """The video whose streams a chooser lists for an entry (a movie, an episode, a
    season or show: its first episode with known streams); None for music."""
    videos = [item for item in items if item.kind != "track"]
    with_streams = [item for item in videos if item.audio or item.subtitles]
    found = with_streams or videos
    return found[0] if found else None
