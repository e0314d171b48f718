"""Naming accuracy and speed on the corpus of real-world names (issue 11).

    .venv/bin/python -m bench.bench_naming [--failures] [--category episodes] [--runs 5]

The corpus lives in ``tests/core/naming/corpus/`` (see its README): one TSV file per
video category (episodes, movies, extras), ``music.tsv`` for track paths and
``stacks.toml`` for folder listings. A name counts as read when every expected field
matches. Prints the accuracy per category, the accuracy per field, and names per second
(the first pass, cold, and the best and median of the later passes with the naming
caches cleared). ``--failures`` lists each failure, got against expected.

The corpus has two parts: the *tuned* part (the rules were written against it) and the
*held-back* part in ``corpus/heldback/`` (issue 21: written before the rules it measures,
never tuned on). Both are reported per category, with the held-back targets.

Targets: tuned (issue 11) episodes and movies >= 95 %, extras and stacks >= 90 %;
held-back (issue 21) episodes, movies and extras >= 95 %, stacks >= 90 %; speed
>= 30,000 names/s.
"""

from __future__ import annotations

import argparse
import functools
import statistics
import sys
import time
import tomllib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "core" / "naming" / "corpus"
HELDBACK = CORPUS / "heldback"
VIDEO_CATEGORIES = ("episodes", "movies", "extras")
CATEGORIES = (*VIDEO_CATEGORIES, "stacks", "music")
TARGETS = {"episodes": 0.95, "movies": 0.95, "extras": 0.90, "stacks": 0.90}
HELDBACK_TARGETS = {"episodes": 0.95, "movies": 0.95, "extras": 0.95, "stacks": 0.90}
HELDBACK_CATEGORIES = ("episodes", "movies", "extras", "stacks")
SPEED_TARGET = 30_000

INT_FIELDS = frozenset(["season", "episode", "episode_end", "year", "track", "disc"])
VIDEO_FIELDS = frozenset(
    [
        "kind",
        "series",
        "season",
        "episode",
        "episode_end",
        "air_date",
        "title",
        "year",
        "edition",
        "extra_type",
        "extra_owner",
    ]
)
MUSIC_FIELDS = frozenset(["artist", "album", "year", "disc", "track", "title"])
ROOT_TYPES = frozenset(["movies", "shows", "music", "mixed"])
UNCHECKED = "*"


@dataclass(frozen=True, slots=True)
class Case:
    """One name (or, for stacks, one folder listing) and what it must read as."""

    category: str
    source: str
    line: int
    path: str = ""
    root_type: str = "mixed"
    expected: dict[str, Any] = field(default_factory=dict)
    files: tuple[str, ...] = ()
    groups: tuple[tuple[str, ...], ...] = ()

    @property
    def label(self) -> str:
        where = f"{self.category}:{self.line}"
        return f"{where} [{self.source}] {self.path or ' | '.join(self.files)}"

    @property
    def names(self) -> int:
        return len(self.files) if self.category == "stacks" else 1


@dataclass(slots=True)
class Outcome:
    case: Case
    got: dict[str, Any]
    wrong: list[str]

    @property
    def ok(self) -> bool:
        return not self.wrong


class CorpusError(ValueError):
    """A corpus file is malformed: says which file and line."""


def _value(name: str, text: str, where: str) -> Any:
    if text == UNCHECKED:
        return UNCHECKED
    if text == "":
        return None
    if name in INT_FIELDS:
        try:
            return int(text)
        except ValueError:
            raise CorpusError(f"{where}: {name} is not a number: {text!r}") from None
    return text


