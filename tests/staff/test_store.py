"""The Flask-free parts: the throttle's shared storage (several OPAC processes), the secret key
file, account rules."""

from __future__ import annotations

import os
import uuid

import pytest

from indexer.errors import ConfigError, StaffAccountError
from indexer.staff import accounts
from indexer.staff.secret import persistent_secret
from indexer.staff.throttle import LoginThrottle

REDIS_URL = os.environ.get("LANTERN_REDIS_URL", "redis://127.0.0.1:6379/0")


def _redis_or_skip() -> None:
    redis = pytest.importorskip("redis", reason="redis-py is not installed")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError as exc:
        pytest.skip(f"Redis is not reachable at {REDIS_URL} ({exc}); `make test` starts one")


def test_with_redis_every_process_counts_the_same_failures():
    """What LANTERN_STAFF_LIMIT_STORAGE=redis://... buys under gunicorn: two workers (two
    throttles, as two processes have) refuse a client after the limit in total, not each."""
    _redis_or_skip()
    client = f"192.0.2.{uuid.uuid4().int % 250}-{uuid.uuid4().hex}"  # fresh in a shared Redis
    worker_one = LoginThrottle("3 per minute", REDIS_URL)
    worker_two = LoginThrottle("3 per minute", REDIS_URL)
    worker_one.failed(client)
    worker_two.failed(client)
    assert worker_one.retry_after(client) == 0
    worker_two.failed(client)
    assert worker_one.retry_after(client) > 0 and worker_two.retry_after(client) > 0


def test_in_memory_each_process_counts_its_own():
    worker_one, worker_two = LoginThrottle("2 per minute"), LoginThrottle("2 per minute")
    worker_one.failed("198.51.100.1")
    worker_one.failed("198.51.100.1")
    assert worker_one.retry_after("198.51.100.1") > 0
    assert worker_two.retry_after("198.51.100.1") == 0  # why the README suggests Redis


def test_bad_throttle_settings_are_clear_errors():
    with pytest.raises(ConfigError, match="LANTERN_STAFF_LOGIN_LIMIT"):
        LoginThrottle("five a minute")
    with pytest.raises(ConfigError, match="LANTERN_STAFF_LIMIT_STORAGE"):
        LoginThrottle("5 per minute", "carrier-pigeon://loft")


def test_the_secret_key_is_made_once_and_kept(tmp_path):
    first = persistent_secret(tmp_path)
    assert len(first) == 64 and persistent_secret(tmp_path) == first
    assert (tmp_path / "secret_key").read_text().strip() == first


def test_without_a_writable_data_dir_the_opac_still_starts(tmp_path, caplog):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a directory")
    key = persistent_secret(blocked / "instance")
    assert len(key) == 64
    assert "LANTERN_SECRET_KEY" in caplog.text


@pytest.mark.parametrize("name", ["", "a b", "-lead", "trail.", "x" * 65, "semi;colon", "ünï"])
def test_usernames_outside_the_rules_are_refused(name):
    with pytest.raises(StaffAccountError, match="a username is"):
        accounts.normalise_username(name)


def test_usernames_within_the_rules(tmp_path):
    assert accounts.normalise_username("  J.Smith@NHS.net ") == "j.smith@nhs.net"
    assert accounts.normalise_username("a") == "a"
    accounts.add(tmp_path, "J.Smith", "viewer", "twelve chars!", actor="cli")
    assert accounts.authenticate(tmp_path, "J.SMITH", "twelve chars!").username == "j.smith"
    assert accounts.authenticate(tmp_path, "j.smith", "twelve chars") is None


def test_a_password_longer_than_any_account_may_have_never_matches(tmp_path):
    exact = "p" * accounts.MAX_PASSWORD
    accounts.add(tmp_path, "long.one", "viewer", exact, actor="cli")
    assert accounts.authenticate(tmp_path, "long.one", exact) is not None
    assert accounts.authenticate(tmp_path, "long.one", exact + "and more") is None
