#!/usr/bin/env bash
# Install everything the tests need (system tools and a virtualenv), then run the checks.
# Usage: bash scripts/test.sh [pytest args...]
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(ffmpeg mpv vlc tmux python3-venv openssh-server openssh-client postgresql)
missing=()
for package in "${packages[@]}"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if ((${#missing[@]})); then
    sudo_cmd=()
    [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null
fi

if [[ ! -x .venv/bin/python ]]; then
    python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'

.venv/bin/ruff check kino_tui tests bench
.venv/bin/mypy
.venv/bin/lint-imports
# Four workers on two cores: most tests wait on real players, terminals, sshd and
# PostgreSQL, so they overlap well (each test has its own tmux server: tests/conftest.py).
# Tests that share one fixed path (the snapshots') are one xdist group, on one worker.
exec .venv/bin/python -m pytest -p no:cacheprovider -n "${KINO_TEST_WORKERS:-4}" --dist loadgroup "$@"
