"""A catalog's worth of items for the index tests: every kind, the awkward cases."""

from __future__ import annotations

import os
import random

from kino_tui.core.models import MediaItem

ROOT = "/m"
WORDS = ["dark", "city", "amélie", "night", "river", "ac/dc", "season", "the", "a", "x2", "10"]


def item(item_id: str, kind: str, path: str, **fields: object) -> MediaItem:
    return MediaItem(id=item_id, kind=kind, path=path, root=ROOT, parts=[path], **fields)  # type: ignore[arg-type]


def corpus(count: int = 600, seed: int = 3) -> list[MediaItem]:
    """Movies (some with equal titles), episodes (numbered, specials, numberless seasons),
    tracks (album artists, missing albums), extras, a movie in two parts, a file name
    that is not UTF-8, accents and punctuation."""
    rng = random.Random(seed)

    def title() -> str:
        return " ".join(rng.choice(WORDS).title() for _ in range(rng.randint(1, 3)))

    items: list[MediaItem] = []
    for n in range(count):
        kind = ("movie", "episode", "track", "extra")[n % 4]
        name = title()
        if kind == "movie":
            path = f"/m/Movies/{name} ({1990 + n % 30})/{name}.mkv"
            items.append(item(f"m{n}", kind, path, title=name, year=1990 + n % 30))
        elif kind == "episode":
            show = f"{rng.choice(WORDS).title()} Show"
            season = rng.choice([None, 0, 1, 2, 10])
            path = f"/m/TV/{show}/Season {season}/{show} S{season}E{n}.mkv"
            items.append(
                item(f"e{n}", kind, path, series=show, season=season, episode=n % 13, title=name)
            )
        elif kind == "track":
            artist = rng.choice(["AC/DC", "Air", "Amélie Band", "Dark Night"])
            album = rng.choice(["Moon Safari", "Highway", None, "Dark"])
            album_artist = "Various" if n % 11 == 0 else None
            path = f"/m/Music/{artist}/{album}/{n:02d} {name}.mp3"
            items.append(
                item(
                    f"t{n}", kind, path, artist=artist, album=album, album_artist=album_artist,
                    track=n % 12, disc=n % 2 or None, title=name,
                )
            )  # fmt: skip
        else:
            path = f"/m/Movies/Extras/{name} trailer {n}.mkv"
            items.append(item(f"x{n}", kind, path, title=name, extra_of="m0"))
    raw_name = os.fsdecode(b"/m/Movies/Caf\xe9 Noir.mkv")  # Latin-1 bytes: not UTF-8
    items.append(item("raw", "movie", raw_name, title="Café Noir"))
    two = ["/m/Movies/Long (2001)/Long cd1.mkv", "/m/Movies/Long (2001)/Long cd2.mkv"]
    items.append(MediaItem(id="parts", kind="movie", path=two[0], root=ROOT, parts=two, title="Long"))
    return items
