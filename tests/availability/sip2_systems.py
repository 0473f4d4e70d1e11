"""SIP2 member systems for the tests, on real sockets.

`Sip2System` is a real SIP2 server: pysip2's SIP2Server (the ACS side of the same codec the
connector uses), served in a thread by an AnyIO blocking portal, over TCP or TLS. It answers
93 with 94 for the login the test sets, and 17 with 18 for the items the test sets (an item it
does not know: 01 "other" with "Item not found", as Koha does); `delay` holds every 18 back.

`BrokenSystem` is a socket server that speaks no SIP2: "hang" (reads, never answers),
"garbage" (bytes that are no SIP2 frame), "close" (hangs up after the first request),
"bad_checksum" (an 18 whose AZ checksum is wrong, twice), "noisy_line" (an 18 garbled on the
way, then sent again clean when asked to with a 97).

`self_signed` makes a certificate for 127.0.0.1 (with the `cryptography` package when it is
installed, else `openssl` on PATH; the test is skipped when neither is there)."""

from __future__ import annotations

import datetime
import shutil
import socket
import ssl
import subprocess
import threading
from pathlib import Path

import anyio
import pytest
from anyio import create_tcp_listener
from anyio.abc import SocketAttribute
from anyio.from_thread import start_blocking_portal
from anyio.streams.tls import TLSListener
from pysip2 import (
    ITEM_INFORMATION,
    LOGIN,
    ItemInformationRequest,
    ItemInformationResponse,
    LoginRequest,
    LoginResponse,
    SIP2Server,
    calculate_checksum,
)


class Sip2System:
    def __init__(self, *, login: tuple[str, str] | None = None, tls_files=None, **server):
        self.items: dict[str, dict] = {}  # barcode -> {"status": "04", "due": ..., "say": ...}
        self.asked: list[str] = []  # barcodes, in the order asked
        self.logins: list[tuple[str, str, str | None]] = []
        self.delay = 0.0
        self.login = login
        self.app = SIP2Server(institution_id="T", login_required=login is not None, **server)
        self.app.route(LOGIN)(self._login)
        self.app.route(ITEM_INFORMATION)(self._item)
        self._tls = _server_context(*tls_files) if tls_files else None
        self._portal_cm = start_blocking_portal()
        self._portal = self._portal_cm.__enter__()
        self.port = self._portal.call(self._listen)
        self._serving = self._portal.start_task_soon(self._listener.serve, self._connection)
        self.url = f"{'tls' if tls_files else 'tcp'}://127.0.0.1:{self.port}"

    def set(self, barcode: str, status: str, due: str | None = None, say: str = "") -> None:
        self.items[barcode] = {"status": status, "due": due, "say": say}

    async def _listen(self) -> int:
        listener = await create_tcp_listener(local_host="127.0.0.1", local_port=0)
        port = listener.extra(SocketAttribute.local_port)
        self._listener = TLSListener(listener, self._tls, False) if self._tls else listener
        return port

    async def _connection(self, stream) -> None:
        # pysip2's own connection loop; its public start() serves plain TCP only, and a SIP2
        # system behind TLS is the same loop over a TLS stream.
        await self.app._handle_connection(stream)

    def _login(self, request: LoginRequest, ctx) -> LoginResponse:
        said = (request.login_user_id, request.login_password, request.location_code)
        self.logins.append(said)
        return LoginResponse(ok="1" if said[:2] == self.login else "0")

    async def _item(self, request: ItemInformationRequest, ctx) -> ItemInformationResponse:
        self.asked.append(request.item_identifier)
        if self.delay:
            await anyio.sleep(self.delay)
        item = self.items.get(request.item_identifier)
        if item is None:
            say = ("Item not found",)
        else:
            say = (item["say"],) if item["say"] else ()
        return ItemInformationResponse(
            circulation_status=item["status"] if item else "01",
            security_marker="02",
            fee_type="01",
            transaction_date=ctx.now_18(),
            due_date=item["due"] if item else None,
            item_identifier=request.item_identifier,
            title_identifier=f"Title of {request.item_identifier}" if item else "",
            screen_message=say,
        )

    def close(self) -> None:
        self._serving.cancel()
        self._portal_cm.__exit__(None, None, None)


class BrokenSystem:
    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.resend_asked = b""
        self._release = threading.Event()
        self._server = socket.create_server(("127.0.0.1", 0))
        self.url = f"tcp://127.0.0.1:{self._server.getsockname()[1]}"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            conn.recv(4096)
            if self.mode == "hang":
                self._release.wait(30)
            elif self.mode == "garbage":
                conn.sendall(b"\x00\xffHTTP/1.1 400 not sip at all<<<\r")
            elif self.mode == "bad_checksum":
                body = b"18030201" + b"20261207    101500" + b"ABB1|AJTitle|AY0AZ"
                wrong = (int(calculate_checksum(body), 16) + 1) & 0xFFFF
                conn.sendall(body + f"{wrong:04X}".encode() + b"\r")
                conn.recv(4096)  # the 97 asking again
                conn.sendall(body + f"{wrong:04X}".encode() + b"\r")
                self._release.wait(30)
            elif self.mode == "noisy_line":  # the first answer garbled, the resent one clean
                body = (
                    b"18040201" + b"20261207    101500" + b"AH20261221    235900|ABB1|AJTitle|AY0AZ"
                )
                right = calculate_checksum(body)
                conn.sendall(body.replace(b"AJTitle", b"AJTitlf") + right.encode() + b"\r")
                self.resend_asked = conn.recv(4096)
                conn.sendall(body + right.encode() + b"\r")
                self._release.wait(30)

    def close(self) -> None:
        self._release.set()
        self._server.close()


def refused_url() -> str:
    """A tcp:// url on which nothing listens."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"tcp://127.0.0.1:{s.getsockname()[1]}"


def _server_context(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def self_signed(directory: Path) -> tuple[Path, Path]:
    """(certificate, key) for 127.0.0.1, PEM files in `directory`."""
    cert, key = directory / "sip2-cert.pem", directory / "sip2-key.pem"
    try:
        _with_cryptography(cert, key)
    except ImportError:
        if shutil.which("openssl") is None:
            pytest.skip("neither the cryptography package nor openssl is here to make a cert")
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]
            + ["-nodes", "-days", "2", "-subj", "/CN=127.0.0.1", "-keyout", str(key)]
            + ["-out", str(cert), "-addext", "subjectAltName=IP:127.0.0.1"],
            check=True,
            capture_output=True,
        )
    return cert, key


def _with_cryptography(cert_path: Path, key_path: Path) -> None:
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    today = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(today - datetime.timedelta(days=1))
        .not_valid_after(today + datetime.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
