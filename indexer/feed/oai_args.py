"""OAI-PMH request arguments: which verb takes which, dates, and the errors the protocol names."""

from __future__ import annotations

import calendar
import datetime
import math
import re
import time
from dataclasses import dataclass

from indexer.errors import OaiError

VERBS = {
    # verb: (required, optional, exclusive)
    "Identify": (set(), set(), None),
    "ListMetadataFormats": (set(), {"identifier"}, None),
    "ListSets": (set(), set(), "resumptionToken"),
    "GetRecord": ({"identifier", "metadataPrefix"}, set(), None),
    "ListIdentifiers": ({"metadataPrefix"}, {"from", "until", "set"}, "resumptionToken"),
    "ListRecords": ({"metadataPrefix"}, {"from", "until", "set"}, "resumptionToken"),
}
# The patterns OAI-PMH.xsd gives these values; a value outside them could not be echoed in
# <request> without making the response invalid, so it is a badArgument.
PREFIX = re.compile(r"^[A-Za-z0-9\-_.!~*'()]+$")
SET_SPEC = re.compile(r"^[A-Za-z0-9\-_.!~*'()]+(:[A-Za-z0-9\-_.!~*'()]+)*$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SECOND = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


@dataclass(frozen=True, slots=True)
class OaiRequest:
    verb: str
    args: dict[str, str]


def parse_request(pairs: list[tuple[str, str]]) -> OaiRequest:
    """Check the verb and its arguments (GET query and POST form alike give `pairs`)."""
    verbs = [v for k, v in pairs if k == "verb"]
    if len(verbs) != 1:
        raise OaiError("badVerb", "the verb argument is missing or repeated")
    verb = verbs[0]
    if verb not in VERBS:
        raise OaiError("badVerb", "the verb argument is not an OAI-PMH verb")
    args: dict[str, str] = {}
    for key, value in pairs:
        if key == "verb":
            continue
        if key in args:
            raise OaiError("badArgument", f"the argument {key} is repeated")
        args[key] = value
    required, optional, exclusive = VERBS[verb]
    unknown = set(args) - required - optional - ({exclusive} if exclusive else set())
    if unknown:
        raise OaiError("badArgument", f"{verb} does not take {', '.join(sorted(unknown))}")
    if exclusive and exclusive in args:
        if len(args) > 1:
            raise OaiError("badArgument", f"{exclusive} is exclusive: no other argument with it")
        return OaiRequest(verb, args)
    missing = required - set(args)
    if missing:
        raise OaiError("badArgument", f"{verb} needs {', '.join(sorted(missing))}")
    if "metadataPrefix" in args and not PREFIX.match(args["metadataPrefix"]):
        raise OaiError("badArgument", "metadataPrefix has characters OAI-PMH does not allow")
    if "set" in args and not SET_SPEC.match(args["set"]):
        raise OaiError("badArgument", "set is not a valid setSpec")
    return OaiRequest(verb, args)


def parse_date(value: str, name: str) -> tuple[float, str]:
    """(UTC seconds of the start of the day or second, granularity) of a from/until value."""
    if _SECOND.match(value):
        fmt, granularity = "%Y-%m-%dT%H:%M:%SZ", "second"
    elif _DAY.match(value):
        fmt, granularity = "%Y-%m-%d", "day"
    else:
        raise OaiError("badArgument", f"{name} must be YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ (UTC)")
    try:
        parsed = datetime.datetime.strptime(value, fmt)
    except ValueError:
        raise OaiError("badArgument", f"{name} is not a real date") from None
    return float(calendar.timegm(parsed.timetuple())), granularity


def date_range(args: dict[str, str]) -> tuple[float | None, float | None]:
    """(inclusive lower bound, inclusive upper bound) in UTC seconds from `from` and `until`.

    `until` covers the whole day or second it names: a record stamped 10:15:30.7 shows as
    10:15:30Z, so until=…10:15:30Z must include it."""
    since = until = None
    granularities = set()
    if "from" in args:
        since, g = parse_date(args["from"], "from")
        granularities.add(g)
    if "until" in args:
        start, g = parse_date(args["until"], "until")
        granularities.add(g)
        span = 86400.0 if g == "day" else 1.0
        until = math.nextafter(start + span, -math.inf)
    if len(granularities) > 1:
        raise OaiError("badArgument", "from and until must have the same granularity")
    if since is not None and until is not None and since > until:
        raise OaiError("badArgument", "from is after until")
    return since, until


def utc(stamp: float) -> str:
    """A datestamp at second granularity (truncated, so it round-trips through from/until)."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(math.floor(stamp)))
