"""kino: a terminal media browser and player launcher."""

__version__ = "0.1.0"
