"""What the operator reads: unanswered questions grouped, usage statistics, feedback per fact.

Pure functions of recorded rows and the current knowledge base (no I/O), shared by the
`citebot unanswered|stats|feedback` commands and the Telegram admin commands.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol

from rapidfuzz import fuzz, process, utils

from bot.model import Kind, KnowledgeBase, Reply
from bot.ops import DEFAULT_SIMILARITY
from bot.storage import UNANSWERED, Asked, Vote

OUTCOMES = (Kind.ANSWER.value, Kind.DID_YOU_MEAN.value, Kind.DECLINE.value,
            Kind.SMALL_TALK.value)

Step = Callable[[str, int, int], None]  # (what, done, total): progress while grouping


def _no_progress(what: str, done: int, total: int) -> None:
    pass


class Answers(Protocol):
    """The part of bot.engine.Engine the reports use: the current knowledge base's view."""

    @property
    def kb(self) -> KnowledgeBase: ...

    def answer(self, question: str) -> Reply: ...


@dataclass(frozen=True)
class Nearest:
    fact: str
    question: str  # the fact's first alternate, to recognise it by


@dataclass(frozen=True)
class Group:
    """Questions that are variants of one another, most asked first."""

    variants: tuple[tuple[str, int], ...]  # (question as most often typed, times asked)
    outcomes: tuple[tuple[str, int], ...]  # (outcome, times), most frequent first
    nearest: Nearest | None
    last_asked: datetime
    answered_now: bool = False  # the current knowledge base answers the group's question

    @property
    def count(self) -> int:
        return sum(n for _, n in self.variants)

    @property
    def question(self) -> str:
        return self.variants[0][0]


def _key(question: str) -> str:
    return " ".join(utils.default_process(question).split())


def group_unanswered(
    asked: Iterable[Asked],
    engine: Answers,
    *,
    similarity: float = DEFAULT_SIMILARITY,
    step: Step = _no_progress,
) -> list[Group]:
    """Declined and did-you-mean questions, grouped by similarity, biggest group first."""
    by_key: dict[str, list[Asked]] = defaultdict(list)
    for a in asked:
        if a.outcome in UNANSWERED and _key(a.question):
            by_key[_key(a.question)].append(a)
    # Most asked first: a group's leader is its most common wording.
    keys = sorted(by_key, key=lambda k: (-len(by_key[k]), k))
    leaders: list[str] = []
    members: list[list[str]] = []
    for done, key in enumerate(keys):
        if done % 200 == 0:
            step("grouping questions", done, len(keys))
        found = process.extractOne(key, leaders, scorer=fuzz.ratio, processor=None,
                                   score_cutoff=similarity)
        if found is None and " " in key:
            found = process.extractOne(key, leaders, scorer=fuzz.token_set_ratio,
                                       processor=None, score_cutoff=100)
            if found is not None and " " not in found[0]:
                found = None  # one word inside a question is too little to call it the same
        if found is None:
            leaders.append(key)
            members.append([key])
        else:
            members[found[2]].append(key)
    step("grouping questions", len(keys), len(keys))
    groups = [_group([by_key[k] for k in keys_of], engine) for keys_of in members]
    return sorted(groups, key=lambda g: (-g.count, -g.last_asked.timestamp(), g.question))


def _group(rows_by_key: list[list[Asked]], engine: Answers) -> Group:
    variants = []
    for rows in rows_by_key:
        typed = Counter(" ".join(r.question.split()) for r in rows).most_common(1)[0][0]
        variants.append((typed, len(rows)))
    rows = [r for group in rows_by_key for r in group]
    now = engine.answer(variants[0][0])
    nearest = _nearest(rows, now, engine.kb)
    return Group(
        variants=tuple(sorted(variants, key=lambda v: (-v[1], v[0]))),
        outcomes=tuple(Counter(r.outcome for r in rows).most_common()),
        nearest=nearest,
        last_asked=max(r.at for r in rows),
        answered_now=now.kind is Kind.ANSWER,
    )


