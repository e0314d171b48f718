"""Stacking: parts by cd, dvd, part, pt, disc and disk with numbers or letters, and names
that only look stacked."""

from __future__ import annotations

import pytest

from kino_tui.core.naming import stack_files, stacked_title_source

STACKS = [
    ["Film (2010) cd1.avi", "Film (2010) cd2.avi"],
    ["Film-cd1.avi", "Film-cd2.avi", "Film-cd3.avi"],
    ["Film.dvd1.mkv", "Film.dvd2.mkv"],
    ["Other part1.mkv", "Other part2.mkv", "Other part3.mkv"],
    ["Other Part 1.mkv", "Other Part 2.mkv"],
    ["Film_pt1.mkv", "Film_pt2.mkv"],
    ["Letters-pt.a.mkv", "Letters-pt.b.mkv"],
    ["Film disc1.mkv", "Film disc2.mkv"],
    ["Film disk 1.mkv", "Film disk 2.mkv"],
    ["Film (2010) - CD1.mkv", "Film (2010) - CD2.mkv"],
    ["Film cd1 (2010).mkv", "Film cd2 (2010).mkv"],
    ["Film parta.mkv", "Film partb.mkv", "Film partc.mkv", "Film partd.mkv"],
    ["Film part 1.mkv", "Film part 2.mkv", "Film part 10.mkv"],
]


@pytest.mark.parametrize("stack", STACKS)
def test_stacks(stack: list[str]) -> None:
    shuffled = list(reversed(stack))
    assert stack_files(shuffled) == [stack]


@pytest.mark.parametrize(
    "names",
    [
        ["Alone disc1.mkv"],  # a single part is not a stack
        ["Harry Potter Part 2 (2011).mkv", "The Departed (2006).mkv"],
        ["Harry Potter Part 1 (2010).mkv", "Harry Potter Part 2 (2011).mkv"],  # different years
        ["C cd1.mkv", "C cd2.avi"],  # different extensions
        ["Kill Bill cd1.mkv", "Other Film cd2.mkv"],  # different names
        ["Film part2.mkv", "Film part3.mkv"],  # no first part
        ["Film.2010.DVDRip.XviD-GRP.avi", "Film.2011.DVDRip.XviD-GRP.avi"],
        ["Cd Player (2010).mkv", "Discovery (2001).mkv"],
        ["Film cd1.mkv", "Film cd1.avi"],
    ],
)
def test_look_alikes_are_not_stacked(names: list[str]) -> None:
    groups = stack_files(names)
    assert all(len(group) == 1 for group in groups)
    assert sorted(name for group in groups for name in group) == sorted(names)


def test_groups_come_in_natural_order() -> None:
    names = ["Film 10.mkv", "Film 2.mkv", "B dvd2.mkv", "B dvd1.mkv", "a.mkv"]
    assert stack_files(names) == [
        ["a.mkv"],
        ["B dvd1.mkv", "B dvd2.mkv"],
        ["Film 2.mkv"],
        ["Film 10.mkv"],
    ]


@pytest.mark.parametrize(
    ("first", "source"),
    [
        ("Film (2010) cd1.avi", "Film (2010).avi"),
        ("Film (2010) - CD1.mkv", "Film (2010).mkv"),
        ("Film cd1 (2010).mkv", "Film (2010).mkv"),
        ("Letters-pt.a.mkv", "Letters.mkv"),
        ("Alone.mkv", "Alone.mkv"),
    ],
)
def test_a_stack_is_read_from_its_name_without_the_part(first: str, source: str) -> None:
    assert stacked_title_source(first) == source


def test_a_lettered_part_never_joins_numbered_ones() -> None:
    names = ["Heat (1995) part1.mkv", "Heat (1995) part2.mkv", "Heat (1995) parta.mkv"]
    assert stack_files(names) == [names[:2], [names[2]]]


def test_a_part_marker_may_follow_a_bracket() -> None:
    names = ["Ikiru (1952)[720p][Criterion]part1.mkv", "Ikiru (1952)[720p][Criterion]part2.mkv"]
    assert stack_files(names) == [names]
