"""Extras: every folder and suffix form Jellyfin and Plex document, and words that only
look like extras."""

from __future__ import annotations

import pytest

from kino_tui.core.models import RootType
from tests.core.naming.helpers import parse


@pytest.mark.parametrize(
    ("path", "extra_type", "owner"),
    [
        # folders
        ("Film (2010)/Extras/Making of.mkv", "extra", "Film (2010)"),
        ("Film (2010)/extras/Making of.mkv", "extra", "Film (2010)"),
        ("Film (2010)/Featurettes/Costumes.mkv", "featurette", "Film (2010)"),
        ("Film (2010)/Trailers/Teaser.mkv", "trailer", "Film (2010)"),
        ("Film (2010)/Behind The Scenes/Day 1.mkv", "behindthescenes", "Film (2010)"),
        ("Film (2010)/Deleted Scenes/Cut.mkv", "deleted", "Film (2010)"),
        ("Film (2010)/Interviews/Director.mkv", "interview", "Film (2010)"),
        ("Film (2010)/Scenes/Opening.mkv", "scene", "Film (2010)"),
        ("Film (2010)/Shorts/Short One.mkv", "short", "Film (2010)"),
        ("Film (2010)/Clips/Clip.mkv", "clip", "Film (2010)"),
        ("Film (2010)/Other/Thing.mkv", "other", "Film (2010)"),
        ("Film (2010)/Samples/s.mkv", "sample", "Film (2010)"),
        ("Film (2010)/Backdrops/loop.mkv", "backdrop", "Film (2010)"),
        ("Film (2010)/Extras/Interviews/Cast.mkv", "interview", "Film (2010)/Extras"),
        ("Show/Season 1/Extras/Gag Reel.mkv", "extra", "Show/Season 1"),
        ("Show/Featurettes/Inside the Show.mkv", "featurette", "Show"),
        # suffixes
        ("Film (2010)/Film (2010)-trailer.mkv", "trailer", "Film (2010)"),
        ("Film (2010)/Film (2010).trailer.mkv", "trailer", "Film (2010)"),
        ("Film (2010)/Film (2010)_trailer.mkv", "trailer", "Film (2010)"),
        ("Film (2010)/Film (2010)-trailer2.mkv", "trailer", "Film (2010)"),
        ("Film (2010)/Film (2010)-featurette.mkv", "featurette", "Film (2010)"),
        ("Film (2010)/Film (2010)-behindthescenes.mkv", "behindthescenes", "Film (2010)"),
        ("Film (2010)/Film (2010)-deleted.mkv", "deleted", "Film (2010)"),
        ("Film (2010)/Film (2010)-deletedscene.mkv", "deleted", "Film (2010)"),
        ("Film (2010)/Film (2010)-interview.mkv", "interview", "Film (2010)"),
        ("Film (2010)/Film (2010)-scene.mkv", "scene", "Film (2010)"),
        ("Film (2010)/Film (2010)-clip.mkv", "clip", "Film (2010)"),
        ("Film (2010)/Film (2010)-short.mkv", "short", "Film (2010)"),
        ("Film (2010)/Film (2010)-other.mkv", "other", "Film (2010)"),
        ("Film (2010)/Film (2010)-extra.mkv", "extra", "Film (2010)"),
        ("Film.2010.1080p-GRP/film.2010.1080p-grp-sample.mkv", "sample", "Film.2010.1080p-GRP"),
        ("Film.2010.1080p-GRP/Sample/film-sample.mkv", "sample", "Film.2010.1080p-GRP"),
        # bare names
        ("Film (2010)/trailer.mp4", "trailer", "Film (2010)"),
        ("Film (2010)/sample.mkv", "sample", "Film (2010)"),
        ("Film (2010)/theme.mkv", "theme", "Film (2010)"),
    ],
)
@pytest.mark.parametrize("root_type", ["movies", "mixed"])
def test_extras(root_type: RootType, path: str, extra_type: str, owner: str) -> None:
    info = parse(path, root_type)
    assert (info.kind, info.extra_type, info.extra_owner) == ("extra", extra_type, owner)


def test_extras_under_shows_are_not_episodes() -> None:
    info = parse("Show/Season 1/Extras/Show S01E01 Gag Reel.mkv", "shows")
    assert (info.kind, info.extra_type, info.extra_owner) == ("extra", "extra", "Show/Season 1")


@pytest.mark.parametrize(
    "path",
    [
        "The Other (1972)/The Other (1972).mkv",
        "Short Circuit (1986).mkv",
        "Film (2010)/Film (2010) - scene.mkv",  # a version, not an extra
        "Sample Movie (2010).mkv",
        "Trailer Park Boys (2014).mkv",
        "The Interview (2014).mkv",
        "Deleted (2019).mkv",
    ],
)
def test_words_that_look_like_extras_are_not(path: str) -> None:
    assert parse(path, "movies").kind == "movie"


@pytest.mark.parametrize(
    ("path", "episode", "title"),
    [
        ("Show/Season 1/Show - S01E06 - The Trailer.mkv", 6, "The Trailer"),
        ("Show/Season 2/Show - 2x03 - Free Sample.mkv", 3, "Free Sample"),
    ],
)
def test_an_episode_titled_like_an_extra_is_an_episode(path: str, episode: int, title: str) -> None:
    info = parse(path, "shows")
    assert (info.kind, info.episode, info.title) == ("episode", episode, title)


def test_an_episode_s_scene_sample_is_still_an_extra() -> None:
    assert parse("Show/Season 1/Show.S01E06.720p.HDTV-GRP.sample.mkv", "shows").kind == "extra"
    assert parse("Show/Season 1/Show S01E06-trailer.mkv", "shows").kind == "extra"