def _nearest(rows: Sequence[Asked], now: Reply, kb: KnowledgeBase) -> Nearest | None:
    """What the current knowledge base answers or suggests for the question; else what the
    engine suggested when it was asked, if that fact still exists."""
    picks = [now.fact.id] if now.fact is not None else [s.fact for s in now.suggestions]
    firsts = Counter(r.candidates[0] for r in rows if r.candidates)
    picks += [fact for fact, _ in firsts.most_common()]
    picks += [fact for r in rows for fact in r.candidates[1:]]
    for fact_id in picks:
        fact = kb.fact(fact_id)
        if fact is not None and fact.questions:
            return Nearest(fact.id, fact.questions[0])
    return None


def suggested_alternates(groups: Iterable[Group]) -> dict[str | None, list[tuple[str, int]]]:
    """Fact id (None: no fact is near) -> the questions readers asked, most asked first."""
    by_fact: dict[str | None, list[tuple[str, int]]] = defaultdict(list)
    for g in groups:
        by_fact[g.nearest.fact if g.nearest else None].extend(g.variants)
    return {fact: sorted(qs, key=lambda v: (-v[1], v[0])) for fact, qs in by_fact.items()}


@dataclass(frozen=True)
class Stats:
    total: int
    outcomes: dict[str, int]  # every outcome in OUTCOMES, zero if none
    per_day: tuple[tuple[date, dict[str, int]], ...]
    top_facts: tuple[tuple[Nearest, int], ...]
    top_unanswered: tuple[Group, ...]
    votes_up: int = 0
    votes_down: int = 0
    chat_types: dict[str, int] = field(default_factory=dict)

    def share(self, outcome: str) -> float:
        return self.outcomes.get(outcome, 0) / self.total if self.total else 0.0


def stats(
    asked: Sequence[Asked],
    votes: Sequence[Vote],
    engine: Answers,
    *,
    top: int = 10,
    step: Step = _no_progress,
) -> Stats:
    outcomes = dict.fromkeys(OUTCOMES, 0)
    per_day: dict[date, dict[str, int]] = {}
    facts: Counter[str] = Counter()
    for a in asked:
        outcomes[a.outcome] = outcomes.get(a.outcome, 0) + 1
        day = per_day.setdefault(a.at.date(), dict.fromkeys(OUTCOMES, 0))
        day[a.outcome] = day.get(a.outcome, 0) + 1
        if a.outcome == Kind.ANSWER.value and a.candidates:
            facts[a.candidates[0]] += 1
    top_facts = []
    for fact_id, n in facts.most_common(top):
        fact = engine.kb.fact(fact_id)
        top_facts.append((Nearest(fact_id, fact.questions[0] if fact else "(no longer in the "
                                  "knowledge base)"), n))
    return Stats(
        total=len(asked),
        outcomes=outcomes,
        per_day=tuple(sorted(per_day.items())),
        top_facts=tuple(top_facts),
        top_unanswered=tuple(group_unanswered(asked, engine, step=step)[:top]),
        votes_up=sum(v.up for v in votes),
        votes_down=sum(not v.up for v in votes),
        chat_types=dict(Counter(a.chat_type for a in asked).most_common()),
    )


@dataclass(frozen=True)
class FactFeedback:
    fact: str
    question: str
    up: int
    down: int

    @property
    def net(self) -> int:
        return self.up - self.down


def feedback(votes: Iterable[Vote], kb: KnowledgeBase) -> list[FactFeedback]:
    """Per fact, worst first: most net thumbs-down, then most thumbs-down."""
    ups: Counter[str] = Counter()
    downs: Counter[str] = Counter()
    for v in votes:
        (ups if v.up else downs)[v.fact] += 1
    rows = []
    for fact_id in ups.keys() | downs.keys():
        fact = kb.fact(fact_id)
        question = fact.questions[0] if fact else "(no longer in the knowledge base)"
        rows.append(FactFeedback(fact_id, question, ups[fact_id], downs[fact_id]))
    return sorted(rows, key=lambda r: (r.net, -r.down, r.fact))
