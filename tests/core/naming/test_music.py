"""Music read from folders when the tags say nothing (tags win in the scanner)."""

from __future__ import annotations

import pytest

from kino_tui.core.naming import parse_track_path


@pytest.mark.parametrize(
    ("path", "artist", "album", "year", "disc", "track", "title"),
    [
        (
            "Artist/Album (1999)/03 - Song Title.flac",
            "Artist",
            "Album",
            1999,
            None,
            3,
            "Song Title",
        ),
        ("Band/Live/CD2/1-07 Other.mp3", "Band", "Live", None, 1, 7, "Other"),
        ("Band/Live/Disc 2/07 - Other.mp3", "Band", "Live", None, 2, 7, "Other"),
        ("Band/Singles/Band - Loose.mp3", "Band", "Singles", None, None, None, "Loose"),
        ("Intro.mp3", None, None, None, None, None, "Intro"),
        (
            "Radiohead/OK Computer (1997)/Radiohead - 02 - Paranoid Android.mp3",
            "Radiohead",
            "OK Computer",
            1997,
            None,
            2,
            "Paranoid Android",
        ),
        (
            "Daft Punk/Discovery (2001)/Track 02.mp3",
            "Daft Punk",
            "Discovery",
            2001,
            None,
            2,
            "Track 02",
        ),
        ("Daft Punk/Discovery (2001)/03.flac", "Daft Punk", "Discovery", 2001, None, 3, "03"),
        (
            "Metallica/1986 - Master of Puppets/01 - Battery.flac",
            "Metallica",
            "Master of Puppets",
            1986,
            None,
            1,
            "Battery",
        ),
        (
            "Metallica/[1991] Metallica/01 - Enter Sandman.flac",
            "Metallica",
            "Metallica",
            1991,
            None,
            1,
            "Enter Sandman",
        ),
        (
            "Metallica/(1983) Kill 'Em All/02 - The Four Horsemen.mp3",
            "Metallica",
            "Kill 'Em All",
            1983,
            None,
            2,
            "The Four Horsemen",
        ),
        (
            "Taylor Swift/1989 (2014)/01 - Welcome to New York.flac",
            "Taylor Swift",
            "1989",
            2014,
            None,
            1,
            "Welcome to New York",
        ),
        (
            "Pink Floyd - Wish You Were Here (1975)/01 - Shine On.flac",
            "Pink Floyd",
            "Wish You Were Here",
            1975,
            None,
            1,
            "Shine On",
        ),
        (
            "Rock/Pink Floyd - Animals (1977)/01 - Pigs.flac",
            "Pink Floyd",
            "Animals",
            1977,
            None,
            1,
            "Pigs",
        ),
        (
            "Various Artists/Pulp Fiction (1994)/01 - Dick Dale - Misirlou.mp3",
            "Dick Dale",
            "Pulp Fiction",
            1994,
            None,
            1,
            "Misirlou",
        ),
        ("VA/Hits/CD1/01 - a-ha - Take On Me.mp3", "a-ha", "Hits", None, 1, 1, "Take On Me"),
        (
            "Compilations/Trainspotting (1996)/01. Iggy Pop - Lust for Life.flac",
            "Iggy Pop",
            "Trainspotting",
            1996,
            None,
            1,
            "Lust for Life",
        ),
    ],
)
def test_track_paths(
    path: str,
    artist: str | None,
    album: str | None,
    year: int | None,
    disc: int | None,
    track: int | None,
    title: str,
) -> None:
    *folders, name = path.split("/")
    info = parse_track_path(name, tuple(folders))
    assert (info.artist, info.album, info.year, info.disc, info.track, info.title) == (
        artist,
        album,
        year,
        disc,
        track,
        title,
    )
