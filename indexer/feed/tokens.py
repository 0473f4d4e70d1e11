"""Resumption tokens: a signed, self-contained keyset cursor, so any server process can resume.

A token carries everything the next page needs: the verb and format, the set, the `from` bound,
the harvest's frozen upper bound, the (datestamp, id) position after the last record sent, the
cursor, the list size counted on the first page, and when it expires. Nothing is kept on the
server, so tokens survive restarts and several web processes. The HMAC stops a harvester (or a
proxy mangling URLs) from handing back a cursor we did not issue.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from dataclasses import asdict, dataclass

import orjson

from indexer.errors import BadTokenError

TOKEN_LIFETIME = 24 * 3600  # seconds; OAI validators expect at least 23 hours
_MAC_BYTES = 12
_LAST_SECOND = 253402300799.0  # 9999-12-31T23:59:59Z: the last second a datestamp can show
_REFUSED = "not a resumption token of this repository"


@dataclass(frozen=True, slots=True)
class Cursor:
    verb: str
    prefix: str
    set_spec: str | None
    since: float | None  # inclusive lower bound (UTC seconds)
    until: float  # inclusive upper bound, frozen when the harvest started
    after_stamp: float  # keyset position: the last record sent
    after_id: str
    cursor: int  # records sent before the page this token asks for
    total: int  # completeListSize, counted on the first page
    expires: float


def signing_key(secret: str) -> bytes:
    return hashlib.sha256(b"lantern-oai-token\0" + secret.encode("utf-8")).digest()


def encode(cursor: Cursor, key: bytes) -> str:
    body = orjson.dumps(list(asdict(cursor).values()))
    mac = hmac.new(key, body, hashlib.sha256).digest()[:_MAC_BYTES]
    return base64.urlsafe_b64encode(mac + body).decode("ascii").rstrip("=")


def decode(token: str, key: bytes, now: float | None = None) -> Cursor:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (ValueError, TypeError) as exc:
        raise BadTokenError(_REFUSED) from exc
    mac, body = raw[:_MAC_BYTES], raw[_MAC_BYTES:]
    if not hmac.compare_digest(mac, hmac.new(key, body, hashlib.sha256).digest()[:_MAC_BYTES]):
        raise BadTokenError(_REFUSED)
    try:
        cursor = _cursor_of(orjson.loads(body))
    except (orjson.JSONDecodeError, TypeError, ValueError) as exc:
        raise BadTokenError(_REFUSED) from exc
    if cursor.expires < (time.time() if now is None else now):
        raise BadTokenError("the resumption token has expired; start the harvest again")
    return cursor


def _cursor_of(values) -> Cursor:
    """The cursor a token's body describes, every field of the type it must have (TypeError or
    ValueError otherwise): a token that decodes to anything else is refused, not half-used."""
    if not isinstance(values, list) or len(values) != len(Cursor.__slots__):
        raise TypeError("a token's body is a list of the cursor's fields")
    verb, prefix, set_spec, since, until, after_stamp, after_id, cursor, total, expires = values
    if not all(isinstance(v, str) for v in (verb, prefix, after_id)):
        raise TypeError("verb, prefix and position are text")
    if set_spec is not None and not isinstance(set_spec, str):
        raise TypeError("the set is text or absent")
    for stamp in (until, after_stamp, expires, 0.0 if since is None else since):
        _stamp(stamp)
    for count in (cursor, total):
        if not isinstance(count, int) or isinstance(count, bool) or not 0 <= count <= 2**53:
            raise ValueError("cursor and list size are whole numbers")
    return Cursor(*values)


def _stamp(value) -> None:
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise TypeError("a datestamp is a number")
    if not 0 <= value <= _LAST_SECOND:  # NaN fails this too
        raise ValueError("a datestamp is a time between 1970 and 9999")
