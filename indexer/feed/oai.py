"""OAI-PMH 2.0 data provider over the merged documents (no Flask: `respond` takes the request's
arguments and returns the XML text; `opac/oai` serves it).

Harvest consistency: a list request freezes its upper bound at the time of the first request
(or the `until` given, if earlier) and carries it in every resumption token, while pages follow
the keyset (datestamp, id). A document that changes during a harvest gets a datestamp after the
bound, so it leaves this harvest's list (nothing is sent twice) and is picked up by the next
incremental harvest `from` this harvest's responseDate (nothing is lost).
"""

from __future__ import annotations

import copy
import dataclasses
import time
from dataclasses import dataclass

from indexer.feed import tokens
from indexer.feed.dc import to_oai_dc
from indexer.feed.oai_args import SET_SPEC, OaiError, date_range, parse_request, utc
from indexer.feed.source import ReadOnlyStore, fetch_displays
from indexer.feed.text import escape, xml_safe
from indexer.marc.from_document import known_sites, record_from_document
from indexer.marc.record import MarcRecord
from indexer.marc.writer import to_marcxml

OAI_OPEN = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://www.openarchives.org/OAI/2.0/ '
    'http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd">'
)
FORMATS = {
    "oai_dc": (
        "http://www.openarchives.org/OAI/2.0/oai_dc.xsd",
        "http://www.openarchives.org/OAI/2.0/oai_dc/",
    ),
    "marc21": (
        "http://www.loc.gov/standards/marcxml/schema/MARC21slim.xsd",
        "http://www.loc.gov/MARC21/slim",
    ),
}
PAGE_SIZE = 500
VERB_METHODS = {
    "Identify": "_identify", "ListMetadataFormats": "_list_metadata_formats",
    "ListSets": "_list_sets", "GetRecord": "_get_record",
    "ListIdentifiers": "_list_identifiers", "ListRecords": "_list_records",
}  # fmt: skip
# Parent sets that hold every document (each has at least one library and one format).
PARENT_SETS = {"library": "Member libraries", "format": "Formats"}


@dataclass(frozen=True, slots=True)
class Repository:
    name: str
    base_url: str  # of the /oai endpoint itself
    host: str  # namespace of oai:HOST:ID identifiers
    admin_email: str
    org_code: str = ""  # MARC 003
    record_url: str = ""  # "https://opac.example/record/{id}" for dc:identifier
    sets: bool = True


