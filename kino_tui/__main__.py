"""``kino`` and ``python -m kino_tui``."""

from __future__ import annotations

import sys

from kino_tui.cli import run


def main() -> None:
    """Console-script entry point."""
    sys.exit(run(sys.argv[1:]))


if __name__ == "__main__":
    main()
