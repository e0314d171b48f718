"""Remote play over loopback ssh: time to first frame, and the stream's throughput next
to ``scp`` of the same file in the same run.

    .venv/bin/python -m bench.bench_remote --runs 5 --megabytes 200

Needs root (it makes the box and laptop users and runs sshd on 127.0.0.1, as the
remote tests do: tests/remote/sshbox.py). Measures, interleaved, ``--runs`` times each:

- ``first_frame``: ``kino --remote box play ID`` run by the laptop user, with mpv told
  to stop after its first video frame (``--frames=1 --vo=null --ao=null``): the whole
  path from the command to a decoded frame (kino starts, ssh logs in, the box's kino
  serve starts and sends the catalog, the stream starts, the forward, mpv opens the
  URL and decodes). Next to it ``first_frame_local``: the box's own ``kino play`` of the
  same file, same mpv options. ``connect_and_one_call``: ``kino --remote box history``
  (kino starts, ssh logs in, serve starts, one answer, both end): the fixed cost.
- ``stream``: the whole file fetched through the forward (``urllib``, one GET) and
  ``scp``: the same file copied by scp over the same sshd, both to /dev/null-like
  temporary files, in MB/s.

Prints one JSON object with the best and the median of each. On a loaded machine the
figures are noisy: compare the two of a pair, not runs made at different times.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

from kino_tui.config.paths import KinoPaths
from kino_tui.config.settings import RemoteSettings, Settings
from kino_tui.service.remote import plays
from kino_tui.service.remote.library import RemoteLibrary
from tests.conftest import ffmpeg
from tests.remote.sshbox import Link, open_link

BIG_TITLE = "Big Film"


def big_film(megabytes: int):  # type: ignore[no-untyped-def]
    """A real video of about ``megabytes`` MB: raw 320x240 frames in Matroska (no
    encoding time; every byte must travel)."""
    frame = 320 * 240 * 3 // 2
    seconds = max(1, megabytes * 1_000_000 // (frame * 24))

    def add(media: Path) -> None:
        target = media / "Movies" / f"{BIG_TITLE} (2004)" / f"{BIG_TITLE} (2004).mkv"
        target.parent.mkdir(parents=True)
        ffmpeg(
            "-f", "lavfi", "-i", f"testsrc=size=320x240:rate=24:duration={seconds}",
            "-c:v", "rawvideo", "-pix_fmt", "yuv420p", str(target),
        )  # fmt: skip

    return add


def item_id(link: Link, title: str) -> tuple[str, str]:
    items = json.loads(link.box.run("ls", "--json").stdout)
    item = next(i for i in items if i["title"] == title)
    return item["id"], item["path"]


def timed(action) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def summary(values: list[float]) -> dict[str, float]:
    return {"best": round(min(values), 3), "median": round(statistics.median(values), 3)}


def rates(values: list[float]) -> dict[str, float]:
    return {"best": round(max(values), 1), "median": round(statistics.median(values), 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--megabytes", type=int, default=200)
    args = parser.parse_args()
    with open_link(big_film(args.megabytes)) as link:
        film, _ = item_id(link, "Long Film")
        big, big_path = item_id(link, BIG_TITLE)
        size = Path(big_path).stat().st_size
        # mpv stops after the first frame, on both sides.
        for machine in (link.laptop, link.box):
            config = machine.home / ".config-bench" / "kino"
            config.mkdir(parents=True, exist_ok=True)
            remote = ", ".join(f'"{w}"' for w in link.remote_command)
            (config / "config.toml").write_text(
                'playback = "terminal"\nresume = "never"\n'
                f"[remote]\ncommand = [{remote}]\n"
                '[mpv]\nargs = ["--no-config", "--vo=null", "--ao=null", "--frames=1"]\n'
            )
            subprocess.run(["chown", "-R", f"{machine.user.pw_uid}:{machine.user.pw_gid}",
                            str(machine.home / ".config-bench")], check=True)  # fmt: skip
        env_laptop = {"XDG_CONFIG_HOME": str(link.laptop.home / ".config-bench")}
        env_box = {"XDG_CONFIG_HOME": str(link.box.home / ".config-bench")}

        scratch = [Path(tempfile.mkdtemp(prefix="kino-bench-remote-")) for _ in range(4)]
        paths = KinoPaths(*scratch[:3])
        ssh = ("ssh", "-F", str(link.root_ssh_config))
        settings = Settings(remote=RemoteSettings("box", tuple(link.remote_command), ssh))
        library = RemoteLibrary(paths, "box", settings)
        data, _ = library.load()
        play = plays.open_play(library.connection, [data.items[big]], "mpv")
        url = plays.stream_url(play, data.items[big], 0, "part")
        target = scratch[3] / "copy.mkv"

        def fetch() -> None:
            with urllib.request.urlopen(url, timeout=600) as response, open(target, "wb") as out:
                while chunk := response.read(1 << 20):
                    out.write(chunk)
            assert target.stat().st_size == size

        def scp() -> None:
            subprocess.run(["scp", "-q", "-F", str(link.root_ssh_config),
                            f"box:{big_path}", str(target)], check=True)  # fmt: skip
            assert target.stat().st_size == size

        try:
            remote_frames, local_frames, streams, copies, connects = [], [], [], [], []
            for _ in range(args.runs):
                connects.append(timed(lambda: link.laptop.run(
                    "--remote", "box", "history", "--json", extra_env=env_laptop)))  # fmt: skip
                remote_frames.append(timed(lambda: link.laptop.run(
                    "--remote", "box", "play", film, extra_env=env_laptop)))  # fmt: skip
                local_frames.append(timed(lambda: link.box.run("play", film, extra_env=env_box)))
                streams.append(size / 1e6 / timed(fetch))
                copies.append(size / 1e6 / timed(scp))
        finally:
            library.close()
            for folder in scratch:
                shutil.rmtree(folder, ignore_errors=True)
        print(json.dumps({
            "runs": args.runs,
            "file_megabytes": round(size / 1e6, 1),
            "first_frame_remote_seconds": summary(remote_frames),
            "first_frame_local_seconds": summary(local_frames),
            "connect_and_one_call_seconds": summary(connects),
            "stream_megabytes_per_second": rates(streams),
            "scp_megabytes_per_second": rates(copies),
        }, indent=1))  # fmt: skip


if __name__ == "__main__":
    main()
