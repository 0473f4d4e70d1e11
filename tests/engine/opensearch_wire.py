"""A recording stand-in for opensearch-py's HTTP connection (a fake of the library, not of our
code): the real client and transport serialise every request; this connection records the
method, path, query parameters and body it would have sent, and answers like a small
OpenSearch cluster (indexes and aliases kept, bulk items acknowledged, searches empty).

Tests can queue failures (`fail_next("bulk", 429)`) to exercise retries and outages.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from opensearchpy import OpenSearch
from opensearchpy.connection import Connection


@dataclass
class Request:
    method: str
    path: str
    params: dict[str, Any]
    body: bytes | None

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None

    def ndjson(self) -> list[Any]:
        return [json.loads(line) for line in (self.body or b"").splitlines() if line.strip()]

    @property
    def kind(self) -> str:
        last = self.path.rstrip("/").rsplit("/", 1)[-1]
        return last if last.startswith("_") else self.method


@dataclass
class FakeCluster:
    requests: list[Request] = field(default_factory=list)
    indexes: dict[str, set[str]] = field(default_factory=dict)  # index -> its aliases
    documents: dict[tuple[str, str], dict] = field(default_factory=dict)  # the writer lease
    failures: list[tuple[str, Any]] = field(default_factory=list)

    def fail_next(self, kind: str, failure: Any) -> None:
        """The next request of `kind` ("_bulk", "_search", ...) answers with `failure`: an HTTP
        status, "connection" (refused), or ("items", status) for a bulk whose items fail."""
        self.failures.append((kind, failure))

    def of_kind(self, kind: str) -> list[Request]:
        return [r for r in self.requests if r.kind == kind]

    def client(self) -> OpenSearch:
        cluster = self

        class RecordingConnection(Connection):
            def perform_request(
                self, method, url, params=None, body=None, timeout=None, ignore=(), headers=None
            ):
                if isinstance(body, str):
                    body = body.encode()
                request = Request(method, url.split("?", 1)[0], dict(params or {}), body)
                cluster.requests.append(request)
                status, answer = cluster.answer(request)
                raw = json.dumps(answer)
                if not (200 <= status < 300) and status not in ignore:
                    self._raise_error(status, raw, "application/json")
                return status, {"content-type": "application/json"}, raw

            def close(self) -> None:
                pass

        return OpenSearch(
            hosts=["http://fake:9200"], connection_class=RecordingConnection, max_retries=0
        )

    # --- answers ---------------------------------------------------------------------------

    def _failure(self, request: Request) -> Any:
        for i, (kind, failure) in enumerate(self.failures):
            if kind == request.kind:
                del self.failures[i]
                return failure
        return None

    def _document(self, request: Request, index: str, op: str, doc_id: str) -> tuple[int, Any]:
        """One document by id: create (409 if it exists), get, index, delete; seq_no counts
        every change, so compare-and-set with if_seq_no works as on a cluster."""
        key = (index, doc_id)
        held = self.documents.get(key)
        if request.method == "GET":
            if held is None:
                return 404, {"found": False}
            return 200, {"found": True, **held}
        seq_no = request.params.get("if_seq_no")
        if (op == "_create" and held) or (
            seq_no is not None and (held is None or int(seq_no) != held["_seq_no"])
        ):
            return 409, {"error": {"type": "version_conflict_engine_exception"}, "status": 409}
        changes = getattr(self, "_changes", 0)
        self._changes = changes + 1
        if request.method == "DELETE":
            self.documents.pop(key, None)
        else:
            self.documents[key] = {
                "_seq_no": changes,
                "_primary_term": 1,
                "_source": request.json(),
            }
        return 200, {"_id": doc_id, "_seq_no": changes, "_primary_term": 1, "result": "ok"}

    def answer(self, request: Request) -> tuple[int, Any]:
        from opensearchpy.exceptions import ConnectionError as ClientConnectionError

        failure = self._failure(request)
        if failure == "connection":
            raise ClientConnectionError("N/A", "connection refused", None)
        if isinstance(failure, int):
            return failure, {
                "error": {"type": "fake_failure", "reason": "queued"},
                "status": failure,
            }
        parts = [p for p in request.path.split("/") if p]
        method = request.method
        if parts and parts[0] == "_alias" and method in ("HEAD", "GET"):
            holders = [i for i, a in self.indexes.items() if parts[1] in a]
            if not holders:
                return 404, {"error": "alias not found", "status": 404}
            return 200, {i: {"aliases": {parts[1]: {}}} for i in holders}
        if parts == ["_aliases"]:
            for action in request.json()["actions"]:
                ((op, spec),) = action.items()
                if op == "add":
                    self.indexes[spec["index"]].add(spec["alias"])
                else:
                    self.indexes[spec["index"]].discard(spec["alias"])
            return 200, {"acknowledged": True}
        if len(parts) == 1 and method == "HEAD":
            return (200 if parts[0] in self.indexes else 404), {}
        if len(parts) == 1 and method == "PUT":
            if parts[0] in self.indexes:
                error = {"type": "resource_already_exists_exception", "reason": "exists"}
                return 400, {"error": error, "status": 400}
            self.indexes[parts[0]] = set((request.json() or {}).get("aliases", {}))
            return 200, {"acknowledged": True, "index": parts[0]}
        if len(parts) == 3 and parts[1] in ("_create", "_doc"):
            return self._document(request, parts[0], parts[1], parts[2])
        if len(parts) == 1 and method == "DELETE":
            self.indexes.pop(parts[0], None)
            return 200, {"acknowledged": True}
        kind = request.kind
        if kind == "_bulk":
            lines = request.ndjson()
            items = []
            status = failure[1] if isinstance(failure, tuple) else 200
            for line in lines:
                if len(line) == 1 and next(iter(line)) in ("index", "delete", "create", "update"):
                    ((op, meta),) = line.items()
                    items.append({op: {"_id": meta.get("_id"), "status": status}})
            return 200, {"took": 1, "errors": status >= 300, "items": items}
        if kind == "_refresh":
            return 200, {"_shards": {"total": 1, "successful": 1, "failed": 0}}
        if kind == "_count":
            return 200, {"count": 0}
        if kind == "_search":
            body = request.json() or {}
            aggs = {
                name: {"doc_count": 0, "values": {"buckets": []}} for name in body.get("aggs", {})
            }
            return 200, {
                "took": 1,
                "hits": {"total": {"value": 0, "relation": "eq"}, "hits": []},
                "aggregations": aggs,
            }
        return 200, {}
