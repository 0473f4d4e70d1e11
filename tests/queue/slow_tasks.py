"""The queue's Celery app with every map task held `HOLD_SECONDS` before it runs, so that a test
can kill a worker while it holds batches (`celery -A tests.queue.slow_tasks worker`).

A test knob of the worker, not a deployment setting: it lives with the tests, and hooks in
through Celery's own `task_prerun` signal.
"""

from __future__ import annotations

import time

from celery.signals import task_prerun

from indexer.queue.tasks import MAP_TASK, app

HOLD_SECONDS = 1.5

__all__ = ["app"]


@task_prerun.connect
def hold_map_tasks(sender=None, **_kwargs) -> None:
    if sender is not None and sender.name == MAP_TASK:
        time.sleep(HOLD_SECONDS)
