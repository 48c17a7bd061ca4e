"""Slip repair: put the words a recogniser misheard back into dictation words.

A small recogniser hears protocol dictation through its English prior: ``push`` comes out as
``bush``, ``ls`` as ``let's``, ``dash`` as ``hash``, ``terraform`` as ``terra form``. What is
known about the input undoes much of that: the words people dictate are overwhelmingly
protocol words (``processor.vocabulary``), letters, numbers, and the command names,
subcommands and flag words of the shell, which ``lexicon.txt`` lists (built from the *train*
pages of the tldr corpus only, by ``bench.voice.write_lexicon``; no held-out page's words).

``Lexicon.alternatives(words)`` proposes edits: a heard word replaced by known words that sound
like it (``sound_key``: a coarse phonetic spelling, voicing and vowels folded), two heard words
joined into one known word (``car go`` -> ``cargo``), a filler dropped. The recogniser checks
each edit against the audio (``engine.recognizer``) and keeps only those the audio supports.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Sequence
from pathlib import Path

from processor.vocabulary import NUMBER_WORDS, PROTOCOL_WORDS

LEXICON_PATH = Path(__file__).with_name("lexicon.txt")

LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz")
# How an English recogniser writes a spelled letter.
LETTER_NAMES = {
    "ay": "a", "be": "b", "bee": "b", "see": "c", "sea": "c", "dee": "d", "ee": "e", "eff": "f",
    "gee": "g", "aitch": "h", "age": "h", "eye": "i", "jay": "j", "kay": "k", "el": "l",
    "em": "m", "en": "n", "oh": "o", "pee": "p", "pea": "p", "queue": "q", "cue": "q", "are": "r",
    "ar": "r", "es": "s", "ess": "s", "tee": "t", "tea": "t", "you": "u", "vee": "v",
    "ex": "x", "why": "y", "zed": "z", "zee": "z",
}
FILLERS = frozenset({"the", "uh", "um", "ah", "er", "hmm"})
"""Words a recogniser adds before a word it cannot place; no dictation says them."""

_PROTOCOL = frozenset(w for w in PROTOCOL_WORDS if " " not in w)


@functools.lru_cache(maxsize=4096)
def sound_key(word: str) -> str:
    """A coarse phonetic spelling: similar-sounding words get equal or close keys.

    Consonant digraphs become one sound, voiced and unvoiced pairs fold together (b/p, d/t,
    g/k/c/q, v/f, z/s), vowels after the first letter go, and doubled sounds collapse:
    ``push`` and ``bush`` are both ``PS``, ``git`` and ``good`` are ``KT``.
    """
    w = re.sub(r"[^a-z]", "", word.lower())
    if not w:
        return ""
    for a, b in (("tch", "C"), ("sch", "S"), ("ph", "f"), ("sh", "S"), ("ch", "C"),
                 ("th", "0"), ("ck", "k"), ("qu", "kw"), ("wh", "w"), ("gh", "g"),
                 ("x", "ks"), ("ce", "se"), ("ci", "si"), ("cy", "sy")):
        w = w.replace(a, b)
    first_vowel = w[0] in "aeiouy"
    fold = str.maketrans({"b": "p", "d": "t", "g": "k", "c": "k", "q": "k", "v": "f",
                          "z": "s", "j": "C", "S": "S", "C": "C"})
    w = w.translate(fold)
    out = "A" if first_vowel else w[0]
    for ch in w[1:]:
        if ch in "aeiouyhw":
            continue
        if ch != out[-1]:
            out += ch
    return out.upper()


def _deletions(key: str) -> set[str]:
    return {key[:k] + key[k + 1:] for k in range(len(key))}


def edit_distance(a: Sequence, b: Sequence) -> int:
    """Levenshtein distance between two strings (letters) or two lists (words)."""
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


class Lexicon:
    """The words dictation is made of, with how often the shell's corpus uses each."""

    def __init__(self, counts: dict[str, int] | None = None):
        counts = dict(counts) if counts is not None else load_counts()
        self.counts = counts
        self.protocol = _PROTOCOL | set(NUMBER_WORDS)
        self.known = set(counts) | self.protocol | LETTERS
        self._by_key: dict[str, set[str]] = {}
        self._by_deletion: dict[str, set[str]] = {}
        for word in self.known:
            if len(word) < 2:
                continue  # letters come from LETTER_NAMES, never by sound
            key = sound_key(word)
            self._by_key.setdefault(key, set()).add(word)
            for shorter in _deletions(key):
                self._by_deletion.setdefault(shorter, set()).add(word)

    def prior(self, word: str) -> float:
        """How much more likely a dictated word is than an unknown one (log scale)."""
        if word in self.protocol:
            return 3.0
        if word in LETTERS:
            return 1.0
        count = self.counts.get(word, 0)
        return 1.0 + math.log10(count) if count else 0.0

    def similar(self, heard: str) -> list[str]:
        """Known words whose sound key is within one edit of ``heard``'s, best first."""
        if heard in LETTER_NAMES:
            return [LETTER_NAMES[heard]]
        key = sound_key(heard)
        if len(key) < 2:
            return []
        found = set(self._by_key.get(key, ()))
        found |= self._by_deletion.get(key, set())
        for shorter in _deletions(key):
            found |= self._by_key.get(shorter, set())
            found |= self._by_deletion.get(shorter, set())
        found.discard(heard)
        scored = []
        for word in found:
            distance = edit_distance(sound_key(word), key)
            if distance > 1 or (len(key) <= 2 and distance and word not in self.protocol):
                continue
            closeness = distance + 0.1 * edit_distance(word, heard)
            scored.append((closeness - 0.5 * self.prior(word), word))
        return [w for _, w in sorted(scored)]

    def alternatives(self, words: list[str], limit: int = 3) -> list[tuple[int, int, list[str]]]:
        """``(start, end, replacement)`` edits worth checking against the audio: for each
        heard word the closest-sounding known words (protocol words only for a protocol
        word), and two heard words joined into one known word."""
        edits = []
        for k, word in enumerate(words):
            if k + 1 < len(words) and word + words[k + 1] in self.known - self.protocol:
                edits.append((k, k + 2, [word + words[k + 1]]))
            if word in FILLERS and len(words) > 1:
                edits.append((k, k + 1, []))
            options = self.similar(word)
            if word in self.protocol:
                options = [w for w in options if w in self.protocol]
            edits += [(k, k + 1, [w]) for w in options[:limit]]
        return edits


def load_counts(path: Path = LEXICON_PATH) -> dict[str, int]:
    """``word count`` lines of the shipped lexicon; an empty lexicon if the file is missing."""
    if not path.is_file():
        return {}
    counts = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            word, _, count = line.partition(" ")
            counts[word] = int(count or 1)
    return counts


@functools.lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    return Lexicon()
