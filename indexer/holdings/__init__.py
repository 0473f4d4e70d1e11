"""Holdings: a member library's item fields (Koha 952, Sirsi 999, MARC 852...) as holding dicts.

Each holding is a dict with the keys in `HOLDING_FIELDS`; `status` is one of `STATUSES` and
`public` is False for lost, missing and withdrawn copies (kept out of public display).
Profiles are data in `schemas/holdings/<name>.toml`; "auto" picks one per record.
"""

from indexer.holdings.extract import detect_profile, extract_holdings
from indexer.holdings.profile import (
    AUTO,
    HOLDING_FIELDS,
    STATUSES,
    HoldingsProfile,
    available_profiles,
    clear_profile_cache,
    load_profile,
)

# The profiles shipped in schemas/holdings/ ("auto" chooses among the others per record).
PROFILES: tuple[str, ...] = ("koha952", "marc852", "sirsi999", "iii945", "unicorn949", AUTO)

__all__ = [
    "AUTO",
    "HOLDING_FIELDS",
    "PROFILES",
    "STATUSES",
    "HoldingsProfile",
    "available_profiles",
    "clear_profile_cache",
    "detect_profile",
    "extract_holdings",
    "load_profile",
]
