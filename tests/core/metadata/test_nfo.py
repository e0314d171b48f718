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


RICH = """<?xml version="1.0" encoding="utf-8" standalone="yes"?>
<movie>
  <title>Heat</title>
  <originaltitle>Heat</originaltitle>
  <sorttitle>Heat 1995</sorttitle>
  <tagline>A Los Angeles crime saga</tagline>
  <outline>A group of thieves and a detective.</outline>
  <ratings>
    <rating name="themoviedb" max="10"><value>7,9</value><votes>6000</votes></rating>
    <rating name="imdb" max="10" default="true"><value>8.3</value></rating>
    <rating name="tomatometerallcritics" max="100"><value>88</value></rating>
  </ratings>
  <mpaa>Rated R</mpaa>
  <premiered>1995-12-15</premiered>
  <runtime>170</runtime>
  <studio>Warner Bros. Pictures</studio>
  <studio>Regency Enterprises / Forward Pass</studio>
  <genre>Crime / Drama</genre>
  <tag>heist</tag>
  <country>United States of America</country>
  <set><name>Heat Collection</name><overview>…</overview></set>
  <actor><name>Robert De Niro</name><role>Neil McCauley</role><order>1</order>
    <thumb>https://image.tmdb.org/t/p/original/x.jpg</thumb></actor>
  <actor><name>Al Pacino</name><role>Lt. Vincent Hanna</role><order>0</order>
    <thumb>.actors/Al_Pacino.jpg</thumb></actor>
  <actor><name>Val Kilmer</name><role>Chris Shiherlis</role></actor>
  <director>Michael Mann</director>
  <credits>Michael Mann</credits>
  <uniqueid type="tmdb">949</uniqueid>
  <uniqueid type="IMDB" default="true">tt0113277</uniqueid>
  <uniqueid type="wikidata">Q496389</uniqueid>
</movie>
""".encode()


def test_the_whole_movie_nfo_is_read() -> None:
    info = parse_nfo_bytes(RICH)
    assert info.tagline == "A Los Angeles crime saga"
    assert info.plot is None and info.outline == "A group of thieves and a detective."
    assert info.as_fields()["plot"] == info.outline  # the outline when there is no plot
    assert info.rating == 8.3  # the default source
    assert info.ratings == {"themoviedb": 7.9, "imdb": 8.3, "tomatometerallcritics": 8.8}
    assert info.certification == "R"
    assert (info.premiered, info.year, info.runtime) == ("1995-12-15", 1995, 170)
    assert info.studios == ["Warner Bros. Pictures", "Regency Enterprises", "Forward Pass"]
    assert info.genres == ["Crime", "Drama"]
    assert (info.tags, info.countries) == (["heist"], ["United States of America"])
    assert info.collection == "Heat Collection"
    assert [(m.name, m.role) for m in info.cast] == [
        ("Al Pacino", "Lt. Vincent Hanna"),
        ("Robert De Niro", "Neil McCauley"),
        ("Val Kilmer", "Chris Shiherlis"),
    ]
    # a local thumb is kept, a web address is not (kino never fetches)
    assert [m.thumb for m in info.cast] == [".actors/Al_Pacino.jpg", None, None]
    assert (info.directors, info.writers) == (["Michael Mann"], ["Michael Mann"])
    assert info.ids == {"tmdb": "949", "imdb": "tt0113277", "wikidata": "Q496389"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [("US:PG-13", "PG-13"), ("Rated PG-13", "PG-13"), ("FSK 12", "FSK 12"), ("TV-MA", "TV-MA")],
)
def test_certifications(text: str, expected: str) -> None:
    assert parse_nfo_bytes(f"<movie><mpaa>{text}</mpaa></movie>".encode()).certification == expected


def test_old_set_and_rating_forms_and_decimal_commas() -> None:
    info = parse_nfo_bytes(
        b"<movie><set>Alien Collection</set><rating>6,4</rating><imdbid>tt0078748</imdbid>"
        b"<tmdbid>348</tmdbid><runtime>117,0</runtime></movie>"
    )
    assert (info.collection, info.rating, info.runtime) == ("Alien Collection", 6.4, 117)
    assert info.ids == {"imdb": "tt0078748", "tmdb": "348"}