class OaiProvider:
    def __init__(
        self,
        repository: Repository,
        store: ReadOnlyStore,
        engine,
        consortium,
        key: bytes,
        page_size: int = PAGE_SIZE,
    ) -> None:
        self.repo = repository
        self.store = store
        self.engine = engine
        self.consortium = consortium
        self.key = key
        self.page_size = max(page_size, 1)
        self.sites = known_sites(consortium)  # for the 852 of a member record without items
        self._prefix = f"oai:{repository.host}:"

    # --- entry point --------------------------------------------------------------------------

    def at(self, base_url: str) -> OaiProvider:
        """This provider answering at `base_url` (its baseURL and <request>), sharing the rest."""
        answering = copy.copy(self)
        answering.repo = dataclasses.replace(self.repo, base_url=base_url)
        return answering

    def respond(self, pairs: list[tuple[str, str]], now: float | None = None) -> str:
        """The response document for one request (errors included: HTTP status is always 200)."""
        now = time.time() if now is None else now
        try:
            request = parse_request(pairs)
        except OaiError as exc:
            return self._envelope(now, {}, _error(exc))
        attrs = {"verb": request.verb, **request.args}
        try:
            body = getattr(self, VERB_METHODS[request.verb])(request.args, now)
        except OaiError as exc:
            return self._envelope(now, {} if exc.code == "badArgument" else attrs, _error(exc))
        return self._envelope(now, attrs, body)

    def _envelope(self, now: float, attrs: dict[str, str], body: str) -> str:
        attributes = "".join(f' {k}="{escape(xml_safe(v))}"' for k, v in attrs.items())
        return (
            f"{OAI_OPEN}<responseDate>{utc(now)}</responseDate>"
            f"<request{attributes}>{escape(self.repo.base_url)}</request>{body}</OAI-PMH>"
        )

    # --- verbs --------------------------------------------------------------------------------

    def _identify(self, args: dict, now: float) -> str:
        earliest = self.store.earliest_datestamp() if self.store.exists() else None
        return (
            "<Identify>"
            f"<repositoryName>{escape(xml_safe(self.repo.name))}</repositoryName>"
            f"<baseURL>{escape(self.repo.base_url)}</baseURL>"
            "<protocolVersion>2.0</protocolVersion>"
            f"<adminEmail>{escape(self.repo.admin_email)}</adminEmail>"
            f"<earliestDatestamp>{utc(earliest or 0)}</earliestDatestamp>"
            "<deletedRecord>persistent</deletedRecord>"
            "<granularity>YYYY-MM-DDThh:mm:ssZ</granularity>"
            "</Identify>"
        )

    def _list_metadata_formats(self, args: dict, now: float) -> str:
        if "identifier" in args:
            self._document(args["identifier"])
        formats = "".join(
            f"<metadataFormat><metadataPrefix>{prefix}</metadataPrefix><schema>{schema}</schema>"
            f"<metadataNamespace>{namespace}</metadataNamespace></metadataFormat>"
            for prefix, (schema, namespace) in FORMATS.items()
        )
        return f"<ListMetadataFormats>{formats}</ListMetadataFormats>"

    def _list_sets(self, args: dict, now: float) -> str:
        if not self.repo.sets:
            raise OaiError("noSetHierarchy", "this repository does not support sets")
        if "resumptionToken" in args:
            raise OaiError("badResumptionToken", "ListSets is answered in one response")
        sets = "".join(
            f"<set><setSpec>{escape(spec)}</setSpec>"
            f"<setName>{escape(xml_safe(name))}</setName></set>"
            for spec, name in self.sets()
        )
        return f"<ListSets>{sets}</ListSets>"

    def sets(self) -> list[tuple[str, str]]:
        """(setSpec, setName): the consortium's libraries and regions and the formats present."""
        found: dict[str, str] = dict(PARENT_SETS)
        regions: set[str] = set()
        for code, library in sorted(self.consortium.libraries.items()):
            found[f"library:{code}"] = library.name
            if library.region:
                regions.add(library.region)
        for spec in self.store.set_specs():
            kind, _, value = spec.partition(":")
            if kind == "format":
                found[spec] = value.replace("_", " ")
            elif kind == "region":
                regions.add(value)
            elif kind == "library" and spec not in found:
                found[spec] = value
        for region in sorted(regions):
            found[f"region:{region}"] = f"Region {region}"
        return [(spec, name) for spec, name in found.items() if SET_SPEC.match(spec)]

    def _get_record(self, args: dict, now: float) -> str:
        prefix = self._format(args["metadataPrefix"])
        doc_id, (stamp, deleted, sets) = self._document(args["identifier"])
        display = None if deleted else self.engine.get(doc_id)
        return f"<GetRecord>{self._record(doc_id, stamp, sets, display, prefix)}</GetRecord>"

    def _list_identifiers(self, args: dict, now: float) -> str:
        return self._list("ListIdentifiers", args, now)

    def _list_records(self, args: dict, now: float) -> str:
        return self._list("ListRecords", args, now)

    # --- lists --------------------------------------------------------------------------------

    def _start(self, verb: str, args: dict, now: float) -> tokens.Cursor:
        prefix = self._format(args["metadataPrefix"])
        set_spec = args.get("set")
        if set_spec and not self.repo.sets:
            raise OaiError("noSetHierarchy", "this repository does not support sets")
        since, until = date_range(args)
        until = now if until is None else min(until, now)  # freeze the harvest's upper bound
        total = self._count(since, until, set_spec)
        if not total:
            raise OaiError("noRecordsMatch", "no records match these arguments")
        return tokens.Cursor(
            verb, prefix, set_spec, since, until, 0.0, "", 0, total, now + tokens.TOKEN_LIFETIME
        )

    def _list(self, verb: str, args: dict, now: float) -> str:
        resumed = "resumptionToken" in args
        if resumed:
            try:
                cursor = tokens.decode(args["resumptionToken"], self.key, now)
            except tokens.BadTokenError as exc:
                raise OaiError("badResumptionToken", str(exc)) from None
            if cursor.verb != verb:
                raise OaiError("badResumptionToken", f"this token belongs to {cursor.verb}")
            spec = cursor.set_spec
            if cursor.prefix not in FORMATS or (spec is not None and not SET_SPEC.match(spec)):
                raise OaiError("badResumptionToken", "not a resumption token of this repository")
        else:
            cursor = self._start(verb, args, now)
        rows = self._rows(cursor)
        more = len(rows) > self.page_size
        rows = rows[: self.page_size]
        if not rows:
            # Everything after the position changed during the harvest (after the frozen bound).
            raise OaiError("noRecordsMatch", "no further records: the list is complete")
        if verb == "ListRecords":
            displays = fetch_displays(self.engine, [r[0] for r in rows if not r[2]])
            items = [
                self._record(i, s, sets, displays.get(i), cursor.prefix, gone)
                for i, s, gone, sets in rows
            ]
        else:
            items = [self._header(i, s, sets, gone) for i, s, gone, sets in rows]
        out = [f"<{verb}>", *items]
        if more:
            last = rows[-1]
            following = tokens.Cursor(
                cursor.verb,
                cursor.prefix,
                cursor.set_spec,
                cursor.since,
                cursor.until,
                last[1],
                last[0],
                cursor.cursor + len(rows),
                cursor.total,
                now + tokens.TOKEN_LIFETIME,
            )
            out.append(
                f'<resumptionToken expirationDate="{utc(following.expires)}" '
                f'completeListSize="{cursor.total}" cursor="{cursor.cursor}">'
                f"{tokens.encode(following, self.key)}</resumptionToken>"
            )
        elif resumed:
            # The last page of a list sent in several: an empty token says "complete".
            out.append(
                f'<resumptionToken completeListSize="{cursor.total}" cursor="{cursor.cursor}"/>'
            )
        out.append(f"</{verb}>")
        return "".join(out)

    def _filter(self, set_spec: str | None) -> str | None:
        return None if set_spec in PARENT_SETS else set_spec

    def _count(self, since, until, set_spec) -> int:
        if not self.store.exists():
            return 0
        return self.store.count_changes(since=since, until=until, set_spec=self._filter(set_spec))

    def _rows(self, cursor: tokens.Cursor) -> list[tuple[str, float, bool, str]]:
        after = (cursor.after_stamp, cursor.after_id) if cursor.after_id else None
        return self.store.changes(
            since=cursor.since,
            until=cursor.until,
            set_spec=self._filter(cursor.set_spec),
            after=after,
            limit=self.page_size + 1,
        )

    # --- records ------------------------------------------------------------------------------

    def _format(self, prefix: str) -> str:
        if prefix not in FORMATS:
            raise OaiError("cannotDisseminateFormat", f"formats offered: {', '.join(FORMATS)}")
        return prefix

    def _document(self, identifier: str) -> tuple[str, tuple[float, bool, str]]:
        doc_id = identifier[len(self._prefix) :] if identifier.startswith(self._prefix) else ""
        row = self.store.document_row(doc_id) if doc_id else None
        if row is None:
            raise OaiError("idDoesNotExist", "no record has this identifier")
        return doc_id, row

    def _header(self, doc_id: str, stamp: float, sets: str, deleted: bool) -> str:
        specs = "".join(f"<setSpec>{s}</setSpec>" for s in sets.split() if SET_SPEC.match(s))
        status = ' status="deleted"' if deleted else ""
        return (
            f"<header{status}><identifier>{self._prefix}{escape(doc_id)}</identifier>"
            f"<datestamp>{utc(stamp)}</datestamp>{specs}</header>"
        )

    def marc_record(self, display: dict, stamp: float | None = None) -> MarcRecord:
        """The `marc21` record of a document: the consortium's 003 and the store's datestamp
        (looked up when not given). The record page's MARC downloads are this record too."""
        if stamp is None:
            row = self.store.document_row(display["id"])
            stamp = row[0] if row else None
        return record_from_document(
            display, org_code=self.repo.org_code, datestamp=stamp, sites=self.sites
        )

    def _record(
        self,
        doc_id: str,
        stamp: float,
        sets: str,
        display: dict | None,
        prefix: str,
        deleted: bool = False,
    ) -> str:
        # A live row whose document the index no longer has is being deleted right now (the
        # index commits before the store): report it deleted rather than send nothing.
        if deleted or display is None:
            return f"<record>{self._header(doc_id, stamp, sets, True)}</record>"
        if prefix == "marc21":
            metadata = to_marcxml(self.marc_record(display, stamp))
        else:
            url = self.repo.record_url.replace("{id}", doc_id) if self.repo.record_url else None
            metadata = to_oai_dc(display, url)
        return (
            f"<record>{self._header(doc_id, stamp, sets, False)}"
            f"<metadata>{metadata}</metadata></record>"
        )


def _error(exc: OaiError) -> str:
    return f'<error code="{exc.code}">{escape(xml_safe(exc.message))}</error>'
