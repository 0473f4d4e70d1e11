"""Where the demo's made-up libraries are and how readers reach them (libraries.toml's address,
hours, phone, email, website, request and ask keys), so the demo's library pages look real.

Telephone numbers are from Ofcom's range kept for drama (01632 960000 to 960999); web and email
addresses are under example.nhs.uk; the streets and postcodes are invented.
"""

from __future__ import annotations

import random

# code -> (building and street, town, postcode)
PLACES = {
    "RDE": ("Royal Devon and Exeter Hospital, Barrack Road", "Exeter", "EX2 5DW"),
    "NMH": ("Northmoor General Hospital, Moor Lane", "Northmoor", "NM4 2QR"),
    "KVH": ("Kingsvale Education Centre, Vale Road", "Kingsvale", "TQ9 7HX"),
    "WMC": ("Marsh House, Lowfield Road", "West Marsh", "WM1 3BE"),
    "STL": ("St Luke's Hospital, Cathedral Street", "London", "SE1 9ZZ"),
    "BRT": ("Royal Infirmary, Infirmary Square", "Brackenridge", "BR2 8TH"),
    "ASH": ("Ashbourne General Hospital, Station Road", "Ashbourne", "DE6 9ZZ"),
    "HWP": ("Harwell Point Health Centre, Quay Street", "Harwell Point", "HP3 4QQ"),
    "CLV": ("Fernlea, Calverley Park", "Calverley", "LS28 9ZZ"),
    "TYN": ("Queen Elizabeth Hospital, Tyne Road", "Tynemead", "NE9 6ZZ"),
    "GWH": ("Greywater Hospital, Harbour Hill", "Greywater", "PL7 1ZZ"),
    "LMK": ("Lindmark Women's and Children's Hospital, Orchard Way", "Lindmark", "LM2 5ZZ"),
}
# Sites away from their library's main hospital: site code -> (building and street, town, postcode)
SITE_PLACES = {
    "RDENDD": ("North Devon District Hospital, Raleigh Park", "Barnstaple", "EX31 4JB"),
    "BRTMOO": ("Moorside Hospital, Moorside Lane", "Brackenridge", "BR5 1MH"),
}
LIBRARY_HOURS = (
    "Staffed Monday to Friday, 8:30 to 17:00",
    "Open to NHS staff 24 hours a day with an ID badge",
)
SITE_HOURS = (("Monday to Thursday", "9:00 to 17:00"), ("Friday", "9:00 to 16:30"))


def _toml(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _array(values) -> str:
    return "[" + ", ".join(_toml(v) for v in values) + "]"


def library_lines(code: str, index: int) -> list[str]:
    """The detail keys of library number `index` (from 0), the same whatever the seed."""
    street, town, postcode = _place(code)
    web = f"https://library.{code.lower()}.example.nhs.uk"
    email = f"library@{code.lower()}.example.nhs.uk"
    return [
        f"address = {_array([street, f'{town} {postcode}'])}",
        f"hours = {_array(LIBRARY_HOURS)}",
        f'phone = "01632 960{100 + index * 10:03d}"',
        f"email = {_toml(email)}",
        f"website = {_toml(web + '/')}",
        f"request_url = {_toml(web + '/request-an-item')}",
        f"ask_url = {_toml(web + '/ask-a-librarian')}",
    ]


def site_tables(code: str, index: int, sites) -> list[str]:
    """[library.sites]: the first (main) site by name only, the others with details of their
    own: a hospital of their own, shorter hours and an extension."""
    _, town, postcode = _place(code)
    lines = ["[library.sites]", f"{sites[0][0]} = {_toml(sites[0][1])}"]
    for n, (site, name) in enumerate(sites[1:], start=1):
        street, there, code_there = SITE_PLACES.get(
            site, (name, town, f"{postcode[:-3]}{n + 1}{postcode[-2:]}")
        )
        lines += [
            "",
            f"[library.sites.{site}]",
            f"name = {_toml(name)}",
            f"address = {_array([street, f'{there} {code_there}'])}",
            "hours = { "
            + ", ".join(f"{_toml(days)} = {_toml(times)}" for days, times in SITE_HOURS)
            + " }",
            f'phone = "01632 960{100 + index * 10 + n:03d}"',
        ]
    return lines


def _place(code: str) -> tuple[str, str, str]:
    if code in PLACES:
        return PLACES[code]
    rng = random.Random(f"lantern-bench-place:{code}")
    town = code[:2].title() + rng.choice(("ford", "ley", "bury", "ton"))
    return (
        f"{town} General Hospital, {rng.choice(('Church', 'Mill', 'Park'))} Road",
        town,
        f"{code[:2]}{rng.randint(1, 9)} {rng.randint(1, 9)}ZZ",
    )
