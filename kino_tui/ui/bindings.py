"""Every key binding of kino, one table a screen or widget, each binding with an id.

One place to read every key kino has (the help screen shows them as typed, after the
user's ``[keys]`` remapping), and what ``[keys]`` in config.toml may remap:
:func:`binding_ids` is every id here. A screen takes its table (``BINDINGS =
bindings.BROWSER``); a new screen adds its table here.
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

#: KinoApp (app.py)
KINO_APP: list[BindingType] = [
    Binding("q", "quit", "Quit", id="app.quit", tooltip="Quit kino"),
    Binding("question_mark,f1", "help", "Help", id="app.help", tooltip="Show every key"),
    # Shown (and active) while a player runs in its own window.
    Binding("space", "player('pause')", "Pause", id="player.pause", tooltip="Pause or play on"),
    Binding("greater_than_sign", "player('next')", "Next", id="player.next",
            tooltip="Next item of the queue"),
    Binding("less_than_sign", "player('previous')", "Previous", id="player.previous",
            tooltip="Previous item of the queue"),
    Binding("right_square_bracket", "player('forward')", "+10 s", id="player.forward",
            tooltip="Forward 10 seconds"),
    Binding("left_square_bracket", "player('back')", "-10 s", id="player.back",
            tooltip="Back 10 seconds"),
    Binding("right_curly_bracket", "player('forward-more')", "+60 s", show=False,
            id="player.forward_more", tooltip="Forward a minute"),
    Binding("left_curly_bracket", "player('back-more')", "-60 s", show=False,
            id="player.back_more", tooltip="Back a minute"),
    Binding("plus,equals_sign", "player('louder')", "Louder", show=False, id="player.louder",
            tooltip="Louder"),
    Binding("minus", "player('softer')", "Softer", show=False, id="player.softer",
            tooltip="Softer"),
    Binding("x", "player('stop')", "Stop", id="player.stop", tooltip="Stop the player"),
    Binding("i", "player('skip')", "Skip", show=False, id="player.skip",
            tooltip="Skip the intro, recap or credits playing now"),
]  # fmt: skip

#: RootTypeChoice (screens/add_folder.py)
ROOT_TYPE_CHOICE: list[BindingType] = [
    Binding("enter", "choose", "Add", show=False, id="add_folder.choose"),
]

#: PathInput (screens/add_folder.py): Tab completes, before focus moves on.
PATH_INPUT: list[BindingType] = [
    # Not a priority binding: in a burst ("path\t" in one write) the keys before it reach
    # the box first, so it completes what was typed, not a prefix of it.
    Binding("tab", "complete", "Complete", show=False, id="add_folder.complete"),
]

#: AddFolderScreen (screens/add_folder.py)
ADD_FOLDER: list[BindingType] = [
    Binding("escape", "dismiss(None)", "Cancel", id="add_folder.cancel"),
]

#: BrowserScreen (screens/browser.py)
BROWSER: list[BindingType] = [
    # A priority binding runs as the key is read, before the next key is routed: in a
    # burst ("/Song" in one packet over SSH) every key after "/" reaches the search box.
    Binding(
        "slash",
        "search",
        "Search",
        id="browser.search",
        tooltip="Search the whole library",
        priority=True,
    ),
    # Enter on a show, season, artist or album: Open, Play or Shuffle (l and the right
    # arrow open at once). A priority binding, so the menu is up before the next key.
    Binding(
        "enter",
        "group_menu",
        "Open/Play",
        show=False,
        id="browser.group_menu",
        tooltip="Open, play or shuffle a show, season, artist or album",
        priority=True,
    ),
    Binding(
        "backslash",
        "toggle_sections",
        "Sections",
        id="browser.sections",
        tooltip="Show the sections (folded away in a narrow terminal)",
    ),
    # Down in the search box: into the results (the list takes the keys from there).
    Binding("down", "into_results", "Results", show=False, id="browser.into_results"),
    Binding("s", "cycle_sort", "Sort", id="browser.sort", tooltip="Cycle the sort order"),
    Binding(
        "S",
        "reverse_sort",
        "Reverse",
        show=False,
        id="browser.reverse_sort",
        tooltip="Reverse the order (year newest first, Z to A)",
    ),
    Binding("f", "filter", "Filter", id="browser.filter", tooltip="Filter this list"),
    Binding("w", "toggle_watched", "Watched", id="browser.watched", tooltip="Mark watched or not"),
    Binding(
        "W",
        "watched_up_to",
        "Watched up to here",
        show=False,
        id="browser.watched_up_to",
        tooltip="Mark this episode and every earlier one of its show watched",
    ),
    Binding(
        "u",
        "undo_mark",
        "Undo",
        show=False,
        id="browser.undo",
        tooltip="Undo the last watched mark (restores play counts and resume points)",
    ),
    Binding("r", "rescan", "Rescan", id="browser.rescan", tooltip="Scan the library folders again"),
    Binding(
        "a", "add_folder", "Add folder", id="browser.add_folder", tooltip="Add a library folder"
    ),
    Binding(
        "L",
        "library_folders",
        "Folders",
        show=False,
        id="browser.library_folders",
        tooltip="Library folders: their state, counts and problems; add, remove, retype",
    ),
    Binding(
        "p",
        "play_all",
        "Play all",
        id="browser.play_all",
        tooltip="Play a show, season or album (from the next unwatched), or from here on",
    ),
    Binding(
        "P",
        "play_all(True)",
        "Shuffle",
        show=False,
        id="browser.shuffle",
        tooltip="Play a show, season, artist or album in random order",
    ),
    Binding(
        "e",
        "enqueue",
        "Queue",
        show=False,
        id="browser.queue",
        tooltip="Add this (or a whole season or album) to the end of what plays",
    ),
    Binding(
        "t",
        "choose_tracks",
        "Tracks",
        show=False,
        id="browser.tracks",
        tooltip="Choose audio and subtitles (kept for the whole show, or the movie)",
    ),
    Binding(
        "o",
        "go_to_group",
        "Go to album",
        show=False,
        id="browser.go_to_group",
        tooltip="Open a track's album or an episode's season, on it (from search results)",
    ),
    Binding(
        "n",
        "play_next",
        "Play next",
        id="browser.play_next",
        tooltip="Play the episode offered next",
    ),
    Binding(
        "escape,backspace,h,left", "back", "Back", id="browser.back", tooltip="Go up one level"
    ),
]

#: ConfirmScreen (screens/confirm.py)
CONFIRM: list[BindingType] = [
    Binding("y", "dismiss(True)", "Yes", id="confirm.yes"),
    Binding("n,escape", "dismiss(False)", "No", id="confirm.no"),
]

#: FilterScreen (screens/filter.py)
FILTER: list[BindingType] = [
    Binding("escape,q", "dismiss(False)", "Close", id="filter.close"),
]

#: GroupMenuScreen (screens/group_menu.py)
GROUP_MENU: list[BindingType] = [
    Binding("enter", "choose", "Choose", priority=True, id="group_menu.choose"),
    Binding("o,l,right", "pick('open')", "Open", priority=True, id="group_menu.open"),
    Binding("p", "pick('play')", "Play", priority=True, id="group_menu.play"),
    Binding("s,P", "pick('shuffle')", "Shuffle", priority=True, id="group_menu.shuffle"),
    Binding("down,j", "move(1)", "Down", priority=True, show=False, id="group_menu.down"),
    Binding("up,k", "move(-1)", "Up", priority=True, show=False, id="group_menu.up"),
    Binding("escape,h,left,backspace", "dismiss(None)", "Cancel", priority=True,
            id="group_menu.cancel"),
]  # fmt: skip

#: HelpScreen (screens/help.py)
HELP: list[BindingType] = [
    Binding("escape,q,question_mark,f1", "dismiss", "Close", id="help.close"),
    Binding("j,down", "scroll(1)", "Down", show=False, id="help.down"),
    Binding("k,up", "scroll(-1)", "Up", show=False, id="help.up"),
    Binding("pagedown,space", "page(1)", "Page down", show=False, id="help.page_down"),
    Binding("pageup", "page(-1)", "Page up", show=False, id="help.page_up"),
]

#: ConfirmRemoveScreen (screens/library_folders.py)
CONFIRM_REMOVE: list[BindingType] = [
    Binding("y", "dismiss(True)", "Remove", id="remove_folder.confirm"),
    Binding("n,escape", "dismiss(False)", "Keep", id="remove_folder.cancel"),
]

#: RootTypeScreen (screens/library_folders.py)
ROOT_TYPE: list[BindingType] = [
    Binding("escape", "dismiss(None)", "Cancel", id="folder_type.cancel"),
]

#: LibraryFoldersScreen (screens/library_folders.py)
LIBRARY_FOLDERS: list[BindingType] = [
    Binding("escape,L", "close", "Back", id="folders.close", tooltip="Back to the library"),
    Binding("a", "add", "Add", id="folders.add", tooltip="Add a library folder"),
    Binding("d,delete", "remove", "Remove", id="folders.remove",
            tooltip="Remove the highlighted folder (asks first; watch progress is kept)"),
    Binding("t", "retype", "Type", id="folders.type",
            tooltip="Change what the highlighted folder holds"),
    Binding("r", "rescan", "Rescan", id="folders.rescan",
            tooltip="Scan the highlighted folder again"),
]  # fmt: skip

#: PlayOrQueueScreen (screens/play_or_queue.py)
PLAY_OR_QUEUE: list[BindingType] = [
    Binding("escape", "dismiss(None)", "Cancel", id="play_or_queue.cancel"),
]

#: ResumeScreen (screens/resume.py)
RESUME: list[BindingType] = [
    Binding("escape", "dismiss(None)", "Cancel", id="resume.cancel"),
]

#: TrackScreen (screens/tracks.py)
TRACK: list[BindingType] = [
    Binding("escape,q", "dismiss(None)", "Cancel", id="tracks.cancel"),
    Binding("u", "use", "Use these", id="tracks.use", tooltip="Play with these streams"),
]

#: Choices (widgets/choices.py)
CHOICES: list[BindingType] = [
    Binding("j", "cursor_down", "Down", show=False, id="list.down"),
    Binding("k", "cursor_up", "Up", show=False, id="list.up"),
]

#: MediaList (widgets/media_list.py)
# The moves are priority bindings (of the list, so only while it has focus): they act as
# each key is read, in order with the browser's priority Enter, so in a burst such as
# "j Enter" the menu opens on the row j moved to, not the one before.
MEDIA_LIST: list[BindingType] = [
    Binding("down,j", "cursor_down", "Down", show=False, id="list.down", priority=True),
    Binding("up,k", "cursor_up", "Up", show=False, id="list.up", priority=True),
    Binding("g,home", "first", "First", show=False, id="list.first", priority=True),
    Binding("G,end", "last", "Last", show=False, id="list.last", priority=True),
    Binding("pagedown", "page_down", "Page down", show=False, id="list.page_down", priority=True),
    Binding("pageup", "page_up", "Page up", show=False, id="list.page_up", priority=True),
    Binding("enter,l,right", "select", "Open/Play", id="list.select"),
]


#: The tables whose bindings are active together (the app's are active everywhere).
_TOGETHER = (
    (BROWSER, MEDIA_LIST, CHOICES),
    (GROUP_MENU,), (HELP,), (FILTER, CHOICES), (CONFIRM, CHOICES), (RESUME, CHOICES),
    (PLAY_OR_QUEUE, CHOICES), (TRACK, CHOICES), (ADD_FOLDER, ROOT_TYPE_CHOICE),
    (LIBRARY_FOLDERS, CHOICES), (CONFIRM_REMOVE, CHOICES), (ROOT_TYPE, CHOICES),
)  # fmt: skip


def screens() -> list[dict[str, str]]:
    """Per screen, the id and keys of every binding active on it (what ``[keys]`` is
    checked against: a remapped key another binding of the screen has is a clash)."""
    return [
        {
            binding.id: binding.key
            for table in (KINO_APP, *tables)
            for binding in table
            if isinstance(binding, Binding) and binding.id
        }
        for tables in _TOGETHER
    ]


def binding_ids() -> set[str]:
    """The id of every binding above."""
    tables = [value for name, value in globals().items() if name.isupper()]
    return {
        binding.id
        for table in tables
        if isinstance(table, list)
        for binding in table
        if isinstance(binding, Binding) and binding.id
    }
