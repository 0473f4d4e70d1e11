"""The connectors read answers in the shapes the systems publish: Koha's GetRecords (XML::Simple
output of C4::ILSDI::Services), the DLF GetAvailability collection as Koha writes it, and DAIA
JSON as its specification shows it."""

from __future__ import annotations

import json

import pytest

from indexer.availability import daia, ilsdi, koha
from indexer.availability.model import (
    AVAILABLE,
    IN_TRANSIT,
    MISSING,
    NOT_FOR_LOAN,
    ON_HOLD_SHELF,
    ON_LOAN,
    UNKNOWN,
    ConnectorError,
)

KOHA_GET_RECORDS = b"""<?xml version="1.0" encoding="UTF-8" ?>
<GetRecords>
  <record>
    <biblionumber>12</biblionumber>
    <biblioitemnumber>12</biblioitemnumber>
    <isbn>9780198844013</isbn>
    <marcxml>&lt;record xmlns="http://www.loc.gov/MARC21/slim"&gt;&lt;/record&gt;</marcxml>
    <items>
      <item><itemnumber>31</itemnumber><barcode>RDE0031</barcode><homebranch>WON</homebranch>
        <notforloan>0</notforloan><itemlost>0</itemlost><withdrawn>0</withdrawn>
        <damaged>0</damaged></item>
      <item><itemnumber>32</itemnumber><barcode>RDE0032</barcode>
        <onloan>2026-12-21</onloan><notforloan>0</notforloan><itemlost>0</itemlost></item>
      <item><itemnumber>33</itemnumber><barcode>RDE0033</barcode><notforloan>1</notforloan></item>
      <item><itemnumber>34</itemnumber><barcode>RDE0034</barcode><itemlost>1</itemlost></item>
      <item><itemnumber>35</itemnumber><barcode>RDE0035</barcode>
        <transfer><datesent>2026-12-06</datesent><frombranch>NDD</frombranch>
        <tobranch>WON</tobranch></transfer></item>
      <item><itemnumber>36</itemnumber></item>
    </items>
    <reserves><reserve><itemnumber>36</itemnumber><found>W</found></reserve></reserves>
    <issues><issue><itemnumber>32</itemnumber><date_due>2026-12-21 23:59:00</date_due></issue>
    </issues>
  </record>
  <record><biblionumber>99</biblionumber><items></items></record>
</GetRecords>
"""


def test_koha_get_records_gives_each_item_by_barcode_with_its_due_date():
    found = koha.parse(KOHA_GET_RECORDS, {"12": "12"})
    by_item = {s.item_id: (s.status, s.due_date) for s in found}
    assert by_item == {
        "RDE0031": (AVAILABLE, None),
        "RDE0032": (ON_LOAN, "2026-12-21"),
        "RDE0033": (NOT_FOR_LOAN, None),
        "RDE0034": (MISSING, None),
        "RDE0035": (IN_TRANSIT, None),
        "36": (ON_HOLD_SHELF, None),  # no barcode: the itemnumber names it
    }
    assert {s.record_id for s in found} == {"12"}  # record 99 was not asked


KOHA_GET_AVAILABILITY = b"""<?xml version="1.0" encoding="UTF-8"?>
<dlf:collection
  xmlns:dlf="http://diglib.org/ilsdi/1.1"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xsi:schemaLocation="http://diglib.org/ilsdi/1.1 http://diglib.org/architectures/ilsdi/schemas/1.1/dlfexpanded.xsd">
  <dlf:record>
    <dlf:bibliographic id="12" />
    <dlf:items>
      <dlf:item id="31">
        <dlf:simpleavailability>
          <dlf:identifier>31</dlf:identifier>
          <dlf:availabilitystatus>available</dlf:availabilitystatus>
          <dlf:location>Wonford Library</dlf:location>
        </dlf:simpleavailability>
      </dlf:item>
      <dlf:item id="32">
        <dlf:simpleavailability>
          <dlf:identifier>32</dlf:identifier>
          <dlf:availabilitystatus>not available</dlf:availabilitystatus>
          <dlf:availabilitymsg>Checked out</dlf:availabilitymsg>
          <dlf:location>Wonford Library</dlf:location>
        </dlf:simpleavailability>
      </dlf:item>
      <dlf:item id="33"><dlf:simpleavailability><dlf:identifier>33</dlf:identifier>
        <dlf:availabilitystatus>not available</dlf:availabilitystatus>
        <dlf:availabilitymsg>Not for loan</dlf:availabilitymsg></dlf:simpleavailability></dlf:item>
      <dlf:item id="34"><dlf:simpleavailability><dlf:identifier>34</dlf:identifier>
        <dlf:availabilitystatus>not available</dlf:availabilitystatus>
        <dlf:availabilitymsg>Item lost</dlf:availabilitymsg></dlf:simpleavailability></dlf:item>
      <dlf:item id="37"><dlf:simpleavailability><dlf:identifier>37</dlf:identifier>
        <dlf:availabilitystatus>unknown</dlf:availabilitystatus>
        <dlf:availabilitymsg>Error: could not retrieve availability for this ID
        </dlf:availabilitymsg>
      </dlf:simpleavailability></dlf:item>
    </dlf:items>
  </dlf:record>
</dlf:collection>
"""


def test_dlf_get_availability_reads_the_reason_koha_gives():
    found = {s.item_id: s.status for s in ilsdi.parse(KOHA_GET_AVAILABILITY, {"12": "12"})}
    assert found == {
        "31": AVAILABLE,
        "32": ON_LOAN,
        "33": NOT_FOR_LOAN,
        "34": MISSING,
        "37": UNKNOWN,
    }


DAIA = {  # the shape of the DAIA specification's examples (https://gbv.github.io/daia/)
    "document": [
        {
            "id": "http://example.org/documents/1",
            "href": "https://example.org/opac?id=1",
            "item": [
                {
                    "id": "http://example.org/items/1",
                    "label": "WA 100 CAR",
                    "department": {"content": "Wonford Library"},
                    "available": [{"service": "loan"}, {"service": "presentation"}],
                },
                {
                    "id": "http://example.org/items/2",
                    "available": [{"service": "presentation"}],
                    "unavailable": [{"service": "loan"}],
                },
                {
                    "id": "http://example.org/items/3",
                    "unavailable": [
                        {"service": "loan", "expected": "2026-12-21", "queue": 2},
                        {"service": "presentation", "expected": "2026-12-21"},
                    ],
                },
            ],
        }
    ]
}


def test_daia_reads_loan_presentation_and_the_expected_date():
    found = daia.parse(json.dumps(DAIA).encode(), {"http://example.org/documents/1": "1"})
    assert [(s.item_id, s.status, s.due_date) for s in found] == [
        ("http://example.org/items/1", AVAILABLE, None),
        ("http://example.org/items/2", ON_LOAN, None),
        ("http://example.org/items/3", ON_LOAN, "2026-12-21"),
    ]


@pytest.mark.parametrize(
    "parse, body",
    [
        (koha.parse, b"<html>Service Unavailable</html>"),
        (koha.parse, b"\x00\xff<<"),
        (ilsdi.parse, b"<GetRecords/>"),
        (daia.parse, b"[1, 2]"),
        (daia.parse, b"{not json"),
    ],
)
def test_an_answer_of_another_shape_is_refused_not_read_as_nothing(parse, body):
    with pytest.raises(ConnectorError):
        parse(body, {"12": "12"})
