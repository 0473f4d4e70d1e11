"""Throttling failed staff sign-ins, counted per client address whatever usernames it tries.

Built on `limits`, the library Flask-Limiter is made of, used directly: Flask-Limiter's
middleware would run on every public search for the sake of one form, and what we count is
failures only (a right password costs nothing and is never counted), which the two calls here
say plainly. A moving window: "5 per minute" means at most five failures in any sixty seconds.

Where the counts live is `LANTERN_STAFF_LIMIT_STORAGE`. With the default `memory://` each OPAC
process counts on its own, so under gunicorn with N workers a client may make up to N times the
limit before every worker refuses it (still throttled, but N times looser); point it at Redis
(`redis://HOST:6379/1`) to share one count between every worker and server.
"""

from __future__ import annotations

import time

from limits import parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from indexer.errors import ConfigError

NAMESPACE = "lantern-staff-login"


class LoginThrottle:
    def __init__(self, spec: str, storage_uri: str = "memory://") -> None:
        try:
            self.limits = parse_many(spec)
        except ValueError as exc:
            raise ConfigError(
                f"LANTERN_STAFF_LOGIN_LIMIT={spec!r} is not a limit like '5 per minute; "
                f"20 per hour' ({exc})"
            ) from None
        try:
            storage = storage_from_string(storage_uri)
        except Exception as exc:  # limits raises ConfigurationError, or ImportError for redis
            raise ConfigError(f"LANTERN_STAFF_LIMIT_STORAGE={storage_uri!r}: {exc}") from None
        self.window = MovingWindowRateLimiter(storage)

    def retry_after(self, client: str) -> int:
        """0 when `client` may try to sign in now; else the seconds until it may."""
        waits = [
            self.window.get_window_stats(limit, NAMESPACE, client).reset_time - time.time()
            for limit in self.limits
            if not self.window.test(limit, NAMESPACE, client)
        ]
        return max(1, int(max(waits)) + 1) if waits else 0

    def failed(self, client: str) -> None:
        for limit in self.limits:
            self.window.hit(limit, NAMESPACE, client)
