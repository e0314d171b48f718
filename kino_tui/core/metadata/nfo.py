"""Kodi-style NFO files as Kodi and Jellyfin write them and Radarr/Sonarr produce them.

``<video>.nfo``, ``movie.nfo``, ``tvshow.nfo``, ``season.nfo``, episode NFOs (several
``<episodedetails>`` in one file for a multi-episode file), ``album.nfo`` and
``artist.nfo``. Parsed with defusedxml, so entity expansion ("billion laughs"),
external entities and DTDs are refused instead of being expanded. Some NFOs hold only
a provider URL; the ids are taken from it (and from a URL line after the XML).
A bad NFO raises :class:`NfoError`, which the scan turns into a problem line.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from kino_tui.core.models import CastMember

MAX_NFO_BYTES = 1024 * 1024
#: At most this many cast members are kept per item (the catalog stays compact at
#: 250,000 items; the details pane shows the first few).
MAX_CAST = 15
_IMDB_ID = re.compile(r"\btt\d{5,10}\b")
_TMDB_URL = re.compile(r"themoviedb\.org/(?:movie|tv)/(\d+)")
_TVDB_URL = re.compile(r"thetvdb\.com/(?:\?.*?\bid=|.*?/series/|dereferrer/series/)(\d+)")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_XML_DECLARATION = re.compile(rb"<\?xml[^>]*\?>")
_RATED = re.compile(r"^(?:rated\s+)?(?:[a-z]{2,3}\s*:\s*)?", re.IGNORECASE)
#: Lists Kodi writes as one tag joined by `` / `` (``<genre>Comedy / Drama</genre>``).
_JOINED = " / "


@dataclass(slots=True)
class NfoInfo:
    """What an NFO says; ``None`` and empty fields are left to the names and the probe."""

    root_tag: str | None = None
    title: str | None = None
    original_title: str | None = None
    sort_title: str | None = None
    tagline: str | None = None
    plot: str | None = None
    outline: str | None = None
    year: int | None = None
    premiered: str | None = None
    runtime: int | None = None
    rating: float | None = None
    ratings: dict[str, float] = field(default_factory=dict)
    certification: str | None = None
    studios: list[str] = field(default_factory=list)
    genres: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    collection: str | None = None
    cast: list[CastMember] = field(default_factory=list)
    directors: list[str] = field(default_factory=list)
    writers: list[str] = field(default_factory=list)
    ids: dict[str, str] = field(default_factory=dict)
    season: int | None = None
    episode: int | None = None
    episode_end: int | None = None
    show_title: str | None = None
    artist: str | None = None
    album: str | None = None

    def as_fields(self) -> dict[str, Any]:
        """The item fields this NFO sets (only those it knows)."""
        values: dict[str, Any] = {
            "title": self.title,
            "original_title": self.original_title,
            "sort_title": self.sort_title,
            "tagline": self.tagline,
            "year": self.year,
            "plot": self.plot or self.outline,
            "rating": self.rating,
            "runtime": self.runtime,
            "certification": self.certification,
            "premiered": self.premiered,
            "collection": self.collection,
        }
        found = {key: value for key, value in values.items() if value is not None}
        for name in ("genres", "studios", "tags", "countries", "directors", "writers"):
            if getattr(self, name):
                found[name] = list(getattr(self, name))
        if self.cast:
            found["cast"] = list(self.cast)
        if self.ratings:
            found["ratings"] = dict(self.ratings)
        return found


class NfoError(ValueError):
    """The NFO could not be used; the message says why."""


def parse_nfo(path: str) -> NfoInfo:
    """Read one NFO file; raises :class:`NfoError` for a malformed or hostile file."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_NFO_BYTES + 1)
    except OSError as error:
        raise NfoError(f"cannot read NFO: {error.strerror or error}") from None
    if len(data) > MAX_NFO_BYTES:
        raise NfoError("NFO is larger than 1 MiB; ignored")
    return parse_nfo_bytes(data)


