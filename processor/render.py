"""Strict dictation to bash: the deterministic renderer of PROTOCOL.md section 1.

One left-to-right pass over the spoken words. Every word is looked up once in a table built
from ``vocabulary``; multi-word phrases are matched longest first from their first word.
The same loop serves ``process`` (output only, the fast path) and ``explain`` (which also
records which words produced which characters and which rule fired).
"""

from __future__ import annotations

from dataclasses import dataclass

from . import vocabulary as v

# Token kinds (small ints: compared in the hot loop).
_PLAIN, _SPACE, _SYMBOL, _NUMBER, _POINT, _CASING, _STYLE = range(7)

# Sentence punctuation a recogniser or a person's typing leaves on a word (``dot.``, ``ls,``).
_TRAILING_PUNCTUATION = ".,?!;:"


def _build_table() -> dict[str, tuple]:
    """Map each protocol word to (kind, value, canonical word, multi-word continuations)."""
    single: dict[str, tuple[int, object]] = {v.SPACE: (_SPACE, " "), v.DECIMAL_POINT: (_POINT, ".")}
    multi: dict[str, list[tuple[tuple[str, ...], int, object]]] = {}
    phrases = [(p, _SYMBOL, t) for p, t in v.SYMBOL_PHRASES.items()]
    phrases += [(p, _CASING if d in (v.CAPITAL, v.ALL_CAPS) else _STYLE, d)
                for p, d in v.CASING_PHRASES.items()]
    for phrase, kind, value in phrases:
        if len(phrase) == 1:
            single[phrase[0]] = (kind, value)
        else:
            multi.setdefault(phrase[0], []).append((phrase[1:], kind, value))
    for word, number in v.NUMBER_WORDS.items():
        single[word] = (_NUMBER, number)
    table = {}
    for word in v.PROTOCOL_WORDS:
        kind, value = single.get(word, (_PLAIN, None))
        rests = tuple(sorted(multi.get(word, ()), key=lambda m: -len(m[0]))) or None
        table[word] = (kind, value, word, rests)
    return table


_TABLE = _build_table()


_PLAIN_ENTRY = (_PLAIN, None, None, None)
_LOOKUP = dict(_TABLE)
"""Every word seen so far, to its entry: one dict lookup a word on the hot path."""
_LOOKUP_LIMIT = 100_000


def _entry(word: str) -> tuple:
    """The table entry of a word as spoken or typed (``Dash``, ``dot.``), remembered."""
    entry = _TABLE.get(word.lower().rstrip(_TRAILING_PUNCTUATION), _PLAIN_ENTRY)
    if len(_LOOKUP) < _LOOKUP_LIMIT:
        _LOOKUP[word] = entry
    return entry


def _plain_text(word: str) -> str:
    """An ordinary word as typed: unchanged, less trailing sentence punctuation."""
    if word[-1] in _TRAILING_PUNCTUATION:
        return word.rstrip(_TRAILING_PUNCTUATION) or word
    return word


def _match(entries: list, i: int):
    """The token starting at word i: (kind, value, number of words) with longest match."""
    kind, value, _, rests = entries[i]
    if rests is not None:
        n = len(entries)
        for rest, r_kind, r_value in rests:
            j = i + 1
            if j + len(rest) <= n:
                for word in rest:
                    if entries[j][2] != word:
                        break
                    j += 1
                else:
                    return r_kind, r_value, j - i
    return kind, value, 1


_DIGITS = "0123456789"


def _number_text(values: list[int]) -> str:
    """Digits for a run of number words, read as a person means them.

    The run splits into groups; each group is an English number (``two thousand twenty four``)
    and groups are concatenated (``one nine two`` -> ``192``, ``one ninety two`` -> ``192``).
    A word joins the current group only if it fills a place that is still empty below the
    last one filled; ``zero`` is always a group of its own.
    """
    if max(values) < 10:  # a digit string: each word is a digit
        return "".join([_DIGITS[d] for d in values])
    parts = []
    total = cur = 0
    floor = 0  # smallest place value filled so far in the group; 0 = no group open
    last_scale = 0
    for value in values:
        if value == 0:
            if floor:
                parts.append(str(total + cur))
            parts.append("0")
            total = cur = floor = 0
            continue
        if value < 10:
            fits = floor > 1 and cur % 10 == 0
            place = 1
        elif value < 100:
            fits = floor >= 100
            place = 1 if value < 20 else 10
        elif value == 100:
            fits = floor and 1 <= cur <= 99
            if fits:
                cur *= 100
                floor = 100
                continue
            place = 100
        else:  # thousand, million
            fits = floor and (total + cur) and (not last_scale or last_scale > value) and cur
            if fits:
                total += cur * value
                cur, floor, last_scale = 0, value, value
                continue
            place = value
        if fits:
            cur += value
            floor = place
            continue
        if floor:
            parts.append(str(total + cur))
        if value >= 1000:
            total, cur, floor, last_scale = value, 0, value, value
        else:
            total, cur, floor, last_scale = 0, value, place, 0
    if floor:
        parts.append(str(total + cur))
    return "".join(parts)


def _apply_style(style: str, words: list[str]) -> str:
    """Join plain words in one of the five ``... case`` styles."""
    words = [w.lower() for w in words]
    if style == "camel":
        return words[0] + "".join(w.capitalize() for w in words[1:])
    if style == "pascal":
        return "".join(w.capitalize() for w in words)
    if style == "snake":
        return "_".join(words)
    if style == "kebab":
        return "-".join(words)
    return "_".join(words).upper()  # screaming


