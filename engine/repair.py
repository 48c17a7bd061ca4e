"""Slip repair: put the words a recogniser misheard back into dictation words.

A small recogniser hears protocol dictation through its English prior: ``push`` comes out as
``bush``, ``ls`` as ``let's``, ``dash`` as ``hash``, ``terraform`` as ``terra form``. What is
known about the input undoes much of that, from three files built from the *train* pages of
the tldr corpus only (no held-out page's words), each by a function of ``bench.voice``:

- ``lexicon.txt`` (``write_lexicon``): the command names, subcommands and flag words of the
  shell, with their counts and how many commands each starts; with the protocol words
  (``processor.vocabulary``), letters and numbers, the words people dictate. A dictation's
  first word (after ``sudo``) is its program's name, so there a word is as likely as the
  share of commands it starts (``casual`` is heard for ``kaggle``, which starts 21).
- ``bigrams.txt`` (``write_bigrams``): how often each word class follows another in the
  strict and loose dictations of train-page commands (each protocol word is a class, then
  letters and other words). ``Lexicon.score`` reads a dictation's likelihood from it:
  ``dash`` comes before a letter, ``hash`` hardly ever; no dictation starts with ``space``
  or ends on ``capital`` (``can_start``, ``can_end``).
- ``confusions.txt`` (``write_confusions``): what this recogniser (tiny.en, hearing espeak-ng)
  was seen to write for other words several times (``pseudo`` or ``to go`` for ``sudo``).

``Lexicon.alternatives(words)`` proposes edits: a known confusion, a heard word replaced by
known words that sound like it (``sound_key``: a coarse phonetic spelling, voicing and vowels
folded), two heard words joined into one known word spelled or sounding like them (``car
go`` -> ``cargo``, ``terra forum`` -> ``terraform``), a filler dropped. The recogniser checks
each edit against the audio (``engine.recognizer``) and keeps only those the audio and the
dictation score together support. ``spell_flags`` needs no audio: where dictation spells
(after a single dash or ``capital``), a letter's name is the letter.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from processor.speech import is_hesitation
from processor.vocabulary import NUMBER_WORDS, PROTOCOL_WORDS, SYMBOL_PHRASES

LEXICON_PATH = Path(__file__).with_name("lexicon.txt")
BIGRAMS_PATH = Path(__file__).with_name("bigrams.txt")
CONFUSIONS_PATH = Path(__file__).with_name("confusions.txt")
START, END, LETTER, WORD = "<s>", "</s>", "<letter>", "<word>"
"""Word classes of the dictation model besides the protocol words, each its own class."""

LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz")
# How an English recogniser writes a spelled letter.
LETTER_NAMES = {
    "ay": "a", "be": "b", "bee": "b", "see": "c", "sea": "c", "dee": "d", "the": "d", "ee": "e",
    "eff": "f", "gee": "g", "aitch": "h", "age": "h", "eye": "i", "jay": "j", "kay": "k",
    "el": "l", "em": "m", "en": "n", "oh": "o", "pee": "p", "pea": "p", "queue": "q", "cue": "q",
    "are": "r", "ar": "r", "es": "s", "ess": "s", "tee": "t", "tea": "t", "you": "u", "vee": "v",
    "we": "v", "ex": "x", "why": "y", "zed": "z", "zee": "z",
}
SMOOTHING = 2.0
"""Weight of a class's overall share in its probability after a given class (unseen pairs)."""
MIN_START_SHARE, MIN_END_SHARE = 0.002, 0.01
"""A word class that starts fewer than this share of dictations cannot start one; one that
ends fewer than this share of its uses cannot end one."""
DASHES = frozenset(p[0] for p, text in SYMBOL_PHRASES.items() if text == "-" and len(p) == 1)
PROGRAM_OPTIONS = 10
"""How many programs sounding like the word heard at the program's place are proposed."""
PROGRAM_JOIN = 3
"""At most how many heard words are joined into one program's name (``km tp fs`` -> ``jmtpfs``);
elsewhere two."""
PROGRAM_LEAD = frozenset({"sudo", "space"})
"""Words a dictation may say before its program's name."""
DOUBLE_U = frozenset({"u", "you"})
"""``double u``: the one letter name of two words (``w``)."""
RECOGNISER_INSERTIONS = frozenset({"the"})
"""A word a recogniser adds before a word it cannot place (besides hesitation sounds); no
dictation says it."""

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
    """The words dictation is made of, with how often the shell's corpus uses each, how
    their classes follow each other in dictation, and what the recogniser writes for them."""

    def __init__(self, counts: dict[str, int] | None = None,
                 bigrams: dict[tuple[str, str], int] | None = None,
                 confusions: dict[tuple[str, ...], list[tuple[str, ...]]] | None = None,
                 starts: dict[str, int] | None = None):
        if counts is None:
            counts, starts = load_lexicon()
        self.starts = dict(starts or {})
        self._programs = sum(self.starts.values()) + len(self.starts) + 1
        bigrams = dict(bigrams) if bigrams is not None else load_bigrams()
        self.confusions = dict(confusions) if confusions is not None else load_confusions()
        self.counts = dict(counts)
        self.protocol = _PROTOCOL | set(NUMBER_WORDS)
        self.known = set(counts) | self.protocol | LETTERS
        self._follow: dict[str, Counter] = {}
        arrivals: Counter = Counter()
        for (previous, word_class), count in bigrams.items():
            self._follow.setdefault(previous, Counter())[word_class] = count
            arrivals[word_class] += count
        self._after = {previous: sum(f.values()) for previous, f in self._follow.items()}
        classes = self.protocol | {LETTER, WORD, END}
        self._class_share = {c: (arrivals[c] + 1) / (sum(arrivals.values()) + len(classes))
                             for c in classes}
        self._words = sum(counts.values()) + len(counts) + 1
        self._by_key: dict[str, set[str]] = {}
        self._by_deletion: dict[str, set[str]] = {}
        for word in self.known:
            if len(word) < 2:
                continue  # letters come from LETTER_NAMES, never by sound
            key = sound_key(word)
            self._by_key.setdefault(key, set()).add(word)
            for shorter in _deletions(key):
                self._by_deletion.setdefault(shorter, set()).add(word)

    def prior(self, word: str, program: bool = False) -> float:
        """How much more likely a dictated word is than an unknown one (log scale); as a
        program's name (``program``), by how many commands it starts."""
        if word in self.protocol:
            return 3.0
        if word in LETTERS:
            return 1.0
        count = (self.starts if program else self.counts).get(word, 0)
        return 1.0 + math.log10(count) if count else 0.0

    def word_class(self, word: str) -> str:
        """A protocol word is its own class; other words are letters or shell words."""
        if word in self.protocol:
            return word
        return LETTER if word in LETTERS else WORD

    def score(self, words: Sequence[str]) -> float:
        """Log-probability of ``words`` as a whole dictation: how likely each word's class is
        after the one before (``bigrams.txt``: ``hash`` rarely comes before a letter, ``dash``
        often; nothing ends on ``capital``), times the word's share of its class."""
        total, previous, program = 0.0, START, program_place(words)
        for k, word in enumerate([*words, END]):
            word_class = END if word == END else self.word_class(word)
            seen = self._follow.get(previous, {}).get(word_class, 0)
            total += math.log((seen + SMOOTHING * self._class_share[word_class])
                              / (self._after.get(previous, 0) + SMOOTHING))
            if word_class == LETTER:
                total -= math.log(len(LETTERS))
            elif word_class == WORD and k == program and self.starts:
                total += math.log((self.starts.get(word, 0) + 1) / self._programs)
            elif word_class == WORD:
                total += math.log((self.counts.get(word, 0) + 1) / self._words)
            previous = word_class
        return total

    def can_start(self, word: str) -> bool:
        """Whether a dictation may start with ``word``: not with ``space``, ``dash``..."""
        return self._common(START, self.word_class(word), MIN_START_SHARE)

    def can_end(self, word: str) -> bool:
        """Whether a dictation may end on ``word``: not on ``space``, ``capital``, ``dash``..."""
        return self._common(self.word_class(word), END, MIN_END_SHARE)

    def _common(self, previous: str, word_class: str, share: float) -> bool:
        """Whether ``word_class`` follows ``previous`` at least ``share`` of the time in the
        bigrams (true when they know nothing of ``previous``)."""
        after = self._after.get(previous)
        return not after or self._follow[previous][word_class] >= share * after

    def similar(self, heard: str, program: bool = False) -> list[str]:
        """Known words whose sound key is within one edit of ``heard``'s (exactly it for a
        key of two sounds, but for protocol words), best first; as a program's name
        (``program``), only words that start commands, short keys within one edit too."""
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
        if program and self.starts:
            found = {word for word in found if self.starts.get(word)}
        scored = []
        for word in found:
            distance = edit_distance(sound_key(word), key)
            if distance > 1 or (len(key) <= 2 and distance and word not in self.protocol
                                and not program):
                continue
            closeness = distance + 0.1 * edit_distance(word, heard)
            scored.append((closeness - 0.5 * self.prior(word, program), word))
        return [w for _, w in sorted(scored)]

    def alternatives(self, words: list[str], limit: int = 3) -> list[tuple[int, int, list[str]]]:
        """``(start, end, replacement)`` edits worth checking against the audio: what the
        recogniser is known to write for other words (``confusions.txt``: ``to go`` for
        ``sudo``), and for each heard word the closest-sounding known words (protocol words
        only for a protocol word, programs only at the program's place), and two heard words
        joined into one known word, spelled (``car go``) or sounding (``terra forum`` ->
        ``terraform``) like it, never across a protocol word; at the program's place up to
        three, protocol words too (``our back`` -> ``rbac``)."""
        edits: dict[tuple[int, int, tuple[str, ...]], None] = {}
        program = program_place(words)
        for k, word in enumerate(words):
            width = PROGRAM_OPTIONS if k == program else limit
            joins = PROGRAM_JOIN if k == program else 2
            for end in (k + 1, k + 2)[:len(words) - k]:
                for meant in self.confusions.get(tuple(words[k:end]), ()):
                    edits[(k, end, meant)] = None
            for end in range(k + 2, min(len(words), k + joins) + 1):
                joined = "".join(words[k:end])
                if joined in self.known - self.protocol:
                    edits[(k, end, (joined,))] = None
                elif not set(words[k:end]) & (PROGRAM_LEAD if k == program else self.protocol):
                    edits.update(((k, end, (w,)), None)
                                 for w in self.similar(joined, k == program)[:width])
            if (word in RECOGNISER_INSERTIONS or is_hesitation(word)) and len(words) > 1:
                edits[(k, k + 1, ())] = None
            options = self.similar(word, k == program)
            if word in self.protocol:
                options = [w for w in options if w in self.protocol]
            edits.update(((k, k + 1, (w,)), None) for w in options[:width])
        return [(a, b, list(new)) for a, b, new in edits]


