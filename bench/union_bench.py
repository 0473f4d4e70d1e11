"""Union catalogue benchmark: a 1% delta and a full reindex on a loaded generated consortium.

    python -m bench.union_bench --records 100000 [--libraries 12]

Uses the loaded generated consortium that bench.load_bench caches (merging on), applies a delta
touching 1% of the records (items returned or lent, so their documents change) and times it,
then times `lantern reindex` (a full rebuild beside the live index, swapped in at the end).
The cached catalogue keeps the delta: a second run changes the same records back and forth.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import tempfile
import time
from pathlib import Path

import pymarc

from bench.load_bench import ensure_catalogue, ensure_loaded, machine


def delta_files(files: dict[str, str], share: float, out: Path, seed: int = 3) -> int:
    """Write, per library, a file with `share` of its records, each with a holding changed."""
    rng = random.Random(seed)
    changed = 0
    for code, path in files.items():
        with open(path, "rb") as fh:
            records = [r for r in pymarc.MARCReader(fh, to_unicode=True, permissive=True) if r]
        picked = rng.sample(records, max(1, int(len(records) * share)))
        with open(out / f"{code}.mrc", "wb") as fh:
            for rec in picked:
                for f in rec.get_fields("952"):
                    f.delete_subfield("q")
                    f.add_subfield("q", "2027-01-15")
                for f in rec.get_fields("876"):
                    f.delete_subfield("j")
                    f.add_subfield("j", "On loan")
                rec.force_utf8 = True
                rec.leader = pymarc.Leader(str(rec.leader)[:9] + "a" + str(rec.leader)[10:])
                fh.write(rec.as_marc())
                changed += 1
    return changed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--libraries", type=int, default=12)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()

    from indexer.load.reindex import reindex
    from indexer.load.runner import load_library
    from indexer.settings import load_settings

    target = ensure_catalogue(args.records, args.libraries, args.seed)
    files = json.loads((target / "done.json").read_text())["files"]
    data_dir, libraries_toml = ensure_loaded(args.records, args.libraries, args.seed)
    work = Path(tempfile.mkdtemp(prefix="lantern-union-"))
    try:
        settings = load_settings(environ={}, data_dir=data_dir, libraries=libraries_toml)
        (work / "delta").mkdir()
        changed = delta_files(files, 0.01, work / "delta")
        started = time.perf_counter()
        written = 0
        for code in files:
            report = load_library(
                settings,
                code,
                [work / "delta" / f"{code}.mrc"],
                progress=False,
                log=lambda *a: None,
            )
            written += report.documents_written
        delta_seconds = time.perf_counter() - started
        result = reindex(settings, log=lambda *a: None)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    row = {
        "records": args.records,
        "libraries": args.libraries,
        "delta_records": changed,
        "delta_documents": written,
        "delta_s": round(delta_seconds, 1),
        "reindex_documents": result["documents"],
        "reindex_s": round(result["seconds"], 1),
    }
    print(json.dumps(row, indent=2))
    if not args.no_write:
        from bench.report import record_row

        record_row("Union catalogue: delta and reindex", machine(), row)


if __name__ == "__main__":
    main()
