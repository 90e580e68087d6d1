"""The array index and the compiled knowledge base: the same replies as before, from a cache that
is rebuilt whenever it cannot be trusted.

The scores are compared with the scoring as it was (tests/reference_scoring.py) on every question
of the dev and probe sets and every alternate of the real knowledge base, and on a synthetic
knowledge base of a thousand facts (`make bench` compares 10,000).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
from conftest import TINY_FACTS, write_kb
from reference_scoring import ReferenceIndex, considered
from reference_scoring import score as reference_score

from bot.cli import main
from bot.compiled import PLAIN_SUFFIX, SUFFIX, Compiled, compile_knowledge
from bot.config import BUILTIN_KB
from bot.engine import Engine
from bot.evaluation.questions import load_questions
from bot.identity import Asks
from bot.index import Index
from bot.loader import KnowledgeError, load_knowledge
from bot.matching import Match, analyse, score
from bot.model import KnowledgeBase

ROOT = Path(__file__).resolve().parent.parent
QUESTION_FILES = ("dev_questions.yaml", "probe_questions.yaml", "probe2_questions.yaml",
                  "probe3_questions.yaml", "probe4_questions.yaml",
                  "probe5_questions.yaml", "probe6_questions.yaml", "probe7_questions.yaml",
                  "probe8_questions.yaml", "probe9_questions.yaml",
                  "probe10_questions.yaml", "probe11_questions.yaml",
                  "probe12_questions.yaml", "probe13_questions.yaml",
                  "probe14_questions.yaml", "probe15_questions.yaml",
                  "probe16_questions.yaml", "probe17_questions.yaml",
                  "probe18_questions.yaml")


def _long_questions(kb: KnowledgeBase) -> list[str]:
    """Pastes: many alternates run together (the engine cuts a message at 1,000 characters,
    the scoring itself takes any length)."""
    questions = [q for f in kb.facts for q in f.questions]
    return [" ".join(questions[i::7][:80]) for i in range(3)]


def _same_scores(index: Index, questions: list[str], *, limit: int | None,
                 also: tuple[int, ...] = ()) -> list[str]:
    """Questions whose matches differ from the reference's, with the first difference."""
    reference = ReferenceIndex(index)
    differences = []
    for question in questions:
        query = analyse(index, question)
        new = [(m.fact.id, m.score, m.coverage, m.unexplained, m.figure_missing, m.cue_missing,
                m.word_count) for m in score(index, query, limit=limit, also=also)]
        old = [(m.fact, m.score, m.coverage, m.unexplained, m.figure_missing, m.cue_missing,
                m.words) for m in reference_score(reference, query, limit=limit, also=also)]
        if new != old:
            first = next((pair for pair in zip(new, old, strict=False) if pair[0] != pair[1]),
                         (len(new), len(old)))
            differences.append(f"{question!r}: {first}")
    return differences


def test_the_real_knowledge_base_scores_as_before(real_engine: Engine) -> None:
    kb = real_engine.kb
    questions = [q.q for name in QUESTION_FILES for q in load_questions(ROOT / "tests" / name)]
    questions += [q for f in kb.facts for q in f.questions] + _long_questions(kb)
    assert len(questions) > 1000
    assert _same_scores(real_engine.index, questions, limit=50, also=(3, 0)) == []
    # Every fact scored (no candidate step), on the dev questions.
    assert _same_scores(real_engine.index, questions[:200], limit=None) == []
    # A limit below the knowledge base's size: the candidates are chosen by weight.
    assert _same_scores(real_engine.index, questions[:400], limit=5, also=(7,)) == []


