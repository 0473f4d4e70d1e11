"""Precision and recall of record matching (indexer.dedup) on real records plus generated variants.

    python -m bench.dedup_eval [--originals 400] [--seed 7] [--mapper auto|local|rules]

Reads every bibliographic record in ../shared/data/marc (exact duplicates dropped: the MANIFEST
notes byte-identical copies, and MARCXML twins of ISO 2709 files). For a sample of them it makes
*positives* -- the same manifestation as another library would catalogue it -- and *negatives*
-- another edition, another volume, the same title by another author, the e-book of a print
book. Then it clusters the whole pool (real records as distractors) and prints pairwise
precision and recall against the labels, and how many print/e-book pairs were linked.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import os
import platform
import random
import re
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from indexer.dedup import cluster_records
from indexer.dedup.cluster import candidate_pairs
from indexer.dedup.keys import fold, isbn13, keys_of, normalize_title, prepare
from indexer.dedup.match import match_keys
from indexer.marc.record import NON_BIBLIOGRAPHIC_TYPES, Field, MarcRecord

ROOT = Path(__file__).resolve().parents[1]
MARC_DIR = ROOT.parent / "shared" / "data" / "marc"
ISO_SUFFIXES = {".mrc", ".dat", ".marc"}

# --- reading ----------------------------------------------------------------------------------


def _from_pymarc(rec) -> MarcRecord:
    fields = []
    for f in rec.fields:
        if f.is_control_field():
            fields.append(Field(f.tag, data=f.data or ""))
        else:
            subs = [(s.code, s.value or "") for s in f.subfields]
            fields.append(Field(f.tag, f.indicator1 or " ", f.indicator2 or " ", subs))
    return MarcRecord(leader=str(rec.leader), fields=fields)


def _pymarc_records(path: Path):
    import pymarc

    if path.suffix == ".xml":
        try:
            yield from pymarc.parse_xml_to_array(str(path))
        except Exception:  # not MARCXML (TurboMARC, broken XML): not our concern here
            return
        return
    with open(path, "rb") as fh:
        reader = pymarc.MARCReader(fh, permissive=True, to_unicode=True, utf8_handling="replace")
        while True:
            try:
                rec = next(reader)
            except StopIteration:
                return
            except Exception:
                continue
            if rec is not None:
                yield rec


def read_file(path: Path) -> list[MarcRecord]:
    """Every record pymarc can read from one ISO 2709 or MARCXML file, quietly."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        return [_from_pymarc(raw) for raw in _pymarc_records(path)]


def _content_hash(rec: MarcRecord) -> str:
    h = hashlib.sha1()
    for f in rec.fields:
        h.update(f.tag.encode())
        h.update((f.data if f.data is not None else repr((f.ind1, f.ind2, f.subfields))).encode())
    return h.hexdigest()


def load_records(marc_dir: Path) -> list[MarcRecord]:
    """Distinct bibliographic records with a title, in file order.

    Distinct twice over: byte-identical content (leader aside), and re-exports of one source
    record -- the same 001 with the same title, as when a fixture set is a subset or an edited
    copy of another. Those are true duplicates that no label would mark, so they would count
    as false merges.
    """
    files = sorted(p for p in marc_dir.iterdir() if p.suffix in ISO_SUFFIXES | {".xml"})
    seen: set[str] = set()
    out: list[MarcRecord] = []
    # pymarc prints MARC-8 conversion complaints; they are not ours to report here.
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        for path in files:
            for raw in _pymarc_records(path):
                rec = _from_pymarc(raw)
                if rec.record_type in NON_BIBLIOGRAPHIC_TYPES or rec.first("245") is None:
                    continue
                f245 = rec.first("245")
                same_source = f"{rec.control_number}|{fold(f245.text('a'))}"
                digest = _content_hash(rec)
                if digest in seen or (rec.control_number and same_source in seen):
                    continue
                seen.update((digest, same_source))
                out.append(rec)
    return out


# --- a small local mapper (the same keys as indexer.mapping produces) --------------------------

