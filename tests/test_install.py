"""scripts/install.sh, run for real: a temporary home, a real venv and pip install of a
copy of this checkout, real folders, a real pty for the run that opens kino."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

from tests.helpers.terminals import Pty

# its module fixture is costly: one worker sets it up (--dist loadgroup)
pytestmark = pytest.mark.xdist_group("install")

REPO = Path(__file__).parents[1]
#: The line install.sh prints for ~/.profile, exactly (not expanded).
PATH_LINE = '    export PATH="$HOME/.local/bin:$PATH"'
#: A Python that is new enough: the one running the tests (its own, not a venv's, folder).
PYTHON_DIR = str(Path(getattr(sys, "_base_executable", sys.executable)).parent)
SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin"


class Home:
    """A user's home for one install: HOME and XDG folders, and the source copy."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.home = base / "home"
        self.home.mkdir(parents=True)
        self.source = base / "src"
        shutil.copytree(
            REPO,
            self.source,
            ignore=shutil.ignore_patterns(
                ".venv", ".git", "build", "*.egg-info", "__pycache__", ".*_cache", "bench"
            ),
        )

    @property
    def app_dir(self) -> Path:
        return self.base / "data" / "kino-app"

    @property
    def kino(self) -> Path:
        return self.home / ".local" / "bin" / "kino"

    @property
    def config(self) -> Path:
        return self.base / "config" / "kino" / "config.toml"

    def env(self, path: str, **extra: str) -> dict[str, str]:
        env = {
            "HOME": str(self.home),
            "XDG_DATA_HOME": str(self.base / "data"),
            "XDG_CONFIG_HOME": str(self.base / "config"),
            "XDG_CACHE_HOME": str(self.base / "cache"),
            "PATH": path,
            "LANG": "C.UTF-8",
            "TERM": "xterm-256color",
        }
        env.update(extra)
        return env

    def install(
        self, *folders: str, path: str, timeout: float = 600, **extra: str
    ) -> subprocess.CompletedProcess[str]:
        """install.sh without a terminal (stdin from /dev/null, output to pipes)."""
        return subprocess.run(
            ["bash", str(self.source / "scripts" / "install.sh"), *folders],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            env=self.env(path, **extra),
            cwd=self.base,
            timeout=timeout,
        )

    def roots(self) -> list[str]:
        return [root["path"] for root in tomllib.loads(self.config.read_text())["roots"]]


@pytest.fixture(scope="module")
def installed(
    tmp_path_factory: pytest.TempPathFactory, media: dict[str, Path]
) -> tuple[Home, subprocess.CompletedProcess[str], float]:
    """One real install: a folder with a movie, and a folder that does not exist."""
    home = Home(tmp_path_factory.mktemp("install"))
    film = home.base / "library" / "Movies" / "Heat (1995)" / "Heat (1995).mkv"
    film.parent.mkdir(parents=True)
    shutil.copyfile(media["h264.mkv"], film)
    started = time.monotonic()
    result = home.install(
        str(home.base / "library"),
        str(home.base / "missing"),
        path=f"{PYTHON_DIR}:{SYSTEM_PATH}",  # without ~/.local/bin
    )
    return home, result, time.monotonic() - started


def test_install_without_a_terminal_returns(installed) -> None:
    home, result, seconds = installed
    assert result.returncode == 0, result.stdout + result.stderr
    # it did not exec kino (which would wait for a terminal): it says how to start it
    assert result.stdout.rstrip().endswith(f"start kino with: {home.kino}")
    assert home.kino.is_symlink() and home.kino.resolve() == home.app_dir / "bin" / "kino"
    print(f"install.sh took {seconds:.1f} s")  # about 10 s on the 2-core machine


def test_install_prints_the_path_line_when_local_bin_is_not_on_path(installed) -> None:
    home, result, _ = installed
    assert f"{home.home}/.local/bin is not on your PATH" in result.stdout
    assert PATH_LINE in result.stdout.splitlines()
    assert "~/.profile (or ~/.bashrc)" in result.stdout


