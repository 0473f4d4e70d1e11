"""Read a TOML file a librarian edits, and say on which line each table and key is, so that a
loader's error names the file, the line and the reason ("libraries.toml:14: library #2 (RDE):
holdings profile 'kohaa' does not exist"), as compilers and linters do.

tomllib keeps no positions, so `TomlLines` reads the lines once more for table headers and
keys; it only has to find where things are (a comment or a multi-line string never confuses
it into a wrong parse, at worst into naming the table's header line instead of the key's).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from indexer.errors import ConfigError

_BARE_OR_QUOTED = r'(?:[A-Za-z0-9_-]+|"[^"\n]*"|\'[^\'\n]*\')'
_KEY = re.compile(rf"\s*({_BARE_OR_QUOTED}(?:\s*\.\s*{_BARE_OR_QUOTED})*)\s*=")
_HEADER = re.compile(rf"\s*(\[\[?)\s*({_BARE_OR_QUOTED}(?:\s*\.\s*{_BARE_OR_QUOTED})*)\s*\]\]?")
_PART = re.compile(_BARE_OR_QUOTED)


def _parts(dotted: str) -> list[str]:
    return [p.strip("\"'") for p in _PART.findall(dotted)]


class TomlLines:
    """Where each table and key of a TOML text is. Keys are paths: ("library", 2, "holdings")
    is the `holdings` key of the second [[library]] table (counted from 1, as messages count)."""

    def __init__(self, text: str) -> None:
        self._lines: dict[tuple, int] = {}
        counts: dict[tuple, int] = {}  # array of tables -> how many seen so far
        table: tuple = ()
        in_string = None
        for number, line in enumerate(text.splitlines(), 1):
            if in_string:
                if line.count(in_string) % 2:
                    in_string = None
                continue
            header = _HEADER.match(line)
            if header:
                parts = _parts(header.group(2))
                if header.group(1) == "[[":
                    table = (*self._resolve(parts[:-1], counts), parts[-1])
                    counts[table] = counts.get(table, 0) + 1
                    table = (*table, counts[table])
                else:
                    table = self._resolve(parts, counts)
                self._lines.setdefault(table, number)
                continue
            key = _KEY.match(line)
            if key:
                self._lines.setdefault((*table, *_parts(key.group(1))), number)
            for quotes in ('"""', "'''"):
                if line.count(quotes) % 2:
                    in_string = quotes

    @staticmethod
    def _resolve(parts: list[str], counts: dict[tuple, int]) -> tuple:
        """A header's path, with the current index of each array of tables it goes through
        ([library.sites] after the second [[library]] is ("library", 2, "sites"))."""
        path: tuple = ()
        for part in parts:
            path = (*path, part)
            if path in counts:
                path = (*path, counts[path])
        return path

    def line_of(self, *path) -> int | None:
        """The line of `path`, else of the nearest table that holds it, else None."""
        for end in range(len(path), 0, -1):
            found = self._lines.get(tuple(path[:end]))
            if found is not None:
                return found
        return None


def at(path: Path, line: int | None) -> str:
    """`file:line` (or `file` alone when the line is not known), as messages begin."""
    return f"{path}:{line}" if line else str(path)


def decode_error(exc: tomllib.TOMLDecodeError, text: str) -> tuple[int | None, str]:
    """(line, reason) of tomllib's error, whose message ends "(at line N, column M)" or "(at
    end of document)" (a file cut short: its last line)."""
    message = str(exc)
    found = re.search(r"\s*\(at line (\d+), column \d+\)$", message)
    if found:
        return int(found.group(1)), message[: found.start()]
    if message.endswith(" (at end of document)"):
        return max(1, len(text.splitlines())), message[: -len(" (at end of document)")]
    return None, message


def toml_error(path: Path, what: str, exc: tomllib.TOMLDecodeError, text: str) -> ConfigError:
    """tomllib's error as `file:line: WHAT is not valid TOML: reason`."""
    line, reason = decode_error(exc, text)
    return ConfigError(f"{at(path, line)}: {what} is not valid TOML: {reason}")


def read_toml_text(path: Path, what: str) -> tuple[str, dict[str, Any]]:
    """The file's text and its parsed data; ConfigError naming file, line and reason when it
    cannot be read, is not UTF-8 or is not TOML."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the {what}: {exc.strerror or exc}") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError(
            f"{at(path, line)}: the {what} is not UTF-8 text (byte {exc.start + 1}); "
            "save it as UTF-8"
        ) from exc
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise toml_error(path, f"the {what}", exc, text) from exc