def _render(words: list[str], trace: list | None) -> str:
    """Render spoken words to text; append (start, end, output, rule) to trace if given."""
    lookup = _LOOKUP.get
    entries = [lookup(w) or _entry(w) for w in words]
    n = len(words)
    out: list[str] = []
    quote = None          # the open quote character, or None outside quotes
    prev_plain = False    # last output came from a plain word (automatic space in quotes)
    prev_number = False   # last output was a number (``point`` is a decimal point after it)
    directive = None      # pending ``capital`` / ``all caps``
    i = 0
    while i < n:
        kind, value, _, rests = entries[i]
        start = i
        if rests is None:
            i += 1
        else:
            kind, value, length = _match(entries, i)
            i += length
        if kind == _PLAIN:
            text = words[start]
            if text[-1] in _TRAILING_PUNCTUATION:
                text = _plain_text(text)
            rule = "word"
        elif kind == _SPACE:
            text, rule = " ", "space"
        elif kind == _SYMBOL:
            text, rule = value, "symbol"
            if value in v.QUOTE_CHARS:
                if quote is None:
                    if not (out and out[-1].endswith("\\")):
                        quote, rule = value, "quote"
                elif quote == value:
                    quote, rule = None, "quote"
        elif kind == _NUMBER:
            values = [value]
            while i < n and entries[i][0] == _NUMBER:
                if entries[i][3] is not None and _match(entries, i)[0] != _NUMBER:
                    break  # ``two redirect`` is a symbol
                values.append(entries[i][1])
                i += 1
            text, rule = _number_text(values), "number"
        elif kind == _POINT:
            if prev_number and i < n and entries[i][0] == _NUMBER and _match(entries, i)[0] == _NUMBER:
                text, rule = ".", "decimal point"
            else:
                text, kind, rule = _plain_text(words[start]), _PLAIN, "word"
        elif kind == _CASING:
            directive = value
            if trace is not None:
                trace.append((start, i, "", value.replace("_", " ")))
            continue
        else:  # _STYLE: take the plain words that follow
            scope = []
            while i < n and _match(entries, i)[0] == _PLAIN:
                scope.append(_plain_text(words[i]))
                i += 1
            if not scope:
                if trace is not None:
                    trace.append((start, i, "", value + " case"))
                continue
            text, kind, rule = _apply_style(value, scope), _PLAIN, value + " case"
        if directive is not None:
            if directive == v.CAPITAL:
                text = text[:1].upper() + text[1:]
            else:
                text = text.upper()
            rule = directive.replace("_", " ") + " + " + rule
            directive = None
        if kind == _PLAIN:
            if prev_plain and quote is not None:
                text = " " + text
            prev_plain = True
        else:
            prev_plain = False
        prev_number = kind == _NUMBER
        out.append(text)
        if trace is not None:
            trace.append((start, i, text, rule))
    return "".join(out)


def bound(words: list[str], numbers: bool = True, scopes: bool = True) -> list[bool]:
    """For each word, whether it is bound to the word before it: a space typed between them
    would change what the words say. Bound are the words inside a multi-word symbol, a ``...
    case`` scope (``scopes``; else only its first word) or a number (``numbers``; also a
    symbol said with one: ``two redirect``), and the word after ``capital`` / ``all caps``:
    ``kebab case user settings panel`` is one name, ``eight zero eight zero`` one number."""
    trace: list = []
    _render(words, trace)
    out = [False] * len(words)
    directive = False
    for start, end, _, rule in trace:
        out[start] = out[start] or directive
        if rule.endswith(" case") and not scopes:  # the directive's words and its first word
            end = min(end, start + 2 + (start + 1 < end and words[start + 1].lower() == "case"))
        if numbers or not (rule == "number" or words[start].lower() in v.NUMBER_WORDS):
            out[start + 1:end] = [True] * (end - start - 1)
        directive = rule in ("capital", "all caps")
    return out


def shell_units(strict: str) -> list[list[str]]:
    """The strict words grouped by ``space`` (a shell word each, roughly)."""
    units: list[list[str]] = [[]]
    for word in strict.split():
        if word == v.SPACE:
            units.append([])
        else:
            units[-1].append(word)
    return [u for u in units if u]


def process(text: str) -> str:
    """Type what a strict protocol utterance says: ``ls space dash l a`` -> ``ls -la``."""
    return _render(text.split(), None)


@dataclass(frozen=True)
class Token:
    """One rendered piece: spoken words ``words[start:end]`` typed ``output`` by ``rule``.

    ``out_start``/``out_end`` locate ``output`` in the whole output string. Casing directives
    are tokens with an empty output (their effect shows in the next token's rule).
    """

    start: int
    end: int
    words: tuple[str, ...]
    output: str
    rule: str
    out_start: int
    out_end: int


@dataclass(frozen=True)
class Processed:
    """The output of an utterance and the token-level account of how it was produced."""

    output: str
    tokens: tuple[Token, ...]


def explain(text: str) -> Processed:
    """Like ``process``, with which spoken words produced which characters and why."""
    words = text.split()
    raw: list = []
    output = _render(words, raw)
    tokens = []
    offset = 0
    for start, end, piece, rule in raw:
        tokens.append(Token(start, end, tuple(words[start:end]), piece, rule,
                            offset, offset + len(piece)))
        offset += len(piece)
    return Processed(output, tuple(tokens))
