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
from kino_tui.core.naming.folders import disc_of_folder, extra_type_of_folder
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
    dated: bool = False  # the year came from a full date (a recording, not a film's year)


def _edition_text(text: str) -> str | None:
    text = clean_title(text.strip(" ._-"))
    if not text:
        return None
    return text.title() if text.isupper() and len(text) > 3 else text


def _unwrap(text: str) -> tuple[str, int | None]:
    """What surrounds a title and is none of it: a website, a broadcast recording's time
    and marks, a series' episode numbers (``[Group] Show - 07``, ``E01~E16 END``), a disc
    marker; a full date at the end gives the year. Returns the text and that year."""
    text = rules.WEBSITE_SUFFIX.sub("", rules.WEBSITE_PREFIX.sub("", text))
    if "年" in text or "[" in text or "【" in text:
        text = rules.BROADCAST_MARKS.sub(" ", rules.BROADCAST_PREFIX.sub("", text))
    grouped = rules.GROUP_PREFIX.match(text)
    if grouped:
        start = grouped.end()
        number = rules.ABSOLUTE_DASH.search(text, start) or rules.BRACKET_EPISODE.search(
            text, start
        )
        if number is not None and text[start : number.start()].strip(" ._-"):
            text = text[: number.start()]
    ranged = rules.EPISODE_RANGE.search(text)
    if ranged is not None and text[: ranged.start()].strip(" ._-"):
        text = text[: ranged.start()]
    text = rules.DISC_MARK.sub("", text)
    dated = rules.DATE_END.search(text)
    if dated is not None and text[: dated.start()].strip(" ._-"):
        return text[: dated.start()], int(dated["year"])
    return text, None


def read_movie_name(text: str) -> MovieName:
    """Title, year, edition and 3D marker of one movie name (a file stem or a folder)."""
    text, dated_year = _unwrap(text)
    name = _read_movie_name(text, keep_leading_tag=False)
    if dated_year is not None and name.year is None:
        return MovieName(name.title, dated_year, name.edition, name.three_d, dated=True)
    if text.lstrip().startswith("[") and (not name.title or name.year is None):
        kept = _read_movie_name(text, keep_leading_tag=True)  # ``[REC] (2007)``
        if kept.title and (not name.title or kept.year is not None):
            return kept
    return name


def _read_movie_name(text: str, keep_leading_tag: bool) -> MovieName:
    edition = None
    tag = rules.EDITION_TAG.search(text)
    if tag:
        edition = tag["edition"].strip()
        text = text[: tag.start()] + " " + text[tag.end() :]
    text = rules.IDS.sub(" ", text)
    version = _VERSION.match(text)
    if version and edition is None and last_year(version["base"]):
        # Jellyfin's versions: ``Film (2010) - 2160p``, ``Film (2010) - [Directors Cut]``;
        # release junk after the dash (``- WEBDL-1080p - x264 AC3``) is no version
        label = version["version"].strip(" []()")
        if not (looks_like_release(label) and len(label.split()) > 1):
            edition = _edition_text(label)
        text = version["base"]
    text = drop_tags(text, keep_leading=keep_leading_tag)
    if " " not in text.strip() and "." not in text and "_" not in text and text.count("-") >= 2:
        text = text.replace("-", " ")  # Movie-Name-2018-1080p-WEB-DL
    head, _ = cut_release(text)
    tail = rules.RELEASE_TAIL.search(head)
    if tail is not None and head[: tail.start()].strip(" ._-"):
        head = head[: tail.start()]
    year_match = last_year(head)
    if year_match is not None:
        title_text, rest = head[: year_match.start()], head[year_match.end() :]
        year: int | None = int(year_match["year"])
    else:
        title_text, rest, year = head, "", None
    three_d = None
    if year_match is not None:
        marker = rules.THREE_D.search(rest)
        if marker is not None:
            three_d, rest = marker["mode"], rest[: marker.start()]
    else:
        markers = [m for m in rules.THREE_D.finditer(head) if head[: m.start()].strip(" ._-([")]
        if markers:
            # the first of the markers that end the name: ``Avatar.hsbs.3d`` is *Avatar*
            first = markers[-1]
            for marker in reversed(markers[:-1]):
                if head[marker.end() : first.start()].strip(" ._-"):
                    break
                first = marker
            three_d, title_text = first["mode"], head[: first.start()]
    if year_match is None:
        words = rules.EDITION_WORDS.search(title_text)
        if words and title_text[: words.start()].strip(" ._-(") and " - " not in title_text:
            title_text, rest = title_text[: words.start()], title_text[words.start() :]
    rest = rest.strip(" ._)]")
    if edition is None and rest:
        if re.match(r"-\s", rest):
            edition = _edition_text(rest[1:])
        else:
            found = rules.EDITION_WORDS.search(rest)
            edition = _edition_text(found["edition"]) if found else None
    title = clean_title(title_text, keep_leading_tag)
    mode = three_d.lower().replace("-", "") if three_d else None
    return MovieName(title, year, edition, mode)


def read_movie(file_stem: str, context: PathContext, info: NameInfo) -> None:
    """Fill ``info`` as a movie (or a plain video outside a movies library).

    The movie's folder names it when the file does not say more: ``Film (2010)/movie.mkv``,
    an obfuscated file in a release folder (``Film.2010.1080p-GRP/grp-f.mkv``); and it
    gives its spelling to a file of the same name (``Movie Name (2019)/movie-name-2019.mkv``).
    """
    folders = context.folders
    parent = folders[-1] if folders else None
    if parent and disc_of_folder(parent) is not None and len(folders) >= 2:
        parent = folders[-2]  # Film (2010)/CD1/film.avi
    name = read_movie_name(file_stem)
    title, year, edition = name.title, name.year, name.edition
    if not title and looks_like_release(file_stem):
        guessed_title, guessed_year = guess.guess_movie(file_stem)
        title, year = guessed_title or title, year or guessed_year
    if parent and extra_type_of_folder(parent) is None:
        folder = read_movie_name(parent)
        same = bool(folder.title) and _squash(folder.title) == _squash(title)
        release_folder = looks_like_release(parent) and not looks_like_release(file_stem)
        if folder.title and year is None and (folder.year is not None or release_folder):
            title, year = folder.title, folder.year
        elif same and (year is None or year == folder.year):
            title = folder.title
    info.title = title or clean_title(file_stem) or file_stem
    info.year = year
    info.edition = edition
    info.three_d = name.three_d
    movie_like = (year is not None and not name.dated) or looks_like_release(file_stem)
    if context.root_type == "movies" or (context.root_type == "mixed" and movie_like):
        info.kind = "movie"
    else:
        info.kind = "video"


def _squash(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())
