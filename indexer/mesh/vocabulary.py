"""Reading the imported MeSH vocabulary (DATA_DIR/mesh.sqlite, written by `importer`).

A reader opens the file read-only and keeps its connection: a re-import replaces the file with
`os.replace`, so an open reader goes on seeing the whole old vocabulary and a new reader sees
the whole new one, never a mixture.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from indexer.errors import MeshNotImportedError


def term_key(text: str) -> str:
    """How a term is looked up: case-folded, runs of white space as one space, so "Heart
    attack" and "heart  ATTACK" are the same entry term."""
    return " ".join(text.split()).casefold()


@dataclass(frozen=True)
class Descriptor:
    ui: str
    name: str
    scope_note: str | None
    trees: tuple[str, ...]


class MeshVocabulary:
    """Lookups in one imported MeSH vocabulary: by UI, by entry term, down and up the trees."""

    def __init__(self, path: Path) -> None:
        if not Path(path).is_file():
            raise MeshNotImportedError(
                f"no MeSH vocabulary at {path}: import one with `lantern mesh import FILE`"
            )
        # check_same_thread off: the connection is only read, and Flask may serve from threads.
        self._db = sqlite3.connect(
            f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False
        )

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> MeshVocabulary:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def descriptor(self, ui: str) -> Descriptor | None:
        row = self._db.execute(
            "SELECT ui, name, scope_note FROM descriptors WHERE ui = ?", (ui,)
        ).fetchone()
        if row is None:
            return None
        trees = self._db.execute("SELECT tree FROM trees WHERE ui = ? ORDER BY tree", (ui,))
        return Descriptor(*row, trees=tuple(t for (t,) in trees))

    def entry_terms(self, ui: str) -> list[str]:
        """The case-folded entry terms of a descriptor, its preferred term among them."""
        rows = self._db.execute("SELECT term_key FROM terms WHERE ui = ? ORDER BY term_key", (ui,))
        return [key for (key,) in rows]

    def longest_term(self) -> int:
        """How many words the longest entry term has."""
        row = self._db.execute(
            "SELECT max(length(term_key) - length(replace(term_key, ' ', ''))) FROM terms"
        ).fetchone()
        return (row[0] or 0) + 1

    def entry_names(self, ui: str) -> list[str]:
        """A descriptor's entry terms as NLM writes them ("Heart Attack"), its preferred term
        among them; case-folded from a vocabulary imported before they were kept."""
        try:
            rows = self._db.execute(
                "SELECT coalesce(term, term_key) FROM terms WHERE ui = ? ORDER BY term_key", (ui,)
            ).fetchall()
        except sqlite3.OperationalError:  # no `term` column: imported by an older Lantern
            return self.entry_terms(ui)
        return [name for (name,) in rows]

    def by_term(self, text: str) -> str | None:
        """The UI of the descriptor with this entry term. When several descriptors share it,
        the one whose preferred term it is wins, then the lowest UI, so the answer is stable."""
        key = term_key(text)
        rows = self._db.execute(
            "SELECT d.ui, d.name FROM terms t JOIN descriptors d ON d.ui = t.ui"
            " WHERE t.term_key = ? ORDER BY d.ui",
            (key,),
        ).fetchall()
        preferred = [ui for ui, name in rows if term_key(name) == key]
        return (preferred or [ui for ui, _ in rows] or [None])[0]

    def narrower(self, tree: str) -> list[str]:
        """UIs of every descriptor below this tree number (all depths, in tree order, each
        once): what an explode adds to the heading itself."""
        # A range on the primary key rather than LIKE: "C14.280." up to "C14.280/" ('/' sorts
        # right after '.') is every tree number under C14.280, found through the index.
        rows = self._db.execute(
            "SELECT ui FROM trees WHERE tree > ? AND tree < ? ORDER BY tree",
            (tree + ".", tree + "/"),
        )
        return list(dict.fromkeys(ui for (ui,) in rows))

    def broader(self, ui: str) -> list[str]:
        """UIs of the descriptors one level up from each of this one's tree numbers."""
        descriptor = self.descriptor(ui)
        parents = [t.rsplit(".", 1)[0] for t in descriptor.trees if "." in t] if descriptor else []
        found = []
        for parent in parents:
            row = self._db.execute("SELECT ui FROM trees WHERE tree = ?", (parent,)).fetchone()
            if row and row[0] not in found:
                found.append(row[0])
        return found

    def children(self, tree: str) -> list[str]:
        """UIs of the descriptors one level below this tree number, in tree order."""
        depth = tree.count(".") + 1
        rows = self._db.execute(
            "SELECT tree, ui FROM trees WHERE tree > ? AND tree < ? ORDER BY tree",
            (tree + ".", tree + "/"),
        )
        return list(dict.fromkeys(ui for t, ui in rows if t.count(".") == depth))
