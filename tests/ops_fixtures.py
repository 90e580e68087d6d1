"""Helpers for the operations tests: the real Telegram application with TelegramOps plugged in,
long polling against the fake Bot API server in a thread."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fake_bot_api import TOKEN, FakeBotApiServer
from telegram_fixtures import message, serving

from bot.reload import LiveEngine
from bot.telegram.app import Settings, build_application
from bot.telegram.ops import OpsSettings, TelegramOps

ADMIN = {"id": 9001, "is_bot": False, "first_name": "Olga", "username": "operator"}


def make_ops(tmp_path: Path, kb_path: Path, **overrides: Any) -> TelegramOps:
    settings = OpsSettings(**{"db": tmp_path / "state" / "citebot.db", "admins": frozenset(
        {ADMIN["id"]}), "ops_address": None, **overrides})
    return TelegramOps(settings, LiveEngine(kb_path))


@contextmanager
def running(server: FakeBotApiServer, ops: TelegramOps,
            settings: Settings | None = None) -> Iterator[None]:
    """The real application with `ops` plugged in, long polling (unless `settings` say
    webhook) in a thread."""
    settings = settings or Settings(token=TOKEN, api_base=server.base_url, poll_timeout=1.0)
    with ops:
        app = build_application(settings, ops.live.engine, ops=ops)
        with serving(app, settings):
            yield


def from_admin(text: str, chat_id: int = 9001) -> dict[str, Any]:
    msg = message(text, chat_id=chat_id)
    msg["from"] = ADMIN
    if chat_id > 0:
        msg["chat"] = {"id": chat_id, "type": "private", "first_name": "Olga"}
    return {"message": msg}
