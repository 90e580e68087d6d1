"""What language a question is in, and where one message holds several questions. Pure."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

ENGLISH = "en"

# Scripts that name their language well enough for a note; checked in this order.
_SCRIPT_LANGUAGES: tuple[tuple[str, str], ...] = (
    ("HIRAGANA", "ja"), ("KATAKANA", "ja"), ("HANGUL", "ko"), ("CJK", "zh"),
    ("CYRILLIC", "ru"), ("ARABIC", "ar"), ("HEBREW", "he"), ("GREEK", "el"),
    ("DEVANAGARI", "hi"), ("THAI", "th"), ("GEORGIAN", "ka"), ("ARMENIAN", "hy"),
)
# Letters that only some languages of a script use.
_KAZAKH_LETTERS = frozenset("әғқңөұүһі")
_UYGHUR_LETTERS = frozenset("ېۆۈۇڭھ")
# Short function words that tell Latin-script languages apart; English is what is left.
_LATIN_MARKERS: dict[str, frozenset[str]] = {
    "es": frozenset("el la los las del qué que cuál cuándo cuánto cuántos dónde es por para "
                    "con una uno y se su sus está fue como cuando cuanto cuantos donde quien "
                    "quién".split()),
    "fr": frozenset("le la les des du est quel quelle quels quand combien où pour avec une "
                    "et qui que au aux sont été quoi parle dans cette cet sur".split()),
    "de": frozenset("der die das den dem des ist wie wann welche welcher welches wo und mit "
                    "von für ein eine sind wurde hat viele wer was warum im zum zur auf nicht "
                    "auch worum geht woher".split()),
    "tr": frozenset("ne nedir nasıl kaç ve bir mi mı mu mü ile için hangi zaman neden "
                    "kadar".split()),
    "pt": frozenset("o os as do da dos das qual quais quando quanto quantos onde é com uma e "
                    "foi são não quem este esta isso".split()),
    "it": frozenset("il lo gli della delle che qual quale quali quando quanto quanti dove è "
                    "con una e sono stato stata hanno ha di alle nel nella questo".split()),
    "uz": frozenset("bilan necha qancha qaysi nima va uchun qanday kim qachon nega".split()),
    "id": frozenset("apa yang dan ini itu di dari untuk dengan siapa kapan berapa bagaimana dibuka "
                    "mengapa menurut adalah".split()),
}
# "How many" / "how much" in other languages: a figure asked, which a fact must give.
FOREIGN_QUANTITY = re.compile(
    r"\b(?:wie ?viele?|combien|cu[aá]nt[oa]s?|quant[ioae]s?|quantos|quantas|сколько|скільки|"
    r"qancha|necha|berapa|kaç|ne kadar|қанша|چند|كم)\b|多少|几个|幾つ|何人|何個|どのくらい|"
    r"どれくらい|いくら|몇|얼마",
    re.IGNORECASE)
# "Why" and "when" in other languages: a reason or a time asked, which a fact must give.
_FOREIGN_CUES = (
    ("why", re.compile(
        r"\b(?:warum|weshalb|wieso|pourquoi|por qu[eé]|почему|зачем|neden|"
        r"nega|mengapa|kenapa|неге|لماذا)\b|为什么|為什麼|为何|なぜ|どうして|왜", re.IGNORECASE)),
    ("when", re.compile(
        r"\b(?:wann|quand|cu[aá]ndo|quando|когда|ne zaman|qachon|kapan|қашан|متى)\b|什么时候|"
        r"何时|何時|いつ|언제", re.IGNORECASE)),
)


def foreign_cues(text: str) -> frozenset[str]:
    """The typed cues ("why", "when") a question in another language asks."""
    return frozenset(cue for cue, pattern in _FOREIGN_CUES if pattern.search(text))


# "Which (ones)" in the plural and "exactly" in other languages: the question asks the fact to
# single things out, which only the English words can check (bot/identity.py), so a fact near
# in meaning is offered, not answered ("Welche westlichen Länder ...?" of "some Western
# countries").
FOREIGN_SINGLING_OUT = re.compile(
    r"\b(?:welche|welchen|какие|каких|каким|какими|quels|quelles|cu[aá]les|quali|quais|"
    r"именно|конкретно|exactement|précisément|exactamente|esattamente|exatamente|"
    r"precisamente|konkret)\b|哪些|具体|具體|正確に|정확히",
    re.IGNORECASE)
_ANY_MARKER = frozenset().union(*_LATIN_MARKERS.values())
_LATIN_WORD = re.compile(r"[^\W\d_]+")
_ASCII_LETTER = re.compile(r"[A-Za-z]")


def detect(text: str, *, is_english_word: Callable[[str], bool]) -> str:
    """An ISO 639-1 code; ENGLISH unless the text is mostly written in something else.

    A question with a few known names ("Xinjiang", "FTZ") inside another language is that
    language; an English question with typos is English when most words are English or known.
    """
    counts: dict[str, int] = {}
    letters = 0
    # No ASCII letter is of a script in _SCRIPT_LANGUAGES: only whether there is one matters.
    if text.isascii():
        letters = 1 if _ASCII_LETTER.search(text) else 0
    for ch in ("" if text.isascii() else text):
        if not ch.isalpha():
            continue
        letters += 1
        name = unicodedata.name(ch, "")
        for script, code in _SCRIPT_LANGUAGES:
            if name.startswith(script) or (script == "CJK" and "IDEOGRAPH" in name):
                counts[code] = counts.get(code, 0) + 1
                break
    if letters == 0:
        return ENGLISH
    if counts:
        code, n = max(counts.items(), key=lambda kv: kv[1])
        if n * 3 >= letters:  # a third of the letters: "FTZ 是什么" is Chinese
            if code == "ru" and _KAZAKH_LETTERS & set(text.casefold()):
                return "kk"
            if code == "ar" and _UYGHUR_LETTERS & set(text):
                return "ug"
            if code == "zh" and counts.get("ja"):
                return "ja"
            return code
    # Single letters are elisions ("l'article") or too ambiguous to tell anything.
    words = [w for w in _LATIN_WORD.findall(text.casefold()) if len(w) > 1]
    if len(words) < 2:
        return ENGLISH
    # Two different function words of one language, or one that English does not have.
    best, hits, found = ENGLISH, 0, ""
    if not _ANY_MARKER.isdisjoint(words):
        for code, markers in _LATIN_MARKERS.items():
            marked = {w for w in words if w in markers}
            if len(marked) > hits:
                best, hits, found = code, len(marked), next(iter(marked))
    marked_foreign = hits >= 2 or (hits == 1 and not is_english_word(found))
    if not marked_foreign and text.isascii():
        return ENGLISH  # no other language is marked, and no letter says one is
    # A word that is also another language's function word ("la", "die", "do") is not counted
    # as English: English word lists are full of them.
    plain = [w for w in words if w not in _ANY_MARKER]
    english = sum(1 for w in plain if is_english_word(w))
    if 2 * english > len(words):
        return ENGLISH
    if marked_foreign:
        return best
    if 2 * english >= len(plain):
        return ENGLISH  # "what do I do here": English once its function words are set aside
    # Accented letters with no English reading are a language of their own even unnamed.
    if any(ch.isalpha() and not ch.isascii() for ch in text):
        return "und"
    return ENGLISH


# Where a message may hold a second question: after a question mark or a semicolon, or at
# "and"/"also"/"plus" right before a question word ("... and when did it open?").
_QUESTION_START = (
    r"(?:what|whats|what's|how|when|where|who|whom|which|why|is|are|was|were|does|did|do|"
    r"can|could|will|would|has|have|tell)"
)
_SENTENCE_BREAK = re.compile(
    "(?<=[?;\uff1f\uff1b])\\s*|\n+"
    # "Send me the link. Also, who took the photo?": a sentence that adds another question.
    rf"|(?<=[.!])\s+(?=(?:also|plus)\b[\s,]*{_QUESTION_START}\b)", re.IGNORECASE)
_CONJUNCTION_BREAK = re.compile(
    rf",?\s+(?:and|also|plus|and\s+also)\s+(?={_QUESTION_START}\b)", re.IGNORECASE
)
# A comma before a question word splits a message that began as a question ("what share is
# with Central Asia, how much did it grow"), not a clause before one ("if it opened, how ...").
_COMMA_BREAK = re.compile(r",\s+(?=(?:what|whats|what's|how|when|where|who|which|why)\b)",
                          re.IGNORECASE)
_OPENS_ASKING = re.compile(rf"^\W*{_QUESTION_START}\b", re.IGNORECASE)
# What any of the breaks above needs: a mark inside the text, or a joining word.
_MAY_SPLIT = re.compile(r"[?;.!,\n\uff1f\uff1b]|\b(?:and|also|plus)\b", re.IGNORECASE)
_LEADING_CONJUNCTION = re.compile(r"^(?:and|also|plus|and also)\b[\s,]*", re.IGNORECASE)
# Words that point back to the previous question's subject ("... and when did it open?").
POINTERS = frozenset("it its they them their there he his him she her this that".split())
MAX_PARTS = 4
# A part shorter than this many letters is a fragment ("and?"), not a question of its own.
_MIN_PART_LETTERS = 6


# A sentence that asks for something without a question word: "Send me the link."
_REQUESTS = re.compile(r"^\W*(?:please\s+)?(?:send|give|show|list|name|explain|describe|"
                       r"summari[sz]e|share|provide|quote|link)\b", re.IGNORECASE)


def _asking_sentences(sentences: list[str]) -> list[str]:
    """A statement that ends in "." is context for what follows it ("I read the article.
    Also, who took the photo?"), not a question of its own: joined to the next sentence."""
    out: list[str] = []
    carried = ""
    for sentence in sentences:
        sentence = carried + sentence
        stripped = sentence.strip()
        if stripped.endswith((".", "!")) and not (_OPENS_ASKING.match(stripped)
                                                    or _REQUESTS.match(stripped)):
            carried = sentence + " "
            continue
        carried = ""
        out.append(sentence)
    if carried:
        out.append(carried.rstrip())
    return out


def split_questions(text: str) -> list[str]:
    """The questions in one message, in order; the whole text when there is only one.

    "Trade between Xinjiang and Central Asia" stays whole: "and" splits only before a question
    word. The caller still decides whether the parts are worth answering apart.
    """
    if not _MAY_SPLIT.search(text.rstrip("?.!\uff1f \t")):
        return [text]  # nothing to split at, as in most messages
    parts: list[str] = []
    for sentence in _asking_sentences(_SENTENCE_BREAK.split(text)):
        for piece in _CONJUNCTION_BREAK.split(sentence):
            parts.extend(_COMMA_BREAK.split(piece) if _OPENS_ASKING.match(piece) else [piece])
    parts = [p for p in parts if p and p.strip(" ,")]
    if len(parts) < 2:
        return [text]  # one question, as most messages are
    parts = [_LEADING_CONJUNCTION.sub("", p.strip(" ,")) for p in parts]
    kept = [p for p in parts if sum(map(str.isalpha, p)) >= _MIN_PART_LETTERS]
    # More questions than a person asks at once is a paste (or a repeated line): one question.
    return kept if 1 < len(kept) <= MAX_PARTS else [text]


# A sentence ends at . ! ? before white space (not after "Mr." or the "S." of "U.S."), or
# at their CJK forms, which take no space after them.
_SENTENCE_END = re.compile(
    r"(?<!\b[A-Z]\.)(?<!\bMr\.)(?<!\bMrs\.)(?<!\bMs\.)(?<!\bDr\.)(?<!\bSt\.)(?<=[.!?])\s+"
    r"|(?<=[\u3002\uff01\uff1f])\s*"
)
_ASKS = re.compile(rf"^(?:{_QUESTION_START})\b", re.IGNORECASE)
# What follows a dash or a colon is the question itself: "I remember X - which areas ...?"
_AFTER_DASH = re.compile(r"\s[-\u2013\u2014]\s+|:\s+")


# A comma before a clause that asks: "..., so what did he say?", "..., could you ...?"
_ASKING_CLAUSE = re.compile(
    r",\s+(?:(?:so|but|and|anyway|honestly|roughly|just|basically|like|ok|okay|then|now|lol)"
    r"\s+)*"
    r"(?=(?:could|can|would|what|whats|how|when|where|who|which|why|does|did|do)\b)",
    re.IGNORECASE)


_ASIDE_WORDS = 8
# "According to X, ..." names whose words are asked: not an aside.
_ACCORDING = re.compile(r"\W*according to\b", re.IGNORECASE)
# A person in the clause is one the aside names ("..., what did he call it?"); "it" may be
# too, but then the aside's named things rule the fact out (Engine._context_vetoes).
_PERSONAL = frozenset("he him his she her they them their".split())
# ... unless the clause names someone first whom the pronoun may stand for: "does the
# xinjiang chairman say they want ..." (the region's people), not "what did the chairman say
# it helped them understand" (whom the aside names).
_ONE_PERSON = frozenset("chairman chairperson governor official leader head boss".split())
_COLLECTIVE = frozenset("xinjiang region china government authorities officials".split())
_SINGULAR = frozenset("he him his she her".split())


def _points_back(words: list[str]) -> bool:
    """Whether a person in the clause is one the aside names: a pronoun that no word before
    it in the clause may stand for."""
    seen: set[str] = set()
    for word in words:
        if word in _PERSONAL:
            named = _ONE_PERSON if word in _SINGULAR else _COLLECTIVE
            if named.isdisjoint(seen):
                return True
        seen.add(word)
    return False


# A question asked inside a sentence: "I want to know how many ...", "wondering when ...".
_INDIRECT = re.compile(
    r"\b(?:know|wondering|wonder|curious|tell me|ask|asking|find out|figure out|understand|"
    r"explain|say|says|mention|mentions)\s+(?:about\s+)?"
    r"((?:what|how|when|where|who|which|why|whether)\b)",
    re.IGNORECASE)


def _asks_in_clause(sentence: str) -> bool:
    """"... class starts in 5 minutes lol, can u sum up the main points": a clause that asks
    on its own, not one that points back ("..., how much was it": what "it" is lies before)."""
    clauses = _ASKING_CLAUSE.split(sentence)
    return len(clauses) > 1 and _POINTING.isdisjoint(re.findall(r"\w+", clauses[-1].casefold()))


_POINTING = _PERSONAL | {"it", "its", "that", "this", "those", "these"}


def focus(text: str) -> list[str]:
    """In a message with some context before the question ("I'm a student ... What was the
    growth?"), the question: the last sentence that asks something (one ending in a question
    mark first; never an exclamation, "What a great article!"), narrowed to what follows a
    dash or colon, then widened by the sentence before it (which may name what "that" is).
    Most specific first; empty when the message is a single sentence."""
    sentences = [s.strip() for s in _SENTENCE_END.split(text.strip()) if s.strip()]
    marked = [i for i, s in enumerate(sentences) if s.endswith(("?", "\uff1f"))]
    asking = marked or [i for i, s in enumerate(sentences)
                        if (_ASKS.match(s) or _INDIRECT.search(s) or _asks_in_clause(s))
                        and not s.endswith(("!", "\uff01"))]
    if not asking or (len(sentences) < 2 and not _INDIRECT.search(text)
                      and not _ASKING_CLAUSE.search(text)):
        return []
    last = asking[-1]
    question = sentences[last]
    out: list[str] = []
    # "... but I need to know what percentage goes to Central Asia.": the question asked.
    indirect = _INDIRECT.search(question)
    if indirect is not None and sum(ch.isalpha() for ch in question[indirect.start(1):]) \
            >= _MIN_PART_LETTERS:
        out.append(question[indirect.start(1):])
    pieces = _AFTER_DASH.split(question)
    if len(pieces) > 1 and sum(ch.isalpha() for ch in pieces[-1]) >= _MIN_PART_LETTERS:
        out.append(pieces[-1])
    # "... and I've got like 5 min, could you give me the gist?": the clause that asks.
    # Only after a long aside, not after "according to ..." (whose words are asked), and not
    # when the clause points back into it ("..., what did he call it?").
    clauses = _ASKING_CLAUSE.split(pieces[-1])
    aside = " ".join(clauses[:-1])
    if len(clauses) > 1 and sum(ch.isalpha() for ch in clauses[-1]) >= _MIN_PART_LETTERS \
            and len(aside.split()) >= _ASIDE_WORDS and not _ACCORDING.match(aside) \
            and not _points_back(re.findall(r"\w+", clauses[-1].casefold())):
        out.insert(len(out) - (len(pieces) > 1), clauses[-1])
    out.append(question)
    if last > 0:
        out.append(f"{sentences[last - 1]} {question}")
    return [q for q in out if q != text.strip()]
