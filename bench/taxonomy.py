"""The eval bench's failure taxonomy: which structural pattern a failed pair shows.

A single accuracy number says how often the engine fails, not why. The known ambiguities of
the protocol (../shared/PROTOCOL.md, section 3: spacing, context-dependent symbols,
long-distance, nested quoting, directive scope) are where it is expected to fail, so the report
sorts every failed pair into exactly one pattern and counts them; a change to the engine can
then be judged by which patterns it moves. The classifier is deterministic and looks only at
the pair (and the dictation, for its word count and its casing directives), comparing
``expected`` and ``output`` through normalised forms and shell-aware token alignment, so the
same pair always lands in the same pattern.

Precedence (first rule that matches wins; see ``classify``): the five protocol ambiguities
that a local difference explains come first, most specific first (``directive_scope``,
``context_symbol``, ``nested_quoting``, ``spacing``); then the positional ``long_distance``;
then the generic patterns (``number``, ``casing``, ``content``, ``other``).
"""

from __future__ import annotations

import difflib
import re

from processor.vocabulary import (
    ALL_CAPS,
    CAPITAL,
    CASING_PHRASES,
    NUMBER_WORDS,
    QUOTE_CHARS,
    SPACE,
    SYMBOL_PHRASES,
)

PATTERNS: tuple[str, ...] = (
    "spacing",
    "context_symbol",
    "long_distance",
    "nested_quoting",
    "directive_scope",
    "number",
    "casing",
    "content",
    "other",
)
"""Every pattern name, in report order (the protocol's ambiguities, then the generic ones)."""

LONG_DISTANCE_WORDS = 10
"""An error whose estimated spoken position is at least this (0-based) is long-distance."""

SIMILAR_TOKEN = 0.5
"""A substituted token whose similarity to its counterpart is below this has no counterpart."""

_TOKEN = re.compile(
    r"""
      (?P<op>\d*>&\d*-?|&>>?|\d*>>|\d*>\||\d*>|<<<|<<-?|<&|<>|<|&&|\|\||\|&|\||;;|;|&|\(|\)|\n)
    | (?P<word>(?:[^\s|&;<>()'"\\]|\\.|'[^']*'|"(?:[^"\\]|\\.)*")+)
    | (?P<unclosed>['"].*)
    | (?P<stray>\S)
    """,
    re.VERBOSE | re.DOTALL,
)
_WHITESPACE = re.compile(r"\s+")
_DASH_RUN = re.compile(r"-+")
_NUMBER_RUN = re.compile(r"\d(?:\s*\.?\s*\d)*")
_CASE_JOINERS = re.compile(r"[\s_-]+")
_QUOTES = re.compile("[" + re.escape("".join(sorted(QUOTE_CHARS))) + "]")
_EDGE_PUNCTUATION = ".,!?;:\"'()[]{}"
_LONGEST_PHRASE = max(len(p) for p in (*SYMBOL_PHRASES, *CASING_PHRASES))


def shell_tokens(text: str) -> list[str]:
    """Split ``text`` into shell words and operators; never raises.

    A word keeps its quoted parts with their quotes (``--name="a b"`` is one token); operators
    (``|``, ``&&``, ``||``, ``;``, ``>``, ``>>``, ``2>&1``, ``<``, ``(``, a newline...) are
    tokens of their own. An unclosed quote takes the rest of the text as one token.
    """
    return [m.group() for m in _TOKEN.finditer(text)]


def first_divergence(expected: str, output: str) -> int:
    """The character index where ``output`` first differs from ``expected``."""
    n = 0
    for a, b in zip(expected, output):
        if a != b:
            break
        n += 1
    return n


def _no_space(text: str) -> str:
    return _WHITESPACE.sub("", text)


def _numbers_masked(text: str) -> str:
    """``text`` with each digit string (digits, with dots or spaces between) as one ``#``."""
    return _NUMBER_RUN.sub("#", text)


def _case_folded(text: str) -> str:
    """``text`` without case, whitespace and the joiners a casing style adds (``_``, ``-``)."""
    return _CASE_JOINERS.sub("", text).lower()


def _phrase_length(words: list[str], i: int, table: dict) -> int:
    """Length of the longest phrase of ``table`` starting at ``words[i]`` (0 if none)."""
    for n in range(min(_LONGEST_PHRASE, len(words) - i), 0, -1):
        if tuple(words[i : i + n]) in table:
            return n
    return 0


def _ends_scope(words: list[str], i: int) -> bool:
    """Whether ``words[i]`` ends a ``... case`` scope: space, symbol, number or casing word."""
    return (
        words[i] == SPACE
        or words[i] in NUMBER_WORDS
        or bool(_phrase_length(words, i, SYMBOL_PHRASES))
        or bool(_phrase_length(words, i, CASING_PHRASES))
    )


def _directive_words(dictated: str) -> set[str]:
    """The spoken words a casing directive governs, plus the one plain word just past its
    reach (a directive that reaches too far changes that one)."""
    words = [w.strip(_EDGE_PUNCTUATION).lower() for w in dictated.split()]
    words = [w for w in words if w]
    governed: set[str] = set()
    i = 0
    while i < len(words):
        n = _phrase_length(words, i, CASING_PHRASES)
        if not n:
            i += 1
            continue
        style = CASING_PHRASES[tuple(words[i : i + n])]
        j = i + n
        while j < len(words) and not _ends_scope(words, j):
            governed.add(words[j])
            j += 1
            if style in (CAPITAL, ALL_CAPS):
                break
        while j < len(words):
            step = 1 if words[j] == SPACE else _phrase_length(words, j, SYMBOL_PHRASES)
            if not step:
                break
            j += step
        if j < len(words) and not _ends_scope(words, j):
            governed.add(words[j])
        i += n
    return governed


