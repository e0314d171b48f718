"""The digest kino signs folders and walks with: BLAKE2b from Python's own module, since
hashlib would load OpenSSL too (2 ms of every start)."""

try:
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - another Python
    from hashlib import blake2b

__all__ = ["blake2b"]
