"""The pure core: `Engine(kb).answer(question) -> Reply`. No I/O, no telegram, no yaml."""

from __future__ import annotations

import math
import re
import threading
import unicodedata
from collections.abc import Callable, Container
from dataclasses import replace
from functools import cached_property
from typing import TYPE_CHECKING, NamedTuple

from rapidfuzz import fuzz, process

from bot import compose, decision, identity
from bot.decision import Considered
from bot.index import PUBLISHER, Index, says_when
from bot.language import (
    ENGLISH,
    FOREIGN_QUANTITY,
    FOREIGN_SINGLING_OUT,
    POINTERS,
    detect,
    focus,
    foreign_cues,
    split_questions,
)
from bot.lexicon import PLACES
from bot.matching import (
    PRECISE_STEMS,
    Match,
    Query,
    analyse,
    defined,
    definition,
    numbers_unexplained,
    score,
)
from bot.model import Kind, KnowledgeBase, Reply
from bot.normalize import stem, tokens, word_role
from bot.thresholds import DEFAULT, Thresholds

if TYPE_CHECKING:
    import numpy as np

    from bot.semantic import SemanticIndex

# Past this length a message is a paste, not a question: the start is what gets matched.
MAX_QUESTION_CHARS = 1000
# A knowledge base of this many facts is scored whole; larger ones go through the candidate step.
DEFAULT_CANDIDATE_LIMIT = 50
# Of the candidates, how many of the best scored are weighed (the decision and its suggestions
# look at the first few only; building the rest as objects was most of the time per question).
MATCHES_WEIGHED = 8
# How close (rapidfuzz ratio) a whole question must be to a small-talk pattern to be one.
SMALL_TALK_SIMILARITY = 85
# How many facts the semantic signal adds to the lexical candidates.
SEMANTIC_CANDIDATES = 5
# Readings of a long message (bot/language.py focus) whose meaning is weighed: the model's
# time is paid once for each.
MEANING_READINGS = 2
# Small-talk intents that end a conversation, and the words that may follow them and still
# leave nothing asked ("thanks so much, have a nice day").
PARTING = frozenset({"thanks", "goodbye"})
POLITENESS = frozenset("""
a again all and bye cheers day evening everything for good great have help i info
information it lot man mate much nice night so that the this thank thanks to too very
weekend you your answer answers bot one see later soon take care friend buddy
""".split())
FOREIGN_NOTE = "I answer from the English article, in English."


