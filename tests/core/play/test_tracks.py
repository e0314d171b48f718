"""Which audio and subtitle streams play: the remembered choice, the preferences, the player."""

from __future__ import annotations

import pytest

from kino_tui.core.models import AudioTrack, MediaItem, SubtitleTrack
from kino_tui.core.play.tracks import (
    OFF,
    BadTrackRequest,
    TrackChoice,
    TrackPreferences,
    TrackSelection,
    choice_for,
    choice_key,
    describe_audio,
    describe_subtitle,
    parse_request,
    preferred_subtitle,
    select_tracks,
    selected_indexes,
)

ENG = AudioTrack("aac", 2, "eng", "English", default=True)
JPN = AudioTrack("aac", 6, "jpn")
UNKNOWN = AudioTrack("aac", 2, None)
SUB_ENG = SubtitleTrack("eng", "subrip")
SUB_ENG_FORCED = SubtitleTrack("eng", "subrip", forced=True, title="Signs")
SUB_FRE = SubtitleTrack("fre", "ass")
SUB_JPN_FORCED = SubtitleTrack("jpn", "subrip", forced=True)
EXTERNAL_ENG = SubtitleTrack("eng", "subrip", external=True, path="/m/Film.en.srt")


def item(audio: list[AudioTrack], subtitles: list[SubtitleTrack], **fields: object) -> MediaItem:
    values: dict[str, object] = {"id": "m1", "kind": "movie", "path": "/m/Film.mkv", "root": "/m"}
    values.update(fields)
    return MediaItem(audio=audio, subtitles=subtitles, **values)  # type: ignore[arg-type]


def prefs(audio: str = "", subtitles: str = "", mode: str = "auto") -> TrackPreferences:
    return TrackPreferences(tuple(audio.split()), tuple(subtitles.split()), mode)  # type: ignore[arg-type]


# (audio languages, subtitle languages, mode, audio streams, subtitle streams) → (audio, subtitle)
# where subtitle is an index from 1 into the subtitle list, "off", or None (player's default).
PREFERENCE_CASES = [
    # audio: the first preferred language that the item has, in preference order
    ("jpn eng", "", "off", [ENG, JPN], [], 2, None),
    ("fre eng", "", "off", [JPN, ENG], [], 2, None),
    ("fre", "", "off", [ENG, JPN], [], None, None),  # none preferred: player's default
    ("jpn", "", "off", [JPN], [], None, None),  # a single stream needs no choice
    # auto: audio not in a preferred subtitle language → full subtitles in that language
    ("jpn", "eng", "auto", [ENG, JPN], [SUB_ENG_FORCED, SUB_ENG], 2, 2),
    ("jpn", "eng", "auto", [ENG, JPN], [SUB_ENG_FORCED], 2, 1),  # only forced: forced
    ("jpn", "fre eng", "auto", [JPN], [SUB_ENG, SUB_FRE], None, 2),
    # auto: audio in a preferred subtitle language → forced ones only (in its language)
    ("eng", "eng", "auto", [ENG, JPN], [SUB_ENG, SUB_ENG_FORCED], 1, 2),
    ("eng", "eng", "auto", [ENG, JPN], [SUB_ENG, SUB_FRE], 1, OFF),
    # auto with the player's default audio (flagged default: eng)
    ("", "eng", "auto", [JPN, ENG], [SUB_ENG], None, OFF),
    # auto: unknown audio language is not a reason for subtitles
    ("", "eng", "auto", [UNKNOWN], [SUB_ENG], None, OFF),
    # auto without preferred subtitle languages: the player's own rules
    ("jpn", "", "auto", [ENG, JPN], [SUB_ENG, SUB_JPN_FORCED], 2, None),
    ("", "", "auto", [ENG, JPN], [SUB_ENG], None, None),
    # forced without preferred subtitle languages: forced in the audio language only
    ("jpn", "", "forced", [ENG, JPN], [SUB_ENG, SUB_JPN_FORCED], 2, 2),
    ("jpn", "", "forced", [ENG, JPN], [SUB_ENG], 2, OFF),
    # always: preferred language, full before forced; none preferred → flagged or first
    ("eng", "eng", "always", [ENG], [SUB_ENG_FORCED, SUB_ENG], None, 2),
    ("eng", "fre eng", "always", [ENG], [SUB_ENG, SUB_FRE], None, 2),
    ("eng", "", "always", [ENG], [SUB_ENG_FORCED, SUB_FRE], None, 2),
    ("eng", "ger", "always", [ENG], [SUB_ENG_FORCED], None, OFF),
    # external files count like embedded streams
    ("jpn", "eng", "always", [ENG, JPN], [SUB_FRE, EXTERNAL_ENG], 2, 2),
    # forced: only forced ones, the audio's language first
    ("jpn", "eng", "forced", [ENG, JPN], [SUB_ENG, SUB_ENG_FORCED, SUB_JPN_FORCED], 2, 3),
    ("eng", "eng", "forced", [ENG, JPN], [SUB_ENG, SUB_ENG_FORCED], 1, 2),
    ("eng", "eng", "forced", [ENG], [SUB_ENG], None, OFF),
    # off
    ("eng", "eng", "off", [ENG], [SUB_ENG_FORCED, SUB_ENG], None, OFF),
    # nothing known about subtitles: leave them to the player
    ("eng", "eng", "always", [ENG], [], None, None),
]


