"""Query sets: graded judgements of member records for queries, one CSV file per set.

A judgement grades a *member record* (`LIB:CONTROLNUMBER`, one library's record), not a search
document: documents are rebuilt whenever records merge or split, member keys stay. A result
document takes the best grade of any of its members' keys; with no judged member it is
"unjudged" (not the same as "not relevant").

Grades: 0 not relevant, 1 partly relevant, 2 relevant, 3 perfect (the known item itself).

The file of set NAME is `NAME.csv` in the relevance directory, with a header row
`query,record_key,grade,note`; a librarian can read and edit it in a spreadsheet.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from indexer.errors import JudgementError

try:
    import fcntl
except ImportError:  # Windows: one writer at a time is then the deployment's to ensure
    fcntl = None  # type: ignore[assignment]

GRADES = (0, 1, 2, 3)
GRADE_LABELS = {0: "not relevant", 1: "partly relevant", 2: "relevant", 3: "perfect"}
COLUMNS = ("query", "record_key", "grade", "note")
SET_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
RECORD_KEY = re.compile(r"^[A-Z0-9]{1,32}:\S{1,200}$")


def normalise_query(query: str) -> str:
    """The form queries are compared in: spaces collapsed (case kept: the search sees it)."""
    return " ".join(query.split())


def check_set_name(name: str) -> str:
    if not SET_NAME.match(name or ""):
        raise JudgementError(
            f"query set name {name[:70]!r}: use letters, digits, - and _ (at most 64)"
        )
    return name


def check_record_key(key: str) -> str:
    """`LIB:CONTROLNUMBER` with the library code in capitals, as the catalogue keys records."""
    library, colon, record_id = key.strip().partition(":")
    key = f"{library.upper()}:{record_id.strip()}"
    if not colon or not RECORD_KEY.match(key):
        raise JudgementError(f"record key {key[:80]!r} is not LIB:CONTROLNUMBER")
    return key


def check_grade(value: object) -> int:
    try:
        grade = int(str(value).strip())
    except ValueError:
        grade = -1
    if grade not in GRADES:
        raise JudgementError(f"grade {str(value)[:20]!r} is not one of 0, 1, 2, 3")
    return grade


@dataclass
class QuerySet:
    """query -> {record key -> grade}, queries in the order first judged; notes kept beside."""

    name: str
    judgements: dict[str, dict[str, int]] = field(default_factory=dict)
    notes: dict[tuple[str, str], str] = field(default_factory=dict)

    def judge(self, query: str, record_key: str, grade: int, note: str = "") -> None:
        """Add or replace one judgement (the newest grade of a query/record pair wins)."""
        query = normalise_query(query)
        if not query:
            raise JudgementError("a judgement needs a query")
        key = check_record_key(record_key)
        self.judgements.setdefault(query, {})[key] = check_grade(grade)
        if note:
            self.notes[(query, key)] = note
        else:
            self.notes.pop((query, key), None)

    @property
    def queries(self) -> list[str]:
        return list(self.judgements)

    def rows(self) -> list[tuple[str, str, int, str]]:
        return [
            (query, key, grade, self.notes.get((query, key), ""))
            for query, graded in self.judgements.items()
            for key, grade in graded.items()
        ]

    def __len__(self) -> int:
        return sum(len(graded) for graded in self.judgements.values())


def read_csv(name: str, text: str, source: str = "") -> QuerySet:
    """A query set from its CSV text; errors name the line."""
    qset = QuerySet(check_set_name(name))
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = {"query", "record_key", "grade"} - set(reader.fieldnames or ())
    if missing:
        raise JudgementError(f"{source or name}: no {', '.join(sorted(missing))} column")
    for row in reader:
        try:
            qset.judge(
                row["query"] or "",
                row["record_key"] or "",
                row["grade"] or "",
                row.get("note") or "",
            )
        except JudgementError as exc:
            raise JudgementError(f"{source or name} line {reader.line_num}: {exc}") from None
    return qset


def write_csv(qset: QuerySet) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(qset.rows())
    return out.getvalue()


class JudgementStore:
    """The query sets of one relevance directory (LANTERN_RELEVANCE_DIR)."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def path(self, name: str) -> Path:
        return self.directory / f"{check_set_name(name)}.csv"

    def names(self) -> list[str]:
        if not self.directory.is_dir():
            return []
        return sorted(p.stem for p in self.directory.glob("*.csv") if SET_NAME.match(p.stem))

    def exists(self, name: str) -> bool:
        return self.path(name).is_file()

    def load(self, name: str) -> QuerySet:
        path = self.path(name)
        if not path.is_file():
            known = ", ".join(self.names()) or "none yet"
            raise JudgementError(f"no query set {name!r} in {self.directory} (sets: {known})")
        return read_csv(name, path.read_text(encoding="utf-8"), str(path))

    def save(self, qset: QuerySet) -> Path:
        """Write the set's file atomically: a reader never sees half a file."""
        path = self.path(qset.name)
        self.directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=f".{qset.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
                fh.write(write_csv(qset))
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return path

    def judge(self, name: str, query: str, record_key: str, grade: int, note: str = "") -> QuerySet:
        """Add one judgement to set `name` (created when new) and save it: what a "rate this
        result" control does."""
        with self._locked(name):
            qset = self.load(name) if self.exists(name) else QuerySet(check_set_name(name))
            qset.judge(query, record_key, grade, note)
            self.save(qset)
        return qset

    @contextmanager
    def _locked(self, name: str) -> Iterator[None]:
        """One read-change-write of a set at a time, across the OPAC's worker processes, so two
        librarians rating at once both keep their grade."""
        self.directory.mkdir(parents=True, exist_ok=True)
        with open(self.directory / f".{check_set_name(name)}.lock", "a") as fh:
            if fcntl is not None:
                fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                if fcntl is not None:
                    fcntl.flock(fh, fcntl.LOCK_UN)
