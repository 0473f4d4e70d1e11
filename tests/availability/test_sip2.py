"""The SIP2 connector against real SIP2 servers on real sockets (pysip2's server, over TCP and
TLS), and against systems that hang, babble, hang up or are not there."""

from __future__ import annotations

import time

import pytest

from indexer.availability.config import AvailabilityConfig
from indexer.availability.connectors import make_connector
from indexer.availability.live import LIVE, LiveAvailability
from indexer.availability.model import (
    AVAILABLE,
    IN_TRANSIT,
    MISSING,
    ON_HOLD_SHELF,
    ON_LOAN,
    UNKNOWN,
    ConnectorError,
)
from indexer.availability.sip2 import Sip2Connector, due_date
from indexer.errors import ConfigError
from indexer.libraries import load_consortium
from tests.availability.sip2_systems import BrokenSystem, Sip2System, refused_url, self_signed

TIMEOUT = 0.5
WITHIN = TIMEOUT + 1.0  # "about its timeout": far from the 30 s a hanging system would hold


def connector(url: str, timeout: float = TIMEOUT, **options) -> Sip2Connector:
    config = AvailabilityConfig(kind="sip2", url=url, timeout=timeout, options=options)
    return make_connector(config)


@pytest.fixture
def systems():
    made = []

    def make(kind=Sip2System, *args, **kwargs):
        made.append(kind(*args, **kwargs))
        return made[-1]

    yield make
    for system in made:
        system.close()


def test_each_copy_is_answered_as_its_system_says_it_is_now(systems):
    system = systems()
    system.set("B-avail", "03")
    system.set("B-lent", "04", due="20261221    235900")
    system.set("B-transit", "10")
    system.set("B-hold", "08", say="Waiting at Exeter")
    system.set("B-missing", "13")
    records = {
        "1001": ["B-avail", "B-lent"],
        "1002": ["B-transit", "B-hold"],
        "1003": ["B-missing", "B-unknown"],
        "1004": [],  # no barcode: nothing SIP2 can ask
    }
    copies = connector(system.url, institution_id="RDE").statuses(records)
    found = {(c.record_id, c.item_id): (c.status, c.due_date) for c in copies}
    assert found == {
        ("1001", "B-avail"): (AVAILABLE, None),
        ("1001", "B-lent"): (ON_LOAN, "2026-12-21"),
        ("1002", "B-transit"): (IN_TRANSIT, None),
        ("1002", "B-hold"): (ON_HOLD_SHELF, None),
        ("1003", "B-missing"): (MISSING, None),
        ("1003", "B-unknown"): (UNKNOWN, None),
    }
    said = {c.item_id: c.message for c in copies}
    assert said["B-hold"] == "waiting on hold shelf: Waiting at Exeter"
    assert "Item not found" in said["B-unknown"]
    assert system.asked == ["B-avail", "B-lent", "B-transit", "B-hold", "B-missing", "B-unknown"]


def test_a_barcode_held_by_two_records_is_asked_once(systems):
    system = systems()
    system.set("B1", "04", due="2026-12-21")
    copies = connector(system.url).statuses({"r1": ["B1"], "r2": ["B1"]})
    assert [(c.record_id, c.status, c.due_date) for c in copies] == [
        ("r1", ON_LOAN, "2026-12-21"),
        ("r2", ON_LOAN, "2026-12-21"),
    ]
    assert system.asked == ["B1"]


@pytest.mark.parametrize(
    "said, read",
    [
        ("20261221    235900", "2026-12-21"),  # SIP2's own date, local time
        ("20261221UTC 235900", "2026-12-21"),  # ... with a time zone
        ("20261221", "2026-12-21"),
        ("2026-12-21", "2026-12-21"),
        ("2026-12-21 23:59:00", "2026-12-21"),
        ("2026-12-21T23:59:00Z", "2026-12-21"),
        ("21/12/2026", "2026-12-21"),  # day first, the British way
        ("05/06/2026", "2026-06-05"),
        ("12/21/2026,23:59", "2026-12-21"),  # cannot be day first: month first
        ("21.12.2026", "2026-12-21"),
        ("21 Dec 2026", "2026-12-21"),
        ("21-December-2026", "2026-12-21"),
        ("", None),
        ("soon", None),
        ("20261321    235900", None),  # month 13
        ("31/31/2026", None),
    ],
)
def test_due_dates_in_the_common_formats_are_read_and_others_left_unknown(said, read):
    assert due_date(said) == read


def test_a_library_whose_system_writes_dates_month_first_says_so(systems):
    system = systems()
    system.set("B1", "04", due="05/06/2026")
    [copy] = connector(system.url, due_date_format="%m/%d/%Y").statuses({"r": ["B1"]})
    assert copy.due_date == "2026-05-06"


def test_the_login_is_sent_when_the_library_names_its_credentials(systems, monkeypatch):
    system = systems(login=("lantern", "s3cret"))
    system.set("B1", "03")
    monkeypatch.setenv("T_SIP_USER", "lantern")
    monkeypatch.setenv("T_SIP_PASSWORD", "s3cret")
    config = AvailabilityConfig(
        kind="sip2",
        url=system.url,
        timeout=TIMEOUT,
        username_env="T_SIP_USER",
        password_env="T_SIP_PASSWORD",
        options={"terminal_location": "LANTERN"},
    )
    [copy] = make_connector(config).statuses({"r": ["B1"]})
    assert copy.status == AVAILABLE
    assert len(make_connector(config).statuses({"r": ["B1"], "s": ["B1", "B2"]})) == 3
    assert system.logins == [("lantern", "s3cret", "LANTERN")] * 2  # one login per batch
    monkeypatch.setenv("T_SIP_PASSWORD", "wrong")
    with pytest.raises(ConnectorError, match="login was refused") as refused:
        make_connector(config).statuses({"r": ["B1"]})
    assert "wrong" not in str(refused.value)


