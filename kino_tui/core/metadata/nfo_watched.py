"""Watch state in Kodi and Jellyfin NFO files: read it, and write it back in place.

Kodi (and Jellyfin, with "save user data to NFO") keep a play's traces in the item's own
NFO, beside the metadata::

    <movie>
      <playcount>2</playcount>
      <watched>true</watched>              (Jellyfin; Kodi says it with playcount)
      <lastplayed>2024-03-01 21:04:11</lastplayed>
      <resume><position>1312.5</position><total>5400</total></resume>
    </movie>

Reading goes through defusedxml, like ``core/nfo.py`` (entities and DTDs refused).
Writing edits only those elements in the file's own text, in its own encoding: every
other element, comment and blank stays as it was, and the result is parsed again before
it is used. A ``<lastplayed>`` without a zone is the machine's local time, as both write
it; kino keeps UTC.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kino_tui.core.metadata.nfo import NfoError, read_nfo_bytes

#: The root elements whose NFO belongs to one playable item.
ITEM_ROOTS = ("movie", "episodedetails", "musicvideo")
#: A position or length beyond this (about 11 days) is not one of a video.
_LONGEST = 1_000_000.0
_DECLARATION = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


@dataclass(slots=True)
class NfoWatchState:
    """What an NFO says about plays; all empty when it says nothing."""

    play_count: int = 0
    watched: bool = False
    last_played: str | None = None
    position: float = 0.0
    total: float | None = None

    @property
    def says_anything(self) -> bool:
        return bool(self.play_count or self.watched or self.last_played or self.position)

    def same_as(self, other: NfoWatchState) -> bool:
        """Whether two states say the same, as a reader of the NFO would take them:
        times to the second (the NFO keeps no more), positions and lengths to a second
        (a length measured twice differs in its fractions), no resume point alike."""

        def seconds(value: float | None) -> int:
            return round(value or 0)

        def moment(value: str | None) -> str:
            return (value or "")[:19]

        return (
            self.play_count == other.play_count
            and self.watched == other.watched
            and moment(self.last_played) == moment(other.last_played)
            and seconds(self.position) == seconds(other.position)
            and (not self.position or seconds(self.total) == seconds(other.total))
        )


_PLAY_TAGS = (b"<playcount", b"<watched", b"<lastplayed", b"<resume")


def has_play_tags(data: bytes) -> bool:
    """Whether NFO bytes hold any play tag (a byte search, no parse: most NFOs hold
    none). UTF-16 files are searched without their zero bytes."""
    lowered = data.replace(b"\0", b"").lower() if b"\0" in data[:4] else data.lower()
    return any(tag in lowered for tag in _PLAY_TAGS)


def read_watch_state(path: str, quick: bool = False) -> NfoWatchState | None:
    """The watch state of one NFO (None when it is not an item's NFO, or a URL line);
    raises :class:`NfoError` when the file is damaged or cannot be read. ``quick``: None
    without parsing when the file holds no play tag (a scan's many NFOs)."""
    data = read_nfo_bytes(path)
    if quick and not has_play_tags(data):
        return None
    return watch_state_from_bytes(data)


def watch_state_from_bytes(data: bytes) -> NfoWatchState | None:
    """As :func:`read_watch_state`, from the file's bytes."""
    root = _parse(data)
    if root is None or root.tag not in ITEM_ROOTS:
        return None
    state = NfoWatchState()
    state.play_count = max(0, int(_number(_text(root, "playcount")) or 0))
    watched = (_text(root, "watched") or "").lower()
    state.watched = watched in ("true", "1", "yes") or state.play_count > 0
    state.last_played = parse_time(_text(root, "lastplayed"))
    resume = root.find("resume")
    if resume is not None:
        state.position = max(0.0, _number(_text(resume, "position")) or 0.0)
        state.total = _number(_text(resume, "total")) or None
    if state.watched and not state.play_count:
        state.play_count = 1
    return state


def _parse(data: bytes) -> Any:
    """The XML root of an NFO, None for a URL-only NFO; NfoError when damaged."""
    # on the first NFO: a scan of folders without NFOs never loads the XML parser
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    if file_encoding(data) == "utf-16":  # read as UTF-8 text, its declaration saying so
        try:
            utf8 = data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError as error:
            raise NfoError(f"malformed NFO: not UTF-16 ({error.reason})") from None
        data = _DECLARATION.sub(lambda m: m.group(0).replace(m.group(1), b"utf-8"), utf8)
    body = data.removeprefix(b"\xef\xbb\xbf").lstrip()
    if body[:1] != b"<":
        return None
    end = body.rfind(b">")  # Kodi NFOs may carry a URL line after the XML
    try:
        return fromstring(body[: end + 1])
    except DefusedXmlException as error:
        raise NfoError(
            f"NFO refused: {type(error).__name__} (entities and DTDs are not allowed)"
        ) from None
    except ParseError as error:
        raise NfoError(f"malformed NFO: {error}") from None


def _text(element: Any, tag: str) -> str | None:
    child = element.find(tag)
    if child is None or child.text is None:
        return None
    return child.text.strip() or None


def _number(text: str | None) -> float | None:
    try:
        number = float(text) if text else None
    except ValueError:
        return None
    if number is None or not math.isfinite(number) or abs(number) > _LONGEST:
        return None
    return number


def parse_time(text: str | None) -> str | None:
    """``2024-03-01 21:04:11`` (local time), an ISO time with a zone, or a date, as
    kino's UTC ISO form; None for anything else."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.strip().replace(" ", "T", 1))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.astimezone()  # the local time Kodi and Jellyfin write
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def nfo_time(iso: str) -> str:
    """kino's UTC time as an NFO's ``<lastplayed>`` (local, as Kodi writes it)."""
    moment = datetime.fromisoformat(iso)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S")


# -- writing -------------------------------------------------------------------------


def file_encoding(data: bytes) -> str:
    """The encoding an NFO is written in: its byte order mark, its XML declaration, or
    UTF-8."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    match = _DECLARATION.match(data)
    return match.group(1).decode("ascii") if match else "utf-8"


def with_watch_state(data: bytes, state: NfoWatchState) -> bytes:
    """The NFO ``data`` with ``<playcount>``, ``<watched>`` (when the file has one),
    ``<lastplayed>`` and ``<resume>`` (when there is a resume point or the file has one)
    set to ``state``; everything else byte for byte as it
    was, in the file's encoding. Raises :class:`NfoError` when the file is damaged, not an
    item's NFO, or cannot hold the values in its encoding."""
    root = _parse(data)
    if root is None or root.tag not in ITEM_ROOTS:
        raise NfoError("not an item's NFO (a URL line, or no <movie>/<episodedetails>)")
    encoding = file_encoding(data)
    try:
        text = data.decode(encoding)
    except (LookupError, UnicodeDecodeError) as error:
        raise NfoError(f"cannot read the NFO as {encoding}: {error}") from None
    text = _set(text, root.tag, "playcount", str(state.play_count))
    if root.find("watched") is not None:
        text = _set(text, root.tag, "watched", "true" if state.watched else "false")
    if state.last_played:
        text = _set(text, root.tag, "lastplayed", nfo_time(state.last_played))
    if state.position or root.find("resume") is not None:  # no empty <resume> added
        text = _set(text, root.tag, "resume", _resume_inner(text, state))
    try:
        written = text.encode(encoding)
    except UnicodeEncodeError as error:
        raise NfoError(f"cannot write the NFO as {encoding}: {error}") from None
    check = watch_state_from_bytes(written)
    if check is None or check.play_count != state.play_count:
        raise NfoError("the NFO could not be updated in place (left as it was)")
    return written


def _resume_inner(text: str, state: NfoWatchState) -> str:
    # Kodi's "no resume point" is 0 and 0
    position = f"{state.position:.6f}" if state.position else "0.000000"
    total = f"{state.total:.6f}" if state.total and state.position else "0.000000"
    indent = _child_indent(text)
    inner = indent + "    "
    return f"\n{inner}<position>{position}</position>\n{inner}<total>{total}</total>\n{indent}"


def _child_indent(text: str) -> str:
    """The indentation of the root's children (as the file has it)."""
    match = re.search(r"\n([ \t]+)<", text)
    return match.group(1) if match else "    "


def _set(text: str, root_tag: str, tag: str, value: str) -> str:
    """``<tag>`` of the root set to ``value`` (its first occurrence), or added before the
    root's closing tag with the file's indentation."""
    element = re.compile(rf"<{tag}(\s[^>]*)?(/>|>.*?</{tag}\s*>)", re.DOTALL)
    value_text = value if tag == "resume" else value.replace("&", "&amp;").replace("<", "&lt;")
    match = element.search(text, _root_start(text, root_tag))
    if match is not None:
        replacement = f"<{tag}{match.group(1) or ''}>{value_text}</{tag}>"
        return text[: match.start()] + replacement + text[match.end() :]
    closing = text.rfind(f"</{root_tag}")
    if closing < 0:
        raise NfoError(f"no closing </{root_tag}> to add <{tag}> before")
    indent = _child_indent(text)
    line_start = text.rfind("\n", 0, closing) + 1
    before = text[:closing]
    if text[line_start:closing].strip() == "":
        # the closing tag is on its own line: add ours as a line above it
        addition = f"{indent}<{tag}>{value_text}</{tag}>\n"
        return text[:line_start] + addition + text[line_start:]
    return f"{before}<{tag}>{value_text}</{tag}>" + text[closing:]


def _root_start(text: str, root_tag: str) -> int:
    match = re.search(rf"<{root_tag}[\s>/]", text)
    return match.end() if match else 0
