"""One SIP2 conversation with a member system: a socket (TLS when asked), each request sent and
its answer read back, every step within one deadline for the whole conversation.

The frames are pysip2's (`encode_message` / `decode_message`: the SIP2 2.00 layouts and the
AY/AZ error detection); this module only carries them. With error detection on, each request
has a sequence number (0-9, round and round) and a checksum; an answer with a wrong checksum is
asked again once (97, Request ACS Resend), a system that could not read ours (96, Request SC
Resend) is sent it again once, and an answer carrying another sequence number than the
request's is refused: the conversation is out of step and nothing more it says can be trusted.
"""

from __future__ import annotations

import socket
import ssl
import time

from pysip2 import (
    RequestACSResend,
    RequestSCResend,
    SIP2ChecksumError,
    SIP2Error,
    decode_message,
    encode_message,
)
from pysip2.models import SIPRequest, SIPResponse

from indexer.availability.model import ConnectorError

MAX_FRAME_BYTES = 64 * 1024  # an 18 answer is a few hundred bytes
_READ_BYTES = 4096


class Sip2Session:
    """A connection to `host`:`port`, open from `open()` (or `with`) to `close()`; `deadline`
    is a time.monotonic() value no socket operation may wait past."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        deadline: float,
        tls: bool = False,
        ca_file: str | None = None,
        checksums: bool = True,
        encoding: str = "cp850",
    ) -> None:
        self.host, self.port, self.deadline = host, port, deadline
        self.tls, self.ca_file = tls, ca_file
        self.checksums, self.encoding = checksums, encoding
        self.name = f"{'tls' if tls else 'tcp'}://{host}:{port}"
        self._sock: socket.socket | None = None
        self._buffer = bytearray()
        self._sequence = -1

    def __enter__(self) -> Sip2Session:
        self.open()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def open(self) -> None:
        try:
            sock = socket.create_connection((self.host, self.port), timeout=self._remaining())
        except OSError as exc:
            raise ConnectorError(f"{self.name}: {_why(exc)}") from exc
        if self.tls:
            try:
                sock.settimeout(self._remaining())
                context = ssl.create_default_context(cafile=self.ca_file)
                sock = context.wrap_socket(sock, server_hostname=self.host)
            except (OSError, ConnectorError) as exc:
                sock.close()
                raise ConnectorError(f"{self.name}: TLS: {_why(exc)}") from exc
        self._sock = sock

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def ask(self, request: SIPRequest, answer_type: type[SIPResponse]) -> SIPResponse:
        """The system's answer (an `answer_type`) to `request`, or ConnectorError."""
        self._sequence = (self._sequence + 1) % 10
        sequence = self._sequence if self.checksums else None
        frame = self._encode(request, sequence)
        self._send(frame)
        resent = False
        while True:
            try:
                decoded = decode_message(self._read_frame(), encoding=self.encoding)
            except SIP2ChecksumError as exc:
                if resent:
                    raise ConnectorError(f"{self.name}: answers with wrong checksums") from exc
                resent = True
                self._send(self._encode(RequestACSResend(), None))
                continue
            except SIP2Error as exc:
                raise ConnectorError(f"{self.name}: not a SIP2 answer: {exc}") from exc
            if isinstance(decoded.message, RequestSCResend) and not resent:
                resent = True
                self._send(frame)
                continue
            break
        if not isinstance(decoded.message, answer_type):
            said = type(decoded.message).__name__
            raise ConnectorError(f"{self.name}: answered {said}, not {answer_type.__name__}")
        if sequence is not None and decoded.sequence_number not in (None, sequence):
            raise ConnectorError(f"{self.name}: answered out of step (sequence number)")
        return decoded.message

    def _encode(self, message, sequence: int | None) -> bytes:
        try:
            return encode_message(
                message, sequence_number=sequence, checksum=self.checksums, encoding=self.encoding
            )
        except (SIP2Error, UnicodeEncodeError) as exc:  # a value the frame cannot carry
            raise ConnectorError(f"{self.name}: cannot ask in SIP2: {exc}") from exc

    def _send(self, frame: bytes) -> None:
        sock = self._open_socket()
        try:
            sock.settimeout(self._remaining())
            sock.sendall(frame)
        except OSError as exc:
            raise ConnectorError(f"{self.name}: {_why(exc)}") from exc

    def _read_frame(self) -> bytes:
        """The next CR-ended frame (a LF some systems send after the CR is dropped)."""
        sock = self._open_socket()
        while True:
            while self._buffer[:1] == b"\n":
                del self._buffer[:1]
            end = self._buffer.find(b"\r")
            if end != -1:
                frame = bytes(self._buffer[: end + 1])
                del self._buffer[: end + 1]
                return frame
            if len(self._buffer) > MAX_FRAME_BYTES:
                raise ConnectorError(f"{self.name}: an answer longer than {MAX_FRAME_BYTES} B")
            try:
                sock.settimeout(self._remaining())
                data = sock.recv(_READ_BYTES)
            except OSError as exc:
                raise ConnectorError(f"{self.name}: {_why(exc)}") from exc
            if not data:
                raise ConnectorError(f"{self.name}: closed the connection")
            self._buffer += data

    def _open_socket(self) -> socket.socket:
        if self._sock is None:
            raise ConnectorError(f"{self.name}: not connected")
        return self._sock

    def _remaining(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise ConnectorError(f"{self.name}: no answer in time")
        return left


def _why(exc: BaseException) -> str:
    """A short reason that names the condition (never a credential: none is in a socket error)."""
    if isinstance(exc, ConnectorError):
        return str(exc)
    if isinstance(exc, TimeoutError | socket.timeout):
        return "no answer in time"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"its certificate is not trusted ({exc.verify_message})"
    return f"{type(exc).__name__}: {exc.strerror or exc}" if isinstance(exc, OSError) else str(exc)