def parse_nfo_bytes(data: bytes) -> NfoInfo:
    """Parse NFO content (XML, or a plain URL line). Several ``<episodedetails>`` in one
    file (a multi-episode file) read as one: the first's numbers to the last's, the
    titles joined with `` / ``."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data.lstrip()[:1] != b"<":
        return _from_url_lines(data.decode("utf-8", "replace"))
    # Kodi NFOs may carry a URL line after the XML: keep the XML part, read the URL too
    end = data.rfind(b">")
    elements = _elements(data[: end + 1])
    infos = [_read(element) for element in elements]
    info = infos[0] if len(infos) == 1 else _joined(infos)
    trailing = _from_url_lines(data[end + 1 :].decode("utf-8", "replace"))
    for kind, value in trailing.ids.items():
        info.ids.setdefault(kind, value)
    return info


def _elements(data: bytes) -> list[Any]:
    """The NFO's top elements: one, or several (``<episodedetails>`` after another)."""
    from defusedxml import DefusedXmlException  # XML parsing loads on the first NFO
    from defusedxml.ElementTree import ParseError, fromstring  # as above

    try:
        try:
            return [fromstring(data)]
        except ParseError as error:
            if b"<episodedetails" not in data[1:].lower() or "junk after" not in str(error):
                raise
            # several documents in one file: read them as the children of one element
            body = _XML_DECLARATION.sub(b"", data)
            children = list(fromstring(b"<nfo>" + body + b"</nfo>"))
            if not children:
                raise
            return children
    except DefusedXmlException as error:
        raise NfoError(
            f"NFO refused: {type(error).__name__} (entities and DTDs are not allowed)"
        ) from None
    except ParseError as error:
        raise NfoError(f"malformed NFO: {error}") from None
    except (LookupError, ValueError) as error:  # ``encoding="ubf-8"``, a bad character
        raise NfoError(f"malformed NFO: {error}") from None


def _read(root: Any) -> NfoInfo:
    """One element (``<movie>``, ``<tvshow>``, ``<episodedetails>``, ``<album>``…)."""
    info = NfoInfo(root_tag=root.tag)
    info.title = _text(root, "title") or (_text(root, "name") if root.tag == "artist" else None)
    info.original_title = _text(root, "originaltitle")
    info.sort_title = _text(root, "sorttitle")
    info.tagline = _text(root, "tagline")
    info.plot = (
        _text(root, "plot")
        or _text(root, "review")
        or _text(root, "biography")
        or _text(root, "description")
    )
    info.outline = _text(root, "outline")
    info.premiered = _date(
        _text(root, "premiered") or _text(root, "aired") or _text(root, "releasedate")
    )
    info.year = _year(_text(root, "year")) or _year((info.premiered or "")[:4])
    info.runtime = _int(_text(root, "runtime"))
    info.certification = _certification(_text(root, "mpaa"))
    info.genres = _texts(root, "genre")
    info.studios = _texts(root, "studio") or _texts(root, "label")
    info.tags = _texts(root, "tag")
    info.countries = _texts(root, "country")
    info.directors = _texts(root, "director")
    info.writers = _texts(root, "credits") or _texts(root, "writer")
    info.collection = _collection(root)
    info.cast = _cast(root)
    _read_ratings(root, info)
    info.season = _int(_text(root, "season"))
    if info.season is None:
        info.season = _int(_text(root, "seasonnumber"))
    info.episode = _int(_text(root, "episode"))
    info.show_title = _text(root, "showtitle")
    info.artist = _text(root, "artist") or _text(root, "albumartist")
    info.album = _text(root, "album")
    _read_ids(root, info)
    return info


def _joined(infos: list[NfoInfo]) -> NfoInfo:
    """A multi-episode file's NFOs as one: Jellyfin's reading (titles and plots joined)."""
    first = infos[0]
    numbers = [info.episode for info in infos if info.episode is not None]
    titles = [info.title for info in infos if info.title]
    plots = [info.plot for info in infos if info.plot]
    first.title = _JOINED.join(titles) or None
    first.plot = "\n\n".join(plots) or None
    if numbers:
        first.episode = min(numbers)
        first.episode_end = max(numbers) if max(numbers) > min(numbers) else None
    for info in infos[1:]:
        for name in ("directors", "writers"):
            merged = getattr(first, name)
            merged.extend(person for person in getattr(info, name) if person not in merged)
        known = {member.name for member in first.cast}
        first.cast.extend(m for m in info.cast if m.name not in known)
        del first.cast[MAX_CAST:]
    return first


def _read_ratings(root: Any, info: NfoInfo) -> None:
    """``<ratings><rating name="imdb" max="10" default="true"><value>…``, several sources,
    each scaled to 10; the default one (or a plain ``<rating>``) is the item's rating."""
    default = first = None
    for rating in root.findall("ratings/rating"):
        value = _float(_text(rating, "value"))
        if value is None:
            continue
        top = _float(rating.get("max"))
        if top and top > 0 and top != 10:
            value = round(value * 10 / top, 2)
        name = (rating.get("name") or "default").strip().lower() or "default"
        info.ratings.setdefault(name, value)
        first = value if first is None else first
        if default is None and rating.get("default") == "true":
            default = value
    plain = _float(_text(root, "rating"))
    info.rating = next((v for v in (plain, default, first) if v is not None), None)