@pytest.mark.parametrize(
    ("content", "ids"),
    [
        (b"https://www.themoviedb.org/movie/603-the-matrix\n", {"tmdb": "603"}),
        (b"https://thetvdb.com/?tab=series&id=81189\n", {"tvdb": "81189"}),
        (b"http://www.imdb.com/title/tt0133093/", {"imdb": "tt0133093"}),
        (b"<movie><title>T</title></movie>\nhttps://www.themoviedb.org/movie/603", {"tmdb": "603"}),
    ],
)
def test_url_only_nfos(content: bytes, ids: dict[str, str]) -> None:
    assert parse_nfo_bytes(content).ids == ids


def test_several_episodedetails_in_one_file() -> None:
    info = parse_nfo_bytes(
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b"<episodedetails><title>Part One</title><season>1</season><episode>5</episode>"
        b"<aired>2010-03-01</aired><director>A</director><plot>First.</plot>"
        b'<uniqueid type="tvdb">1</uniqueid></episodedetails>\n'
        b"<episodedetails><title>Part Two</title><season>1</season><episode>6</episode>"
        b"<director>B</director><plot>Second.</plot></episodedetails>\n"
    )
    assert (info.season, info.episode, info.episode_end) == (1, 5, 6)
    assert info.title == "Part One / Part Two"
    assert info.plot == "First.\n\nSecond."
    assert (info.premiered, info.directors, info.ids) == ("2010-03-01", ["A", "B"], {"tvdb": "1"})


def test_show_season_album_and_artist_nfos() -> None:
    show = parse_nfo_bytes(
        b"<tvshow><title>The Wire</title><mpaa>TV-MA</mpaa><studio>HBO</studio>"
        b"<premiered>2002-06-02</premiered><id>79126</id></tvshow>"
    )
    assert (show.root_tag, show.title, show.certification, show.studios, show.year) == (
        "tvshow",
        "The Wire",
        "TV-MA",
        ["HBO"],
        2002,
    )
    assert show.ids == {"tvdb": "79126"}
    season = parse_nfo_bytes(
        b"<season><seasonnumber>0</seasonnumber><title>Extras</title></season>"
    )
    assert (season.root_tag, season.season, season.title) == ("season", 0, "Extras")
    album = parse_nfo_bytes(
        b"<album><title>Kind of Blue</title><artist>Miles Davis</artist><genre>Jazz</genre>"
        b"<year>1959</year><label>Columbia</label><review>Modal.</review>"
        b"<musicBrainzAlbumID>abc</musicBrainzAlbumID></album>"
    )
    assert (album.title, album.artist, album.year, album.studios, album.plot) == (
        "Kind of Blue",
        "Miles Davis",
        1959,
        ["Columbia"],
        "Modal.",
    )
    assert album.ids == {"musicbrainzalbum": "abc"}
    artist = parse_nfo_bytes(
        b"<artist><name>Miles Davis</name><biography>Trumpet.</biography></artist>"
    )
    assert (artist.title, artist.plot) == ("Miles Davis", "Trumpet.")


@pytest.mark.parametrize(
    "content",
    [
        b"<movie><title>x</title>",  # unclosed
        b"<movie><title>x</title></movie><movie>",  # junk after, not episodes
        b"<episodedetails><title>x</title></episodedetails><episodedetails>",
    ],
)
def test_bad_nfos_are_errors_not_crashes(content: bytes) -> None:
    with pytest.raises(NfoError):
        parse_nfo_bytes(content)


def test_binary_garbage_is_an_nfo_that_says_nothing() -> None:
    info = parse_nfo_bytes(b"\xff\xfe<\x00m\x00\x00\x01")
    assert (info.title, info.ids) == (None, {})


def test_nonsense_values_are_dropped() -> None:
    info = parse_nfo_bytes(
        b"<movie><premiered>2010-13-45</premiered><year>99999</year><rating>nan</rating>"
        b"<actor><role>nameless</role></actor><actor><name>  </name></actor></movie>"
    )
    assert (info.premiered, info.year, info.rating, info.cast) == (None, None, None, [])


def test_a_cut_or_mangled_nfo_is_an_error_or_a_reading_never_a_crash() -> None:
    """Every prefix of a rich NFO, and copies with bytes flipped: NfoError or an NfoInfo."""
    import random

    samples = [RICH[:cut] for cut in range(0, len(RICH), 7)]
    chance = random.Random(21)
    for _ in range(200):
        data = bytearray(RICH)
        for _ in range(5):
            data[chance.randrange(len(data))] = chance.randrange(256)
        samples.append(bytes(data))
    for data in samples:
        try:
            info = parse_nfo_bytes(data)
        except NfoError:
            continue
        info.as_fields()  # and what it gives is usable
