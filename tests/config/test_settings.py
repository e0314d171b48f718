"""config.toml: defaults, validation with file and line, edits that keep comments."""

from __future__ import annotations

from pathlib import Path

import pytest

from kino_tui.config.load import load_settings
from kino_tui.config.roots_file import add_roots, remove_root, set_root_type
from kino_tui.core.errors import ConfigError, RootOverlap


def test_missing_config_is_defaults(tmp_path: Path) -> None:
    settings = load_settings(tmp_path / "config.toml")
    assert settings.roots == () and settings.player == "mpv"


def test_malformed_config_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('player = "mpv"\n\n[[roots]\npath = "/x"\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    message = str(caught.value)
    assert message.startswith(f"config error in {path}, line 3:")
    assert "\n" not in message


def test_wrong_values_are_explained(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('# my config\nplayer = "totem"\n')
    with pytest.raises(ConfigError, match=r"line 2: player must be one of mpv, vlc"):
        load_settings(path)
    path.write_text('[[roots]]\npath = "/x"\ntype = "films"\n')
    with pytest.raises(ConfigError, match=r"line 3: root type must be one of"):
        load_settings(path)


def test_add_and_remove_keep_comments(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('# chosen by me\nplayer = "vlc"\n')
    added = add_roots(path, [str(tmp_path / "Movies")], "movies")
    assert [r.type for r in added] == ["movies"]
    add_roots(path, [str(tmp_path / "Music") + "/"], "music")
    assert add_roots(path, [str(tmp_path / "Music")], "music") == []
    settings = load_settings(path)
    assert [(r.path, r.type) for r in settings.roots] == [
        (str(tmp_path / "Movies"), "movies"),
        (str(tmp_path / "Music"), "music"),
    ]
    assert settings.player == "vlc"
    assert "# chosen by me" in path.read_text()
    assert remove_root(path, str(tmp_path / "Movies"))
    assert not remove_root(path, str(tmp_path / "Nope"))
    assert [r.path for r in load_settings(path).roots] == [str(tmp_path / "Music")]


def test_playback_settings(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        'player = "vlc"\nplayback = "terminal"\nresume = "never"\nautoplay_next = true\n'
        "[progress]\nwatched_percent = 85\nmin_resume_seconds = 0\n"
        "[next_up]\ndays = 30\ninclude_specials = true\n"
        '[mpv]\nargs = ["--fs"]\nterminal_vo = "sixel"\n'
        '[vlc]\ncommand = ["flatpak", "run", "org.videolan.VLC"]\nargs = ["--no-osd"]\n'
    )
    settings = load_settings(path)
    playback = settings.playback
    assert (playback.player, playback.mode, playback.resume) == ("vlc", "terminal", "never")
    assert playback.rules.watched_percent == 85 and playback.rules.min_resume_seconds == 0
    assert playback.rules.min_resume_percent == 5  # untouched defaults stay
    assert playback.extra_args == {"mpv": ("--fs",), "vlc": ("--no-osd",)}
    assert playback.commands == {"vlc": ("flatpak", "run", "org.videolan.VLC")}
    assert playback.terminal_vo == "sixel"
    assert settings.autoplay_next and settings.next_up_days == 30 and settings.next_up_specials


def test_bad_playback_values_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('player = "mpv"\nresume = "sometimes"\n')
    with pytest.raises(ConfigError, match=r"line 2: resume must be one of ask, always, never"):
        load_settings(path)
    path.write_text('[progress]\nwatched_percent = "ninety"\n')
    with pytest.raises(ConfigError, match=r"line 2: watched_percent must be a number"):
        load_settings(path)
    path.write_text("[mpv]\nargs = [1, 2]\n")
    with pytest.raises(ConfigError, match=r"line 2: args must be a list of strings"):
        load_settings(path)
    path.write_text('player = "mpv"\nimages = "sixels"\n')
    with pytest.raises(ConfigError, match=r"line 2: images must be one of auto, kitty, sixel"):
        load_settings(path)
    path.write_text('images = "halfcell"\n')
    assert load_settings(path).images == "halfcell"
    path.write_text('player = "mpv"\nskip_intros = "yes"\n')
    with pytest.raises(ConfigError, match=r"line 2: skip_intros must be true or false"):
        load_settings(path)
    path.write_text("skip_intros = true\n")
    assert load_settings(path).playback.skip_intros
    assert not load_settings(tmp_path / "absent.toml").playback.skip_intros


def test_playback_window_follows_the_display(tmp_path: Path) -> None:
    playback = load_settings(tmp_path / "none.toml").playback
    assert playback.mode == "auto"
    assert playback.in_window({"DISPLAY": ":0"})
    assert playback.in_window({"WAYLAND_DISPLAY": "wayland-0"})
    assert not playback.in_window({"SSH_CONNECTION": "1.2.3.4 5 6.7.8.9 22"})


def config_error(tmp_path: Path, text: str) -> str:
    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    message = str(caught.value)
    assert message.startswith(f"config error in {path}, line ")
    assert "\n" not in message
    return message.removeprefix(f"config error in {path}, ")


def test_a_misspelt_setting_is_named_with_the_closest_one(tmp_path: Path) -> None:
    message = config_error(tmp_path, '# mine\nplaeyr = "vlc"\n')
    assert message == "line 2: unknown setting 'plaeyr' (did you mean 'player'?)"
    message = config_error(tmp_path, "[progres]\nwatched_percent = 80\n")
    assert message == "line 1: unknown setting 'progres' (did you mean 'progress'?)"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "[progress]\nwatched_percent = 80\nwatched_percnt = 80\n",
            "line 3: unknown setting 'watched_percnt' in [progress] (did you mean 'watched_percent'?)",
        ),
        (
            "[next_up]\ndays = 3\ninclude_special = true\n",
            "line 3: unknown setting 'include_special' in [next_up] (did you mean 'include_specials'?)",
        ),
        (
            '[mpv]\nargs = []\n[vlc]\nargz = ["--fs"]\n',
            "line 4: unknown setting 'argz' in [vlc] (did you mean 'args'?)",
        ),
        (
            '[vlc]\nterminal_vo = "tct"\n',
            "line 2: unknown setting 'terminal_vo' in [vlc] (it belongs to [mpv]; "
            "[vlc] knows command, args)",
        ),
        (
            "[mpv]\nvolume = 3\n",
            "line 2: unknown setting 'volume' in [mpv] (known: command, args, terminal_vo)",
        ),
        (
            '[[roots]]\npath = "/a"\n\n[[roots]]\npath = "/b"\ntyp = "movies"\n',
            "line 6: unknown setting 'typ' in [[roots]] (did you mean 'type'?)",
        ),
    ],
)
def test_unknown_settings_in_tables(tmp_path: Path, text: str, expected: str) -> None:
    assert config_error(tmp_path, text) == expected


