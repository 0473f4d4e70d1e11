"""The search a record page was opened from, carried in its URL: no server session.

A result links to `/record/ID?q=asthma&n=7`: the search's own arguments that differ from the
defaults, `n` the result's position in the list and, from a library's or a region's results,
`in=library:RDE`. The record page reads them back for "Back to results" (the right page, at the
result's anchor) and for the previous and next results, found by running the search again for
positions n-1..n+1. A permalink carries none of this; bad or hostile values mean no context.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from werkzeug.datastructures import MultiDict

from opac.search.service import MAX_RESULT_DEPTH
from opac.ui import links

# Results pages other than /search that a context can name, as `in=KIND:CODE`.
VIEWS = ("library", "region")
DEFAULT_ARGS = {"sort": "relevance", "size": "20"}  # left out of result links: fewer bytes
_CODE = re.compile(r"^[A-Za-z0-9]{1,20}$")
_POSITION = re.compile(r"^[1-9][0-9]{0,5}$")


@dataclass(frozen=True)
class SearchContext:
    """Result `position` of the search `args` (links.search_args, defaults left out), run on
    the results page of `kind` ("search", or one of VIEWS with its `code`)."""

    position: int
    args: MultiDict
    kind: str = "search"
    code: str = ""

    def query(self, position: int) -> str:
        """The query string of a record link at `position` of this search."""
        pairs = list(self.args.items(multi=True)) + [("n", str(position))]
        if self.kind != "search":
            pairs.append(("in", f"{self.kind}:{self.code}"))
        return "?" + urlencode(pairs, safe=":")


def _kept_args(args) -> MultiDict:
    kept = links.search_args(args)
    for key, default in DEFAULT_ARGS.items():
        if kept.get(key) == default:
            kept.pop(key)
    return kept


def _view_in(value: str | None) -> tuple[str, str] | None:
    kind, _, code = (value or "").partition(":")
    if kind in VIEWS and _CODE.fullmatch(code):
        return kind, code.upper()
    return None


def read_context(args) -> SearchContext | None:
    """The context in a record page's query string, or None (a permalink, or values that are
    not a context: a position beyond the deepest result, an unknown kind of page...)."""
    raw = args.get("n", "")
    if not _POSITION.fullmatch(raw) or int(raw) > MAX_RESULT_DEPTH:
        return None
    kind, code = "search", ""
    if "in" in args:
        view = _view_in(args.get("in"))
        if view is None:
            return None
        kind, code = view
    return SearchContext(int(raw), _kept_args(args), kind, code)


def context_of(endpoint: str | None, view_args: dict | None, args) -> SearchContext | None:
    """The search of the page being drawn (a results page, or a record page with a context),
    for the record links it draws; None when the page is neither."""
    if endpoint == "ui.record":
        return read_context(args)
    kind = (endpoint or "").removeprefix("ui.")
    if kind == "search":
        return SearchContext(1, _kept_args(args))
    code = (view_args or {}).get("code", "")
    if kind in VIEWS and _CODE.fullmatch(code):
        return SearchContext(1, _kept_args(args), kind, code.upper())
    return None


def record_nav(service, context: SearchContext, doc_id: str, params, action: str) -> dict:
    """What a record page shows of its search: the results page to go back to, and the
    previous and next results when the search still has this record at its position.

    `params`: the search as the results page ran it; `action`: that page's path."""
    n = context.position
    page = (n - 1) // params.size + 1
    nav = {
        "position": n,
        "back": action + links.changed(context.args, page=page) + f"#r{n}",
        "previous": None,
        "next": None,
        "total": None,
    }
    first, hits, total = service.neighbours(params, n)
    at = n - first
    if at >= len(hits) or hits[at]["id"] != doc_id:
        return nav  # the index changed since: no neighbours to trust
    nav["total"] = total
    if at > 0:
        nav["previous"] = {**hits[at - 1], "query": context.query(n - 1)}
    if at + 1 < len(hits) and n < MAX_RESULT_DEPTH:
        nav["next"] = {**hits[at + 1], "query": context.query(n + 1)}
    return nav
