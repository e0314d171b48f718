"""Language codes: whatever a file says (``en``, ``eng``, ``fre``, ``English``) → ISO 639-2/B."""

from __future__ import annotations

from functools import lru_cache

_UNDETERMINED = {"und", "unk", "mul", "zxx", "mis", "xx", ""}


@lru_cache(maxsize=512)
def normalise_language(text: str | None) -> str | None:
    """The bibliographic three-letter code (as Matroska stores it), or None when unknown."""
    if not text:
        return None
    value = str(text).strip().split("/")[0].strip()
    if value.lower() in _UNDETERMINED:
        return None
    from babelfish import Error, Language  # babelfish's tables load on the first label

    for parse in (Language.fromietf, Language.fromalpha3b, Language.fromname):
        try:
            language = parse(value if parse is not Language.fromname else value.title())
        except (Error, ValueError, KeyError):
            continue
        try:
            return str(language.alpha3b)
        except (Error, ValueError, KeyError, AttributeError):
            return str(language.alpha3)
    return None
