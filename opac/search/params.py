"""Reading a reader's search parameters from a query string, leniently (marshmallow at the edge)."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from indexer.engine.querylang import MAX_CHARS
from opac.search.service import MAX_PAGE_SIZE, SORTS, SearchParams

MAX_QUERY_CHARS = MAX_CHARS  # what the parser reads; the rest is not kept either


class SearchArgs(Schema):
    class Meta:
        unknown = EXCLUDE

    q = fields.String(load_default="")
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    size = fields.Integer(load_default=20, validate=validate.Range(min=1, max=MAX_PAGE_SIZE))
    sort = fields.String(load_default="relevance", validate=validate.OneOf(SORTS))
    scope = fields.String(
        load_default=None, allow_none=True, validate=validate.Regexp(r"^[A-Za-z0-9]{1,20}$")
    )
    year_from = fields.Integer(load_default=None, validate=validate.Range(min=0, max=9999))
    year_to = fields.Integer(load_default=None, validate=validate.Range(min=0, max=9999))
    synonyms = fields.String(load_default="on", validate=validate.OneOf(("on", "off")))
    # Include narrower MeSH headings: every mesh:"X" of the query and every mesh filter.
    explode = fields.Boolean(load_default=False)


ARG_NAMES = ("q", "page", "size", "sort", "scope", "year_from", "year_to", "synonyms", "explode")
SEARCH_ARGS = SearchArgs()  # one instance: building a Schema copies its fields every time
MAX_FILTERS = 50


def filter_pairs(values: list[str]) -> tuple[tuple[str, str], ...]:
    """The (FACET, VALUE) pairs of `filter=` or `exclude=` arguments a search applies: of the
    first MAX_FILTERS, the well-formed ones, each once, values cut at 200 characters."""
    out = []
    for raw in values[:MAX_FILTERS]:
        name, sep, value = raw.partition(":")
        if sep and value:  # an unknown FACET is refused by the service (a 400)
            out.append((name, value[:200]))
    return tuple(dict.fromkeys(out))


def parse_search_args(args) -> SearchParams:
    """SearchParams from request args; raises ValueError with a reader-friendly message."""
    flat = {k: args.get(k) for k in ARG_NAMES if args.get(k)}
    try:
        data = SEARCH_ARGS.load(flat)
    except ValidationError as exc:
        problems = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.messages.items())
        raise ValueError(f"Invalid search parameters ({problems})") from None
    q = data["q"].replace("\x00", " ")
    return SearchParams(
        q=q[:MAX_QUERY_CHARS],
        page=data["page"],
        size=data["size"],
        sort=data["sort"],
        filters=filter_pairs(args.getlist("filter")),
        excludes=filter_pairs(args.getlist("exclude")),
        scope=data["scope"],
        year_from=data["year_from"],
        year_to=data["year_to"],
        synonyms=data["synonyms"] != "off",
        explode=data["explode"],
        # The results page's "did you mean" link says so: the search log counts suggestions
        # taken. Anything else in `from` is ignored, like any parameter the API does not know.
        from_suggestion=args.get("from") == "suggestion",
        notices=(f"Only the first {MAX_QUERY_CHARS:,} characters of your search were used.",)
        if len(q) > MAX_QUERY_CHARS
        else (),
    )