@pytest.mark.parametrize(
    ("audio_langs", "sub_langs", "mode", "audio", "subs", "want_audio", "want_sub"),
    PREFERENCE_CASES,
)
def test_preferences_pick_the_streams(
    audio_langs: str,
    sub_langs: str,
    mode: str,
    audio: list[AudioTrack],
    subs: list[SubtitleTrack],
    want_audio: int | None,
    want_sub: int | str | None,
) -> None:
    film = item(audio, subs)
    selection = select_tracks(film, None, prefs(audio_langs, sub_langs, mode))
    assert selected_indexes(film, selection) == (want_audio, want_sub)


def test_selection_numbers_embedded_streams_apart_from_files() -> None:
    film = item([ENG], [SUB_FRE, SUB_ENG_FORCED, EXTERNAL_ENG])
    chosen = select_tracks(film, choice_for(film, None, 3), prefs())
    assert chosen == TrackSelection(subtitle_file="/m/Film.en.srt", embedded_subtitles=2)
    chosen = select_tracks(film, choice_for(film, None, 2), prefs())
    assert chosen == TrackSelection(subtitle=2)
    assert select_tracks(film, choice_for(film, None, OFF), prefs("", "eng", "always")) == (
        TrackSelection(subtitles_off=True)
    )


def test_a_choice_is_remembered_by_language_and_fits_the_next_episode() -> None:
    """Episode 1 has English then Japanese audio; episode 2 the other way round, and its
    forced English subtitles come before the full ones."""
    first = item([ENG, JPN], [SUB_ENG, SUB_ENG_FORCED], kind="episode", series="Dark")
    second = item([JPN, ENG], [SUB_ENG_FORCED, SUB_ENG], id="m2", kind="episode", series="Dark")
    choice = choice_for(first, 2, 1)  # Japanese audio, full English subtitles
    assert choice == TrackChoice("jpn", None, "on", "eng", False, False, None)
    assert choice_key(first) == choice_key(second) == "show:dark"
    assert selected_indexes(second, select_tracks(second, choice, prefs("eng"))) == (1, 2)


def test_a_remembered_choice_wins_over_preferences_and_falls_back_where_it_does_not_fit() -> None:
    film = item([ENG, JPN], [SUB_ENG, SUB_FRE])
    choice = TrackChoice("ger", None, "on", "fre")  # no German audio here
    chosen = select_tracks(film, choice, prefs("jpn", "eng", "always"))
    assert selected_indexes(film, chosen) == (2, 2)  # audio from preferences, French subs kept
    # a stream without a language is remembered by its number
    nameless = item([UNKNOWN, UNKNOWN], [SubtitleTrack(None, "subrip")])
    choice = choice_for(nameless, 2, 1)
    assert choice.audio_number == 2 and choice.subtitle_number == 1
    assert selected_indexes(nameless, select_tracks(nameless, choice, prefs())) == (2, 1)


