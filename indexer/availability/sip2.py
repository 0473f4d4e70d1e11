"""SIP2 Item Information (17 asked, 18 answered) over TCP or TLS: the fallback for any system
without an HTTP API (Axiell, OCLC, SirsiDynix, Sierra and Koha all speak it).

```toml
[library.availability]
kind = "sip2"
url = "tls://sip.example.nhs.uk:6001"   # tcp://host:port, or tls://host:port
timeout = 1.5                           # the whole conversation: connect, login, every item
institution_id = "RDE"                  # AO, as the system knows the library ("" when unset)
terminal_location = "LANTERN"           # CP in the login (93), when the system wants one
username_env = "RDE_SIP_USER"           # login (93/94) only when named; the password is
password_env = "RDE_SIP_PASSWORD"       # also sent as the terminal password (AC) of each 17
ca_file = "/etc/lantern/rde-sip-ca.pem" # TLS: the CA to trust (else the system's store)
error_detection = true                  # AY/AZ sequence numbers and checksums (the default)
encoding = "cp850"                      # the spec's; "utf-8" for systems configured so
due_date_format = "%m/%d/%Y"            # only for a system whose due dates are ambiguous
```

SIP2 asks per item: one 17 per item id (barcode) in one connection per batch, each answered
as a CopyStatus for that item (an id no SIP2 field can carry is not asked). The batch has one
deadline, its config's timeout: when the time is up with items still unasked the connector
raises ConnectorError rather than answer them "unknown", because the live layer caches every
answer it is given as the truth for its ttl, and a page is better served by its indexed
statuses ("could not check just now") than by copies never asked shown as unknown.
"""

from __future__ import annotations

import codecs
import datetime
import re
import time
from collections.abc import Mapping, Sequence
from urllib.parse import urlsplit

from pysip2 import ItemInformationRequest, ItemInformationResponse, LoginRequest, LoginResponse

from indexer.availability.config import AvailabilityConfig
from indexer.availability.model import (
    AVAILABLE,
    IN_TRANSIT,
    MISSING,
    ON_HOLD_SHELF,
    ON_LOAN,
    UNKNOWN,
    ConnectorError,
    CopyStatus,
    now,
)
from indexer.availability.sip2_session import Sip2Session
from indexer.errors import ConfigError

# 18's circulation status: (what it means to a reader, the spec's words for it)
CIRCULATION = {
    "01": (UNKNOWN, "other"),
    "02": (UNKNOWN, "on order"),
    "03": (AVAILABLE, "available"),
    "04": (ON_LOAN, "charged"),
    "05": (ON_LOAN, "charged; not to be recalled until earliest recall date"),
    "06": (UNKNOWN, "in process"),
    "07": (ON_LOAN, "recalled"),
    "08": (ON_HOLD_SHELF, "waiting on hold shelf"),
    "09": (AVAILABLE, "waiting to be re-shelved"),  # back in the library, for loan again
    "10": (IN_TRANSIT, "in transit between library locations"),
    "11": (MISSING, "claimed returned"),
    "12": (MISSING, "lost"),
    "13": (MISSING, "missing"),
}
OPTIONS = {  # option -> the types it may have
    "institution_id": str,
    "terminal_location": str,
    "ca_file": str,
    "error_detection": bool,
    "encoding": str,
    "due_date_format": str,
}
_SIP2_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})(?:[ A-Z]{4}\d{6})?")  # YYYYMMDDZZZZHHMMSS
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ,].*)?")
_NUMERIC_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[T ,].*)?")
_WORDS_DATE = re.compile(r"(\d{1,2})[ -]([A-Za-z]{3})[A-Za-z]*\.?[ -](\d{4})(?:[T ,].*)?")


