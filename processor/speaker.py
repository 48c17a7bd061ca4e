"""Bash to dictation: the strict protocol words a person would say for a command.

The inverse of ``process``, and the source of every training and test set in the project.
Each answer is checked by rendering it back: ``speak`` returns words only if
``process(words) == command``; it tries a natural spelling first, then a conservative one
(no ``... case`` styles, every protocol-looking word spelled letter by letter), and raises
``SpeakError`` naming the reason when neither types the command back.

With ``seed=None`` the answer is canonical; an integer seed picks seeded variations
(synonyms, number styles, casing styles, flag letters spelled or said), still verified.
"""

from __future__ import annotations

import random

import regex

from . import vocabulary as v
from .render import process


class SpeakError(ValueError):
    """A command that the protocol cannot speak (a character with no spoken form...)."""


_SPEAKABLE = frozenset(chr(c) for c in range(32, 127)) | {"\n"}

# Symbol runs spoken as one phrase (``&&`` is ``and and``, ``>>`` is ``append``); the rest
# character by character. Longest first.
_SYMBOL_RUNS = sorted(
    (t for t in v.CHAR_WORDS if len(t) > 1 and not t[0].isdigit()), key=len, reverse=True
)

_ONES = {n: w for w, n in v.ONES.items()}
_UNDER_HUNDRED = {n: w for w, n in {**v.ONES, **v.TEENS, **v.TENS}.items()}

# Identifiers a ``... case`` directive can say in one go (``getUserName``, ``NODE_ENV``).
_IDENTIFIER = regex.compile(
    r"""(?P<camel>[a-z]+(?:[A-Z][a-z]+)+)(?![A-Za-z])
      | (?P<pascal>(?:[A-Z][a-z]+){2,})(?![A-Za-z])
      | (?P<snake>[a-z]+(?:_[a-z]+)+)(?![A-Za-z_])
      | (?P<screaming>[A-Z]+(?:_[A-Z]+)+)(?![A-Za-z_])
      | (?P<kebab>[a-z]+(?:-[a-z]+)+)(?![A-Za-z-])""",
    regex.VERBOSE,
)
# Everything else, one piece at a time.
_PIECE = regex.compile(
    r"""(?P<space>[ ]+)
      | (?P<upper>[A-Z]+(?=[A-Z][a-z])|[A-Z]{2,})
      | (?P<capital>[A-Z][a-z]*)
      | (?P<lower>[a-z]+)
      | (?P<digits>[0-9]+)
      | (?P<symbol>.|\n)""",
    regex.VERBOSE,
)
_IDENTIFIER_PARTS = regex.compile(r"[A-Z]?[a-z]+|[A-Z]+")


def _two_digit_words(n: int) -> list[str]:
    """Words for 1..99 (``forty two``)."""
    if n in _UNDER_HUNDRED:
        return [_UNDER_HUNDRED[n]]
    return [_UNDER_HUNDRED[n - n % 10], _ONES[n % 10]]


