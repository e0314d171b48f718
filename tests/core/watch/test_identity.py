"""An item's name across boxes, and finding the local item a shared record is about."""

from __future__ import annotations

from kino_tui.core.models import LibraryRoot, MediaItem
from kino_tui.core.watch.identity import LocalIndex, SharedKey, key_for, library_name, names_of

NAS = "/mnt/nas/Media"


def movie(path: str, item_id: str, fingerprint: str | None = None, **ids: str) -> MediaItem:
    return MediaItem(id=item_id, kind="movie", path=f"{NAS}/{path}", root=NAS,
                     fingerprint=fingerprint, ids=dict(ids))  # fmt: skip


def test_the_same_share_at_two_mount_paths_is_one_library() -> None:
    here, there = LibraryRoot("/mnt/nas/Media"), LibraryRoot("/srv/Media")
    assert library_name(here) == library_name(there) == "Media"
    assert library_name(LibraryRoot("/srv/films", name="Media")) == "Media"
    item = MediaItem(id="x", kind="movie", path="/srv/Media/Movies/A.mkv", root="/srv/Media")
    assert key_for(item, names_of([there])) == SharedKey("Media", "Movies/A.mkv")
    outside = MediaItem(id="y", kind="movie", path="/tmp/A.mkv", root="/tmp")
    assert key_for(outside, names_of([there])) is None


def test_a_moved_file_is_found_by_content_then_by_a_provider_id_only_one_item_has() -> None:
    index = LocalIndex(
        [
            movie("Movies/Heat.mkv", "heat", "fp-heat", imdb="tt0113277"),
            movie("Movies/Copy A.mkv", "a", "fp-same"),
            movie("Movies/Copy B.mkv", "b", "fp-same"),  # two copies: content is ambiguous
            movie("Movies/Alien.mkv", "alien", None, tmdb="348"),
            movie("Movies/Alien (Director's Cut).mkv", "alien2", None, tmdb="348"),
        ],
        {NAS: "Media"},
    )
    assert index.find("Media", "Movies/Heat.mkv", None, {}).id == "heat"  # type: ignore[union-attr]
    renamed = index.find("Media", "Old/Heat 1995.mkv", "fp-heat", {})
    assert renamed is not None and renamed.id == "heat"
    by_imdb = index.find("Media", "Elsewhere/H.mkv", "fp-other", {"imdb": "tt0113277"})
    assert by_imdb is not None and by_imdb.id == "heat"
    assert index.find("Media", "Gone.mkv", "fp-same", {}) is None
    assert index.find("Media", "Gone.mkv", None, {"tmdb": "348"}) is None  # two items: none
    assert index.find("Films", "Movies/Heat.mkv", None, {}) is None  # another library
    assert index.local_path("Media", "Shows/x.mkv") == f"{NAS}/Shows/x.mkv"
    assert index.local_path("Films", "x.mkv") is None


def test_a_name_that_is_not_utf8_becomes_text_the_same_way_everywhere() -> None:
    item = movie("Caf\udce9.mkv", "c")
    key = key_for(item, {NAS: "Media"})
    assert key == SharedKey("Media", "Caf\\xe9.mkv")
    assert key.path.encode("utf-8")  # valid UTF-8: PostgreSQL takes it
