"""Held-out phrasing: components keep their side, training never says a held-out one, and the
unseen sets say only held-out phrasing around test pages."""

import json
import random
from pathlib import Path

import pytest

from bench import phrasing
from bench.datacheck import check
from bench.levels import FRAMED, generate, says_held_out, speech_runs
from bench.phrasing import POOLS, SHARED, SIDES, SLOT_NOUNS, Speaker, held_out_in, pool, side
from processor import speech

DATA = Path(__file__).resolve().parent.parent / "bench" / "data"
COMMANDS = ["git push -u origin main", "tar -xzf backup.tar.gz -C /tmp", "docker run -p 8080:80 nginx",
            "kubectl get pods -n kube-system", "ls -la ~/projects", "npm run dev -- --port 3000"]


def test_the_runtime_vocabulary_is_always_seen():
    for group in (speech.FILLERS, speech.CORRECTIONS, speech.WRAPPER_PREFIXES, speech.RUN_CUES):
        for phrase in group:
            assert side(phrase) == "train", phrase


def test_sides_are_stable_and_every_pool_has_training_phrasing():
    assert side("so basically") == side("so basically") and side("so basically") in SIDES
    for name in [*POOLS, *(f"slot:{kind}" for kind in SLOT_NOUNS)]:
        assert pool(name, "train"), name
        if name in SHARED:
            continue
        for on in SIDES:
            assert all(side(p) == on for p in pool(name, on))


def test_no_held_out_component_is_said_inside_a_train_one():
    trained = [p for items in POOLS.values() for p in items if p and side(p) == "train"]
    for text in trained:
        found = held_out_in(text)
        assert found is None, (text, found)


@pytest.mark.parametrize("level", FRAMED)
def test_training_rows_never_say_held_out_phrasing(level):
    rng = random.Random(level)
    made = 0
    for k in range(80):
        row = generate(level, COMMANDS[k % len(COMMANDS)], rng, description="List files in a directory",
                       other_command=COMMANDS[(k + 1) % len(COMMANDS)], phrasing_side="train")
        if row is None:
            continue
        made += 1
        assert "phrasing" not in row.extra
        assert not says_held_out(row)
    assert made >= 40


@pytest.mark.parametrize("level", FRAMED)
def test_held_out_rows_name_their_held_out_phrases(level):
    rng = random.Random(level)
    for k in range(40):
        row = generate(level, COMMANDS[k % len(COMMANDS)], rng, description="List files in a directory",
                       other_command=COMMANDS[(k + 1) % len(COMMANDS)], split="test",
                       phrasing_side="test")
        if row is None:
            continue
        assert row.extra["phrasing"] == "unseen" and row.extra["phrases"]
        assert all(side(p) == "test" for p in row.extra["phrases"])


def test_a_chance_held_out_phrase_in_training_speech_is_caught():
    held = next(p for p in pool("filler", "test") if " " in p)
    said = f"okay {held} git push"
    assert held_out_in(said) == held
    assert speech_runs(said, "git space push") == [f"okay {held}"]


def test_a_slot_noun_names_what_is_dictated():
    assert phrasing.unit_kind("--force") == "flag"
    assert phrasing.unit_kind("8443") == "number"
    assert phrasing.unit_kind("./dist") == "path"
    assert phrasing.unit_kind("https://example.com") == "url"
    assert phrasing.unit_kind("NODE_ENV") == "name"
    assert phrasing.unit_kind("*.py") == "pattern"
    s = Speaker("test", random.Random(0))
    assert s.slot("flag")


def test_the_shipped_unseen_sets_are_held_out_phrasing_only():
    files = sorted(DATA.glob("unseen-*.jsonl"))
    assert [f.name for f in files] == [f"unseen-{level}.jsonl" for level in sorted(FRAMED)]
    for path in files:
        rows = [json.loads(line) for line in path.read_text().splitlines()]
        assert len(rows) == 300
        for row in rows:
            assert row["phrasing"] == "unseen" and row["phrases"]
            assert all(side(p) == "test" for p in row["phrases"]), row["id"]
    problems, _ = check(files)
    assert not problems, problems[:3]