def test_a_login_named_but_not_in_the_environment_is_an_error_not_an_anonymous_ask(systems):
    system = systems()
    config = AvailabilityConfig(
        kind="sip2", url=system.url, username_env="T_SIP_UNSET_USER", options={}
    )
    with pytest.raises(ConnectorError, match="T_SIP_UNSET_USER"):
        make_connector(config).statuses({"r": ["B1"]})
    assert system.asked == []


def test_error_detection_is_on_unless_the_library_turns_it_off(systems):
    strict = systems(error_detection="required")  # answers 96 to a frame without AY/AZ
    strict.set("B1", "04", due="20261221    120000")
    [copy] = connector(strict.url).statuses({"r": ["B1"]})
    assert (copy.status, copy.due_date) == (ON_LOAN, "2026-12-21")
    with pytest.raises(ConnectorError):
        connector(strict.url, error_detection=False).statuses({"r": ["B1"]})
    plain = systems()
    plain.set("B1", "03")
    [copy] = connector(plain.url, error_detection=False).statuses({"r": ["B1"]})
    assert copy.status == AVAILABLE


def test_an_answer_garbled_on_the_way_is_asked_again(systems):
    system = systems(BrokenSystem, "noisy_line")
    [copy] = connector(system.url).statuses({"r": ["B1"]})
    assert (copy.status, copy.due_date) == (ON_LOAN, "2026-12-21")
    assert system.resend_asked.startswith(b"97")


def test_an_item_id_no_sip2_field_can_carry_is_not_asked(systems):
    system = systems()
    system.set("B1", "03")
    copies = connector(system.url).statuses({"r": ["B|1", "", "B1"]})
    assert [(c.item_id, c.status) for c in copies] == [("B1", AVAILABLE)]
    assert system.asked == ["B1"]


def test_tls_with_the_library_s_ca_and_never_with_an_untrusted_certificate(systems, tmp_path):
    cert, key = self_signed(tmp_path)
    system = systems(tls_files=(cert, key))
    system.set("B1", "04", due="2026-12-21")
    assert system.url.startswith("tls://")
    [copy] = connector(system.url, ca_file=str(cert)).statuses({"r": ["B1"]})
    assert (copy.status, copy.due_date) == (ON_LOAN, "2026-12-21")
    with pytest.raises(ConnectorError, match="TLS"):
        connector(system.url).statuses({"r": ["B1"]})  # the system's own CA store: untrusted
    with pytest.raises(ConnectorError):
        connector(system.url.replace("tls://", "tcp://")).statuses({"r": ["B1"]})


@pytest.mark.parametrize("mode", ["hang", "garbage", "close", "bad_checksum", "refused", "slow"])
def test_a_broken_system_raises_connector_error_within_about_its_timeout(systems, mode):
    if mode == "refused":
        url = refused_url()
    elif mode == "slow":  # a real SIP2 system that never answers an item in time
        slow = systems()
        slow.delay = 30
        url = slow.url
    else:
        url = systems(BrokenSystem, mode).url
    started = time.monotonic()
    with pytest.raises(ConnectorError):
        connector(url).statuses({"r": ["B1", "B2"]})
    assert time.monotonic() - started < WITHIN


def test_a_batch_that_outlasts_its_timeout_stops_asking_and_fails_whole(systems):
    system = systems()
    system.delay = 0.1
    for n in range(20):
        system.set(f"B{n}", "03")
    started = time.monotonic()
    with pytest.raises(ConnectorError, match="in time"):
        connector(system.url, timeout=0.35).statuses({"r": [f"B{n}" for n in range(20)]})
    assert time.monotonic() - started < WITHIN
    assert 1 <= len(system.asked) < 20  # the items after the deadline were never asked


@pytest.mark.parametrize(
    "url, options, problem",
    [
        ("http://sip.example:6001", {}, "tcp://host:port"),
        ("tcp://sip.example", {}, "tcp://host:port"),
        ("tcp://sip.example:6001", {"institution": "RDE"}, "unknown option"),
        ("tcp://sip.example:6001", {"error_detection": "yes"}, "error_detection"),
        ("tcp://sip.example:6001", {"encoding": "klingon"}, "encoding"),
    ],
)
def test_a_wrong_sip2_table_is_a_config_error(url, options, problem):
    with pytest.raises(ConfigError, match=problem):
        connector(url, **options)


def test_a_copy_lent_a_minute_ago_is_on_loan_through_live_availability(systems, tmp_path):
    system = systems()
    system.set("B1", "04", due="20261221    235900")
    system.set("B2", "03")
    libraries = tmp_path / "libraries.toml"
    libraries.write_text(
        '[consortium]\nname = "T"\ncode = "T"\n'
        '[[library]]\ncode = "A"\nname = "Library A"\n'
        f'[library.availability]\nkind = "sip2"\nurl = "{system.url}"\n'
        'timeout = 0.5\nttl = 60\ninstitution_id = "A"\n'
    )
    live = LiveAvailability(load_consortium(libraries))
    answer = live.ask({"A": {"1001": ["B1", "B2"]}})["A"]
    assert answer.state == LIVE
    copies = {c.item_id: (c.status, c.due_date) for c in answer.statuses["1001"]}
    assert copies == {"B1": (ON_LOAN, "2026-12-21"), "B2": (AVAILABLE, None)}
    live.ask({"A": {"1001": ["B1", "B2"]}})
    assert system.asked == ["B1", "B2"]  # the second reader was answered from the cache
