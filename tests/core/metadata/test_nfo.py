"""Kodi NFO files: the useful tags, URL-only NFOs, and hostile or broken XML."""

from __future__ import annotations

import time

import pytest

from kino_tui.core.metadata.nfo import NfoError, parse_nfo_bytes

MOVIE = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes" ?>
<movie>
  <title>Le Fabuleux Destin</title>
  <originaltitle>Le Fabuleux Destin d'Am\xc3\xa9lie Poulain</originaltitle>
  <sorttitle>Fabuleux</sorttitle>
  <year>2001</year>
  <plot>A [bold]shy[/bold] waitress decides to change the lives of those around her.</plot>
  <runtime>122</runtime>
  <genre>Comedy</genre>
  <genre>Romance</genre>
  <ratings><rating name="imdb" default="true"><value>8.3</value><votes>1</votes></rating></ratings>
  <uniqueid type="imdb" default="true">tt0211915</uniqueid>
  <uniqueid type="tmdb">194</uniqueid>
</movie>
https://www.imdb.com/title/tt0211915/
"""


def test_movie_nfo_fields() -> None:
    info = parse_nfo_bytes(MOVIE)
    assert info.root_tag == "movie"
    assert info.title == "Le Fabuleux Destin"
    assert info.original_title == "Le Fabuleux Destin d'Amélie Poulain"
    assert info.sort_title == "Fabuleux"
    assert info.year == 2001
    assert info.plot and info.plot.startswith("A [bold]shy[/bold]")
    assert info.runtime == 122
    assert info.genres == ["Comedy", "Romance"]
    assert info.rating == 8.3
    assert info.ids == {"imdb": "tt0211915", "tmdb": "194"}


def test_url_only_nfo_gives_ids() -> None:
    info = parse_nfo_bytes(b"https://www.imdb.com/title/tt0111161/\n")
    assert info.ids == {"imdb": "tt0111161"}
    assert info.title is None


def test_episode_nfo_and_premiered_year() -> None:
    info = parse_nfo_bytes(
        b"<episodedetails><title>Pilot</title><season>1</season><episode>1</episode>"
        b"<premiered>2008-01-20</premiered><rating>9.0</rating></episodedetails>"
    )
    assert (info.root_tag, info.title, info.year, info.rating) == (
        "episodedetails",
        "Pilot",
        2008,
        9.0,
    )


def test_billion_laughs_is_refused_quickly() -> None:
    bomb = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<movie><title>&lol9;</title></movie>"""
    started = time.perf_counter()
    with pytest.raises(NfoError, match="refused"):
        parse_nfo_bytes(bomb)
    assert time.perf_counter() - started < 1.0


def test_external_entity_is_refused() -> None:
    hostile = b"""<?xml version="1.0"?>
<!DOCTYPE movie [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<movie><title>&secret;</title></movie>"""
    with pytest.raises(NfoError, match="refused"):
        parse_nfo_bytes(hostile)


def test_malformed_xml_is_an_error() -> None:
    with pytest.raises(NfoError, match="malformed"):
        parse_nfo_bytes(b"<movie><title>Broken</movie>")
