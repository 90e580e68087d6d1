"""Handlers with real telegram.Update objects, dispatched by the real PTB Application
(process_update) to the real engine; what they send goes to the fake Bot API server."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
from fake_bot_api import TOKEN, Call, FakeBotApi, FakeBotApiServer
from telegram import Update
from telegram_fixtures import (
    GROUP_CHAT,
    PRIVATE_CHAT,
    callback_update,
    edited_update,
    inline_update,
    mention_update,
    message,
    sticker_update,
    telegram_html_text,
    text_update,
    tiny_kb,
)

from bot.engine import Engine
from bot.model import KnowledgeBase, Reply
from bot.telegram.app import Settings, build_application
from bot.telegram.handlers import Answerer
from bot.telegram.ratelimit import RateLimiter


def process(
    *updates: dict[str, Any],
    engine: Answerer | None = None,
    limiter: RateLimiter | None = None,
    log_questions: bool = False,
) -> FakeBotApi:
    """Feed updates one by one through the application; returns the server's record."""
    with FakeBotApiServer() as server:
        settings = Settings(token=TOKEN, api_base=server.base_url, log_questions=log_questions)
        app = build_application(settings, engine or Engine(tiny_kb()), limiter=limiter)

        async def go() -> None:
            async with app:
                for number, data in enumerate(updates, start=1):
                    update = Update.de_json({"update_id": number, **data}, app.bot)
                    await app.process_update(update)

        asyncio.run(go())
        return server.api


def sent(api: FakeBotApi) -> list[Call]:
    return api.calls_to("sendMessage")


def buttons(call: Call) -> list[str]:
    if "reply_markup" not in call.params:
        return []
    return [row[0]["callback_data"] for row in call.json("reply_markup")["inline_keyboard"]]


def test_private_question_is_answered_with_quote_and_related_buttons() -> None:
    (call,) = sent(process(text_update("When did the bridge open?")))
    assert call.params["chat_id"] == str(PRIVATE_CHAT)
    assert call.params["parse_mode"] == "HTML"
    assert "reply_parameters" not in call.params  # no quoting in private chats
    text = telegram_html_text(call.params["text"])
    assert "“Northport opened a new suspension bridge in 2023” (¶1)" in text
    assert '<a href="https://example.com/news?id=1&amp;lang=en">' in call.params["text"]
    assert buttons(call) == ["f:bridge-cost"]


def test_did_you_mean_offers_buttons_and_pressing_one_answers_it() -> None:
    api = process(text_update("bridge"), callback_update("f:bridge-cost"))
    did_you_mean, answer = sent(api)
    assert buttons(did_you_mean)[:2] == ["f:bridge-opened", "f:bridge-cost"]
    (answered,) = api.calls_to("answerCallbackQuery")
    assert "text" not in answered.params
    assert "12 million dollars &amp; took three years" in answer.params["text"]


def test_decline_offers_the_topics() -> None:
    (call,) = sent(process(text_update("who wrote hamlet")))
    assert "does not say anything about" in call.params["text"]
    assert "hamlet" in call.params["text"]
    assert buttons(call)[-3:] == ["t:bridge", "t:port", "t:article"]


def test_topic_buttons_lead_to_question_buttons() -> None:
    api = process(text_update("/topics"), callback_update("t:bridge"), callback_update("t:port"))
    topics, bridge, port = sent(api)
    assert buttons(topics) == ["t:bridge", "t:port", "t:article"]
    assert buttons(bridge) == ["f:bridge-opened", "f:bridge-cost"]
    assert buttons(port) == ["f:port-traffic"]
    assert len(api.calls_to("answerCallbackQuery")) == 2


@pytest.mark.parametrize("data", ["f:no-such-fact", "t:no-such-topic", "topics", "v1:old", ""])
def test_stale_or_unknown_buttons_are_still_answered(data: str) -> None:
    update = callback_update(data)
    if not data:
        del update["callback_query"]["data"]
    api = process(update)
    (answered,) = api.calls_to("answerCallbackQuery")
    assert answered.params["text"] == "This button is no longer available."
    assert sent(api) == []


