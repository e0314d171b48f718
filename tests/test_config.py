"""config.toml: defaults, validation with file and line, edits that keep comments."""

from __future__ import annotations

from pathlib import Path

import pytest

from kino_tui.config import add_roots, load_settings, remove_root
from kino_tui.core.errors import ConfigError


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
        '[vlc]\ncommand = ["flatpak", "run", "org.videolan.VLC"]\nargs = "--no-osd"\n'
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


def test_playback_window_follows_the_display(tmp_path: Path) -> None:
    playback = load_settings(tmp_path / "none.toml").playback
    assert playback.mode == "auto"
    assert playback.in_window({"DISPLAY": ":0"})
    assert playback.in_window({"WAYLAND_DISPLAY": "wayland-0"})
    assert not playback.in_window({"SSH_CONNECTION": "1.2.3.4 5 6.7.8.9 22"})