def _unmatched_blocks(expected: str, output: str) -> list[tuple[list[str], list[str]]]:
    """The token alignment's unmatched blocks: (expected tokens, output tokens) each."""
    e, o = shell_tokens(expected), shell_tokens(output)
    matcher = difflib.SequenceMatcher(None, e, o, autojunk=False)
    return [
        (e[i1:i2], o[j1:j2])
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def _is_directive_scope(dictated: str, expected: str, output: str) -> bool:
    if _case_folded(expected) != _case_folded(output):
        return False
    blocks = _unmatched_blocks(expected, output)
    span = _case_folded("".join(t for e, o in blocks for t in e + o))
    return any(w and w in span for w in map(_case_folded, _directive_words(dictated)))


def _joins(text: str, run: re.Match) -> bool:
    """Whether a dash run sits between two non-space characters (``cask-fonts``)."""
    start, end = run.span()
    return (
        0 < start < end < len(text) and not text[start - 1].isspace() and not text[end].isspace()
    )


def _is_context_symbol(expected: str, output: str) -> bool:
    if _no_space(expected).replace("-", "") != _no_space(output).replace("-", ""):
        return False
    e_runs, o_runs = list(_DASH_RUN.finditer(expected)), list(_DASH_RUN.finditer(output))
    if [len(m.group()) for m in e_runs] != [len(m.group()) for m in o_runs]:
        return True
    return any(
        _joins(expected, e) and not _joins(output, o) for e, o in zip(e_runs, o_runs)
    )


def _is_nested_quoting(expected: str, output: str) -> bool:
    e, o = _no_space(expected), _no_space(output)
    return e != o and _QUOTES.sub("", e) == _QUOTES.sub("", o)


def _is_spacing(expected: str, output: str) -> bool:
    return _no_space(expected) == _no_space(output) and not _is_number(expected, output)


def _is_long_distance(dictated: str, expected: str, output: str) -> bool:
    if not expected:
        return False
    spoken = len(dictated.split())
    position = spoken * first_divergence(expected, output) // len(expected)
    return position >= LONG_DISTANCE_WORDS


def _is_number(expected: str, output: str) -> bool:
    return _numbers_masked(expected) == _numbers_masked(output)


def _is_content(expected: str, output: str) -> bool:
    return any(
        len(e) != len(o)
        or any(
            difflib.SequenceMatcher(None, a.lower(), b.lower()).ratio() < SIMILAR_TOKEN
            for a, b in zip(e, o)
        )
        for e, o in _unmatched_blocks(expected, output)
    )


def classify(dictated: str, expected: str, output: str) -> str:
    """The one pattern in ``PATTERNS`` that a failed pair shows; ``ValueError`` if it is correct.

    Rules, in precedence order (the first that holds wins):

    1. ``directive_scope``: the dictation says a casing directive (``capital``, ``all caps``,
       ``... case``), the two sides differ only in case, whitespace, ``_`` and ``-``, and the
       differing tokens contain a word the directive governs or the word just past its reach.
       First because it is the only rule that names a cause in the dictation: a spacing, dash
       or case symptom on the words a directive shapes is that directive's scope.
    2. ``context_symbol``: the sides are equal once ``-`` and whitespace are removed, and
       either the dash runs differ (``--force`` -> ``-force`` or ``- -force``, a dash lost or
       added) or a dash that joins two characters in ``expected`` (``cask-fonts``) has a space
       beside it in ``output`` (``cask -fonts``): the dash was read in the wrong role. Before
       ``spacing``, which would otherwise take the whitespace-only cases; a flag dash that only
       loses or gains a space (``ls -la`` -> ``ls-la``, ``ls - la``) stays ``spacing``.
    3. ``nested_quoting``: the sides differ once whitespace is removed but are equal once quote
       characters are removed too: a quote lost, added or moved (an empty ``''`` lost, a file
       argument pulled inside a quoted expression). Whitespace alone never changes how quotes
       pair, so ``"a" "b"`` -> ``"a""b"`` is ``spacing``.
    4. ``spacing``: the sides are equal once whitespace is removed, unless the whitespace only
       moved inside digit strings (``192`` -> ``1 9 2`` is a number read wrongly: ``number``).
    5. ``long_distance``: the first divergence, mapped proportionally onto the dictation
       (``spoken words * first_divergence / len(expected)``), sits at spoken word
       ``LONG_DISTANCE_WORDS`` (0-based) or later. After the local rules, which explain an
       error wherever it sits, and before the generic ones: a wrong last octet or a lost
       trailing path in a long command is the engine losing track, not a number or content
       problem of its own.
    6. ``number``: the sides are equal once each digit string (digits with dots or spaces
       between them) is masked: ``2024`` -> ``20024``, ``0.7`` -> ``07``.
    7. ``casing``: equal ignoring case (rule 1 has already taken the directive cases).
    8. ``content``: the token alignment leaves a token without a counterpart: inserted,
       deleted, or substituted by a dissimilar one (similarity below ``SIMILAR_TOKEN``).
    9. ``other``: anything else (similar tokens altered, e.g. ``-la`` -> ``-al``).
    """
    if expected == output:
        raise ValueError("output equals expected: the pair is not a failure")
    if _is_directive_scope(dictated, expected, output):
        return "directive_scope"
    if _is_context_symbol(expected, output):
        return "context_symbol"
    if _is_nested_quoting(expected, output):
        return "nested_quoting"
    if _is_spacing(expected, output):
        return "spacing"
    if _is_long_distance(dictated, expected, output):
        return "long_distance"
    if _is_number(expected, output):
        return "number"
    if expected.lower() == output.lower():
        return "casing"
    if _is_content(expected, output):
        return "content"
    return "other"
