"""What a folder's name says: a season, a disc, an extras folder, a show."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kino_tui.core.naming import rules
from kino_tui.core.naming.titles import clean_title, drop_tags, split_title_year

#: Where a release-style show folder's name stops being the show: a season or episode
#: marker, a "complete" pack word, or release junk.
_SHOW_FOLDER_END = re.compile(
    rf"(?<![a-z0-9])(?:s(?P<s1>\d{{1,4}})(?:e\d{{1,4}})?(?:[ ._-]*-?[ ._-]*s?\d{{1,4}})?|"
    rf"(?:{rules.SEASON_WORDS})[ ._-]*(?P<s2>\d{{1,4}})(?:[ ._-]*-[ ._-]*\d{{1,4}})?|"
    r"\d{1,2}x\d{2,3}|complete(?:[ ._-]+(?:series|season|collection))?|the[ ._-]+complete)"
    r"(?![a-z0-9])",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class ShowFolder:
    """A show folder's name read: ``Show.Name.2010.S01.1080p-GRP`` → Show Name, 2010, 1."""

    title: str
    year: int | None
    season: int | None


def season_of_folder(name: str, shows_root: bool = False) -> int | None:
    """``Season 01`` → 1, ``S02`` → 2, ``Specials`` → 0, anything else → None.

    Under a ``shows`` root a bare number below a show folder is a season folder too
    (``Show/2/``, ``Show/2023/``): ``shows_root`` says the folder is at such a place.
    """
    name = name.strip()
    if rules.SPECIALS_FOLDER.match(name):
        return 0
    match = rules.SEASON_FOLDER.match(name) or rules.ORDINAL_SEASON_FOLDER.match(name)
    if match is None and shows_root:
        match = rules.BARE_SEASON_FOLDER.match(name)
    return int(match.group(1)) if match else None


def disc_of_folder(name: str) -> int | None:
    """``CD1`` / ``Disc 2`` → the disc number, anything else → None."""
    match = rules.DISC_FOLDER.match(name.strip())
    return int(match.group(1)) if match else None


def extra_type_of_folder(name: str) -> str | None:
    return rules.EXTRA_FOLDERS.get(name.strip().lower())


def read_show_folder(name: str) -> ShowFolder:
    """A show's name from its folder, cleaned of release style and season packs."""
    text = drop_tags(rules.IDS.sub(" ", name))
    season = None
    end = _SHOW_FOLDER_END.search(text)
    while end is not None and not text[: end.start()].strip(" ._-(["):
        end = _SHOW_FOLDER_END.search(text, end.end())
    if end is not None:
        number = end["s1"] or end["s2"]
        season = int(number) if number else None
        text = text[: end.start()]
    title, year, _ = split_title_year(text)
    return ShowFolder(title or clean_title(name), year, season)
