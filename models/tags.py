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

from processor.vocabulary import SPACE

from bench.levels import HOMOPHONES

REPLACEMENTS: dict[str, str] = {heard: meant for meant, heards in HOMOPHONES.items() for heard in heards}
"""The closed replacement list: a word a recogniser writes -> the protocol word meant."""

_TARGETS = tuple(sorted(set(REPLACEMENTS.values())))
TAGS: tuple[str, ...] = ("drop", "keep", "space keep") + tuple(
    f"{space}replace {word}" for space in ("", "space ") for word in _TARGETS)
"""Every tag, by index: the classes of the model's head."""
TAG_INDEX = {tag: k for k, tag in enumerate(TAGS)}


def tags_to_protocol(words: list[str], tags: list[str]) -> list[str]:
    """The protocol words the tags make of the input words."""
    out: list[str] = []
    for word, tag in zip(words, tags):
        if tag == "drop":
            continue
        if tag.startswith("space "):
            out.append(SPACE)
            tag = tag[len("space "):]
        out.append(tag[len("replace "):] if tag.startswith("replace ") else word)
    return out


def align(words: list[str], protocol: list[str]) -> list[str] | None:
    """The tags that turn ``words`` into ``protocol``, or None if no tagging does.

    Aligns from the right: a correction says the right version after the wrong one, and a
    restart says the whole command after the abandoned start, so the later occurrence of a
    repeated word is the one kept. A protocol ``space`` matches a spoken ``space`` when one
    stands there, and otherwise becomes the ``space`` flag of the word after it.
    """
    tags = ["drop"] * len(words)
    i = len(words) - 1
    last_kept = None
    for p in reversed(protocol):
        if p == SPACE and not (i >= 0 and words[i] == SPACE):
            if last_kept is None or tags[last_kept].startswith("space "):
                return None
            tags[last_kept] = "space " + tags[last_kept]
            continue
        while i >= 0 and words[i] != p and REPLACEMENTS.get(words[i]) != p:
            i -= 1
        if i < 0:
            return None
        tags[i] = "keep" if words[i] == p else f"replace {p}"
        last_kept = i
        i -= 1
    return tags