def _english_number(n: int) -> list[str]:
    """A number as read in English: ``two thousand twenty four``, ``three hundred``."""
    words: list[str] = []
    if n >= 1000:
        words += _english_number(n // 1000) + ["thousand"]
        n %= 1000
    if n >= 100:
        words += [_ONES[n // 100], "hundred"]
        n %= 100
    if n:
        words += _two_digit_words(n)
    return words


def _say_number(digits: str, style: str) -> list[str]:
    """Number words for a digit run: under 100 as words, longer ones digit by digit."""
    value = int(digits)
    if digits[0] == "0" or style == "digits":
        return [_ONES[int(d)] for d in digits]
    if value < 100:
        return _two_digit_words(value)
    if style == "english" and value < 1_000_000:
        return _english_number(value)
    if style == "pairs" and len(digits) in (3, 4) and digits[-2] != "0":
        head, tail = digits[:-2], int(digits[-2:])
        return _say_number(head, "canonical") + _two_digit_words(tail)
    return [_ONES[int(d)] for d in digits]


class _Style:
    """The choices one attempt makes; ``rng`` None means canonical choices."""

    def __init__(self, rng: random.Random | None, conservative: bool):
        self.rng = rng
        self.conservative = conservative
        self.avoid = v.PROTOCOL_WORDS if conservative else v.RESERVED_WORDS

    def pick(self, options: tuple, chance: float = 0.3):
        if self.rng is None or len(options) == 1 or self.rng.random() >= chance:
            return options[0]
        return self.rng.choice(options[1:])

    def symbol(self, text: str) -> list[str]:
        return list(self.pick(v.CHAR_WORDS[text]))

    def number(self, digits: str) -> list[str]:
        style = "canonical"
        if self.rng is not None and not self.conservative:
            style = self.rng.choice(("canonical", "canonical", "english", "pairs", "digits"))
        return _say_number(digits, style)

    def word(self, lower: str, spell: bool = False) -> list[str]:
        """A lower-case word, spelled letter by letter if it would read as protocol."""
        if spell or lower in self.avoid:
            return list(lower)
        return [lower]


def _units(command: str, style: _Style) -> list[tuple[list[str], bool, str, bool]]:
    """Spoken units: (words, is_plain_word, kind, inside_quotes) in order.

    Quotes are tracked as the processor tracks them (the shell's rules), because inside a
    quoted string letters cannot be spelled one by one: the processor spaces plain words there.
    """
    units: list[tuple[list[str], bool, str, bool]] = []
    quote = None

    def add(words: list[str], plain: bool, kind: str) -> None:
        units.append((words, plain, kind, quote is not None))

    use_case_styles = not style.conservative and (style.rng is None or style.rng.random() < 0.8)
    i = 0
    while i < len(command):
        run = next((r for r in _SYMBOL_RUNS if command.startswith(r, i)), None)
        if run is not None:
            add(style.symbol(run), False, "symbol")
            i += len(run)
            continue
        m = _IDENTIFIER.match(command, i) if use_case_styles else None
        if m is not None:
            parts = [p.lower() for p in _IDENTIFIER_PARTS.findall(m.group())]
            # people say ``my dash app`` more often than ``kebab case my app``
            kebab_said = m.lastgroup != "kebab" or style.pick((False, True), 0.3)
            if kebab_said and not any(p in v.PROTOCOL_WORDS for p in parts):
                add([m.lastgroup, "case"] + parts, True, "word")
                i = m.end()
                continue
        m = _PIECE.match(command, i)
        kind, text, i = m.lastgroup, m.group(), m.end()
        if kind == "space":
            add(["space"] * len(text), False, "space")
        elif kind == "lower":
            short_flag = len(text) <= 3 and command[max(0, m.start() - 2):m.start()] in ("-", " -", "\n-")
            spell = short_flag and quote is None and style.pick((True, False), 0.2)
            add(style.word(text, spell), True, "word")
        elif kind == "capital":
            lower = text.lower()
            said = list(lower) if lower in style.avoid else [lower]
            add(["capital"] + said, True, "word")
        elif kind == "upper":
            lower = text.lower()
            if lower in style.avoid:
                add([w for c in lower for w in ("capital", c)], True, "word")
            else:
                add(["all", "caps", lower], True, "word")
        elif kind == "digits":
            add(style.number(text), False, "number")
        else:
            add(style.symbol(text), False, "symbol")
            if text in v.QUOTE_CHARS:
                if quote is None and command[m.start() - 1:m.start()] != "\\":
                    quote = text
                elif quote == text:
                    quote = None
    return units


def _words(command: str, style: _Style) -> str:
    """One attempt: the units joined, with spaces inside quotes left to the processor."""
    units = _units(command, style)
    spoken: list[str] = []
    for k, (words, plain, kind, quoted) in enumerate(units):
        if kind == "space" and quoted and len(words) == 1 and 0 < k < len(units) - 1:
            if units[k - 1][1] and units[k + 1][1]:
                continue  # the processor puts this space in by itself
        spoken += words
    return " ".join(spoken)


def speak(command: str, seed: int | None = None) -> str:
    """Strict protocol words that type ``command``: ``tar -xzf a.tar.gz`` ->
    ``tar space dash x z f space a dot tar dot gz``.

    Raises ``SpeakError`` for a command the protocol cannot say (empty, a character with
    no spoken form such as a tab or non-ASCII letter, or a quoted word that reads as protocol).
    """
    if not command:
        raise SpeakError("empty command: nothing to speak")
    for position, char in enumerate(command):
        if char not in _SPEAKABLE:
            raise SpeakError(f"{char!r} at position {position} has no spoken form in the protocol")
    attempts = []
    if seed is not None:
        attempts.append(_Style(random.Random(seed), conservative=False))
    attempts += [_Style(None, conservative=False), _Style(None, conservative=True)]
    for style in attempts:
        words = _words(command, style)
        if process(words) == command:
            return words
    raise SpeakError(
        f"no protocol spelling types {command!r} back (closest: {process(words)!r}); "
        "usually a quoted word that reads as a protocol word"
    )