def test_install_skips_missing_folders(installed) -> None:
    home, result, _ = installed
    assert f"skipping {home.base / 'missing'}: it does not exist" in result.stderr
    assert home.roots() == [str(home.base / "library")]


def test_the_installed_kino_runs(installed) -> None:
    home, _, _ = installed
    listed = subprocess.run(
        [str(home.kino), "ls"],
        capture_output=True,
        text=True,
        env=home.env(SYSTEM_PATH),
        timeout=60,
        check=True,
    )
    assert "Heat" in listed.stdout


def test_install_in_a_terminal_opens_kino(installed) -> None:
    """Run again, in a terminal, with ~/.local/bin on PATH and no folders given: it scans
    ~/Videos, gives no PATH advice, and opens kino (q quits it)."""
    home, _, _ = installed
    videos = home.home / "Videos" / "Ronin (1998)"
    videos.mkdir(parents=True)
    shutil.copyfile(home.base / "library" / "Movies" / "Heat (1995)" / "Heat (1995).mkv",
                    videos / "Ronin (1998).mkv")  # fmt: skip
    terminal = Pty()
    process = subprocess.Popen(
        ["bash", str(home.source / "scripts" / "install.sh")],
        stdin=terminal.slave,
        stdout=terminal.slave,
        stderr=terminal.slave,
        env=home.env(f"{home.home}/.local/bin:{PYTHON_DIR}:{SYSTEM_PATH}"),
        cwd=home.base,
        start_new_session=True,
    )
    os.close(terminal.slave)
    try:
        # kino's key bar: it opened (in this 80-column terminal the sections pane is
        # folded away from the first frame)
        terminal.wait_for(b"Quit", 240, process)
        terminal.wait_for(b"Ronin", 30, process)  # and the list shows the scanned film
        time.sleep(1.0)
        os.write(terminal.master, b"q")
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
        terminal.hang_up()
    output = terminal.seen.decode("utf-8", "replace")
    assert "not on your PATH" not in output
    assert "start kino with" not in output  # it opened kino instead
    assert home.roots() == [str(home.base / "library"), str(home.home / "Videos")]


def fake_python(folder: Path, version: str) -> Path:
    """A python3 that only says its version (as install.sh asks it), for the version check."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "python3"
    script.write_text(f"#!/bin/sh\necho {version}\n")
    script.chmod(0o755)
    return script


def test_an_old_python_is_refused_before_anything_is_installed(tmp_path: Path) -> None:
    home = Home(tmp_path)
    old = fake_python(tmp_path / "old-bin", "3.9.2")
    result = home.install(path=f"{old.parent}:{SYSTEM_PATH}")
    assert result.returncode == 1
    assert result.stderr.startswith(
        "install.sh: kino needs Python 3.11 or newer, but python3 is 3.9.2: install a newer one"
    )
    assert "PYTHON=/path/to/python3.11" in result.stderr
    result = home.install(path=f"{PYTHON_DIR}:{SYSTEM_PATH}", PYTHON=str(old))
    assert result.returncode == 1
    assert f"but {old} is 3.9.2" in result.stderr
    result = home.install(path=SYSTEM_PATH, PYTHON=str(tmp_path / "nowhere" / "python3.12"))
    assert result.returncode == 1
    assert "python3.12 was not found: install Python 3.11 or newer" in result.stderr
    assert not home.app_dir.exists() and not home.kino.exists()


def test_only_missing_folders_stop_before_installing(tmp_path: Path) -> None:
    home = Home(tmp_path)
    (tmp_path / "a-file").write_text("not a folder")
    result = home.install(
        str(tmp_path / "gone"), str(tmp_path / "a-file"), path=f"{PYTHON_DIR}:{SYSTEM_PATH}"
    )
    assert result.returncode == 1
    assert f"skipping {tmp_path / 'gone'}: it does not exist" in result.stderr
    assert f"skipping {tmp_path / 'a-file'}: it is a file, not a folder" in result.stderr
    assert "install.sh: none of the folders given exist" in result.stderr
    assert not home.app_dir.exists() and not home.config.exists()
