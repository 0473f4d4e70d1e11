"""The facets a reader filters by: their index fields and labels, and the year ranges.

The public names and headings come from schemas/fields.toml [facet.*]; the service asks the engine
to count them and this module turns the counts into what the API and the pages show.
"""

from __future__ import annotations

import datetime

from indexer.engine.fields import load_facets

# Public facet names -> index fields, and their headings (schemas/fields.toml [facet.*]).
FACETS = {name: facet.field for name, facet in load_facets().items()}
FACET_LABELS = {name: facet.label for name, facet in load_facets().items()}
# Filters that are not counted as facets: region:CODE means "any library of that region".
PSEUDO_FILTERS = ("region",)
OLDEST_YEAR = 1000
AVAILABILITY_LABELS = {
    "available": "Available now",
    "on_loan": "On loan",
    "online": "Online",
    "reference": "Reference only",
}


def year_ranges(this_year: int | None = None) -> list[tuple[str, int | None, int | None]]:
    """The year facet's buckets, newest first: (value, first year, last year); decades back to
    the 1980s, then everything older."""
    this_year = this_year or datetime.date.today().year
    decade = this_year // 10 * 10
    out: list[tuple[str, int | None, int | None]] = [(f"{decade}-", decade, None)]
    for low in range(decade - 10, 1979, -10):
        out.append((f"{low}-{low + 9}", low, low + 9))
    out.append(("-1979", None, 1979))
    return out


def parse_year_range(value: str) -> tuple[int | None, int | None] | None:
    first, sep, last = value.partition("-")
    if not sep or not (first or last) or not (first + last).isdigit():
        return None
    return (int(first) if first else None, int(last) if last else None)


def years_of(value: str) -> list[str]:
    """A year facet value ("2010-2019", "-1979", "2022-", "2015") as the years it covers."""
    if value.isdigit():
        return [value]
    bounds = parse_year_range(value)
    if bounds is None:
        return []
    low = max(bounds[0] or OLDEST_YEAR, OLDEST_YEAR)
    high = min(bounds[1] or datetime.date.today().year + 1, datetime.date.today().year + 1)
    return [str(y) for y in range(low, high + 1)]


def facet_entries(params, counted: dict, consortium) -> dict:
    """The API's facets: each counted facet's values with labels, and which the reader chose."""
    selected = set(params.filters)
    excluded = set(params.excludes)
    out = {}
    for name, index_field in FACETS.items():
        if index_field not in counted:
            continue
        values = [(fv.value, fv.count) for fv in counted[index_field]]
        if name == "year":
            values = year_buckets(values)
        out[name] = [
            {
                "value": value,
                "label": facet_label(consortium, name, value),
                "count": count,
                "selected": (name, value) in selected,
                **({"excluded": True} if (name, value) in excluded else {}),
            }
            for value, count in values
        ]
        # A value the reader chose stays visible even when it counts nothing now.
        shown = {v["value"] for v in out[name]}
        for facet, value in params.filters:
            if facet == name and value not in shown:
                out[name].append(
                    {
                        "value": value,
                        "label": facet_label(consortium, name, value),
                        "count": 0,
                        "selected": True,
                    }
                )
    return out


def year_buckets(values: list[tuple[str, int]]) -> list[tuple[str, int]]:
    by_year = {int(v): c for v, c in values if v.lstrip("-").isdigit()}
    out = []
    for value, low, high in year_ranges():
        count = sum(
            c
            for y, c in by_year.items()
            if (low is None or y >= low) and (high is None or y <= high)
        )
        if count:
            out.append((value, count))
    return out


def facet_label(consortium, facet: str, value) -> str:
    """How a facet value reads on the page: library and site names, availability in words."""
    if facet == "library":
        lib = consortium.libraries.get(value)
        return lib.name if lib else str(value)
    if facet == "site":
        code, _, site = str(value).partition("/")
        lib = consortium.libraries.get(code)
        return (lib.site_name(site) if lib and site else None) or str(value)
    if facet == "availability":
        return AVAILABILITY_LABELS.get(value, str(value))
    if facet == "year":
        bounds = parse_year_range(str(value))
        if bounds is None:
            return str(value)
        low, high = bounds
        if low is None:
            return f"Before {high + 1}"
        return f"{low} onwards" if high is None else f"{low} to {high}"
    return str(value)
