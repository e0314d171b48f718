"""Player settings from ``config.toml``: which player, where it plays, how it resumes."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Literal

from kino_tui.core.play.resume import ResumeRules

ResumeMode = Literal["ask", "always", "never"]
PlaybackMode = Literal["auto", "window", "terminal"]


@dataclass(frozen=True, slots=True)
class PlayerSettings:
    """Everything about starting players, from ``config.toml``."""

    player: str = "mpv"
    mode: PlaybackMode = "auto"
    resume: ResumeMode = "ask"
    rules: ResumeRules = field(default_factory=ResumeRules)
    commands: dict[str, tuple[str, ...]] = field(default_factory=dict)
    extra_args: dict[str, tuple[str, ...]] = field(default_factory=dict)
    terminal_vo: str = ""  # mpv's video output in a terminal; empty: tct (or as the UI picks)
    #: Skip intros, recaps and commercial breaks without being asked (``skip_intros``).
    skip_intros: bool = False

    def in_window(self, environ: dict[str, str] | None = None) -> bool:
        """True when playback gets a window on the box's screen, False for the terminal."""
        if self.mode != "auto":
            return self.mode == "window"
        env = os.environ if environ is None else environ
        return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))
