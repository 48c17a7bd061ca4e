"""The model's output: one edit tag per input word, and how tags become protocol words.

Generating protocol text token by token costs ~65 ms a token on this CPU; tagging every
input word in one forward pass costs about as much as a single token. The processor already
solves everything inside a shell word, so the model's job reduces to four choices per word:
drop it (filler, wrapper, a corrected mistake), keep it, keep it with ``space`` before it,
or replace it from a closed list (a recogniser's homophone: ``to`` -> ``two``).

Because the answer is built only from input words, ``space`` and the closed list, an answer
can never contain an unexplained invention.
"""

from __future__ import annotations

from processor.speech import HOMOPHONES
from processor.vocabulary import SPACE

REPLACEMENTS: dict[str, str] = {heard: meant for meant, heards in HOMOPHONES.items() for heard in heards}
"""The closed replacement list: a word a recogniser writes -> the protocol word meant."""

_TARGETS = tuple(sorted(set(REPLACEMENTS.values())))
TAGS: tuple[str, ...] = ("drop", "keep", "space keep") + tuple(
    f"{space}replace {word}" for space in ("", "space ") for word in _TARGETS)
"""Every tag, by index: the classes of the model's head."""
TAG_INDEX = {tag: k for k, tag in enumerate(TAGS)}


def tagged_word(word: str, tag: str) -> str:
    """The protocol word a kept word's tag types: the word itself, or its replacement."""
    tag = tag.removeprefix("space ")
    return tag[len("replace "):] if tag.startswith("replace ") else word


def tags_to_protocol(words: list[str], tags: list[str]) -> list[str]:
    """The protocol words the tags make of the input words.

    A ``space`` at the start or the end, or right after another one, separates nothing a
    command means: it is left out (a flagged word after a kept spoken ``space`` whose
    neighbour was dropped, ``space uh pods``, gets one space, not two).
    """
    out: list[str] = []
    for word, tag in zip(words, tags):
        if tag == "drop":
            continue
        if tag.startswith("space "):
            out.append(SPACE)
        out.append(tagged_word(word, tag))
    return [w for k, w in enumerate(out)
            if w != SPACE or (0 < k < len(out) - 1 and out[k - 1] != SPACE)]


def align(words: list[str], protocol: list[str]) -> list[str] | None:
    """The tags that turn ``words`` into ``protocol``, or None if no tagging does.

    Of all the taggings that do, the one with the fewest runs of dropped words: a correction
    drops the wrong unit and the correction phrase together (``git push origin [origin no wait]
    main``), not a word here and a word there. Among those, words are dropped as early as
    possible: a correction says the right version after the wrong one, and a restart says the
    whole command after the abandoned start, so the later occurrence of a repeated word is the
    one kept. A protocol ``space`` matches a spoken ``space`` when one stands there, and
    otherwise becomes the ``space`` flag of the word after it. The labels are the training
    targets, so one consistent choice among equivalent taggings matters.
    """
    n, m = len(words), len(protocol)
    impossible = n + 1
    # runs[i][j][pending][dropped]: the fewest drop runs that finish from word i, protocol
    # word j, with a protocol ``space`` waiting for the next kept word (pending) and the
    # previous word dropped (dropped); ``impossible`` where no tagging finishes.
    runs = [[[[impossible] * 2 for _ in range(2)] for _ in range(m + 1)] for _ in range(n + 1)]
    runs[n][m][0] = [0, 0]

    def options(i: int, j: int, pending: int, dropped: int):
        """(tag or None for a space flag, next state, added runs), in order of preference."""
        yield "drop", (i + 1, j, pending, 1), 1 - dropped
        if j < m:
            p = protocol[j]
            if p == SPACE and not pending and words[i] != SPACE:
                yield None, (i, j + 1, 1, dropped), 0
            if (words[i] == p or REPLACEMENTS.get(words[i]) == p) and not (pending and p == SPACE):
                tag = "keep" if words[i] == p else f"replace {p}"
                yield ("space " if pending else "") + tag, (i + 1, j + 1, 0, 0), 0

    for i in range(n - 1, -1, -1):
        for j in range(m, -1, -1):  # a space flag moves to j + 1 at the same i: fill j + 1 first
            for pending in (1, 0):
                for dropped in (0, 1):
                    runs[i][j][pending][dropped] = min(
                        (runs[a][b][c][d] + cost for _, (a, b, c, d), cost in options(i, j, pending, dropped)),
                        default=impossible)
    if runs[0][0][0][0] >= impossible:
        return None
    tags: list[str] = []
    state = (0, 0, 0, 0)
    while state[0] < n:
        target = runs[state[0]][state[1]][state[2]][state[3]]
        for tag, (a, b, c, d), cost in options(*state):
            if runs[a][b][c][d] + cost == target:
                if tag is not None:
                    tags.append(tag)
                state = (a, b, c, d)
                break
    return tags
