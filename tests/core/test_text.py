"""Text fitted to a width: names and cast lines of the detail pane (issue 21)."""

from __future__ import annotations

from kino_tui.core.text import cast_line, fit_line, fit_names


def test_names_and_cast_lines_fit_their_width() -> None:
    names = ["Michael Mann", "Someone Else", "A Third"]
    assert fit_names(names, 60) == "Michael Mann, Someone Else, A Third"
    assert fit_names(names, 30) == "Michael Mann, Someone Else +1"
    assert fit_names(names, 16) == "Michael Mann +2"
    assert fit_names(names, 10) == "Michae… +2"  # the count is kept, the name cut
    assert fit_names([], 10) == ""
    assert cast_line("Al Pacino", "Vincent Hanna", 40) == "Al Pacino as Vincent Hanna"
    assert cast_line("Al Pacino", "Vincent Hanna", 15) == "Al Pacino as V…"
    assert cast_line("Al Pacino", None, 40) == "Al Pacino"
    assert fit_line("abc", 0) == ""
