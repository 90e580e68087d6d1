"""Who a message is for, and what the question is once the bot's mention is taken out.

In private chats every message is for the bot. In groups only messages that mention it
(@username, or a text_mention of its user) or reply to one of its own messages are, so it
never answers conversations it was not asked to join.
"""

from __future__ import annotations

from telegram import Message, MessageEntity
from telegram.constants import ChatType
from telegram.ext.filters import MessageFilter

# A chat message is answered from its first 500 characters (the README says so): a question
# typed in a chat is short, and a longer message is a paste. Stricter than the engine's own cap
# for every channel (bot.engine.MAX_QUESTION_CHARS), which still applies.
MAX_CHAT_QUESTION_CHARS = 500


def _bot_identity(message: Message) -> tuple[int, str] | None:
    try:
        bot = message.get_bot()
        return bot.id, (bot.username or "").lower()
    except RuntimeError:  # no bot attached, or not initialized: cannot be addressed to it
        return None


def _mentions(message: Message, bot_id: int, username: str) -> list[str]:
    """The mention texts in the message (or caption) that refer to this bot."""
    found = []
    kinds: list[str | None] = [MessageEntity.MENTION, MessageEntity.TEXT_MENTION]
    entities = {**message.parse_entities(kinds), **message.parse_caption_entities(kinds)}
    for entity, text in entities.items():
        if entity.type == MessageEntity.TEXT_MENTION:
            if entity.user is not None and entity.user.id == bot_id:
                found.append(text)
        elif username and text.lstrip("@").lower() == username:
            found.append(text)
    return found


def is_addressed(message: Message) -> bool:
    if message.chat.type == ChatType.PRIVATE:
        return True
    identity = _bot_identity(message)
    if identity is None:
        return False
    bot_id, username = identity
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot_id:
        return True
    return bool(_mentions(message, bot_id, username))


def question_text(message: Message) -> str:
    """The message text without the bot's mentions, whitespace collapsed, at most
    MAX_CHAT_QUESTION_CHARS characters."""
    text = message.text or message.caption or ""
    identity = _bot_identity(message)
    if identity is not None:
        for mention in _mentions(message, *identity):
            text = text.replace(mention, " ", 1)
    return " ".join(text.split())[:MAX_CHAT_QUESTION_CHARS].strip()


class Addressed(MessageFilter):
    """PTB filter form of is_addressed; it reads the bot's identity at check time, because the
    username is only known after getMe."""

    def __init__(self) -> None:
        super().__init__(name="citebot.Addressed")

    def filter(self, message: Message) -> bool:
        return is_addressed(message)
