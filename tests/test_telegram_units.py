"""Building blocks of the Telegram front-end: token, redaction, rate limit, callback data,
addressing (with real telegram.Message objects), message texts, settings."""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import logging
from pathlib import Path
from typing import Any

import pytest
from fake_bot_api import BOT_ID, BOT_USERNAME, TOKEN, FakeBotApiServer
from telegram import Bot, Message, Update
from telegram_fixtures import (
    GROUP_CHAT,
    mention_update,
    message,
    telegram_html_text,
    text_update,
    tiny_kb,
)

from bot import commands
from bot.telegram import add_arguments, keyboards, messages, run
from bot.telegram.addressing import MAX_CHAT_QUESTION_CHARS, is_addressed, question_text
from bot.telegram.app import Settings, settings_from
from bot.telegram.logs import Event, setup_logging
from bot.telegram.polling import UNREADABLE, Ledger, readable_updates
from bot.telegram.ratelimit import Admission, RateLimiter
from bot.telegram.token import (
    REDACTED,
    RedactingFilter,
    TokenError,
    check_webhook_secret,
    load_token,
    secrets_of,
)

# -- token -----------------------------------------------------------------------------------


def test_token_from_environment() -> None:
    assert load_token({"TELEGRAM_BOT_TOKEN": f"  {TOKEN}\n"}) == TOKEN


def test_token_from_secret_file(tmp_path: Path) -> None:
    secret = tmp_path / "token"
    secret.write_text(TOKEN + "\n", encoding="utf-8")
    assert load_token({"TELEGRAM_BOT_TOKEN_FILE": str(secret)}) == TOKEN


@pytest.mark.parametrize(
    "env",
    [
        {},
        {"TELEGRAM_BOT_TOKEN": "   "},
        {"TELEGRAM_BOT_TOKEN": "123456:short"},
        {"TELEGRAM_BOT_TOKEN": "abc:" + "x" * 35},
        {"TELEGRAM_BOT_TOKEN": TOKEN + " extra"},
        {"TELEGRAM_BOT_TOKEN_FILE": "/nonexistent/token"},
    ],
)
def test_missing_or_malformed_token_is_a_one_line_error(env: dict[str, str]) -> None:
    with pytest.raises(TokenError) as caught:
        load_token(env)
    message_text = str(caught.value)
    assert "\n" not in message_text
    for value in env.values():
        if value.strip() and "nonexistent" not in value:
            assert value.strip() not in message_text  # never echo a (maybe real) token


def test_webhook_secret_rules() -> None:
    assert check_webhook_secret("abc_DEF-123") == "abc_DEF-123"
    for bad in ("", "has space", "x" * 257, "semi;colon"):
        with pytest.raises(TokenError):
            check_webhook_secret(bad)


def test_redacting_filter_scrubs_message_args_and_traceback() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter(secrets_of(TOKEN)))
    logger = logging.getLogger("citebot.test.redaction")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("url https://x/bot%s/getMe", TOKEN)
        logger.warning("half: " + TOKEN.split(":")[1])
        try:
            raise RuntimeError(f"failed at /bot{TOKEN}/sendMessage")
        except RuntimeError:
            logger.exception("boom")
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    output = stream.getvalue()
    assert TOKEN.split(":")[1] not in output
    assert output.count(REDACTED) == 3


def test_setup_logging_quiets_httpx_and_undoes_itself() -> None:
    stream = io.StringIO()
    before = logging.getLogger("httpx").level
    setup = setup_logging(secrets_of(TOKEN), stream=stream)
    try:
        assert logging.getLogger("httpx").getEffectiveLevel() == logging.WARNING
        logging.getLogger("telegram.ext.Updater").warning("token " + TOKEN)
    finally:
        setup.close()
    assert logging.getLogger("httpx").level == before
    assert TOKEN not in stream.getvalue()
    assert REDACTED in stream.getvalue()


def test_event_line_has_no_question_unless_asked() -> None:
    plain = Event(7, "private", "answer", "bridge-cost", 3.25).line()
    assert plain == "update=7 chat=private outcome=answer fact=bridge-cost latency_ms=3.2"
    with_question = Event(7, "group", "decline", None, 1.0, question="a\nb").line()
    assert with_question.endswith("question='a\\nb'")
    assert "\n" not in with_question