_TRIM = " /:;,=.\t"
_PAGES = re.compile(r"(\d+)\s*(?:p\b|p\.|pp\b|pages?\b|leaves\b)")
_YEAR = re.compile(r"(1[5-9]\d\d|20\d\d)")
_ISBN_RUN = re.compile(r"^\s*([0-9][0-9Xx\- ]*[0-9Xx])")
_NAME_TAGS = {
    "100": ("personal", True),
    "110": ("corporate", True),
    "111": ("meeting", True),
    "700": ("personal", False),
    "710": ("corporate", False),
    "711": ("meeting", False),
}


def _trim(s: str) -> str:
    return s.strip().rstrip(_TRIM).strip()


def _online(rec: MarcRecord) -> bool:
    f008 = rec.control("008") or ""
    f007 = rec.control("007") or ""
    links = any(f.ind2 == "0" for f in rec.get_fields("856"))
    return f007.startswith("cr") or f008[23:24] in ("o", "s", "q") or links


def local_format(rec: MarcRecord) -> str:
    kind, level = rec.record_type, rec.bib_level
    online = _online(rec)
    if kind in "at" and level in "sb":
        return "E-journal" if online else "Journal"
    table = {
        "g": "Video",
        "i": "Audio",
        "j": "Audio",
        "c": "Music score",
        "d": "Music score",
        "e": "Map",
        "f": "Map",
    }
    if kind in table:
        return table[kind]
    if kind in "at":
        if rec.first("502") is not None:
            return "Thesis"
        if rec.first("111") is not None or rec.first("711") is not None:
            return "Conference proceedings"
        return "E-book" if online else "Book"
    return "Other"


def _valid_isbn(d: str) -> bool:
    if len(d) == 10 and d[:9].isdigit() and (d[9].isdigit() or d[9] in "Xx"):
        total = sum((10 - i) * int(c) for i, c in enumerate(d[:9]))
        return (total + (10 if d[9] in "Xx" else int(d[9]))) % 11 == 0
    if len(d) == 13 and d.isdigit():
        return sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(d)) % 10 == 0
    return False


def local_map(rec: MarcRecord) -> dict:
    f245 = rec.first("245")
    isbns: list[str] = []
    for f in rec.get_fields("020"):
        for v in f.get_all("a") + f.get_all("z"):
            m = _ISBN_RUN.match(v)
            digits = m.group(1).replace("-", "").replace(" ", "") if m else ""
            if _valid_isbn(digits):  # as the mapping rules do: a bad check digit is no ISBN
                isbns.append(digits)
    f008 = rec.control("008") or ""
    year = int(f008[7:11]) if f008[7:11].isdigit() else None
    if year is None:
        for f in rec.get_fields("260", "264"):
            m = _YEAR.search(" ".join(f.get_all("c")))
            if m:
                year = int(m.group(1))
                break
    pages = [int(n) for f in rec.get_fields("300") for n in _PAGES.findall(f.text("a"))]
    authors = []
    for f in rec.get_fields(*_NAME_TAGS):
        kind, main = _NAME_TAGS[f.tag]
        name = _trim(f.text("abcdq" if kind == "personal" else "abcdn"))
        if name:
            authors.append({"name": name, "role": [], "type": kind, "main": main})
    imprint = rec.first("260") or rec.first("264")
    return {
        "control_number": rec.control_number,
        "title": _trim(f245.text("anp")) if f245 else None,
        "subtitle": _trim(f245.text("b")) if f245 else None,
        "title_parts": [_trim(v) for v in f245.values("np")] if f245 else [],
        "authors": authors,
        "publisher": _trim(imprint.text("b")) if imprint else None,
        "year": year,
        "edition": _trim(" ".join(f.text("ab") for f in rec.get_fields("250"))) or None,
        "pages": max(pages) if pages else None,
        "isbn": isbns,
        "issn": [v for f in rec.get_fields("022") for v in f.get_all("a")],
        "oclc": [v for f in rec.get_fields("035") for v in f.get_all("a") if "OCoLC" in v],
        "format": local_format(rec),
    }