def _read_ids(root: Any, info: NfoInfo) -> None:
    for unique in root.findall("uniqueid"):
        if unique.text and unique.text.strip():
            kind = (unique.get("type") or "unknown").strip().lower()
            info.ids.setdefault(kind, unique.text.strip())
    for tag, kind in (
        ("imdbid", "imdb"),
        ("imdb_id", "imdb"),
        ("tmdbid", "tmdb"),
        ("tvdbid", "tvdb"),
        ("musicbrainzalbumid", "musicbrainzalbum"),
        ("musicBrainzAlbumID", "musicbrainzalbum"),
        ("musicbrainzartistid", "musicbrainzartist"),
        ("musicBrainzArtistID", "musicbrainzartist"),
    ):
        value = _text(root, tag)
        if value:
            info.ids.setdefault(kind, value)
    plain_id = _text(root, "id")
    if plain_id and _IMDB_ID.fullmatch(plain_id):
        info.ids.setdefault("imdb", plain_id)
    elif plain_id and plain_id.isdigit() and root.tag in ("tvshow", "episodedetails"):
        info.ids.setdefault("tvdb", plain_id)


def _collection(root: Any) -> str | None:
    """``<set><name>X</name></set>`` (Kodi 17+) or ``<set>X</set>`` (older)."""
    element = root.find("set")
    if element is None:
        return None
    return _text(element, "name") or ((element.text or "").strip() or None)


def _cast(root: Any) -> list[CastMember]:
    """Actors in billing order (``<order>``, then as written)."""
    found: list[tuple[int, int, CastMember]] = []
    for position, actor in enumerate(root.findall("actor")):
        name = _text(actor, "name")
        if not name:
            continue
        order = _int(_text(actor, "order"))
        thumb = _text(actor, "thumb")
        if thumb and "://" in thumb:
            thumb = None  # a web address: kino never fetches pictures
        member = CastMember(name, _text(actor, "role"), thumb)
        found.append((order if order is not None else 10**6, position, member))
    found.sort(key=lambda entry: entry[:2])
    return [member for _, _, member in found[:MAX_CAST]]


def _from_url_lines(text: str) -> NfoInfo:
    info = NfoInfo()
    if match := _IMDB_ID.search(text):
        info.ids["imdb"] = match.group(0)
    if match := _TMDB_URL.search(text):
        info.ids["tmdb"] = match.group(1)
    if match := _TVDB_URL.search(text):
        info.ids["tvdb"] = match.group(1)
    return info


def _text(element: Any, tag: str) -> str | None:
    child = element.find(tag)
    if child is None or child.text is None:
        return None
    return child.text.strip() or None


def _texts(element: Any, tag: str) -> list[str]:
    """Every ``<tag>``'s text, ``A / B`` split, each once, in order."""
    found: list[str] = []
    for child in element.findall(tag):
        value = child.find("name") if tag in ("director", "credits", "writer") else None
        text = (value.text if value is not None else child.text) or ""
        for part in text.split(_JOINED):
            part = part.strip()
            if part and part not in found:
                found.append(part)
    return found


def _certification(text: str | None) -> str | None:
    """``Rated PG-13``, ``US:PG-13`` → ``PG-13``."""
    if not text:
        return None
    return _RATED.sub("", text.split(_JOINED)[0]).strip() or None


def _date(text: str | None) -> str | None:
    """An ISO date (``2008-01-20``; a year and month alone are kept as given)."""
    match = _DATE.match(text or "")
    if match is None:
        return None
    year, month, day = match.groups()
    if not 1 <= int(month or 1) <= 12 or not 1 <= int(day or 1) <= 31:
        return None
    return "-".join(part for part in (year, month, day) if part)


#: Numbers outside this range in an NFO (a year, a runtime, a rating) are nonsense.
_LARGEST = 10**9


def _year(text: str | None) -> int | None:
    number = _int(text)
    return number if number is not None and 1000 <= number <= 9999 else None


def _int(text: str | None) -> int | None:
    number = _float(text)
    return int(number) if number is not None else None


def _float(text: str | None) -> float | None:
    """A finite number of sensible size, or None (``1e400``, ``nan`` and ``1e30`` are
    not a year: they once crashed the catalog's save). A decimal comma is read (``7,5``)."""
    if text and "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        number = float(text) if text else None
    except ValueError:
        return None
    if number is None or not math.isfinite(number) or abs(number) > _LARGEST:
        return None
    return number
