"""Item-status deltas: a 1% change of copies' statuses, and one returned book, applied with
`lantern load --library CODE --items FILE` (an availability-only update) on a loaded generated
consortium.

    python -m bench.items_bench --records 1000000 --libraries 30

Uses the loaded consortium bench.load_bench caches (the one bench.union_bench changes through a
plain `lantern load`). From each library's stored records it picks 1% (the same share as
bench.union_bench) and writes an item-status file turning each of their copies' statuses over
(available -> on_loan with a due date, anything else -> available), so every run changes them;
each library's file is then applied as its own command would (writer opened, file read,
documents rewritten, index and store committed, report written). Then one returned book: a
one-row file, in this process and as a fresh `lantern load --items` process. The search index
(a filtered search) and the Hub feed's datestamps are checked to say what changed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

from bench.load_bench import ROOT, ensure_loaded, machine

DUE = "2027-01-15"


def status_files(store, codes: list[str], share: float, out: Path, seed: int = 3) -> dict:
    """Per library, a CSV turning over the statuses of every copy of `share` of its records."""
    rng = random.Random(seed)
    written = {}
    for code in codes:
        rows = store.db.execute("SELECT data FROM records WHERE library = ?", (code,)).fetchall()
        picked = rng.sample(rows, max(1, int(len(rows) * share)))
        lines = ["item_id,status,due_date"]
        for (data,) in picked:
            for h in orjson.loads(data)["holdings"]:
                if h.get("item_id"):
                    lent = h["status"] == "available"
                    status, due = ("on_loan", DUE) if lent else ("available", "")
                    lines.append(f"{h['item_id']},{status},{due}")
        path = out / f"{code}.csv"
        path.write_text("\n".join(lines) + "\n")
        written[code] = (path, len(picked), len(lines) - 1)
    return written


def one_lent_copy(store, code: str) -> tuple[str, str]:
    for (data,) in store.db.execute("SELECT data FROM records WHERE library = ?", (code,)):
        for h in orjson.loads(data)["holdings"]:
            if h.get("item_id") and h["public"]:
                return h["item_id"], h["status"]
    raise SystemExit(f"{code} has no copy with an item id")


def one_book(settings, data_dir: Path, libraries: Path, code: str, work: Path) -> dict:
    """Seconds to return (or lend) one book: in this process, and as a fresh CLI process."""
    from indexer.catalogue.items import apply_item_changes
    from indexer.catalogue.store import CatalogueStore
    from indexer.catalogue.writer import CatalogueWriter
    from indexer.load.itemfile import read_item_file

    store = CatalogueStore(data_dir / "catalogue.sqlite")
    try:
        item, status = one_lent_copy(store, code)
    finally:
        store.close()
    flip = {"available": "on_loan"}.get(status, "available")
    path = work / "one.csv"
    path.write_text(f"item_id,status,due_date\n{item},{flip},{DUE if flip == 'on_loan' else ''}\n")
    started = time.perf_counter()
    with CatalogueWriter.open(settings) as writer:
        apply_item_changes(writer, read_item_file(path, code).changes)
        visible = time.perf_counter() - started  # committed: every reader's next search sees it
    in_process = time.perf_counter() - started  # and the writer released (merges finished)
    path.write_text(f"item_id,status,due_date\n{item},{status},\n")
    env = {**os.environ, "LANTERN_DATA_DIR": str(data_dir), "LANTERN_LIBRARIES": str(libraries)}
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "lantern.cli", "load", "-l", code, "--items", str(path)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    return {
        "one_book_visible_s": round(visible, 3),
        "one_book_s": round(in_process, 3),
        "one_book_cli_s": round(time.perf_counter() - started, 2),
    }


def checked(settings, since: float, lent_doc: str | None) -> dict:
    """What a reader and the Hub see now: datestamps moved since `since`, and whether the last
    lent document is found among the on-loan titles."""
    from indexer.catalogue.store import CatalogueStore
    from indexer.engine import SearchRequest, open_engine

    store = CatalogueStore(settings.data_dir / "catalogue.sqlite")
    try:
        restamped = store.count_changes(since=since)
    finally:
        store.close()
    found = None
    if lent_doc is not None:
        engine = open_engine(settings)
        try:
            request = SearchRequest(
                filters=(("id", (lent_doc,)), ("availability", ("on_loan",))), limit=1
            )
            found = engine.search(request).total == 1
        finally:
            engine.close()
    return {"feed_datestamps_moved": restamped, "lent_title_found_on_loan": found}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--libraries", type=int, default=30)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--first",
        action="store_true",
        help="forget the item tables first: each library's first items file builds its own",
    )
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()

    from indexer.catalogue.store import CatalogueStore
    from indexer.load.itemfile import load_items
    from indexer.settings import load_settings

    data_dir, libraries = ensure_loaded(args.records, args.libraries, args.seed)
    settings = load_settings(environ={}, data_dir=data_dir, libraries=libraries)
    work = Path(tempfile.mkdtemp(prefix="lantern-items-"))
    store = CatalogueStore(data_dir / "catalogue.sqlite")
    try:
        codes = sorted({c for (c,) in store.db.execute("SELECT DISTINCT library FROM records")})
        if args.first:
            store.db.execute("DROP TABLE IF EXISTS item_records")
            store.db.execute("DROP TABLE IF EXISTS item_refreshes")
            store.commit()
        files = status_files(store, codes, 0.01, work)
    finally:
        store.close()
    since = time.time()
    started = time.perf_counter()
    slowest, documents, copies, lent_doc = 0.0, 0, 0, None
    for code, (path, _, _) in files.items():
        one = time.perf_counter()
        _, applied = load_items(settings, code, path, log=lambda *a: None)
        slowest = max(slowest, time.perf_counter() - one)
        documents += len(applied.documents) + applied.rebuilt
        copies += len(applied.changed)
        lent = [c for c, _ in applied.changed if c.status == "on_loan"]
        if lent and applied.documents:
            lent_doc = _document_of(settings, lent[-1])
    seconds = time.perf_counter() - started
    row = {
        "records": args.records,
        "libraries": len(files),
        "delta_records": sum(n for _, n, _ in files.values()),
        "delta_copies": copies,
        "delta_documents": documents,
        "delta_s": round(seconds, 1),
        "slowest_library_s": round(slowest, 2),
        **checked(settings, since, lent_doc),
        **one_book(settings, data_dir, libraries, codes[0], work),
    }
    print(json.dumps(row, indent=2))
    if not args.no_write:
        from bench.report import record_row

        section = "Item-status deltas (lantern load --items)"
        if args.first:
            section += ": each library's first file (builds its item table)"
        record_row(section, machine(), row)


def _document_of(settings, change) -> str | None:
    from indexer.catalogue.store import CatalogueStore

    store = CatalogueStore(settings.data_dir / "catalogue.sqlite")
    try:
        row = store.db.execute(
            "SELECT r.doc_id FROM item_records i JOIN records r ON r.key = i.key "
            "WHERE i.library = ? AND i.item_id = ?",
            (change.library, change.item_id),
        ).fetchone()
        return row[0] if row else None
    finally:
        store.close()


if __name__ == "__main__":
    main()
