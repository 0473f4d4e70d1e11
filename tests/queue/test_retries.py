"""A queued task's retry never waits as long as the broker's visibility timeout."""

import pytest

pytest.importorskip("celery", reason="celery is not installed (pip install -e '.[queue]')")

from indexer.queue.tasks import backoff  # noqa: E402


def test_a_retry_waits_less_than_the_visibility_timeout(monkeypatch):
    # Redis would hand a retry that waits longer to a second worker: both run, both retry.
    monkeypatch.setenv("LANTERN_QUEUE_VISIBILITY_TIMEOUT", "6")
    assert [backoff(n) for n in range(6)] == [1, 2, 3, 3, 3, 3]
    monkeypatch.setenv("LANTERN_QUEUE_VISIBILITY_TIMEOUT", "3600")
    assert [backoff(n) for n in range(8)] == [1, 2, 4, 8, 16, 32, 60, 60]
