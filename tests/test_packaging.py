"""What a user installs: the wheel (built here, installed into a fresh venv), the pinned versions
and the container recipe (Docker does not run here: what can be checked without it is)."""

from __future__ import annotations

import email.parser
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import venv
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
# What the build reads; everything else in the repository stays out of the wheel.
BUILD_INPUTS = ("pyproject.toml", "README.md", "LICENSE", "NOTICE", "bot", "knowledge")


@dataclass(frozen=True)
class Installed:
    wheel: Path
    venv: Path

    @property
    def citebot(self) -> Path:
        return self.venv / "bin" / "citebot"

    def run(self, *args: str, cwd: Path, env: dict[str, str] | None = None,
            ) -> subprocess.CompletedProcess[str]:
        environment = {k: v for k, v in os.environ.items()
                       if k not in ("CITEBOT_KB", "PYTHONPATH", "PYTHONHOME")
                       and not k.startswith("TELEGRAM_")}
        environment.update(env or {})
        return subprocess.run([*args], capture_output=True, text=True, cwd=cwd,
                              env=environment, timeout=60)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """The wheel built from a copy of the sources (no stale build/ folder can leak into it),
    offline and without build isolation, installed without dependencies into a new venv that
    borrows them from the test environment's site-packages."""
    base = tmp_path_factory.mktemp("wheel")
    source = base / "source"
    source.mkdir()
    for name in BUILD_INPUTS:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(ROOT / name, source / name)
    dist = base / "dist"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input", "-q"]
    subprocess.run([*pip, "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                    "-w", str(dist), str(source)], check=True, capture_output=True, timeout=120)
    (wheel,) = dist.glob("citebot-*.whl")
    target = base / "venv"
    venv.create(target, with_pip=False)
    subprocess.run([*pip, "--python", str(target / "bin" / "python"), "install", "--no-deps",
                    "--no-index", str(wheel)], check=True, capture_output=True, timeout=120)
    # Plain paths in a .pth: the test venv's own .pth files (the editable citebot) are not run.
    site = Path(subprocess.run(
        [target / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True, text=True, check=True).stdout.strip())
    borrowed = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    (site / "zz-test-dependencies.pth").write_text("\n".join(sorted(borrowed)) + "\n")
    return Installed(wheel, target)


def test_the_wheel_holds_every_module_the_knowledge_base_and_the_notices(
        installed: Installed) -> None:
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    modules = {p.relative_to(ROOT).as_posix() for p in (ROOT / "bot").rglob("*.py")}
    assert modules - names == set(), "add the missing package to [tool.setuptools] packages"
    knowledge = {"bot/" + p.relative_to(ROOT).as_posix() for p in (ROOT / "knowledge").rglob("*")
                 if p.suffix in (".yaml", ".yml")}
    assert knowledge
    assert knowledge <= names
    assert "bot/py.typed" in names
    # What the engine reads besides code: the speller's word list and the shipped vectors.
    assert "bot/english_words.txt" in names
    vectors = {"bot/" + p.relative_to(ROOT).as_posix()
               for p in (ROOT / "knowledge" / "vectors").glob("*.npy")}
    assert vectors
    assert vectors <= names
    licenses = {n.rsplit("/", 1)[1] for n in names if "/licenses/" in n}
    assert licenses == {"LICENSE", "NOTICE"}
    assert not [n for n in names if n.startswith(("tests/", "bench/")) or "__pycache__" in n]


def test_the_metadata_names_license_urls_and_classifiers(installed: Installed) -> None:
    with zipfile.ZipFile(installed.wheel) as wheel:
        metadata_name = next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
        metadata = email.parser.Parser().parsestr(wheel.read(metadata_name).decode())
    assert metadata["License-Expression"] == "MIT"
    assert any("chinadaily.com.cn" in url for url in metadata.get_all("Project-URL", []))
    classifiers = metadata.get_all("Classifier", [])
    assert "Programming Language :: Python :: 3.11" in classifiers
    assert metadata["Requires-Python"] == ">=3.11"


def test_installed_citebot_answers_from_another_directory(
        installed: Installed, tmp_path: Path) -> None:
    where = installed.run(str(installed.venv / "bin" / "python"), "-c",
                          "import bot.config as c; print(c.BUILTIN_KB)", cwd=tmp_path)
    assert Path(where.stdout.strip()).is_relative_to(installed.venv), where.stderr
    done = installed.run(str(installed.citebot), "ask", "--json",
                         "how big is the free trade zone", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["fact"] == "ftz-area"
    check = installed.run(str(installed.citebot), "check", cwd=tmp_path)
    assert check.returncode == 0, check.stderr
    assert ": valid" in check.stdout, check.stderr
    version = installed.run(str(installed.citebot), "--version", cwd=tmp_path)
    assert version.stdout.strip() == f"citebot {installed.wheel.name.split('-')[1]}"


# --- the container recipe -------------------------------------------------------------------

def dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text(encoding="utf-8"))
    rows = []
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            instruction, _, arguments = line.strip().partition(" ")
            rows.append((instruction.upper(), arguments.strip()))
    return rows


def exec_form(arguments: str) -> list[str]:
    words = json.loads(arguments)
    assert isinstance(words, list)
    return [str(w) for w in words]


def test_the_dockerfile_copies_only_what_exists_and_is_not_ignored() -> None:
    ignore = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    allowed = {line[1:].rstrip("/") for line in ignore if line.startswith("!")}
    assert "*" in ignore  # everything else stays out of the build context (.venv, .git, ...)
    copied = []
    for instruction, arguments in dockerfile():
        if instruction == "COPY":
            *sources, _ = shlex.split(arguments)
            copied.extend(sources)
    assert copied
    for path in copied:
        assert (ROOT / path).exists(), path
        assert path.rstrip("/") in allowed, f"{path} is excluded by .dockerignore"


def test_the_dockerfile_installs_pinned_dependencies_before_the_code() -> None:
    rows = dockerfile()
    copies = [i for i, (instruction, _) in enumerate(rows) if instruction == "COPY"]
    first_code = next(i for i in copies if rows[i][1].split()[0] in ("bot", "knowledge", "."))
    dependency_layers = [args for instruction, args in rows[:first_code] if instruction == "RUN"]
    assert any("--constraint constraints.txt" in args for args in dependency_layers)
    # The layer before the code reads the dependencies from pyproject.toml alone.
    script = next(a for a in dependency_layers if "tomllib" in a).split(" > ")[0]
    assert script.startswith("python -c ")
    listed = subprocess.run([sys.executable, "-c", shlex.split(script)[2]], cwd=ROOT, text=True,
                            capture_output=True, check=True).stdout.splitlines()
    assert listed == PYPROJECT["project"]["dependencies"]
    after = [args for instruction, args in rows[first_code:] if instruction == "RUN"]
    install = next(i for i, a in enumerate(after) if "pip install" in a)
    assert "--no-deps" in after[install]
    assert any(a.strip() == "citebot check" for a in after[install + 1:])


def test_the_container_runs_as_a_numeric_non_root_user() -> None:
    users = [args for instruction, args in dockerfile() if instruction == "USER"]
    assert users, "no USER: the container would run as root"
    uid = users[-1].split(":")[0]
    assert uid.isdecimal()
    assert int(uid) != 0


def test_the_container_command_is_the_telegram_bot_refusing_to_start_without_a_token(
        installed: Installed, tmp_path: Path) -> None:
    rows = dockerfile()
    (command,) = [exec_form(args) for instruction, args in rows if instruction == "CMD"]
    scripts = PYPROJECT["project"]["scripts"]
    assert command[0] in scripts
    assert command[1] == "telegram"
    script = installed.venv / "bin" / command[0]
    done = installed.run(str(script), *command[1:], cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert "token" in done.stderr


def test_the_container_healthcheck_is_a_command_that_exists(
        installed: Installed, tmp_path: Path) -> None:
    (check,) = [args for instruction, args in dockerfile() if instruction == "HEALTHCHECK"]
    command = exec_form(check.split(" CMD ", 1)[1])
    assert command[0] in PYPROJECT["project"]["scripts"]
    done = installed.run(str(installed.venv / "bin" / command[0]), *command[1:], cwd=tmp_path)
    assert done.returncode == 0, done.stdout  # long polling: nothing to probe


# --- pinned versions ------------------------------------------------------------------------

def pins() -> dict[str, str]:
    result: dict[str, str] = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            requirement = Requirement(line)
            assert str(requirement.specifier).startswith("=="), line
            result[canonicalize_name(requirement.name)] = str(requirement.specifier)[2:]
    return result


def test_every_dependency_of_the_bot_and_its_tests_is_pinned() -> None:
    pinned = pins()
    wanted = [*PYPROJECT["project"]["dependencies"],
              *PYPROJECT["project"]["optional-dependencies"]["test"]]
    for spec in wanted:
        requirement = Requirement(spec)
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{name} is not in constraints.txt: run `make lock`"
        assert requirement.specifier.contains(pinned[name], prereleases=True), (
            f"constraints.txt pins {name}=={pinned[name]} outside {requirement.specifier}: "
            "run `make lock`")


def test_make_installs_with_the_constraints() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^PIP := .*pip install .*--constraint constraints\.txt", makefile, re.M)
    recipes = [line.strip() for line in makefile.splitlines() if line.startswith("\t")]
    installs = [line for line in recipes if "$(PIP)" in line or "pip install" in line]
    installs = [line for line in installs if "LOCK_VENV" not in line]  # `make lock` resolves
    assert installs
    assert all(line.startswith("$(PIP) ") for line in installs), installs
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
