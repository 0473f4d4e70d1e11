"""Member library systems for the tests: real HTTP servers on real sockets, in threads.

`System` answers each GET as its `mode` says: "ilsdi" (a Koha-style ilsdi.pl: GetRecords in
Koha's XML::Simple shape, each item with its itemnumber, barcode, onloan and flags; and
GetAvailability's DLF collection, written by Lantern's own ILS-DI writer; for the statuses the
test sets), "daia" (a DAIA JSON answer), "hang" (never answers), "slow" (answers
after `delay` seconds), "garbage" (bytes that are no answer), "error" (HTTP 500)."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse
from xml.sax.saxutils import escape

from indexer.feed.availability import item_entry, to_dlf_xml


class System:
    def __init__(self, mode: str = "ilsdi") -> None:
        self.mode = mode
        self.delay = 0.0
        self.statuses: dict[str, list[dict]] = {}  # record id -> its items (index holdings)
        self.requests: list[dict] = []
        self._release = threading.Event()
        system = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the standard library's name
                system.requests.append(parse_qs(urlparse(self.path).query))
                system.answer(self)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/cgi-bin/koha/ilsdi.pl"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        if self.mode == "hang":
            self._release.wait(30)
            return
        if self.mode == "slow":
            time.sleep(self.delay)
        if self.mode == "error":
            handler.send_error(500)
            return
        query = parse_qs(urlparse(handler.path).query)
        if self.mode == "garbage":
            body, kind = b"\x00\xffnot an answer<<<", "text/xml"
        elif self.mode == "daia":
            body, kind = self._daia(query["id"][0].split("|")), "application/json"
        elif query.get("service") == ["GetRecords"]:
            body, kind = self._get_records(query["id"][0].split()), "text/xml"
        else:
            body, kind = self._ilsdi(query["id"][0].split()), "text/xml"
        handler.send_response(200)
        handler.send_header("Content-Type", kind)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    def _ilsdi(self, ids: list[str]) -> bytes:
        entries = []
        for record_id in ids:
            items = [item_entry(record_id, h) for h in self.statuses.get(record_id, [])]
            entries.append({"id": record_id, "status": "unknown", "items": items})
        return to_dlf_xml(entries, "bib").encode()

    def _get_records(self, ids: list[str]) -> bytes:
        out = ['<?xml version="1.0" encoding="UTF-8" ?>\n<GetRecords>']
        for record_id in ids:
            out.append(f"<record><biblionumber>{escape(record_id)}</biblionumber><items>")
            for h in self.statuses.get(record_id, []):
                flags = {
                    "onloan": h.get("due_date") if h["status"] == "on_loan" else None,
                    "notforloan": "1" if h["status"] == "reference" else "0",
                    "itemlost": "1" if h["status"] == "missing" else "0",
                    "withdrawn": "0",
                    "damaged": "0",
                }
                fields = [f"<itemnumber>{escape(h['item_id'])}</itemnumber>"]
                fields.append(f"<barcode>{escape(h['item_id'])}</barcode>")
                fields += [f"<{k}>{escape(v)}</{k}>" for k, v in flags.items() if v]
                out.append("<item>" + "".join(fields) + "</item>")
            out.append("</items></record>")
        out.append("</GetRecords>")
        return "".join(out).encode()

    def _daia(self, ids: list[str]) -> bytes:
        documents = []
        for record_id in ids:
            items = []
            for h in self.statuses.get(record_id, []):
                item = {"id": h["item_id"]}
                if h["status"] == "available":
                    item["available"] = [{"service": "loan"}]
                else:
                    item["unavailable"] = [{"service": "loan", "expected": h.get("due_date")}]
                items.append(item)
            documents.append({"id": record_id, "item": items})
        return json.dumps({"document": documents}).encode()

    def close(self) -> None:
        self._release.set()
        self.server.shutdown()
        self.server.server_close()
