"""Every tuning knob of the matcher, in one place. Chosen on the tune split of the dev set
(`citebot eval tests/dev_questions.yaml --split tune --sweeps`) and, for the confidence cut-offs,
on the near misses that `make fit` generates from the knowledge base (it prints how many of them
are answered); never on the probe sets. See README "How a question is understood"."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class Thresholds:
    # Without the meaning weighed, a fact is answered (or suggested) only when the share of
    # the question's weight it explains reaches `coverage` (0-1).
    coverage: float = 0.65
    # How many facts a "did you mean" offers at most.
    max_suggestions: int = 3
    # Weight of a word the knowledge base has never seen, relative to the rarest known word.
    unknown_weight: float = 1.0
    # ... times this when it is one of the `common_words` most frequent English words ("take",
    # "top", "based"): everyday words say less about what is asked than rare ones ("footprint").
    common_unknown: float = 0.3
    common_words: int = 600
    # ... but only in a question of more than this many content words: in a short one every
    # word is the point ("who is the wife of Erkin Tuniyaz").
    common_after: int = 3
    # Past this many content words, an unknown word weighs unknown_weight * long_question / n:
    # in a long chatty question it is more likely padding than the point.
    long_question: int = 4
    # The same for an unknown word written as a name ("Mongolia"): a specific thing asked about.
    name_weight: float = 3.0
    # Weight of question words (how much, when, who) when comparing with alternate questions.
    cue_weight: float = 0.8
    # Score = coverage_share * coverage + (1 - coverage_share) * closeness to an alternate.
    coverage_share: float = 0.5
    # Within closeness: share of the weighted word overlap (the rest is rapidfuzz's ratio).
    overlap_share: float = 0.7
    # Typo correction: longest edit distance allowed for words of at least 8 letters (else 1);
    # shorter words (3 letters or more) are only corrected for a dropped letter or two swapped
    # ones: a changed letter too often makes another real word (crew/grew, safe/same).
    long_word_edits: int = 2
    min_typo_length: int = 5

    # The calibrated confidence (0-1, bot/decision.py) at which a fact is answered (0.25 until
    # the tune sets gained probe7: 0.2 answered 10 more of their questions, 2 of them wrongly) ...
    answer_confidence: float = 0.2
    # ... at which it is offered in a "did you mean" ...
    suggest_confidence: float = 0.15
    # ... at which an answer from the words alone stands without the meaning weighed (the
    # model's time is saved) ...
    sure_confidence: float = 0.6
    # ... once its words explain this share of the question, when the meaning was weighed
    # (without it, `coverage` above); below, the fact is only suggested ...
    meaning_coverage: float = 0.5
    # ... and this share when the fact is at least `strong_similarity` similar in meaning
    # (cosine) and ahead of every other fact by `strong_lead` ...
    strong_coverage: float = 0.3
    strong_similarity: float = 0.95
    strong_lead: float = 0.02
    # With the meaning weighed, a fact is suggested only when this similar (cosine, 0-1).
    suggest_similarity: float = 0.87
    # ... how close a runner-up must be to make the answer a choice ...
    confidence_margin: float = 0.05
    # ... and at which a fact is still worth naming beside a decline.
    nearest_confidence: float = 0.02
    # A question in another language is ranked by meaning alone (cosine similarity, 0-1):
    # answered with a clear lead over the next fact, else offered as a suggestion.
    foreign_answer_similarity: float = 0.85
    foreign_answer_lead: float = 0.06
    foreign_suggest_similarity: float = 0.82
    # ... and below that, still named beside the decline from this similarity on.
    foreign_nearest_similarity: float = 0.80


DEFAULT = Thresholds()
