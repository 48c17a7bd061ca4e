"""The spoken protocol's vocabulary: the one copy of every protocol word in the project.

Everything else (the processor, the speaker, the level generators, the gate and segmenter
features, the model's output validation, the failure taxonomy) imports these tables, so a
word added here is known everywhere at once.

Decisions where ../shared/PROTOCOL.md is silent (also listed in the README):
- A few recogniser splits and common names are accepted as extra spellings:
  ``double quote`` -> ``"``, ``back tick`` -> `````, ``semi colon`` -> ``;``,
  ``under score`` -> ``_``, ``newline`` -> a newline.
- Number words end a ``... case`` scope, like symbol words: ``snake case http two`` -> ``http2``.
- Inside a quoted string only two *plain* words in a row get the automatic space; a number or
  symbol joins its neighbours as everywhere else (``quote x eighty six quote`` -> ``"x86"``).
"""

from __future__ import annotations

SPACE = "space"
"""The one word that types a space."""

DECIMAL_POINT = "point"
"""Between two numbers, ``point`` types a decimal point; elsewhere it is an ordinary word."""

# Canonical spoken form first in each group: the speaker uses the first spelling it finds for a
# character, the others are synonyms (used by the speaker's seeded variations).
SYMBOL_PHRASES: dict[tuple[str, ...], str] = {
    # single words
    ("dash",): "-", ("minus",): "-", ("hyphen",): "-",
    ("dot",): ".", ("period",): ".",
    ("slash",): "/",
    ("backslash",): "\\",
    ("pipe",): "|",
    ("redirect",): ">",
    ("append",): ">>",
    ("star",): "*", ("asterisk",): "*",
    ("bang",): "!",
    ("hash",): "#", ("hashtag",): "#",
    ("tilde",): "~",
    ("at",): "@",
    ("dollar",): "$",
    ("percent",): "%",
    ("caret",): "^",
    ("ampersand",): "&",
    ("equals",): "=",
    ("plus",): "+",
    ("colon",): ":",
    ("semicolon",): ";",
    ("underscore",): "_",
    ("comma",): ",",
    ("quote",): '"',
    ("backtick",): "`",
    # multi-word (longest match wins)
    ("single", "quote"): "'",
    ("double", "quote"): '"',
    ("dash", "dash"): "--", ("double", "dash"): "--", ("minus", "minus"): "--",
    ("open", "paren"): "(", ("close", "paren"): ")",
    ("open", "parenthesis"): "(", ("close", "parenthesis"): ")",
    ("and", "and"): "&&",
    ("open", "brace"): "{", ("close", "brace"): "}",
    ("open", "curly"): "{", ("close", "curly"): "}",
    ("pipe", "pipe"): "||",
    ("open", "bracket"): "[", ("close", "bracket"): "]",
    ("dot", "dot"): "..",
    ("less", "than"): "<", ("greater", "than"): ">",
    ("open", "angle"): "<", ("close", "angle"): ">",
    ("two", "redirect"): "2>",
    ("two", "redirect", "ampersand"): "2>&",
    ("question", "mark"): "?",
    ("new", "line"): "\n", ("newline",): "\n",
    ("forward", "slash"): "/", ("back", "slash"): "\\",
    ("equals", "sign"): "=", ("at", "sign"): "@", ("dollar", "sign"): "$",
    ("exclamation", "mark"): "!", ("exclamation", "point"): "!",
    ("back", "tick"): "`", ("semi", "colon"): ";", ("under", "score"): "_",
    # the forms people say for operators and brackets (PROTOCOL.md section 1)
    ("double", "ampersand"): "&&", ("double", "pipe"): "||", ("double", "greater", "than"): ">>",
    ("two", "greater", "than"): "2>",
    ("open", "curly", "brace"): "{", ("close", "curly", "brace"): "}",
    ("left", "brace"): "{", ("right", "brace"): "}",
    ("left", "curly", "brace"): "{", ("right", "curly", "brace"): "}",
    ("open", "square", "bracket"): "[", ("close", "square", "bracket"): "]",
    ("left", "bracket"): "[", ("right", "bracket"): "]",
    ("left", "square", "bracket"): "[", ("right", "square", "bracket"): "]",
    ("left", "paren"): "(", ("right", "paren"): ")",
    ("left", "parenthesis"): "(", ("right", "parenthesis"): ")",
}

ONES: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4,
    "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
}
TEENS: dict[str, int] = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
TENS: dict[str, int] = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}
SCALES: dict[str, int] = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
NUMBER_WORDS: dict[str, int] = {**ONES, **TEENS, **TENS, **SCALES}

# Casing directives and the style each one names. ``capital`` and ``all_caps`` reach one word;
# the five ``... case`` styles take the plain words that follow, up to the next space, symbol,
# number, casing word or the end.
CAPITAL = "capital"
ALL_CAPS = "all_caps"
CASE_STYLES = ("camel", "pascal", "snake", "kebab", "screaming")
CASING_PHRASES: dict[tuple[str, ...], str] = {
    ("capital",): CAPITAL,
    ("all", "caps"): ALL_CAPS, ("allcaps",): ALL_CAPS, ("all-caps",): ALL_CAPS,
}
for _style in CASE_STYLES:
    CASING_PHRASES[(_style, "case")] = _style
    CASING_PHRASES[(_style + "case",)] = _style
    CASING_PHRASES[(_style + "-case",)] = _style

QUOTE_CHARS = frozenset({'"', "'"})
"""Characters that open and close a quoted string (``quote``, ``single quote``)."""

PROTOCOL_WORDS: frozenset[str] = frozenset(
    {SPACE, DECIMAL_POINT}
    | {w for phrase in SYMBOL_PHRASES for w in phrase}
    | set(NUMBER_WORDS)
    | {w for phrase in CASING_PHRASES for w in phrase}
)
"""Every word that plays a part in some protocol phrase (including ``and``, ``open``...)."""

RESERVED_WORDS: frozenset[str] = frozenset(
    {SPACE, DECIMAL_POINT}
    | {p[0] for p in SYMBOL_PHRASES if len(p) == 1}
    | set(NUMBER_WORDS)
    | {p[0] for p in CASING_PHRASES if len(p) == 1}
)
"""Words that never pass through as themselves: a command word spelled like one of these must
be spoken letter by letter (``o n e`` types ``one``)."""

CHAR_WORDS: dict[str, tuple[str, ...]] = {}
"""For each symbol text, its spoken phrases, canonical first (the speaker's table)."""
for _phrase, _text in SYMBOL_PHRASES.items():
    CHAR_WORDS[_text] = CHAR_WORDS.get(_text, ()) + (_phrase,)
