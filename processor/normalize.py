"""Recogniser text to protocol text, word by word: ``LS dash LA.`` -> ``ls dash la``.

Speech recognisers capitalise words and add sentence punctuation; in the protocol, case is
said with ``capital`` / ``all caps`` and punctuation with symbol words, so both are noise.
The word count never changes (a word that is only punctuation stays as it is), so word
offsets found on normalised text (the segmenter's spans) index the original words too, and
prose around a command can be given back exactly as it was said.
"""

from __future__ import annotations

_SENTENCE_PUNCTUATION = ".,?!;:"


def normalize_word(word: str) -> str:
    """One word: lower case, trailing sentence punctuation removed (``Dash,`` -> ``dash``)."""
    core = word.rstrip(_SENTENCE_PUNCTUATION)
    return (core or word).lower()


def normalize_words(text: str) -> list[str]:
    """The words of ``text``, normalised; as many as ``text.split()`` gives."""
    return [normalize_word(w) for w in text.split()]


def normalize(text: str) -> str:
    return " ".join(normalize_words(text))


def typed_words(text: str) -> list[str]:
    """The words of typed text, as many as ``text.split()`` gives, with their case kept
    (typed case is meaning: ``capital HEAD``, ``slash Applications``) but for a recogniser's
    habit of a capital on the first word (``Git status``: ``Git`` -> ``git``). Trailing
    sentence punctuation is left to the processor, which drops it."""
    words = text.split()
    if words and sentence_capital(words[0]):
        words[0] = words[0].lower()
    return words


def sentence_capital(word: str) -> bool:
    """Whether ``word`` has only the capital a sentence starts with (``Git``; not ``V``,
    ``HEAD`` or ``VBoxManage``)."""
    return len(word) > 1 and word[0].isupper() and word[1:] == word[1:].lower()
