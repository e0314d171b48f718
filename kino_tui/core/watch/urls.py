"""A shared database's URL in messages: never with its password (libpq takes it in the
user part or as a ``password=`` parameter; ~/.pgpass or PGPASSWORD are the better
places, and kino never prints those either)."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit, urlunsplit


def redact(url: str) -> str:
    """The URL without its password (for every message), in the user part or in a
    ``password=`` parameter."""
    try:
        parts = urlsplit(url)
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "<not a URL>"
    if parts.password is not None:
        host = parts.hostname or ""
        parts = parts._replace(netloc=f"{parts.username or ''}:***@{host}{port}")
    query = re.sub(r"(^|&)password=[^&]*", r"\1password=***", parts.query)
    return urlunsplit(parts._replace(query=query))


def passwords(url: str) -> list[str]:
    """The passwords written in ``url`` (to take out of a message that quotes it)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return []
    found = [parts.password] if parts.password else []
    found += [unquote(p) for p in re.findall(r"(?:^|&)password=([^&]*)", parts.query) if p]
    return found
