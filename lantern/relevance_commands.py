"""`lantern relevance`: query sets of graded judgements and what they say about the ranking.

eval scores the live configuration (and a draft beside it) on a set's judged queries; import
and export move sets to and from Quepid and `_rank_eval`; starter builds starter sets from
the loaded catalogue. The sets are CSV files in LANTERN_RELEVANCE_DIR.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from indexer.errors import IndexerError
from lantern.exits import EXIT_DRAFT_WORSE, EXIT_USAGE, fail

FORMATS = click.Choice(["quepid", "rank_eval"])


@click.group()
def relevance() -> None:
    """Relevance judgements (query sets) and evaluation: nDCG@10, MRR, precision@10."""


def _store(settings):
    from indexer.relevance.judgements import JudgementStore

    return JudgementStore(settings.relevance_dir)


def _sets(settings, name: str | None) -> list:
    store = _store(settings)
    names = [name] if name else store.names()
    if not names:
        fail(
            f"no query sets in {settings.relevance_dir}: `lantern relevance starter` builds "
            "starter sets, `lantern relevance import` reads Quepid or _rank_eval files",
            EXIT_USAGE,
        )
    return [store.load(n) for n in names]


@relevance.command("eval")
@click.option("--set", "set_name", help="Query set to score (default: every set)")
@click.option(
    "--draft",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="A draft configuration (a synonyms directory with boosts.toml) to compare",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON")
@click.option(
    "--max-drop",
    type=float,
    default=0.01,
    show_default=True,
    help=f"Largest fall in mean nDCG@10 a draft may cause (exit {EXIT_DRAFT_WORSE} beyond it)",
)
@click.option("--details", is_flag=True, help="Print each query's scores")
@click.pass_obj
def evaluate(settings, set_name, draft, as_json, max_drop, details):
    """Score the live configuration on every judged query; with --draft, the draft beside it,
    query by query. Relevant means grade 2 or 3; unjudged results count as not relevant."""
    from opac.search.evaluation import evaluate_draft, evaluate_live
    from opac.search.service import open_search_service

    try:
        qsets = _sets(settings, set_name)
        if draft is None:
            service = open_search_service(settings)
            reports = [evaluate_live(settings, q, service) for q in qsets]
            _print_live(reports, as_json, details)
            return
        service = open_search_service(settings)
        comparisons = [evaluate_draft(settings, q, draft, max_drop, service) for q in qsets]
    except IndexerError as exc:
        fail(str(exc))
    _print_comparisons(comparisons, as_json, details)
    if any(c.worse for c in comparisons):
        fail(
            f"the draft lowers mean nDCG@10 by more than {max_drop} "
            f"({', '.join(c.live.set_name for c in comparisons if c.worse)})",
            EXIT_DRAFT_WORSE,
        )


HEADER = f"{'':<16}{'queries':>8}{'nDCG@10':>9}{'MRR':>8}{'P@10':>8}{'unjudged':>10}"


def _line(label: str, summary: dict) -> str:
    return (
        f"{label:<16}{summary['queries']:>8}{summary['ndcg@10']:>9.4f}{summary['mrr']:>8.4f}"
        f"{summary['p@10']:>8.4f}{summary['unjudged@10']:>10}"
    )


def _print_queries(report) -> None:
    for s in report.scores:
        click.echo(
            f"  {s.ndcg:.3f} nDCG  {s.reciprocal_rank:.3f} RR  {s.precision:.2f} P  "
            f"{s.unjudged} unjudged  {s.query}"
        )


def _print_live(reports: list, as_json: bool, details: bool) -> None:
    if as_json:
        click.echo(
            json.dumps({"sets": [r.as_dict() for r in reports]}, ensure_ascii=False, indent=2)
        )
        return
    click.echo(HEADER)
    for report in reports:
        click.echo(_line(report.set_name, report.summary()))
        if details:
            _print_queries(report)


def _print_comparisons(comparisons: list, as_json: bool, details: bool) -> None:
    if as_json:
        body = {"sets": [c.as_dict() for c in comparisons]}
        click.echo(json.dumps(body, ensure_ascii=False, indent=2))
        return
    for c in comparisons:
        click.echo(f"{c.live.set_name}\n{HEADER}")
        click.echo(_line("  live", c.live.summary()))
        click.echo(_line("  draft", c.draft.summary()))
        verdict = "WORSE" if c.worse else ("better" if c.drop < 0 else "not worse")
        click.echo(f"  draft {verdict}: mean nDCG@10 {-c.drop:+.4f} (max drop {c.max_drop})")
        for change in c.changes():
            click.echo(
                f"    {change['delta']:+.3f}  nDCG {change['live_ndcg@10']:.3f} -> "
                f"{change['draft_ndcg@10']:.3f}  RR {change['live_rr']:.3f} -> "
                f"{change['draft_rr']:.3f}  {change['query']}"
            )
        if details:
            _print_queries(c.draft)


def _catalogue_ids(settings):
    from indexer.engine import open_engine
    from indexer.relevance.catalogue_ids import CatalogueIds

    return CatalogueIds(open_engine(settings))


@relevance.command("import")
@click.option("--format", "fmt", type=FORMATS, required=True, help="The file's format")
@click.option("--set", "set_name", required=True, help="Query set to write (replaced if present)")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_obj
def import_set(settings, fmt, set_name, file):
    """Read a Quepid ratings CSV or a _rank_eval request JSON into query set NAME. Document
    ids (LIB.CONTROLNUMBER) are read as the member records of that document now."""
    from indexer.relevance import formats

    try:
        text = file.read_text(encoding="utf-8-sig")
        keys_of = _catalogue_ids(settings).keys_of
        if fmt == "quepid":
            qset = formats.import_quepid(set_name, text, keys_of)
        else:
            try:
                data = json.loads(text)
            except ValueError as exc:
                fail(f"{file} is not JSON: {exc}", EXIT_USAGE)
            qset = formats.import_rank_eval(set_name, data, keys_of)
        path = _store(settings).save(qset)
    except IndexerError as exc:
        fail(str(exc))
    click.echo(f"{len(qset):,} judgements of {len(qset.queries):,} queries written to {path}")


@relevance.command("export")
@click.option("--format", "fmt", type=FORMATS, required=True, help="The format to write")
@click.option("--set", "set_name", required=True, help="Query set to export")
@click.option("--index", default="lantern", show_default=True, help="_rank_eval: the _index")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
def export_set(settings, fmt, set_name, index, out):
    """Write query set NAME as a Quepid ratings CSV (docid = record key) or a _rank_eval
    request (ratings by the current document ids; the query Lantern's OpenSearch engine runs)."""
    from indexer.relevance import formats
    from indexer.relevance.catalogue_ids import opensearch_query

    try:
        qset = _store(settings).load(set_name)
        if fmt == "quepid":
            out.write_text(formats.export_quepid(qset), encoding="utf-8")
        else:
            body = formats.export_rank_eval(
                qset,
                index,
                _catalogue_ids(settings).doc_grades,
                lambda q: opensearch_query(q, settings.synonyms_dir),
            )
            out.write_text(json.dumps(body, ensure_ascii=False, indent=1), encoding="utf-8")
    except (IndexerError, OSError) as exc:
        fail(str(exc))
    click.echo(f"{len(qset.queries):,} queries of {set_name} written to {out}")


@relevance.command("starter")
@click.option(
    "--known-items",
    type=click.IntRange(min=0),
    default=100,
    show_default=True,
    help="Records to sample for the known-items set (0: none)",
)
@click.option(
    "--topics/--no-topics", default=True, show_default=True, help="Build the health-topics set"
)
@click.option("--seed", type=int, default=16, show_default=True, help="Sampling seed")
@click.pass_obj
def starter(settings, known_items, topics, seed):
    """Build the starter sets from the loaded catalogue: known items (exact title, ISBN,
    title + author) and health topics judged from subject headings. Replaces them if present."""
    from indexer.relevance.starter import build_starter_sets

    try:
        store = _store(settings)
        for qset in build_starter_sets(_catalogue_ids(settings).engine, known_items, topics, seed):
            path = store.save(qset)
            click.echo(
                f"{qset.name}: {len(qset.queries):,} queries, {len(qset):,} judgements: {path}"
            )
    except IndexerError as exc:
        fail(str(exc))


COMMANDS = [relevance]
