"""The model's training data: chat JSONL (mlx-lm's format) made by the shared level generators.

Rows come from tldr TRAIN pages only (``bench.corpus.page_split``), at the levels the gate
sends to the model (loose, natural, chaotic, voice), and mixed speech with its prose to drop,
as command mode types it; some are prose alone, whose answer is empty. Half the framed levels' rows are said with train-side combinatorial
phrasing (``bench.phrasing``), none with a held-out component. The user message is the fragment as the engine
gives it (normalised recogniser text); the answer is the strict protocol text. Every row is a
transformation: a fragment the processor alone already renders right is strict, never sent to
the model, and left out, as is one that no tagging of its words can answer.

``validate`` is the gate to training: it runs ``dictbash data check`` over the files and
fails on any row whose answer cannot be reached by tagging the fragment's words.
"""

from __future__ import annotations

import random
from pathlib import Path

from bench.corpus import commands
from bench.datacheck import check
from bench.levels import generate, training_side
from bench.records import BadRow, read_rows, write_jsonl
from processor import normalize, process

from .prompt import messages
from .tags import align

MODEL_LEVELS = {"loose": 3, "natural": 3, "chaotic": 3, "voice": 2, "mixed": 2}
"""Levels the model is trained on, and their relative weights. A mixed row teaches what
command mode wants of prose around a command: drop it."""
PROSE_ONLY_SHARE = 0.07
"""The share of rows that are prose alone (the mixed level's), every word dropped: command
mode asks the model whether an utterance holds a command at all (docs/HISTORY.md)."""


def generated(size: int, seed: int = 0) -> list[tuple[str, str, str]]:
    """``size`` (page, fragment, answer protocol) triples, deterministic in ``seed``."""
    pool = commands(split="train", seed=seed)
    rng = random.Random(f"model-data-{seed}")
    levels = list(MODEL_LEVELS)
    weights = list(MODEL_LEVELS.values())
    rows: list[tuple[str, str, str]] = []
    seen: set[tuple[str, str]] = set()
    while len(rows) < size:
        example, command = pool[rng.randrange(len(pool))]
        prose_only = rng.random() < PROSE_ONLY_SHARE
        level = "mixed" if prose_only else rng.choices(levels, weights)[0]
        other = pool[rng.randrange(len(pool))][1]
        row = generate(level, command, rng, description=example.description, other_command=other,
                       split="train", phrasing_side=training_side(level, rng))
        while prose_only and row is not None and row.category != "prose":  # 1 in 5 are
            row = generate(level, command, rng, description=example.description,
                           split="train", phrasing_side=training_side(level, rng))
        if row is None or prose_only != (row.category == "prose"):
            continue
        answer = "" if prose_only else row.protocol
        fragment = normalize(row.dictated)
        if answer is None or (not prose_only and process(fragment) == command):
            continue
        if (fragment, answer) in seen or align(fragment.split(), answer.split()) is None:
            continue  # no tagging reaches it (``space space`` said loosely): nothing to learn
        seen.add((fragment, answer))
        rows.append((example.page, fragment, answer))
    return rows


def build(size: int = 4000, valid_share: float = 0.05, seed: int = 0) -> tuple[list[dict], list[dict]]:
    """(train, valid) chat rows, deterministic in ``seed``."""
    rows = [{"messages": messages(fragment, answer)}
            for _, fragment, answer in generated(size, seed)]
    cut = int(len(rows) * valid_share)
    return rows[cut:], rows[:cut]


def write(folder: Path, size: int = 4000, seed: int = 0) -> tuple[Path, Path]:
    """Write ``train.jsonl`` and ``valid.jsonl`` (mlx-lm's data folder layout)."""
    folder.mkdir(parents=True, exist_ok=True)
    train, valid = build(size, seed=seed)
    write_jsonl(folder / "train.jsonl", train)
    write_jsonl(folder / "valid.jsonl", valid)
    return folder / "train.jsonl", folder / "valid.jsonl"


def pair(row: dict) -> tuple[list[str], list[str]]:
    """(fragment words, answer words) of one chat row."""
    return row["messages"][1]["content"].split(), row["messages"][2]["content"].split()


def load_pairs(path: Path) -> list[tuple[list[str], list[str]]]:
    """(fragment words, answer words) of a chat JSONL file (already validated)."""
    pairs = []
    for _, row in read_rows(path):
        if isinstance(row, BadRow):
            raise row
        pairs.append(pair(row))
    return pairs


def validate(files: list[Path]) -> list[str]:
    """Problems that must stop training: data check failures and unreachable answers."""
    problems, _ = check(files)
    found = [str(p) for p in problems]
    for path in files:
        for line, row in read_rows(path):
            if isinstance(row, BadRow) or "messages" not in row:
                continue
            if align(*pair(row)) is None:
                found.append(f"{path}:{line}: the answer cannot be made by tagging the fragment's words")
    return found
