"""Seeded synthetic knowledge bases in the real schema, for measuring citebot at scale.

Each source is a made-up regional news article: paragraphs of template sentences about trade
figures, projects, ports, tourism, partners and officials' quotes, with names built from
syllables so the vocabulary has a long tail like real news. Every fact cites one sentence
verbatim and carries five or more questions; one more phrasing per fact, never written to the
knowledge base, goes to questions.yaml with a share of unanswerable questions, so the benchmark
asks things the KB was not written with.

    python -m bench.synth 1000 --out bench/out     # writes bench/out/synth-1000-s0/
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

# Bump when the output changes, so cached knowledge bases are regenerated.
GENERATOR_VERSION = 1
FACTS_PER_SOURCE = 20
UNANSWERABLE_SHARE = 0.2

_SYLLABLES = (
    "ka lo mir zan tu ren shi bao lin qar dun ya vel hor gan tash ur ma ko su ji nar pel tor "
    "an es ol bek sar im tal quo fen ral dor zhi kem ub ai"
).split()
_FIRST = (
    "Li Wang Aygul Dilnur Mehmet Ayse Chen Zhou Nurlan Arman Gulnara Erlan Timur Saule "
    "Yerlan Madina Rustam Alibek Dana Bolat Zhang Liu Yang Huang Zhao Wu Sun Ma Hu Guo"
).split()
_PARTNERS = (
    "Kazakhstan Kyrgyzstan Tajikistan Uzbekistan Turkmenistan Pakistan Mongolia Russia "
    "Afghanistan India Georgia Azerbaijan Turkey Iran Germany Poland Belarus Hungary Serbia "
    "Italy France Spain Brazil Egypt Kenya Nigeria Vietnam Thailand Malaysia Indonesia"
).split()
_METRICS = (
    ("total imports and exports", "billion yuan", "trade"),
    ("exports", "billion yuan", "trade"),
    ("imports", "billion yuan", "trade"),
    ("retail sales", "billion yuan", "economy"),
    ("industrial output", "billion yuan", "economy"),
    ("foreign direct investment", "million dollars", "investment"),
    ("grain output", "million tons", "agriculture"),
    ("cotton output", "million tons", "agriculture"),
    ("fruit exports", "thousand tons", "agriculture"),
    ("rail freight volume", "million tons", "transport"),
    ("air passenger traffic", "million trips", "transport"),
    ("electricity generation", "billion kilowatt-hours", "energy"),
    ("wind power capacity", "gigawatts", "energy"),
    ("solar power capacity", "gigawatts", "energy"),
    ("natural gas output", "billion cubic meters", "energy"),
    ("tourism revenue", "billion yuan", "tourism"),
    ("e-commerce sales", "billion yuan", "economy"),
    ("average disposable income", "yuan", "economy"),
)
_FACILITIES = (
    ("land ports", "foreign trade"),
    ("logistics hubs", "cross-border freight"),
    ("industrial parks", "manufacturing"),
    ("bonded warehouses", "import processing"),
    ("vocational schools", "local industries"),
    ("wind farms", "the regional grid"),
    ("airports", "domestic and international flights"),
    ("border trade markets", "local traders"),
)
_PROJECTS = (
    "Logistics Park",
    "Free Trade Zone",
    "Railway Hub",
    "Industrial Park",
    "Dry Port",
    "Expressway",
    "Solar Base",
    "Trade Center",
    "Airport Economic Zone",
    "Wind Power Base",
)
_ROLES = (
    "chairman",
    "vice-chairman",
    "mayor",
    "director of the commerce bureau",
    "head of the development and reform commission",
    "director of the culture and tourism bureau",
)
_SECTORS = (
    "tourism",
    "cross-border trade",
    "renewable energy",
    "modern agriculture",
    "logistics",
    "manufacturing",
    "the digital economy",
    "cultural exchanges",
    "education",
    "healthcare",
)
_QUOTES = (
    "We will turn {region} into a hub for {sector}",
    "{Sector} is the engine of our growth, and we will keep investing in it",
    "Our doors are open to partners in {sector} from all over the world",
    "The next five years will decide the future of {sector} in {region}",
    "We want every county in {region} to benefit from {sector}",
)
_EVENTS = (
    "expo",
    "trade fair",
    "investment forum",
    "tourism festival",
    "business summit",
    "cooperation forum",
)
_MONTHS = (
    "January February March April May June July August September October November December"
).split()
_PUBLISHERS = ("Regional Daily", "Silk Road Herald", "Frontier News", "Western Times")
_SECTIONS = ("Business", "Regions", "Economy", "World")
_TOPICS = (
    ("trade", "Foreign trade figures"),
    ("economy", "The economy"),
    ("investment", "Investment"),
    ("agriculture", "Agriculture"),
    ("transport", "Transport and logistics"),
    ("energy", "Energy"),
    ("tourism", "Tourism"),
    ("infrastructure", "Projects and infrastructure"),
    ("officials", "Officials and what they said"),
    ("events", "Events"),
)
_OFF_TOPIC = (
    "who won the football world cup in {year}",
    "how do I bake sourdough bread",
    "what's the weather like in {city} tomorrow",
    "recommend a good film about {sector}",
    "what is the capital of {partner}",
    "how tall is the tallest building in {partner}",
    "can you help me with my maths homework",
    "what time is it in {city}",
)


@dataclass
class _Fact:
    id: str
    topic: str
    speaker: str
    questions: list[str]
    answer: str
    quote: str
    paragraph: int = 0
    heldout: str = ""


@dataclass
class _Source:
    id: str
    region: str
    city: str
    officials: list[tuple[str, str, str]]  # (id, name, role)
    sentences: list[tuple[str, _Fact]] = field(default_factory=list)


class _Names:
    """Made-up place and people names, unique within one knowledge base."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def place(self) -> str:
        while True:
            n = self.rng.choice((2, 2, 3))
            name = "".join(self.rng.choice(_SYLLABLES) for _ in range(n)).capitalize()
            if name not in self.used and len(name) >= 4:
                self.used.add(name)
                return name

    def person(self) -> str:
        while True:
            surname = "".join(self.rng.choice(_SYLLABLES) for _ in range(2)).capitalize()
            name = f"{self.rng.choice(_FIRST)} {surname}"
            if name not in self.used:
                self.used.add(name)
                return name


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _num(rng: random.Random, low: float, high: float) -> str:
    value = rng.uniform(low, high)
    return f"{value:.1f}" if value < 100 else f"{value:.0f}"


