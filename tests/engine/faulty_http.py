"""A real HTTP(S) server in front of osmem-server that passes every request through, except
those a test asks it to spoil: the faults a real cluster's network shows and the fake does not.

    proxy = FaultyProxy.start(server.url)
    proxy.spoil("POST", "/_aliases", LOSE_ANSWER)   # carried out, but the answer never comes
    proxy.spoil("DELETE", "/lantern-v", 500)        # answered 500 without being passed on
    OpenSearchEngine(proxy.url, ...)

`tls` (an ssl.SSLContext for the server side) serves HTTPS, as a cluster with its own CA does.
"""

from __future__ import annotations

import http.client
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

LOSE_ANSWER = "lose-answer"  # pass the request on, then close the connection unanswered
REFUSE = "refuse"  # close the connection without passing the request on
SLOW = "slow"  # pass the request on, answer after `slow_seconds`: past the client's timeout


@dataclass
class Fault:
    method: str
    path_start: str
    what: Any  # LOSE_ANSWER, REFUSE or an HTTP status
    times: int


@dataclass
class FaultyProxy:
    upstream: str
    server: ThreadingHTTPServer
    url: str
    faults: list[Fault] = field(default_factory=list)
    seen: list[tuple[str, str]] = field(default_factory=list)
    bodies: list[int] = field(default_factory=list)  # bytes of each request body passed on
    slow_seconds: float = 2.0

    @classmethod
    def start(cls, upstream: str, tls=None, host: str = "127.0.0.1") -> FaultyProxy:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        server.daemon_threads = True
        if tls is not None:
            server.socket = tls.wrap_socket(server.socket, server_side=True)
        scheme = "https" if tls is not None else "http"
        proxy = cls(upstream, server, f"{scheme}://{host}:{server.server_address[1]}")
        server.proxy = proxy  # type: ignore[attr-defined]
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return proxy

    def spoil(self, method: str, path_start: str, what: Any, times: int = 1) -> None:
        """The next `times` requests `method` whose path starts with `path_start` meet `what`."""
        self.faults.append(Fault(method, path_start, what, times))

    def fault_for(self, method: str, path: str) -> Any:
        for fault in self.faults:
            if fault.method == method and path.startswith(fault.path_start) and fault.times:
                fault.times -= 1
                return fault.what
        return None

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:
        pass

    def _any(self) -> None:
        proxy: FaultyProxy = self.server.proxy  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        path = self.path.split("?", 1)[0]
        proxy.seen.append((self.command, path))
        fault = proxy.fault_for(self.command, path)
        if fault == REFUSE:
            self.close_connection = True
            return
        if isinstance(fault, int):
            self._answer(fault, b'{"error":{"type":"injected_fault"},"status":%d}' % fault)
            return
        proxy.bodies.append(len(body or b""))
        target = urllib.parse.urlsplit(proxy.upstream)
        upstream = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
        headers = {"Content-Type": self.headers.get("Content-Type", "application/json")}
        upstream.request(self.command, self.path, body=body, headers=headers)
        answer = upstream.getresponse()
        payload = answer.read()
        upstream.close()
        if fault == LOSE_ANSWER:
            self.close_connection = True
            return
        if fault == SLOW:
            time.sleep(proxy.slow_seconds)
        self._answer(answer.status, payload, answer.getheader("Content-Type"))

    def _answer(self, status: int, payload: bytes, kind: str | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind or "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _any  # noqa: N815 (http.server names)
