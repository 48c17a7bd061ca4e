"""The level generators: each level shows its habit, every row checks out, all deterministic."""

import random

import pytest

from bench.levels import (CORRECTIONS, FILLERS, LEVELS, RESTARTS, WRAPPER_PREFIXES, category,
                          generate, spoken_prose)
from processor import process
from processor.vocabulary import NUMBER_WORDS

COMMANDS = ["git push -u origin main", "tar -xzf backup.tar.gz -C /tmp", "docker run -p 8080:80 nginx",
            "grep -rn \"TODO\" src/", "ssh admin@192.168.1.10 -p 2222", "export NODE_ENV=production",
            "kubectl get pods -n kube-system", "find . -name '*.py' -delete"]


def rows(level, n=60, seed=0):
    rng = random.Random(seed)
    out = []
    for k in range(n):
        command = COMMANDS[k % len(COMMANDS)]
        row = generate(level, command, rng, description="Extract an archive into a directory",
                       other_command=COMMANDS[(k + 3) % len(COMMANDS)])
        if row is not None:
            out.append(row)
    return out


@pytest.mark.parametrize("level", LEVELS)
def test_every_row_renders_its_command_and_is_a_transformation(level):
    made = rows(level)
    assert len(made) >= 40
    for row in made:
        assert row.difficulty == level
        if row.category == "prose":
            assert row.dictated == row.expected and row.protocol is None
            continue
        assert row.dictated != row.expected
        rendered = process(row.protocol)
        if row.span:
            words = row.dictated.split()
            assert " ".join(words[:row.span[0]] + [rendered] + words[row.span[1]:]) == row.expected
        else:
            assert rendered == row.expected


@pytest.mark.parametrize("level", LEVELS)
def test_generators_are_deterministic(level):
    assert [r.to_json() for r in rows(level, 20, seed=5)] == [r.to_json() for r in rows(level, 20, seed=5)]
    assert [r.to_json() for r in rows(level, 20, seed=5)] != [r.to_json() for r in rows(level, 20, seed=6)]


def test_strict_is_the_protocol():
    for row in rows("strict"):
        assert process(row.dictated) == row.expected


def test_loose_drops_space_and_keeps_the_words():
    for row in rows("loose"):
        assert "space" not in row.dictated.split()
        assert row.dictated.split() == [w for w in row.protocol.split() if w != "space"]


def test_natural_wraps_the_command():
    made = rows("natural")
    wrapped = sum(any(row.dictated.startswith(p + " ") for p in WRAPPER_PREFIXES) for row in made)
    assert wrapped >= len(made) // 2
    assert any(f in row.dictated.split() for row in made for f in FILLERS)


def test_chaotic_has_corrections_restarts_and_false_starts():
    made = rows("chaotic", n=120)
    said = " ".join(r.dictated for r in made)
    assert any(c in said for c in CORRECTIONS)
    assert any(r in said for r in RESTARTS)
    # the protocol is the dictation with words taken out (and space put in): never words added
    for row in made:
        kept = [w for w in row.protocol.split() if w != "space"]
        words = iter(row.dictated.split())
        assert all(any(w == d for d in words) for w in kept), row.dictated


def test_mixed_keeps_prose_and_labels_the_command_words():
    made = rows("mixed", n=100)
    assert any(r.category == "prose" for r in made)
    for row in made:
        labels = row.labels()
        assert len(labels) == len(row.dictated.split())
        if row.category == "prose":
            assert not any(labels)
        else:
            start, end = row.span
            assert labels == [start <= k < end for k in range(len(labels))]
            assert 0 < start or end < len(labels)  # some prose around the command


def test_voice_looks_like_a_recogniser():
    made = rows("voice", n=100)
    assert all(r.dictated[0].isupper() or not r.dictated[0].isalpha() for r in made)
    assert sum(r.dictated.endswith((".", "?")) for r in made) > len(made) // 2
    assert any(any(c.isdigit() for c in r.dictated) for r in made)
    for row in made:  # the meant words are the heard words, cleaned (homophones undone)
        heard = [w.lower().rstrip(".,?") for w in row.dictated.split()]
        meant = row.protocol.split()
        if len(heard) == len(meant):
            for h, m in zip(heard, meant):
                assert h == m or m in NUMBER_WORDS


@pytest.mark.parametrize("command,expected", [
    ('echo "hi"', "quoting"), ("ls -R", "casing"), ("sleep 5", "numbers"), ("ls | wc", "operators"),
    ("cd /tmp", "paths"), ("ls -la", "flags"), ("make", "plain"),
])
def test_category(command, expected):
    assert category(command) == expected


def test_spoken_prose():
    assert spoken_prose("Extract 3 files (quickly) from `tar`.") == "extract three files quickly from tar"
