"""``kino --remote HOST …`` against a real box over a real sshd on loopback."""

from __future__ import annotations

import base64
import json
import subprocess

from tests.remote.sshbox import Link


def box_items(link: Link) -> list[dict]:
    return json.loads(link.box.run("ls", "--json").stdout)


def test_ls_json_lists_the_box_items_with_the_box_ids(box_state: Link) -> None:
    link = box_state
    remote = json.loads(link.laptop.run("--remote", "box", "ls", "--json").stdout)
    local = box_items(link)
    assert {i["id"] for i in remote} == {i["id"] for i in local}
    assert len(remote) == 5
    assert sorted(remote, key=lambda i: i["id"]) == sorted(local, key=lambda i: i["id"])
    latin = next(i for i in remote if "path_bytes" in i)  # a name that is not UTF-8
    assert base64.b64decode(latin["path_bytes"]).endswith(b"/Caf\xe9 (2006).mkv")
    # The laptop really cannot read them: everything came over ssh.
    probe = link.laptop.popen(
        ["cat", local[0]["path"]], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    _, error = probe.communicate(timeout=30)
    assert probe.returncode != 0 and "Permission denied" in error


def test_serve_leaves_nothing_behind(box_state: Link) -> None:
    link = box_state
    link.laptop.run("--remote", "box", "ls")
    running = subprocess.run(
        ["ps", "-u", link.box.user.pw_name, "-o", "args="], capture_output=True, text=True
    ).stdout
    assert "serve" not in running


def test_remote_kino_names_the_program_on_the_box(box_state: Link) -> None:
    result = box_state.laptop.run(
        "--remote", "box", "--remote-kino", "/nonexistent/kino", "ls", check=False
    )
    assert result.returncode == 2
    assert "the connection to box ended" in result.stderr
    assert "/nonexistent/kino" in result.stderr  # what the box's shell said


def test_sections_and_missing_items_over_the_link(box_state: Link) -> None:
    link = box_state
    recent = json.loads(
        link.laptop.run("--remote", "box", "ls", "--section", "recently-added", "--json").stdout
    )
    local = json.loads(link.box.run("ls", "--section", "recently-added", "--json").stdout)
    assert [i["id"] for i in recent] == [i["id"] for i in local] and recent
    missing = link.laptop.run("--remote", "box", "play", "no-such-id", check=False)
    assert missing.returncode == 2
    assert "on the box: nothing in the catalog has the id or path 'no-such-id'" in missing.stderr
    marked = link.laptop.run("--remote", "box", "watched", recent[0]["id"])
    assert "marked" in marked.stdout
    after = json.loads(link.box.run("ls", "--json").stdout)
    assert next(i for i in after if i["id"] == recent[0]["id"])["progress"]["watched"] is True
    history = json.loads(link.laptop.run("--remote", "box", "history", "--json").stdout)
    assert history == json.loads(link.box.run("history", "--json").stdout)


def test_the_configured_host_is_the_default(box_state: Link) -> None:
    link = box_state
    config = link.laptop.home / ".config-host" / "kino"
    config.mkdir(parents=True, exist_ok=True)
    settings = (link.laptop.home / ".config" / "kino" / "config.toml").read_text()
    (config / "config.toml").write_text(settings.replace("[remote]\n", '[remote]\nhost = "box"\n'))
    env = {"XDG_CONFIG_HOME": str(config.parent)}
    result = link.laptop.run("--remote", "ls", "--json", extra_env=env)
    assert {i["id"] for i in json.loads(result.stdout)} == {i["id"] for i in box_items(link)}
