"""What the gate and the segmenter see of a word: its kind and the spoken phrase it belongs to.

Both classifiers read the same two per-word facts, derived here once from the protocol tables
(``processor.vocabulary``) and the vocabulary of speech (``processor.speech``), so a word
or phrase added there reaches the classifiers' features with the next ``dictbash train
classifiers``. Words are looked up in dicts built at import, so a word costs one lookup.

Changing what a kind or a tag means changes the features: bump ``FEATURE_VERSION`` then, so
that artifacts trained on the old meaning are refused instead of silently misread.
"""

from __future__ import annotations

from processor.speech import (CORRECTIONS, FILLERS, HOMOPHONES, PROSE_LEADS, PROSE_TAILS, RESTARTS,
                              WRAPPER_PREFIXES, WRAPPER_SUFFIXES, is_hesitation)
from processor.vocabulary import (CASE_STYLES, CASING_PHRASES, NUMBER_WORDS, PROTOCOL_WORDS,
                                  QUOTE_CHARS, SPACE, SYMBOL_PHRASES)

FEATURE_VERSION = 2
"""Version of the feature definitions below and in ``gate``/``segmenter``; artifacts carry it."""

RETRAIN_COMMAND = "dictbash train classifiers"

# Word kinds. Protocol words by their role; other words by their shape. ``partial`` is a word
# that is protocol only inside a longer phrase (``open`` in ``open paren``, ``all`` in ``all
# caps``): ``word_kinds`` resolves it to the phrase's kind or to its shape.
KINDS = ("plain", "short", "letter", "digits", "typed", "punct", "space", "symbol", "quote",
         "number", "casing", "style", "partial", "homophone")
(PLAIN, SHORT, LETTER, DIGITS, TYPED, PUNCT, SPACE_KIND, SYMBOL, QUOTE, NUMBER, CASING, STYLE,
 PARTIAL, HOMOPHONE) = range(len(KINDS))
PROTOCOL_KINDS = frozenset({SPACE_KIND, SYMBOL, QUOTE, NUMBER, CASING, STYLE})
PLAIN_KINDS = frozenset({PLAIN, SHORT, HOMOPHONE})
"""Kinds of an ordinary word of two letters or more (two of them in a row join in strict)."""


HOMOPHONE_WORDS = frozenset(w for spellings in HOMOPHONES.values() for w in spellings)
"""What a recogniser writes for some number words (``to`` for ``two``)."""


def _phrase_kind(phrase: tuple[str, ...], position: int, meaning: str) -> int:
    """The kind of a phrase's word at ``position``; ``meaning``: what the phrase types, or
    the casing it sets (a ``CASING_PHRASES`` value)."""
    last = position == len(phrase) - 1
    if meaning in CASING_PHRASES.values():
        return STYLE if meaning in CASE_STYLES and last else CASING
    return QUOTE if meaning in QUOTE_CHARS and last else SYMBOL


def _kinds() -> tuple[dict[str, int], dict[tuple[str, str], tuple[int, int]]]:
    """Word -> kind for protocol words, and word pair -> kinds for multi-word phrases."""
    kinds = dict.fromkeys(PROTOCOL_WORDS, PARTIAL)
    pairs: dict[tuple[str, str], tuple[int, int]] = {}
    for phrase, meaning in (*SYMBOL_PHRASES.items(), *CASING_PHRASES.items()):
        if len(phrase) == 1:
            kinds[phrase[0]] = _phrase_kind(phrase, 0, meaning)
        for j in range(len(phrase) - 1):
            pairs[phrase[j], phrase[j + 1]] = (_phrase_kind(phrase, j, meaning),
                                               _phrase_kind(phrase, j + 1, meaning))
    kinds.update(dict.fromkeys(NUMBER_WORDS, NUMBER))
    kinds[SPACE] = SPACE_KIND
    for word in HOMOPHONE_WORDS:
        kinds.setdefault(word, HOMOPHONE)
    return kinds, pairs


_KIND_OF, _PAIR_KINDS = _kinds()
_KIND_CACHE = dict(_KIND_OF)
_CACHE_LIMIT = 100_000
_TYPED_CHARS = frozenset("./-_:@~=$")


def _shape(word: str) -> int:
    if not any(c.isalnum() for c in word):
        return PUNCT
    if any(c.isdigit() for c in word):
        return DIGITS
    if not _TYPED_CHARS.isdisjoint(word):
        return TYPED
    if len(word) == 1:
        return LETTER
    return SHORT if len(word) <= 3 else PLAIN


def word_kind(word: str) -> int:
    """The kind of one normalised word out of context (``partial`` for ``open``, ``all``...)."""
    kind = _KIND_CACHE.get(word)
    if kind is None:
        kind = _shape(word)
        if len(_KIND_CACHE) < _CACHE_LIMIT:
            _KIND_CACHE[word] = kind
    return kind


