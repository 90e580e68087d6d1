"""A compiled knowledge base: the validated facts and the index's arrays, cached on disk, so that
a restart reads arrays instead of parsing YAML and rebuilding the index.

One file per knowledge-base folder: `$XDG_CACHE_HOME/citebot/kb-<folder>-<key>.npz`, where the
key hashes the files' names and bytes, the code that reads and indexes them, and this format;
writing a new version removes the folder's older ones.
The file is a numpy zip of plain arrays, read with allow_pickle=False, with the facts as JSON
stored in a byte array: reading it can never run code. A small knowledge base (up to SMALL_KB
facts, bot/index.py) is `kb-<folder>-<key>.json` instead, the same content as JSON (a line
naming it and the SHA-256 of the rest, then the rest), so that it is read without importing
numpy. A stale file is never looked up (the key differs); a corrupt, truncated or foreign one is
ignored with one log line and rebuilt. A new file is written beside the old ones and renamed
into place, so a reader never sees half a file.
"""

from __future__ import annotations

import gc
import hashlib
import json
import logging
import os
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot import __version__
from bot.index import (
    SMALL_KB,
    IndexTables,
    PlainTables,
    Tables,
    build_tables,
    plain_tables_from,
    remember_tables,
    strings_of,
    tables_from,
)
from bot.model import (
    AliasGroup,
    Citation,
    Fact,
    KnowledgeBase,
    SmallTalk,
    Source,
    Speaker,
    Topic,
)

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

log = logging.getLogger("citebot.compiled")

# Bump when what is written changes shape; the key changes with it.
FORMAT = 2
# The modules whose code decides what a compiled file holds: a change to any is a new key.
_CODE = ("compiled.py", "index.py", "normalize.py", "spelling.py", "lexicon.py", "model.py",
         "loader.py", "yaml_reader.py", "kb_schema.py", "kb_checks.py")
PREFIX = "kb-"
SUFFIX = ".npz"
# A knowledge base of up to this many facts is written as JSON (PLAIN_SUFFIX), read without numpy.
PLAIN_FACTS = SMALL_KB
PLAIN_SUFFIX = ".json"


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or str(Path.home() / ".cache")
    return Path(base) / "citebot"


@dataclass(frozen=True)
class Compiled:
    kb: KnowledgeBase
    tables: Tables
    key: str
    cached: bool  # read from the cache (else built now)


def load_compiled(path: Path) -> KnowledgeBase:
    """`bot.loader.load_knowledge`, through the cache: the same knowledge base (KnowledgeError
    for a bad one), whose `Index` then starts from the compiled tables."""
    return compile_knowledge(path).kb


def compile_knowledge(path: Path, *, folder: Path | None = None) -> Compiled:
    """The compiled knowledge base of `path`: read from `folder` (the cache directory) when
    there, else loaded, validated, indexed and written there."""
    from bot.loader import knowledge_files, load_knowledge

    folder = folder if folder is not None else cache_dir()
    problems: list[Any] = []
    files = knowledge_files(path, problems)
    with _gc_paused():
        key = knowledge_key(path, files) if not problems else None
        if key is None:
            kb = load_knowledge(path)  # reports the problems: a file that cannot be read
            return _remembered(Compiled(kb, build_tables(kb), "", cached=False))
        place = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:12]
        name = f"{PREFIX}{place}-{key}"
        for suffix in (PLAIN_SUFFIX, SUFFIX):
            compiled = read_compiled(folder / f"{name}{suffix}", key)
            if compiled is not None:
                return _remembered(compiled)
        kb = load_knowledge(path)
        compiled = Compiled(kb, build_tables(kb), key, cached=False)
        file = folder / f"{name}{PLAIN_SUFFIX if len(kb.facts) <= PLAIN_FACTS else SUFFIX}"
        # Saved while it was read (an editor, a deploy): kept under its own key, not this one.
        if knowledge_key(path, files) == key and write_compiled(file, compiled):
            for old in folder.glob(f"{PREFIX}{place}-*"):
                if old != file and old.suffix in (SUFFIX, PLAIN_SUFFIX):
                    old.unlink(missing_ok=True)  # an older version of the same folder
        return _remembered(compiled)


