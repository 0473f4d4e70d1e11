"""A small, fast MARC record model shared by every reader and the mapping rules.

pymarc's Record is rich but slow to build; the indexing hot path only needs tags, indicators and
subfields as text. Readers build `MarcRecord`s (from ISO 2709 or MARCXML) with every value already
decoded to Unicode (NFC). Lantern's own records (the feed, exports, the sample generator) are
built as `MarcRecord`s too and written by `indexer.marc.writer`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

SUBFIELD_DELIMITER = "\x1f"
_NO_FIELDS: list = []


@dataclass(slots=True)
class Field:
    """One variable field. Control fields (00X) have `data` and no subfields."""

    tag: str
    ind1: str = " "
    ind2: str = " "
    subfields: list[tuple[str, str]] = field(default_factory=list)
    data: str | None = None

    def get(self, code: str) -> str | None:
        """The first value of subfield `code`, or None."""
        for c, v in self.subfields:
            if c == code:
                return v
        return None

    def get_all(self, code: str) -> list[str]:
        return [v for c, v in self.subfields if c == code]

    def values(self, codes: str | None = None) -> list[str]:
        """Subfield values in record order, limited to `codes` when given."""
        if codes is None:
            return [v for _, v in self.subfields]
        return [v for c, v in self.subfields if c in codes]

    def text(self, codes: str | None = None, sep: str = " ") -> str:
        return sep.join(v for v in self.values(codes) if v)


@dataclass(slots=True)
class MarcRecord:
    """A bibliographic (or other) MARC record with Unicode values."""

    leader: str
    fields: list[Field] = field(default_factory=list)
    _by_tag: dict[str, list[Field]] | None = field(default=None, repr=False, compare=False)

    def _index(self) -> dict[str, list[Field]]:
        if self._by_tag is None:
            by_tag: dict[str, list[Field]] = {}
            for f in self.fields:
                by_tag.setdefault(f.tag, []).append(f)
            self._by_tag = by_tag
        return self._by_tag

    def get_fields(self, *tags: str) -> list[Field]:
        """Fields with any of `tags`, in record order (a shared list: do not modify it)."""
        if len(tags) == 1:
            return (self._by_tag or self._index()).get(tags[0], _NO_FIELDS)
        wanted = set(tags)
        return [f for f in self.fields if f.tag in wanted]

    def __iter__(self) -> Iterator[Field]:
        return iter(self.fields)

    def first(self, tag: str) -> Field | None:
        found = (self._by_tag or self._index()).get(tag)
        return found[0] if found else None

    def control(self, tag: str) -> str | None:
        """Data of the first control field `tag` (e.g. '001', '008'), or None."""
        f = self.first(tag)
        return f.data if f is not None and f.data is not None else None

    def add(self, f: Field) -> None:
        self.fields.append(f)
        self._by_tag = None

    @property
    def control_number(self) -> str | None:
        value = self.control("001")
        return value.strip() or None if value is not None else None

    @property
    def record_type(self) -> str:
        """Leader/06."""
        return self.leader[6] if len(self.leader) > 6 else " "

    @property
    def bib_level(self) -> str:
        """Leader/07."""
        return self.leader[7] if len(self.leader) > 7 else " "

    @property
    def status(self) -> str:
        """Leader/05 ('d' = deleted)."""
        return self.leader[5] if len(self.leader) > 5 else " "


# Leader/06 values that are not catalogue items: authority (z) and holdings-only (u, v, x, y).
NON_BIBLIOGRAPHIC_TYPES = {
    "z": "authority record",
    "u": "holdings record (unknown type)",
    "v": "holdings record (multipart item)",
    "x": "holdings record (single-part item)",
    "y": "holdings record (serial item)",
}
