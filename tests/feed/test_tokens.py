"""Resumption tokens: whatever a harvester hands back, the answer is an OAI-PMH response (a
forged token of the wrong shape is badResumptionToken, never a 500), and the key signing them
is a random one kept in the data directory, not one derived from where that directory is."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import random
import stat

import orjson
import pytest

from indexer.feed import tokens
from indexer.feed.setup import token_key
from indexer.settings import load_settings
from tests.feed.test_oai_protocol import ask, error_code

OAI = "{http://www.openarchives.org/OAI/2.0/}"
# Values of every JSON type, and numbers no datestamp or count can be.
ODD_VALUES = ["x", "", 7, -1, 1.5, 1e300, 2**60, None, True, [], {}, [1, 2], {"a": 1}]


@pytest.fixture(scope="module")
def app(catalogue):
    from opac import create_app

    return create_app(settings=catalogue, test_config={"TESTING": True, "OAI_PAGE_SIZE": 100})


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def issued(client, validate, app):
    """(a real token's cursor as a list, the key): the material a forger with the key has."""
    doc = ask(client, validate, verb="ListRecords", metadataPrefix="marc21")
    token = doc.findtext(f".//{OAI}resumptionToken")
    key = app.extensions["lantern_oai"].key
    return list(dataclasses.astuple(tokens.decode(token, key))), key


def forge(body: bytes, key: bytes) -> str:
    """A token signed with the right key around any body (what tokens.encode would make)."""
    mac = hmac.new(key, body, hashlib.sha256).digest()[:12]
    return base64.urlsafe_b64encode(mac + body).decode("ascii").rstrip("=")


STAMPS, COUNTS = (3, 4, 5, 9), (7, 8)  # the cursor's fields that are times and counts


def _could_be_right(position: int, value) -> bool:
    """Whether `value` is one a cursor may hold in that field (a set, a time, a count)."""
    if position == 2:
        return value in (None, "x")  # "x" is a set that might exist
    if position in STAMPS:
        return value in (7, 1.5) or (position == 3 and value is None)
    return position in COUNTS and value == 7


def _wrong_shapes(fields: list) -> list:
    """Bodies that are not a cursor: each field in turn given a value of another type."""
    shapes = [{}, "abcdefghij", 10, None, fields[:-1], [*fields, 1]]
    shapes.append({str(i): v for i, v in enumerate(fields)})
    for position, value in enumerate(fields):
        for odd in ODD_VALUES:
            if type(odd) is not type(value) and not _could_be_right(position, odd):
                shapes.append(fields[:position] + [odd] + fields[position + 1 :])
    return shapes


def test_a_forged_token_of_any_wrong_shape_is_bad_resumption_token(client, validate, issued):
    fields, key = issued
    for body in _wrong_shapes(fields):
        token = forge(orjson.dumps(body), key)
        doc = ask(client, validate, verb="ListRecords", resumptionToken=token)
        assert error_code(doc) == "badResumptionToken", body


def test_a_forged_token_with_an_unknown_format_or_set_is_refused(client, validate, issued):
    fields, key = issued
    for position, value in ((1, "mods"), (2, "library:<x>"), (0, "Identify")):
        body = fields[:position] + [value] + fields[position + 1 :]
        doc = ask(
            client, validate, verb="ListRecords", resumptionToken=forge(orjson.dumps(body), key)
        )
        assert error_code(doc) == "badResumptionToken", value


def test_fuzzed_tokens_always_get_an_oai_answer(client, validate, issued):
    fields, key = issued
    good = tokens.encode(tokens.Cursor(*fields), key)
    rng = random.Random(21)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/%. "
    for _ in range(150):
        kind = rng.randrange(4)
        if kind == 0:  # random text
            token = "".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 120)))
        elif kind == 1:  # a real token with characters changed
            chars = list(good)
            for _ in range(rng.randrange(1, 4)):
                chars[rng.randrange(len(chars))] = rng.choice(alphabet)
            token = "".join(chars)
        elif kind == 2:  # random bytes, correctly signed
            token = forge(rng.randbytes(rng.randrange(0, 80)), key)
        else:  # the cursor with random JSON in one field, correctly signed
            body = list(fields)
            body[rng.randrange(len(body))] = rng.choice(ODD_VALUES)
            token = forge(orjson.dumps(body), key)
        doc = ask(client, validate, verb="ListIdentifiers", resumptionToken=token)
        assert error_code(doc) in (None, "badResumptionToken", "noRecordsMatch"), token


def test_the_signing_key_is_random_kept_in_the_data_directory_and_owner_only(tmp_path):
    settings = load_settings(environ={}, data_dir=tmp_path / "data")
    key = token_key(settings)
    kept = tmp_path / "data" / "secret_key"
    assert kept.exists()
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    # the same key for every process and after a restart...
    assert token_key(load_settings(environ={}, data_dir=tmp_path / "data")) == key
    # ...and not the one anyone could compute from the directory's path
    assert key != tokens.signing_key(str((tmp_path / "data").resolve()))
    elsewhere = load_settings(environ={}, data_dir=tmp_path / "other")
    assert token_key(elsewhere) != key


def test_a_configured_secret_key_signs_the_tokens_and_no_file_is_written(tmp_path):
    settings = load_settings(environ={}, data_dir=tmp_path, secret_key="shared-by-three-hosts")
    assert token_key(settings) == tokens.signing_key("shared-by-three-hosts")
    assert not (tmp_path / "secret_key").exists()
