"""A reader's search, as the search log keeps it (the service calls this for the results page
and the JSON API). Only the search and its outcome are passed on: nothing about the reader,
their address, cookies or browser is ever in reach of this module."""

from __future__ import annotations

import datetime
import logging
import time

from indexer.searchlog.buffer import SearchEvent, SearchLog

log = logging.getLogger("lantern.searchlog")


def log_scope(params) -> str:
    """Where the search was made: a library's view (its code), one region (the region page, or
    a region: filter), else '' for the whole consortium."""
    if params.scope:
        return params.scope
    regions = {value for name, value in params.within + params.filters if name == "region"}
    return regions.pop() if len(regions) == 1 else ""


def log_filters(params) -> tuple[str, ...]:
    """The filters of a search, the page's own (a library's, site's or region's) among them."""
    filters = [f"{name}:{value}" for name, value in params.within + params.filters]
    filters += [f"-{name}:{value}" for name, value in params.excludes]
    if params.year_from is not None:
        filters.append(f"year_from:{params.year_from}")
    if params.year_to is not None:
        filters.append(f"year_to:{params.year_to}")
    return tuple(sorted(filters))


def log_search(search_log: SearchLog, params, page: dict, started: float, channel: str) -> None:
    """Hand one search to the log's buffer. The first page only: paging on through the same
    results is not another search. A search with neither words nor filters (an empty box)
    asked nothing and is not kept."""
    if params.page > 1 or not (params.q.strip() or params.filters or params.excludes):
        return
    try:
        event = _event(params, page, started, channel)
    except Exception as exc:  # noqa: BLE001 - the reader's results matter, the log does not
        log.warning("search not logged: %s", exc)
        return
    search_log.record(event)


def _event(params, page: dict, started: float, channel: str) -> SearchEvent:
    return SearchEvent(
        query=params.q,
        scope=log_scope(params),
        filters=log_filters(params),
        hits=page["total"],
        suggestion=page.get("suggestion"),
        from_suggestion=params.from_suggestion,
        ms=(time.perf_counter() - started) * 1000,
        channel=channel,
        at=datetime.datetime.now(datetime.UTC),
    )
