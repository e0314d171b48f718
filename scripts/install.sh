#!/usr/bin/env bash
# Install kino for this user and open it on a library folder.
# Usage: bash scripts/install.sh [FOLDER...]   (defaults to ~/Videos and ~/Music when they exist)
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(python3-venv mpv)
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

home_dir="${XDG_DATA_HOME:-$HOME/.local/share}/kino-app"
python3 -m venv "$home_dir"
"$home_dir/bin/python" -m pip install -q --disable-pip-version-check .
mkdir -p "$HOME/.local/bin"
ln -sf "$home_dir/bin/kino" "$HOME/.local/bin/kino"
echo "kino installed as $HOME/.local/bin/kino"

if (($#)); then
    "$home_dir/bin/kino" scan "$@"
else
    folders=()
    for folder in "$HOME/Videos" "$HOME/Music"; do
        [[ -d $folder ]] && folders+=("$folder")
    done
    if ((${#folders[@]})); then
        "$home_dir/bin/kino" scan "${folders[@]}"
    fi
fi
exec "$home_dir/bin/kino"
