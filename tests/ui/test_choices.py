"""Lists of choices (dialogs, the sections, library folders, the track chooser) move with
j and k as the main list does, and show names as written."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from kino_tui.ui.screens.group_menu import GroupMenuScreen
from kino_tui.ui.widgets.choices import Choices


async def test_j_and_k_move_in_a_list_of_choices() -> None:
    class Host(App[None]):
        def compose(self) -> ComposeResult:
            yield Choices(Option("one"), Option("two"), Option("three"))

    app = Host()
    async with app.run_test() as pilot:
        choices = app.query_one(Choices)
        choices.focus()
        choices.highlighted = 0
        await pilot.press("j", "j")
        assert choices.highlighted == 2
        await pilot.press("k")
        assert choices.highlighted == 1


async def test_the_group_menu_shows_a_name_as_written() -> None:
    label = "Play from [/b][@click=app.quit]S01E02"
    picked: list[str] = []

    class Host(App[None]):
        def on_mount(self) -> None:
            self.push_screen(GroupMenuScreen("[b]Dark[/b]", label, picked.append))

    app = Host()
    async with app.run_test() as pilot:
        await pilot.pause()
        options = app.screen.query_one(OptionList)
        assert str(options.get_option_at_index(1).prompt) == label
        await pilot.press("p")
        await pilot.pause()
    assert picked == ["play"]
