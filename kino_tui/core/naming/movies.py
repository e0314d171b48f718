"""Movies: title, year, edition and 3D from the file name, or from the movie's folder.

``Film (2010)``, ``Film [2010]``, ``Film.2010.1080p.BluRay.x264-GRP``; a year that is part
of the title stays in it (``1917 (2019)``, ``2012.2009.1080p``, ``Blade Runner 2049``);
editions from ``{edition-…}``, `` - Directors Cut`` or release words (``EXTENDED``);
3D markers (``3D``, ``HSBS``, ``TAB``…) are noted and removed from the title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kino_tui.core.naming import guess, rules
from kino_tui.core.naming.folders import disc_of_folder
from kino_tui.core.naming.records import NameInfo, PathContext
from kino_tui.core.naming.titles import (
    clean_title,
    cut_release,
    drop_tags,
    last_year,
    looks_like_release,
)

_VERSION = re.compile(r"^(?P<base>.*?(?:19|20)\d{2}[)\]]?)\s+-\s+(?P<version>\S.*)$")


@dataclass(frozen=True, slots=True)
class MovieName:
    title: str
    year: int | None
    edition: str | None
    three_d: str | None


def _edition_text(text: str) -> str | None:
    text = clean_title(text.strip(" ._-"))
    if not text:
        return None
    return text.title() if text.isupper() and len(text) > 3 else text


def read_movie_name(text: str) -> MovieName:
    """Title, year, edition and 3D marker of one movie name (a file stem or a folder)."""
    edition = None
    tag = rules.EDITION_TAG.search(text)
    if tag:
        edition = tag["edition"].strip()
    text = drop_tags(rules.IDS.sub(" ", text))
    version = _VERSION.match(text)
    if version and edition is None and last_year(version["base"]):
        # Jellyfin's versions: ``Film (2010) - 2160p``, ``Film (2010) - Directors Cut``
        edition = _edition_text(version["version"])
        text = version["base"]
    head, _ = cut_release(text)
    three_d = None
    marker = rules.THREE_D.search(head)
    while marker is not None and not head[: marker.start()].strip(" ._-(["):
        marker = rules.THREE_D.search(head, marker.end())
    if marker is not None:
        three_d = marker["mode"].lower().replace("-", "")
        head = head[: marker.start()]
    year_match = last_year(head)
    if year_match is not None:
        title_text, rest = head[: year_match.start()], head[year_match.end() :]
        year: int | None = int(year_match["year"])
    else:
        title_text, rest, year = head, "", None
        words = rules.EDITION_WORDS.search(head)
        if words and head[: words.start()].strip(" ._-(") and " - " not in head:
            title_text, rest = head[: words.start()], head[words.start() :]
    rest = rest.strip(" ._)]")
    if edition is None and rest:
        if rest.startswith("-"):
            edition = _edition_text(rest[1:])
        else:
            found = rules.EDITION_WORDS.search(rest)
            edition = _edition_text(found["edition"]) if found else None
    title = clean_title(title_text)
    return MovieName(title, year, edition, three_d)


def read_movie(file_stem: str, context: PathContext, info: NameInfo) -> None:
    """Fill ``info`` as a movie (or a plain video outside a movies library)."""
    folders = context.folders
    parent = folders[-1] if folders else None
    if parent and disc_of_folder(parent) is not None and len(folders) >= 2:
        parent = folders[-2]  # Film (2010)/CD1/film.avi
    name = read_movie_name(file_stem)
    title, year, edition = name.title, name.year, name.edition
    if not title and looks_like_release(file_stem):
        guessed_title, guessed_year = guess.guess_movie(file_stem)
        title, year = guessed_title or title, year or guessed_year
    if year is None and parent:
        folder = read_movie_name(parent)
        if folder.year is not None:
            year = folder.year
            title = folder.title or title
    info.title = title or clean_title(file_stem) or file_stem
    info.year = year
    info.edition = edition
    info.three_d = name.three_d
    movie_like = year is not None or looks_like_release(file_stem)
    if context.root_type == "movies" or (context.root_type == "mixed" and movie_like):
        info.kind = "movie"
    else:
        info.kind = "video"