class Engine:
    def __init__(
        self,
        kb: KnowledgeBase,
        *,
        thresholds: Thresholds = DEFAULT,
        candidate_limit: int | None = DEFAULT_CANDIDATE_LIMIT,
        english: Container[str] = frozenset(),
        common: Container[str] = frozenset(),
        semantic: SemanticIndex | None = None,
        weighed: int | None = MATCHES_WEIGHED,
        semantic_loader: Callable[[], SemanticIndex | None] | None = None,
    ) -> None:
        """`semantic_loader`: instead of `semantic`, what loads it (bot/assemble.py), called at
        the first question the words alone do not settle."""
        self.kb = kb
        self.thresholds = thresholds
        self.candidate_limit = candidate_limit
        self.weighed = weighed
        self.index = Index(kb, thresholds=thresholds, english=english, common=common)
        self._semantic = semantic
        self._semantic_loader = semantic_loader
        self._loading = threading.Lock()
        self.guide = compose.Guide.of(kb)
        self._partings = tuple(p for p in self.index.small_talk if p.intent in PARTING)
        self._parting_starts = frozenset(p.text.split()[0] for p in self._partings if p.text)
        self._longest_talk = max(map(len, self.index.small_talk_texts), default=0)
        self._profiles: dict[int, identity.Profile] = {}  # by position, see _profile
        # By position: each clause's content stems and whether it gives a time (_dated_elsewhere).
        self._clauses: dict[int, tuple[tuple[frozenset[str], bool], ...]] = {}

    @property
    def semantic(self) -> SemanticIndex | None:
        """The semantic index (None: words alone). Loaded when first needed if a loader was
        handed in: a question the words settle needs neither numpy nor the model."""
        if self._semantic_loader is not None:
            with self._loading:  # threads asking at once load it once
                if self._semantic_loader is not None:
                    self._semantic = self._semantic_loader()
                    self._semantic_loader = None
        return self._semantic

    def answer(self, question: str) -> Reply:
        question = capped(question)
        parts = split_questions(question)
        if len(parts) > 1:
            return self._several(question, parts)
        return self._one(question)

    def answer_fact(self, fact_id: str) -> Reply | None:
        fact = self.kb.fact(fact_id)
        if fact is None:
            return None
        return compose.answer(self.kb, fact.questions[0], fact, score=100.0)

    def inline_answers(self, question: str, *, limit: int = 3) -> tuple[Reply, ...]:
        """Up to `limit` answers that would each be acceptable on their own (for inline mode)."""
        question = capped(question)
        query = analyse(self.index, question)
        if query.empty:
            return ()
        considered = self.consider(question, query)
        good = [c for c in considered
                if c.veto is None and c.confidence >= self.thresholds.answer_confidence]
        return tuple(
            compose.answer(self.kb, question, c.match.fact, score=_percent(c))
            for c in good[:limit]
        )

    def language(self, question: str) -> str:
        # Full-width letters are the ASCII ones once folded (NFKC), as for matching.
        if not question.isascii():
            question = unicodedata.normalize("NFKC", question)
        return detect(question, is_english_word=self._is_english)

    def _is_english(self, word: str) -> bool:
        # The knowledge base's words first: the English list is then read only for a word
        # the article does not use (bot/assemble.py).
        return self.index.speller.known(word) or word in self.index.english

    def consider(self, question: str, query: Query, *, semantic: bool = True) -> list[Considered]:
        """Every fact worth weighing for the question, most confident first."""
        use = semantic and self.semantic is not None
        return self._weigh(query, self.semantic.similarities(question)
                           if use and self.semantic is not None else None)

    def _weigh(self, query: Query, similarities: np.ndarray | None) -> list[Considered]:
        """Lexical matches (plus the facts nearest in meaning), each with its confidence."""
        also: list[int] = []
        runner_up = [0.0, 0.0]  # the two best similarities: each fact's lead is over the other
        if similarities is not None:
            # numpy is only imported with the semantic layer: the lexical bot starts lighter.
            also = [int(i) for i in (-similarities).argsort()[:SEMANTIC_CANDIDATES]]
            runner_up = [float(similarities[i]) for i in also[:2]]
        matches = score(self.index, query, limit=self.candidate_limit, also=also,
                        top=self.weighed)
        # Features, vetoes and confidences of the matches.
        asks = query.singles_out
        when = "when" in query.cues
        defines = self.to_define(query) if query.defines else frozenset()
        return decision.weigh(
            matches, similarities=similarities, runner_up=runner_up, names=query.vetoing,
            judgement=query.judgement,
            singles_out=(lambda m: self._singled_out(asks, m, query.content, when=when,
                                                     defines=defines, deeds=query.dated_deeds))
            if asks or when or defines else None)

    def to_define(self, query: Query) -> frozenset[str]:
        """"What is the SCO?": a thing the article names, and only that, to define (not
        "what are the sanctions", which the facts tell, nor "what is Erkin Tuniyaz's
        position"), named by an alias, as a name, or by a word of the article that is no
        English word ("Horgos", "Changji"; as typed: a stem is no word)."""
        asked = query.defines - self.index.ubiquitous
        if not asked or query.defines_meaning:
            # A meaning asked is a definition whatever the thing ("what does high-level
            # opening-up mean").
            return asked
        named = self._alias_targets | query.names | {
            w for w in asked if self.index.knows(w) and self.index.has_word_list
            and query.surface.get(w, w) not in self.index.english}
        return asked if not asked.isdisjoint(named) and asked - named <= _KIND_NOUNS \
            else frozenset()

    def _singled_out(self, asks: identity.Asks, match: Match,
                     content: tuple[str, ...], *, when: bool = False,
                     defines: frozenset[str] = frozenset(),
                     deeds: frozenset[str] = frozenset()) -> str | None:
        position = match.position
        if defines and not any(not defines.isdisjoint(d) for d in self._definitions[position]):
            # Only a fact one of whose own questions asks what that thing is defines it: the
            # others mention it ("diplomats affiliated to the SCO").
            return "definition"
        if match.score >= 100:
            # Its words are one of the fact's alternates, the operator's choice; only whose
            # idea it was is asked beyond them ("whose idea was dual circulation").
            if asks.origin and not asks.which and (
                    found := identity.veto(identity.Asks(origin=asks.origin),
                                           self._profile(position))) is not None:
                return found[0]
            return None
        if when and match.cue_missing is None and (
                self._dated_elsewhere(match, content)
                or not deeds.isdisjoint(match.unexplained)):
            return "when"
        if not asks:
            return None
        profile = self._profile(position)
        # "Who is the chairman of the congress?": the title is what is asked, and a fact that
        # only names the speaker ("Erkin Tuniyaz said") does not say whose chairman he is.
        if asks.who_is and any(w in self.index.titles and w not in profile.words
                               for w in asks.who_is):
            return "name"
        if asks.voice and any(w in content and w not in match.unexplained for w in asks.voice) \
                and self._voices(position).isdisjoint(asks.voice):
            # "What did the diplomats think of the sessions?" of a fact in which the chairman
            # speaks of them: their own words are not given.
            return "voice"
        found = identity.veto(asks, profile)
        return None if found is None else found[0]

    def _dated_elsewhere(self, match: Match, content: tuple[str, ...]) -> bool:
        """"When did the sanctions start?" of a fact whose only date belongs to another of its
        clauses ("sanctions ... in recent years; despite this, trade reached a record high in
        2023"): what is asked about is not dated. Clauses are cut at semicolons, not commas
        ("the FTZ, the first ..., started operations in November")."""
        clauses = self._clauses.get(match.position)
        if clauses is None:
            fact = self.kb.facts[match.position]
            clauses = self._clauses[match.position] = tuple(
                (frozenset(r[0] for r in map(word_role, self.index.words(clause))
                           if r is not None), says_when(tokens(clause)))
                for text in (fact.answer, *(c.quote for c in fact.citations))
                for clause in text.split(";"))
        if not any(d for _, d in clauses) or all(d for _, d in clauses):
            return False
        ubiquitous = self.index.ubiquitous
        asked = [w for w in content if w not in match.unexplained and w not in ubiquitous]
        return bool(asked) and not any(
            d and not words.isdisjoint(asked) for words, d in clauses)

    def _vague_time(self, position: int) -> str:
        """The article's own loose time for a fact ("in recent years"), if it gives one."""
        fact = self.kb.facts[position]
        found = _VAGUE_TIME.search(" ".join(c.quote for c in fact.citations))
        return found.group() if found else ""

    def _voices(self, position: int) -> frozenset[str]:
        """The stems that name whose words a fact gives: its speaker's name and title, or,
        for the paper's own reporting, the paper."""
        fact = self.kb.facts[position]
        sources = {c.source for c in fact.citations}
        said = " ".join(f"{name} {title}" for source in sources
                        for speaker, name, title in self._titles.get(source, ())
                        if speaker == fact.speaker)
        if fact.speaker == PUBLISHER:  # the paper by its name ("the River Times") too
            said += " " + " ".join(self.kb.source(s).publisher for s in sources)
        words = {r[0] for r in map(word_role, self.index.words(said)) if r is not None}
        return frozenset(words | (_PUBLISHER_WORDS if fact.speaker == PUBLISHER else set()))

    @cached_property
    def _people(self) -> frozenset[str]:
        """The words of people's names, not of the papers that speak ("China Daily")."""
        papers = {w for source in self.kb.sources for w in tokens(source.publisher)}
        return self.index.people - papers

    @cached_property
    def _titles(self) -> dict[str, list[tuple[str, str, str]]]:
        from bot.index import speaker_titles

        return speaker_titles(self.kb)

    def _profile(self, position: int) -> identity.Profile:
        """Made when a question first needs it: most facts never do."""
        found = self._profiles.get(position)
        if found is None:
            fact = self.kb.facts[position]
            found = identity.profile(fact.answer, [c.quote for c in fact.citations],
                                     ubiquitous=self.index.ubiquitous,
                                     people=self._people)
            self._profiles[position] = found
        return found

    def _one(self, question: str) -> Reply:
        lexical = self._semantic is None and self._semantic_loader is None
        words = self._by_words(question)
        reply = self._noted(words, words.reply)
        settled = reply.kind is Kind.SMALL_TALK or (reply.answered and words.settled)
        # A long message is embedded whole (its cost grows with its length) only when neither
        # its words nor its question read alone settle it.
        candidates = None if settled or lexical else focus(question)
        if candidates == []:
            reply = self._by_meaning(words)
        if reply.answered or reply.kind is Kind.SMALL_TALK:
            return reply
        if candidates is None:
            candidates = focus(question)
        # Some context, then the question: the question alone may be answered, unless the
        # context says it is about something else (see _context_vetoes). Each way of reading
        # it that its words settle first; then, by their meaning too, the two most specific
        # (the model's time would otherwise be paid once per sentence of a long message).
        passes = ((False, candidates),) if lexical else (
            (False, candidates), (True, candidates[:MEANING_READINGS]))
        for meaning, narrowers in passes:
            for narrower in narrowers:
                found = self._single(narrower, meaning=meaning)
                if not (meaning or lexical) \
                        and found.score < 100 * self.thresholds.sure_confidence:
                    continue  # not settled by the words: weighed with the meaning below
                if not found.answered and POINTERS & set(tokens(narrower)):
                    # "... the new zone. Which cities are in it?": "it" is named in the context.
                    subject = self._named(question[: question.rfind(narrower)])
                    if subject:
                        found = self._single(f"{narrower} ({subject})", meaning=meaning)
                if found.answered and found.fact is not None \
                        and not self._context_vetoes(question, narrower, found.fact.id):
                    return replace(found, question=question)
        return self._by_meaning(words) if candidates and not lexical else reply

    def _named(self, text: str, *, common: bool = False) -> str:
        """The first thing a text names, which "it" or "they" may stand for: a place, a name or
        one of the article's named things ("the new zone": "ftz"), as typed; one that half the
        facts speak of ("Xinjiang") says little about which, so it comes only when no other
        does, and only with `common`."""
        asked = analyse(self.index, text)
        # Written as a name ("Xinjiang's trade"), or known to be one.
        capitalised = {stem(w.casefold()) for w in _CAPITALISED.findall(text[1:])}
        named = [w for w in asked.content
                 if w in asked.specific or w in self._alias_targets or w in capitalised]
        half = math.log(1 + 2)  # the IDF of a word in half the facts (bot/index.py)
        rare = [w for w in named if self.index.idf.get(w, half + 1) > half]
        chosen = rare or (named if common else [])
        return asked.surface.get(chosen[0], chosen[0]) if chosen else ""

    def _context_vetoes(self, question: str, narrower: str, fact_id: str) -> bool:
        """Whether the rest of the message rules out the fact its question reached: a claim
        to judge, a year or a sizeable figure the fact does not give ("back in 2019 ... how
        many came?"), or a place it does not mention when the question names none of its own
        ("I'm curious about Hainan. How big is the FTZ?")."""
        whole = analyse(self.index, question)
        position = self._positions[fact_id]
        match = next((m for m in score(self.index, whole, limit=self.candidate_limit,
                                       also=(position,), top=0)
                      if m.position == position), None)
        if match is None:
            return False
        if decision.veto(match, frozenset(), judgement=whole.judgement) == "judgement":
            return True
        if any(_sizeable(n) for n in numbers_unexplained(match)):
            return True
        own = analyse(self.index, narrower)
        names_own = own.places or own.names or _PROPER_NOUN.search(narrower[1:]) is not None \
            or not self._article_names.isdisjoint(own.content)
        return not names_own and not whole.places.isdisjoint(match.unexplained)

    @cached_property
    def _article_names(self) -> frozenset[str]:
        """The stems of the names the sources write with a capital inside a sentence, and
        never without ("Xinjiang", "Urumqi"): a question that names one, even in lower case,
        names its own subject."""
        texts = [t for source in self.kb.sources for t in source.paragraphs]
        lower = {w for t in texts for w in re.findall(r"\b[a-z]\w*", t)}
        return frozenset(stem(m.group().lower()) for text in texts
                         for m in _PROPER_NOUN.finditer(text)
                         if m.start() and text[m.start() - 1] not in "\"\u201c"
                         and m.group().lower() not in lower
                         and m.group().lower() not in PLACES | _NOT_OWN)

    @cached_property
    def _alias_targets(self) -> frozenset[str]:
        """The article's named things: canonical forms of its aliases that are no English
        word ("ftz", "centralasia"; not "author", which "journalist" is rewritten to)."""
        english = self.index.english
        return frozenset(w for _, target in self.index.aliases.pairs for w in target
                         if w not in english)

    @cached_property
    def _definitions(self) -> list[list[frozenset[str]]]:
        """Per fact, the things its own questions ask to define ("what is the npc")."""
        return [[d for q in fact.questions
                 if (d := defined(definition(tokens(q)), self.index))]
                for fact in self.kb.facts]

    @cached_property
    def _positions(self) -> dict[str, int]:
        return {fact.id: i for i, fact in enumerate(self.kb.facts)}

    def _single(self, question: str, *, meaning: bool = True) -> Reply:
        """One question, by its words and, unless they settle it (or `meaning` is false), by
        its meaning."""
        words = self._by_words(question)
        return self._by_meaning(words) if meaning else self._noted(words, words.reply)

    def _by_words(self, question: str) -> _Reading:
        language = self.language(question)
        query = analyse(self.index, question)
        if language == ENGLISH:
            talk = self._small_talk(question, query)
            if talk is not None:
                return _Reading(question, query, language, talk, settled=True)
        elif query.empty and self.semantic is None:
            # No word to match and no meaning to weigh.
            return _Reading(question, query, language,
                            compose.decline(self.kb, question, guide=self.guide), settled=True,
                            noted=False)
        else:
            # Capitals mark nouns in German and every word in some scripts: not names there.
            query = replace(query, names=frozenset(),
                            asks_quantity=query.asks_quantity
                            or FOREIGN_QUANTITY.search(question) is not None,
                            cues=query.cues | foreign_cues(question))
        considered = self._weigh(query, None)
        reply = self._decide(question, query, considered, language)
        # The words alone answer it: the meaning is not weighed (the model's time is saved).
        return _Reading(question, query, language, reply,
                        settled=language == ENGLISH and self._sure(reply, query, considered))

    def _by_meaning(self, words: _Reading) -> Reply:
        """The reply with the meaning weighed too, unless the words settled it: a better
        answer or at least the right suggestions."""
        reply = words.reply
        if not words.settled and self.semantic is not None:
            considered = self._weigh(words.query, self.semantic.similarities(words.question))
            reply = self._decide(words.question, words.query, considered, words.language)
        return self._noted(words, reply)

    @staticmethod
    def _noted(words: _Reading, reply: Reply) -> Reply:
        if words.language == ENGLISH or not words.noted:
            return reply
        return replace(reply, language=words.language, note=FOREIGN_NOTE)

    def _sure(self, reply: Reply, query: Query, considered: list[Considered]) -> bool:
        """The words settle it: a confident answer, or a bare keyword that several facts
        explain fully (a choice the meaning of one word cannot make). Not a question of a
        word or two that several facts explain fully ("the new FTZ in Xinjiang"): which of
        them is asked is the meaning's to say."""
        if reply.kind is Kind.DID_YOU_MEAN:
            return len(query.words) == 1
        if not (reply.answered and reply.score >= 100 * self.thresholds.sure_confidence):
            return False
        if len(query.content) > _FEW_WORDS or any(c.match.score >= 100 for c in considered):
            return True  # longer, or one of the operator's own alternates
        return sum(c.veto is None and c.match.coverage >= 1.0 for c in considered) < _SEVERAL

    def _decide(self, question: str, query: Query, considered: list[Considered],
                language: str) -> Reply:
        t = self.thresholds
        if not considered:
            # No fact shares a word: name them all (in English; other words would be garbled).
            unknown = [query.surface.get(w, w) for w in query.content] \
                if language == ENGLISH else []
            return compose.decline(self.kb, question, unexplained=unknown, guide=self.guide)
        fit = [c for c in considered if c.veto is None]
        if language != ENGLISH and considered[0].similarity is not None:
            foreign = self._decide_by_meaning(question, considered)
            if foreign is not None:
                return foreign
        answer_at = t.answer_confidence
        if fit and fit[0].confidence >= answer_at and self._explained(fit[0], query):
            best = fit[0]
            rivals = [
                c for c in fit[1:] if c.confidence >= t.suggest_confidence
                and (best.confidence - c.confidence < t.confidence_margin
                     or _same_bare_keyword(best.match, c.match))
            ]
            if not rivals:
                return compose.answer(self.kb, question, best.match.fact,
                                      score=_percent(best))
            chosen = [best, *rivals][: t.max_suggestions]
            return compose.did_you_mean(question, [c.match.fact for c in chosen],
                                        score=_percent(best))
        if fit and fit[0].confidence >= t.suggest_confidence \
                and self._explained(fit[0], query) \
                and (fit[0].similarity is None or fit[0].similarity >= t.suggest_similarity):
            # The best, and beside it only facts worth naming (as beside a decline).
            chosen = [c for c in fit[: t.max_suggestions]
                      if c is fit[0] or c.confidence >= t.nearest_confidence]
            return compose.did_you_mean(question, [c.match.fact for c in chosen],
                                        score=_percent(fit[0]))
        full = [c for c in fit[: t.max_suggestions]
                if c.match.coverage >= 1.0 and c.confidence >= t.nearest_confidence]
        if len(full) >= 2 and self._explained(full[0], query) \
                and (full[0].similarity is None or full[0].similarity >= t.suggest_similarity):
            # Several facts explain every word and none stands out ("what does the chairman
            # say about the sessions?"): a choice, not "not found".
            return compose.did_you_mean(question, [c.match.fact for c in full],
                                        score=_percent(full[0]))
        top = considered[0]
        lexical = max(considered, key=lambda c: (c.match.score, c.confidence)).match
        reason = top.veto or (decision.veto(lexical, query.vetoing,
                                                judgement=query.judgement))
        # Only words that no fact explains are named: "nothing about 'chairman'" would be
        # false when another fact is about the chairman.
        unknown = [query.surface.get(w, w) for w in lexical.unexplained
                   if not self.index.knows(w) and w not in PRECISE_STEMS] \
            if language == ENGLISH else []
        nearest = [c.match.fact for c in considered[: t.max_suggestions]
                   if c.confidence >= t.nearest_confidence]
        if not nearest and language != ENGLISH:
            # In another language the meaning is all there is to go by, and its similarities
            # sit low and close ("自贸区" is not read as the FTZ): the nearest three are
            # offered rather than nothing.
            nearest = [c.match.fact for c in sorted(
                (c for c in considered if c.similarity is not None),
                key=lambda c: -(c.similarity or 0.0))[: t.max_suggestions]]
        singled = identity.veto(query.singles_out, self._profile(top.position)) \
            if reason in identity.REASONS \
            else (reason, "") if reason in ("voice", "definition") else None
        return compose.decline(
            self.kb,
            question,
            unexplained=unknown if reason in (None, "name", "number") else [],
            figure_missing=reason == "figure",
            cue_missing=reason if reason in ("why", "when", "means", "judgement") else None,
            not_singled_out=singled,
            said_of_time=self._vague_time(top.position) if reason == "when" else "",
            nearest=nearest,
            guide=self.guide,
            score=_percent(top),
        )

    def _explained(self, c: Considered, query: Query) -> bool:
        """The words must be explained well enough: an unknown word may be the very thing
        asked ("the population of Kashgar"). The meaning lowers the bar, but does not remove it,
        nor for a prediction ("will the West lift ...") of a fact that says nothing of what
        will be."""
        t = self.thresholds
        lowered = c.similarity is not None and not (
            query.prediction and "will" not in self._profile(c.position).words)
        if lowered and c.similarity is not None and c.similarity >= t.strong_similarity \
                and c.features[4] >= t.strong_lead * decision.SIMILARITY_SCALE:
            # Nearly the same meaning, and no other fact near: one word the knowledge base
            # lacks ("capitol", "touch") does not make it another question.
            return c.match.coverage >= t.strong_coverage
        return c.match.coverage >= (t.meaning_coverage if lowered else t.coverage)

    def _decide_by_meaning(self, question: str, considered: list[Considered]) -> Reply | None:
        """Another language: the words hardly match, so the meaning alone ranks the facts; only
        a clear lead is answered (a wrong fact is worse than a suggestion)."""
        t = self.thresholds
        # Among the facts nearest in meaning only (those are weighed whatever else is), the
        # ones not vetoed ("wie viele" of a fact that gives no figure).
        nearest = sorted((c.similarity or 0.0 for c in considered), reverse=True)
        floor = nearest[min(SEMANTIC_CANDIDATES, len(nearest)) - 1]
        ranked = sorted((c for c in considered
                         if c.veto is None and (c.similarity or 0.0) >= floor),
                        key=lambda c: -(c.similarity or 0.0))
        if not ranked:
            return None
        best = ranked[0]
        similarity = best.similarity or 0.0
        # The lead over every other fact, vetoed or not: a veto leaves no more certainty.
        lead = similarity - max((c.similarity or 0.0 for c in considered if c is not best),
                                default=0.0)
        if similarity >= t.foreign_answer_similarity and lead >= t.foreign_answer_lead \
                and not self._english_unexplained(question, best.match) \
                and FOREIGN_SINGLING_OUT.search(question) is None:
            return compose.answer(self.kb, question, best.match.fact,
                                  score=round(100 * similarity, 1))
        if similarity >= t.foreign_suggest_similarity:
            return compose.did_you_mean(
                question, [c.match.fact for c in ranked[: t.max_suggestions]],
                score=round(100 * similarity, 1))
        if similarity >= t.foreign_nearest_similarity:
            # Declined, but the nearest in meaning are named: the words cannot find them.
            return compose.decline(
                self.kb, question, nearest=[c.match.fact for c in ranked[: t.max_suggestions]],
                guide=self.guide, score=round(100 * similarity, 1))
        return None

    def _english_unexplained(self, question: str, match: Match) -> bool:
        """A longer English word inside another language ("Quelle est la population de
        Kashgar ?") that the fact does not explain: the meaning may be near, the subject is
        not. Then the fact is only suggested."""
        unexplained = set(match.unexplained)
        return any(len(w) >= _COGNATE_LENGTH and w in self.index.english
                   and stem(w) in unexplained
                   for w in (w.casefold() for w in _LATIN_WORD.findall(question)))

    def _several(self, question: str, parts: list[str]) -> Reply:
        """Each question of the message answered on its own, unless the whole reads as one."""
        whole = self._one(question)
        replies: list[Reply] = []
        for i, part in enumerate(parts):
            reply = self._one(part)
            previous = replies[-1] if replies else None
            if previous is not None and previous.fact is not None \
                    and POINTERS & set(tokens(part)):
                # "... and how fast did it grow?": "it" is the previous question's subject:
                # the place or name it asked about ("Central Asia"), or its topic. One that
                # half the facts speak of ("Xinjiang") only helps a part not answered alone.
                # Then the previous question itself: "which countries ...? list all of them"
                # asks all of those countries (not the topic's other facts).
                named = self._named(parts[i - 1], common=not reply.answered)
                for subject in (named, parts[i - 1].rstrip("?.! ")):
                    again = self._one(f"{part} ({subject})") if subject else reply
                    if again.answered:
                        reply = replace(again, question=part)
                        break
                    if reply.answered:
                        break  # the part answered alone: the topic's title adds nothing
            replies.append(reply)
        answered = [r for r in replies if r.answered and r.fact is not None]
        facts = {r.fact.id for r in answered if r.fact is not None}
        same = whole.fact is not None and facts == {whole.fact.id}
        if not answered or (same and len(answered) == len(replies)):
            return whole
        if len(answered) == 1 and all(r.answered or r.kind is Kind.SMALL_TALK for r in replies):
            return answered[0]  # "hi! when did the FTZ open?"
        return compose.several(question, replies)

    def _small_talk(self, question: str, query: Query) -> Reply | None:
        """The small-talk reply when the question is only that ("hi", "thanks!", "/start")."""
        patterns = self.index.small_talk
        command = question.strip().startswith("/")
        # Close to a whole pattern, even one made of words the article also uses ("good night").
        found = process.extractOne(query.text, self.index.small_talk_texts, scorer=fuzz.ratio,
                                   score_cutoff=SMALL_TALK_SIMILARITY) \
            if self._may_be_small_talk(query.text) else None
        if found is None and not (query.empty or query.small_talk_only or command):
            return self._parting(question, query)
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


    def _may_be_small_talk(self, text: str) -> bool:
        """Whether `text` is short enough to be that close to some pattern: a ratio is at most
        200 * shorter / (both lengths), so a question much longer than every pattern (as most
        are) cannot reach SMALL_TALK_SIMILARITY, and need not be compared."""
        longest = self._longest_talk
        return 200 * longest >= SMALL_TALK_SIMILARITY * (len(text) + longest)

    def _parting(self, question: str, query: Query) -> Reply | None:
        """Thanks or a goodbye followed by nothing but politeness ("bye, have a nice day",
        "thanks so much") is that, whatever words the article shares with the rest; anything
        more ("thanks, and the land ports") may be a question."""
        if not query.words or query.words[0] not in self._parting_starts:
            return None
        for pattern in self._partings:
            if query.text == pattern.text or query.text.startswith(pattern.text + " "):
                rest = query.text[len(pattern.text):].split()
                if not POLITENESS.issuperset(rest):
                    return None
                reply = next((s.reply for s in self.kb.small_talk
                              if s.intent == pattern.intent), None)
                return None if reply is None else compose.small_talk(question, reply)
        return None


