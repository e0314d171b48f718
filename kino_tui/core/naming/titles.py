"""Titles out of names: file name parts, cleaning, years, ids, release junk, natural sort."""

from __future__ import annotations

import re
from datetime import date

from kino_tui.core.naming import rules

# natural sort lives in core.text (the browser needs it without loading the naming rules)
from kino_tui.core.text import natural_key as natural_key

_THIS_YEAR = date.today().year
_SPACES = re.compile(r"\s+")
_DASHED = re.compile(r"\s+-\s+")
_ACRONYM_END = re.compile(r"(?:^|[^a-z])(?:[a-z]\.)+[a-z]$", re.IGNORECASE)


def extension(name: str) -> str:
    """Lower-case extension without the dot."""
    return name.rpartition(".")[2].lower() if "." in name else ""


def stem(name: str) -> str:
    """File name without its extension."""
    return name.rpartition(".")[0] if "." in name else name


def is_video(name: str) -> bool:
    return extension(name) in rules.VIDEO_EXTENSIONS


def is_audio(name: str) -> bool:
    return extension(name) in rules.AUDIO_EXTENSIONS


def plausible_year(year: int) -> bool:
    return 1880 <= year <= _THIS_YEAR + 2


def looks_like_release(name: str) -> bool:
    """Does the name carry release tags (resolution, source, codec)?"""
    return bool(rules.RELEASE_TOKEN.search(name))


def find_ids(*texts: str) -> dict[str, str]:
    """Provider ids written into names: ``[imdbid-tt0106145]``, ``{tmdb-65567}``."""
    found: dict[str, str] = {}
    for text in texts:
        for match in rules.IDS.finditer(text):
            found.setdefault(match["kind"].lower(), match["value"])
    return found


def _drop_tag(match: re.Match[str], keep_leading: bool = False) -> str:
    inner = match.group(0)[1:-1]
    at_start = not match.string[: match.start()].strip()
    leading_group = (
        not keep_leading and at_start and match.string[match.end() : match.end() + 1] in " ._"
    )
    if (
        rules.RELEASE_TOKEN.search(inner)
        or rules.CRC.fullmatch(inner)
        or rules.IDS.fullmatch(match.group(0))
        or rules.EDITION_TAG.fullmatch(match.group(0))
        or leading_group
    ):
        return " "
    return match.group(0)


def drop_tags(text: str, keep_leading: bool = False) -> str:
    """Bracketed release tags removed (``[720p]``, ``[A1B2C3D4]``, a leading ``[Group]``,
    ``[imdbid-…]``, ``{edition-…}``); other brackets are part of the title and stay."""
    if "[" not in text and "{" not in text and "【" not in text:
        return text
    if keep_leading:
        return rules.BRACKETS.sub(lambda match: _drop_tag(match, keep_leading=True), text)
    return rules.BRACKETS.sub(_drop_tag, text)


def _undot(text: str) -> str:
    """``Marvels.Agents.of.S.H.I.E.L.D`` → ``Marvels Agents of S.H.I.E.L.D.``."""
    words = re.split(r"[._]", text)
    out: list[str] = []
    letters: list[str] = []
    for word in [*words, ""]:
        if len(word) == 1 and word.isalpha():
            letters.append(word)
            continue
        if len(letters) >= 2:
            out.append(".".join(letters) + ".")
        else:
            out.extend(letters)
        letters = []
        if word:
            out.append(word)
    return " ".join(out)


def clean_title(text: str, keep_leading: bool = False) -> str:
    """Turn ``Some.Show_Name -`` into ``Some Show Name``.

    Dots and underscores are spaces in a name without spaces; leading punctuation is
    kept (``-Dash Movie``, ``.hack``), trailing separators go. ``keep_leading`` keeps a
    leading bracket that would otherwise be a release group (``[REC]``).
    """
    text = drop_tags(text, keep_leading)
    parts = _DASHED.split(text.strip())
    if len(parts) > 1 and all(part and " " not in part for part in parts):
        # ``Exit.Through.the.Gift.Shop - Banksy``: each side of the dash is dotted
        text = " - ".join(_undot(part) for part in parts)
    elif " " not in text.strip(" -"):
        leading = len(text) - len(text.lstrip("._"))
        text = text[:leading].replace("_", " ").lstrip() + _undot(text[leading:])
    else:
        text = text.replace("_", " ")
    text = _SPACES.sub(" ", text).strip()
    stripped = text.rstrip(" -._,([{&+")
    if text[len(stripped) : len(stripped) + 1] == "." and _ACRONYM_END.search(stripped):
        stripped += "."  # S.H.I.E.L.D. keeps its last dot
    return stripped


def cut_release(text: str, keep_tail_words: bool = True) -> tuple[str, int]:
    """The part of ``text`` before its release junk, and where the junk starts.

    Weak release words (``German``, ``WEB``, ``DL``) are cut from the end of what is
    left; with ``keep_tail_words`` they stay when nothing else would (a film called *Web*).
    """
    match = rules.RELEASE_TOKEN.search(text)
    while keep_tail_words and match and not text[: match.start()].strip(" ._-[("):
        match = rules.RELEASE_TOKEN.search(text, match.end())
    head = text if match is None else text[: match.start()]
    if match is not None or not keep_tail_words:
        head = head.rstrip(" ._-[(")
        tail = rules.TAIL_WORDS.search(head if keep_tail_words else " " + head)
        if tail is not None:
            start = tail.start() - (0 if keep_tail_words else 1)
            if not keep_tail_words or head[: max(start, 0)].strip(" ._-"):
                head = head[: max(start, 0)]
    return head, len(head)


def split_title_year(text: str) -> tuple[str, int | None, str | None]:
    """``Film (2010) - Directors Cut`` → ("Film", 2010, "Directors Cut"); folder names too.

    The year is the last plausible one with a title before it (``Blade Runner 2049 (2017)``,
    ``1917 (2019)``); release junk after it is dropped.
    """
    text = rules.IDS.sub(" ", text)
    head, _ = cut_release(drop_tags(text))
    year_match = last_year(head)
    if year_match is None:
        return clean_title(head), None, None
    title = clean_title(head[: year_match.start()])
    rest = head[year_match.end() :].strip(" ._)]")
    edition = rest[1:].strip(" ._") if rest.startswith("-") else None
    return title, int(year_match["year"]), edition or None


def last_year(text: str) -> re.Match[str] | None:
    """The last plausible year in ``text`` that has something before it."""
    found = None
    for match in rules.YEAR.finditer(text):
        before = text[: match.start()].strip(" ._-([")
        year = int(match["year"])
        bracketed = text[match.start() - 1 : match.start()] in "([" and match.start() > 0
        possible = plausible_year(year) or (bracketed and 1880 <= year <= 2099)
        if before and possible and _is_year_token(text, match):
            found = match
    return found


def _is_year_token(text: str, match: re.Match[str]) -> bool:
    before = text[match.start() - 1] if match.start() else " "
    after = text[match.end()] if match.end() < len(text) else " "
    if rules.AIR_DATE.match(text, match.start()):
        return False  # 2024-03-15 is a date, not a film's year
    return not before.isalnum() and not after.isalnum()
