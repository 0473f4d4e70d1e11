"""MARCXML reading, streamed with lxml so memory stays flat however big the file.

Accepts a <collection> or bare <record>s (even several at top level, which is not well-formed XML
but common in exports), with the MARC21 slim namespace under any prefix or with none, and
MARC records inside wrappers such as OAI-PMH. lxml's recovering parser keeps going past
well-formedness errors; each error is reported on the record whose lines it falls in, or at file
level. A record missing a tag or subfield code is rejected alone, with its line number.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from lxml import etree

from indexer.errors import MarcXmlError
from indexer.marc.record import Field, MarcRecord
from indexer.sources.detect import GZIP_ERRORS, UTF8_BOM, UTF16_BOMS, open_binary
from indexer.sources.results import (
    Position,
    ReadResult,
    file_problem,
    rejected,
    result_for,
)

# A synthetic root lets several top-level <record>s parse as one document.
_WRAPPER_OPEN = b"<lantern-wrapper>"
_WRAPPER_CLOSE = b"</lantern-wrapper>"
_MARC_CHILDREN = {"leader", "controlfield", "datafield"}
# Used when a record has no <leader>: blank type and levels, the fixed parts filled in.
_DEFAULT_LEADER = "          22        4500"
# MARCXML's record/@type says what kind of record it is when the leader is missing.
_TYPE_ATTRIBUTE = {"Authority": "z", "Holdings": "y"}


def read_marcxml(path: str | Path, label: str | None = None) -> Iterator[ReadResult]:
    """One ReadResult per MARC <record> in a MARCXML file (plain or gzip)."""
    name = label or Path(path).name
    with open_binary(path) as stream:
        yield from _read_stream(_WrappedStream(stream), name)


def _read_stream(stream: _WrappedStream, name: str) -> Iterator[ReadResult]:
    parser = etree.iterparse(
        stream,
        events=("end",),
        tag="{*}record",
        recover=True,
        huge_tree=True,
        resolve_entities=False,
        no_network=True,
        remove_comments=True,
    )
    errors = _ErrorQueue(parser)
    pending: tuple[ReadResult, int] | None = None  # held until the next record bounds its lines
    index = 0
    stopped: str | None = None
    while True:
        try:
            _, element = next(parser)
        except StopIteration:
            break
        except etree.XMLSyntaxError as exc:  # recover=True still gives up on some damage
            stopped = f"XML parsing stopped: {exc}"
            break
        except GZIP_ERRORS as exc:
            stopped = f"compressed data is damaged: {exc}"
            break
        if not _is_marc_record(element):
            continue
        index += 1
        line = element.sourceline or 0
        result = _result_for_element(element, Position(name, index, line=line))
        _release(element)
        if pending is not None:
            yield errors.attach(*pending, before=line)
        pending = (result, line)
    if pending is not None:
        yield errors.attach(*pending, before=None)
    errors.finish()
    if errors.unattached:
        first = errors.unattached[0]
        more = f" (and {len(errors.unattached) - 1} more)" if len(errors.unattached) > 1 else ""
        problem = f"XML not well-formed at line {first.line}: {first.message.strip()}{more}"
        yield file_problem(name, problem)
    if stopped:
        yield file_problem(name, stopped)
    elif index == 0:
        yield file_problem(name, "no MARCXML <record> elements found")


class _ErrorQueue:
    """Parser errors waiting to be attached to the record whose lines they fall in.

    lxml parses ahead of the records it hands out, so an error can be logged before the record it
    belongs to is seen; errors wait here until a record's line span is known.
    """

    def __init__(self, parser) -> None:
        self._parser = parser
        self._seen = 0
        self._waiting: list = []
        self.unattached: list = []  # errors outside every record

    def attach(self, result: ReadResult, start: int, before: int | None) -> ReadResult:
        self._collect()
        mine = []
        later = []
        for error in self._waiting:
            if error.line < start:
                self.unattached.append(error)
            elif before is None or error.line < before:
                mine.append(error)
            else:
                later.append(error)
        self._waiting = later
        if mine:
            notes = tuple(f"XML repaired at line {e.line}: {e.message.strip()}" for e in mine[:5])
            result.warnings = result.warnings + notes
        return result

    def _collect(self) -> None:
        log = self._parser.error_log
        if len(log) > self._seen:
            entries = list(log)
            # Warnings (e.g. a relative namespace URI) do not damage data; errors do.
            self._waiting += [e for e in entries[self._seen :] if e.level >= _ERROR_LEVEL]
            self._seen = len(entries)

    def finish(self) -> None:
        self._collect()
        self.unattached += self._waiting
        self._waiting = []


_ERROR_LEVEL = etree.ErrorLevels.ERROR
_OAI_NAMESPACE = "{http://www.openarchives.org/OAI/2.0/}"


def _is_marc_record(element) -> bool:
    for child in element:
        tag = child.tag
        if isinstance(tag, str) and tag[tag.rfind("}") + 1 :] in _MARC_CHILDREN:
            return True
    # An empty <record> is a (broken) MARC record; an OAI-PMH <record> is only a wrapper.
    return not element.tag.startswith(_OAI_NAMESPACE) and (
        next(element.iterdescendants("{*}record"), None) is None
    )


def _release(element) -> None:
    # Free what has been read: the record's content and the records before it.
    element.clear(keep_tail=True)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def _result_for_element(element, position: Position) -> ReadResult:
    try:
        record, warnings = _record_from_element(element)
    except MarcXmlError as exc:
        return rejected(position, str(exc), _control_number(element))
    return result_for(position, record, warnings)


def _record_from_element(element) -> tuple[MarcRecord, tuple[str, ...]]:
    leader = None
    fields = []
    warnings: list[str] = []
    for child in element:
        tag = child.tag
        if not isinstance(tag, str):
            continue  # processing instruction
        local = tag[tag.rfind("}") + 1 :]
        if local == "datafield":
            _datafield(child, warnings, fields)
        elif local == "controlfield":
            fields.append(_controlfield(child))
        elif local == "leader":
            leader = _leader(_text(child), warnings)
        else:
            warnings.append(f"unexpected <{local}> element ignored (line {child.sourceline})")
    if leader is None:
        leader = _DEFAULT_LEADER
        record_type = _TYPE_ATTRIBUTE.get(element.get("type", ""))
        if record_type:
            leader = leader[:6] + record_type + leader[7:]
        warnings.append("no leader; a blank one was assumed")
    if not fields:
        raise MarcXmlError("record has no fields")
    return MarcRecord(leader, fields), tuple(warnings)


def _datafield(element, warnings: list[str], fields: list[Field]) -> None:
    """Append the field for <datafield> `element`, then any fields the XML recovery nested in it."""
    tag = element.get("tag")
    if not tag:
        raise MarcXmlError(f"datafield without a tag (line {element.sourceline})")
    subfields = []
    nested = []
    for child in element:
        child_tag = child.tag
        if not isinstance(child_tag, str):
            continue
        local = child_tag[child_tag.rfind("}") + 1 :]
        if local == "subfield":
            code = child.get("code")
            if code is None:
                where = f"line {child.sourceline}"
                raise MarcXmlError(f"field {tag}: subfield without a code ({where})")
            subfields.append((code, _text(child)))
        elif local in ("datafield", "controlfield"):
            nested.append(child)  # an unclosed <datafield> swallowed the fields after it
        else:
            where = f"line {child.sourceline}"
            warnings.append(f"field {tag}: unexpected <{local}> ignored ({where})")
    ind1 = _indicator(element.get("ind1"))
    fields.append(Field(tag, ind1, _indicator(element.get("ind2")), subfields))
    for child in nested:
        if child.tag.endswith("datafield"):
            _datafield(child, warnings, fields)
        else:
            fields.append(_controlfield(child))


def _controlfield(element) -> Field:
    tag = element.get("tag")
    if not tag:
        raise MarcXmlError(f"controlfield without a tag (line {element.sourceline})")
    return Field(tag, " ", " ", [], _text(element))


def _indicator(value: str | None) -> str:
    return value[0] if value else " "


def _text(element) -> str:
    text = (element.text or "") if len(element) == 0 else "".join(element.itertext())
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def _leader(text: str, warnings: list[str]) -> str:
    if len(text) == 24:
        return text
    trimmed = text.strip("\r\n\t")
    if len(trimmed) > 24 and not trimmed[24:].strip():
        trimmed = trimmed[:24]
    if len(trimmed) != 24:
        warnings.append(f"leader has {len(trimmed)} characters, not 24; padded or cut")
        trimmed = trimmed.ljust(24)[:24]
    return trimmed


def _control_number(element) -> str | None:
    """The 001 of a rejected record, for the report (looked up before the element is freed)."""
    for child in element:
        tag = child.tag
        if isinstance(tag, str) and tag.endswith("controlfield") and child.get("tag") == "001":
            value = (child.text or "").strip()
            return value or None
    return None


class _WrappedStream:
    """The file's bytes with a synthetic root element around everything after the XML declaration.

    The wrapper is inserted without line breaks, so lxml's line numbers stay those of the file.
    UTF-16 files are passed through unchanged (rare for MARCXML; the wrapper would need encoding).
    """

    def __init__(self, stream: BinaryIO) -> None:
        # read1 hands over what a damaged gzip stream yields before the damage; read would not.
        self._read = getattr(stream, "read1", stream.read)
        self._error: Exception | None = None
        try:
            head = self._read(64 * 1024)
        except GZIP_ERRORS as exc:
            head, self._error = b"", exc
        if head.startswith(UTF16_BOMS):
            self._pending = [head]
            self._close: bytes | None = b""
            return
        cut = _after_declaration(head)
        self._pending = [head[:cut], _WRAPPER_OPEN, head[cut:]]
        self._close = _WRAPPER_CLOSE

    def read(self, size: int = -1) -> bytes:
        while self._pending:
            piece = self._pending.pop(0)
            if piece:
                return piece
        if self._error is not None:
            raise self._error
        data = self._read(size if size and size > 0 else 64 * 1024)
        if data:
            return data
        close, self._close = self._close, None
        return close or b""


def _after_declaration(head: bytes) -> int:
    """Offset just after the XML declaration (and any BOM), where the wrapper can open."""
    start = len(UTF8_BOM) if head.startswith(UTF8_BOM) else 0
    stripped = head[start:].lstrip()
    if stripped.startswith(b"<?xml"):
        declaration_start = len(head) - len(stripped)
        end = head.find(b"?>", declaration_start)
        if end != -1:
            return end + 2
    return start