# Each template makes one sentence and the fact that cites it, or None when its combination is
# already used (so two facts never state the same thing about the same subject).
Template = Callable[[random.Random, _Source, set[str]], tuple[str, _Fact] | None]


def _figure(rng: random.Random, s: _Source, used: set[str]) -> tuple[str, _Fact] | None:
    metric, unit, topic = rng.choice(_METRICS)
    year = rng.randint(2015, 2024)
    key = f"figure:{s.region}:{metric}:{year}"
    if key in used:
        return None
    used.add(key)
    value, pct = _num(rng, 1, 900), _num(rng, 1, 60)
    r = s.region
    sentence = f"{r}'s {metric} reached {value} {unit} in {year}, up {pct} percent year-on-year."
    fact = _Fact(
        "",
        topic,
        "article",
        [
            f"What was {r}'s {metric} in {year}?",
            f"How much {metric} did {r} record in {year}?",
            f"{r} {metric} {year}",
            f"{metric} of {r} in {year}",
            f"by how much did {r}'s {metric} grow in {year}?",
        ],
        f"{value} {unit} in {year}, up {pct} percent on the year before.",
        sentence,
        heldout=f"tell me the {metric} figure for {r.lower()} in {year}",
    )
    return sentence, fact


def _project(rng: random.Random, s: _Source, used: set[str]) -> tuple[str, _Fact] | None:
    project = f"{s.city} {rng.choice(_PROJECTS)}"
    if f"project:{project}" in used:
        return None
    used.add(f"project:{project}")
    official_id, name, _ = rng.choice(s.officials)
    month, year = rng.choice(_MONTHS), rng.randint(2024, 2028)
    sentence = f"The {project} will start operations in {month} {year}, {name} said."
    fact = _Fact(
        "",
        "infrastructure",
        official_id,
        [
            f"When will the {project} open?",
            f"When does the {project} start operating?",
            f"{project} opening date",
            f"opening of the {project}",
            f"when is the {project} going to start?",
        ],
        f"{name} said the {project} will start operations in {month} {year}.",
        sentence,
        heldout=f"what month will the {project.lower()} begin operations",
    )
    return sentence, fact


def _area(rng: random.Random, s: _Source, used: set[str]) -> tuple[str, _Fact] | None:
    project = f"{s.city} {rng.choice(_PROJECTS)}"
    if f"area:{project}" in used:
        return None
    used.add(f"area:{project}")
    area, other = _num(rng, 5, 400), rng.choice(s.officials)[1].split()[-1] + "kent"
    sentence = (
        f"With a total area of {area} square kilometers, the {project} links {s.city} with {other}."
    )
    fact = _Fact(
        "",
        "infrastructure",
        "article",
        [
            f"How big is the {project}?",
            f"What is the area of the {project}?",
            f"{project} size",
            f"how many square kilometers does the {project} cover?",
            f"which towns does the {project} connect?",
        ],
        f"About {area} square kilometers; it links {s.city} with {other}.",
        sentence,
        heldout=f"what's the surface of the {project.lower()}",
    )
    return sentence, fact


