"""The classifiers' held-out figures, computed one way for training reports and tests alike.

The rows are the held-out sets in ``bench/data`` (TEST pages and handwritten rows, never
trained on). The gate is scored against its label definition (does the processor alone type
what was meant?), the segmenter against the command span of each mixed row, and, for the
other levels that are not strict, on whether it keeps the whole utterance one command span
(what the engine relies on: the model removes wrappers, fillers and corrections itself).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from classifiers.data import gate_label
from classifiers.gate import Gate
from classifiers.segmenter import COMMAND, Segmenter
from classifiers.spacer import Spacer, spacer_examples
from processor import normalize_words

from .records import BadRow, read_rows

DATA = Path(__file__).resolve().parent / "data"
SETS = ("strict", "loose", "natural", "chaotic", "mixed", "voice", "handwritten")


def load_rows(data: Path = DATA) -> list[dict]:
    """Every held-out row, with ``set`` naming its file; raises on a row that does not parse."""
    rows = []
    for name in SETS:
        for line, row in read_rows(data / f"{name}.jsonl"):
            if isinstance(row, BadRow):
                raise row
            rows.append({**row, "set": name})
    return rows


def command_words(row: dict) -> list[bool]:
    """The gold label of each word: the span of a mixed row, none of prose, all of the rest."""
    n = len(row["dictated"].split())
    if row["difficulty"] != "mixed":
        return [True] * n
    if row.get("category") == "prose":
        return [False] * n
    start, end = row["span"]
    return [start <= k < end for k in range(n)]


def gate_figures(gate: Gate, rows: list[dict]) -> dict:
    """Accuracy against the label definition, strict rows sent to the model, errors by level."""
    predicted = gate.predict([r["dictated"] for r in rows])
    errors = Counter()
    strict_routed = []
    for row, p in zip(rows, predicted):
        if p != gate_label(row["dictated"], row["expected"]):
            errors[row["difficulty"]] += 1
            if row["difficulty"] == "strict":
                strict_routed.append(row["id"])
    return {"rows": len(rows), "accuracy": 1 - sum(errors.values()) / len(rows),
            "errors_by_level": dict(sorted(errors.items())),
            "strict_rows": sum(r["difficulty"] == "strict" for r in rows),
            "strict_routed": strict_routed}


def segmenter_figures(segmenter: Segmenter, rows: list[dict]) -> dict:
    """Word precision/recall/F1 on mixed rows, prose left alone, exact spans, whole spans."""
    counts = Counter()
    whole = Counter()
    levels = Counter()
    for row in rows:
        if row["difficulty"] == "strict":
            continue
        gold = command_words(row)
        labels = segmenter.labels(row["dictated"])
        if row["difficulty"] != "mixed":
            levels[row["difficulty"]] += 1
            whole[row["difficulty"]] += all(labels)
            continue
        source = row.get("source", "generated")
        counts["tp"] += sum(p and g for p, g in zip(labels, gold))
        counts["fp"] += sum(p and not g for p, g in zip(labels, gold))
        counts["fn"] += sum(g and not p for p, g in zip(labels, gold))
        if not any(gold):
            counts["prose"] += 1
            counts["prose_untouched"] += not any(labels)
        else:
            counts["commands"] += 1
            counts[f"commands_{source}"] += 1
            spans = [s for s in segmenter.segment(row["dictated"]) if s.kind == COMMAND]
            exact = len(spans) == 1 and [spans[0].start, spans[0].end] == _span(gold)
            counts["exact"] += exact
            counts[f"exact_{source}"] += exact
    precision = counts["tp"] / max(counts["tp"] + counts["fp"], 1)
    recall = counts["tp"] / max(counts["tp"] + counts["fn"], 1)
    return {
        "precision": precision, "recall": recall,
        "f1": 2 * precision * recall / max(precision + recall, 1e-12),
        "prose_only": counts["prose"], "prose_untouched": counts["prose_untouched"],
        "commands": counts["commands"], "exact_spans": counts["exact"] / counts["commands"],
        "exact_spans_by_source": {s: counts[f"exact_{s}"] / counts[f"commands_{s}"]
                                  for s in ("generated", "handwritten")
                                  if counts[f"commands_{s}"]},
        "whole_utterance": {lv: whole[lv] / levels[lv] for lv in sorted(levels)},
    }


def _span(gold: list[bool]) -> list[int]:
    start = gold.index(True)
    return [start, len(gold) - gold[::-1].index(True)]


def report(figures: dict) -> str:
    """The figures as a few lines of text."""
    g, s = figures["gate"], figures["segmenter"]
    lines = [
        f"gate       accuracy {g['accuracy']:.4f} on {g['rows']} held-out rows; strict rows "
        f"sent to the model: {len(g['strict_routed'])} of {g['strict_rows']}; errors by level: "
        f"{g['errors_by_level']}",
        f"segmenter  mixed words: precision {s['precision']:.4f} recall {s['recall']:.4f} "
        f"F1 {s['f1']:.4f}; prose-only untouched {s['prose_untouched']}/{s['prose_only']}; "
        f"exact command spans {s['exact_spans']:.3f} of {s['commands']} "
        + " ".join(f"({k} {v:.3f})" for k, v in s["exact_spans_by_source"].items()),
        "           whole utterance one command span: "
        + ", ".join(f"{k} {v:.3f}" for k, v in s["whole_utterance"].items()),
    ]
    return "\n".join(lines)


def spacer_figures(spacer: Spacer, rows: list[dict]) -> dict:
    """Per level, the share of held-out fragments whose every space choice is right and of
    the choices right, given the kept words of the row's protocol (the tagger's drops taken as
    right: this measures the spacer alone, without the tagger's log-odds)."""
    by_level: dict[str, Counter] = {}
    for row in rows:
        if row["difficulty"] in ("strict", "mixed") or not row.get("protocol"):
            continue
        pairs = [(normalize_words(row["dictated"]), row["protocol"].split())]
        for words, spaces in zip(*spacer_examples(pairs)):
            got = spacer.space_before(words)
            counts = by_level.setdefault(row["difficulty"], Counter())
            counts["fragments"] += 1
            counts["exact"] += got[1:] == spaces[1:]
            counts["choices"] += len(words) - 1
            counts["right"] += sum(a == b for a, b in zip(got[1:], spaces[1:]))
    return {level: {"fragments": c["fragments"], "exact": c["exact"] / c["fragments"],
                    "choices": c["right"] / max(c["choices"], 1)}
            for level, c in sorted(by_level.items())}


def spacer_report(figures: dict) -> str:
    """The spacer's figures as one line."""
    return "spacer     fragments with every space right (drops given): " + ", ".join(
        f"{level} {f['exact']:.3f} of {f['fragments']} (choices {f['choices']:.4f})"
        for level, f in figures.items())