# Who speaks in the paper's own reporting ("what does the article say").
_PUBLISHER_WORDS = frozenset(stem(w) for w in """article paper newspaper report piece story
china daily chinadaily journalist journalists reporter reporters author authors""".split())


# A capitalised word inside a sentence: the question names its own subject ("... does
# Xinjiang have").
_PROPER_NOUN = re.compile(r"(?<![.!?]\s)\b[A-Z][a-z]+")
# Capitalised, but naming the country, a direction, the paper or the photo, not the article's
# own subject.
_NOT_OWN = frozenset("china chinese western national daily photo".split())


_CAPITALISED = re.compile(r"\b[A-Z][a-z]+")
class _Reading(NamedTuple):
    """A question read by its words: what the meaning step needs to go on from there."""

    question: str
    query: Query
    language: str
    reply: Reply
    settled: bool  # the words settle it (or it is small talk): no meaning to weigh
    noted: bool = True  # a reply in another language says it answers in English


# English words this long inside another language are its subject, not chance spellings.
_COGNATE_LENGTH = 6
_LATIN_WORD = re.compile(r"[^\W\d_]+")


# A question of at most this many content words that this many facts explain fully is not
# settled by its words (Engine._sure).
_FEW_WORDS, _SEVERAL = 2, 3


def _sizeable(number: str) -> bool:
    """A figure that can contradict a fact: a year or an amount, not "I have 2 questions"."""
    return number not in _SMALL_NUMBERS


