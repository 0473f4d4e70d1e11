"""Items for a library's copy of a print title: Koha 952 fields, or MARC 852 holdings + 876 items.

1-3 items a record; about 20% on loan with a due date, a few reference-only, a very few lost,
missing or withdrawn. E-books get no items (their 856 is the holding).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from indexer.marc.record import Field
from lantern.sample.consortium import SHELVING, LibraryProfile
from lantern.sample.records import AS_OF, ItemTally, data_field, date_between
from lantern.sample.titles import Manifestation

STATUS_AVAILABLE, STATUS_ON_LOAN, STATUS_REFERENCE = "available", "on loan", "reference"
STATUS_LOST, STATUS_MISSING, STATUS_WITHDRAWN = "lost", "missing", "withdrawn"

# Koha authorised values: LOST 1 = Lost, 4 = Missing; WITHDRAWN 1; NOT_LOAN 1 = Reference.
_KOHA_LOST = {STATUS_LOST: "1", STATUS_MISSING: "4"}
_STATUS_TEXT_852 = {
    STATUS_AVAILABLE: "Available",
    STATUS_ON_LOAN: "On loan",
    STATUS_REFERENCE: "Not for loan",
    STATUS_LOST: "Lost",
    STATUS_MISSING: "Missing",
    STATUS_WITHDRAWN: "Withdrawn",
}


def _status(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.20:
        return STATUS_ON_LOAN
    if roll < 0.24:
        return STATUS_REFERENCE
    if roll < 0.246:
        return STATUS_LOST
    if roll < 0.251:
        return STATUS_MISSING
    if roll < 0.255:
        return STATUS_WITHDRAWN
    return STATUS_AVAILABLE


def _location(rng: random.Random, m: Manifestation, status: str) -> str:
    if status == STATUS_REFERENCE:
        return "REF"
    if m.year >= AS_OF.year - 1 and rng.random() < 0.3:
        return "NEW"
    if m.year < 2005 and rng.random() < 0.4:
        return "STORE"
    return "SL" if rng.random() < 0.08 else "GEN"


def _class_mark(lib: LibraryProfile, m: Manifestation) -> str:
    return m.work.topic.nlm if lib.classification == "nlm" else m.work.topic.dewey


def item_fields(
    rng: random.Random,
    m: Manifestation,
    lib: LibraryProfile,
    seq: int,
    cutter: str,
    tally: ItemTally,
) -> list[Field]:
    count = rng.choices((1, 2, 3), weights=(6, 3, 1))[0]
    site_weights = [3] + [1] * (len(lib.sites) - 1)  # the main site holds most
    items = []
    for n in range(count):
        site = rng.choices(lib.sites, weights=site_weights)[0][0]
        status = _status(rng)
        acquired = date_between(rng, date(m.year, 1, 1))
        due = AS_OF + timedelta(days=rng.randint(-10, 28)) if status == STATUS_ON_LOAN else None
        # seq*4+n is unique in the library: at most 3 items a record.
        items.append((site, status, _location(rng, m, status), acquired, due, seq * 4 + n))
        tally.items += 1
        tally.on_loan += status == STATUS_ON_LOAN
    if lib.holdings == "koha952":
        return [_koha_item(lib, m, cutter, *item) for item in items]
    return _marc_holdings(lib, m, cutter, items)


def _koha_item(lib, m, cutter, site, status, location, acquired, due, item_number) -> Field:
    parts = []
    if status == STATUS_WITHDRAWN:
        parts.append(("0", "1"))
    if status in _KOHA_LOST:
        parts.append(("1", _KOHA_LOST[status]))
    parts.append(("7", "1" if status == STATUS_REFERENCE else "0"))
    parts.append(("8", m.work.topic.collection))
    parts.append(("9", str(item_number + 1)))
    parts += [("a", site), ("b", site), ("c", location), ("d", acquired.isoformat())]
    parts.append(("o", f"{_class_mark(lib, m)} {cutter}"))
    parts.append(("p", f"{lib.code}{item_number + 1:08d}"))
    if due:
        parts.append(("q", due.isoformat()))
    item_type = {"REF": "REF", "SL": "SL"}.get(location, "BK")
    parts.append(("y", item_type))
    return data_field("952", "  ", *parts)


def _marc_holdings(lib, m, cutter, items) -> list[Field]:
    """One 852 per site ($b, a code from libraries.toml's sites), each followed (linked by $8)
    by an 876 for each of its items."""
    scheme = "2" if lib.classification == "nlm" else "1"  # 852 ind1: 2 NLM, 1 Dewey
    by_site: dict[str, list] = {}
    for item in items:
        by_site.setdefault(item[0], []).append(item)
    holdings, item_info = [], []
    for link, (site, site_items) in enumerate(by_site.items(), start=1):
        location = site_items[0][2]
        holdings.append(
            data_field(
                "852",
                scheme + " ",
                ("8", str(link)),
                ("a", f"Uk{lib.code}"),  # MARC 21: $a institution, $b sublocation (our site)
                ("b", site),
                ("c", SHELVING[location]),
                ("h", _class_mark(lib, m)),
                ("i", cutter),
            )
        )
        for copy, (_, status, _, acquired, due, item_number) in enumerate(site_items, start=1):
            parts = [
                ("8", f"{link}.{copy}"),
                ("a", str(900_000 + item_number)),
                ("d", acquired.isoformat()),
                ("j", _STATUS_TEXT_852[status]),
                ("p", f"{item_number + 1:012d}"),
                ("t", str(copy)),
            ]
            if due:
                parts.append(("z", f"Due {due.isoformat()}"))
            item_info.append(data_field("876", "  ", *parts))
    return holdings + item_info
