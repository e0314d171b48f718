"""Remote mode: the box's library over ssh (``kino --remote HOST``, ``kino serve --stdio``).

``protocol`` (the line-delimited JSON), ``server`` (the box's side: ``kino serve``),
``access`` (which files the box may send), ``stream`` (the HTTP range endpoint, aiohttp),
``connection`` (the laptop's ssh process), ``library`` (``RemoteLibrary``: the same
interface as a local ``Library``), ``pending`` (progress kept when the link drops).
Importing this package loads none of them; aiohttp loads only when a stream starts.
"""