# Numbers a message mentions in passing ("two questions", "3 kids", "read half of it").
_SMALL_NUMBERS = frozenset(
    [str(n) for n in range(11)]
    + [stem(w) for w in "one two three four five six seven eight nine ten half quarter "
       "twice once double".split()]
)


# What a named thing to define may be called besides its name ("the dual circulation
# strategy", "the Belt and Road Initiative"), as stems.
_KIND_NOUNS = frozenset(stem(w) for w in """strategy initiative policy concept term phrase idea
project programme program organization organisation body group bloc""".split())

# Times an article may give that say no date: "when" is not answered by them.
_VAGUE_TIME = re.compile(r"\b(?:in recent years|in the past few years|recently|lately|"
                         r"for years|for decades|in recent months)\b", re.IGNORECASE)


def capped(question: str) -> str:
    """At most MAX_QUESTION_CHARS, before and after NFKC (which turns one character into as
    many as 18): a paste costs no more than a long question."""
    question = question[:MAX_QUESTION_CHARS]
    folded = unicodedata.normalize("NFKC", question)
    return folded[:MAX_QUESTION_CHARS] if len(folded) > MAX_QUESTION_CHARS else question


def _percent(c: Considered) -> float:
    return round(100 * c.confidence, 1)


def _same_bare_keyword(best: Match, other: Match) -> bool:
    """A one-word question ("trade") that several facts explain fully is ambiguous, unless it
    is exactly one of the best fact's alternate questions (the operator chose it)."""
    return best.word_count == 1 and best.score < 100 and best.coverage == other.coverage == 1.0
