"""Asking member systems over real sockets: the answers, and what a slow, dead or broken system
does to a page (nothing beyond its own timeout, and nothing to the other libraries)."""

from __future__ import annotations

import socket
import time

import pytest

from indexer.availability.live import FAILED, LIVE, NOT_ASKED, LiveAvailability
from indexer.availability.model import ON_LOAN
from indexer.errors import ConfigError
from indexer.libraries import load_consortium
from tests.availability.systems import System

TIMEOUT = 0.3


def consortium(tmp_path, systems: dict[str, tuple[str, str]], extra: str = ""):
    """A libraries file whose libraries ask `systems` (code -> (kind, url))."""
    lines = ["[consortium]", 'name = "Test"', 'code = "T"']
    for code, (kind, url) in systems.items():
        lines += ["[[library]]", f'code = "{code}"', f'name = "Library {code}"']
        lines += ["[library.availability]", f'kind = "{kind}"', f'url = "{url}"']
        lines += [f"timeout = {TIMEOUT}", "ttl = 60", extra]
    lines += ["[[library]]", 'code = "PLAIN"', 'name = "No system"']
    path = tmp_path / "libraries.toml"
    path.write_text("\n".join(lines) + "\n")
    return load_consortium(path)


def on_loan(system: System, record_id: str, item_id: str, due: str = "2026-12-21") -> None:
    system.statuses[record_id] = [
        {"item_id": item_id, "status": "on_loan", "due_date": due, "library": "A"}
    ]


@pytest.fixture
def systems():
    made: list[System] = []

    def make(mode: str = "ilsdi") -> System:
        made.append(System(mode))
        return made[-1]

    yield make
    for system in made:
        system.close()


@pytest.mark.parametrize(
    "kind, mode", [("koha-ilsdi", "ilsdi"), ("ilsdi", "ilsdi"), ("daia", "daia")]
)
def test_a_copy_lent_a_minute_ago_is_on_loan_with_its_due_date(tmp_path, systems, kind, mode):
    system = systems(mode)
    on_loan(system, "1001", "B1")
    live = LiveAvailability(consortium(tmp_path, {"A": (kind, system.url)}))
    answer = live.ask({"A": {"1001": ["B1"]}, "PLAIN": {"9": []}})
    assert answer["A"].state == LIVE
    [copy] = answer["A"].statuses["1001"]
    assert (copy.status, copy.due_date) == (ON_LOAN, "2026-12-21")
    assert copy.item_id.endswith("B1")
    assert answer["PLAIN"].state == NOT_ASKED  # no system named: its index status stands


def test_answers_are_shared_for_their_ttl(tmp_path, systems):
    system = systems()
    on_loan(system, "1001", "B1")
    live = LiveAvailability(consortium(tmp_path, {"A": ("koha-ilsdi", system.url)}))
    live.ask({"A": {"1001": []}})
    live.ask({"A": {"1001": []}})
    assert len(system.requests) == 1  # the second reader was answered from the cache
    live.ask({"A": {"1001": [], "1002": []}})
    assert system.requests[-1]["id"] == ["1002"]  # only what was not known is asked


def test_the_record_id_template_names_records_as_the_system_does(tmp_path, systems):
    system = systems()
    on_loan(system, "A:1001", "B1")
    path = consortium(tmp_path, {"A": ("koha-ilsdi", system.url)}, 'record_id = "A:{record_id}"')
    [copy] = LiveAvailability(path).ask({"A": {"1001": []}})["A"].statuses["1001"]
    assert copy.record_id == "1001" and copy.status == ON_LOAN


@pytest.mark.parametrize("mode", ["hang", "slow", "garbage", "error", "refused"])
def test_a_failing_system_costs_one_timeout_and_never_the_other_libraries(tmp_path, systems, mode):
    healthy = systems()
    on_loan(healthy, "1001", "B1")
    if mode == "refused":
        with socket.socket() as s:  # a port nothing listens on
            s.bind(("127.0.0.1", 0))
            url = f"http://127.0.0.1:{s.getsockname()[1]}/ilsdi.pl"
        failing = None
    else:
        failing = systems(mode)
        failing.delay = 3 * TIMEOUT
        url = failing.url
    live = LiveAvailability(
        consortium(tmp_path, {"A": ("koha-ilsdi", healthy.url), "B": ("koha-ilsdi", url)})
    )
    started = time.monotonic()
    answers = live.ask({"A": {"1001": []}, "B": {"2001": []}})
    took = time.monotonic() - started
    assert took < TIMEOUT + 0.25, f"the page waited {took:.2f} s"
    assert answers["A"].state == LIVE and answers["A"].statuses["1001"][0].status == ON_LOAN
    assert answers["B"].state == FAILED and answers["B"].reason
    assert live._cached("B", live.consortium.libraries["B"].availability, ["2001"])[0] == {}


def test_the_breaker_opens_after_repeated_failures_and_closes_when_the_system_is_back(
    tmp_path, systems
):
    system = systems("error")
    live = LiveAvailability(
        consortium(tmp_path, {"B": ("koha-ilsdi", system.url)}), fail_max=2, reset_s=0.3
    )
    for n in range(2):
        assert live.ask({"B": {f"r{n}": []}})["B"].state == FAILED
    assert live.breaker_state("B") == "open"
    asked = len(system.requests)
    for n in range(5):  # pages while the breaker is open: the system is not asked at all
        answer = live.ask({"B": {f"x{n}": []}})["B"]
        assert answer.state == FAILED and "not asked" in answer.reason
    assert len(system.requests) == asked
    system.mode = "ilsdi"
    on_loan(system, "back", "B9")
    time.sleep(0.35)  # the breaker lets one request through to see
    assert live.ask({"B": {"back": []}})["B"].state == LIVE
    assert live.breaker_state("B") == "closed"


def test_an_unknown_kind_or_a_bad_timeout_is_refused(tmp_path):
    bad = tmp_path / "libraries.toml"
    bad.write_text(
        '[consortium]\nname = "T"\ncode = "T"\n[[library]]\ncode = "A"\nname = "A"\n'
        '[library.availability]\nkind = "telepathy"\nurl = "https://x.example"\n'
    )
    with pytest.raises(ConfigError, match="telepathy"):
        load_consortium(bad)
    bad.write_text(bad.read_text().replace('"telepathy"', '"daia"') + 'timeout = "soon"\n')
    with pytest.raises(ConfigError, match="timeout"):
        load_consortium(bad)


def test_each_library_answers_as_soon_as_its_system_has_not_after_the_slowest(tmp_path, systems):
    healthy, dead = systems(), systems("hang")
    on_loan(healthy, "1001", "B1")
    libraries = {"A": ("koha-ilsdi", healthy.url), "B": ("koha-ilsdi", dead.url)}
    live = LiveAvailability(consortium(tmp_path, libraries))
    order = [
        (a.library, a.state)
        for a in live.answers({"B": {"2": []}, "A": {"1001": []}, "PLAIN": {"9": []}})
    ]
    # no asking first, then the system that answered, then the one that did not in time
    assert order == [("PLAIN", NOT_ASKED), ("A", LIVE), ("B", FAILED)]