def pick_mapper(name: str):
    """The real mapping rules when they load (`auto`/`rules`), else the local mapper above."""
    if name in ("auto", "rules"):
        try:
            from indexer.mapping import load_rules

            return "rules", load_rules().map
        except Exception as exc:
            if name == "rules":
                raise
            print(f"(mapping rules unavailable, using the local mapper: {exc!r:.80})")
    return "local", local_map


# --- variants ---------------------------------------------------------------------------------


def copy_record(rec: MarcRecord) -> MarcRecord:
    return MarcRecord(
        rec.leader, [Field(f.tag, f.ind1, f.ind2, list(f.subfields), f.data) for f in rec.fields]
    )


def _set_control(rec: MarcRecord, tag: str, data: str) -> None:
    for f in rec.fields:
        if f.tag == tag and f.data is not None:
            f.data = data
            return
    rec.add(Field(tag, data=data))


def _drop(rec: MarcRecord, *tags: str) -> None:
    rec.fields = [f for f in rec.fields if f.tag not in tags]
    rec._by_tag = None


def _edit(rec: MarcRecord, tag: str, codes: str, fn) -> None:
    for f in rec.get_fields(tag):
        f.subfields = [(c, fn(v) if c in codes else v) for c, v in f.subfields]


def _isbn10(d13: str) -> str:
    body = d13[3:12]
    check = (11 - sum((10 - i) * int(c) for i, c in enumerate(body)) % 11) % 11
    return body + ("X" if check == 10 else str(check))


def _random_isbn(rng: random.Random) -> str:
    first12 = "978" + "".join(rng.choice("0123456789") for _ in range(9))
    total = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(first12))
    return first12 + str((10 - total % 10) % 10)


_ABBREVIATIONS = {
    "University": "Univ.",
    "Press": "Pr.",
    "Publishers": "Pub.",
    "Company": "Co.",
    "Publishing": "Pub.",
    "Incorporated": "Inc.",
    "and": "&",
    "Limited": "Ltd.",
}
_ORDINALS = ["First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth"]


def catalogue_again(rec: MarcRecord, rng: random.Random, control: str) -> MarcRecord:
    """The same manifestation as another library would catalogue it."""
    v = copy_record(rec)
    _set_control(v, "001", control)
    if rng.random() < 0.25:
        _drop(v, "020")
    else:  # ISBN-10 for ISBN-13 or back, with and without qualifiers

        def swap(value: str) -> str:
            m = _ISBN_RUN.match(value)
            d = m.group(1).replace("-", "") if m else ""
            if len(d) == 13 and d.startswith("978"):
                d = _isbn10(d)
            elif len(d) == 10:
                d = isbn13(d) or d
            return d + rng.choice(["", " (pbk.)", " :"])

        _edit(v, "020", "a", swap)
    if rng.random() < 0.5:  # ISBD punctuation at subfield ends, one way or the other
        _edit(v, "245", "abc", lambda s: _trim(s) if rng.random() < 0.5 else _trim(s) + " :")
    if rng.random() < 0.3:
        for f in v.get_fields("245"):
            f.subfields = [(c, s) for c, s in f.subfields if c != "b"]
    elif rng.random() < 0.5:
        _edit(v, "245", "b", rng.choice([str.upper, str.lower, str.title]))
    v.add(Field("590", " ", " ", [("a", "Local copy: donated by the medical school.")]))
    v.add(Field("949", " ", " ", [("a", f"WX {rng.randint(1, 999)}"), ("l", "STACKS")]))
    f008 = v.control("008") or ""
    imprint_years = [m for f in v.get_fields("260", "264") for m in _YEAR.findall(f.text("c"))]
    if f008[7:11].isdigit() and imprint_years[:1] == [f008[7:11]] and rng.random() < 0.5:
        _set_control(v, "008", f008[:7] + "    " + f008[11:])  # year now comes from 260 $c
    if rng.random() < 0.5:
        _edit(v, "260", "b", lambda s: " ".join(_ABBREVIATIONS.get(w, w) for w in s.split()))
        _edit(v, "264", "b", lambda s: " ".join(_ABBREVIATIONS.get(w, w) for w in s.split()))
    if rng.random() < 0.5:  # author with or without dates
        for f in v.get_fields("100"):
            had_dates = any(c == "d" for c, _ in f.subfields)
            f.subfields = [(c, s) for c, s in f.subfields if c != "d"]
            if not had_dates:
                f.subfields.append(("d", "1931-"))
    if rng.random() < 0.5:
        _drop(v, "035")
    if rng.random() < 0.3:
        pages = [n for f in v.get_fields("300") for n in _PAGES.findall(f.text("a"))]
        if pages:
            _edit(v, "300", "a", lambda s: f"{max(pages, key=int)} pages")
    return v