def test_a_top_level_setting_after_roots_is_explained(tmp_path: Path) -> None:
    message = config_error(
        tmp_path, 'player = "mpv"\n\n[[roots]]\npath = "/srv/Movies"\n\nresume = "never"\n'
    )
    assert message == (
        "line 6: 'resume' is a top-level setting, but here it is inside [[roots]]: "
        "top-level settings must come before the first [[roots]] table"
    )
    message = config_error(tmp_path, '[mpv]\nargs = []\nimages = "off"\n')
    assert message == (
        "line 3: 'images' is a top-level setting, but here it is inside [mpv]: "
        "top-level settings must come before the first [table]"
    )


def test_keys_is_free_form_but_takes_strings(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[keys]\n"browser.search" = "ctrl+f"\nanything_at_all = "x"\n')
    assert load_settings(path).raw["keys"]["anything_at_all"] == "x"
    message = config_error(tmp_path, '[keys]\n"browser.search" = "ctrl+f"\n"app.quit" = 3\n')
    assert message == 'line 3: key bindings must be strings, like "ctrl+f"; app.quit is 3'
    message = config_error(tmp_path, '[keys]\n\nbrowser.search = "ctrl+f"\n')
    assert message == (
        "line 3: key bindings must be strings, like \"ctrl+f\"; browser is {'search': 'ctrl+f'} "
        '(quote binding ids that hold dots: "browser.…" = "ctrl+f")'
    )


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ("[progress]\nwatched_percent = 150", "watched_percent must be between 0 and 100, not 150"),
        ("[progress]\nwatched_percent = -1", "watched_percent must be between 0 and 100, not -1"),
        (
            "[progress]\nmin_resume_percent = 101",
            "min_resume_percent must be between 0 and 100, not 101",
        ),
        (
            "[progress]\nmin_resume_percent = 50\nwatched_percent = 40",
            "min_resume_percent (50) must be less than watched_percent (40)",
        ),
        (
            "[progress]\nwatched_percent = 4",
            "min_resume_percent (5) must be less than watched_percent (4)",
        ),
        (
            "[progress]\nwatched_within_seconds = -1",
            "watched_within_seconds must be 0 or more, not -1",
        ),
        ("[progress]\nmin_resume_seconds = -0.5", "min_resume_seconds must be 0 or more, not -0.5"),
        (
            "[progress]\nsave_interval = 0",
            "save_interval must be more than 0 and at most 3600 seconds, not 0",
        ),
        (
            "[progress]\nsave_interval = 7200",
            "save_interval must be more than 0 and at most 3600 seconds, not 7200",
        ),
        ("[next_up]\ndays = 0", "days must be 1 or more, not 0"),
    ],
)
def test_values_out_of_range_name_the_line(tmp_path: Path, table: str, expected: str) -> None:
    text = '# settings\nplayer = "mpv"\n\n' + table + "\n"
    assert config_error(tmp_path, text) == f"line 5: {expected}"