def test_the_engine_weighs_the_matches_as_before(real_engine: Engine) -> None:
    """Features, vetoes and confidences, computed for all matches at once, are those computed
    one match at a time; with similarities too (seeded numbers: the arithmetic is the point)."""
    index = real_engine.index
    rng = np.random.default_rng(0)
    questions = [q.q for name in QUESTION_FILES for q in load_questions(ROOT / "tests" / name)]
    for question in questions[::2]:
        query = analyse(index, question)
        for similarities in (None, rng.uniform(0.75, 0.95, len(index.kb.facts)).astype("f4")):
            weighed = real_engine._weigh(query, similarities)
            also, runner_up = [], [0.0, 0.0]
            if similarities is not None:
                also = [int(i) for i in np.argsort(-similarities)[:5]]
                runner_up = [float(similarities[i]) for i in also[:2]]
            matches = score(index, query, limit=real_engine.candidate_limit, also=also)
            asks = query.singles_out
            when = "when" in query.cues
            defines = real_engine.to_define(query)

            def singled_out(m: Match, asks: Asks = asks, content: tuple[str, ...] = query.content,
                            when: bool = when, defines: frozenset[str] = defines,
                            deeds: frozenset[str] = query.dated_deeds) -> str | None:
                return real_engine._singled_out(asks, m, content, when=when, defines=defines,
                                                deeds=deeds)

            expected = considered(matches, similarities, runner_up, query.vetoing,
                                  query.judgement,
                                  singled_out if asks or when or defines else None)
            # Only the best few matches (and the nearest in meaning) are weighed.
            kept = {m.fact.id for m in score(index, query, limit=real_engine.candidate_limit,
                                             also=also, top=real_engine.weighed)}
            assert len(kept) <= (real_engine.weighed or 0) + len(also)
            assert [(c.match.fact.id, c.features, c.veto, c.confidence) for c in weighed] \
                == [e for e in expected if e[0] in kept], question


@pytest.mark.parametrize("engine", ["real_engine", "shipped_engine"])
def test_weighing_only_the_best_matches_changes_no_reply(
        engine: str, request: pytest.FixtureRequest) -> None:
    """The decision looks at the first few matches only: weighing all of them gives the same
    replies on every question set, with the meaning weighed or not."""
    few: Engine = request.getfixturevalue(engine)
    every = Engine(few.kb, english=few.index.english, common=few.index.common,
                   semantic=few.semantic, weighed=None)
    questions = [q.q for name in QUESTION_FILES for q in load_questions(ROOT / "tests" / name)]
    assert [q for q in questions if few.answer(q) != every.answer(q)] == []


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> tuple[KnowledgeBase, list[str]]:
    out = tmp_path_factory.mktemp("synth")
    subprocess.run([sys.executable, "-m", "bench.synth", "1000", "--out", str(out)],
                   cwd=ROOT, check=True, capture_output=True)
    root = out / "synth-1000-s0"
    kb = load_knowledge(root / "kb")
    return kb, [q.q for q in load_questions(root / "questions.yaml")]


def test_a_synthetic_knowledge_base_scores_as_before(
        synthetic: tuple[KnowledgeBase, list[str]]) -> None:
    kb, asked = synthetic
    # A small candidate limit makes the common-word step and the ties at the limit matter.
    index = Index(kb)
    alternates = [q for f in kb.facts for q in f.questions][::17]
    questions = asked + alternates + _long_questions(kb)
    assert _same_scores(index, questions, limit=50) == []
    assert _same_scores(index, questions[:200], limit=5, also=(7,)) == []
    assert _same_scores(index, asked[:30], limit=None) == []


def test_an_index_from_compiled_tables_is_the_index_built_from_facts(tmp_path: Path) -> None:
    compiled = compile_knowledge(BUILTIN_KB, folder=tmp_path)
    again = compile_knowledge(BUILTIN_KB, folder=tmp_path)
    assert (compiled.cached, again.cached) == (False, True)
    assert again.kb == load_knowledge(BUILTIN_KB)
    built, read = Index(compiled.kb), Index(again.kb)
    for name, array in built.tables.arrays().items():
        assert np.array_equal(array, read.tables.arrays()[name]), name
    assert read.tables.words == built.tables.words
    assert read.aliases.pairs == built.aliases.pairs
    assert read.tables.alt_text == built.tables.alt_text
    # The profile view agrees with the reference's profiles.
    reference = ReferenceIndex(read)
    for i, old in enumerate(reference.profiles):
        new = read.profiles[i]
        assert new.vocabulary == old.vocabulary
        assert [a.stems for a in new.alternates] == [a.stems for a in old.alternates]
        assert [a.weight for a in new.alternates] == [a.weight for a in old.alternates]
        assert (new.has_figure, new.answers_to) == (old.has_figure, old.answers_to)