def load_tsv(path: Path, category: str) -> list[Case]:
    """Rows of ``root path <fields...> source``; ``#`` lines are comments."""
    cases: list[Case] = []
    header: list[str] | None = None
    allowed = MUSIC_FIELDS if category == "music" else VIDEO_FIELDS
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        where = f"{path.name}:{number}"
        if not raw.strip() or raw.startswith("#"):
            continue
        cells = raw.split("\t")
        if header is None:
            header = cells
            unknown = set(header) - allowed - {"root", "path", "source"}
            if header[:2] != ["root", "path"] or header[-1] != "source" or unknown:
                raise CorpusError(f"{where}: bad header {header} (unknown: {sorted(unknown)})")
            continue
        if len(cells) != len(header):
            raise CorpusError(f"{where}: {len(cells)} cells, the header has {len(header)}")
        row = dict(zip(header, cells, strict=True))
        if row["root"] not in ROOT_TYPES:
            raise CorpusError(f"{where}: unknown root type {row['root']!r}")
        expected = {name: _value(name, row[name].strip(), where) for name in header[2:-1]}
        cases.append(
            Case(category, row["source"].strip(), number, row["path"], row["root"], expected)
        )
    return cases


def load_stacks(path: Path) -> list[Case]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    cases = []
    for index, entry in enumerate(data.get("stack", []), 1):
        files = tuple(entry["files"])
        groups = tuple(tuple(group) for group in entry["groups"])
        listed = sorted(name for group in groups for name in group)
        if listed != sorted(files):
            raise CorpusError(f"{path.name}: stack #{index}: groups do not hold exactly the files")
        cases.append(Case("stacks", entry.get("source", ""), index, files=files, groups=groups))
    return cases


def load_corpus(root: Path = CORPUS) -> dict[str, list[Case]]:
    corpus = {name: load_tsv(root / f"{name}.tsv", name) for name in VIDEO_CATEGORIES}
    corpus["music"] = load_tsv(root / "music.tsv", "music")
    corpus["stacks"] = load_stacks(root / "stacks.toml")
    return corpus


def load_heldback(root: Path = HELDBACK) -> dict[str, list[Case]]:
    """The held-back part: the same files (no music), never used to write a rule."""
    corpus = {name: load_tsv(root / f"{name}.tsv", name) for name in VIDEO_CATEGORIES}
    corpus["stacks"] = load_stacks(root / "stacks.toml")
    return corpus


def merged(*parts: dict[str, list[Case]]) -> dict[str, list[Case]]:
    """Every category's cases of several parts together (for the speed passes)."""
    out: dict[str, list[Case]] = {}
    for part in parts:
        for category, cases in part.items():
            out.setdefault(category, []).extend(cases)
    return out


def _same(name: str, got: Any, want: Any) -> bool:
    if want == UNCHECKED:
        return True
    if name == "edition" and isinstance(got, str) and isinstance(want, str):
        # "Director's Cut" and "Directors.Cut" are the same edition
        return _squash(got) == _squash(want)
    return bool(got == want)


