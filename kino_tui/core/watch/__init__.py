"""Watch state: the local files (``store.py`` today's ``core/watchstate.py``; the
default and, without ``[shared] database``, the only store) and the opt-in shared
PostgreSQL store with its offline queue (``identity``, ``queue``, ``schema``,
``shared``, ``synced``)."""
