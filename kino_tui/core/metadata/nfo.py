"""Kodi-style NFO files: ``<video>.nfo``, ``movie.nfo``, ``tvshow.nfo``, episode NFOs.

Parsed with defusedxml, so entity expansion ("billion laughs"), external entities
and DTDs are refused instead of being expanded. Some NFOs hold only a URL line;
a provider id is taken from it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

MAX_NFO_BYTES = 1024 * 1024
_IMDB_ID = re.compile(r"\btt\d{5,10}\b")
_TMDB_URL = re.compile(r"themoviedb\.org/(?:movie|tv)/(\d+)")


@dataclass(slots=True)
class NfoInfo:
    """What an NFO says; ``None`` fields are left to the names and the probe."""

    root_tag: str | None = None
    title: str | None = None
    original_title: str | None = None
    sort_title: str | None = None
    year: int | None = None
    plot: str | None = None
    genres: list[str] = field(default_factory=list)
    rating: float | None = None
    runtime: int | None = None
    ids: dict[str, str] = field(default_factory=dict)
    season: int | None = None
    episode: int | None = None

    def as_fields(self) -> dict[str, Any]:
        """The item fields this NFO sets (only those it knows)."""
        values: dict[str, Any] = {
            "title": self.title,
            "original_title": self.original_title,
            "sort_title": self.sort_title,
            "year": self.year,
            "plot": self.plot,
            "rating": self.rating,
            "runtime": self.runtime,
        }
        found = {key: value for key, value in values.items() if value is not None}
        if self.genres:
            found["genres"] = list(self.genres)
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
    """Parse NFO content (XML, or a plain URL line)."""
    from defusedxml import DefusedXmlException  # XML parsing loads on the first NFO
    from defusedxml.ElementTree import ParseError, fromstring  # as above

    text_start = data.lstrip()[:1]
    if text_start != b"<":
        return _from_url_lines(data.decode("utf-8", "replace"))
    # Kodi NFOs may carry a URL line after the XML: keep the XML part.
    end = data.rfind(b">")
    try:
        root = fromstring(data[: end + 1])
    except DefusedXmlException as error:
        raise NfoError(
            f"NFO refused: {type(error).__name__} (entities and DTDs are not allowed)"
        ) from None
    except ParseError as error:
        raise NfoError(f"malformed NFO: {error}") from None
    info = NfoInfo(root_tag=root.tag)
    info.title = _text(root, "title")
    info.original_title = _text(root, "originaltitle")
    info.sort_title = _text(root, "sorttitle")
    info.plot = _text(root, "plot") or _text(root, "outline")
    info.year = _int(_text(root, "year")) or _int((_text(root, "premiered") or "")[:4])
    info.runtime = _int(_text(root, "runtime"))
    info.genres = [g.text.strip() for g in root.findall("genre") if g.text and g.text.strip()]
    info.rating = _float(_text(root, "rating"))
    if info.rating is None:
        for rating in root.findall("ratings/rating"):
            score = _float(_text(rating, "value"))
            if score is not None:
                info.rating = score
                if rating.get("default") == "true":
                    break
    info.season = _int(_text(root, "season"))
    info.episode = _int(_text(root, "episode"))
    for unique in root.findall("uniqueid"):
        if unique.text and unique.text.strip():
            info.ids[(unique.get("type") or "unknown").lower()] = unique.text.strip()
    for tag, kind in (("imdbid", "imdb"), ("tmdbid", "tmdb"), ("tvdbid", "tvdb")):
        value = _text(root, tag)
        if value:
            info.ids.setdefault(kind, value)
    plain_id = _text(root, "id")
    if plain_id and _IMDB_ID.fullmatch(plain_id):
        info.ids.setdefault("imdb", plain_id)
    return info


def _from_url_lines(text: str) -> NfoInfo:
    info = NfoInfo()
    if match := _IMDB_ID.search(text):
        info.ids["imdb"] = match.group(0)
    if match := _TMDB_URL.search(text):
        info.ids["tmdb"] = match.group(1)
    return info


def _text(element: Any, tag: str) -> str | None:
    child = element.find(tag)
    if child is None or child.text is None:
        return None
    return child.text.strip() or None


#: Numbers outside this range in an NFO (a year, a runtime, a rating) are nonsense.
_LARGEST = 10**9


def _int(text: str | None) -> int | None:
    number = _float(text)
    return int(number) if number is not None else None


def _float(text: str | None) -> float | None:
    """A finite number of sensible size, or None (``1e400``, ``nan`` and ``1e30`` are
    not a year: they once crashed the catalog's save)."""
    try:
        number = float(text) if text else None
    except ValueError:
        return None
    if number is None or not math.isfinite(number) or abs(number) > _LARGEST:
        return None
    return number