def _facilities(rng: random.Random, s: _Source, used: set[str]) -> tuple[str, _Fact] | None:
    kind, purpose = rng.choice(_FACILITIES)
    key = f"facility:{s.region}:{kind}"
    if key in used:
        return None
    used.add(key)
    n = rng.randint(2, 60)
    sentence = f"{s.region} currently has {n} {kind} serving {purpose}."
    fact = _Fact(
        "",
        "infrastructure",
        "article",
        [
            f"How many {kind} does {s.region} have?",
            f"number of {kind} in {s.region}",
            f"{s.region} {kind}",
            f"how many {kind} are there in {s.region}?",
            f"count of {kind} serving {purpose}",
        ],
        f"{n} {kind}, serving {purpose}.",
        sentence,
        heldout=f"{s.region.lower()} has how many {kind}",
    )
    return sentence, fact


def _partner(rng: random.Random, s: _Source, used: set[str]) -> tuple[str, _Fact] | None:
    partner = rng.choice(_PARTNERS)
    key = f"partner:{s.region}:{partner}"
    if key in used:
        return None
    used.add(key)
    growth, share = _num(rng, 2, 80), _num(rng, 1, 45)
    sentence = (
        f"Trade between {s.region} and {partner} grew {growth} percent, accounting for "
        f"{share} percent of the region's foreign trade."
    )
    fact = _Fact(
        "",
        "trade",
        "article",
        [
            f"How much did trade between {s.region} and {partner} grow?",
            f"{s.region} {partner} trade growth",
            f"What share of {s.region}'s foreign trade is with {partner}?",
            f"trade with {partner} percentage",
            f"how important is {partner} for {s.region}'s trade?",
        ],
        f"It grew {growth} percent and makes up {share} percent of the region's foreign trade.",
        sentence,
        heldout=f"by what percent did {s.region.lower()}'s trade with {partner.lower()} rise",
    )
    return sentence, fact


def _quote(rng: random.Random, s: _Source, used: set[str]) -> tuple[str, _Fact] | None:
    official_id, name, role = rng.choice(s.officials)
    sector = rng.choice(_SECTORS)
    key = f"quote:{official_id}:{sector}"
    if key in used:
        return None
    used.add(key)
    words = rng.choice(_QUOTES).format(region=s.region, sector=sector, Sector=sector.capitalize())
    sentence = f'"{words}," {name}, the {role} of {s.region}, said.'
    fact = _Fact(
        "",
        "officials",
        official_id,
        [
            f"What did {name} say about {sector}?",
            f"{name} on {sector}",
            f"What is {name}'s view of {sector}?",
            f"did the {role} talk about {sector}?",
            f"{name}'s remarks on {sector}",
        ],
        f'{name} said: "{words}."',
        sentence,
        heldout=f"what are {name.split()[-1].lower()}'s plans for {sector}",
    )
    return sentence, fact


def _role(rng: random.Random, s: _Source, used: set[str]) -> tuple[str, _Fact] | None:
    official_id, name, role = rng.choice(s.officials)
    if f"role:{official_id}" in used:
        return None
    used.add(f"role:{official_id}")
    event = f"{s.city} {rng.choice(_EVENTS)}"
    sentence = f"{name}, the {role} of {s.region}, spoke at the opening of the {event}."
    fact = _Fact(
        "",
        "officials",
        "article",
        [
            f"Who is {name}?",
            f"What is {name}'s job?",
            f"who is the {role} of {s.region}?",
            f"{name} role",
            f"where did {name} speak?",
        ],
        f"{name} is the {role} of {s.region}.",
        sentence,
        heldout=f"what position does {name} hold",
    )
    return sentence, fact


