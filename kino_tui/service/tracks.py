"""Audio and subtitles: what the chooser lists, remembering a choice, and what a play uses.

The streams come from the catalog (read at scan time: pymediainfo reads every stream's
header anyway, so language, codec, channels, title and flags cost nothing more; external
subtitle files are found by name in the listing the scan already made). Choices are
remembered per show (every episode) or per movie in ``tracks.json``, by language, and
decided for each item with :func:`kino_tui.core.play.tracks.select_tracks`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kino_tui.core.models import AudioTrack, MediaItem, SubtitleTrack
from kino_tui.core.play.tracks import (
    OFF,
    TrackChoice,
    TrackSelection,
    choice_for,
    choice_key,
    default_audio,
    parse_request,
    select_tracks,
    selected_indexes,
)

if TYPE_CHECKING:
    from kino_tui.core.play.session import LaunchTracks, PlaybackSession
    from kino_tui.service.api import PlaySide


@dataclass(frozen=True, slots=True)
class TrackMenu:
    """What the chooser shows for one item: its streams and which play now (from 1 into
    ``audio``/``subtitles``; None: the player's default; ``"off"``: no subtitles)."""

    item: MediaItem
    audio: tuple[AudioTrack, ...]
    subtitles: tuple[SubtitleTrack, ...]
    audio_selected: int | None
    subtitle_selected: int | str | None
    #: "every episode of <show>" or "this movie": where a choice is remembered.
    remembered_for: str
    #: The subtitle shown with each audio stream (from 1) while subtitles are not chosen.
    subtitle_with_audio: tuple[int | str | None, ...] = ()


def remembered_for(item: MediaItem) -> str:
    if choice_key(item).startswith("show:"):
        return f"every episode of {item.series}"
    return f"this {item.kind if item.kind in ('movie', 'episode') else 'video'}"


def menu(library: PlaySide, item: MediaItem) -> TrackMenu:
    """The chooser's content (reads ``tracks.json``: call it off the UI thread)."""
    preferences = library.settings.tracks
    remembered = library.track_choices.get(choice_key(item)) or TrackChoice()
    audio, subtitle = selected_indexes(item, select_tracks(item, remembered, preferences))
    if audio is None:  # the player's own choice: show which it is
        audio = default_audio(item.audio)
    # The subtitles that go with each audio stream, while they are not chosen (auto).
    with_audio = tuple(
        selected_indexes(
            item,
            select_tracks(item, remembered.merged(choice_for(item, number, None)), preferences),
        )[1]
        for number in range(1, len(item.audio) + 1)
    )
    return TrackMenu(
        item,
        tuple(item.audio),
        tuple(item.subtitles),
        audio,
        subtitle,
        remembered_for(item),
        with_audio,
    )


def choose(
    library: PlaySide, item: MediaItem, audio: int | None, subtitle: int | str | None
) -> TrackChoice:
    """Remember audio stream ``audio`` and subtitle ``subtitle`` (from 1 into the item's
    lists, ``"off"``; None leaves that part as it was) for the item's show or movie."""
    return library.track_choices.remember(
        choice_key(item), choice_for(item, audio, subtitle), item
    )


def choose_from_text(
    library: PlaySide, item: MediaItem, audio: str | None, subtitles: str | None
) -> TrackChoice | None:
    """``kino play --audio LANG|N --subtitles LANG|N|off``: remembered like a choice in
    the chooser. Raises :class:`~kino_tui.core.play.tracks.BadTrackRequest` (a KinoError
    message) when the item has no such stream; None when neither was given."""
    if audio is None and subtitles is None:
        return None
    audio_number = parse_request(audio, item.audio, "audio") if audio is not None else None
    subtitle = (
        parse_request(subtitles, item.subtitles, "subtitles") if subtitles is not None else None
    )
    assert audio_number is None or isinstance(audio_number, int)
    return choose(library, item, audio_number, subtitle)


def tracks_of(library: PlaySide, item: MediaItem) -> TrackSelection:
    """The streams one item plays with (an item added to the queue while it plays)."""
    if item.kind == "track":
        return TrackSelection()
    choice = library.track_choices.get(choice_key(item))
    return select_tracks(item, choice, library.settings.tracks)


def apply_to_session(library: PlaySide, session: PlaybackSession, item: MediaItem) -> bool:
    """Switch the streams of what ``session`` plays now, when a choice just made for
    ``item`` is its choice too; True when the player was told."""
    playing = session.item
    if playing.kind == "track" or choice_key(playing) != choice_key(item):
        return False
    selection = tracks_of(library, playing)
    return not selection.empty and session.set_tracks(selection)


def launch_tracks(library: PlaySide, items: Sequence[MediaItem]) -> LaunchTracks:
    """The streams each item of a play uses, and the languages the player applies by
    itself where kino decided nothing (music: none)."""
    from kino_tui.core.play.session import LaunchTracks  # players load on the first play

    preferences = library.settings.tracks
    if all(item.kind == "track" for item in items):
        return LaunchTracks()
    choices = library.track_choices.all()
    selections = tuple(
        select_tracks(item, choices.get(choice_key(item)), preferences) for item in items
    )
    # mpv's --slang shows subtitles in those languages whatever the audio: only what
    # "always" means.
    subtitle_languages = preferences.subtitle_languages if preferences.subtitles == "always" else ()
    return LaunchTracks(selections, preferences.audio_languages, subtitle_languages)


__all__ = ["OFF", "TrackMenu", "choose", "choose_from_text", "launch_tracks", "menu"]
