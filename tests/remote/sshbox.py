"""A real box and a real laptop on this machine: sshd on loopback, two users.

- The *box* is the user ``kinobox<pid>``: its own HOME (so its own XDG directories), a library
  under ``~/Media`` that only it can read (mode 0700), scanned by the box's own kino.
- The *laptop* is the user ``kinolaptop<pid>``: its own HOME with ``~/.ssh/config`` naming the
  box ``box`` (a key of its own, no known-hosts file), and its own kino settings. It
  cannot read the box's media: everything it plays travels over ssh.
- sshd runs as root on a free port of 127.0.0.1 with a host key made here, the keys it
  accepts in a file of this fixture (``AuthorizedKeysFile``), no PAM (``UsePAM no``).

Both users run this worktree's kino. When they cannot run the test's own interpreter
(it lives under root's home here), they run the system Python of the same version with
the test's packages on ``PYTHONPATH``.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import shutil
import signal
import site
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import SUBTITLE, ffmpeg

#: Users of this test process (two runs at once, in two worktrees, do not share them);
#: removed when the link closes, or by the next run if this one was killed.
BOX_USER = f"kinobox{os.getpid()}"
LAPTOP_USER = f"kinolaptop{os.getpid()}"
_TEST_USER = re.compile(r"^kino(?:box|laptop)(\d+)$")
SSHD = shutil.which("sshd") or "/usr/sbin/sshd"
WORKTREE = Path(__file__).resolve().parents[2]
LONG_SECONDS = 400


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _remove_users_of_dead_runs() -> None:
    for entry in pwd.getpwall():
        match = _TEST_USER.match(entry.pw_name)
        if match and not Path(f"/proc/{match.group(1)}").exists():
            _remove_user(entry.pw_name)


def _remove_user(name: str) -> None:
    subprocess.run(["userdel", name], capture_output=True, check=False, timeout=30)


def _ensure_user(name: str, home: Path) -> pwd.struct_passwd:
    try:
        pwd.getpwnam(name)
        subprocess.run(["usermod", "-d", str(home), name], check=True, timeout=30)
    except KeyError:
        # '*': no password, but not a locked account (sshd without PAM refuses those).
        subprocess.run(
            ["useradd", "-M", "-d", str(home), "-s", "/bin/sh", "-p", "*", name],
            check=True,
            timeout=30,
        )
    home.mkdir(parents=True, exist_ok=True)
    entry = pwd.getpwnam(name)
    os.chown(home, entry.pw_uid, entry.pw_gid)
    home.chmod(0o755)
    return entry


def _chown_tree(path: Path, entry: pwd.struct_passwd) -> None:
    for folder, dirs, files in os.walk(path):
        for name in [*dirs, *files]:
            os.lchown(os.path.join(folder, name), entry.pw_uid, entry.pw_gid)
    os.chown(path, entry.pw_uid, entry.pw_gid)


def _interpreter(user: pwd.struct_passwd) -> list[str]:
    """A Python this user can run with kino importable: the test's own, or the
    system's of the same version (with the test's packages on PYTHONPATH)."""
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    for candidate in (sys.executable, f"/usr/bin/{version}", shutil.which(version) or ""):
        if not candidate:
            continue
        try:
            probe = subprocess.run(
                [candidate, "-c", "import kino_tui.cli, aiohttp"],
                user=user.pw_uid,
                group=user.pw_gid,
                extra_groups=[],
                env={"PYTHONPATH": python_path(), "HOME": "/tmp", "PATH": os.environ["PATH"]},
                cwd="/",
                capture_output=True,
                check=False,
                timeout=60,
            )
        except PermissionError:
            continue  # under a home this user cannot enter
        if probe.returncode == 0:
            return [candidate]
    if not _MIRROR:  # the checkout itself is where other users cannot read (under /root)
        _mirror_packages()
        return _interpreter(user)
    raise AssertionError(f"no Python that {user.pw_name} can run with kino importable")


#: Where the test's packages are mirrored for the two users, when they cannot read them.
_MIRROR: list[str] = []


def _mirror_packages() -> None:
    """Hard-linked (or copied) mirrors of this checkout's ``kino_tui`` and the test's
    site-packages in a folder every user can read, for a checkout that sits where they
    cannot (a CI clone under ``/root``)."""
    import atexit

    target = Path(tempfile.mkdtemp(prefix="kino-remote-python-"))
    target.chmod(0o755)
    atexit.register(shutil.rmtree, target, True)

    def link(source: str, destination: str) -> None:
        try:
            os.link(source, destination)
        except OSError:
            shutil.copy2(source, destination)

    sources = [(WORKTREE / "kino_tui", target / "src" / "kino_tui")]
    sources += [(Path(p), target / f"site{n}") for n, p in enumerate(site.getsitepackages())]
    for source, destination in sources:
        if source.is_dir():
            shutil.copytree(source, destination, symlinks=True, copy_function=link)
    for folder, _, _ in os.walk(target):
        os.chmod(folder, 0o755)
    _MIRROR.extend(
        [str(target / "src"), *(str(target / f"site{n}") for n in range(len(sources) - 1))]
    )


def python_path() -> str:
    if _MIRROR:
        return os.pathsep.join(_MIRROR)
    return os.pathsep.join([str(WORKTREE), *site.getsitepackages()])


@dataclass
class Machine:
    """One side: a user, its HOME, and how to run kino as it."""

    user: pwd.struct_passwd
    home: Path
    python: list[str]

    def env(self, **extra: str) -> dict[str, str]:
        return {
            "HOME": str(self.home),
            "USER": self.user.pw_name,
            "LOGNAME": self.user.pw_name,
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "PYTHONPATH": python_path(),
            "LANG": "C.UTF-8",
            "TERM": "xterm-256color",
            **extra,
        }

    def kino(self, *args: str) -> list[str]:
        return [*self.python, "-m", "kino_tui", *args]

    def popen(
        self, argv: list[str], extra_env: dict[str, str] | None = None, **kwargs: object
    ) -> subprocess.Popen[str]:
        return subprocess.Popen(  # type: ignore[call-overload, no-any-return]
            argv,
            user=self.user.pw_uid,
            group=self.user.pw_gid,
            extra_groups=[],
            env=self.env(**(extra_env or {})),
            cwd=str(self.home),
            text=True,
            **kwargs,
        )

    def run(
        self,
        *args: str,
        check: bool = True,
        timeout: float = 120,
        extra_env: dict[str, str] | None = None,
    ) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            self.kino(*args),
            user=self.user.pw_uid,
            group=self.user.pw_gid,
            extra_groups=[],
            env=self.env(**(extra_env or {})),
            cwd=str(self.home),
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=timeout,
            check=False,
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"kino {' '.join(args)} as {self.user.pw_name} failed "
                f"({result.returncode}):\n{result.stdout}\n{result.stderr}"
            )
        return result

    @property
    def slow(self) -> dict[str, str]:
        """The environment for the slow settings (see :func:`link`)."""
        return {"XDG_CONFIG_HOME": str(self.home / ".config-slow")}

    @property
    def data_dir(self) -> Path:
        return self.home / ".local" / "share" / "kino"


@dataclass
class Link:
    """The box, the laptop, and the sshd between them."""

    box: Machine
    laptop: Machine
    port: int
    sshd: subprocess.Popen[bytes]
    #: An ssh config for root (the test process) that reaches the box like the laptop.
    root_ssh_config: Path
    media: Path
    outside: Path

    @property
    def remote_command(self) -> list[str]:
        return ["env", f"PYTHONPATH={python_path()}", *self.box.kino()]


def _wait_for_port(port: int, sshd: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if sshd.poll() is not None:
            raise AssertionError(f"sshd exited with status {sshd.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.1)
    raise AssertionError("sshd did not listen in time")


def _write_ssh_config(path: Path, port: int, key: Path) -> None:
    path.write_text(
        "Host box\n"
        "  HostName 127.0.0.1\n"
        f"  Port {port}\n"
        f"  User {BOX_USER}\n"
        f"  IdentityFile {key}\n"
        "  IdentitiesOnly yes\n"
        "  BatchMode yes\n"
        "  StrictHostKeyChecking no\n"
        "  UserKnownHostsFile /dev/null\n"
        "  LogLevel ERROR\n"
    )
    path.chmod(0o600)


@contextlib.contextmanager
def open_link(add_media: Callable[[Path], None] | None = None) -> Iterator[Link]:
    """sshd on loopback between the box user and the laptop user (see the module);
    ``add_media`` may put more files in the box's library folder before its scan."""
    assert os.geteuid() == 0, "the remote tests create two users and run sshd: run them as root"
    assert os.path.exists(SSHD), "sshd is required: apt-get install openssh-server"
    _remove_users_of_dead_runs()
    base = Path(tempfile.mkdtemp(prefix="kino-ssh-"))
    sshd: subprocess.Popen[bytes] | None = None
    log = None
    try:
        base.chmod(0o755)
        box_user = _ensure_user(BOX_USER, base / "box")
        laptop_user = _ensure_user(LAPTOP_USER, base / "laptop")
        box = Machine(box_user, base / "box", _interpreter(box_user))
        laptop = Machine(laptop_user, base / "laptop", _interpreter(laptop_user))

        # The box's media, readable by the box alone; a file outside its library folder.
        media = box.home / "Media"
        film = media / "Movies" / "Long Film (2001)" / "Long Film (2001).mkv"
        film.parent.mkdir(parents=True)
        ffmpeg(
            "-f", "lavfi", "-i", f"testsrc=size=64x48:rate=2:duration={LONG_SECONDS}",
            "-f", "lavfi", "-i", f"sine=frequency=440:duration={LONG_SECONDS}:sample_rate=8000",
            "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-b:a", "16k", str(film),
        )  # fmt: skip
        short = media / "Movies" / "Short Film (2002)" / "Short Film (2002).mkv"
        short.parent.mkdir(parents=True)
        shutil.copyfile(film, short)
        (short.parent / "poster.png").write_bytes(_png())
        (short.parent / "Short Film (2002).srt").write_text(SUBTITLE)
        parted = media / "Movies" / "Parted Film (2005)"
        parted.mkdir(parents=True)
        for number, start in ((1, 0), (2, LONG_SECONDS // 2)):
            ffmpeg(
                "-ss", str(start), "-t", str(LONG_SECONDS // 2), "-i", str(film),
                "-c", "copy", str(parted / f"Parted Film (2005) - part{number}.mkv"),
            )  # fmt: skip
        # A name that is not UTF-8 (an old Latin-1 disk).
        latin = os.fsdecode(b"Caf\xe9 (2006)")
        (media / "Movies" / latin).mkdir()
        shutil.copyfile(film, media / "Movies" / latin / f"{latin}.mkv")
        secret = media / "Movies" / "Secret (2003)" / "Secret (2003).mkv"
        secret.parent.mkdir(parents=True)
        shutil.copyfile(film, secret)
        if add_media is not None:
            add_media(media)
        outside = box.home / "private.txt"
        outside.write_text("not for the laptop\n")
        _chown_tree(box.home, box_user)
        media.chmod(0o700)

        # Keys: the laptop's, and the host's.
        ssh_dir = laptop.home / ".ssh"
        ssh_dir.mkdir()
        key = ssh_dir / "id_ed25519"
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
        _write_ssh_config(ssh_dir / "config", 0, key)  # the port is known below
        _chown_tree(laptop.home, laptop_user)
        ssh_dir.chmod(0o700)

        server = base / "sshd"
        server.mkdir()
        server.chmod(0o755)
        host_key = server / "host_ed25519"
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(host_key)], check=True
        )
        authorized = server / "authorized"
        authorized.mkdir()
        authorized.chmod(0o755)
        (authorized / BOX_USER).write_text(Path(f"{key}.pub").read_text())
        (authorized / BOX_USER).chmod(0o644)
        port = _free_port()
        config = server / "sshd_config"
        config.write_text(
            f"Port {port}\n"
            "ListenAddress 127.0.0.1\n"
            f"HostKey {host_key}\n"
            f"PidFile {server / 'sshd.pid'}\n"
            "UsePAM no\n"
            "StrictModes no\n"
            "PasswordAuthentication no\n"
            "KbdInteractiveAuthentication no\n"
            "PubkeyAuthentication yes\n"
            f"AuthorizedKeysFile {authorized}/%u\n"
            f"AllowUsers {BOX_USER}\n"
            "AllowTcpForwarding yes\n"
            "AllowStreamLocalForwarding yes\n"
            "X11Forwarding no\n"
            "Subsystem sftp internal-sftp\n"  # scp, for the benchmark
            "PrintMotd no\n"
            "LogLevel ERROR\n"
        )
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # sshd's privilege separation dir
        log = open(server / "sshd.log", "wb")  # noqa: SIM115 (closed with the link)
        sshd = subprocess.Popen([SSHD, "-D", "-e", "-f", str(config)], stderr=log)
        _wait_for_port(port, sshd)
        _write_ssh_config(ssh_dir / "config", port, key)
        os.chown(ssh_dir / "config", laptop_user.pw_uid, laptop_user.pw_gid)
        root_config = server / "root_ssh_config"
        _write_ssh_config(root_config, port, key)

        the_link = Link(box, laptop, port, sshd, root_config, media, outside)
        # The box's own kino scans its library.
        box.run("add", "--type", "movies", str(media))
        box.run("scan")
        # The laptop's settings: the box's kino, and mpv headless and fast.
        config_dir = laptop.home / ".config" / "kino"
        config_dir.mkdir(parents=True)
        command = ", ".join(f'"{word}"' for word in the_link.remote_command)
        (config_dir / "config.toml").write_text(
            'playback = "terminal"\n'
            'resume = "always"\n'
            "[remote]\n"
            f"command = [{command}]\n"
            "[mpv]\n"
            'args = ["--no-config", "--vo=null", "--ao=null", "--speed=100"]\n'
            "[vlc]\n"
            'args = ["--intf=dummy", "--vout=dummy", "--aout=dummy", "--rate=50"]\n'
        )
        # A second set of settings: mpv at 10x, progress saved every second (plays that
        # are interrupted mid-way). Used with XDG_CONFIG_HOME=~/.config-slow.
        slow = laptop.home / ".config-slow" / "kino"
        slow.mkdir(parents=True)
        (slow / "config.toml").write_text(
            (config_dir / "config.toml").read_text().replace("--speed=100", "--speed=10")
            + "[progress]\nsave_interval = 1\n"
        )
        _chown_tree(laptop.home / ".config", laptop_user)
        _chown_tree(laptop.home / ".config-slow", laptop_user)
        yield the_link
    finally:
        if sshd is not None:
            sshd.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                sshd.wait(timeout=10)
            if sshd.poll() is None:
                sshd.kill()
        if log is not None:
            log.close()
        shutil.rmtree(base, ignore_errors=True)
        for name in (BOX_USER, LAPTOP_USER):
            _remove_user(name)


def _png() -> bytes:
    """A small real PNG (made by ffmpeg) to stand for a poster."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "poster.png"
        ffmpeg("-f", "lavfi", "-i", "color=c=blue:s=32x48", "-frames:v", "1", str(path))
        return path.read_bytes()