def _tourism(rng: random.Random, s: _Source, used: set[str]) -> tuple[str, _Fact] | None:
    year = rng.randint(2015, 2024)
    key = f"tourism:{s.city}:{year}"
    if key in used:
        return None
    used.add(key)
    visits, pct = _num(rng, 1, 90), _num(rng, 1, 70)
    sentence = (
        f"{s.city} received {visits} million tourist visits in {year}, {pct} percent more than "
        f"a year earlier."
    )
    fact = _Fact(
        "",
        "tourism",
        "article",
        [
            f"How many tourists visited {s.city} in {year}?",
            f"{s.city} tourist visits {year}",
            f"number of tourists in {s.city} in {year}",
            f"how popular was {s.city} with tourists in {year}?",
            f"did tourism in {s.city} grow in {year}?",
        ],
        f"{visits} million tourist visits in {year}, {pct} percent more than in {year - 1}.",
        sentence,
        heldout=f"tourist numbers for {s.city.lower()} in {year}",
    )
    return sentence, fact


def _deals(rng: random.Random, s: _Source, used: set[str]) -> tuple[str, _Fact] | None:
    partner, event = rng.choice(_PARTNERS), f"{s.city} {rng.choice(_EVENTS)}"
    key = f"deals:{event}:{partner}"
    if key in used:
        return None
    used.add(key)
    n, value = rng.randint(3, 90), _num(rng, 1, 300)
    sentence = (
        f"Companies from {partner} signed {n} investment deals worth {value} billion yuan "
        f"during the {event}."
    )
    fact = _Fact(
        "",
        "investment",
        "article",
        [
            f"How many deals did {partner} companies sign at the {event}?",
            f"What were the {partner} investment deals at the {event} worth?",
            f"{partner} investment {event}",
            f"investment deals signed by companies from {partner}",
            f"how much did {partner} invest at the {event}?",
        ],
        f"{n} deals worth {value} billion yuan.",
        sentence,
        heldout=f"value of the deals {partner.lower()} firms signed at the {event.lower()}",
    )
    return sentence, fact


def _event(rng: random.Random, s: _Source, used: set[str]) -> tuple[str, _Fact] | None:
    event = f"{s.city} {rng.choice(_EVENTS)}"
    if f"event:{event}" in used:
        return None
    used.add(f"event:{event}")
    month, day = rng.choice(_MONTHS), rng.randint(1, 24)
    sentence = f"The {event} will be held in {s.city} from {month} {day} to {month} {day + 4}."
    fact = _Fact(
        "",
        "events",
        "article",
        [
            f"When is the {event}?",
            f"What are the dates of the {event}?",
            f"{event} dates",
            f"when does the {event} take place?",
            f"where will the {event} be held?",
        ],
        f"From {month} {day} to {month} {day + 4}, in {s.city}.",
        sentence,
        heldout=f"which days is the {event.lower()} on",
    )
    return sentence, fact


_TEMPLATES: tuple[Template, ...] = (
    _figure,
    _figure,
    _figure,
    _project,
    _area,
    _facilities,
    _partner,
    _partner,
    _quote,
    _role,
    _tourism,
    _deals,
    _event,
)


def _article(index: int, rng: random.Random, names: _Names, facts_wanted: int) -> _Source:
    region, city = names.place(), names.place()
    officials = []
    for role in rng.sample(_ROLES, 2):
        name = names.person()
        officials.append((_slug(name), name, role))
    source = _Source(f"synth-{index:06d}", region, city, officials)
    used: set[str] = set()
    attempts = 0
    while len(source.sentences) < facts_wanted and attempts < facts_wanted * 20:
        attempts += 1
        made = rng.choice(_TEMPLATES)(rng, source, used)
        if made is not None:
            sentence, fact = made
            fact.id = f"{source.id}-{len(source.sentences) + 1:02d}"
            source.sentences.append((sentence, fact))
    return source


def _paragraphs(source: _Source, rng: random.Random) -> list[str]:
    """One or two sentences a paragraph, like a news story; records where each fact's quote is."""
    paragraphs: list[str] = []
    i = 0
    while i < len(source.sentences):
        take = rng.choice((1, 1, 2))
        group = source.sentences[i : i + take]
        paragraphs.append(" ".join(sentence for sentence, _ in group))
        for _, fact in group:
            fact.paragraph = len(paragraphs)
        i += take
    return paragraphs


def _q(text: str) -> str:
    # JSON strings are valid YAML double-quoted scalars; far faster than yaml.dump at 100k facts.
    return json.dumps(text, ensure_ascii=False)


