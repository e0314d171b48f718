"""Episodes: the show from the folders, the numbers from the name by the best rule that fits.

Rules are tried in order (``rules.EPISODE_RULES``, then absolute and date forms, then the
forms that need a show around them); guessit reads only what none of them can, once per
name pattern. Under a ``shows`` root every video is an episode, numberless ones too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from kino_tui.core.naming import guess, rules
from kino_tui.core.naming.folders import (
    ShowFolder,
    disc_of_folder,
    read_show_folder,
    season_of_folder,
)
from kino_tui.core.naming.records import NameInfo, PathContext
from kino_tui.core.naming.titles import (
    clean_title,
    cut_release,
    drop_tags,
    find_ids,
    looks_like_release,
    plausible_year,
    split_title_year,
)

_NUMBERS = re.compile(r"\d+")
#: Sonarr's anime format repeats the absolute number after SxxEyy: ``- 001 -``, ``- 001-003 -``.
_ABSOLUTE_AFTER = re.compile(r"^\d{1,4}(?:-\d{1,4})?[ ._]+-[ ._]+")
#: A release group left after the tags were dropped: ``Title [1080p]-GRP`` → ``Title  -GRP``.
_GROUP_AFTER_TAGS = re.compile(r"\s+-[^\s-][^\s]*\s*$")
_YEAR_ONLY = re.compile(r"\((?:19|20)\d{2}\)|\[(?:19|20)\d{2}\]")
#: Where the tags after an episode title begin: a square bracket, or a round one that
#: holds release words.
_TAG_START = re.compile(r"\[|\((?=[^)]*(?:\d{3,4}p|bd|web|dvd|hdtv|x26|hevc|flac|aac)\b)", re.I)


@dataclass(slots=True)
class Marker:
    """Where the numbers were found in the name, and what they are."""

    rule: str
    start: int
    end: int
    season: int | None = None
    episode: int | None = None
    episode_end: int | None = None
    air_date: str | None = None


@dataclass(slots=True)
class Place:
    """What the folders above a file say: its show folder and its season."""

    show: ShowFolder | None
    show_folder: str | None  # the folder's own name (for ids)
    season: int | None
    in_season_folder: bool


def place_of(context: PathContext) -> Place:
    """The show folder (nearest folder that is not a season or disc folder) and the season."""
    shows_root = context.root_type == "shows"
    season: int | None = None
    in_season_folder = False
    for depth in range(len(context.folders) - 1, -1, -1):
        name = context.folders[depth]
        # a bare number is a season below a show folder, never the show itself (``24/``)
        folder_season = season_of_folder(name, shows_root and depth > 0)
        if folder_season is not None:
            if season is None:
                season, in_season_folder = folder_season, True
            continue
        if disc_of_folder(name) is not None or name.strip().lower() in rules.CONTAINER_FOLDERS:
            continue  # a disc folder, or a plain container (``Downloads/``) that is no show
        show = read_show_folder(name)
        if season is None:
            season = show.season
        return Place(show, name, season, in_season_folder)
    return Place(None, None, season, in_season_folder)


def _end_of(first: int, numbers: list[int]) -> int | None:
    """The last episode of a multi-episode file, None for a single episode."""
    last = max(numbers, default=first)
    return last if last > first else None


def _marked(text: str) -> Marker | None:
    """SxxEyy, NxNN and spelled-out forms, with their multi-episode continuations."""
    for rule, expression in rules.EPISODE_RULES:
        for match in expression.finditer(text):
            season, episode = int(match["season"]), int(match["episode"])
            if rule == "nxn" and not (season <= 99 or plausible_year(season)):
                continue  # 1280x720 is a resolution
            groups = match.groupdict()
            more_text = groups.get("more") or ""
            if rule == "nxn":
                more = [int(n) for n in re.findall(r"(?:x|-|e)(\d+)", more_text, re.I)]
            else:
                more = [int(n) for n in re.findall(r"(?:e|ep|-)(\d+)(?![0-9])", more_text, re.I)]
            if groups.get("end"):
                more.append(int(groups["end"]))
            return Marker(rule, match.start(), match.end(), season, episode, _end_of(episode, more))
    seasoned = rules.SEASONED_ABSOLUTE.search(text)
    if seasoned:
        season = int(seasoned["s1"] or seasoned["s2"] or seasoned["s3"])
        return Marker(
            "absolute", seasoned.start(), seasoned.end(), season, int(seasoned["episode"])
        )
    return None


def _dated(text: str) -> Marker | None:
    for expression in (rules.AIR_DATE, rules.AIR_DATE_DAY_FIRST):
        for match in expression.finditer(text):
            try:
                day = date(int(match["year"]), int(match["month"]), int(match["day"]))
            except ValueError:
                continue
            return Marker("date", match.start(), match.end(), air_date=day.isoformat())
    return None


def _not_a_year(number: str) -> bool:
    return len(number) < 4 or not plausible_year(int(number))


def _in_show(text: str, place: Place, release_style: bool) -> Marker | None:
    """Forms that are episode numbers only inside a show: absolute, leading, compact, bare."""
    bracket = rules.BRACKET_EPISODE.search(text)
    if bracket and text[: bracket.start()].strip(" ._-") and _not_a_year(bracket["episode"]):
        return Marker("bracket", bracket.start(), bracket.end(), None, int(bracket["episode"]))
    dashed = rules.SEASON_DASH_EPISODE.match(text)
    if dashed and place.season in (None, int(dashed["season"])):
        season, episode = int(dashed["season"]), int(dashed["episode"])
        return Marker("season-dash", 0, dashed.end(), season, episode)
    match = rules.EPISODE_WORD.search(text)
    if match:
        episode = int(match["episode"])
        end = int(match["end"]) if match["end"] else None
        return Marker(
            "word", match.start(), match.end(), None, episode, _end_of(episode, [end or 0])
        )
    leading = rules.LEADING_EPISODE.match(text)
    later = rules.ABSOLUTE_DASH.search(text, leading.end()) if leading else None
    if leading and later and later.start() == leading.end():
        later = None  # ``7 - 12 Angry Men``: the number after the dash starts the title
    if leading and later is None and text[:1].isdigit() and _not_a_year(leading["episode"]):
        compact = rules.COMPACT.match(text)
        if not (compact and place.in_season_folder and place.season == int(compact["season"])):
            episode = int(leading["episode"])
            end = int(leading["end"]) if leading["end"] else 0
            return Marker("leading", 0, leading.end(), None, episode, _end_of(episode, [end]))
    for match in rules.ABSOLUTE_DASH.finditer(text):
        if _not_a_year(match["episode"]):
            episode = int(match["episode"])
            end = int(match["end"]) if match["end"] else 0
            return Marker(
                "absolute", match.start(), match.end(), None, episode, _end_of(episode, [end])
            )
    for match in rules.COMPACT.finditer(text):
        season = int(match["season"])
        agrees = place.in_season_folder and place.season == season
        if agrees or (release_style and season > 0 and place.season in (None, season)):
            return Marker("compact", match.start(), match.end(), season, int(match["episode"]))
    match = rules.LEADING_EPISODE.match(text)
    if match and _not_a_year(match["episode"]):
        episode = int(match["episode"])
        end = int(match["end"]) if match["end"] else 0
        return Marker("leading", 0, match.end(), None, episode, _end_of(episode, [end]))
    match = rules.TRAILING_NUMBER.search(text.rstrip(" ._-"))
    if match and _not_a_year(match["episode"]):
        return Marker("trailing", match.start(), match.end(), None, int(match["episode"]))
    match = rules.PART_EPISODE.search(text)
    if match:
        return Marker("part", match.start(), match.end(), None, int(match["episode"]))
    return None


def find_marker(text: str, place: Place, in_show_tree: bool, fansub: bool) -> Marker | None:
    """The numbers of an episode name by the first rule that reads them."""
    marker = _marked(text)
    if marker is None:
        marker = _dated(text)
    if marker is None and (in_show_tree or fansub):
        marker = _in_show(text, place, " " not in text.strip() and looks_like_release(text))
    return marker


def read_episode(file_stem: str, context: PathContext, info: NameInfo) -> bool:
    """Fill ``info`` as an episode and say True, or say False (not an episode here)."""
    shows_root = context.root_type == "shows"
    place = place_of(context)
    grouped = rules.GROUP_PREFIX.match(file_stem)
    text = drop_tags(file_stem[grouped.end() :] if grouped else file_stem)
    in_show_tree = (
        shows_root
        or context.show_folder_has_nfo
        or place.in_season_folder
        or (place.show is not None and place.show.season is not None)
    )
    marker = find_marker(text, place, in_show_tree, grouped is not None)
    if marker is not None and marker.rule == "date" and not in_show_tree:
        prefix = text[: marker.start].strip(" ._-")
        named_by_folder = place.show is not None and _same_name(prefix, place.show.title)
        if not prefix or not (looks_like_release(text) or named_by_folder):
            marker = None  # a dated home video or screen recording, not a show
    if marker is None and in_show_tree and looks_like_release(text):
        guessed = guess.guess_episode(text)
        if guessed.episode is not None:
            info.kind, info.rule = "episode", "guessit"
            info.season = guessed.season if guessed.season is not None else place.season
            info.episode = guessed.episode
            _name_series(info, guessed.title or "", place, context, shows_root, in_show_tree)
            return True
    if marker is None and not shows_root:
        return False
    info.kind = "episode"
    if marker is None:  # a numberless episode: sorted by name within its season
        info.season = place.season
        head, _ = cut_release(text)
        info.title = clean_title(head) or file_stem
        # with no show folder above it, the file names its own show
        _name_series(info, head, place, context, shows_root, in_show_tree)
        return True
    info.rule = marker.rule
    info.season = marker.season if marker.season is not None else place.season
    info.episode, info.episode_end, info.air_date = (
        marker.episode,
        marker.episode_end,
        marker.air_date,
    )
    _name_series(info, text[: marker.start], place, context, shows_root, in_show_tree)
    info.title = episode_title(text[marker.end :])
    return True


def episode_title(remainder: str) -> str | None:
    """``.First.Light.1080p.WEB-DL-GRP`` → ``First Light``; ``- The Pilot`` → ``The Pilot``.

    Tags after the title go (``[1080p]``, ``(BD 1080p)``, ``-GRP``), and so does the
    absolute number Sonarr writes after the season's (``S01E01 - 001 - Title``).
    """
    remainder = remainder.lstrip(" ._-])")
    remainder = _GROUP_AFTER_TAGS.sub("", _ABSOLUTE_AFTER.sub("", remainder))
    bracket = _TAG_START.search(remainder)
    if bracket is not None:
        remainder = remainder[: bracket.start()]
    head, _ = cut_release(remainder, keep_tail_words=False)
    opened = max(head.rfind("("), head.rfind("["))
    if opened >= 0 and ")" not in head[opened:] and "]" not in head[opened:]:
        head = head[:opened]
    head = head.strip(" ._-")
    if not head or (rules.TRAILING_GROUP.fullmatch("-" + head) and head.isupper()):
        return None
    if _YEAR_ONLY.fullmatch(head):
        return None  # ``Show S01E01 (2010)``: the show's year, not a title
    return clean_title(head) or None


def _name_series(
    info: NameInfo,
    prefix: str,
    place: Place,
    context: PathContext,
    shows_root: bool,
    in_show_tree: bool,
) -> None:
    """The series from the show folder, or from the name when the folders have none."""
    prefix_title, prefix_year, _ = split_title_year(prefix)
    show = place.show
    use_folder = (
        show is not None
        and bool(show.title)
        and (shows_root or in_show_tree or not prefix_title or _same_name(prefix_title, show.title))
    )
    if use_folder and show is not None:
        info.series, info.year = show.title, show.year
        info.ids = {**find_ids(place.show_folder or ""), **info.ids}
    else:
        info.series = prefix_title or (show.title if show else None) or None
        info.year = prefix_year


def _same_name(a: str, b: str) -> bool:
    def squash(text: str) -> str:
        return re.sub(r"[^a-z0-9]", "", text.lower())

    return squash(a) == squash(b)