class Sip2Connector:
    def __init__(self, config: AvailabilityConfig) -> None:
        self.config = config
        self.host, self.port, self.tls = address(config.url)
        for key, value in config.options.items():
            if key not in OPTIONS:
                raise ConfigError(f"sip2: unknown option {key!r} ({', '.join(OPTIONS)})")
            if not isinstance(value, OPTIONS[key]):
                raise ConfigError(f"sip2: {key} must be a {OPTIONS[key].__name__}")
        try:
            codecs.lookup(config.options.get("encoding", "cp850"))
        except LookupError as exc:
            raise ConfigError(
                f"sip2: encoding {config.options['encoding']!r} is not known"
            ) from exc
        self.options = config.options

    def statuses(self, records: Mapping[str, Sequence[str]]) -> list[CopyStatus]:
        asked = [
            (record, str(item))
            for record, items in records.items()
            for item in items
            if askable(str(item))
        ]
        if not asked:
            return []
        answers: dict[str, tuple[ItemInformationResponse, datetime.datetime]] = {}
        credentials = self._credentials()
        with self._session(time.monotonic() + self.config.timeout) as session:
            password = self._login(session, credentials)
            for _, item_id in asked:
                if item_id not in answers:
                    answers[item_id] = (self._ask(session, item_id, password), now())
        form = self.options.get("due_date_format")
        return [copy_status(r, i, *answers[i], due_date_format=form) for r, i in asked]

    def _session(self, deadline: float) -> Sip2Session:
        return Sip2Session(
            self.host,
            self.port,
            deadline=deadline,
            tls=self.tls,
            ca_file=self.options.get("ca_file"),
            checksums=self.options.get("error_detection", True),
            encoding=self.options.get("encoding", "cp850"),
        )

    def _credentials(self) -> tuple[str, str] | None:
        """(user, password) when the library names them; an unset one is an error, never an
        anonymous conversation with a system that expects a login."""
        credentials = self.config.credentials()
        if credentials is not None and not credentials[0]:
            named = self.config.username_env
            raise ConnectorError(f"sip2: the environment variable {named} is empty or unset")
        return credentials

    def _login(self, session: Sip2Session, credentials: tuple[str, str] | None) -> str | None:
        """Log in (93) when the library names credentials; the password, or None."""
        if credentials is None:
            return None
        user, password = credentials
        login = LoginRequest(
            uid_algorithm="0",
            pwd_algorithm="0",
            login_user_id=user,
            login_password=password,
            location_code=self.options.get("terminal_location"),
        )
        answer = session.ask(login, LoginResponse)
        if answer.ok != "1":
            raise ConnectorError(f"{session.name}: the login was refused (94 ok={answer.ok})")
        return password or None

    def _ask(self, session: Sip2Session, item_id: str, password: str | None):
        request = ItemInformationRequest(
            transaction_date=sip2_date(datetime.datetime.now()),
            institution_id=self.options.get("institution_id", ""),
            item_identifier=item_id,
            terminal_password=password,
        )
        answer = session.ask(request, ItemInformationResponse)
        if answer.item_identifier != item_id:
            raise ConnectorError(f"{session.name}: asked for {item_id!r}, answered another item")
        return answer


def askable(item_id: str) -> bool:
    """Whether an item id fits in a SIP2 field (an id that does not is not asked: its copy
    keeps its indexed status, and the other copies of the batch are still asked)."""
    return 0 < len(item_id.encode("utf-8")) <= 255 and not any(c in item_id for c in "|\r\0")


def address(url: str | None) -> tuple[str, int, bool]:
    """(host, port, tls) of a `tcp://host:port` or `tls://host:port` url."""
    parts = urlsplit(url or "")
    try:
        port = parts.port
    except ValueError:
        port = None
    if parts.scheme not in ("tcp", "tls") or not parts.hostname or port is None:
        raise ConfigError(f"sip2: url must be tcp://host:port or tls://host:port, not {url!r}")
    return parts.hostname, port, parts.scheme == "tls"


def copy_status(
    record_id: str,
    item_id: str,
    answer: ItemInformationResponse,
    read: datetime.datetime,
    *,
    due_date_format: str | None = None,
) -> CopyStatus:
    """One copy as an 18 says it is: its circulation status, due date and screen message."""
    status, words = CIRCULATION.get(answer.circulation_status, (UNKNOWN, "other"))
    said = "; ".join(m.strip() for m in answer.screen_message if m.strip())
    due = due_date(answer.due_date or "", due_date_format)
    message = f"{words}: {said}" if said else words
    return CopyStatus(record_id, item_id, status, read, due_date=due, message=message)


def due_date(text: str, form: str | None = None) -> str | None:
    """AH, whose format the spec leaves open, as an ISO date; None when it cannot be read.

    Read: SIP2's own YYYYMMDDZZZZHHMMSS, YYYYMMDD, ISO dates (with or without a time),
    DD/MM/YYYY (day first, the British way, unless the day cannot be one: 12/21/2026 is read
    month first; `form`, a strptime format, settles it for a system that writes 05/06/2026
    the American way) and 21 Dec 2026. Any time after the date is dropped."""
    text = text.strip()
    if form:
        try:
            return datetime.datetime.strptime(text, form).date().isoformat()
        except ValueError:
            return None
    for pattern, order in ((_SIP2_DATE, "ymd"), (_ISO_DATE, "ymd"), (_NUMERIC_DATE, "dmy")):
        found = pattern.fullmatch(text)
        if found:
            parts = dict(zip(order, (int(x) for x in found.groups()), strict=True))
            day = _date(parts["y"], parts["m"], parts["d"])
            if day is None and order == "dmy":
                day = _date(parts["y"], parts["d"], parts["m"])
            return day
    found = _WORDS_DATE.fullmatch(text)
    if found:
        try:
            month = datetime.datetime.strptime(found.group(2).title(), "%b").month
        except ValueError:
            return None
        return _date(int(found.group(3)), month, int(found.group(1)))
    return None


def _date(year: int, month: int, day: int) -> str | None:
    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        return None


def sip2_date(moment: datetime.datetime) -> str:
    """SIP2's 18-character date: YYYYMMDD, four blanks (local time), HHMMSS."""
    return moment.strftime("%Y%m%d    %H%M%S")
