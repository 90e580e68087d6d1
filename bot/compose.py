"""Builds the `Reply` for each outcome: answer, did you mean, decline, small talk."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from bot.model import Fact, Kind, KnowledgeBase, Reply, Suggestion


def suggestion(fact: Fact) -> Suggestion:
    return Suggestion(fact=fact.id, question=fact.questions[0])


def answer(kb: KnowledgeBase, question: str, fact: Fact, *, score: float) -> Reply:
    source = kb.source(fact.citations[0].source)
    related = tuple(suggestion(f) for f in (kb.fact(r) for r in fact.related) if f is not None)
    # The loader accepts a speaker of any cited source, so look in each of them.
    speaker = next(
        (s for c in fact.citations if (s := kb.source(c.source).speaker(fact.speaker))), None
    )
    return Reply(
        kind=Kind.ANSWER,
        question=question,
        text=fact.answer,
        score=score,
        fact=fact,
        citations=fact.citations,
        source=source,
        speaker=speaker,
        related=related,
    )


def did_you_mean(question: str, facts: Sequence[Fact], *, score: float) -> Reply:
    return Reply(
        kind=Kind.DID_YOU_MEAN,
        question=question,
        text="I'm not sure which of these you mean:",
        score=score,
        suggestions=tuple(suggestion(f) for f in facts),
    )


# bot/identity's reasons: what the question singles out and the fact does not.
_NOT_SINGLED_OUT = {
    "which": "The article does not say which: it speaks only of \u201c{}\u201d.",
    "superlative": "The article does not say which is the \u201c{}\u201d.",
    "relation": "The article says nothing about \u201c{}\u201d.",
    "partial": "The article names only some: \u201c{}\u201d.",
    "part": "The article gives only the whole, {}, not that part of it.",
    "rank": "The article speaks only of the \u201c{}\u201d.",
    "agent": "The article does not say who: it says only \u201c{}\u201d.",
    "entity": "The article does not say which {}.",
    "comparison": "The article makes no such comparison (\u201c{}\u201d).",
    "payer": "The article does not say who pays for it.{}",
    "future": "The article does not say what will happen.{}",
    "voice": "The article does not report what they said or thought.{}",
    "day": "The article does not give the exact day.{}",
    "contents": "The article does not say what is on display there.{}",
    "hour": "The article gives no time of day.{}",
    "scope": "The article ranks it so only \u201c{}\u201d.",
    "others": "The article names no other.{}",
    "leader": "The article does not say who {} it.",
    "unranked": "The article does not say which was \u201cthe {}\u201d.",
    "origin": "The article does not say who first {} it.",
    "doer": "The article does not say who did that.{}",
    "outcome": "The article does not say what was {}.",
    "where": "The article does not say where.{}",
    "details": "The article gives no more detail than this.{}",
    "proportion": "The article gives no such share.{}",
    "definition": "The article mentions it but does not say what it is.{}",
}


def decline(
    kb: KnowledgeBase,
    question: str,
    *,
    unexplained: Sequence[str] = (),
    figure_missing: bool = False,
    cue_missing: str | None = None,
    not_singled_out: tuple[str, str] | None = None,
    said_of_time: str = "",
    nearest: Sequence[Fact] = (),
    score: float = 0.0,
    guide: Guide | None = None,
) -> Reply:
    if figure_missing:
        reason = "The article does not give that figure."
    elif cue_missing == "why":
        reason = "The article does not give a reason for that."
    elif cue_missing == "when":
        reason = "The article does not say when." if not said_of_time else \
            f"The article does not say when: it says only \u201c{said_of_time}\u201d."
    elif cue_missing == "means":
        reason = "The article does not say how."
    elif cue_missing == "judgement":
        reason = ("I don't judge whether a claim is true or good; I can tell you what the "
                  "article and the people in it say.")
    elif not_singled_out is not None:
        reason = _NOT_SINGLED_OUT[not_singled_out[0]].format(not_singled_out[1])
    elif unexplained:
        quoted = [f"\u201c{w}\u201d" for w in unexplained[:3]]
        words = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]
        reason = f"The article does not say anything about {words}."
    else:
        reason = "I could not find that in the article."
    guide = guide or Guide.of(kb)
    lines = [reason, guide.scope]
    if not nearest:
        lines.append(f"For example, ask: \u201c{guide.example}\u201d")
    return Reply(
        kind=Kind.DECLINE,
        question=question,
        text="\n".join(lines),
        score=score,
        suggestions=tuple(suggestion(f) for f in nearest),
    )


def several(question: str, parts: Sequence[Reply]) -> Reply:
    """One message, several questions: each part keeps its own reply and quote."""
    # A declined part says only why: what the bot knows is said once, not once per part.
    parts = [replace(p, text=p.text.split("\n")[0]) if p.kind is Kind.DECLINE else p
             for p in parts]
    first = next((p for p in parts if p.answered), None)
    covered = [p.question for p in parts if not p.answered]
    text = (f"You asked {len(parts)} things; the article does not answer: "
            + "; ".join(f"\u201c{q}\u201d" for q in covered)) if covered else ""
    return Reply(
        kind=Kind.ANSWER if first is not None else Kind.DECLINE,
        question=question,
        text=first.text if first is not None else text,
        score=max(p.score for p in parts),
        fact=first.fact if first is not None else None,
        citations=first.citations if first is not None else (),
        source=first.source if first is not None else None,
        speaker=first.speaker if first is not None else None,
        parts=tuple(parts),
    )


def small_talk(question: str, text: str) -> Reply:
    return Reply(kind=Kind.SMALL_TALK, question=question, text=text)


@dataclass(frozen=True)
class Guide:
    """What a decline tells about the bot's knowledge; the same for every decline."""

    scope: str
    example: str

    @classmethod
    def of(cls, kb: KnowledgeBase) -> Guide:
        return cls(scope(kb), example_question(kb))


def scope(kb: KnowledgeBase) -> str:
    """One sentence on what the bot can answer from."""
    if len(kb.sources) == 1:
        s = kb.sources[0]
        what = f"{s.publisher}'s article \u201c{s.title}\u201d ({s.published})"
    else:
        what = f"{len(kb.sources)} articles"
    topics = "; ".join(t.title for t in kb.topics[:8])
    return f"I answer only from {what}. I know about: {topics}."


def example_question(kb: KnowledgeBase) -> str:
    # The fact with most alternates is the one the operator expects people to ask about most.
    return max(kb.facts, key=lambda f: (len(f.questions), f.id)).questions[0]
