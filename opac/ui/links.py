"""Links that change one thing about the current search and keep everything else.

Every results page is a GET URL, so "remove this filter", "next page" and "sort by year" are
the current query string with one change (and the page reset when the result set changes).
"""

from __future__ import annotations

from urllib.parse import urlencode

from werkzeug.datastructures import MultiDict

from opac.search.params import MAX_QUERY_CHARS, filter_pairs

SEARCH_ARGS = (
    "q",
    "filter",
    "exclude",
    "sort",
    "size",
    "year_from",
    "year_to",
    "within",
    "synonyms",
)


def search_args(args) -> MultiDict:
    """The arguments of `args` that the search applies, as it applies them: one value of each
    setting, the filters it uses (not 200 repeated or malformed ones copied into every link)."""
    kept = MultiDict()
    for key in SEARCH_ARGS:
        if key in ("filter", "exclude"):
            for name, value in filter_pairs(args.getlist(key)):
                kept.add(key, f"{name}:{value}")
            continue
        value = args.get(key)
        if value is None or (value == "" and key != "q"):
            continue  # q= asks for every record; a library's page needs it
        kept.add(key, value[:MAX_QUERY_CHARS] if key == "q" else value)
    return kept


def changed(
    args,
    *,
    page: int | None = None,
    drop: tuple[str, str] | None = None,
    add: tuple[str, str] | None = None,
    **replace,
) -> str:
    """The query string of `args` with one change; `drop`/`add` are (key, value) pairs."""
    out = search_args(args)
    if drop:
        values = [v for v in out.getlist(drop[0]) if v != drop[1]]
        out.setlist(drop[0], values)
    if add and add[1] not in out.getlist(add[0]):
        out.add(*add)
    for key, value in replace.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = str(value)
    if page and page > 1:
        out["page"] = str(page)
    return "?" + urlencode(list(out.items(multi=True)))


def without_empty(args) -> str | None:
    """The query string of `args` without its empty parameters (`year_from=&year_to=`), or
    None when it has none; an empty `q=` stays (it asks for every record)."""
    pairs = list(args.items(multi=True))
    kept = [(k, v) for k, v in pairs if v != "" or k == "q"]
    if len(kept) == len(pairs):
        return None
    return "?" + urlencode(kept) if kept else ""
