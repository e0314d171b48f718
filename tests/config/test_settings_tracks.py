"""The language settings of config.toml: audio_languages, subtitle_languages, subtitles."""

from __future__ import annotations

from pathlib import Path

import pytest

from kino_tui.config.load import load_settings
from kino_tui.core.errors import ConfigError
from kino_tui.core.play.tracks import TrackPreferences


def test_languages_are_read_as_codes_in_order(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        'audio_languages = ["ja", "English", "eng"]\nsubtitle_languages = "fr"\n'
        'subtitles = "forced"\n'
    )
    assert load_settings(path).tracks == TrackPreferences(("jpn", "eng"), ("fre",), "forced")
    path.write_text("")
    assert load_settings(path).tracks == TrackPreferences((), (), "auto")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('player = "mpv"\nsubtitles = "sometimes"\n',
         "line 2: subtitles must be one of auto, always, forced, off, not 'sometimes'"),
        ('audio_languages = ["jpn", "xx-nope"]\n',
         "line 1: audio_languages: 'xx-nope' is not a language kino knows"),
        ("subtitle_languages = [1]\n",
         'line 1: subtitle_languages must be a list of language codes, like \\["jpn", "eng"\\]'),
        ('[mpv]\nargs = []\naudio_languages = ["jpn"]\n',
         "line 3: 'audio_languages' is a top-level setting, but here it is inside \\[mpv\\]"),
        ('audio_language = ["jpn"]\n',
         "unknown setting 'audio_language' \\(did you mean 'audio_languages'\\?\\)"),
    ],
)  # fmt: skip
def test_bad_language_settings_name_the_line(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=expected):
        load_settings(path)
