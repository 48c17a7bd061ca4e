"""The frozen, hand-written evaluation set (bench/frozen/people.jsonl): frozen and consistent.

The set was written by a person before any engine change for generalisation and must never
be edited to suit the engine, so its hash is pinned here; the other checks make sure it is
well formed and that its command parts are what the protocol types.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path

import processor
from bench.datacheck import check

DATA = Path(__file__).resolve().parent.parent / "bench" / "frozen" / "people.jsonl"
SHA256 = "1b32fc461a24420260f63e8a6bff53854acdcdd9537bcb8cf6afaa8e9fef5616"
FIELDS = ("id", "difficulty", "voice", "dictated", "expected", "mode", "from_recogniser",
          "category")
MINIMUM = {"strict": 60, "loose": 70, "natural": 90, "chaotic": 90, "mixed": 70, "voice": 40}
MIN_PROSE, MIN_TYPED_CASE, MIN_ROWS = 15, 60, 420
CATEGORIES = {"quoting", "casing", "numbers", "operators", "paths", "flags", "plain", "config",
              "regex", "json", "prose"}
VOICES = {"hurried-engineer", "tutorial-reader", "thinking-aloud", "config-dictator",
          "regex-json-globs", "paths-with-capitals", "non-native", "pair-programmer"}


def _rows() -> list[dict]:
    lines = DATA.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


ROWS = _rows()


def test_file_is_frozen():
    digest = hashlib.sha256(DATA.read_bytes()).hexdigest()
    assert digest == SHA256, "bench/frozen/people.jsonl changed; the frozen set is never edited"


def test_rows_have_the_fields_and_are_unique():
    for row in ROWS:
        for field in FIELDS:
            assert field in row, (row.get("id"), field)
        assert row["difficulty"] in MINIMUM, row["id"]
        assert row["voice"] in VOICES, row["id"]
        assert row["category"] in CATEGORIES, row["id"]
        assert row["mode"] == ("text" if row["difficulty"] == "mixed" else "command"), row["id"]
        assert row["from_recogniser"] is (row["difficulty"] == "voice"), row["id"]
        assert row["dictated"].strip() and row["expected"].strip(), row["id"]
    assert [r["id"] for r in ROWS] == [f"people-{k:04d}" for k in range(1, len(ROWS) + 1)]
    dictated = Counter(r["dictated"] for r in ROWS)
    assert [d for d, n in dictated.items() if n > 1] == []


def test_protocol_renders_the_command():
    for row in ROWS:
        if row["category"] == "prose":
            assert "protocol" not in row, row["id"]
            continue
        rendered = processor.process(row["protocol"])
        if row["mode"] == "command":
            assert rendered == row["expected"], row["id"]
        else:
            assert rendered in row["expected"], row["id"]
            start, end = row["span"]
            words = row["dictated"].split()
            assert " ".join(words[:start] + [rendered] + words[end:]) == row["expected"], row["id"]


def test_prose_rows_come_back_unchanged():
    prose = [r for r in ROWS if r["category"] == "prose"]
    assert len(prose) >= MIN_PROSE
    for row in prose:
        assert row["difficulty"] == "mixed" and row["dictated"] == row["expected"], row["id"]


def test_level_counts_meet_the_minimums():
    counts = Counter(r["difficulty"] for r in ROWS)
    for level, least in MINIMUM.items():
        assert counts[level] >= least, (level, counts[level])
    assert len(ROWS) >= MIN_ROWS


def test_enough_rows_rely_on_typed_case():
    """A row relies on typed case when its protocol, lower-cased, no longer types it."""
    def relies(row: dict) -> bool:
        if row["from_recogniser"] or "protocol" not in row:
            return False
        return processor.process(row["protocol"].lower()) not in row["expected"]

    assert sum(map(relies, ROWS)) >= MIN_TYPED_CASE


def test_passes_data_check():
    problems, counts = check([DATA])
    assert [str(p) for p in problems] == []
    assert counts[str(DATA)] == len(ROWS)
