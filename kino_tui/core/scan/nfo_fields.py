"""What a folder's NFOs give its items: a film's or an episode's own NFO, the show's
``tvshow.nfo``, the season's ``season.nfo``, an album's ``album.nfo`` and its artist's
``artist.nfo``. An NFO that cannot be read is a problem line; the names still count.
"""

from __future__ import annotations

from dataclasses import dataclass

from kino_tui.core.metadata.nfo import NfoError, NfoInfo, parse_nfo
from kino_tui.core.models import MediaItem, Problem

#: Cast members kept for an episode (a film keeps ``nfo.MAX_CAST``): episode NFOs repeat
#: the series' cast, and a 250,000-episode library would carry it 250,000 times; the
#: details pane shows four, and they are kept.
EPISODE_CAST = 4
#: What a show's NFO gives each of its episodes when the episode's own NFO does not.
_SHOW_FALLBACKS = ("studios", "certification", "countries")


def read_nfo(path: str, problems: list[Problem]) -> NfoInfo | None:
    """An NFO's content; a bad NFO is a recorded problem and ``None``."""
    try:
        return parse_nfo(path)
    except NfoError as error:
        problems.append(Problem(path, str(error)))
        return None


def apply_item_nfo(item: MediaItem, nfo: NfoInfo, episode: bool) -> None:
    """A film's or an episode's own NFO: every field it knows wins over the names."""
    fields = nfo.as_fields()
    if episode:
        fields.pop("year", None)  # an episode's year is its show's
        if nfo.episode_end is not None and item.episode == nfo.episode:
            item.episode_end = nfo.episode_end
    for key, value in fields.items():
        setattr(item, key, value)
    if episode:
        del item.cast[EPISODE_CAST:]
    item.ids.update(nfo.ids)
    if nfo.root_tag == "movie" and item.kind == "video":
        item.kind = "movie"


def apply_show_nfo(item: MediaItem, show: NfoInfo) -> None:
    """``tvshow.nfo``: the series' name, year, genres and ids (as ``show_<kind>``), and
    the studios, certification and countries the episode's own NFO does not give."""
    item.series = show.title or item.series
    item.genres = list(show.genres) or item.genres
    item.ids = {**{f"show_{k}": v for k, v in show.ids.items()}, **item.ids}
    item.year = show.year or item.year
    for name in _SHOW_FALLBACKS:
        if not getattr(item, name):
            value = getattr(show, name)
            setattr(item, name, list(value) if isinstance(value, list) else value)


def apply_season_nfo(item: MediaItem, season: NfoInfo) -> None:
    """``season.nfo``: the season's own title, and its number when the names gave none."""
    if season.title:
        item.season_title = season.title
    if item.season is None and season.season is not None:
        item.season = season.season


@dataclass(slots=True)
class MusicNfos:
    """A music folder's ``album.nfo`` and its artist folder's ``artist.nfo``, read once."""

    album: NfoInfo | None = None
    artist: NfoInfo | None = None

    def apply(self, item: MediaItem) -> None:
        """Tags win; the NFOs fill what they leave out (and give the review or biography)."""
        album, artist = self.album, self.artist
        if album is not None:
            item.album = item.album or album.title
            item.artist = item.artist or album.artist
            item.year = item.year or album.year
            item.genres = item.genres or list(album.genres)
            item.studios = item.studios or list(album.studios)
            item.plot = item.plot or album.plot
            item.rating = item.rating if item.rating is not None else album.rating
            item.ids = {**album.ids, **item.ids}
        if artist is not None:
            item.artist = item.artist or artist.title
            item.plot = item.plot or artist.plot
            item.genres = item.genres or list(artist.genres)
            item.ids = {**artist.ids, **item.ids}


def music_nfos(
    path: str,
    names: list[str],
    parent: str,
    parent_names: tuple[str, ...],
    grandparent: str,
    grandparent_names: tuple[str, ...],
    in_disc_folder: bool,
    problems: list[Problem],
) -> MusicNfos:
    """``album.nfo`` in the folder (or above a ``CD1`` folder), ``artist.nfo`` above it."""
    lowered = {name.lower(): name for name in names}
    album_place: tuple[str, dict[str, str]] = (path, lowered)
    artist_place = (parent, {name.lower(): name for name in parent_names})
    if in_disc_folder:
        album_place = artist_place
        artist_place = (grandparent, {name.lower(): name for name in grandparent_names})
    found = MusicNfos()
    folder, listing = album_place
    if "album.nfo" in listing:
        found.album = read_nfo(f"{folder}/{listing['album.nfo']}", problems)
    folder, listing = artist_place
    if "artist.nfo" in listing:
        found.artist = read_nfo(f"{folder}/{listing['artist.nfo']}", problems)
    return found