def knowledge_key(path: Path, files: list[Path]) -> str | None:
    """Names one version of a knowledge base as this code reads it; None when a file is not
    one to read (a pipe, a device: never read here, the loader says what is wrong)."""
    digest = hashlib.sha256(f"citebot-kb {FORMAT} {__version__}\0".encode())
    here = Path(__file__).parent
    for name in _CODE:
        digest.update(name.encode() + b"\0" + (here / name).read_bytes() + b"\0")
    root = path if path.is_dir() else path.parent
    for file in files:
        try:
            if not stat.S_ISREG(os.stat(file).st_mode):
                return None
            data = file.read_bytes()
        except OSError:
            return None
        digest.update(f"{file.relative_to(root).as_posix()}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()[:40]


def read_compiled(file: Path, key: str) -> Compiled | None:
    """The compiled knowledge base in `file` (.npz or .json), or None when it is missing or
    unusable (said once in the log: it is then rebuilt)."""
    tables: Tables
    try:
        if file.suffix == PLAIN_SUFFIX:
            kb, tables = _read_plain(file, key)
        else:
            with open(file, "rb") as raw:
                kb, tables = _read_arrays(raw, key)
        if tables.facts != len(kb.facts):
            raise ValueError("tables and facts disagree")
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError,
            EOFError, UnicodeDecodeError) as exc:
        log.warning("ignoring compiled knowledge base %s (%s); rebuilding", file.name, exc)
        return None
    return Compiled(kb, tables, key, cached=True)


def _check_meta(meta: object, key: str) -> None:
    if not isinstance(meta, dict) or meta.get("format") != FORMAT or meta.get("key") != key:
        raise ValueError("made for another knowledge base or version")


def _read_arrays(raw: Any, key: str) -> tuple[KnowledgeBase, IndexTables]:
    """A .npz compiled file (numpy and zipfile are imported only once there is one: a small
    knowledge base's start has none)."""
    import zipfile

    import numpy as np

    try:
        with np.load(raw, allow_pickle=False) as archive:
            _check_meta(_json(archive, "meta"), key)
            kb = kb_from_json(_json(archive, "kb"))
            tables = tables_from({name: archive[name] for name in IndexTables.array_names()},
                                 _json(archive, "strings"), _text(archive, "alt_text"))
    except zipfile.BadZipFile as exc:
        raise ValueError(exc) from exc
    return kb, tables


def _read_plain(file: Path, key: str) -> tuple[KnowledgeBase, PlainTables]:
    """A .json compiled file: its first line names it, with the SHA-256 of the rest (as a zip
    member's CRC, it tells a damaged file from a good one)."""
    with open(file, "rb") as raw:
        data = raw.read()
    head, _, body = data.partition(b"\n")
    meta = json.loads(head.decode())
    _check_meta(meta, key)
    if hashlib.sha256(body).hexdigest() != meta.get("sha256"):
        raise ValueError("damaged: its checksum differs")
    content = json.loads(body.decode())
    if not isinstance(content, dict):
        raise TypeError("not an object")
    tables = content["tables"]
    if not isinstance(tables, dict) or not isinstance(content["alt_text"], str):
        raise TypeError("tables: not an object")
    return kb_from_json(content["kb"]), plain_tables_from(tables, content["strings"],
                                                          content["alt_text"])


def _plain_bytes(compiled: Compiled) -> bytes:
    tables = compiled.tables
    if isinstance(tables, IndexTables):
        tables = tables.plain()
    content = {
        "kb": kb_to_json(compiled.kb),
        "tables": tables.arrays(),
        "strings": strings_of(tables),
        "alt_text": tables.alt_text,
    }
    body = _dumps(content).encode()
    meta = {"format": FORMAT, "key": compiled.key, "facts": len(compiled.kb.facts),
            "sha256": hashlib.sha256(body).hexdigest()}
    return _dumps(meta).encode() + b"\n" + body


def _dumps(value: object) -> str:
    # JSON escapes line breaks inside strings: the first line ends where the header does.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def write_compiled(file: Path, compiled: Compiled) -> bool:
    """Written whole or not at all (False); a cache that cannot be written only costs time at
    the next start. As JSON when `file` ends in PLAIN_SUFFIX, else as a numpy zip."""
    import tempfile

    tmp = None
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=file.parent, prefix=".", suffix=".tmp",
                                         delete=False) as out:
            tmp = Path(out.name)
            if file.suffix == PLAIN_SUFFIX:
                out.write(_plain_bytes(compiled))
            else:
                _write_arrays(out, compiled)
        os.replace(tmp, file)
    except OSError as exc:
        log.warning("could not cache the compiled knowledge base in %s: %s", file.parent, exc)
        if tmp is not None:
            tmp.unlink(missing_ok=True)
        return False
    return True


def _write_arrays(out: Any, compiled: Compiled) -> None:
    import numpy as np

    tables = compiled.tables
    if isinstance(tables, PlainTables):
        tables = tables.to_arrays()
    arrays: dict[str, npt.NDArray[Any]] = dict(tables.arrays())
    arrays["meta"] = _bytes({"format": FORMAT, "key": compiled.key,
                             "facts": len(compiled.kb.facts)})
    arrays["kb"] = _bytes(kb_to_json(compiled.kb))
    arrays["strings"] = _bytes(strings_of(tables))
    arrays["alt_text"] = np.frombuffer(tables.alt_text.encode(), dtype=np.uint8)
    np.savez(out, allow_pickle=False, **arrays)


