"""Importing NLM's MeSH descriptor file (desc20XX.xml, plain or gzipped) into one SQLite file.

The real file is about 300 MB, so it is streamed: one <DescriptorRecord> at a time, cleared
once read. It is never trusted to define entities or fetch its DTD (a billion-laughs file stays
small; `&name;` stays literally `&name;`). The vocabulary is built in a new file beside the old
one and moved over it with `os.replace`: readers see the old vocabulary or the new, never half,
and a file that turns out not to be MeSH leaves the old one as it was.
"""

from __future__ import annotations

import gzip
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from lxml import etree

from indexer.errors import MeshFileError
from indexer.mesh.vocabulary import term_key

GZIP_MAGIC = b"\x1f\x8b"
ROOT, RECORD = "DescriptorRecordSet", "DescriptorRecord"
BATCH = 1000

SCHEMA = """
CREATE TABLE descriptors (ui TEXT PRIMARY KEY, name TEXT NOT NULL, scope_note TEXT);
CREATE TABLE terms (term_key TEXT NOT NULL, ui TEXT NOT NULL, term TEXT);
CREATE TABLE trees (tree TEXT PRIMARY KEY, ui TEXT NOT NULL);
"""
# Built after the rows are in: one sort at the end is faster than keeping them up per row.
INDEXES = """
CREATE INDEX terms_by_key ON terms (term_key);
CREATE INDEX trees_by_ui ON trees (ui);
"""


@dataclass(frozen=True)
class MeshDescriptor:
    ui: str
    name: str
    scope_note: str | None
    term_keys: tuple[str, ...]  # case-folded, each once, the preferred term's among them
    trees: tuple[str, ...]
    terms: tuple[str, ...] = ()  # each term_key's term as NLM writes it


@dataclass
class ImportCounts:
    descriptors: int = 0
    terms: int = 0
    trees: int = 0


@contextmanager
def open_mesh_file(path: Path) -> Iterator[BinaryIO]:
    """The file's bytes, gunzipped when it starts with gzip's magic bytes (whatever its name)."""
    with open(path, "rb") as raw:
        gzipped = raw.read(2) == GZIP_MAGIC
    with gzip.open(path, "rb") if gzipped else open(path, "rb") as stream:
        yield stream


def _text(element) -> str:
    # itertext keeps an unresolved entity reference as its literal `&name;`.
    return "".join(element.itertext()).strip() if element is not None else ""


def descriptor_from(record) -> MeshDescriptor:
    """One <DescriptorRecord> element as a MeshDescriptor (only its direct children count:
    nested DescriptorReferredTo elements name other descriptors)."""
    ui, name = _text(record.find("DescriptorUI")), _text(record.find("DescriptorName/String"))
    if not ui or not name:
        raise MeshFileError(f"a DescriptorRecord without a DescriptorUI or name (near {ui!r})")
    written = {term_key(name): name}
    for term in record.iterfind("ConceptList/Concept/TermList/Term/String"):
        written.setdefault(term_key(_text(term)), _text(term))
    written.pop("", None)
    preferred = record.find("ConceptList/Concept[@PreferredConceptYN='Y']")
    note = _text(preferred.find("ScopeNote")) if preferred is not None else ""
    trees = tuple(_text(t) for t in record.iterfind("TreeNumberList/TreeNumber"))
    return MeshDescriptor(ui, name, note or None, tuple(written), trees, tuple(written.values()))


def read_descriptors(stream: BinaryIO) -> Iterator[MeshDescriptor]:
    """Every descriptor in a MeSH descriptor file, streamed; MeshFileError if it is not one."""
    events = etree.iterparse(
        stream,
        events=("start", "end"),
        tag=(ROOT, RECORD),
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
    )
    seen_root = False
    try:
        for event, element in events:
            if event == "start" and not seen_root:
                if element.getparent() is not None or element.tag != ROOT:
                    break
                seen_root = True
            elif event == "end" and element.tag == RECORD and seen_root:
                yield descriptor_from(element)
                element.clear(keep_tail=True)
                while element.getprevious() is not None:  # the records already read
                    del element.getparent()[0]
    except etree.XMLSyntaxError as exc:
        raise MeshFileError(f"not a readable XML file: {exc}") from exc
    if not seen_root:
        raise MeshFileError(f"not a MeSH descriptor file: its root element is not <{ROOT}>")


def import_mesh(source: Path, target: Path) -> ImportCounts:
    """Read `source` into a new vocabulary and put it at `target` in one step."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=target.name + ".", dir=target.parent)
    os.close(handle)
    os.chmod(temporary, 0o644)  # mkstemp's 0600 would hide it from a server run as another user
    try:
        with open_mesh_file(source) as stream:
            counts = _write_vocabulary(read_descriptors(stream), Path(temporary))
        if counts.descriptors == 0:
            raise MeshFileError(f"no <{RECORD}> in {source.name}: nothing imported")
        _sync(Path(temporary))
        os.replace(temporary, target)
    finally:
        Path(temporary).unlink(missing_ok=True)
    return counts


def _write_vocabulary(descriptors: Iterator[MeshDescriptor], path: Path) -> ImportCounts:
    counts = ImportCounts()
    db = sqlite3.connect(path)
    try:
        # A file nobody reads until it is complete: no journal, no fsync per transaction
        # (`_sync` makes it durable once, before it replaces the old vocabulary).
        db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + SCHEMA)
        batch: list[MeshDescriptor] = []
        for descriptor in descriptors:
            batch.append(descriptor)
            if len(batch) >= BATCH:
                _insert(db, batch, counts)
                batch = []
        _insert(db, batch, counts)
        db.executescript(INDEXES)
        db.commit()
    finally:
        db.close()
    return counts


def _insert(db: sqlite3.Connection, batch: list[MeshDescriptor], counts: ImportCounts) -> None:
    terms = [(k, d.ui, t) for d in batch for k, t in zip(d.term_keys, d.terms, strict=True)]
    trees = [(tree, d.ui) for d in batch for tree in d.trees]
    try:
        db.executemany(
            "INSERT INTO descriptors VALUES (?, ?, ?)",
            [(d.ui, d.name, d.scope_note) for d in batch],
        )
        db.executemany("INSERT INTO terms VALUES (?, ?, ?)", terms)
        db.executemany("INSERT INTO trees VALUES (?, ?)", trees)
    except sqlite3.IntegrityError as exc:  # a UI or tree number twice: not NLM's file
        raise MeshFileError(f"a descriptor UI or tree number appears twice ({exc})") from exc
    counts.descriptors += len(batch)
    counts.terms += len(terms)
    counts.trees += len(trees)


def _sync(path: Path) -> None:
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)
