"""The box's stream endpoint, reached through the ssh forward: ranges, and refusals."""

from __future__ import annotations

import os
import urllib.error
import urllib.request
from pathlib import Path

from kino_tui.service.remote import plays
from kino_tui.service.remote.library import RemoteLibrary
from tests.helpers.remote import by_title
from tests.remote.sshbox import Link


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def listening_tcp_ports() -> set[int]:
    """The TCP ports listened on by this test's own processes (this one, and below it
    the sshd, the box's server and the laptop's ssh). Other tests, on other workers,
    open ports of their own at the same time; those are not this test's to count."""
    inodes: dict[str, int] = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A":  # LISTEN
                inodes[fields[9]] = int(fields[1].rsplit(":", 1)[1], 16)
    ports = set()
    for pid in _own_process_tree():
        try:
            links = [os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()]
        except OSError:
            continue  # gone meanwhile
        for link in links:
            if link.startswith("socket:[") and link[8:-1] in inodes:
                ports.add(inodes[link[8:-1]])
    return ports


def _own_process_tree() -> set[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    tree = {os.getpid()}
    grown = True
    while grown:
        below = {pid for pid, parent in parents.items() if parent in tree}
        grown = not below <= tree
        tree |= below
    return tree


def test_ranges_are_served_and_only_the_forward_listens(remote: RemoteLibrary) -> None:
    before = listening_tcp_ports()
    film = by_title(remote, "Short Film")
    play = plays.open_play(remote.connection, [film], "mpv")
    url = plays.stream_url(play, film, 0, "part")
    status, body = fetch(url, {"Range": "bytes=100-199"})
    assert status == 206
    assert body == Path(film.path).read_bytes()[100:200]
    status, body = fetch(url)
    assert status == 200 and len(body) == os.path.getsize(film.path)
    # The box opened no port: the one new listener is ssh's forward on this side.
    new = listening_tcp_ports() - before
    assert new == {int(url.split(":")[2].split("/")[0])}
    # The forward lives for the play only.
    play.end()
    assert listening_tcp_ports() - before == set()


def test_requests_outside_the_library_are_refused(remote: RemoteLibrary, link: Link) -> None:
    film = by_title(remote, "Short Film")
    secret = by_title(remote, "Secret")
    play = plays.open_play(remote.connection, [film, secret], "mpv")
    url = plays.stream_url(play, film, 0, "part")
    base, token, kind, item, index, name = url.rsplit("/", 5)
    assert fetch(f"{base}/wrong-token/{kind}/{item}/{index}/{name}")[0] == 403
    assert fetch(f"{base}/{token}/{kind}/no-such-id/0/x")[0] == 403  # not of this play
    assert fetch(f"{base}/{token}/{kind}/{item}/7/{name}")[0] == 403  # no part 7
    assert fetch(f"{base}/{token}/sub/{item}/0/x.srt")[0] == 200  # its subtitle file
    assert fetch(f"{base}/{token}/sub/{item}/1/x.srt")[0] == 403  # it has one
    assert fetch(f"{base}/{token}/{kind}/..%2F..%2F..%2Fetc%2Fpasswd/0/x")[0] == 403
    assert fetch(f"{base}/{token}/{kind}/{item}/0/x/y")[0] == 404
    # An item whose file became a symlink out of the library folder.
    path = Path(secret.path)
    kept = path.with_name("kept.mkv")
    path.rename(kept)
    try:
        path.symlink_to(link.outside)
        status, body = fetch(plays.stream_url(play, secret, 0, "part"))
        assert status == 403
        assert b"not for the laptop" not in body
    finally:
        path.unlink()
        kept.rename(path)


def test_posters_come_through_the_connection(remote: RemoteLibrary) -> None:
    film = by_title(remote, "Short Film")
    assert film.poster
    assert remote.poster_bytes(film) == Path(film.poster).read_bytes()
