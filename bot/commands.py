"""The commands every channel offers, defined once: name, menu line, and what each returns.

A command returns a value, not text: the console prints it with numbered lists, Telegram sends
it as HTML with buttons (bot.console, bot.telegram.messages). Each channel picks which of these
it offers and may add its own (the console's /quit).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.model import Fact, KnowledgeBase, Source, Topic


@dataclass(frozen=True)
class Welcome:
    """/start: the article and a few questions to try."""

    source: Source
    examples: tuple[Fact, ...]


@dataclass(frozen=True)
class Help:
    """/help: how to ask, with a question to try (None: the knowledge base has none)."""

    example: str | None


@dataclass(frozen=True)
class TopicPage:
    """One topic and the facts it holds, each asked by its first question."""

    topic: Topic
    facts: tuple[Fact, ...]


@dataclass(frozen=True)
class TopicList:
    """/topics: every topic that holds a fact, in the knowledge base's order."""

    pages: tuple[TopicPage, ...]


@dataclass(frozen=True)
class Sources:
    """/source: the articles the answers come from."""

    sources: tuple[Source, ...]


@dataclass(frozen=True)
class About:
    """/about: where the answers come from, and what they are not."""

    source: Source


Content = Welcome | Help | TopicList | TopicPage | Sources | About


@dataclass(frozen=True)
class Command:
    name: str  # typed after "/"
    menu: str  # its line in a command menu (Telegram's, the console's /help)
    run: Callable[[KnowledgeBase], Content]


def example_facts(kb: KnowledgeBase, count: int = 3) -> tuple[Fact, ...]:
    """Questions to try: the first fact of each topic, in topic order, preferring facts quoted
    from the article's paragraphs over bibliographic ones."""
    firsts = [page.facts[0] for page in topic_list(kb).pages]
    about_text = [f for f in firsts if any(c.paragraph is not None for c in f.citations)]
    rest = [f for f in firsts if f not in about_text]
    return tuple((about_text + rest)[:count])


def welcome(kb: KnowledgeBase) -> Welcome:
    return Welcome(kb.sources[0], example_facts(kb))


def help_(kb: KnowledgeBase) -> Help:
    examples = example_facts(kb, 1)
    return Help(examples[0].questions[0] if examples else None)


def topic_page(kb: KnowledgeBase, topic: Topic) -> TopicPage:
    return TopicPage(topic, kb.facts_of(topic.id))


def topic_list(kb: KnowledgeBase) -> TopicList:
    # A topic no fact is filed under has nothing to show: it is not offered.
    return TopicList(tuple(topic_page(kb, t) for t in kb.topics if kb.facts_of(t.id)))


def sources(kb: KnowledgeBase) -> Sources:
    return Sources(kb.sources)


def about(kb: KnowledgeBase) -> About:
    return About(kb.sources[0])


START = Command("start", "What I know, with example questions", welcome)
TOPICS = Command("topics", "Browse the article by topic", topic_list)
SOURCE = Command("source", "The article: title, publisher, authors, date, link", sources)
ABOUT = Command("about", "Where my answers come from", about)
HELP = Command("help", "How to ask", help_)
# In the order of Telegram's command menu.
COMMANDS = (START, TOPICS, SOURCE, ABOUT, HELP)
