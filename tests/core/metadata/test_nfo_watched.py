"""NFO watch state as Kodi and Jellyfin write it: read, and written back in place."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from kino_tui.core.metadata.nfo import NfoError
from kino_tui.core.metadata.nfo_watched import (
    NfoWatchState,
    has_play_tags,
    parse_time,
    watch_state_from_bytes,
    with_watch_state,
)

# As Kodi's library export writes a movie (trimmed): playcount, lastplayed, resume.
KODI_MOVIE = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes" ?>
<movie>
    <title>Heat</title>
    <uniqueid type="imdb" default="true">tt0113277</uniqueid>
    <playcount>2</playcount>
    <lastplayed>2024-03-01 21:04:11</lastplayed>
    <resume>
        <position>1312.500000</position>
        <total>10200.000000</total>
    </resume>
    <fileinfo><streamdetails><video><codec>h264</codec></video></streamdetails></fileinfo>
</movie>
"""
# As Jellyfin writes an episode with "save user data to NFO".
JELLYFIN_EPISODE = b"""<?xml version="1.0" encoding="utf-8" standalone="yes"?>
<episodedetails>
  <plot />
  <title>Pilot</title>
  <watched>true</watched>
  <playcount>1</playcount>
  <lastplayed>2024-05-02 08:00:00</lastplayed>
  <season>1</season>
  <episode>1</episode>
</episodedetails>
"""


@pytest.fixture
def berlin() -> Iterator[None]:
    """Local time an hour ahead of UTC in winter, as a Kodi box in Germany writes it."""
    import os

    before = os.environ.get("TZ")
    os.environ["TZ"] = "Europe/Berlin"
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


def test_kodi_movie_watch_state(berlin: None) -> None:
    state = watch_state_from_bytes(KODI_MOVIE)
    assert state == NfoWatchState(
        play_count=2,
        watched=True,
        last_played="2024-03-01T20:04:11+00:00",  # local Berlin time → UTC
        position=1312.5,
        total=10200.0,
    )


def test_jellyfin_episode_watch_state(berlin: None) -> None:
    state = watch_state_from_bytes(JELLYFIN_EPISODE)
    assert state is not None
    assert (state.watched, state.play_count, state.position) == (True, 1, 0.0)
    assert state.last_played == "2024-05-02T06:00:00+00:00"  # summer time: UTC+2


def test_an_nfo_without_play_tags_says_nothing() -> None:
    data = b"<movie><title>Alien</title><year>1979</year></movie>"
    assert not has_play_tags(data)
    state = watch_state_from_bytes(data)
    assert state is not None and not state.says_anything
    assert has_play_tags(KODI_MOVIE) and has_play_tags(JELLYFIN_EPISODE)


def test_a_show_nfo_and_a_url_line_are_not_an_item_state() -> None:
    assert watch_state_from_bytes(b"<tvshow><playcount>3</playcount></tvshow>") is None
    assert watch_state_from_bytes(b"https://www.imdb.com/title/tt0113277/\n") is None


@pytest.mark.parametrize(
    "data",
    [
        b"<movie><title>Heat</title><playcount>2</playcount>",  # cut short
        b'<!DOCTYPE m [<!ENTITY a "aaaa">]><movie><title>&a;</title></movie>',  # entities
    ],
)
def test_a_damaged_nfo_is_an_error(data: bytes) -> None:
    with pytest.raises(NfoError):
        watch_state_from_bytes(data)


def test_odd_values_are_ignored_not_trusted() -> None:
    state = watch_state_from_bytes(
        b"<movie><playcount>lots</playcount><lastplayed>yesterday</lastplayed>"
        b"<resume><position>1e400</position><total>nan</total></resume></movie>"
    )
    assert state == NfoWatchState()
    assert parse_time("2024-13-45 99:00:00") is None


def test_writing_keeps_every_other_byte_and_the_encoding(berlin: None) -> None:
    original = (
        '<?xml version="1.0" encoding="ISO-8859-1"?>\n'
        "<!-- written by Kodi -->\n"
        "<movie>\n"
        "\t<title>Amélie</title>\n"
        "\t<playcount>0</playcount>\n"
        "\t<fileinfo><streamdetails/></fileinfo>\n"
        "</movie>\n"
        "https://www.themoviedb.org/movie/194\n"
    ).encode("iso-8859-1")
    state = NfoWatchState(2, True, "2024-03-01T20:04:11+00:00", 600.0, 7200.0)
    written = with_watch_state(original, state)
    text = written.decode("iso-8859-1")
    assert "<title>Amélie</title>" in text and b"Am\xe9lie" in written  # still Latin-1
    assert text.startswith('<?xml version="1.0" encoding="ISO-8859-1"?>\n<!-- written by Kodi -->')
    assert "\t<playcount>2</playcount>\n" in text
    assert "\t<lastplayed>2024-03-01 21:04:11</lastplayed>\n" in text  # local, as Kodi writes
    assert "<position>600.000000</position>" in text and "<total>7200.000000</total>" in text
    assert text.endswith("</movie>\nhttps://www.themoviedb.org/movie/194\n")
    assert "\t<fileinfo><streamdetails/></fileinfo>\n" in text
    assert watch_state_from_bytes(written) == state
    assert with_watch_state(written, state) == written  # the same state: the same bytes
    # the elements it did not touch, in order, are exactly the original's
    untouched = [line for line in text.splitlines() if "playcount" not in line]
    kept = [line for line in original.decode("iso-8859-1").splitlines() if "playcount" not in line]
    assert [line for line in untouched if line in kept] == kept


def test_writing_replaces_existing_tags_and_keeps_a_bom() -> None:
    original = b"\xef\xbb\xbf" + JELLYFIN_EPISODE
    state = NfoWatchState(3, True, "2024-06-01T10:00:00+00:00", 0.0, None)
    written = with_watch_state(original, state)
    assert written.startswith(b"\xef\xbb\xbf")
    assert written.count(b"<playcount>") == 1 and b"<playcount>3</playcount>" in written
    assert b"<watched>true</watched>" in written
    assert b"<plot />" in written and b"<season>1</season>" in written
    assert watch_state_from_bytes(written) is not None


def test_writing_a_damaged_nfo_is_refused() -> None:
    with pytest.raises(NfoError):
        with_watch_state(b"<movie><title>x</title>", NfoWatchState(1, True))
    with pytest.raises(NfoError):
        with_watch_state(b"<tvshow></tvshow>", NfoWatchState(1, True))


def test_a_utf16_nfo_is_read_and_written_as_utf16() -> None:
    original = (
        '<?xml version="1.0" encoding="UTF-16"?>\n<movie>\n  <title>Amélie</title>\n</movie>\n'
    ).encode("utf-16")
    assert original.startswith(b"\xff\xfe")
    state = watch_state_from_bytes(original)
    assert state is not None and not state.says_anything
    written = with_watch_state(original, NfoWatchState(1, True, None, 60.0, 120.0))
    text = written.decode("utf-16")
    assert text.startswith('<?xml version="1.0" encoding="UTF-16"?>\n<movie>\n  <title>Amélie')
    assert "  <playcount>1</playcount>\n" in text and "<position>60.000000</position>" in text
    assert watch_state_from_bytes(written) == NfoWatchState(1, True, None, 60.0, 120.0)
    assert has_play_tags(written)
