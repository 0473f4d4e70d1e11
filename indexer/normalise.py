"""Normal forms shared by indexing and searching: titles, ISBNs, ISSNs.

The document builder and the query parser both use these, so what is indexed and what a reader
types always meet in the same form.
"""

from __future__ import annotations

import re
import unicodedata

from stdnum import isbn as stdnum_isbn
from stdnum import issn as stdnum_issn

# Every ASCII character that is not a letter or digit becomes a space.
_ASCII_NON_WORD = str.maketrans({chr(i): " " for i in range(128) if not chr(i).isalnum()})


def fold(text: str) -> str:
    """Lower case without accents: the comparison form of titles and names."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def normalise_title(text: str) -> str:
    """The `title_exact` form: folded, punctuation to spaces, spaces collapsed. Idempotent."""
    if text.isascii():
        return " ".join(text.lower().translate(_ASCII_NON_WORD).split())
    return " ".join("".join(c if c.isalnum() else " " for c in fold(text)).split())


def isbn_forms(text: str, *, strict: bool = True) -> tuple[str, ...]:
    """Digits-only ISBN-13 and ISBN-10 forms of `text` (hyphens and spaces allowed).

    strict: the check digit must be right (used to recognise a bare token as an ISBN).
    Not strict: any 10- or 13-character compact form is searched as typed.
    """
    compact = re.sub(r"[\s\-]", "", text).upper()
    if re.fullmatch(r"\d{9}[\dX]", compact):
        if stdnum_isbn.is_valid(compact):
            return (stdnum_isbn.to_isbn13(compact), compact)
        return () if strict else (compact,)
    if re.fullmatch(r"97[89]\d{10}", compact):
        valid = stdnum_isbn.is_valid(compact)
        if valid and compact.startswith("978"):
            return (compact, stdnum_isbn.to_isbn10(compact))
        if valid or not strict:
            return (compact,)
    if not strict and re.fullmatch(r"\d{13}", compact):
        return (compact,)
    return ()


def issn_form(text: str, *, strict: bool = True) -> str | None:
    """The NNNN-NNNC form of an ISSN, or None. strict: the check digit must be right."""
    compact = re.sub(r"[\s\-]", "", text).upper()
    if not re.fullmatch(r"\d{7}[\dX]", compact):
        return None
    if strict and not stdnum_issn.is_valid(compact):
        return None
    return f"{compact[:4]}-{compact[4:]}"
