"""`lantern demo`: generate a sample consortium (`lantern.sample`) and load it."""

from __future__ import annotations

import dataclasses
import json
import shutil
import time

from indexer.engine import open_engine
from indexer.errors import ConfigError, EngineUnavailableError, IndexSchemaError
from indexer.load.reindex import reindex
from indexer.load.runner import load_libraries
from lantern.sample.generate import generate_consortium

MARKER = "demo.json"


def load_demo(settings, *, records: int, libraries: int, log=print):
    """Generate (once) and load a demo consortium into the data directory; returns the settings."""
    data_dir = settings.data_dir
    marker = data_dir / MARKER
    wanted = {"records": records, "libraries": libraries}
    store = data_dir / "catalogue.sqlite"
    if store.exists() and not marker.exists():
        raise ConfigError(
            f"{data_dir} already holds a catalogue that the demo did not make; "
            "point LANTERN_DATA_DIR (or --data-dir) at an empty directory for the demo"
        )
    if marker.exists() and json.loads(marker.read_text()) == wanted and store.exists():
        if _index_is_current(settings):
            log(f"Demo consortium already loaded in {data_dir}.")
        else:
            log(
                "The demo's index was built by an earlier version of Lantern; rebuilding it "
                "from its catalogue."
            )
            reindex(settings, log=log)
        return settings
    forget_demo(data_dir)
    out = data_dir / "demo"
    log(f"Generating {records:,} records for {libraries} libraries in {out} ...")
    started = time.perf_counter()
    generated = generate_consortium(out, records=records, libraries=libraries)
    log(f"  generated in {time.perf_counter() - started:.1f} s; loading them:")
    if not settings.libraries.exists():
        shutil.copyfile(out / "libraries.toml", settings.libraries)
    elif settings.libraries.read_bytes() != (out / "libraries.toml").read_bytes():
        log(f"Keeping your {settings.libraries}; the demo's libraries are in {out}.")
        settings = dataclasses.replace(settings, libraries=out / "libraries.toml")
    load_libraries(
        settings,
        [(code, [path]) for code, path in generated.files.items()],
        progress=False,
        log=log,
    )
    marker.write_text(json.dumps(wanted))
    return settings


def _index_is_current(settings) -> bool:
    try:
        open_engine(settings).close()
    except IndexSchemaError:
        return False
    except EngineUnavailableError:
        pass  # no index yet, or an OpenSearch outage: the load or the server will say
    return True


def forget_demo(data_dir) -> None:
    """Remove an earlier demo's index, store and marker (a new demo starts from nothing)."""
    link = data_dir / "index"
    if link.is_symlink() or link.is_file():
        link.unlink()
    else:
        shutil.rmtree(link, ignore_errors=True)
    shutil.rmtree(data_dir / "indexes", ignore_errors=True)
    for path in data_dir.glob("catalogue.sqlite*"):
        path.unlink()
    (data_dir / MARKER).unlink(missing_ok=True)
