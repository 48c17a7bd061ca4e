"""The speaker's proof: how many filled corpus commands round-trip through speak and process.

``process(speak(c)) == c`` by construction whenever ``speak`` answers (it verifies itself), so
the figure that matters is the share of commands ``speak`` can answer at all, and the reasons
for the rest, grouped so that a person sees which kinds of command the protocol cannot say.
"""

from __future__ import annotations

import re
from collections import Counter

from processor import SpeakError, process, speak

from .corpus import commands

_POSITION = re.compile(r" at position \d+")
_QUOTED = re.compile(r"'.*'")


def failure_kind(error: SpeakError) -> str:
    """A reason without the specifics of the command (``'é' has no spoken form...``)."""
    message = _POSITION.sub("", str(error))
    if message.startswith("no protocol spelling"):
        return "a quoted word that reads as a protocol word"
    return message


_UNSPEAKABLE_SKIPS = {"non-ascii": "a character outside ASCII (no spoken form)",
                      "control": "a control character such as a tab (no spoken form)"}


def measure(seed: int = 0) -> dict:
    """Round-trip every fillable corpus command; the share that round-trips and why not.

    A row whose placeholders cannot be filled is not counted; a filled command with a
    character the protocol cannot say counts as a failure.
    """
    skipped: Counter[str] = Counter()
    filled = commands(seed=seed, skipped=skipped)
    reasons: Counter[str] = Counter()
    for skip, kind in _UNSPEAKABLE_SKIPS.items():
        if skipped[skip]:
            reasons[kind] = skipped[skip]
    samples: dict[str, list[str]] = {}
    ok = 0
    for _, command in filled:
        try:
            said = speak(command)
        except SpeakError as error:
            kind = failure_kind(error)
            reasons[kind] += 1
            samples.setdefault(kind, [])
            if len(samples[kind]) < 3:
                samples[kind].append(command)
            continue
        if process(said) != command:  # speak promises this; a failure here is a bug
            raise AssertionError(f"speak returned a spelling that does not round-trip: {command!r}")
        ok += 1
    fillable = len(filled) + sum(skipped[s] for s in _UNSPEAKABLE_SKIPS)
    return {
        "corpus_rows": len(filled) + sum(skipped.values()),
        "fillable": fillable,
        "round_trip": ok,
        "share": ok / fillable if fillable else 0.0,
        "failures": dict(reasons.most_common()),
        "examples": samples,
    }


def report(figures: dict) -> str:
    lines = [
        f"corpus rows {figures['corpus_rows']}, fillable {figures['fillable']}, "
        f"round-trip {figures['round_trip']} ({100 * figures['share']:.2f}% of fillable)",
    ]
    for kind, count in figures["failures"].items():
        lines.append(f"  {count:5d}  {kind}")
        for command in figures["examples"].get(kind, []):
            lines.append(f"           e.g. {command}")
    return "\n".join(lines)