def _source_yaml(source: _Source, paragraphs: list[str], rng: random.Random) -> str:
    title = f"{source.region} bets on {rng.choice(_SECTORS)} as trade hits record"
    published = f"{rng.randint(2016, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    context = f"A report on the economy of {source.region} and its city {source.city}."
    author = source.officials[0][1].split()[-1]
    lines = [
        "source:",
        f"  id: {source.id}",
        f"  title: {_q(title)}",
        f"  publisher: {_q(rng.choice(_PUBLISHERS))}",
        f"  section: {_q(rng.choice(_SECTIONS))}",
        "  authors:",
        f"    - {_q(f'{rng.choice(_FIRST)} {author}son')}",
        f'  published: "{published}"',
        f"  url: https://news.example.com/{source.id}.html",
        f"  context: {_q(context)}",
        "  speakers:",
        "    - id: article",
        f"      name: {_q('The newspaper')}",
        "      role: reporting",
    ]
    for official_id, name, role in source.officials:
        lines += [f"    - id: {official_id}", f"      name: {_q(name)}", f"      role: {_q(role)}"]
    lines.append("  paragraphs:")
    lines += [f"    - {_q(p)}" for p in paragraphs]
    lines.append("facts:")
    for _, fact in source.sentences:
        lines += [
            f"  - id: {fact.id}",
            f"    topic: {fact.topic}",
            f"    speaker: {fact.speaker}",
            "    questions:",
            *(f"      - {_q(q)}" for q in fact.questions),
            f"    answer: {_q(fact.answer)}",
            "    citations:",
            f"      - source: {source.id}",
            f"        paragraph: {fact.paragraph}",
            f"        quote: {_q(fact.quote)}",
        ]
    return "\n".join(lines) + "\n"


def _common_yaml() -> str:
    lines = ["topics:"]
    for topic_id, title in _TOPICS:
        lines += [f"  - id: {topic_id}", f"    title: {_q(title)}"]
    lines += [
        "small_talk:",
        "  - intent: greeting",
        "    patterns: [hi, hello, good morning]",
        '    reply: "Hello! Ask me about the articles."',
    ]
    return "\n".join(lines) + "\n"


def _unanswerable(rng: random.Random, source: _Source) -> str:
    if rng.random() < 0.5:  # near miss: a figure for a year no article gives
        metric = rng.choice(_METRICS)[0]
        return f"What was {source.region}'s {metric} in {rng.randint(1990, 2005)}?"
    return rng.choice(_OFF_TOPIC).format(
        year=rng.randint(1990, 2022),
        city=source.city,
        sector=rng.choice(_SECTORS),
        partner=rng.choice(_PARTNERS),
    )


def generate(facts: int, out: Path, *, seed: int = 0) -> Path:
    """Write a knowledge base of `facts` facts to out/synth-N-sS/kb (cached); return that folder.

    Beside kb/ goes questions.yaml in the dev-set format: one unseen phrasing for a sample of
    facts plus UNANSWERABLE_SHARE unanswerable questions.
    """
    root = out / f"synth-{facts}-s{seed}"
    stamp = root / f".complete-v{GENERATOR_VERSION}"
    if stamp.exists():
        return root
    if root.exists():
        shutil.rmtree(root)
    kb = root / "kb"
    (kb / "sources").mkdir(parents=True)
    (kb / "common.yaml").write_text(_common_yaml(), encoding="utf-8")
    rng = random.Random(f"citebot-synth:{seed}")
    names = _Names(rng)
    sources: list[_Source] = []
    made = 0
    while made < facts:
        source = _article(len(sources) + 1, rng, names, min(FACTS_PER_SOURCE, facts - made))
        paragraphs = _paragraphs(source, rng)
        path = kb / "sources" / f"{source.id}.yaml"
        path.write_text(_source_yaml(source, paragraphs, rng), encoding="utf-8")
        made += len(source.sentences)
        sources.append(source)
    _write_questions(root / "questions.yaml", sources, rng)
    stamp.write_text("", encoding="utf-8")
    return root


def _write_questions(path: Path, sources: list[_Source], rng: random.Random, n: int = 400) -> None:
    all_facts = [fact for source in sources for _, fact in source.sentences]
    answerable = rng.sample(all_facts, min(len(all_facts), round(n * (1 - UNANSWERABLE_SHARE))))
    items = [(fact.heldout, fact.id, "paraphrase") for fact in answerable]
    unanswerable = round(len(answerable) * UNANSWERABLE_SHARE / (1 - UNANSWERABLE_SHARE))
    for _ in range(unanswerable):
        items.append((_unanswerable(rng, rng.choice(sources)), "decline", "off_topic"))
    rng.shuffle(items)
    lines = ["questions:"]
    for i, (q, expect, kind) in enumerate(items):
        split = "holdout" if i % 3 == 2 else "tune"
        lines += [f"  - q: {_q(q)}", f"    expect: {expect}", f"    kind: {kind}"]
        lines.append(f"    split: {split}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("facts", type=int)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(generate(args.facts, args.out, seed=args.seed))


if __name__ == "__main__":
    main()
