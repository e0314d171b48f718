"""guessit for the names the rules cannot read, one call per name pattern.

A season of release names differs only in its numbers (``Show.Name.Ep.Title.304.x264``,
``…305…``): the guess for the first is kept under the name with its digits masked, with
*which* run of digits held the episode, so the next names of the pattern cost a regular
expression, not a guessit call (about 7 ms each).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True, slots=True)
class EpisodeGuess:
    title: str | None
    season: int | None
    episode: int | None


@dataclass(frozen=True, slots=True)
class _Pattern:
    title: str | None
    season: int | None
    season_run: int | None  # index of the digit run that held the season, if it varies
    episode_run: int | None


_patterns: dict[str, _Pattern] = {}
calls = 0  # guessit calls made (the bench reports it)


def _guessit(name: str, kind: str) -> dict[str, Any]:
    global calls
    import guessit  # deferred: importing it costs ~0.3 s

    calls += 1
    try:
        return dict(guessit.guessit(name, {"type": kind}))
    except Exception:  # guessit raises its own internal errors on odd input
        return {}


def _first_int(value: Any) -> int | None:
    if isinstance(value, list):
        value = value[0] if value else None
    return value if isinstance(value, int) else None


def _run_index(runs: list[str], value: int | None) -> int | None:
    if value is None:
        return None
    matches = [index for index, run in enumerate(runs) if int(run) == value]
    return matches[-1] if len(matches) == 1 else None


def guess_episode(name: str) -> EpisodeGuess:
    """Title, season and episode of an episode's release name (guessit, cached by pattern)."""
    runs = _DIGITS.findall(name)
    key = _DIGITS.sub("#", name)
    pattern = _patterns.get(key)
    if pattern is not None and pattern.episode_run is not None:
        season = int(runs[pattern.season_run]) if pattern.season_run is not None else pattern.season
        return EpisodeGuess(pattern.title, season, int(runs[pattern.episode_run]))
    guess = _guessit(name, "episode")
    title = str(guess["title"]) if guess.get("title") else None
    season, episode = _first_int(guess.get("season")), _first_int(guess.get("episode"))
    episode_run = _run_index(runs, episode)
    season_run = _run_index(runs, season)
    if episode_run is not None and len(_patterns) < 20000:
        _patterns[key] = _Pattern(title, season, season_run, episode_run)
    return EpisodeGuess(title, season, episode)


@lru_cache(maxsize=1024)
def guess_movie(name: str) -> tuple[str | None, int | None]:
    """Title and year of a movie's release name (guessit)."""
    guess = _guessit(name, "movie")
    year = guess.get("year")
    return (
        str(guess["title"]) if guess.get("title") else None,
        year if isinstance(year, int) else None,
    )