def word_kinds(words: list[str]) -> list[int]:
    """The kind of each normalised word in context: partial words resolved."""
    get = _KIND_CACHE.get
    kinds = [k if (k := get(w)) is not None else word_kind(w) for w in words]
    if PARTIAL in kinds:
        n = len(words)
        for i, k in enumerate(kinds):
            if k != PARTIAL:
                continue
            after = _PAIR_KINDS.get((words[i], words[i + 1])) if i + 1 < n else None
            before = _PAIR_KINDS.get((words[i - 1], words[i])) if i else None
            if after is not None:
                kinds[i] = after[0]
                if kinds[i + 1] == PARTIAL:
                    kinds[i + 1] = after[1]
            elif before is not None:
                kinds[i] = before[1]
            else:
                kinds[i] = _shape(words[i])
    return kinds


_SYMBOL_TEXT = {p[0]: text for p, text in SYMBOL_PHRASES.items() if len(p) == 1}
_PAIR_TEXT = {p: text for p, text in SYMBOL_PHRASES.items() if len(p) == 2}


def symbol_text(words: list[str], i: int) -> str:
    """What the symbol phrase starting at word i types ("" if none starts there)."""
    if i + 1 < len(words):
        text = _PAIR_TEXT.get((words[i], words[i + 1]))
        if text is not None:
            return text
    return _SYMBOL_TEXT.get(words[i], "")


DASH_WORDS = frozenset(w for w, text in _SYMBOL_TEXT.items() if text == "-")
_NAME_JOINERS = frozenset(w for w, text in _SYMBOL_TEXT.items() if text in ("-", "_"))
"""Words that type a dash (``dash``, ``minus``, ``hyphen``)."""
DOUBLE_WORDS = frozenset(p[0] for p, text in SYMBOL_PHRASES.items()
                         if text == "--" and p[0] not in DASH_WORDS)
"""First words of ``--`` phrases that are no dash on their own (``double``)."""
TILDE_WORDS = frozenset(w for w, text in _SYMBOL_TEXT.items() if text == "~")
QUOTE_OPENERS = {p[0]: text for p, text in SYMBOL_PHRASES.items()
                 if len(p) == 2 and text in QUOTE_CHARS}
"""The word before ``quote`` that says which quote it is (``single`` -> ``'``)."""

def quote_and_scope(words: list[str], kinds: list[int]) -> tuple[list[bool], list[bool]]:
    """For each word: inside a quoted string (or closing one)? taken by a ``... case``
    directive? Quotes pair as the processor pairs them: ``single quote`` closes only ``'``."""
    quoted, scoped = [False] * len(words), [False] * len(words)
    quote, scope = None, False
    for i, k in enumerate(kinds):
        if k == QUOTE:
            char = (i and QUOTE_OPENERS.get(words[i - 1])) or _SYMBOL_TEXT[words[i]]
            quoted[i] = quote is not None
            quote = char if quote is None else (None if quote == char else quote)
        elif quote is not None:
            quoted[i] = True
        if k in PROTOCOL_KINDS:
            scope = k == STYLE or (scope and k == CASING)
        elif scope:
            scoped[i] = True
    return quoted, scoped


# Phrase tags: which kind of spoken phrase (from the level generators) a word is part of.
TAGS = ("none", "filler", "correction", "restart", "wrapper_prefix", "wrapper_suffix",
        "prose_lead", "prose_tail")
(NO_TAG, FILLER, CORRECTION, RESTART, WRAPPER_PREFIX, WRAPPER_SUFFIX, PROSE_LEAD,
 PROSE_TAIL) = range(len(TAGS))


def _phrases() -> dict[str, tuple[tuple[tuple[str, ...], int], ...]]:
    """First word -> its (phrase, tag) pairs, longest phrase first."""
    by_first: dict[str, dict[tuple[str, ...], int]] = {}
    groups = ((CORRECTIONS, CORRECTION), (RESTARTS, RESTART), (FILLERS, FILLER),
              (PROSE_LEADS, PROSE_LEAD), (PROSE_TAILS, PROSE_TAIL),
              (WRAPPER_PREFIXES, WRAPPER_PREFIX), (WRAPPER_SUFFIXES, WRAPPER_SUFFIX))
    for phrases, tag in groups:
        for phrase in phrases:
            words = tuple(phrase.lower().split())
            if words:
                by_first.setdefault(words[0], {}).setdefault(words, tag)
    return {first: tuple(sorted(d.items(), key=lambda item: -len(item[0])))
            for first, d in by_first.items()}


_PHRASES = _phrases()


def phrase_tags(words: list[str]) -> list[int]:
    """For each normalised word, the tag of the longest generator phrase covering it; a
    hesitation sound is a filler however it is spelt.

    A phrase right after a dash or an underscore is part of a name (``dash dash error
    hyphen correction``), not speech.
    """
    n = len(words)
    tags = [NO_TAG] * n
    i = 0
    while i < n:
        candidates = _PHRASES.get(words[i])
        in_name = i and words[i - 1] in _NAME_JOINERS
        if candidates is None and not in_name and is_hesitation(words[i]):
            tags[i] = FILLER
        elif candidates is not None and not in_name:
            for phrase, tag in candidates:
                end = i + len(phrase)
                if end <= n and (len(phrase) == 1 or tuple(words[i:end]) == phrase):
                    tags[i:end] = [tag] * len(phrase)
                    i = end - 1
                    break
        i += 1
    return tags