# -- rate limit ------------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_rate_limit_notes_once_then_silence_until_refill() -> None:
    clock = Clock()
    limiter = RateLimiter(5, 10.0, clock=clock)
    assert [limiter.check("chat") for _ in range(5)] == [Admission.ALLOW] * 5
    assert limiter.check("chat") is Admission.NOTE
    assert limiter.check("chat") is Admission.DROP
    assert limiter.check("other chat") is Admission.ALLOW  # per chat
    clock.now += 2.0  # one token back (5 per 10 s)
    assert limiter.check("chat") is Admission.ALLOW
    assert limiter.check("chat") is Admission.NOTE  # a new note after a refill
    clock.now += 100
    assert [limiter.check("chat") for _ in range(6)][-2:] == [Admission.ALLOW, Admission.NOTE]


def test_rate_limit_forgets_idle_chats_beyond_its_size() -> None:
    limiter = RateLimiter(1, 10.0, clock=Clock(), max_keys=2)
    for chat in ("a", "b", "c"):
        assert limiter.check(chat) is Admission.ALLOW
    assert limiter.check("a") is Admission.ALLOW  # forgotten, so a full bucket again
    assert limiter.check("c") is Admission.NOTE


# -- keyboards -------------------------------------------------------------------------------


def test_callback_data_round_trip_and_limits() -> None:
    assert keyboards.parse_callback("f:bridge-cost") == keyboards.Callback("fact", "bridge-cost")
    assert keyboards.parse_callback("t:port") == keyboards.Callback("topic", "port")
    for junk in (None, "", "f:", "t:", "x:1", "legacy", "topics"):
        assert keyboards.parse_callback(junk) is None
    assert keyboards.fits("f:" + "a" * 62)
    assert not keyboards.fits("f:" + "a" * 63)
    assert not keyboards.fits("f:\ud800")  # a lone surrogate has no UTF-8: left out


def test_every_button_of_the_real_knowledge_base_fits() -> None:
    from bot.config import default_kb_path
    from bot.loader import load_knowledge

    kb = load_knowledge(default_kb_path())
    topics = [p.topic for p in commands.topic_list(kb).pages]
    boards = [keyboards.topics_keyboard(topics), keyboards.facts_keyboard(kb.facts)]
    buttons = [b for board in boards if board for row in board.inline_keyboard for b in row]
    assert len(buttons) == len(topics) + len(kb.facts)
    for button in buttons:
        assert isinstance(button.callback_data, str)
        assert len(button.callback_data.encode()) <= 64
        assert len(button.text) <= keyboards.MAX_LABEL_CHARS


def test_oversized_callback_data_leaves_the_button_out() -> None:
    from bot.model import Suggestion

    board = keyboards.suggestions_keyboard([Suggestion("x" * 70, "q"), Suggestion("ok", "q2")])
    assert board is not None
    assert [row[0].callback_data for row in board.inline_keyboard] == ["f:ok"]


def test_examples_prefer_facts_about_the_text() -> None:
    assert [f.id for f in commands.example_facts(tiny_kb())] == [
        "bridge-opened", "port-traffic", "article-title",
    ]
    assert [f.id for f in commands.example_facts(tiny_kb(), 2)] == [
        "bridge-opened", "port-traffic",
    ]


# -- messages --------------------------------------------------------------------------------


