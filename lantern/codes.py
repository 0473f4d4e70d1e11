"""Library codes as the commands take them: in any case (`inc` is `INC`), and, where a command
acts on a library that must exist (search --scope, export --library, delete), one that is in the
libraries file or has records loaded; anything else is a usage error naming the codes there are."""

from __future__ import annotations

from indexer.errors import LibraryCodeError, NothingLoadedError
from indexer.feed.source import ReadOnlyStore
from indexer.libraries import library_code, load_consortium


def known_libraries(settings) -> list[str]:
    """The codes in the libraries file and those of every library with records loaded."""
    codes = set(load_consortium(settings.libraries, settings.schemas_dir).libraries)
    store = ReadOnlyStore(settings.data_dir / "catalogue.sqlite")
    if store.exists():
        try:
            codes.update(store.libraries())
        finally:
            store.close()
    return sorted(codes)


def known_library(settings, code: str) -> str:
    """`code` in upper case; LibraryCodeError when it is not a library we know of."""
    key = library_code(code)
    known = known_libraries(settings)
    store = settings.data_dir / "catalogue.sqlite"
    if key not in known and not store.exists():
        raise NothingLoadedError(f"no catalogue in {settings.data_dir}")
    if key not in known:
        there = f"known: {', '.join(known)}" if known else "none is loaded yet"
        raise LibraryCodeError(
            f"no library {key} in {settings.libraries} or the catalogue ({there})"
        )
    return key


def queued_load_id(text: str) -> str:
    """A queued load's id (`20261207T101500-INC-a1b2c3`) however it was typed."""
    parts = text.strip().split("-")
    if len(parts) != 3:
        return text.strip()
    return f"{parts[0].upper()}-{parts[1].upper()}-{parts[2].lower()}"
