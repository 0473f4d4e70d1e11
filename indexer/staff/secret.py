"""The signing key of the OPAC's sessions and OAI-PMH resumption tokens when
`LANTERN_SECRET_KEY` is not set (each use derives its own key from it).

Every gunicorn worker must sign and check staff sessions with the same key, and the key must
survive a restart, or staff are signed out whenever a request lands on another worker. So the
first process to need it writes a random key to DATA_DIR/secret_key (owner-readable only) and
every process after reads it. The file is written under a temporary name and hard-linked into
place, which fails if another worker got there first: then that worker's key is the one.
"""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

FILE_NAME = "secret_key"
log = logging.getLogger(__name__)


def persistent_secret(data_dir: Path) -> str:
    try:
        return _read_or_create(Path(data_dir) / FILE_NAME)
    except OSError as exc:
        # A read-only data directory: the OPAC still serves readers; staff sign-in then holds
        # only on the process that signed the cookie, so say how to fix it.
        log.warning(
            "cannot keep a secret key in %s (%s): set LANTERN_SECRET_KEY, or staff sessions "
            "will not be shared by the OPAC's processes",
            data_dir,
            exc,
        )
        return secrets.token_hex(32)


def _read_or_create(path: Path) -> str:
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{FILE_NAME}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(secrets.token_hex(32) + "\n")
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process won the race; use its key
    finally:
        temporary.unlink(missing_ok=True)
    return path.read_text(encoding="ascii").strip()