def other_edition(rec: MarcRecord, rng: random.Random, control: str) -> MarcRecord:
    from indexer.dedup.keys import edition_number

    v = copy_record(rec)
    _set_control(v, "001", control)
    old = edition_number(" ".join(f.text("a") for f in v.get_fields("250"))) or 1
    _drop(v, "250", "035")
    v.add(
        Field(
            "250",
            " ",
            " ",
            [("a", rng.choice([f"{_ORDINALS[min(old, 7)]} edition.", f"{old + 1}. ed."]))],
        )
    )
    step = rng.randint(1, 4)
    f008 = v.control("008") or ""
    if f008[7:11].isdigit():
        _set_control(v, "008", f008[:7] + str(int(f008[7:11]) + step) + f008[11:])
    bump = lambda s: _YEAR.sub(lambda m: str(int(m.group(1)) + step), s)  # noqa: E731
    _edit(v, "260", "c", bump)
    _edit(v, "264", "c", bump)
    if v.get_fields("020"):
        _drop(v, "020")
        v.add(Field("020", " ", " ", [("a", _random_isbn(rng))]))
    return v


def _next_number(part: str) -> str:
    """'v. 1' -> 'v. 2'; a part name without a number gets one."""
    if not re.search(r"\d", part):
        return part + " 2"
    return re.sub(r"\d+", lambda m: str(int(m.group()) + 1), part)


def other_volume(rec: MarcRecord, rng: random.Random, control: str) -> MarcRecord:
    v = copy_record(rec)
    _set_control(v, "001", control)
    for f in v.get_fields("245"):
        if any(c == "n" for c, _ in f.subfields):
            f.subfields = [(c, _next_number(s) if c == "n" else s) for c, s in f.subfields]
        else:
            at = next((i + 1 for i, (c, _) in enumerate(f.subfields) if c == "a"), 0)
            f.subfields.insert(at, ("n", rng.choice(["v. 2.", "Part 2.", "Volume 3."])))
    if rng.random() < 0.5:  # half the sets share one ISBN and OCLC number across volumes
        _drop(v, "020", "035")
    return v


def other_author(rec: MarcRecord, rng: random.Random, control: str, name: str) -> MarcRecord:
    v = copy_record(rec)
    _set_control(v, "001", control)
    _drop(v, "020", "022", "035", "100", "110", "111", "700", "710", "711")
    v.add(Field("100", "1", " ", [("a", name)]))
    return v


def ebook_of(rec: MarcRecord, rng: random.Random, control: str) -> MarcRecord:
    v = copy_record(rec)
    _set_control(v, "001", control)
    f008 = (v.control("008") or "").ljust(40)
    _set_control(v, "008", f008[:23] + "o" + f008[24:])
    _set_control(v, "007", "cr |||||||||||")
    print_isbns = [s for f in v.get_fields("020") for s in f.get_all("a")]
    _drop(v, "020", "035", "300")
    v.add(
        Field(
            "020",
            " ",
            " ",
            [("a", _random_isbn(rng) + " (ebook)")]
            + [("z", s) for s in print_isbns if rng.random() < 0.7],
        )
    )
    v.add(Field("300", " ", " ", [("a", "1 online resource")]))
    v.add(Field("856", "4", "0", [("u", f"https://ebooks.example.org/{control}")]))
    return v