def test_edge_values_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        "[progress]\nmin_resume_percent = 0\nwatched_percent = 100\nwatched_within_seconds = 0\n"
        "min_resume_seconds = 0\nsave_interval = 3600\n[next_up]\ndays = 1\n"
    )
    rules = load_settings(path).playback.rules
    assert (rules.min_resume_percent, rules.watched_percent, rules.save_interval) == (0, 100, 3600)


def test_the_line_is_found_in_the_right_table(tmp_path: Path) -> None:
    message = config_error(tmp_path, '[mpv]\nargs = ["--fs"]\n\n[vlc]\nargs = [1]\n')
    assert message.startswith("line 5: args must be a list of strings")
    message = config_error(
        tmp_path,
        '[[roots]]\npath = "/a"\ntype = "movies"\n\n[[roots]]\npath = "/b"\ntype = "films"\n',
    )
    assert message.startswith("line 7: root type must be one of")
    message = config_error(
        tmp_path, "[next_up]\ndays = 3\n[progress]\n# days = 1\nsave_interval = 0\ndays = 4\n"
    )
    assert message.startswith("line 6: unknown setting 'days' in [progress]")
    message = config_error(tmp_path, "progress.watched_percent = 101\n")
    assert message.startswith("line 1: watched_percent must be between 0 and 100")
    message = config_error(tmp_path, 'description = """\nplayer = 1\n"""\nplayer = "totem"\n')
    assert message.startswith("line 1: unknown setting 'description'")


def roots_of(path: Path) -> list[tuple[str, str]]:
    return [(r.path, r.type) for r in load_settings(path).roots]