def program_place(words: Sequence[str]) -> int | None:
    """Where a dictation names its program: the first word but ``sudo`` and ``space``."""
    return next((k for k, word in enumerate(words) if word not in PROGRAM_LEAD), None)


def spell_flags(words: list[str]) -> list[str]:
    """Letter names as the letters they name where dictation spells: right after a single
    dash (a short flag: ``dash age`` -> ``dash h``), after ``capital``, and on through the
    letters that follow (``dash ex zed`` -> ``dash x z``; ``double u`` -> ``w``). In the
    dictations of the train pages, over 99% of the words said there are single letters."""
    out: list[str] = []
    spelling = False
    k = 0
    while k < len(words):
        word = words[k]
        if spelling and word == "double" and k + 1 < len(words) and words[k + 1] in DOUBLE_U:
            word, k = "w", k + 1
        elif spelling:
            word = LETTER_NAMES.get(word, word)
        single_dash = word in DASHES and not (out and out[-1] in DASHES | {"double"})
        spelling = single_dash or word == "capital" or (spelling and word in LETTERS)
        out.append(word)
        k += 1
    return out


def load_lexicon(path: Path = LEXICON_PATH) -> tuple[dict[str, int], dict[str, int]]:
    """``word count starts`` lines of the shipped lexicon, as (counts, starts); an empty
    lexicon if the file is missing."""
    counts: dict[str, int] = {}
    starts: dict[str, int] = {}
    if not path.is_file():
        return counts, starts
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            word, count, started = line.split()
            counts[word] = int(count)
            if int(started):
                starts[word] = int(started)
    return counts, starts


def load_bigrams(path: Path = BIGRAMS_PATH) -> dict[tuple[str, str], int]:
    """``previous next count`` lines of the shipped class bigrams; none if the file is
    missing (then every class is equally likely after any other)."""
    if not path.is_file():
        return {}
    bigrams = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            previous, word_class, count = line.split()
            bigrams[(previous, word_class)] = int(count)
    return bigrams


def load_confusions(path: Path = CONFUSIONS_PATH) -> dict[tuple[str, ...], list[tuple[str, ...]]]:
    """``heard<TAB>meant<TAB>count`` lines of the shipped confusions, as heard words -> the
    words meant, commonest first; none if the file is missing."""
    if not path.is_file():
        return {}
    confusions: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            heard, meant, _ = line.split("\t")
            confusions.setdefault(tuple(heard.split()), []).append(tuple(meant.split()))
    return confusions


@functools.lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    return Lexicon()
