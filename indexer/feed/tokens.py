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
        raise BadTokenError("not a resumption token of this repository") from exc
    mac, body = raw[:_MAC_BYTES], raw[_MAC_BYTES:]
    if not hmac.compare_digest(mac, hmac.new(key, body, hashlib.sha256).digest()[:_MAC_BYTES]):
        raise BadTokenError("not a resumption token of this repository")
    try:
        cursor = Cursor(*orjson.loads(body))
    except (orjson.JSONDecodeError, TypeError) as exc:
        raise BadTokenError("not a resumption token of this repository") from exc
    if cursor.expires < (time.time() if now is None else now):
        raise BadTokenError("the resumption token has expired; start the harvest again")
    return cursor
