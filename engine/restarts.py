"""False starts taken back: the words a person said and then replaced by saying it again.

People correct a command by starting over: ``git checkout main actually git checkout dash b
hotfix``, ``make build I mean make test``, ``git git status``, ``ls dash la scratch that du
dash sh star``. PROTOCOL.md (section 2) says a restart drops everything before it and a
correction replaces what it corrects. Two forms of that need no model, because the words
themselves say where the new attempt begins:

- a **restatement**: after correction or filler words (``actually``, ``no wait``, ``I mean``,
  ``you know``...), the utterance's first word again (``sudo`` or not), or after a
  correction, two or more words said before it again (``dash dash soft no wait dash dash
  hard``; the start that shares the most words, the nearest of equals);
  a stuttered first word at the very start counts too;
- a **restart phrase** (``scratch that``, ``never mind``...) with words on both sides.

``take_back`` finds the last such point; the engine drops the false start with its correction
words before anything else runs, and converts the rest. A correction of one part (``dash i no
wait dash r``) is left to the model, which learns it from the level generators.
"""

from __future__ import annotations

from processor.speech import CORRECTIONS, FILLERS, RESTARTS, is_hesitation
from processor.vocabulary import NUMBER_WORDS, PROTOCOL_WORDS

_CORRECTING = frozenset(tuple(p.lower().split()) for p in (*CORRECTIONS, *RESTARTS))
_MARKERS = sorted(_CORRECTING | {tuple(p.lower().split()) for p in (*FILLERS, "just", "no", "wait")},
                  key=len, reverse=True)
"""Word runs that may stand between a false start and its restatement, longest first. A bare
``no`` or ``wait`` is a marker but no correction: ``no`` is also a word of commands
(``dash dash no dash block``)."""
_LAST_WORDS = frozenset(marker[-1] for marker in _MARKERS)
_RESTART_PHRASES = tuple(tuple(p.lower().split()) for p in RESTARTS)
_NEGATIONS = frozenset({"don't", "dont", "not", "never", "to"})
"""A word before a restart phrase that makes it plain speech (``don't forget that``)."""
_NOT_A_STUTTER = frozenset(PROTOCOL_WORDS) | frozenset(NUMBER_WORDS)
"""Words said twice on purpose (``dot dot``, ``one one``): never a stutter."""


def _marker_ending_at(words: list[str], k: int) -> tuple[str, ...] | None:
    """The marker (``_MARKERS``, or a hesitation sound however spelt) that ends at ``k``."""
    found = next((m for m in _MARKERS if k >= len(m) and tuple(words[k - len(m):k]) == m), None)
    return found or ((words[k - 1],) if k and is_hesitation(words[k - 1]) else None)


def _markers_before(words: list[str], end: int) -> tuple[int, bool]:
    """Where the run of correction and filler words that ends at ``end`` begins, and whether
    it holds a correction (fillers alone do not correct anything)."""
    k, correcting = end, False
    while marker := _marker_ending_at(words, k):
        k -= len(marker)
        correcting = correcting or marker in _CORRECTING
    return k, correcting


def _markers_after(words: list[str], start: int) -> bool:
    """Whether correction or filler words begin at ``start``."""
    return (any(tuple(words[start:start + len(m)]) == m for m in _MARKERS)
            or (start < len(words) and is_hesitation(words[start])))


def _restatement(words: list[str], p: int) -> int | None:
    """Where the false start that ``words[p:]`` says again begins, if it does."""
    first, correcting = _markers_before(words, p)
    if words[p] in _NOT_A_STUTTER and not correcting:
        return None  # ``dash dash a um dash dash b``: a filler between two parts
    if first == p:  # no correction words: only a stutter of the first word, not corrected
        stutter = p == 1 and words[0] == words[1]  # (``lando lando no wait start``)
        return 0 if stutter and not _markers_after(words, 2) else None
    if correcting:  # the earlier start saying the most of the same words (nearest on ties)
        matches = [(_shared(words, s, p, first), s) for s in range(first)]
        length, start = max(matches, default=(0, 0))
        if length >= 2:
            return start
    return 0 if first > 0 and _program(words, 0) == _program(words, p) else None


def _shared(words: list[str], s: int, p: int, end: int) -> int:
    """How many words from ``s`` (before ``end``) say the same as the words from ``p``."""
    n = 0
    while s + n < end and p + n < len(words) and words[s + n] == words[p + n]:
        n += 1
    return n


def _program(words: list[str], k: int) -> str:
    """The command word at ``k``: after ``sudo`` if it starts there (``sudo systemctl`` and
    ``systemctl`` start the same command)."""
    return words[k + 1] if words[k] == "sudo" and k + 1 < len(words) else words[k]


def _restart_phrase(words: list[str], p: int) -> bool:
    """Whether a restart phrase ends just before ``p``, with words said before it."""
    for phrase in _RESTART_PHRASES:
        start = p - len(phrase)
        if start >= 1 and tuple(words[start:p]) == phrase and words[start - 1] not in _NEGATIONS:
            return True
    return False


def take_back(words: list[str]) -> tuple[int, int] | None:
    """``(start, end)``: the words ``words[start:end]`` a person took back (the false start
    and the correction words after it), or None. ``words`` are normalised (lower case)."""
    for p in range(len(words) - 1, 0, -1):
        if p > 1 and words[p - 1] not in _LAST_WORDS and not is_hesitation(words[p - 1]):
            continue  # no marker ends here and no stutter: the common case, one lookup
        if _restart_phrase(words, p):
            return 0, p
        start = _restatement(words, p)
        if start is not None:
            return start, p
    return None