# --- the labelled pool and the scores ---------------------------------------------------------

NEGATIVE_KINDS = ("edition", "volume", "author", "ebook")


@dataclass
class Pool:
    records: list[tuple[str, dict]] = field(default_factory=list)
    label: dict[str, str] = field(default_factory=dict)  # record key -> manifestation id
    kind: dict[str, str] = field(default_factory=dict)  # record key -> how it was made
    ebook_pairs: list[tuple[str, str]] = field(default_factory=list)  # (print key, e-book key)

    def add(self, key: str, mapped: dict, label: str, kind: str) -> None:
        self.records.append((key, mapped))
        self.label[key] = label
        self.kind[key] = kind


def unduplicated(mapped: list[dict]) -> list[int]:
    """Records that no other real record obviously duplicates (no shared ISBN, title + year).

    Originals come only from these, so that a variant merging with a *real* record other than
    its original is a true error, not a duplicate already in the data. The test is deliberately
    simpler than the matcher's rules, so the matcher does not choose its own exam.
    """
    seen: dict[str, int] = {}
    for m in mapped:
        for k in _identity(m):
            seen[k] = seen.get(k, 0) + 1
    return [
        i
        for i, m in enumerate(mapped)
        if m.get("title") and all(seen[k] == 1 for k in _identity(m))
    ]


def _identity(m: dict) -> list[str]:
    keys = [f"i{isbn13(x)}" for x in m.get("isbn") or () if isbn13(x)]
    keys += [f"s{x}" for x in m.get("issn") or ()] + [f"o{x}" for x in m.get("oclc") or ()]
    keys.append(f"t{normalize_title(m.get('title'))}|{m.get('year')}")
    return list(dict.fromkeys(keys))


def build_pool(real: list[MarcRecord], originals: int, seed: int, mapper) -> Pool:
    rng = random.Random(seed)
    pool = Pool()
    keys = [f"R{i:05d}:{rec.control_number or ''}" for i, rec in enumerate(real)]
    for key, rec in zip(keys, real, strict=True):
        pool.add(key, mapper(rec), key, "real")
    surnames = sorted({_trim(f.text("a")).split(",")[0] for r in real for f in r.get_fields("100")})
    candidates = unduplicated([m for _, m in pool.records])
    taken: dict[str, set[int]] = {}
    for j, (_, m) in enumerate(pool.records):
        for k in _identity(m):
            taken.setdefault(k, set()).add(j)
    chosen = rng.sample(candidates, min(originals, len(candidates)))
    for n, i in enumerate(sorted(chosen)):
        rec, label = real[i], keys[i]
        for lib in range(rng.randint(1, 3)):  # one to three other libraries hold it too
            key = f"L{lib + 1}:v{n}"
            pool.add(key, mapper(catalogue_again(rec, rng, f"v{n}")), label, "positive")
        kind = NEGATIVE_KINDS[n % len(NEGATIVE_KINDS)]
        key = f"N{kind}:{n}"
        if kind == "edition":
            neg = other_edition(rec, rng, f"n{n}")
        elif kind == "volume":
            neg = other_volume(rec, rng, f"n{n}")
        elif kind == "author":
            neg = other_author(rec, rng, f"n{n}", rng.choice(surnames) + ", Alex")
        else:
            if pool.records[i][1].get("format") != "Book":
                continue
            neg = ebook_of(rec, rng, f"n{n}")
        mapped = mapper(neg)
        if any(taken.get(k, {i}) != {i} for k in _identity(mapped)):
            continue  # the "other" volume or edition is in the data already: not a negative
        pool.add(key, mapped, key, kind)
        if kind == "ebook":
            pool.ebook_pairs.append((keys[i], key))
    return pool


