"""`lantern export`: the merged records as files for the Hub's FTP route.

EBSCO takes MARC with holdings inside the bibliographic record, a list of deleted ids, and a
tab-separated location lookup table. The records are the same ones the OAI feed serves (see
`indexer.marc.from_document`), written by `indexer.marc.writer` as binary MARC 21 (UTF-8),
MARCXML or MARC-in-JSON lines.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from indexer.errors import ConfigError, NothingLoadedError
from indexer.feed.setup import org_code
from indexer.feed.source import ReadOnlyStore, fetch_displays
from indexer.marc.from_document import known_sites, record_from_document
from indexer.marc.writer import marcxml_collection_head, to_iso2709, to_marc_json, to_marcxml

FORMATS = ("marc21", "marcxml", "jsonl")
BATCH = 1000


@dataclass
class ExportReport:
    path: Path
    records: int = 0
    deleted: int = 0
    locations_path: Path | None = None
    deletes_path: Path | None = None
    libraries: set[str] = field(default_factory=set)


def parse_since(text: str) -> float:
    """UTC seconds of `YYYY-MM-DD` or an ISO date-time (without a zone it is taken as UTC)."""
    try:
        value = datetime.datetime.fromisoformat(text.strip())
    except ValueError:
        raise ConfigError(f"--since {text!r}: give YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    return value.timestamp()


def locations_path_for(out: Path) -> Path:
    return out.with_name(out.name + ".locations.tsv")


def _rows(
    store: ReadOnlyStore, since: float | None, set_spec: str | None
) -> Iterator[list[tuple[str, float, bool, str]]]:
    after = None
    while True:
        rows = store.changes(since=since, set_spec=set_spec, after=after, limit=BATCH)
        if not rows:
            return
        yield rows
        after = (rows[-1][1], rows[-1][0])


class _Writer:
    def __init__(self, path: Path, fmt: str) -> None:
        self.fmt = fmt
        self.fh = path.open("wb")
        if fmt == "marcxml":
            self.fh.write(marcxml_collection_head())

    def write(self, record) -> None:
        if self.fmt == "marc21":
            self.fh.write(to_iso2709(record))
        elif self.fmt == "marcxml":
            self.fh.write(to_marcxml(record, namespace=False).encode("utf-8") + b"\n")
        else:
            self.fh.write(orjson.dumps(to_marc_json(record)) + b"\n")

    def close(self) -> None:
        if self.fmt == "marcxml":
            self.fh.write(b"</collection>\n")
        self.fh.close()


def export(
    settings,
    engine,
    consortium,
    out: Path,
    fmt: str = "marc21",
    *,
    library: str | None = None,
    since: float | None = None,
    deletes: Path | None = None,
    progress=None,
) -> ExportReport:
    """Write the documents (of one library's holdings, changed since a time) to `out`, the ids
    deleted in that window to `deletes`, and the location table beside `out`."""
    if fmt not in FORMATS:
        raise ConfigError(f"unknown export format {fmt!r}; choose {', '.join(FORMATS)}")
    store = ReadOnlyStore(settings.data_dir / "catalogue.sqlite")
    if not store.exists():
        raise NothingLoadedError(f"no catalogue in {settings.data_dir}")
    code = library.upper() if library else None
    set_spec = f"library:{code}" if code else None
    report = ExportReport(Path(out))
    if progress is not None:
        progress.total = store.count_changes(since=since, set_spec=set_spec)
    locations: dict[tuple[str, str], str] = {}
    writer = _Writer(report.path, fmt)
    gone = deletes.open("w", encoding="utf-8") if deletes else None
    org = org_code(consortium)
    sites = known_sites(consortium)
    try:
        for rows in _rows(store, since, set_spec):
            displays = fetch_displays(engine, [r[0] for r in rows if not r[2]])
            for doc_id, stamp, deleted, _sets in rows:
                display = None if deleted else displays.get(doc_id)
                if display is None:
                    if gone is not None:
                        gone.write(doc_id + "\n")
                        report.deleted += 1
                    continue
                record = record_from_document(display, org_code=org, datestamp=stamp, sites=sites)
                writer.write(record)
                report.records += 1
                report.libraries.update(m["library"] for m in display.get("members") or [])
                for h in display.get("holdings") or []:
                    report.libraries.add(h.get("library") or "")
                    if h.get("location"):
                        locations[(h.get("library") or "", h["location"])] = h["location"]
            if progress is not None:
                progress.advance(len(rows))
    finally:
        writer.close()
        if gone is not None:
            gone.close()
        store.close()
    report.deletes_path = deletes
    report.locations_path = write_locations(locations_path_for(report.path), consortium, locations)
    return report


def write_locations(path: Path, consortium, locations: dict[tuple[str, str], str]) -> Path:
    """code, display name, kind (library/site/location), library: the lookup EBSCO asks for.
    Shelving locations have no names in the libraries file, so they stand for themselves."""
    lines = ["code\tname\tkind\tlibrary"]
    for code, lib in sorted(consortium.libraries.items()):
        lines.append(f"{code}\t{_cell(lib.name)}\tlibrary\t{code}")
        lines += [
            f"{_cell(site)}\t{_cell(name)}\tsite\t{code}"
            for site, name in sorted(lib.sites.items())
        ]
    lines += [
        f"{_cell(loc)}\t{_cell(name)}\tlocation\t{lib}"
        for (lib, loc), name in sorted(locations.items())
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _cell(text: str) -> str:
    return " ".join(str(text).split())
