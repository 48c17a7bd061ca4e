"""PROTOCOL.md section 4: typed case is meaning, command or text, strict stays strict; and a
runtime that stands without the eval bench."""

from __future__ import annotations

import ast
import random
import subprocess
import sys
from pathlib import Path

import pytest

import processor
from engine import Engine

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def engine():
    return Engine()


@pytest.mark.parametrize("said, typed", [
    ("kebab case user settings panel", "user-settings-panel"),
    ("pascal case order history view", "OrderHistoryView"),
    ("git log capital HEAD tilde two", "git log HEAD~2"),
    ("iptables dash capital A capital OUTPUT dash j capital DROP", "iptables -A OUTPUT -j DROP"),
    ("echo done double ampersand exit", "echo done && exit"),
    ("cat file dot txt double greater than out dot log", "cat file.txt >> out.log"),
    ("snake case max retries equals eight zero eight zero", "max_retries=8080"),
])
def test_what_was_said_is_typed(engine, said, typed):
    assert engine.convert(said).output == typed


def test_a_recogniser_s_case_is_noise_and_typed_case_is_meaning(engine):
    assert engine.convert("Cat space README dot md.", from_recogniser=True).output == "cat readme.md"
    assert engine.convert("Cat space README dot md.").output == "cat README.md"
    assert engine.convert("V BoxManage space list space vms").output == "VBoxManage list vms"


def test_command_mode_drops_the_prose_text_mode_keeps_it(engine):
    said = "first I check the branch git space status then I push"
    assert engine.convert(said).output == "git status"
    assert engine.convert(said, keep_prose=True).output == (
        "first I check the branch git status then I push")


def test_generated_strict_dictations_with_typed_case_type_what_the_processor_types(corpus):
    """10,000 strict dictations of tldr commands (both splits), said with typed case
    (``bench.typedcase``): the engine types what the processor types, but for two kinds.
    A dictation of one shell word says no ``space``, so it reads as loose too: there the
    spacer adds the spaces it is sure of (``open period`` is ``open .``), never inside a
    ``... case`` scope or a number. And the gate sends a few strict dictations to the model,
    whose tagger may drop a word it takes for a false start: at most 0.1%."""
    from bench.corpus import commands
    from bench.typedcase import typed_case
    from processor.normalize import sentence_capital

    pool = commands(split="test", seed=0) + commands(split="train", seed=0)
    rng = random.Random(0)
    said = []
    for k in rng.sample(range(len(pool)), len(pool)):
        try:
            words, _ = typed_case(processor.speak(pool[k][1], seed=rng.randrange(2**31)).split())
        except processor.SpeakError:
            continue
        if not sentence_capital(words[0]):  # typed text drops a sentence capital
            said.append(" ".join(words))
        if len(said) == 10_000:
            break
    results = Engine().convert_many(said)
    wrong = [(s, r) for s, r in zip(said, results) if r.output != processor.process(s)]
    one_word = [(s, r) for s, r in wrong if "space" not in s.split() and r.route == "processor"]
    for s, r in one_word:  # the spaces it added fall between units the words do not bind
        spaced, before = [], False
        for word in r.spans[0].protocol.split():
            if word == "space":
                before = True
            else:
                spaced.append(before)
                before = False
        assert len(spaced) == len(s.split())
        assert not any(space and tied for space, tied in zip(spaced, processor.bound(s.split())))
    misrouted = [(s, r.output) for s, r in wrong if (s, r) not in one_word]
    assert len(said) == 10_000 and len(misrouted) <= 10, misrouted


_GUARD = """
import importlib.abc, sys
class NoBench(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "bench" or name.startswith("bench."):
            raise ImportError("the runtime must not import " + name)
sys.meta_path.insert(0, NoBench())
"""


def test_the_runtime_converts_transcribes_and_listens_without_the_bench():
    """Every route of ``Engine.convert``, the recogniser and the REPL, with ``bench``
    unimportable."""
    script = _GUARD + """
import numpy as np
from engine import Engine
from engine.repl import VoiceRepl
from engine.recognizer import Recognizer
engine = Engine()
routes = {engine.convert(text, **kw).route for text, kw in (
    ("git space status", {}),                                   # processor
    ("git push minus u origin main", {}),                       # model
    ("first run npm space install then wait", {"keep_prose": True}),  # mixed
    ("three files in the folder", {}),                          # unchanged
    ("okay type ls dash la and press enter", {}),               # a request
    ("make build I mean make test", {}),                        # a false start taken back
    ("LS dash LA.", {"from_recogniser": True}),
)}
assert routes == {"processor", "model", "mixed", "unchanged"}, routes
recognizer = Recognizer()
assert recognizer.model_name == "tiny.en adapted to shell dictation"  # the default, built
assert recognizer.transcribe(np.zeros(16000, dtype=np.float32)).text == ""
assert not [m for m in sys.modules if m == "bench" or m.startswith("bench.")]
print("ok")
"""
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         cwd=ROOT, timeout=600)
    assert run.returncode == 0 and run.stdout.strip().endswith("ok"), run.stderr[-2000:]


def test_the_bench_never_imports_the_cli():
    """``bench`` sits on top of the runtime, and the CLI dispatches to it: no circle."""
    for path in sorted((ROOT / "bench").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([node.module or ""] if isinstance(node, ast.ImportFrom)
                     else [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            assert not any(n == "engine.cli" or n.startswith("engine.cli.") for n in names), path
