"""tracks.json: choices kept per show or movie, written atomically, a damaged file set aside."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kino_tui.core.errors import DataFileUnreadable
from kino_tui.core.play.tracks import TrackChoice
from kino_tui.core.watch.track_choices import TrackChoiceStore


def test_choices_are_kept_across_stores_and_merged(tmp_path: Path) -> None:
    path = tmp_path / "data" / "tracks.json"
    store = TrackChoiceStore(path)
    assert store.get("show:dark") is None
    store.remember("show:dark", TrackChoice("jpn"))
    store.remember("show:dark", TrackChoice(subtitles="on", subtitle_language="eng"))
    store.remember("item:m1", TrackChoice(subtitles="off"))
    again = TrackChoiceStore(path)
    assert again.get("show:dark") == TrackChoice("jpn", subtitles="on", subtitle_language="eng")
    assert again.all() == {
        "item:m1": TrackChoice(subtitles="off"),
        "show:dark": TrackChoice("jpn", subtitles="on", subtitle_language="eng"),
    }
    assert json.loads(path.read_text())["version"] == 1
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]
    assert again.take_warnings() == []


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('{"choices": {"show:dark": {"audio_lan', "not JSON"),
        ("[1, 2]", "not an object with a choices table"),
        ('{"choices": {"show:dark": {"audio_number": "two"}}}', "the choice for 'show:dark'"),
        ('{"choices": {"show:dark": 3}}', "the choice for 'show:dark' is not an object"),
    ],
)
def test_a_damaged_file_is_kept_aside_with_a_message(
    tmp_path: Path, text: str, reason: str
) -> None:
    path = tmp_path / "tracks.json"
    path.write_text(text)
    store = TrackChoiceStore(path)
    assert store.get("show:dark") is None  # kino goes on without the choices
    (line,) = store.take_warnings()
    assert f"{path} was damaged ({reason}" in line
    assert "audio and subtitle choices" in line
    (kept,) = tmp_path.glob("tracks.json.damaged-*")
    assert kept.read_text() == text  # nothing lost: the damaged file is there to look at
    assert not path.exists()
    store.remember("item:m1", TrackChoice("eng"))  # and a new one is started
    assert TrackChoiceStore(path).get("item:m1") == TrackChoice("eng")
    assert store.take_warnings() == []


def test_a_file_that_cannot_be_read_is_a_warning_for_readers_and_an_error_for_writers(
    tmp_path: Path,
) -> None:
    path = tmp_path / "tracks.json"
    path.mkdir()  # reading it fails (also as root, unlike a chmod)
    store = TrackChoiceStore(path)
    assert store.all() == {} and store.get("item:m1") is None
    (line,) = store.take_warnings()  # said once, however often it is read
    assert line.startswith(f"cannot read {path}: ") and "choices are not used" in line
    with pytest.raises(DataFileUnreadable):
        store.remember("item:m1", TrackChoice("eng"))
    assert path.is_dir()  # left as it was
