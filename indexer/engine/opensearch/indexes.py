"""The versioned indexes behind the alias: moving the alias to a rebuilt index, and dropping
the indexes it replaced.

Once the `_aliases` call has been carried out the rebuild is finished, even when its answer is
lost (a timeout, a dropped connection, the client's retry refused because the alias already
moved): the alias itself says whether it moved. Dropping the replaced indexes comes after and
is best-effort: a failure is logged for an operator, never raised, so nothing that follows can
take the new, live index for an unfinished one and delete it.
"""

from __future__ import annotations

import logging

from opensearchpy import OpenSearch
from opensearchpy import exceptions as os_errors

log = logging.getLogger(__name__)


def indexes_behind(client: OpenSearch, alias: str) -> list[str]:
    if not client.indices.exists_alias(name=alias):
        return []
    return sorted(client.indices.get_alias(name=alias))


def create_index(client: OpenSearch, name: str, body: dict) -> None:
    """Create `name`; a cluster that does not know the pinned similarity (a fake, or a fork
    that calls it otherwise) gets the index with its own default, and a warning."""
    try:
        client.indices.create(index=name, body=body)
    except os_errors.RequestError as exc:
        settings = body.get("settings", {}).get("index", {})
        if "similarity" not in settings or "similarity" not in str(exc.info).lower():
            raise
        log.warning("the cluster refused the similarity %s (%s)", settings["similarity"], exc)
        index = {k: v for k, v in settings.items() if k != "similarity"}
        body = {**body, "settings": {**body["settings"], "index": index}}
        client.indices.create(index=name, body=body)


def first_index(alias: str) -> str:
    """The name of the first index behind `alias`: fixed, so that two writers starting at once
    on an empty cluster create one index (later ones are versioned by time, and sort after)."""
    return f"{alias}-v0"


def bootstrap(client: OpenSearch, alias: str, body: dict) -> None:
    """Make sure `alias` points at an index: create the first one with the alias in its create
    body (one atomic step; "already exists" means another writer made it: success)."""
    if indexes_behind(client, alias):
        return
    first = first_index(alias)
    try:
        create_index(client, first, {**body, "aliases": {alias: {}}})
    except os_errors.RequestError as exc:
        if exc.error != "resource_already_exists_exception":
            raise
        if not indexes_behind(client, alias):  # left without its alias: serve it again
            client.indices.update_aliases(
                body={"actions": [{"add": {"index": first, "alias": alias}}]}
            )


def move_alias(client: OpenSearch, alias: str, new: str) -> list[str]:
    """Point `alias` at `new` alone, in one atomic `_aliases` call; returns the indexes it
    left. Raises only when the alias did not move."""
    old = [name for name in indexes_behind(client, alias) if name != new]
    actions: list[dict] = [{"remove": {"index": name, "alias": alias}} for name in old]
    actions.append({"add": {"index": new, "alias": alias}})
    try:
        client.indices.update_aliases(body={"actions": actions})
    except os_errors.TransportError as exc:  # ConnectionError and timeouts too
        if not _moved(client, alias, new):
            raise
        log.warning("the alias %s moved to %s, though its answer was lost (%s)", alias, new, exc)
    return old


def _moved(client: OpenSearch, alias: str, new: str) -> bool:
    try:
        return indexes_behind(client, alias) == [new]
    except os_errors.TransportError:
        return False  # cannot tell: the caller's error stands, and nothing is deleted


def drop_replaced(client: OpenSearch, names: list[str]) -> None:
    """Delete indexes no alias serves any more; a failure is logged, never raised."""
    for name in names:
        try:
            client.indices.delete(index=name)
        except os_errors.TransportError as exc:
            log.warning(
                "the rebuild is live, but the index it replaced, %s, was not deleted (%s); "
                "delete it by hand (DELETE /%s) to free its disk",
                name,
                exc,
                name,
            )


def drop_unless_live(client: OpenSearch, alias: str, name: str) -> None:
    """Delete the index of an abandoned rebuild, unless the alias points at it."""
    if name in indexes_behind(client, alias):
        log.warning("rebuild abandoned, but %s is behind the alias %s: kept", name, alias)
        return
    client.indices.delete(index=name)