def _squash(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def check(case: Case) -> Outcome:
    """Read one case with the naming module and compare it with what is expected."""
    from kino_tui.core.naming import PathContext, parse_track_path, parse_video, stack_files

    if case.category == "stacks":
        got_groups = sorted(tuple(group) for group in stack_files(list(case.files)))
        want = sorted(case.groups)
        wrong = [] if got_groups == want else ["groups"]
        return Outcome(case, {"groups": got_groups}, wrong)
    *folders, name = case.path.split("/")
    if case.category == "music":
        info: Any = parse_track_path(name, tuple(folders))
    else:
        context = PathContext("/library", case.root_type, tuple(folders))  # type: ignore[arg-type]
        info = parse_video(name, context)
    got = {key: getattr(info, key, None) for key in case.expected}
    wrong = [key for key, want in case.expected.items() if not _same(key, got[key], want)]
    return Outcome(case, got, wrong)


def run(corpus: dict[str, list[Case]]) -> dict[str, list[Outcome]]:
    return {category: [check(case) for case in cases] for category, cases in corpus.items()}


def accuracy(outcomes: list[Outcome]) -> float:
    return sum(outcome.ok for outcome in outcomes) / len(outcomes) if outcomes else 0.0


def describe(outcome: Outcome) -> str:
    """One failure, got against expected, for the fields that differ."""
    case = outcome.case
    if case.category == "stacks":
        return (
            f"{case.label}\n    got      {outcome.got['groups']}\n    expected {list(case.groups)}"
        )
    parts = [
        f"{key}: got {outcome.got[key]!r}, expected {case.expected[key]!r}" for key in outcome.wrong
    ]
    return f"{case.label} ({case.root_type})\n    " + "\n    ".join(parts)


def _clear_caches() -> None:
    """Empty every functools cache in the naming modules so a pass is a first reading."""
    for module_name, module in list(sys.modules.items()):
        if not module_name.startswith("kino_tui.core.naming") or module is None:
            continue
        for value in vars(module).values():
            if isinstance(value, functools._lru_cache_wrapper):
                value.cache_clear()


def timed_pass(corpus: dict[str, list[Case]]) -> tuple[float, int]:
    started = time.perf_counter()
    run(corpus)
    return time.perf_counter() - started, sum(c.names for cases in corpus.values() for c in cases)


def speed(corpus: dict[str, list[Case]], runs: int) -> dict[str, float]:
    """Names per second: the first pass (includes lazy imports), then passes on cleared caches."""
    first, names = timed_pass(corpus)
    rates = []
    for _ in range(runs):
        _clear_caches()
        elapsed, _ = timed_pass(corpus)
        rates.append(names / elapsed)
    return {
        "names": names,
        "first": names / first,
        "best": max(rates),
        "median": statistics.median(rates),
    }


def field_errors(outcomes: list[Outcome]) -> Counter[str]:
    return Counter(key for outcome in outcomes for key in outcome.wrong)


def report(
    results: dict[str, list[Outcome]],
    show_failures: bool,
    out: Callable[[str], None] = print,
    part: str = "tuned",
    targets: dict[str, float] = TARGETS,
) -> None:
    total_names = sum(o.case.names for outcomes in results.values() for o in outcomes)
    out(f"{part} corpus: {total_names} names in {sum(map(len, results.values()))} cases")
    for category, outcomes in results.items():
        target = targets.get(category)
        passed = sum(o.ok for o in outcomes)
        verdict = ""
        if target is not None:
            verdict = "  ok" if accuracy(outcomes) >= target else f"  BELOW {target:.0%}"
        out(
            f"{category:9} {accuracy(outcomes):7.1%}  ({passed}/{len(outcomes)})"
            f"  target {f'{target:.0%}' if target else '-':>4}{verdict}"
        )
        errors = field_errors(outcomes)
        if errors:
            out("          wrong fields: " + ", ".join(f"{k} {n}" for k, n in errors.most_common()))
    if show_failures:
        for category, outcomes in results.items():
            failures = [o for o in outcomes if not o.ok]
            if failures:
                out(f"\n== {part} {category}: {len(failures)} failures")
                for outcome in failures:
                    out(describe(outcome))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--failures", action="store_true", help="list every failure")
    parser.add_argument("--category", choices=CATEGORIES, action="append")
    parser.add_argument("--runs", type=int, default=5, help="timed passes after the first")
    parser.add_argument(
        "--heldback-failures",
        action="store_true",
        help="also list the held-back part's failures (read them only to report, never to tune)",
    )
    args = parser.parse_args(argv)
    corpus = load_corpus()
    heldback = load_heldback()
    if args.category:
        corpus = {name: corpus[name] for name in args.category if name in corpus}
        heldback = {name: heldback[name] for name in args.category if name in heldback}
    cpu_started = time.process_time()
    rates = speed(merged(corpus, heldback), args.runs)
    cpu = time.process_time() - cpu_started
    report(run(corpus), args.failures)
    print()
    report(
        run(heldback),
        args.heldback_failures,
        part="held-back",
        targets=HELDBACK_TARGETS,
    )
    verdict = "ok" if rates["median"] >= SPEED_TARGET else f"BELOW {SPEED_TARGET:,}"
    print(
        f"\nspeed: {rates['names']:.0f} names; first pass {rates['first']:,.0f} names/s; "
        f"later passes (caches cleared) best {rates['best']:,.0f}, median {rates['median']:,.0f} "
        f"names/s over {args.runs} runs ({verdict}; {cpu:.2f} s CPU for all passes)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