def _remembered(compiled: Compiled) -> Compiled:
    remember_tables(compiled.kb, compiled.tables)
    return compiled


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Reading and building make millions of small objects and no cycles: the cyclic garbage
    collector would walk them again and again."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def _bytes(value: object) -> npt.NDArray[np.uint8]:
    import numpy as np

    return np.frombuffer(_dumps(value).encode(), dtype=np.uint8)


def _text(archive: Any, name: str) -> str:
    import numpy as np

    array = archive[name]
    if array.dtype != np.uint8 or array.ndim != 1:
        raise ValueError(f"{name}: not bytes")
    return bytes(array).decode()


def _json(archive: Any, name: str) -> Any:
    return json.loads(_text(archive, name))


# The knowledge base as JSON: each object a list of its fields in a fixed order.

def kb_to_json(kb: KnowledgeBase) -> dict[str, list[Any]]:
    return {
        "sources": [
            [s.id, s.title, list(s.authors), s.published, s.url, s.publisher, s.section,
             s.photo_credit, s.context, [[p.id, p.name, p.role] for p in s.speakers],
             list(s.paragraphs)]
            for s in kb.sources
        ],
        "topics": [[t.id, t.title, t.description] for t in kb.topics],
        "facts": [
            [f.id, f.topic, list(f.questions), f.answer,
             [[c.source, c.quote, c.paragraph, c.field] for c in f.citations], f.speaker,
             list(f.related)]
            for f in kb.facts
        ],
        "aliases": [[a.canonical, list(a.variants)] for a in kb.aliases],
        "small_talk": [[s.intent, list(s.patterns), s.reply] for s in kb.small_talk],
    }


def kb_from_json(data: Any) -> KnowledgeBase:
    """The knowledge base back from kb_to_json; TypeError or ValueError when it is not one.
    Ids repeat across thousands of facts: each is kept once."""
    if not isinstance(data, dict):
        raise TypeError("not an object")
    names: dict[str, str] = {}

    def name(value: object) -> str:
        text = _str(value)
        return names.setdefault(text, text)

    def source(row: list[Any]) -> Source:
        (id_, title, authors, published, url, publisher, section, credit, context, speakers,
         paragraphs) = _row(row, 11)
        return Source(name(id_), _str(title), _strs(authors), _str(published), _str(url),
                      _str(publisher), _str(section), _opt_str(credit), _str(context),
                      tuple(Speaker(name(p[0]), _str(p[1]), _str(p[2]))
                            for p in map(_row3, _list(speakers))),
                      _strs(paragraphs))

    def fact(row: list[Any]) -> Fact:
        id_, topic, questions, answer, citations, speaker, related = _row(row, 7)
        return Fact(_str(id_), name(topic), _strs(questions), _str(answer),
                    tuple(citation(c) for c in _list(citations)), name(speaker),
                    tuple(name(r) for r in _list(related)))

    def citation(row: object) -> Citation:
        source_id, quote, paragraph, field = _row(row, 4)
        if paragraph is not None and (type(paragraph) is not int or paragraph < 1):
            raise ValueError("citation: bad paragraph")
        return Citation(name(source_id), _str(quote), paragraph,
                        None if field is None else name(field))

    return KnowledgeBase(
        sources=tuple(source(r) for r in _list(data["sources"])),
        topics=tuple(Topic(name(r[0]), _str(r[1]), _str(r[2]))
                     for r in map(_row3, _list(data["topics"]))),
        facts=tuple(fact(r) for r in _list(data["facts"])),
        aliases=tuple(AliasGroup(_str(r[0]), _strs(r[1]))
                      for r in (_row(x, 2) for x in _list(data["aliases"]))),
        small_talk=tuple(SmallTalk(_str(r[0]), _strs(r[1]), _str(r[2]))
                         for r in map(_row3, _list(data["small_talk"]))),
    )


def _list(value: object) -> list[Any]:
    if not isinstance(value, list):
        raise TypeError("not a list")
    return value


def _row(value: object, size: int) -> list[Any]:
    row = _list(value)
    if len(row) != size:
        raise ValueError(f"a row of {len(row)} fields, not {size}")
    return row


_row3: Callable[[object], list[Any]] = lambda value: _row(value, 3)  # noqa: E731


def _str(value: object) -> str:
    if type(value) is not str:
        raise TypeError("not a string")
    return value


def _opt_str(value: object) -> str | None:
    return None if value is None else _str(value)


def _strs(value: object) -> tuple[str, ...]:
    items = _list(value)
    if not all(type(v) is str for v in items):
        raise TypeError("not a list of strings")
    return tuple(items)