def test_choices_merge_audio_and_subtitles_apart() -> None:
    audio_only = TrackChoice("jpn")
    subtitles_only = TrackChoice(subtitles="off")
    assert audio_only.merged(subtitles_only) == TrackChoice("jpn", subtitles="off")
    assert TrackChoice("jpn", subtitles="off").merged(TrackChoice("eng")) == TrackChoice(
        "eng", subtitles="off"
    )
    assert TrackChoice.from_dict(TrackChoice("jpn", None, "on", "eng", True).to_dict()) == (
        TrackChoice("jpn", None, "on", "eng", True)
    )
    for bad in ({"audio_number": "2"}, {"subtitles": "maybe"}, {"subtitle_forced": None}):
        with pytest.raises(ValueError):
            TrackChoice.from_dict(bad)


def test_a_movie_is_remembered_alone() -> None:
    assert choice_key(item([], [])) == "item:m1"
    assert choice_key(item([], [], kind="episode", series=None)) == "item:m1"


@pytest.mark.parametrize(
    ("text", "what", "want"),
    [
        ("jpn", "audio", 2),
        ("ja", "audio", 2),
        ("Japanese", "audio", 2),
        ("1", "audio", 1),
        ("off", "subtitles", OFF),
        ("eng", "subtitles", 2),  # the full English subtitles before the forced ones
        ("3", "subtitles", 3),
    ],
)
def test_command_line_requests(text: str, what: str, want: int | str) -> None:
    streams = [ENG, JPN] if what == "audio" else [SUB_ENG_FORCED, SUB_ENG, SUB_FRE]
    assert parse_request(text, streams, what) == want


@pytest.mark.parametrize(
    ("text", "what", "message"),
    [
        ("ger", "audio", "no audio stream is in ger: the item has 1 (eng), 2 (jpn)"),
        ("3", "audio", "there is no audio stream 3"),
        ("klingonish", "audio", "'klingonish' is not a language or a stream number"),
        ("off", "audio", "not a language or a stream number"),
        ("0", "subtitles", "there is no subtitles stream 0: the item has 1 (eng, forced)"),
    ],
)
def test_bad_command_line_requests_say_what_exists(text: str, what: str, message: str) -> None:
    streams = [ENG, JPN] if what == "audio" else [SUB_ENG_FORCED]
    with pytest.raises(BadTrackRequest, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_request(text, streams, what)


def test_descriptions_show_language_codec_channels_title_and_flags() -> None:
    assert describe_audio(ENG) == 'eng · aac · stereo · "English" · default'
    assert describe_audio(JPN) == "jpn · aac · 5.1"
    assert describe_subtitle(SUB_ENG_FORCED) == 'eng · subrip · "Signs" · forced'
    assert describe_subtitle(EXTERNAL_ENG) == "eng · subrip · file Film.en.srt"
    assert describe_subtitle(SubtitleTrack()) == "unknown language"


def test_no_subtitles_known_means_no_decision() -> None:
    assert preferred_subtitle([], "jpn", prefs("", "eng", "always")) is None


def test_catalog_rows_leave_out_unset_stream_values() -> None:
    film = item(
        [AudioTrack("aac", 2, "eng"), ENG], [SubtitleTrack("eng", "subrip"), SUB_ENG_FORCED]
    )
    row = film.to_row()
    audio = next(v for v in row if isinstance(v, list) and v and v[0] == ["aac", 2, "eng"])
    assert audio == [["aac", 2, "eng"], ["aac", 2, "eng", "English", True]]
    assert [["eng", "subrip"], ["eng", "subrip", False, True, None, "Signs"]] in row
    again = MediaItem.from_row(row)
    assert again.audio == film.audio and again.subtitles == film.subtitles
