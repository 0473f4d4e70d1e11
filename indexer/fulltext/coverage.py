"""E-journal coverage from a KBART row, kept as a span and shown in words.

    span = coverage_span(cells)   # {"start": "1998", "end": "", "embargo": "P1Y", ...} or None
    coverage_words(span)          # "Online 1998 to present, via EDP Sciences; latest 12 months
                                  #  embargoed"

Embargo codes (KBART, NISO RP-9-2014, 6.6.16): `P` + a number + D/M/Y is a moving wall, the
latest period *not* online ("P1Y": the latest 12 months embargoed); `R` + ... is the reverse,
only the latest period online ("R2Y": only the latest 2 years).
"""

from __future__ import annotations

import calendar
import re
from urllib.parse import urlsplit

_EMBARGO = re.compile(r"^([PR])(\d+)([DWMY])$", re.IGNORECASE)
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_UNITS = {"D": "day", "W": "week", "M": "month", "Y": "year"}
_SPAN_KEYS = {
    "start": "date_first_issue_online",
    "start_volume": "num_first_vol_online",
    "start_issue": "num_first_issue_online",
    "end": "date_last_issue_online",
    "end_volume": "num_last_vol_online",
    "end_issue": "num_last_issue_online",
    "embargo": "embargo_info",
}


def coverage_span(cells: dict[str, str]) -> dict | None:
    """One KBART row's coverage (cells keyed by normalised column name), or None without any:
    its dates, volumes and issues as given, the embargo code and the provider (the row's
    publisher_name, else the host of its title_url)."""
    span = {key: (cells.get(column) or "").strip() for key, column in _SPAN_KEYS.items()}
    if not any(span.values()):
        return None
    host = urlsplit((cells.get("title_url") or "").strip()).hostname or ""
    provider = (cells.get("publisher_name") or "").strip() or host.removeprefix("www.")
    return {key: value for key, value in {**span, "provider": provider}.items() if value}


def coverage_words(span: dict) -> str:
    """'Online 1998 to present, via EDP Sciences; latest 12 months embargoed'."""
    start = _point(span.get("start"), span.get("start_volume"), first=True)
    end = _point(span.get("end"), span.get("end_volume"), first=False)
    if start:
        text = f"Online {start} to {end or 'present'}"
    elif end:
        text = f"Online up to {end}"
    else:
        text = "Online"
    if span.get("provider"):
        text += f", via {span['provider']}"
    embargoes = [_embargo(code) for code in (span.get("embargo") or "").split(";") if code.strip()]
    return "; ".join([text, *embargoes])


def _point(date: str | None, volume: str | None, *, first: bool) -> str:
    """'1998', 'May 2001' (a date that is not the start or end of its year), 'vol. 13'."""
    found = _DATE.match((date or "").strip())
    if found:
        year, month, day = found.groups()
        whole_year = month is None or (month, day or "01") == (
            ("01", "01") if first else ("12", "31")
        )
        if whole_year or not 1 <= int(month) <= 12:
            return year
        return f"{calendar.month_name[int(month)]} {year}"
    if date and date.strip():
        return date.strip()
    return f"vol. {volume}" if volume else ""


def _embargo(code: str) -> str:
    found = _EMBARGO.match(code.strip())
    if found is None:
        return f"embargo: {code.strip()}"
    kind, amount, unit = found.group(1).upper(), int(found.group(2)), found.group(3).upper()
    if unit == "Y":  # "12 months" reads as readers expect a moving wall to
        amount, unit = (amount * 12, "M") if amount == 1 else (amount, unit)
    span = f"{amount} {_UNITS[unit]}{'s' if amount != 1 else ''}"
    return f"latest {span} embargoed" if kind == "P" else f"only the latest {span} online"
