"""The pure core: `Engine(kb).answer(question) -> Reply`. No I/O, no telegram, no yaml."""

from __future__ import annotations

from rapidfuzz import fuzz, process

from bot import compose
from bot.index import Index
from bot.matching import Match, Query, analyse, numbers_unexplained, score
from bot.model import KnowledgeBase, Reply
from bot.thresholds import DEFAULT, Thresholds

# Past this length a message is a paste, not a question: the start is what gets matched.
MAX_QUESTION_CHARS = 1000
# A knowledge base of this many facts is scored whole; larger ones go through the candidate step.
DEFAULT_CANDIDATE_LIMIT = 50
# How close (rapidfuzz ratio) a whole question must be to a small-talk pattern to be one.
SMALL_TALK_SIMILARITY = 85


class Engine:
    def __init__(
        self,
        kb: KnowledgeBase,
        *,
        thresholds: Thresholds = DEFAULT,
        candidate_limit: int | None = DEFAULT_CANDIDATE_LIMIT,
    ) -> None:
        self.kb = kb
        self.thresholds = thresholds
        self.candidate_limit = candidate_limit
        self.index = Index(kb, thresholds=thresholds)
        self.guide = compose.Guide.of(kb)

    def answer(self, question: str) -> Reply:
        question = question[:MAX_QUESTION_CHARS]
        query = analyse(self.index, question)
        talk = self._small_talk(question, query)
        if talk is not None:
            return talk
        matches = score(self.index, query, limit=self.candidate_limit)
        return self._decide(question, query, matches)

    def answer_fact(self, fact_id: str) -> Reply | None:
        fact = self.kb.fact(fact_id)
        if fact is None:
            return None
        return compose.answer(self.kb, fact.questions[0], fact, score=100.0)

    def answers(self, question: str, *, limit: int = 3) -> tuple[Reply, ...]:
        """Up to `limit` answers that would each be acceptable on their own (for inline mode)."""
        question = question[:MAX_QUESTION_CHARS]
        query = analyse(self.index, question)
        if query.empty:
            return ()
        matches = score(self.index, query, limit=self.candidate_limit)
        good = [m for m in matches if m.score >= self.thresholds.suggest and self._acceptable(m)]
        return tuple(
            compose.answer(self.kb, question, m.profile.fact, score=m.score) for m in good[:limit]
        )

    def _acceptable(self, match: Match) -> bool:
        """Whether the fact explains the question well enough to be its answer."""
        return (
            match.coverage >= self.thresholds.coverage
            and not numbers_unexplained(match)
            and not match.figure_missing
            and match.cue_missing is None
        )

    def _decide(self, question: str, query: Query, matches: list[Match]) -> Reply:
        t = self.thresholds
        if not matches:
            return compose.decline(self.kb, question, guide=self.guide)
        best = matches[0]
        if not self._acceptable(best) or best.score < t.suggest:
            nearest = [m.profile.fact for m in matches[:2] if m.coverage >= 0.5]
            # Only words that no fact explains are named: "nothing about 'chairman'" would be
            # false when another fact is about the chairman.
            unknown = [query.surface.get(w, w) for w in best.unexplained
                       if w not in self.index.postings]
            return compose.decline(
                self.kb,
                question,
                unexplained=unknown,
                figure_missing=best.figure_missing and not best.unexplained,
                cue_missing=best.cue_missing if not best.unexplained else None,
                nearest=nearest if best.unexplained or best.figure_missing or best.cue_missing
                else [],
                guide=self.guide,
                score=best.score,
            )
        rivals = [
            m for m in matches[1:]
            if m.score >= t.suggest and self._acceptable(m)
            and (best.score - m.score < t.margin or _same_bare_keyword(best, m))
        ]
        if best.score >= t.answer and not rivals:
            return compose.answer(self.kb, question, best.profile.fact, score=best.score)
        if best.score < t.answer:
            rivals = [m for m in matches[1:] if m.score >= t.suggest and self._acceptable(m)]
        chosen = [best, *rivals][: t.max_suggestions]
        return compose.did_you_mean(question, [m.profile.fact for m in chosen], score=best.score)

    def _small_talk(self, question: str, query: Query) -> Reply | None:
        """The small-talk reply when the question is only that ("hi", "thanks!", "/start")."""
        patterns = self.index.small_talk
        command = question.strip().startswith("/")
        # Close to a whole pattern, even one made of words the article also uses ("good night").
        found = process.extractOne(query.text, self.index.small_talk_texts, scorer=fuzz.ratio,
                                   score_cutoff=SMALL_TALK_SIMILARITY)
        if found is None and not (query.empty or query.small_talk_only or command):
            return None
        if found is None and query.small_talk_only:
            # Only small-talk words, but not a known phrase: the closest intent by words.
            found = process.extractOne(
                query.text, self.index.small_talk_texts,
                scorer=fuzz.token_set_ratio, score_cutoff=SMALL_TALK_SIMILARITY,
            )
        # Nothing to go on ("what do you think", "/foo"): say what the bot can do.
        intent = patterns[found[2]].intent if found is not None and not command else "help"
        reply = next((s.reply for s in self.kb.small_talk if s.intent == intent), None)
        if reply is None:
            return compose.decline(self.kb, question, guide=self.guide) if query.empty else None
        return compose.small_talk(question, reply)


def _same_bare_keyword(best: Match, other: Match) -> bool:
    """A one-word question ("trade") that several facts explain fully is ambiguous, unless it
    is exactly one of the best fact's alternate questions (the operator chose it)."""
    return best.words == 1 and best.score < 100 and best.coverage == other.coverage == 1.0
