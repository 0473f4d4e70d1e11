"""`lantern mesh import FILE`: NLM's MeSH descriptor file into the data directory."""

from __future__ import annotations

import time
from pathlib import Path

import click

from indexer.errors import MeshFileError
from lantern.exits import EXIT_USAGE, fail


@click.group()
def mesh() -> None:
    """MeSH, the vocabulary: import NLM's descriptor file."""


@mesh.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_obj
def import_(settings, file: Path) -> None:
    """Import (or replace) the MeSH vocabulary from FILE: desc20XX.xml as NLM publishes it,
    plain or gzipped. The vocabulary in use is replaced only once FILE is read in full."""
    from indexer.mesh.importer import import_mesh

    started = time.perf_counter()
    try:
        counts = import_mesh(file, settings.mesh_path)
    except MeshFileError as exc:
        fail(f"{file}: {exc}; the MeSH vocabulary was not changed", EXIT_USAGE)
    click.echo(
        f"Imported {counts.descriptors:,} MeSH descriptors, {counts.terms:,} entry terms and"
        f" {counts.trees:,} tree numbers into {settings.mesh_path}"
        f" in {time.perf_counter() - started:.1f} s"
    )


COMMANDS = [mesh]