@dataclass
class Scores:
    """Pairwise scores over *labelled* pairs: those with at least one generated record.

    Two real records merged with each other are not scored (nobody labelled them; the shared
    data holds real duplicates, such as one Pride and prejudice in several libraries' exports):
    they are counted in `real_pairs_merged` and listed for a person to judge.
    """

    true_pairs: int
    predicted_pairs: int
    correct_pairs: int
    real_pairs_merged: int
    wrong_merges: dict[str, int]  # by kind of the wrongly merged record
    missed: list[tuple[str, str]]
    false: list[tuple[str, str, str]]
    real_merges: list[tuple[str, str, str]]
    ebooks: int
    ebooks_linked: int
    unlinked_ebooks: list[tuple[str, str]]  # (print key, e-book key)

    @property
    def precision(self) -> float:
        return self.correct_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.correct_pairs / self.true_pairs if self.true_pairs else 1.0


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def score(pool: Pool, clusters) -> Scores:
    cluster_of = {key: c for c in clusters for key in c.keys}
    by_label: dict[str, list[str]] = {}
    for key, label in pool.label.items():
        by_label.setdefault(label, []).append(key)
    predicted = correct = real_pairs = 0
    wrong: dict[str, int] = {}
    false: list[tuple[str, str, str]] = []
    real_merges: list[tuple[str, str, str]] = []
    for c in clusters:
        reals = [k for k in c.keys if pool.kind[k] == "real"]
        real_pairs += _pairs(len(reals))
        predicted += _pairs(len(c.members)) - _pairs(len(reals))
        groups: dict[str, list[tuple[str, str]]] = {}
        for key, reason in c.members:
            groups.setdefault(pool.label[key], []).append((key, reason))
        correct += sum(_pairs(len(g)) for g in groups.values())
        generated = [g for g in groups.values() if any(pool.kind[k] != "real" for k, _ in g)]
        if len(groups) > 1 and generated:
            for g in generated[1:] if len(generated) == len(groups) else generated:
                for key, reason in g:
                    wrong[pool.kind[key]] = wrong.get(pool.kind[key], 0) + 1
                    other = next(k for k in c.keys if pool.label[k] != pool.label[key])
                    false.append((other, key, reason))
        elif len(reals) > 1:
            real_merges.extend((c.keys[0], k, r) for k, r in c.members[1:])
    missed = [
        (keys[0], key)
        for keys in by_label.values()
        for key in keys[1:]
        if cluster_of[key] is not cluster_of[keys[0]]
    ]
    unlinked = [
        (print_key, ebook_key)
        for print_key, ebook_key in pool.ebook_pairs
        if cluster_of[ebook_key].cluster_id not in cluster_of[print_key].other_formats
    ]
    true = sum(_pairs(len(k)) for k in by_label.values())
    return Scores(
        true,
        predicted,
        correct,
        real_pairs,
        wrong,
        missed,
        false,
        real_merges,
        len(pool.ebook_pairs),
        len(pool.ebook_pairs) - len(unlinked),
        unlinked,
    )


def evaluate(
    marc_dir: Path, originals: int, seed: int, mapper: str = "auto", real=None
) -> tuple[Scores, Pool, dict[str, float], str]:
    """Build the pool, cluster it and score it: (scores, pool, timings, mapper used).

    `real`: records already read by `load_records` (tests read them once for several runs).
    """
    timings = {}
    started = time.perf_counter()
    real = load_records(marc_dir) if real is None else real
    timings["read"] = time.perf_counter() - started
    used, map_fn = pick_mapper(mapper)
    started = time.perf_counter()
    pool = build_pool(real, originals, seed, map_fn)
    timings["map+variants"] = time.perf_counter() - started
    started = time.perf_counter()
    clusters = cluster_records(pool.records)
    timings["cluster"] = time.perf_counter() - started
    timings.update(_unit_costs([m for _, m in pool.records]))
    return score(pool, clusters), pool, timings, used


