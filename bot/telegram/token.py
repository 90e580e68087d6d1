"""Bot token loading and redaction.

The token is a password: it is read from the environment (or a Docker secret file), checked for
shape before any network call, and scrubbed from every log record we emit.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

TOKEN_ENV = "TELEGRAM_BOT_TOKEN"
TOKEN_FILE_ENV = "TELEGRAM_BOT_TOKEN_FILE"
TOKEN_PATTERN = re.compile(r"\d+:[A-Za-z0-9_-]{30,}")
# Telegram's rule for setWebhook(secret_token): 1-256 characters A-Z, a-z, 0-9, _ and -.
WEBHOOK_SECRET_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,256}")
REDACTED = "[REDACTED]"


class TokenError(Exception):
    """A missing or malformed token; str() is the one-line message for the user."""


def load_token(environ: Mapping[str, str] | None = None) -> str:
    """The bot token from TELEGRAM_BOT_TOKEN, else from the file named by TELEGRAM_BOT_TOKEN_FILE.

    Error messages never include the value: a malformed token may still be a real one.
    """
    env = os.environ if environ is None else environ
    direct = env.get(TOKEN_ENV, "").strip()
    if direct:
        return _checked(direct, TOKEN_ENV)
    file_name = env.get(TOKEN_FILE_ENV, "").strip()
    if not file_name:
        raise TokenError(
            f"no bot token: set {TOKEN_ENV}, or {TOKEN_FILE_ENV} to a file containing it"
        )
    try:
        text = Path(file_name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
        raise TokenError(f"cannot read {TOKEN_FILE_ENV}={file_name}: {reason}") from None
    return _checked(text.strip(), f"the file named by {TOKEN_FILE_ENV}")


def _checked(token: str, origin: str) -> str:
    if not TOKEN_PATTERN.fullmatch(token):
        raise TokenError(
            f"malformed bot token in {origin}: expected <digits>:<30 or more of A-Z a-z 0-9 _ ->"
        )
    return token


def check_webhook_secret(secret: str) -> str:
    if not WEBHOOK_SECRET_PATTERN.fullmatch(secret):
        raise TokenError("malformed webhook secret: use 1-256 characters of A-Z a-z 0-9 _ -")
    return secret


def secrets_of(token: str) -> tuple[str, ...]:
    """What to scrub: the whole token and its secret half (someone may log that alone)."""
    _, _, secret = token.partition(":")
    return tuple(s for s in (token, secret) if s)


class RedactingFilter(logging.Filter):
    """Replaces secrets anywhere in a record: message, arguments and exception text.

    Attach it to handlers, not loggers: a logger's filters do not see records that propagate
    from child loggers (telegram.ext.Updater, httpx, ...), a handler's filters see them all.
    """

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        # Longest first, so the whole token is replaced before its secret half.
        self._secrets = tuple(sorted({s for s in secrets if s}, key=len, reverse=True))

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._secrets:
            return True
        record.msg = self.redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True