def test_group_messages_need_a_mention_or_a_reply_to_the_bot() -> None:
    api = process(
        text_update("When did the bridge open?", chat_id=GROUP_CHAT),
        sticker_update(chat_id=GROUP_CHAT),
        edited_update("bridge cost", chat_id=GROUP_CHAT),
        mention_update("how much did the bridge cost"),
        text_update("when did it open, the bridge?", chat_id=GROUP_CHAT, reply_to_bot=True),
        text_update("/source", chat_id=GROUP_CHAT),
    )
    cost, opened, source = sent(api)
    assert "12 million" in cost.params["text"]
    assert "2023" in opened.params["text"]
    assert "Publisher: Northport Daily" in source.params["text"]
    for call in (cost, opened, source):
        assert call.params["chat_id"] == str(GROUP_CHAT)
        assert "message_id" in call.json("reply_parameters")  # replies to the asker


def test_non_text_and_edits_get_a_hint() -> None:
    photo = [{"file_id": "p", "file_unique_id": "u", "width": 1, "height": 1}]
    voice = {"file_id": "v", "file_unique_id": "w", "duration": 2}
    api = process(
        sticker_update(),
        {"message": message(photo=photo, caption="bridge cost?")},
        {"message": message(voice=voice)},
        edited_update("bridge cost"),
    )
    texts = [c.params["text"] for c in sent(api)]
    assert texts[:3] == ["I can only read text. Send me your question about the article as a "
                         "message, or use /topics to browse."] * 3
    assert texts[3].startswith("I only answer new messages")


def test_service_messages_are_ignored() -> None:
    joined = {"message": message(chat_id=GROUP_CHAT, new_chat_members=[
        {"id": 9, "is_bot": False, "first_name": "New"}])}
    assert process(joined).calls_to("sendMessage") == []


def test_commands() -> None:
    api = process(*(text_update(f"/{name}") for name in ("start", "help", "source", "about")),
                  text_update("/nonsense"))
    start, help_, source, about, unknown = (c.params["text"] for c in sent(api))
    assert "Northport opens bridge &amp; port &lt;trade&gt; grows" in start
    assert "@citebot_test_bot" in help_
    assert help_ == unknown
    assert "A. Writer" in source
    assert "do not verify" in about
    assert buttons(sent(api)[0]) == ["f:bridge-opened", "f:port-traffic", "f:article-title"]


def test_html_in_the_question_is_escaped() -> None:
    questions = ["<b>bridge</b> & cost", "<b>hi</b> & <i>bye</i>", "what about <x&y>?"]
    api = process(*(text_update(q) for q in questions))
    assert len(sent(api)) == 3
    for call in sent(api):
        assert "<b>" not in call.params["text"]
        assert "<x" not in call.params["text"]
        telegram_html_text(call.params["text"])


def test_a_very_long_message_is_answered_from_its_beginning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="citebot.telegram")
    (call,) = sent(process(text_update("bridge cost? " * 1000), log_questions=True))
    assert "12 million" in call.params["text"]
    (line,) = [r.getMessage() for r in caplog.records if "question=" in r.getMessage()]
    assert len(line.split("question=")[1]) <= 500 + 2  # the first 500 characters, quoted


def test_inline_mode() -> None:
    api = process(inline_update("bridge"), inline_update("  "), inline_update("who wrote hamlet"))
    bridge, empty, nothing = api.calls_to("answerInlineQuery")
    results = bridge.json("results")
    assert 1 <= len(results) <= 3
    assert results[0]["id"].endswith("bridge-opened")
    content = results[0]["input_message_content"]
    assert content["parse_mode"] == "HTML"
    assert "¶1" in content["message_text"]
    assert [r["id"] for r in empty.json("results")] == [
        "0:bridge-opened", "1:port-traffic", "2:article-title",
    ]
    assert nothing.json("results") == []


