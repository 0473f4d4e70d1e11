"""Do two mapped records describe the same manifestation? A decision, its rule and a reason.

The rules follow NatLibFi RecordManager: a shared ISBN-13, ISSN or OCLC number makes two
records candidates, and so does an equal title key (title + first author surname + year +
format). Guards then refuse a candidate whose format, edition, volume/part, year or extent
clearly differ, even when an identifier is shared: libraries reuse the ISBN of the first
edition for the second, and a multi-volume set shares one ISBN across volumes.

Choices (documented here because they are policy, not accident):
- Year: a shared identifier allows +-1 year (reprints; 008 date vs 260 copyright date);
  a key-only match needs the same year, since the title key holds it. Serials skip the
  year guard: their year is the start of publication, catalogued inconsistently.
- Edition: numbers are compared ('2nd ed.' = 'Second edition' = '2. Aufl.'); statements
  without numbers are compared as text ('Rev. ed.' = 'Revised edition' != 'New edition'); a
  record stating edition 2 or later does not match one with no edition statement at all.
- Subtitles: a missing subtitle never refuses a match (libraries drop them); two present
  ones must agree up to a few edits.
- ISBNs: two records that both carry ISBNs but share none are different manifestations
  (hardback vs paperback, or editions), whatever else they share.
- Key-only matches (no shared identifier) need title similarity >= 0.9 with the same numbers
  in the title, and author similarity >= 0.8; without any author the titles must be equal
  and so must the publishers, where both records name one ("Annual report" of one trust is
  not another trust's). Publishers are compared word by word, each word of the shorter name
  beginning a word of the other ('Univ. of Chicago Pr.' = 'University of Chicago Press').
- Print vs online never merge; when title and author (or an identifier and the title) agree
  they are *linked* instead (rule "other-format"), so the catalogue can say "also available
  as an e-book". An authorless pair with no shared identifier is not linked.
"""

from __future__ import annotations

from dataclasses import dataclass

from indexer.dedup.keys import SERIAL_FORMATS, MatchKeys, prepare

# Levenshtein ratios (1 - distance / longer length) over normalised text.
TITLE_SIMILARITY = 0.9  # key-only matches
AUTHOR_SIMILARITY = 0.8
# With a shared identifier the title only has to confirm it (typo-tolerant, catches a reused
# or mistyped ISBN on an unrelated book).
IDENTIFIER_TITLE_SIMILARITY = 0.7
SUBTITLE_MAX_EDITS = 4
EDITION_SIMILARITY = 0.8  # edition statements without numbers ('revised edition')
PAGE_TOLERANCE = 0.1  # relative difference of page counts still taken as the same extent
PAGE_SLACK = 4  # absolute pages always tolerated ("xii, 230 p." counted as 230 or 234)

# Rules named in decisions.
ISBN, ISSN, OCLC, TITLE_KEY = "isbn", "issn", "oclc", "title-key"
OTHER_FORMAT = "other-format"
NO_MATCH = "no-match"
ALWAYS_MERGE, NEVER_MERGE = "override-always", "override-never"


@dataclass(frozen=True, slots=True)
class Decision:
    """`same`: merge the two records. `rule`: which rule or guard decided. `reason`: for people."""

    same: bool
    rule: str
    reason: str

    @property
    def linked(self) -> bool:
        """Not the same manifestation, but the same work in another format."""
        return self.rule == OTHER_FORMAT


def levenshtein(a: str, b: str) -> int:
    """Edit distance, by Myers/Hyyro's bit-parallel algorithm: one pass over the longer string."""
    if a == b:
        return 0
    if len(a) < len(b):
        a, b = b, a
    m = len(b)
    if m == 0:
        return len(a)
    peq: dict[str, int] = {}
    bit = 1
    for c in b:
        peq[c] = peq.get(c, 0) | bit
        bit <<= 1
    # No masking to m bits: every operation below (and, or, xor, not, +, <<) makes bit i of
    # its result from bits <= i of its operands, so stray high bits never reach bit m-1.
    last = 1 << (m - 1)
    pv, mv, score = -1, 0, m
    get = peq.get
    for c in a:
        eq = get(c, 0)
        xv = eq | mv
        xh = (((eq & pv) + pv) ^ pv) | eq
        ph = mv | ~(xh | pv)
        mh = pv & xh
        if ph & last:
            score += 1
        elif mh & last:
            score -= 1
        ph = (ph << 1) | 1
        pv = (mh << 1) | ~(xv | ph)
        mv = ph & xv
    return score


