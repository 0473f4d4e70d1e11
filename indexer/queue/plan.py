"""Planning a queued load: its files split into batch specs, recorded in Redis.

A load is split into the same batches of records the in-process loader makes (`BATCH_SIZE`
records: byte ranges of raw ISO 2709 records, or record-number ranges of MARCXML and KBART
files); `indexer.queue.work` maps and stores each batch where a worker takes it.
"""

from __future__ import annotations

import time
from pathlib import Path

from indexer.errors import RecordError
from indexer.libraries import load_consortium
from indexer.load.pipeline import BATCH_SIZE
from indexer.queue.registry import LoadRegistry
from indexer.settings import without_credentials
from indexer.sources import ISO2709, detect_format, iter_raw_records, read_records


def plan_file(path: Path, source: str, encoding: str | None) -> tuple[list[dict], list[dict]]:
    """(batch specs, file-level problems) for one file, batch boundaries as in-process."""
    name = str(path)
    if source != "kbart" and detect_format(path) == ISO2709:
        specs, problems, chunk = [], [], []
        try:
            for item in iter_raw_records(path):
                chunk.append(item)
                if len(chunk) >= BATCH_SIZE:
                    specs.append(_byte_range(name, chunk))
                    chunk = []
        except RecordError as exc:  # a damaged gzip stream: the records before it still load
            problems.append(
                {
                    "file": name,
                    "record": 0,
                    "byte_offset": None,
                    "line": None,
                    "control_number": None,
                    "reason": str(exc),
                }
            )
        if chunk:
            specs.append(_byte_range(name, chunk))
        return specs, problems
    if source == "kbart":
        from indexer.sources.kbart import read_kbart

        count = sum(1 for _ in read_kbart(path))
    else:
        count = sum(1 for _ in read_records(path, encoding=encoding))
    return [
        {
            "file": name,
            "kind": "records",
            "start": start,
            "stop": min(start + BATCH_SIZE, count),
            "first_index": start + 1,
            "records": min(BATCH_SIZE, count - start),
        }
        for start in range(0, count, BATCH_SIZE)
    ], []


def _byte_range(name: str, chunk: list[tuple[int, int, bytes]]) -> dict:
    first, last = chunk[0], chunk[-1]
    return {
        "file": name,
        "kind": "bytes",
        "start": first[1],
        "stop": last[1] + len(last[2]),
        "first_index": first[0],
        "records": len(chunk),
    }


def plan_load(
    settings,
    library_code: str,
    files: list[Path],
    registry: LoadRegistry,
    *,
    source: str = "marc",
    encoding: str | None = None,
    replace: bool = False,
) -> dict:
    """Record a queued load and its batches in Redis; returns its meta (with "id")."""
    consortium = load_consortium(settings.libraries, settings.schemas_dir)
    library, known = consortium.resolve(library_code)
    registry.check_free(library.code)  # before reading the files; create() decides for sure
    encoding = None if encoding == "auto" else encoding
    encoding = encoding or (library.encoding if library.encoding != "auto" else None)
    specs: list[dict] = []
    problems: list[dict] = []
    failed_files: list[dict] = []
    for path in files:
        path = Path(path).resolve()
        try:
            file_specs, file_problems = plan_file(path, source, encoding)
        except (OSError, RecordError) as exc:
            failed_files.append({"file": str(path), "reason": str(exc)})
            continue
        specs += file_specs
        problems += file_problems
    meta = {
        "id": LoadRegistry.new_id(library.code),
        "library": library.code,
        "library_known": known,
        "files": [str(Path(p).resolve()) for p in files],
        "source": source,
        "encoding": encoding,
        "replace": replace,
        "batches": len(specs),
        "records": sum(s["records"] for s in specs),
        "problems": problems,
        "failed_files": failed_files,
        "created": time.time(),
        "settings": {
            "data_dir": str(settings.data_dir.resolve()),
            "libraries": str(settings.libraries.resolve()),
            "schemas_dir": str(settings.schemas_dir),
            "merge": "on" if settings.merge else "off",
            "engine": settings.engine,
            # Never the password in Redis: workers take it from their own environment.
            "opensearch_url": without_credentials(settings.opensearch_url),
        },
    }
    registry.create(meta["id"], meta, specs)
    return meta
