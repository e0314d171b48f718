"""The core: catalog, scans, naming, metadata, watch state, playing, browsing. Never
imports Textual or Rich; used by the application layer (``kino_tui.service``)."""
