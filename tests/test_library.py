"""Library: the opening section is read before the rest of the catalog, losing nothing."""

from __future__ import annotations

import orjson

from kino_tui.config.paths import KinoPaths
from kino_tui.core.catalog.store import Catalog, CatalogData
from kino_tui.core.models import MediaItem, Progress
from kino_tui.service import Library


def item(item_id: str, kind: str, name: str) -> MediaItem:
    path = f"/media/{name}"
    return MediaItem(id=item_id, kind=kind, path=path, root="/media", parts=[path], title=name)  # type: ignore[arg-type]


def save(paths: KinoPaths, *items: MediaItem) -> None:
    Catalog(paths.catalog_file).save(CatalogData({i.id: i for i in items}))


def test_opening_holds_the_first_section_and_the_rest_follows(kino_paths: KinoPaths) -> None:
    save(
        kino_paths,
        item("m1", "movie", "Alien"),
        item("e1", "episode", "Dark S01E01"),
        item("t1", "track", "Song"),
    )
    library = Library(kino_paths)
    opening = library.load_in_background().result(timeout=30)
    assert set(opening.view.items) == {"m1"}
    assert [e.title for e in opening.view.section("movies")] == ["Alien"]
    assert not opening.complete and opening.warnings == []
    opening.view.update_progress("e1", Progress(position=5.0))  # the user acts meanwhile
    full, warnings = library.load_rest(opening)
    assert warnings == []
    assert set(full.items) == {"m1", "e1", "t1"}
    assert full.state(full.items["e1"]).position == 5.0


def test_a_library_of_one_kind_is_complete_at_once(kino_paths: KinoPaths) -> None:
    save(kino_paths, item("m1", "movie", "Alien"), item("m2", "movie", "Heat"))
    opening = Library(kino_paths).load_opening()
    assert opening.complete and set(opening.view.items) == {"m1", "m2"}
    assert opening.view.first_section() == "movies"


def test_a_show_library_opens_from_its_index_and_the_rest_follows(kino_paths: KinoPaths) -> None:
    """Opening on TV Shows reads the index's summaries (written first when missing), the
    episodes after: the catalog is never unpacked whole for the first frame."""
    save(kino_paths, item("e1", "episode", "Dark S01E01"), item("e2", "episode", "Dark S01E02"))
    library = Library(kino_paths)
    opening = library.load_opening()
    assert opening.unread and opening.view.items == {}
    assert opening.view.first_section() == "shows"
    full, warnings = library.load_rest(opening)
    assert warnings == [] and set(full.items) == {"e1", "e2"}


def test_damage_found_in_the_rest_is_reported_and_kept_aside(kino_paths: KinoPaths) -> None:
    save(kino_paths, item("m1", "movie", "Alien"), item("e1", "episode", "Dark S01E01"))
    raw = orjson.loads(kino_paths.catalog_file.read_bytes())
    for document in raw["items"].values():
        if document["kind"] == "episode":
            document["rows"] = document["rows"][:-3]
    kino_paths.catalog_file.write_bytes(orjson.dumps(raw))
    library = Library(kino_paths)
    opening = library.load_opening()
    assert set(opening.view.items) == {"m1"}
    full, warnings = library.load_rest(opening)
    assert full.items == {} and len(warnings) == 1 and "damaged" in warnings[0]
    assert list(kino_paths.catalog_file.parent.glob("catalog.json.damaged-*"))