def test_adding_a_root_again_keeps_its_type(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    movies, other = str(tmp_path / "Movies"), str(tmp_path / "Other")
    assert [r.type for r in add_roots(path, [movies], "movies")] == ["movies"]
    assert add_roots(path, [movies]) == []  # no type given: the root stays as it is
    assert add_roots(path, [movies + "/"], None) == []
    assert roots_of(path) == [(movies, "movies")]
    added = add_roots(path, [other, movies])
    assert [(r.path, r.type) for r in added] == [(other, "mixed")]  # new roots are mixed
    changed = add_roots(path, [movies], "shows")  # a type given changes it
    assert [(r.path, r.type) for r in changed] == [(movies, "shows")]
    assert roots_of(path) == [(movies, "shows"), (other, "mixed")]


def test_set_root_type(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('# keep me\n[[roots]]\npath = "/srv/a"\n\n[[roots]]\npath = "/srv/b"\n')
    assert set_root_type(path, "/srv/b/", "music")
    assert roots_of(path) == [("/srv/a", "mixed"), ("/srv/b", "music")]
    assert set_root_type(path, "/srv/b", "music")  # already so: still a root
    assert not set_root_type(path, "/srv/c", "music")
    assert not set_root_type(tmp_path / "none.toml", "/srv/a", "music")
    assert "# keep me" in path.read_text()
    assert roots_of(path) == [("/srv/a", "mixed"), ("/srv/b", "music")]


def test_nested_roots_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    media = tmp_path / "media"
    (media / "Movies" / "Old").mkdir(parents=True)
    add_roots(path, [str(media / "Movies")], "movies")
    before = path.read_text()

    with pytest.raises(RootOverlap) as caught:
        add_roots(path, [str(media / "Movies" / "Old")], "movies")
    inner, outer = str(media / "Movies" / "Old"), str(media / "Movies")
    assert str(caught.value) == (
        f"{inner} is inside the library folder {outer}, which already includes it: "
        f"remove {outer} first to add {inner} on its own, or scan {outer} instead"
    )
    with pytest.raises(RootOverlap) as caught:
        add_roots(path, [str(media)])
    assert str(caught.value) == (
        f"{media} contains the library folder {outer}: remove {outer} first, "
        f"then add {media} (it will include {outer})"
    )
    assert isinstance(caught.value, ConfigError)
    assert path.read_text() == before  # nothing saved

    # a sibling whose name starts the same is not inside
    (media / "Movies2").mkdir()
    assert [r.path for r in add_roots(path, [str(media / "Movies2")])] == [str(media / "Movies2")]
    (media / "Mov").mkdir()
    assert [r.path for r in add_roots(path, [str(media / "Mov")])] == [str(media / "Mov")]


def test_a_symlinked_alias_of_a_root_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    real = tmp_path / "disk" / "Shows"
    (real / "Dark").mkdir(parents=True)
    alias = tmp_path / "shows-link"
    alias.symlink_to(real)
    add_roots(path, [str(real)], "shows")
    with pytest.raises(RootOverlap, match="is inside the library folder"):
        add_roots(path, [str(alias / "Dark")])
    with pytest.raises(RootOverlap) as caught:
        add_roots(path, [str(alias)])
    assert str(caught.value) == (
        f"{alias} is the library folder {real} under another name (a symlink): "
        f"use {real}, or remove it first"
    )
    assert roots_of(path) == [(str(real), "shows")]


def test_nested_folders_in_one_call_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    with pytest.raises(RootOverlap) as caught:
        add_roots(path, ["/srv/media", "/srv/other", "/srv/media/TV"], "mixed")
    assert str(caught.value) == (
        "/srv/media/TV is inside /srv/media, which is added too: add only /srv/media, "
        "or add /srv/media/TV without it"
    )
    assert not path.exists()
    assert [r.path for r in add_roots(path, ["/srv/media", "/srv/media/"])] == ["/srv/media"]


def test_the_help_screen_s_remap_example_is_valid_config(tmp_path: Path) -> None:
    """What the help screen tells a user to write under [keys] loads as written."""
    from kino_tui.ui.screens.help import REMAP_HINT

    example = REMAP_HINT.split("e.g. ", 1)[1]
    path = tmp_path / "config.toml"
    path.write_text(f"[keys]\n{example}\n")
    assert load_settings(path).raw["keys"] == {"browser.sort": "o"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a string where a list belongs was taken as one argument, silently
        ('player = "mpv"\n[mpv]\nargs = "--fs"\n',
         r'line 3: args must be a list of strings, not a string: write args = \["--fs"\]'),
        ('[vlc]\nargs = "--fullscreen --no-osd"\n',
         r'line 2: args must be a list .* args = \["--fullscreen", "--no-osd"\]'),
        # a bare word only said "Invalid value"
        ("player = mpv\n", r"line 1: 'player = mpv': mpv is not a value TOML knows; "
                           r'a text needs quotes: player = "mpv"'),
        ('player = "mpv"\nplayback = window  # where\n',
         r'line 2: .*a text needs quotes: playback = "window"'),
    ],
)  # fmt: skip
def test_a_value_of_the_wrong_type_is_named_with_file_and_line(
    tmp_path: Path, text: str, expected: str
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=rf"^config error in {path}, {expected}"):
        load_settings(path)
