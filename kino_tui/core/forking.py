"""Forked helper processes: when forking is safe, and tying a child's life to its parent."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading


def can_fork() -> bool:
    """Forking is safe only with no other thread running (one could hold a lock the
    child needs) and is cheap only on Linux."""
    return sys.platform.startswith("linux") and threading.active_count() == 1


def end_with_parent(parent: int) -> None:
    """Make this (child) process die when ``parent`` does, however it ends: the kernel's
    parent-death signal on Linux. Exits at once when the parent is already gone."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            import ctypes  # a few ms: only in a child that must die with kino

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)  # PDEATHSIG
    if os.getppid() != parent:  # it died before that took effect
        os._exit(1)
