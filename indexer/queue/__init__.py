"""Queued loads (Celery with Redis): the same load, spread over machines.

`plan` splits a load's files into batches and records them in the `registry` (Redis); `tasks`
are the Celery tasks, thin wrappers over `work`, where a map worker parses, maps and stores one
batch and the one write worker merges and indexes what the batches stored.
"""
