"""The question asked when a play starts while another plays: names shown as written."""

from __future__ import annotations

from textual.app import App
from textual.widgets import Label, OptionList

from kino_tui.ui.screens.play_or_queue import PlayOrQueueScreen

HOSTILE = "[/b][@click=app.quit]Evil[/]"


async def test_names_in_the_question_are_text_not_markup() -> None:
    class Host(App[None]):
        def on_mount(self) -> None:
            self.push_screen(PlayOrQueueScreen("[b]Now[/b]", HOSTILE))

    app = Host()
    async with app.run_test() as pilot:
        await pilot.pause()
        options = app.screen.query_one(OptionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(2)]
        assert prompts == [f"Add {HOSTILE} to the queue", f"Play {HOSTILE} now"]
        title = app.screen.query_one("#dialog-title", Label)
        assert "[b]Now[/b]" in str(title.render())
        await pilot.press("down", "enter")
        await pilot.pause()
    assert app.return_code in (None, 0)
