"""Word-kind features the tagging head reads beside the model's hidden states.

Many tag decisions are local and lexical (no space between number words, none before
``period``, one before a flag's ``dash``), and a 135M model's hidden state learns them
slowly. These one-hot kinds of the words around each word (two either side) give the head
that context directly; the hidden state brings what needs knowledge (which words are a
wrapper, what a correction replaces, which program takes which flags).
Beside the kinds, four flags of the whole fragment: the word is said again later (a false start
or a corrected unit is repeated), it was said before, a correction or restart word comes later,
and one came before. Used identically by training and inference.
"""

from __future__ import annotations

import numpy as np

from processor.speech import (CORRECTIONS, FILLERS, RESTARTS, WRAPPER_PREFIXES, WRAPPER_SUFFIXES,
                              hesitation_spelling)
from processor.vocabulary import (CASING_PHRASES, DECIMAL_POINT, NUMBER_WORDS, SPACE,
                                  SYMBOL_PHRASES)

KINDS = ("space", "dash", "dot", "slash", "quote", "operator", "symbol", "number", "digits",
         "letter", "casing", "filler", "correction", "wrapper", "plain", "edge")
OFFSETS = (-2, -1, 0, 1, 2)
FLAGS = ("repeated later", "repeated before", "correction later", "correction before")
SIZE = len(KINDS) * len(OFFSETS) + len(FLAGS)

_SYMBOL_KIND = {"-": "dash", "--": "dash", ".": "dot", "..": "dot", "/": "slash", "\\": "slash",
                '"': "quote", "'": "quote", "`": "quote", "|": "operator", "||": "operator",
                ">": "operator", ">>": "operator", "&": "operator", "&&": "operator",
                ";": "operator", "<": "operator", "2>": "operator", "2>&": "operator"}
_WORD_KIND: dict[str, str] = {}
for _phrase, _text in SYMBOL_PHRASES.items():
    if len(_phrase) == 1:
        _WORD_KIND[_phrase[0]] = _SYMBOL_KIND.get(_text, "symbol")
_WORD_KIND.update({w: "number" for w in NUMBER_WORDS})
_WORD_KIND.update({w: "casing" for phrase in CASING_PHRASES for w in phrase})
_WORD_KIND.update({w: "wrapper" for p in WRAPPER_PREFIXES + WRAPPER_SUFFIXES for w in p.lower().split()})
_WORD_KIND.update({w: "correction" for p in CORRECTIONS + RESTARTS for w in p.lower().split()})
_WORD_KIND.update({w: "filler" for p in FILLERS for w in p.split()})
# The tagger reads a hesitation sound in one spelling (``as_read``); those outside FILLERS
# (``ehm``, ``mhm``) stay plain here, unlike in the classifiers: as fillers they made the
# tagger keep the wrapper words before them (docs/HISTORY.md).
_WORD_KIND[SPACE] = "space"
_WORD_KIND[DECIMAL_POINT] = "dot"
_INDEX = {kind: k for k, kind in enumerate(KINDS)}


def kind(word: str) -> str:
    """The kind of one normalised word."""
    found = _WORD_KIND.get(word)
    if found:
        return found
    if word.isdigit():
        return "digits"
    return "letter" if len(word) == 1 else "plain"


def as_read(words: list[str]) -> list[str]:
    """The words as the tagger reads them: each hesitation sound in one spelling
    (``processor.speech.hesitation_spelling``), so ``hm`` and ``hmmm`` are the ``hmm`` of
    training, whichever spellings training had."""
    return [hesitation_spelling(w) for w in words]


def word_features(words: list[str]) -> np.ndarray:
    """[len(words), SIZE] float32: the one-hot kinds of each word's neighbourhood, then FLAGS."""
    words = as_read(words)
    kinds = [_INDEX[kind(w)] for w in words]
    edge = _INDEX["edge"]
    correction = _INDEX["correction"]
    out = np.zeros((len(words), SIZE), dtype=np.float32)
    flags = len(KINDS) * len(OFFSETS)
    for i in range(len(words)):
        for slot, offset in enumerate(OFFSETS):
            j = i + offset
            out[i, slot * len(KINDS) + (kinds[j] if 0 <= j < len(words) else edge)] = 1.0
        out[i, flags] = words[i] in words[i + 1:]
        out[i, flags + 1] = words[i] in words[:i]
        out[i, flags + 2] = correction in kinds[i + 1:]
        out[i, flags + 3] = correction in kinds[:i]
    return out