def test_command_texts_are_valid_html_and_say_what_they_should() -> None:
    kb = tiny_kb()
    start = messages.for_command(commands.START, kb, BOT_USERNAME)
    text = telegram_html_text(start.text)
    assert "Northport opens bridge & port <trade> grows" in text
    assert "2024-01-02" in text
    assert start.keyboard is not None
    assert len(start.keyboard.inline_keyboard) == 3
    source = telegram_html_text(messages.for_command(commands.SOURCE, kb, None).text)
    for needle in ("Northport Daily", "A. Writer", "2024-01-02", "https://example.com/news"):
        assert needle in source
    about = telegram_html_text(messages.for_command(commands.ABOUT, kb, None).text)
    assert "only from one article" in about
    assert "do not verify" in about
    help_ = telegram_html_text(messages.for_command(commands.HELP, kb, BOT_USERNAME).text)
    assert BOT_USERNAME in help_
    assert "/about \u2014 Where my answers come from" in help_
    topics = messages.for_command(commands.TOPICS, kb, None)
    assert topics.keyboard is not None
    assert [r[0].callback_data for r in topics.keyboard.inline_keyboard] == [
        "t:bridge", "t:port", "t:article",
    ]
    bridge = kb.topic("bridge")
    assert bridge is not None
    board = messages.render(commands.topic_page(kb, bridge)).keyboard
    assert board is not None
    assert [r[0].text for r in board.inline_keyboard] == [
        "When did the bridge open?", "How much did the bridge cost?",
    ]


# -- addressing, with real Message objects -----------------------------------------------------


@pytest.fixture(scope="module")
def bot() -> Bot:
    """A Bot that knows who it is (getMe against the fake server), then has no open client."""
    with FakeBotApiServer() as server:
        bot = Bot(TOKEN, base_url=f"{server.base_url}/bot")

        async def initialize() -> None:
            async with bot:
                pass

        asyncio.run(initialize())
    assert bot.id == BOT_ID
    return bot


def as_message(data: dict[str, Any], bot: Bot) -> Message:
    update = Update.de_json({"update_id": 1, **data}, bot)
    assert update is not None
    assert update.effective_message is not None
    return update.effective_message


def test_private_messages_are_always_addressed(bot: Bot) -> None:
    message_ = as_message(text_update("bridge cost"), bot)
    assert is_addressed(message_)
    assert question_text(message_) == "bridge cost"


def test_group_message_needs_a_mention_or_a_reply(bot: Bot) -> None:
    assert not is_addressed(as_message(text_update("bridge cost", chat_id=GROUP_CHAT), bot))
    mentioned = as_message(mention_update("bridge  cost"), bot)
    assert is_addressed(mentioned)
    assert question_text(mentioned) == "bridge cost"
    reply = as_message(text_update("and the cost?", chat_id=GROUP_CHAT, reply_to_bot=True), bot)
    assert is_addressed(reply)
    assert question_text(reply) == "and the cost?"


def test_mention_of_someone_else_is_not_for_the_bot(bot: Bot) -> None:
    entity = {"type": "mention", "offset": 0, "length": 6}
    other = as_message(
        {"message": message("@alice bridge cost", chat_id=GROUP_CHAT, entities=[entity])}, bot
    )
    assert not is_addressed(other)


def test_text_mention_and_mixed_case_username(bot: Bot) -> None:
    text = f"what about @{BOT_USERNAME.upper()} the bridge cost, Citebot?"
    at = text.index("@")
    mention = {"type": "mention", "offset": at, "length": len(BOT_USERNAME) + 1}
    text_mention = {
        "type": "text_mention", "offset": text.index("Citebot"), "length": 7,
        "user": {"id": BOT_ID, "is_bot": True, "first_name": "Citebot"},
    }
    msg = as_message(
        {"message": message(text, chat_id=GROUP_CHAT, entities=[mention, text_mention])}, bot
    )
    assert is_addressed(msg)
    assert question_text(msg) == "what about the bridge cost, ?"


def test_long_messages_are_cut_to_their_first_part(bot: Bot) -> None:
    msg = as_message(text_update("bridge cost " + "blah " * 400), bot)
    question = question_text(msg)
    assert len(question) <= MAX_CHAT_QUESTION_CHARS
    assert question.startswith("bridge cost blah")


# -- settings --------------------------------------------------------------------------------


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args(argv)


