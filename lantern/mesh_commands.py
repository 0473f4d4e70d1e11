"""`lantern mesh import FILE`: NLM's MeSH descriptor file into the data directory, and the
catalogue's headings linked to it again (a reindex)."""

from __future__ import annotations

import time
from pathlib import Path

import click

from indexer.errors import IndexerError, MeshFileError
from lantern.exits import EXIT_USAGE, fail


@click.group()
def mesh() -> None:
    """MeSH, the vocabulary: import NLM's descriptor file."""


@mesh.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--reindex/--no-reindex",
    default=True,
    help="Link the catalogue's headings to the new vocabulary now (a reindex; the default"
    " when a catalogue is loaded). Searches keep answering while it runs.",
)
@click.pass_obj
def import_(settings, file: Path, reindex: bool) -> None:
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
    if not (settings.data_dir / "catalogue.sqlite").exists():
        return  # records loaded from now on are linked as they are indexed
    if not reindex:
        click.echo(
            "Entry terms and mesh: searches use the new vocabulary now; run `lantern reindex`"
            " to link the catalogue's headings to it (until then an explode or mesh: search"
            " finds the records as they were linked before)."
        )
        return
    _relink(settings)


def _relink(settings) -> None:
    from indexer.load.reindex import reindex as run_reindex

    click.echo("Linking the catalogue's headings to it (lantern reindex)...")
    started = time.perf_counter()
    try:
        run_reindex(settings, log=click.echo)
    except IndexerError as exc:
        fail(
            f"{exc}; the vocabulary is imported but the headings are linked as before:"
            " run `lantern reindex` when the catalogue is free"
        )
    click.echo(f"Headings linked in {time.perf_counter() - started:.1f} s")


COMMANDS = [mesh]