def similarity(a: str, b: str) -> float:
    """1 - edit distance / length of the longer string (1.0 for equal strings)."""
    if a == b:
        return 1.0
    longer = max(len(a), len(b))
    return 1.0 - levenshtein(a, b) / longer


def _similar(a: str, b: str, threshold: float) -> bool:
    if a == b:
        return True
    longer = max(len(a), len(b))
    # The length difference alone is a lower bound of the distance: skip the full computation.
    if abs(len(a) - len(b)) > (1.0 - threshold) * longer:
        return False
    return 1.0 - levenshtein(a, b) / longer >= threshold


def _numbers(text: str) -> list[str]:
    """The numbers in a title ('Annual report 1990'): one differing number is a different item."""
    return [w for w in text.split() if w.isdigit()] if any(c.isdigit() for c in text) else []


def _titles_confirm(a: MatchKeys, b: MatchKeys) -> bool:
    """Loose title check behind a shared identifier; one title may carry the subtitle too."""
    if not a.title or not b.title:
        return False
    shorter, longer = sorted((a.title, b.title), key=len)
    if longer.startswith(shorter) and len(shorter) >= 4:
        return True
    return _similar(a.title, b.title, IDENTIFIER_TITLE_SIMILARITY)


def _subtitles_agree(a: MatchKeys, b: MatchKeys) -> bool:
    """A missing subtitle agrees with any; two given ones may differ only by a typo or two.

    An edit budget, not a ratio: data sets and pamphlet series repeat one long subtitle with
    a single word changed ("...Commodity: BARLEY..." vs "...Commodity: COTTON..."), which a
    ratio over 200 characters would call the same.
    """
    if not a.subtitle or not b.subtitle or a.subtitle == b.subtitle:
        return True
    shorter, longer = sorted((a.subtitle, b.subtitle), key=len)
    if longer.startswith(shorter):
        return True
    budget = max(1, min(SUBTITLE_MAX_EDITS, len(shorter) // 10))
    return len(longer) - len(shorter) <= budget and levenshtein(shorter, longer) <= budget


def _publishers_agree(a: MatchKeys, b: MatchKeys) -> bool:
    """A missing publisher agrees with any (libraries drop it); otherwise every word of the
    shorter name must begin a word of the other, or be begun by one (abbreviations)."""
    if not a.publisher or not b.publisher or a.publisher == b.publisher:
        return True
    shorter, longer = sorted((a.publisher, b.publisher), key=len)
    return all(any(w.startswith(x) or x.startswith(w) for w in longer) for x in shorter)


def _authors_agree(a: MatchKeys, b: MatchKeys) -> bool:
    if a.author == b.author:
        return True
    if not a.author or not b.author or a.surname != b.surname:
        return False
    if _similar(a.author, b.author, AUTHOR_SIMILARITY):
        return True
    # "smith j" vs "smith john": the forenames agree as far as the shorter one goes.
    fa, fb = a.author[len(a.surname) :].split(), b.author[len(b.surname) :].split()
    return all(x.startswith(y) or y.startswith(x) for x, y in zip(fa, fb, strict=False))


def _edition_conflict(a: MatchKeys, b: MatchKeys) -> str | None:
    ea, eb = a.edition, b.edition
    if ea is not None and eb is not None:
        return None if ea == eb else f"edition differs: {ea} vs {eb}"
    if a.edition_text and b.edition_text:
        if _similar(a.edition_text, b.edition_text, EDITION_SIMILARITY):
            return None
        return f"edition differs: '{a.edition_text}' vs '{b.edition_text}'"
    if ea is not None and ea >= 2 and not b.edition_text:
        return f"edition differs: {ea} vs none stated"
    if eb is not None and eb >= 2 and not a.edition_text:
        return f"edition differs: none stated vs {eb}"
    return None


def _pages_conflict(a: MatchKeys, b: MatchKeys) -> str | None:
    pa, pb = a.pages, b.pages
    if not pa or not pb or pa == pb:
        return None
    diff = abs(pa - pb)
    if diff <= PAGE_SLACK or diff <= PAGE_TOLERANCE * max(pa, pb):
        return None
    return f"page count differs: {pa} vs {pb}"


def guard_conflict(a: MatchKeys, b: MatchKeys) -> tuple[str, str] | None:
    """Why two records must stay apart whatever they share, as (rule, reason); else None.

    Clustering also runs this between a newcomer and every member of a cluster, so that
    A~B and B~C never pull A and C together when A and C conflict.
    """
    if a.format != b.format:
        return "format", f"format differs: {a.format} vs {b.format}"
    if a.isbns and b.isbns and a.isbns.isdisjoint(b.isbns):
        return "isbn-differs", "ISBNs differ: " + min(a.isbns) + " vs " + min(b.isbns)
    if a.issns and b.issns and a.issns.isdisjoint(b.issns):
        return "issn-differs", "ISSNs differ: " + min(a.issns) + " vs " + min(b.issns)
    if (a.issns and not a.isbns and b.isbns and not b.issns) or (
        b.issns and not b.isbns and a.isbns and not a.issns
    ):
        return "issn-isbn", "ISSN vs ISBN conflict: one is a serial, the other a monograph"
    reason = _edition_conflict(a, b)
    if reason:
        return "edition", reason
    if a.parts != b.parts:
        shown = [" ".join(p) or "none" for p in (a.parts, b.parts)]
        return "volume", f"volume/part differs: {shown[0]} vs {shown[1]}"
    if (
        a.year is not None
        and b.year is not None
        and abs(a.year - b.year) > 1
        and a.format not in SERIAL_FORMATS
    ):
        return "year", f"year differs: {a.year} vs {b.year}"
    reason = _pages_conflict(a, b)
    if reason:
        return "pages", reason
    return None


def _shared_identifier(a: MatchKeys, b: MatchKeys) -> tuple[str, str] | None:
    for rule, label, ours, theirs in (
        (ISBN, "ISBN", a.isbns, b.isbns),
        (ISSN, "ISSN", a.issns, b.issns),
        (OCLC, "OCLC number", a.oclcs, b.oclcs),
    ):
        if ours and theirs:
            shared = ours & theirs
            if shared:
                return rule, f"{label} {min(shared)}"
    return None


def _other_format(a: MatchKeys, b: MatchKeys, identifier: tuple[str, str] | None) -> Decision:
    """Two formats of one work are linked when title and author (or an identifier) agree."""
    refused = Decision(False, "format", f"format differs: {a.format} vs {b.format}")
    if a.parts != b.parts or _edition_conflict(a, b):
        return refused
    if identifier is not None and _titles_confirm(a, b):
        why = f"{identifier[1]} and title shared"
    elif a.surname and _authors_agree(a, b) and _similar(a.title, b.title, TITLE_SIMILARITY):
        why = "same title and author"
    else:
        return refused
    return Decision(False, OTHER_FORMAT, f"{why}, other format: {a.format} vs {b.format}")


def match_keys(a: MatchKeys, b: MatchKeys) -> Decision:
    """`match` on prepared keys (what a loader keeps per record to avoid re-normalising)."""
    identifier = _shared_identifier(a, b)
    if a.format != b.format:
        return _other_format(a, b, identifier)
    guard = guard_conflict(a, b)
    if identifier is not None:
        rule, label = identifier
        if guard is not None:
            return Decision(False, guard[0], f"{label} shared but {guard[1]}")
        if not _titles_confirm(a, b):
            return Decision(False, "title", f"{label} shared but titles differ")
        if not _subtitles_agree(a, b):
            return Decision(False, "subtitle", f"{label} shared but subtitles differ")
        return Decision(True, rule, f"{label} and title match")
    if guard is not None:
        return Decision(False, guard[0], guard[1])
    if not a.title or a.year != b.year or a.surname != b.surname:
        return Decision(False, NO_MATCH, "no shared identifier and title keys differ")
    if not _similar(a.title, b.title, TITLE_SIMILARITY) or _numbers(a.title) != _numbers(b.title):
        return Decision(False, "title", "no shared identifier and titles differ")
    if not a.author and a.title != b.title:
        # Without author or identifier a title is all there is: "Report 1" vs "Report 2",
        # or two test records a word apart, are not one book.
        return Decision(False, "title", "no author, no shared identifier and titles differ")
    if not _authors_agree(a, b):
        return Decision(False, "author", "no shared identifier and authors differ")
    if not _subtitles_agree(a, b):
        return Decision(False, "subtitle", "no shared identifier and subtitles differ")
    if not a.author and not _publishers_agree(a, b):
        return Decision(False, "publisher", "no author, no shared identifier and publishers differ")
    if not a.author:
        why = "title, year and format match (no author, no shared identifier)"
    else:
        why = "title, author, year and format match (no shared identifier)"
    return Decision(True, TITLE_KEY, why)


def match(a: dict | MatchKeys, b: dict | MatchKeys) -> Decision:
    """Whether two mapped records (or their prepared `MatchKeys`) are the same manifestation."""
    ka = a if isinstance(a, MatchKeys) else prepare(a)
    kb = b if isinstance(b, MatchKeys) else prepare(b)
    return match_keys(ka, kb)