def _unit_costs(mapped: list[dict]) -> dict[str, float]:
    """Microseconds per record for prepare + blocking keys, and per candidate pair for match."""
    started = time.perf_counter()
    prepared = [prepare(m) for m in mapped]
    for keys in prepared:
        keys_of(keys)
    per_record = (time.perf_counter() - started) / max(1, len(mapped))
    pairs = candidate_pairs(prepared)
    started = time.perf_counter()
    for i, j in pairs:
        match_keys(prepared[i], prepared[j])
    per_pair = (time.perf_counter() - started) / max(1, len(pairs))
    return {"us/record keys": per_record * 1e6, "us/pair match": per_pair * 1e6}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--originals", type=int, default=400, help="records given variants")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--mapper", choices=["auto", "local", "rules"], default="auto")
    parser.add_argument("--marc-dir", type=Path, default=MARC_DIR)
    parser.add_argument("--show", type=int, default=10, help="errors to list")
    parser.add_argument("--no-write", action="store_true", help="leave docs/benchmarks.md alone")
    args = parser.parse_args(argv)
    if not args.marc_dir.is_dir():
        print(f"no MARC data at {args.marc_dir}", file=sys.stderr)
        return 2
    s, pool, timings, used = evaluate(args.marc_dir, args.originals, args.seed, args.mapper)
    kinds: dict[str, int] = {}
    for kind in pool.kind.values():
        kinds[kind] = kinds.get(kind, 0) + 1
    print(
        f"\nPool: {len(pool.records)} records ({', '.join(f'{k} {n}' for k, n in kinds.items())})"
        f"; mapper: {used}; seed {args.seed}\n"
    )
    print("| measure | value |\n|---|---|")
    print(f"| labelled duplicate pairs | {s.true_pairs} |")
    print(f"| pairs merged | {s.predicted_pairs} |")
    print(f"| pairs merged correctly | {s.correct_pairs} |")
    print(f"| pairwise precision | {s.precision:.4f} |")
    print(f"| pairwise recall | {s.recall:.4f} |")
    print(f"| print/e-book pairs linked (not merged) | {s.ebooks_linked}/{s.ebooks} |")
    print(f"| real-with-real pairs merged (unlabelled, not scored) | {s.real_pairs_merged} |")
    for kind in ("real", "positive", *NEGATIVE_KINDS):
        print(f"| records wrongly merged: {kind} | {s.wrong_merges.get(kind, 0)} |")
    for step, value in timings.items():
        label = step if step.startswith("us/") else f"seconds: {step}"
        print(f"| {label} | {value:.1f} |")
    print(
        f"\nMachine: {platform.platform()}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs"
    )
    mapped = dict(pool.records)
    for anchor, key, reason in s.false[: args.show]:
        print(f"\nWRONG {key} into {anchor}: {reason}\n  {_brief(mapped[anchor])}")
        print(f"  {_brief(mapped[key])}")
    for anchor, key, reason in s.real_merges[: args.show]:
        print(f"\nREAL {key} with {anchor}: {reason}\n  {_brief(mapped[anchor])}")
        print(f"  {_brief(mapped[key])}")
    for a, b in s.missed[: args.show]:
        print(f"\nMISSED {a} ~ {b}\n  {_brief(mapped[a])}\n  {_brief(mapped[b])}")
    if not args.no_write:
        from bench.load_bench import machine
        from bench.report import record_row

        record_row(
            "Deduplication precision and recall",
            machine(),
            {
                "records": f"{args.originals} originals, seed {args.seed}",
                "pool": len(pool.records),
                "mapper": used,
                "labelled_pairs": s.true_pairs,
                "merged_pairs": s.predicted_pairs,
                "precision": round(s.precision, 4),
                "recall": round(s.recall, 4),
                "ebooks_linked": f"{s.ebooks_linked}/{s.ebooks}",
            },
        )
    return 0


def _brief(m: dict) -> str:
    keep = ("title", "subtitle", "title_parts", "year", "edition", "pages", "isbn", "format")
    authors = [a["name"] for a in m.get("authors") or []][:1]
    return repr({k: m.get(k) for k in keep} | {"author": authors})


if __name__ == "__main__":
    raise SystemExit(main())
