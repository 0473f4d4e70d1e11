"""A delta load gives the documents a rebuild from the store gives, on every field, so that
`lantern reindex` after any sequence of loads changes nothing (the README's promise: the same
records give the same documents whatever order libraries load in)."""

from __future__ import annotations

import pymarc
from pymarc import Field, Subfield

from indexer.load.reindex import reindex
from indexer.load.runner import load_libraries
from indexer.settings import load_settings
from lantern.sample.generate import generate_consortium
from tests.conftest import write_libraries
from tests.test_union import documents


def book(control: str, title: str, year: str, isbn: str, author: str | None, online: bool):
    record = pymarc.Record(leader="00000nam a2200000 a 4500")
    form = "o" if online else " "
    record.add_field(
        Field(tag="001", data=control),
        Field(tag="008", data=f"200101s{year}    enk    {form}     000 0 eng d"),
        Field(tag="020", indicators=[" ", " "], subfields=[Subfield("a", isbn)]),
    )
    if online:
        record.add_field(Field(tag="007", data="cr |||||||||||"))
    if author:
        record.add_field(Field(tag="100", indicators=["1", " "], subfields=[Subfield("a", author)]))
    record.add_field(
        Field(tag="245", indicators=["1", "0"], subfields=[Subfield("a", title)]),
        Field(tag="264", indicators=[" ", "1"], subfields=[Subfield("c", year)]),
    )
    return record


def write(path, *records):
    with open(path, "wb") as fh:
        for record in records:
            fh.write(record.as_marc())
    return path


def load(settings, files: dict) -> None:
    load_libraries(settings, list(files.items()), progress=False, log=lambda *a: None)


def differences(rebuilt: dict, delta: dict) -> dict[str, list[str]]:
    """{document id: the fields in which the delta's document differs from the rebuilt one}"""
    assert rebuilt.keys() == delta.keys()
    return {
        doc_id: sorted(
            k
            for k in rebuilt[doc_id].keys() | delta[doc_id].keys()
            if rebuilt[doc_id].get(k) != delta[doc_id].get(k)
        )
        for doc_id in rebuilt
        if rebuilt[doc_id] != delta[doc_id]
    }


def reindexed(settings) -> tuple[str, dict]:
    said = []
    reindex(settings, workers=1, log=said.append)
    return said[-1], documents(settings)


def test_a_delta_keeps_the_other_formats_a_rebuild_finds_beyond_its_changed_records(tmp_path):
    """A print and an e-book edition of one work are linked by title and author; the delta
    brings a print record linked to the e-book by ISBN alone (no author), which shares nothing
    with the first print record. The delta rebuilds the e-book's document: it must still list
    the first print edition, which a rebuild finds through the e-book."""
    data = tmp_path / "d"
    data.mkdir()
    write_libraries(data / "libraries.toml", "UVA", "UVB")
    settings = load_settings(environ={}, data_dir=data, workers=0)
    title = "Clinical skills for nurses"
    first = write(
        tmp_path / "uva.mrc",
        book("e1", title, "2020", "9780198746546", "Smith, Jane", online=True),
        book("p1", title, "2019", "9780192806727", "Smith, Jane", online=False),
    )
    later = write(
        tmp_path / "uvb.mrc", book("p2", title, "2020", "9780198746546", None, online=False)
    )
    load(settings, {"UVA": [first]})
    load(settings, {"UVB": [later]})
    delta = documents(settings)
    ebook = next(d for d in delta.values() if d["format"] != "Book")
    assert len(ebook["other_formats"]) == 2, ebook["other_formats"]
    said, rebuilt = reindexed(settings)
    assert differences(rebuilt, delta) == {}
    assert "(0 changed since they were last built)" in said


def test_a_delta_of_three_generated_libraries_gives_the_documents_a_rebuild_gives(tmp_path):
    sample = generate_consortium(tmp_path / "gen", records=2200, libraries=11, seed=21)
    settings = load_settings(
        environ={}, data_dir=tmp_path / "d", libraries=sample.libraries_toml, workers=0
    )
    codes = sorted(sample.files)
    load(settings, {code: [sample.files[code]] for code in codes[:8]})
    load(settings, {code: [sample.files[code]] for code in codes[8:]})  # the delta
    delta = documents(settings)
    assert sum(1 for d in delta.values() if d.get("other_formats")) > 20
    said, rebuilt = reindexed(settings)
    assert differences(rebuilt, delta) == {}
    assert "(0 changed since they were last built)" in said
