"""The handwritten evaluation set (bench/data/handwritten.jsonl): shape and consistency checks.

Every row is a hand-checked (dictated, expected) pair for one of the six input levels of
../shared/PROTOCOL.md section 2. Strict rows must render exactly with the protocol processor;
the other levels are what the engine as a whole is measured on.
"""

from __future__ import annotations

import json
import re
import shlex
from collections import Counter
from pathlib import Path

import pytest

import processor

DATA = Path(__file__).resolve().parent.parent / "bench" / "data" / "handwritten.jsonl"
LEVELS = ("strict", "loose", "natural", "chaotic", "mixed", "voice")
FIELDS = ("id", "difficulty", "dictated", "expected", "source")
MIN_PER_LEVEL = 45
MIN_PROSE = 12


def _load() -> list[dict]:
    rows = []
    with DATA.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            assert line.strip(), f"line {number} is blank"
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:  # pragma: no cover - reported as a failure
                pytest.fail(f"line {number} is not JSON: {exc}")
    return rows


ROWS = _load()
STRICT = [r for r in ROWS if r["difficulty"] == "strict"]


def test_every_row_has_the_fields():
    for row in ROWS:
        for field in FIELDS:
            assert isinstance(row.get(field), str) and row[field], (row.get("id"), field)
        assert row["difficulty"] in LEVELS, row["id"]
        assert row["source"] == "handwritten", row["id"]
        assert row["dictated"] == row["dictated"].strip(), row["id"]
        assert row["expected"] == row["expected"].strip(), row["id"]
        if "category" in row:
            assert row["category"] == "prose" and row["difficulty"] == "mixed", row["id"]


def test_ids_unique_and_well_formed():
    ids = [r["id"] for r in ROWS]
    assert len(ids) == len(set(ids))
    for row in ROWS:
        assert re.fullmatch(rf"hw-{row['difficulty']}-\d{{3}}", row["id"]), row["id"]


@pytest.mark.parametrize("level", LEVELS)
def test_enough_rows_per_level(level):
    assert sum(r["difficulty"] == level for r in ROWS) >= MIN_PER_LEVEL


def test_enough_prose_only_rows():
    assert sum(r.get("category") == "prose" for r in ROWS) >= MIN_PROSE


@pytest.mark.parametrize("row", STRICT, ids=[r["id"] for r in STRICT])
def test_strict_rows_render_exactly(row):
    assert processor.process(row["dictated"]) == row["expected"]


def test_strict_rows_say_space_between_arguments():
    for row in STRICT:
        if " " in row["expected"].replace('"', "").replace("'", ""):
            assert " space " in f" {row['dictated']} ", row["id"]


def test_loose_rows_never_say_space():
    for row in ROWS:
        if row["difficulty"] == "loose":
            assert "space" not in row["dictated"].lower().split(), row["id"]


def test_no_identity_pairs_except_prose():
    for row in ROWS:
        identity = row["dictated"] == row["expected"]
        assert identity == (row.get("category") == "prose"), row["id"]


def test_no_duplicate_pairs():
    pairs = Counter((r["dictated"], r["expected"]) for r in ROWS)
    assert [p for p, n in pairs.items() if n > 1] == []
    dictated = Counter(r["dictated"] for r in ROWS)
    assert [d for d, n in dictated.items() if n > 1] == []


def test_expected_commands_are_shell_parsable():
    for row in ROWS:
        if row["difficulty"] != "mixed":
            shlex.split(row["expected"])  # balanced quotes, no stray escapes
