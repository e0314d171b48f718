#!/usr/bin/env bash
# Install kino for this user and open it on library folders.
# Usage: bash scripts/install.sh [FOLDER...]   (defaults to ~/Videos and ~/Music when they exist)
#
# - Python 3.11 or newer is needed; PYTHON=/path/to/python3.12 picks another interpreter.
# - Folders that do not exist are skipped (with a message); if none of those given exist,
#   nothing is installed.
# - kino opens at the end only when this runs in a terminal; otherwise (CI, `ssh host cmd`,
#   a pipe) the script says how to start kino and returns.
set -euo pipefail

say() { printf '%s\n' "$*"; }
die() {
    printf 'install.sh: %s\n' "$*" >&2
    exit 1
}

repo="$(cd "$(dirname "$0")/.." && pwd)"

# 1. A Python that is new enough, before anything is installed.
python="${PYTHON:-python3}"
if ! command -v "$python" >/dev/null 2>&1; then
    die "$python was not found: install Python 3.11 or newer (sudo apt-get install python3), or name one with PYTHON=/path/to/python3.11"
fi
version="$("$python" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])' 2>/dev/null || true)"
if [[ ! $version =~ ^([0-9]+)\.([0-9]+) ]]; then
    die "could not tell which version $python is (it printed '$version'): name a Python 3.11 or newer with PYTHON=/path/to/python3.11"
fi
major="${BASH_REMATCH[1]}" minor="${BASH_REMATCH[2]}"
if ((major < 3 || (major == 3 && minor < 11))); then
    die "kino needs Python 3.11 or newer, but $python is $version: install a newer one (Debian 12 and Ubuntu 24.04 have it), or name it with PYTHON=/path/to/python3.11 bash scripts/install.sh"
fi

# 2. The library folders: only those that exist (made absolute: relative to where you ran this).
folders=()
if (($#)); then
    for folder in "$@"; do
        if [[ -d $folder ]]; then
            folders+=("$(cd -- "$folder" && pwd)")
        elif [[ -e $folder ]]; then
            say "skipping $folder: it is a file, not a folder" >&2
        else
            say "skipping $folder: it does not exist" >&2
        fi
    done
    if ((${#folders[@]} == 0)); then
        die "none of the folders given exist ($*): check the paths (or mount the drive) and run install.sh again"
    fi
else
    for folder in "$HOME/Videos" "$HOME/Music"; do
        if [[ -d $folder ]]; then
            folders+=("$folder")
        fi
    done
fi

# 3. System packages: the venv module for this Python, and mpv to play.
missing=()
"$python" -c 'import ensurepip, venv' >/dev/null 2>&1 || missing+=(python3-venv)
command -v mpv >/dev/null 2>&1 || missing+=(mpv)
if ((${#missing[@]})); then
    if command -v apt-get >/dev/null 2>&1; then
        sudo_cmd=()
        [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
        say "installing ${missing[*]} with apt-get"
        "${sudo_cmd[@]}" apt-get update -qq
        DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq \
            --no-install-recommends "${missing[@]}" >/dev/null
    else
        say "no apt-get here: install ${missing[*]} with your package manager" >&2
    fi
    if ! "$python" -c 'import ensurepip, venv' >/dev/null 2>&1; then
        die "$python cannot make virtual environments: install its venv module (python3-venv, or python$major.$minor-venv) and run install.sh again"
    fi
fi

# 4. kino in its own virtual environment, linked from ~/.local/bin.
app_dir="${XDG_DATA_HOME:-$HOME/.local/share}/kino-app"
bin_dir="$HOME/.local/bin"
say "installing kino into $app_dir"
"$python" -m venv "$app_dir"
"$app_dir/bin/python" -m pip install -q --disable-pip-version-check "$repo"
mkdir -p "$bin_dir"
ln -sf "$app_dir/bin/kino" "$bin_dir/kino"
say "kino installed as $bin_dir/kino"

kino="kino"
case ":$PATH:" in
*":$bin_dir:"* | *":$bin_dir/:"*) ;;
*)
    kino="$bin_dir/kino"
    say ""
    say "$bin_dir is not on your PATH, so typing kino does not find it yet."
    say "Add this line to ~/.profile (or ~/.bashrc), then open a new terminal:"
    # shellcheck disable=SC2016  # the line is printed as it is to be written
    say '    export PATH="$HOME/.local/bin:$PATH"'
    say ""
    ;;
esac

# 5. Scan the folders (which adds them to the library), then open kino in a terminal.
if ((${#folders[@]})); then
    "$app_dir/bin/kino" scan "${folders[@]}"
else
    say "no library folders yet: add one with: $kino scan /path/to/your/videos"
fi
if [[ -t 0 && -t 1 ]]; then
    exec "$app_dir/bin/kino"
fi
say "start kino with: $kino"
