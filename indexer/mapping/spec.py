"""The MARC spec language of the mapping rules, compiled once when the rules load.

    245abnp        tag + subfield codes (no codes = every subfield)
    650|*2|ax      indicator filter: |ind1ind2|, '*' matches any indicator
    6XX|*0|a       X in a tag is a wildcard digit (6XX, 69X)
    008[35-37]     control field positions, 0-based and inclusive
    LDR[6]         leader positions ('leader' works too); LDR alone is the whole leader
    001            a whole control field

A compiled `Spec` pulls values out of a `MarcRecord`. By default a data field gives one value,
its wanted subfields joined by the separator; `each_subfield` gives one value per subfield instead.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable

from indexer.errors import SpecError
from indexer.marc.record import Field, MarcRecord

_SPEC = re.compile(
    r"""^(?:
        (?P<leader>LDR|leader)(?:\[(?P<lstart>\d+)(?:-(?P<lend>\d+))?\])?
      | (?P<tag>[0-9X]{3})
        (?:\[(?P<start>\d+)(?:-(?P<end>\d+))?\])?
        (?:\|(?P<ind1>[0-9a-z*#\ ])(?P<ind2>[0-9a-z*#\ ])\|)?
        (?P<codes>[0-9a-z]*)
    )$""",
    re.VERBOSE,
)


_EVERY_CODE = string.ascii_lowercase + string.digits


def _indicator(raw: str | None) -> str | None:
    """None means any indicator; '#' is the MARC documentation's way of writing blank."""
    if raw is None or raw == "*":
        return None
    return " " if raw == "#" else raw


class Spec:
    """One compiled spec. `extract(record)` returns the values it selects, in record order."""

    __slots__ = ("source", "extract", "tags")

    def __init__(
        self,
        source: str,
        *,
        separator: str = " ",
        each_subfield: bool = False,
    ) -> None:
        self.source = source
        m = _SPEC.match(source.strip())
        if m is None:
            raise SpecError(f"cannot read spec {source!r}")
        self.tags: tuple[str, ...] = ()
        if m["leader"]:
            self.extract = _leader_extractor(m["lstart"], m["lend"])
            return
        tag = m["tag"]
        if m["start"] is not None:
            if not tag.startswith("00") or "X" in tag:
                raise SpecError(f"positions only apply to control fields 001-009: {source!r}")
            if m["ind1"] is not None or m["codes"]:
                raise SpecError(f"a control field has no indicators or subfields: {source!r}")
            self.tags = (tag,)
            self.extract = _control_extractor(tag, int(m["start"]), _end(m["start"], m["end"]))
            return
        if tag.startswith("00") and "X" not in tag:
            if m["ind1"] is not None or m["codes"]:
                raise SpecError(f"a control field has no indicators or subfields: {source!r}")
            self.tags = (tag,)
            self.extract = _control_extractor(tag, None, None)
            return
        self.tags = _expand_tags(tag)
        if not self.tags:
            raise SpecError(f"a wildcard cannot stand for control fields: {source!r}")
        select = _field_selector(self.tags, _indicator(m["ind1"]), _indicator(m["ind2"]))
        codes = m["codes"] or _EVERY_CODE
        if each_subfield:
            self.extract = _subfield_extractor(self.tags[0], select, codes)
        else:
            self.extract = _joined_extractor(self.tags[0], select, codes, separator)

    def __repr__(self) -> str:
        return f"Spec({self.source!r})"


def _end(start: str, end: str | None) -> int:
    if end is not None and int(end) < int(start):
        raise SpecError(f"position range {start}-{end} runs backwards")
    return int(end if end is not None else start) + 1


def _expand_tags(tag: str) -> tuple[str, ...]:
    if "X" not in tag:
        return (tag,)
    pattern = re.compile("^" + tag.replace("X", "[0-9]") + "$")
    return tuple(t for t in (f"{n:03d}" for n in range(10, 1000)) if pattern.match(t))


def _leader_extractor(start: str | None, end: str | None) -> Callable[[MarcRecord], list[str]]:
    if start is None:
        return lambda record: [record.leader] if record.leader else []
    lo, hi = int(start), _end(start, end)

    def extract(record: MarcRecord) -> list[str]:
        # A short leader yields nothing rather than a misleading partial slice.
        return [record.leader[lo:hi]] if len(record.leader) >= hi else []

    return extract


def _control_extractor(tag: str, lo: int | None, hi: int | None):
    def extract(record: MarcRecord) -> list[str]:
        out = []
        for f in record.get_fields(tag):
            data = f.data
            if data is None:
                continue
            if lo is None:
                out.append(data)
            elif len(data) >= hi:
                out.append(data[lo:hi])
        return out

    return extract


def _field_selector(tags: tuple[str, ...], ind1: str | None, ind2: str | None):
    """None when a plain tag lookup will do (the common, fast case), else a filter function."""
    if len(tags) == 1 and ind1 is None and ind2 is None:
        return None
    wanted = frozenset(tags)

    def fields(record: MarcRecord) -> list[Field]:
        return [
            f
            for f in record.fields
            if f.tag in wanted
            and (ind1 is None or f.ind1 == ind1)
            and (ind2 is None or f.ind2 == ind2)
        ]

    return fields


def _joined_extractor(tag: str, select, codes: str, separator: str):
    def extract(record: MarcRecord) -> list[str]:
        out = []
        for f in record.get_fields(tag) if select is None else select(record):
            parts = [v for c, v in f.subfields if v and c in codes]
            if parts:
                out.append(separator.join(parts))
        return out

    return extract


def _subfield_extractor(tag: str, select, codes: str):
    def extract(record: MarcRecord) -> list[str]:
        return [
            v
            for f in (record.get_fields(tag) if select is None else select(record))
            for c, v in f.subfields
            if v and c in codes
        ]

    return extract


def compile_spec(source: str, **options) -> Spec:
    """Compile `source`, raising SpecError when it is not valid spec language."""
    return Spec(source, **options)
