"""Watch state: the local files (``store.py``: progress and history; ``track_choices.py``:
audio and subtitle choices), the default and, without ``[shared] database``, the only
store; the opt-in shared PostgreSQL store with its offline queue (``identity``,
``journal``, ``queue``, ``schema``, ``shared``, ``errors``, ``urls``); and mpv's own
``watch_later`` files (``mpv_watch_later``)."""
