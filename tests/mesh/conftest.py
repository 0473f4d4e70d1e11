"""A small health catalogue with MeSH headings, loaded with `lantern load` into a real index,
beside a MeSH vocabulary imported with `lantern mesh import`: NLM's own descriptor samples
(../shared/data, when present) and heart descriptors as NLM's MeSH has them (tests/mesh/data)."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from click.testing import CliRunner

from indexer.settings import load_settings
from lantern.cli import main
from tests.conftest import SHARED_DATA, write_libraries

HEART = Path(__file__).parent / "data" / "heart-descriptors.xml"
NLM_SAMPLES = SHARED_DATA / "synonyms" / "meshrdf__desc-samples.xml"

# (library, control number, title, subject fields "TAG IND $a ... $x ..." joined by " ; ")
RECORDS = [
    ("UVA", "h1", "Coronary care nursing", "650 _2 $a Myocardial Infarction $x nursing"),
    ("UVA", "h2", "Managing the irregular pulse", "650 _2 $a Atrial Fibrillation."),
    ("UVA", "h3", "Cardiology handbook", "650 12 $a Heart Diseases"),
    ("UVA", "h4", "Blood pressure in practice", "650 _2 $a Hypertension"),
    ("UVA", "h5", "The human face", "650 _2 $a Face ; 650 _2 $a Eye"),
    ("UVA", "h6", "Living with diabetes", "650 _2 $a Diabetes Complications"),
    ("UVB", "h7", "Heart attack stories", "650 _0 $a Heart $x Diseases"),
    ("UVB", "h8", "Chest pain in primary care", "650 _7 $a Angina Pectoris $2 mesh"),
    ("UVB", "h9", "Folk remedies", "650 _2 $a Snakebite lore"),
    ("UVB", "h10", "Heart failure clinics", "650 _2 $a Heart Failure."),
    ("UVB", "h11", "Myocardial infarction in women", "650 _2 $a Myocardial Infarction"),
]
FIXED = "200101s2020    enk           000 0 eng d"


def _datafield(spec: str) -> str:
    tag, indicators, *rest = spec.split(" ", 2)
    ind1, ind2 = (" " if c == "_" else c for c in indicators)
    subfields = [part.strip() for part in rest[0].split("$") if part.strip()]
    codes = "".join(f'<subfield code="{p[0]}">{escape(p[2:])}</subfield>' for p in subfields)
    return f'<datafield tag="{tag}" ind1="{ind1}" ind2="{ind2}">{codes}</datafield>'


def marcxml(records) -> str:
    out = ['<collection xmlns="http://www.loc.gov/MARC21/slim">']
    for _, control, title, subjects in records:
        out.append("<record><leader>00000nam a2200000 a 4500</leader>")
        out.append(f'<controlfield tag="001">{control}</controlfield>')
        out.append(f'<controlfield tag="008">{FIXED}</controlfield>')
        out.append(_datafield(f"245 00 $a {title}"))
        out.extend(_datafield(spec) for spec in subjects.split(" ; "))
        out.append("</record>")
    out.append("</collection>")
    return "\n".join(out)


def vocabulary_file(target: Path) -> Path:
    """The heart descriptors, with NLM's samples when ../shared/data has them."""
    text = HEART.read_text(encoding="utf-8")
    if NLM_SAMPLES.exists():
        sample = NLM_SAMPLES.read_text(encoding="utf-8")
        records = re.findall(r"<DescriptorRecord\b.*?</DescriptorRecord>", sample, re.S)
        text = text.replace(
            "</DescriptorRecordSet>", "\n".join(records) + "\n</DescriptorRecordSet>"
        )
    target.write_text(text, encoding="utf-8")
    return target


def run(settings, *args):
    env = {"LANTERN_DATA_DIR": str(settings.data_dir), "LANTERN_WORKERS": "1"}
    result = CliRunner(env=env).invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def load_records(settings, tmp: Path) -> None:
    for library in ("UVA", "UVB"):
        path = tmp / f"{library}.xml"
        path.write_text(marcxml([r for r in RECORDS if r[0] == library]), encoding="utf-8")
        run(settings, "load", "--quiet", "--library", library, str(path))


@pytest.fixture(scope="module")
def mesh_settings(tmp_path_factory):
    """Settings of a data directory with the vocabulary imported and then the records loaded."""
    tmp = tmp_path_factory.mktemp("mesh")
    settings = load_settings(environ={}, data_dir=tmp / "instance")
    write_libraries(settings.libraries, "UVA", "UVB")
    run(settings, "mesh", "import", str(vocabulary_file(tmp / "desc.xml")))
    load_records(settings, tmp)
    return settings


@pytest.fixture(scope="module")
def mesh_app(mesh_settings):
    from opac import create_app

    return create_app(settings=dataclasses.replace(mesh_settings))


@pytest.fixture(scope="module")
def client(mesh_app):
    return mesh_app.test_client()
