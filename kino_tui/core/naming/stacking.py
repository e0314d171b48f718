"""Stacking: a movie in parts (``cd1``/``cd2``, ``part1``, ``pt.a``, ``disc 2``…) is one item.

``<name><sep><word><sep><n>`` where the word is cd, dvd, part, pt, disc or disk, the
number 1-99 or a letter a-d, the separator a space, ``.``, ``-`` or ``_``. Parts stack
only with the same name before and after, the same extension, at least two of them and
no number twice; a lone ``Part 2`` is a title, not a stack.
"""

from __future__ import annotations

from kino_tui.core.naming import rules
from kino_tui.core.naming.titles import extension, natural_key, stem


def stack_key(name: str) -> tuple[str, int] | None:
    """``Film cd2.avi`` → ("film|cd|.avi", 2): files with one key form one item."""
    match = rules.STACK.match(stem(name))
    if not match:
        return None
    number = match["number"].lower()
    part = int(number) if number.isdigit() else ord(number) - ord("a") + 1
    word = match["word"].lower()
    family = rules.STACK_FAMILIES.get(word, word)
    # lettered parts never join numbered ones (``part1``, ``part2``, ``parta``)
    kind = "n" if number.isdigit() else "a"
    key = f"{match['base'].lower()}|{family}{kind}|{match['rest'].lower()}|{extension(name)}"
    return key, part


def stack_files(names: list[str]) -> list[list[str]]:
    """Group a folder's video names into items: stacked parts together, in order."""
    groups: dict[str, list[tuple[int, str]]] = {}
    singles: list[list[str]] = []
    for name in names:
        key = stack_key(name)
        if key is None:
            singles.append([name])
        else:
            groups.setdefault(key[0], []).append((key[1], name))
    for members in groups.values():
        numbers = [number for number, _ in members]
        if len(members) >= 2 and len(set(numbers)) == len(numbers) and min(numbers) == 1:
            singles.append([name for _, name in sorted(members)])
        else:
            singles.extend([name] for _, name in members)
    return sorted(singles, key=lambda group: natural_key(group[0]))


def stacked_title_source(first_part: str) -> str:
    """The name a stacked item is read from: ``Film (2010) cd1.avi`` → ``Film (2010).avi``."""
    match = rules.STACK.match(stem(first_part))
    if not match:
        return first_part
    return f"{match['base']}{match['rest']}.{extension(first_part)}"