def _files(folder: Path) -> list[Path]:
    return sorted(f for f in folder.glob("kb-*") if f.suffix in (SUFFIX, PLAIN_SUFFIX))


@pytest.fixture(params=["json", "npz"])
def written_as(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """The format compiled files are written in: JSON, as a small knowledge base's, or arrays,
    as a large one's (forced here for the tiny one)."""
    if request.param == "npz":
        monkeypatch.setattr("bot.compiled.PLAIN_FACTS", 0)
    return str(request.param)


def _answers(kb: KnowledgeBase) -> list[str | None]:
    engine = Engine(kb)
    replies = [engine.answer(q) for q in
               ("How many passengers did the ferry carry?", "what is the fare", "who is the mayor")]
    return [r.fact.id if r.fact is not None else None for r in replies]


def test_a_changed_knowledge_base_is_compiled_again_and_the_old_file_removed(
        tmp_path: Path, written_as: str) -> None:
    kb_path = write_kb(tmp_path / "kb")
    cache = tmp_path / "cache"
    first = compile_knowledge(kb_path, folder=cache)
    (old,) = _files(cache)
    assert old.suffix == f".{written_as}"
    (kb_path / "facts.yaml").write_text(TINY_FACTS.replace("ferry fare", "ferry fares"),
                                        encoding="utf-8")
    second = compile_knowledge(kb_path, folder=cache)
    (new,) = _files(cache)
    assert not second.cached
    assert new != old
    assert second.kb != first.kb
    assert "ferry fares" in second.kb.facts[1].questions
    assert compile_knowledge(kb_path, folder=cache).cached


def _rewrite_json(file: Path, change: str) -> None:
    """A compiled JSON file changed inside and given the checksum of what it then holds."""
    head, _, body = file.read_bytes().partition(b"\n")
    meta, content = json.loads(head), json.loads(body)
    tables = content["tables"]
    if change == "missing-array":
        del tables["postings"]
    elif change == "id-out-of-range":
        tables["postings"] = [p + 1_000_000 for p in tables["postings"]]
    elif change == "not-ints":
        tables["entry_words"][0] = "0"
    body = json.dumps(content).encode()
    meta["sha256"] = hashlib.sha256(body).hexdigest()
    file.write_bytes(json.dumps(meta).encode() + b"\n" + body)


def _break(file: Path, how: str) -> None:
    data = file.read_bytes()
    if file.suffix == PLAIN_SUFFIX and how in ("missing-array", "id-out-of-range", "not-ints"):
        _rewrite_json(file, how)
        return
    if how == "truncated":
        file.write_bytes(data[: len(data) // 2])
    elif how == "flipped":
        middle = len(data) // 2
        file.write_bytes(data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :])
    elif how == "empty":
        file.write_bytes(b"")
    elif how == "not-a-zip":
        file.write_bytes(b"#!/bin/sh\necho owned\n")
    elif how == "pickled":
        # An object array needs pickle to be read: refused, never unpickled.
        np.savez(file, meta=np.array([{"format": 1}], dtype=object), allow_pickle=True)
    elif how == "foreign":
        # A well-formed compiled file of another knowledge base, under this one's name.
        other = compile_knowledge(BUILTIN_KB, folder=file.parent / "other")
        file.write_bytes(_files(file.parent / "other")[0].read_bytes())
        assert other.key
    elif how == "missing-array":
        with zipfile.ZipFile(file) as old, zipfile.ZipFile(file.with_suffix(".x"), "w") as new:
            for item in old.namelist():
                if item != "postings.npy":
                    new.writestr(item, old.read(item))
        file.with_suffix(".x").replace(file)
    elif how == "id-out-of-range":
        with np.load(file, allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
        arrays["postings"] = arrays["postings"] + 1_000_000
        np.savez(file, **arrays)


_BROKEN = [(written_as, how) for written_as in ("json", "npz")
           for how in ("truncated", "flipped", "empty", "not-a-zip", "foreign", "missing-array",
                       "id-out-of-range")] + [("npz", "pickled"), ("json", "not-ints")]


@pytest.mark.parametrize(("written_as", "how"), _BROKEN, indirect=["written_as"])
def test_a_broken_compiled_file_is_ignored_with_one_log_line_and_rebuilt(
        tmp_path: Path, caplog: pytest.LogCaptureFixture, how: str, written_as: str) -> None:
    kb_path = write_kb(tmp_path / "kb")
    cache = tmp_path / "cache"
    expected = _answers(compile_knowledge(kb_path, folder=cache).kb)
    (file,) = _files(cache)
    assert file.suffix == f".{written_as}"
    _break(file, how)
    with caplog.at_level(logging.WARNING, logger="citebot.compiled"):
        rebuilt = compile_knowledge(kb_path, folder=cache)
    assert not rebuilt.cached
    assert len(caplog.records) == 1, caplog.text
    assert "rebuilding" in caplog.text
    assert str(tmp_path) not in caplog.text
    assert _answers(rebuilt.kb) == expected
    assert compile_knowledge(kb_path, folder=cache).cached  # written again, whole


def test_a_bad_knowledge_base_is_refused_as_the_loader_refuses_it(tmp_path: Path) -> None:
    kb_path = write_kb(tmp_path / "kb", facts=TINY_FACTS.replace("topic: ferry", "topic: nope"))
    with pytest.raises(KnowledgeError) as loaded:
        load_knowledge(kb_path)
    with pytest.raises(KnowledgeError) as compiled:
        compile_knowledge(kb_path, folder=tmp_path / "cache")
    assert compiled.value.problems == loaded.value.problems
    assert _files(tmp_path / "cache") == []
    with pytest.raises(KnowledgeError):
        compile_knowledge(tmp_path / "missing", folder=tmp_path / "cache")


def test_an_unwritable_cache_only_costs_time(tmp_path: Path,
                                              caplog: pytest.LogCaptureFixture) -> None:
    kb_path = write_kb(tmp_path / "kb")
    blocked = tmp_path / "file"
    blocked.write_text("not a folder", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="citebot.compiled"):
        first = compile_knowledge(kb_path, folder=blocked / "citebot")
        second = compile_knowledge(kb_path, folder=blocked / "citebot")
    assert (first.cached, second.cached) == (False, False)
    assert first.kb == second.kb
    assert "could not cache" in caplog.text


def test_check_compiles_for_the_next_start_and_ask_reads_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], written_as: str) -> None:
    kb_path = write_kb(tmp_path / "kb")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("CITEBOT_SEMANTIC", "0")
    assert main(["--kb", str(kb_path), "check"]) == 0
    (file,) = _files(tmp_path / "cache" / "citebot")
    assert file.suffix == f".{written_as}"
    written = file.stat().st_mtime_ns
    assert main(["--kb", str(kb_path), "ask", "How much is a ferry ticket?"]) == 0
    assert "5 dollars" in capsys.readouterr().out
    assert _files(tmp_path / "cache" / "citebot") == [file]
    assert file.stat().st_mtime_ns == written


@pytest.mark.usefixtures("written_as")
def test_the_tables_are_used_only_for_the_knowledge_base_read_with_them(tmp_path: Path) -> None:
    kb_path = write_kb(tmp_path / "kb")
    compiled: Compiled = compile_knowledge(kb_path, folder=tmp_path / "cache")
    assert Index(compiled.kb).tables is compiled.tables
    equal_but_other = load_knowledge(kb_path)
    assert Index(equal_but_other).tables is not compiled.tables


def test_no_cache_is_written_outside_the_cache_folder(tmp_path: Path) -> None:
    kb_path = write_kb(tmp_path / "kb")
    before = sorted(os.listdir(kb_path))
    compile_knowledge(kb_path, folder=tmp_path / "cache")
    assert sorted(os.listdir(kb_path)) == before