class Clock:
    now = 0.0

    def __call__(self) -> float:
        return self.now


def test_rate_limit_sends_one_note_then_nothing() -> None:
    limiter = RateLimiter(5, 10.0, clock=Clock())
    api = process(*(text_update("bridge cost") for _ in range(8)), callback_update("t:bridge"),
                  limiter=limiter)
    texts = [c.params["text"] for c in sent(api)]
    assert len(texts) == 6
    assert all("12 million" in t for t in texts[:5])
    assert texts[5].startswith("You are sending messages faster")
    (answered,) = api.calls_to("answerCallbackQuery")  # buttons are always answered
    assert answered.params["text"].startswith("Too many requests")


class BrokenEngine(Engine):
    def answer(self, question: str) -> Reply:
        if "crash" in question:
            raise ZeroDivisionError("engine bug")
        return super().answer(question)

    def answer_fact(self, _fact_id: str) -> Reply | None:
        raise ZeroDivisionError("engine bug")


def test_a_failing_update_is_logged_and_the_next_one_is_answered(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="citebot.telegram")
    api = process(
        text_update("crash please"), callback_update("f:bridge-cost"), text_update("bridge cost"),
        engine=BrokenEngine(tiny_kb()),
    )
    apology, answer = sent(api)
    assert apology.params["text"].startswith("Sorry, something went wrong")
    assert "12 million" in answer.params["text"]
    (answered,) = api.calls_to("answerCallbackQuery")
    assert answered.params["text"].startswith("Sorry")
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [r.getMessage() for r in errors] == [
        "update=1 error=ZeroDivisionError", "update=2 error=ZeroDivisionError",
    ]


def test_bot_api_errors_are_one_log_line_and_do_not_stop_the_next_update(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="citebot.telegram")
    with FakeBotApiServer() as server:
        server.api.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
        app = build_application(Settings(token=TOKEN, api_base=server.base_url), Engine(tiny_kb()))

        async def go() -> None:
            async with app:
                for number in (1, 2):
                    update = Update.de_json(
                        {"update_id": number, **text_update("bridge cost")}, app.bot
                    )
                    await app.process_update(update)

        asyncio.run(go())
        calls = sent(server.api)
    assert [c.status for c in calls] == [403, 200]  # not retried: it would fail again
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == ["update=1 error=Forbidden: Forbidden: bot was blocked by the user"]


def test_logs_carry_no_question_text_unless_asked(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="citebot.telegram")
    process(text_update("How much did the bridge cost?"))
    (line,) = [r.getMessage() for r in caplog.records if r.name == "citebot.telegram"]
    assert line.startswith("update=1 chat=private outcome=answer fact=bridge-cost latency_ms=")
    assert "How much" not in caplog.text
    caplog.clear()
    process(text_update("How much did the bridge cost?"), log_questions=True)
    assert "question='How much did the bridge cost?'" in caplog.text


def test_smoke_with_the_real_knowledge_base() -> None:
    from bot.config import default_kb_path
    from bot.loader import load_knowledge

    kb: KnowledgeBase = load_knowledge(default_kb_path())
    api = process(
        text_update("/start"),
        text_update("how much did Xinjiang's foreign trade grow in 2023?"),
        text_update("ftz"),
        text_update("who wrote hamlet"),
        inline_update("free trade zone"),
        engine=Engine(kb),
    )
    start, trade, ftz, hamlet = sent(api)
    assert "Xinjiang to open up further to world despite West&#x27;s smearing" in start.params[
        "text"
    ]
    assert "¶" in trade.params["text"]
    assert "<blockquote>" in trade.params["text"]
    assert all(b.startswith("f:") for b in buttons(ftz))
    assert len(buttons(ftz)) >= 2
    assert "t:ftz" in buttons(hamlet)
    for call in (start, trade, ftz, hamlet):
        telegram_html_text(call.params["text"])
    assert api.calls_to("answerInlineQuery")[0].json("results")