def test_settings_from_options_and_environment() -> None:
    env = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": "http://127.0.0.1:9/",
        "TELEGRAM_WEBHOOK_SECRET": "from-env",
        "CITEBOT_LOG_QUESTIONS": "1",
    }
    settings = settings_from(parse("--webhook-url", "https://bot.example/hook/x", "--port", "88"),
                             env)
    assert settings == Settings(
        token=TOKEN, api_base="http://127.0.0.1:9", webhook_url="https://bot.example/hook/x",
        port=88, webhook_secret="from-env", log_questions=True,
    )
    assert settings.webhook_path == "/hook/x"
    assert settings_from(parse("--webhook-secret", "cli"), env).webhook_secret == "cli"


def test_settings_without_telegram_options_use_defaults() -> None:
    # `citebot run` hands over a namespace without this subcommand's options.
    settings = settings_from(argparse.Namespace(), {"TELEGRAM_BOT_TOKEN": TOKEN})
    assert settings == Settings(token=TOKEN)


@pytest.mark.parametrize(
    ("argv", "env"),
    [
        ((), {}),
        (("--webhook-secret", "bad secret"), {"TELEGRAM_BOT_TOKEN": TOKEN}),
        ((), {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_WEBHOOK_PORT": "http"}),
        (("--port", "70000"), {"TELEGRAM_BOT_TOKEN": TOKEN}),
        ((), {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": "localhost:8081"}),
        (("--poll-timeout", "-1"), {"TELEGRAM_BOT_TOKEN": TOKEN}),
        (("--webhook-url", "http://bot.example/hook"), {"TELEGRAM_BOT_TOKEN": TOKEN}),
    ],
)
def test_bad_settings_are_refused(argv: tuple[str, ...], env: dict[str, str]) -> None:
    with pytest.raises((TokenError, ValueError)):
        settings_from(parse(*argv), env)


# -- ledger: what long polling may confirm ----------------------------------------------------


class Tick:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


# (step, argument) then the expected (offset, room, limit) after it.
LEDGER_SCRIPT: list[tuple[str, Any, tuple[int | None, int, int]]] = [
    ("start", None, (None, 4, 4)),
    ("accept", [1, 2, 3, 4], (1, 0, 4)),  # full: nothing new is fetched
    ("accept", [3, 4], (1, 0, 4)),  # already in hand: ignored
    ("answered", 2, (1, 1, 5)),  # 2 answered, but 1 holds the offset: 2 comes back again
    ("answered", 1, (3, 2, 4)),  # 1 and 2 confirmed by the next call
    ("answered", 9, (3, 2, 4)),  # never fetched: ignored
    ("accept", [5, 6], (3, 0, 4)),
    ("answered", 3, (4, 1, 4)),
    ("answered", 4, (5, 2, 4)),
    ("answered", 5, (6, 3, 4)),
    ("answered", 6, (7, 4, 4)),  # all answered: confirm everything
]


def test_the_ledger_confirms_only_the_answered_prefix() -> None:
    ledger = Ledger(4, max_window=8)
    for step, argument, expected in LEDGER_SCRIPT:
        if step == "accept":
            ledger.accept(argument)
        elif step == "answered":
            ledger.answered(argument)
        assert (ledger.offset, ledger.room(), ledger.limit()) == expected, (step, argument)


def test_the_ledger_window_caps_what_a_crash_could_answer_twice() -> None:
    ledger = Ledger(2, max_window=3)
    ledger.accept([1, 2])
    ledger.answered(2)
    assert ledger.room() == 1  # 1 pending + 1 answered above it: room for one more
    ledger.accept([3])
    ledger.answered(3)
    assert (ledger.offset, ledger.room()) == (1, 0)  # 1 is slow: the window is full


def test_a_stuck_update_stops_holding_the_offset_back() -> None:
    tick = Tick()
    ledger = Ledger(2, max_window=3, stuck_after=15.0, clock=tick)
    ledger.accept([1, 2])
    ledger.answered(2)
    tick.now += 14.0
    assert ledger.offset == 1
    tick.now += 2.0
    assert (ledger.offset, ledger.pending, ledger.room()) == (3, 1, 1)
    ledger.answered(1)
    assert (ledger.offset, ledger.room()) == (3, 2)


def _payload(*updates: object) -> bytes:
    return json.dumps({"ok": True, "result": list(updates)}).encode()


READABLE_CASES: list[tuple[str, bytes, int | None, list[object]]] = [
    ("readable, kept", _payload({"update_id": 5, **text_update("hi")}), None, [5]),
    ("in hand, dropped", _payload({"update_id": 5}, {"update_id": 6}), 5, [6]),
    ("no date, replaced", _payload({"update_id": 7, "message": {"message_id": 1}}), None,
     [{"update_id": 7, UNREADABLE: "KeyError"}]),
    ("no update_id, dropped", _payload({"message": {}}, {"update_id": "8"}), None, []),
    ("not a list", b'{"ok": true, "result": {"update_id": 1}}', None, ["unchanged"]),
    ("not JSON", b"<html>502</html>", None, ["unchanged"]),
]


@pytest.mark.parametrize(("payload", "in_hand", "expected"),
                         [pytest.param(*case, id=name) for name, *case in READABLE_CASES])
def test_readable_updates(payload: bytes, in_hand: int | None, expected: list[object]) -> None:
    result = readable_updates(payload, in_hand)
    if expected == ["unchanged"]:
        assert result == payload
        return
    kept = json.loads(result)["result"]
    assert [u if isinstance(e, dict) else u["update_id"] for u, e in zip(kept, expected,
                                                                         strict=True)] == expected


def test_polling_stops_with_exit_1_when_telegram_refuses_the_token_later(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with FakeBotApiServer() as server:
        server.api.fail_next("getUpdates", 401, "Unauthorized")
        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
        monkeypatch.setenv("TELEGRAM_API_BASE_URL", server.base_url)
        parser = argparse.ArgumentParser()
        add_arguments(parser)
        assert run(parser.parse_args([]), tiny_kb()) == 1
    assert "getUpdates refused the token; polling stopped" in capsys.readouterr().err


SETTINGS_CASES: list[tuple[list[str], dict[str, str], dict[str, object] | str]] = [
    ([], {}, {"rate_count": 5, "rate_period": 10.0, "max_pending": 16, "drain_seconds": 2.0,
              "send_rate": 30.0, "health_port": None}),
    (["--rate-limit", "3/5"], {}, {"rate_count": 3, "rate_period": 5.0}),
    ([], {"CITEBOT_RATE_LIMIT": "8/60"}, {"rate_count": 8, "rate_period": 60.0}),
    (["--rate-limit", "2/1"], {"CITEBOT_RATE_LIMIT": "8/60"}, {"rate_count": 2}),  # flag wins
    ([], {"CITEBOT_MAX_PENDING": "4", "CITEBOT_DRAIN_SECONDS": "0.5", "CITEBOT_SEND_RATE": "0",
          "CITEBOT_HEALTH_PORT": "8080"},
     {"max_pending": 4, "drain_seconds": 0.5, "send_rate": 0.0, "health_port": 8080}),
    (["--rate-limit", "5"], {}, "--rate-limit: expected COUNT/SECONDS"),
    (["--rate-limit", "0/10"], {}, "--rate-limit: expected COUNT/SECONDS"),
    (["--rate-limit", "5/-1"], {}, "--rate-limit: expected COUNT/SECONDS"),
    ([], {"CITEBOT_MAX_PENDING": "0"}, "--max-pending must be at least 1"),
    ([], {"CITEBOT_MAX_PENDING": "many"}, "--max-pending: not a number"),
    (["--drain-seconds", "-1"], {}, "must not be negative"),
    (["--health-port", "70000"], {}, "invalid health port"),
    (["--webhook-url", "https://x.org/healthz"], {}, "must not be /healthz"),
]


@pytest.mark.parametrize(("argv", "environ", "expected"), SETTINGS_CASES)
def test_reliability_settings_from_flags_and_environment(
    argv: list[str], environ: dict[str, str], expected: dict[str, object] | str
) -> None:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    args = parser.parse_args(argv)
    env = {"TELEGRAM_BOT_TOKEN": TOKEN, **environ}
    if isinstance(expected, str):
        with pytest.raises(ValueError, match=expected):
            settings_from(args, env)
        return
    settings = settings_from(args, env)
    assert {name: getattr(settings, name) for name in expected} == expected
