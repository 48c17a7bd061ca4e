"""Generators for the input levels of PROTOCOL.md section 2, from a bash command.

One module, used by the test sets in ``bench/data``, the classifiers' training data and the
model's training data, so that all of them mean the same thing by "loose" or "chaotic".
Every generator is seeded and deterministic, and every row it returns is checked: the
``protocol`` field holds the strict words that type the command part, and
``process(protocol)`` must give it back (rows that fail are not returned).

A row's ``protocol`` is always reachable from its ``dictated`` words by word-level edits
(keep, drop, put ``space`` before, lower-case and strip recogniser punctuation, undo a
homophone), which is what lets a tagger learn the mapping.
"""

from __future__ import annotations

import itertools
import random
import re
from dataclasses import asdict, dataclass, field

from models.tags import align  # the tagger's own alignment: what it learns to drop
from processor import SpeakError, normalize, process, shell_units, speak

from . import phrasing
from .corpus import page_split
from .phrasing import Speaker, dictated_piece, held_out_in, unit_kind
from processor.render import _number_text
from processor.speech import (CORRECTIONS, FILLERS, HOMOPHONES, PROSE_LEADS, PROSE_TAILS, RESTARTS,
                              WRAPPER_PREFIXES, WRAPPER_SUFFIXES)
from processor.vocabulary import NUMBER_WORDS, SPACE

LEVELS = ("strict", "loose", "natural", "chaotic", "mixed", "voice")

# Prose-only speech full of number and symbol words used as plain English ("a dash of salt"):
# it must come back unchanged. Sentences are composed from templates, and each sentence
# belongs to the train or test split by a stable hash of its text, as tldr pages do.
_PROSE_TEMPLATES = (
    "{num} {things} in the {place}", "add a {bit} of {stuff}", "meet me at {time}",
    "use the {symbol} in the {place}", "we need {num} {things} by {time}",
    "the {key} key is {state}", "he made a dash for the {place}", "it costs {num} dollars",
    "about {num} percent of the {things} are {state}", "that's the {mark} we agreed on",
    "give me {num} minutes", "put a star next to the {things}", "she left at {time}",
    "the quote for the {stuff} was too high", "open the {place} and close the {thing}",
    "less than {num} {things} came", "plus the {num} of us", "it was {num} years ago",
    "a {mark} or a {mark}", "one more thing about the {things}", "we have {num} options",
    "the {stuff} at the {place} was great", "it's a question of {stuff}",
    "send the {things} at {time}", "the pipe under the {place} leaks",
    "{num} {things} and {num} {things}", "the dollar is {state} today",
    "space in the {place} is {state}", "a hundred {things} and then some",
    "call me back at {time} or after {time}", "I read {num} pages at the {place}",
)
_PROSE_SLOTS = {
    "num": ("two", "three", "five", "seven", "ten", "twelve", "twenty", "forty two", "a hundred",
            "ninety nine", "one", "eight", "fifteen", "sixty", "a thousand", "zero"),
    "things": ("files", "chairs", "people", "tickets", "emails", "boxes", "plates", "books",
               "photos", "reports", "cups", "friends", "meetings", "bugs", "slides"),
    "place": ("folder", "kitchen", "office", "hall", "garage", "station", "sink", "garden",
              "library", "park", "lobby", "attic", "corner shop"),
    "bit": ("dash", "pinch", "dot", "touch", "splash"),
    "stuff": ("salt", "pepper", "paint", "lemon", "cream", "time", "coffee", "soup", "taste"),
    "time": ("noon", "five", "ten thirty", "seven", "midnight", "eight fifteen", "two",
             "the station", "dawn"),
    "symbol": ("pipe", "star", "hash", "quote", "tilde", "plus"),
    "key": ("tilde", "dash", "slash", "caret", "space", "period", "comma", "colon"),
    "state": ("broken", "sticky", "fine", "up", "down", "great", "missing", "new"),
    "mark": ("period", "comma", "colon", "dash", "point", "star"),
    "thing": ("window", "door", "lid", "tab", "drawer"),
}


def prose_sentence(rng: random.Random, split: str) -> str:
    """A prose-only sentence of the given split (``corpus.page_split`` of its text)."""
    while True:
        template = rng.choice(_PROSE_TEMPLATES)
        sentence = re.sub(r"\{(\w+)\}", lambda m: rng.choice(_PROSE_SLOTS[m.group(1)]), template)
        if page_split(sentence) == split:
            return sentence



@dataclass
class Row:
    """One labeled pair: what was said, what should be typed, and how to check it."""

    dictated: str
    expected: str
    difficulty: str
    protocol: str | None = None
    span: list[int] | None = None  # [start, end) command words of dictated; None = all
    category: str = ""
    page: str = ""
    id: str = ""
    source: str = "generated"
    extra: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        data = {k: v for k, v in asdict(self).items() if v not in (None, "", {}) and k != "extra"}
        data.update(self.extra)
        return data

    def labels(self) -> list[bool]:
        """One boolean a dictated word: is it part of the command (True) or prose?"""
        n = len(self.dictated.split())
        if self.protocol is None:
            return [False] * n
        start, end = self.span or (0, n)
        return [start <= k < end for k in range(n)]


def category(command: str) -> str:
    """The command's main structural trait, for per-category accuracy (first that applies)."""
    if '"' in command or "'" in command:
        return "quoting"
    if any(c.isupper() for c in command):
        return "casing"
    if any(c.isdigit() for c in command):
        return "numbers"
    if re.search(r"[|&;<>]", command):
        return "operators"
    if "/" in command or "~" in command:
        return "paths"
    if re.search(r"(^|\s)-", command):
        return "flags"
    return "plain"


def _seed(rng: random.Random) -> int:
    return rng.randrange(2**31)


def join_units(units: list[list[str]], loose: bool) -> list[str]:
    words: list[str] = []
    for k, unit in enumerate(units):
        if k and not loose:
            words.append(SPACE)
        words += unit
    return words


def _run_together(words: list[str], rng: random.Random) -> list[str]:
    """Recogniser spellings of casing directives (``camel case`` -> ``camelcase``)."""
    out: list[str] = []
    k = 0
    while k < len(words):
        if k + 1 < len(words) and words[k + 1] in ("case", "caps") and rng.random() < 0.5:
            out.append(words[k] + rng.choice(("", "-")) + words[k + 1])
            k += 2
        else:
            out.append(words[k])
            k += 1
    return out


def checked(row: Row, command: str) -> Row | None:
    """The row if its protocol renders its command and it says something else; else None."""
    if row.protocol is not None and process(row.protocol) != command:
        return None
    if row.dictated == row.expected and row.protocol is not None:
        return None  # no transformation to learn or test
    row.category = row.category or category(command)
    return row


def strict(command: str, rng: random.Random) -> Row | None:
    said = speak(command, seed=_seed(rng))
    return checked(Row(said, command, "strict", protocol=said), command)


def loose(command: str, rng: random.Random) -> Row | None:
    said = _run_together(speak(command, seed=_seed(rng)).split(), rng)
    if SPACE not in said:
        return None  # one shell word: loose and strict are the same utterance
    dictated = [w for w in said if w != SPACE]
    return checked(Row(" ".join(dictated), command, "loose", protocol=" ".join(said)), command)


def _inner(command: str, rng: random.Random) -> tuple[list[list[str]], bool]:
    """A command as units of strict words, and whether it is said loosely (no ``space``)."""
    words = _run_together(speak(command, seed=_seed(rng)).split(), rng)
    return shell_units(" ".join(words)), rng.random() < 0.5


def _with_fillers(units: list[list[str]], loose: bool, rng: random.Random, count: int) -> list[str]:
    """The units' words with up to ``count`` fillers between shell words (``git um push``)."""
    units = [list(u) for u in units]
    for _ in range(count):
        units[rng.randrange(len(units))].insert(0, rng.choice(FILLERS))
    words = join_units(units, loose)
    return words if words[0] not in FILLERS or rng.random() < 0.5 else words[1:]


def natural(command: str, rng: random.Random) -> Row | None:
    units, is_loose = _inner(command, rng)
    inner = join_units(units, is_loose)
    body = _with_fillers(units, is_loose, rng, rng.choice((0, 0, 1, 1, 2)))
    prefix = rng.choice(WRAPPER_PREFIXES).split() if rng.random() < 0.85 else []
    suffix = rng.choice(WRAPPER_SUFFIXES).split() if rng.random() < 0.35 else []
    if not prefix and not suffix and body == inner:
        prefix = rng.choice(WRAPPER_PREFIXES).split()
    dictated = " ".join(prefix + body + suffix)
    return checked(Row(dictated, command, "natural", protocol=" ".join(join_units(units, False))),
                    command)


def _mistake(unit: list[str], rng: random.Random, other: list[list[str]]) -> list[str] | None:
    """A plausible wrong version of one unit: another number, flag letter or word."""
    numbers = [k for k, w in enumerate(unit) if w in NUMBER_WORDS]
    if numbers and rng.random() < 0.7:
        k = rng.choice(numbers)
        wrong = list(unit)
        wrong[k] = rng.choice([w for w in ("one", "two", "three", "four", "five", "six", "seven",
                                           "eight", "nine", "zero") if w != unit[k]])
        return wrong
    if unit[0] == "dash" and len(unit) >= 2 and len(unit[-1]) == 1:
        letters = [c for c in "abcdefghilmnoprstuvx" if c != unit[-1]]
        return unit[:-1] + [rng.choice(letters)]
    candidates = [u for u in other if u != unit]
    return list(rng.choice(candidates)) if candidates else None


def chaotic(command: str, rng: random.Random, other_command: str | None = None) -> Row | None:
    units, is_loose = _inner(command, rng)
    protocol = " ".join(join_units(units, False))
    kind = rng.choices(("correct", "restart", "false start"), weights=(6, 2, 2))[0]
    if kind == "correct" and len(units) >= 2:
        k = rng.randrange(1, len(units))
        wrong = _mistake(units[k], rng, units)
        if wrong is None:
            return None
        said = units[:k] + [wrong + rng.choice(CORRECTIONS).split() + units[k]] + units[k + 1:]
        words = join_units(said, is_loose)
    elif kind == "restart" and other_command:
        try:
            other = shell_units(speak(other_command, seed=_seed(rng)))
        except SpeakError:
            return None
        start = join_units(other[: rng.randint(1, 3)], is_loose)
        words = start + rng.choice(RESTARTS).split() + join_units(units, is_loose)
    else:
        head = join_units(units, is_loose)[: rng.randint(1, 3)]
        words = head + [rng.choice(FILLERS)] + join_units(units, is_loose)
    return checked(Row(" ".join(words), command, "chaotic", protocol=protocol), command)


def spoken_prose(text: str) -> str:
    """English text as a person says it: lower case, digits as number words, no symbols."""
    text = re.sub(r"\d+", lambda m: " ".join(speak(m.group()).split()), text.lower())
    return " ".join(re.sub(r"[^a-z' ]+", " ", text).split())


def mixed(command: str, rng: random.Random, description: str = "", split: str = "train") -> Row | None:
    """Prose with the command inside (kept word for word), or prose alone (unchanged).

    ``description`` is the corpus sentence of the command's page (prose of the same split);
    ``split`` picks which half of the composed prose sentences to draw from.
    """
    if rng.random() < 0.2:
        prose = spoken_prose(description) if description and rng.random() < 0.5 else ""
        prose = prose or prose_sentence(rng, split)
        return Row(prose, prose, "mixed", category="prose")
    protocol = speak(command, seed=_seed(rng))
    words = protocol.split()
    if rng.random() < 0.3:
        words = [w for w in words if w != SPACE]  # said loosely inside the prose
    described = spoken_prose(description).split()[:8]
    if described and rng.random() < 0.4:
        lead = ["to"] + described + [rng.choice(("run", "use", "type"))]
    else:
        lead = rng.choice(PROSE_LEADS).split()
    tail = rng.choice(PROSE_TAILS).split()
    row = Row(" ".join(lead + words + tail), " ".join(lead + [command] + tail), "mixed",
              protocol=protocol, span=[len(lead), len(lead) + len(words)])
    return checked(row, command)


def voice_unit(words: list[str], rng: random.Random) -> tuple[list[str], list[str]]:
    """What a recogniser writes for one unit's words, and the clean words it means."""
    heard: list[str] = []
    meant: list[str] = []
    k = 0
    while k < len(words):
        run = k
        while run < len(words) and words[run] in NUMBER_WORDS:
            run += 1
        if run > k and rng.random() < 0.6:  # number words written as digits
            digits = _number_text([NUMBER_WORDS[w] for w in words[k:run]])
            heard.append(digits)
            meant.append(digits)
            k = run
            continue
        word = words[k]
        if word in HOMOPHONES and rng.random() < 0.4:
            heard.append(rng.choice(HOMOPHONES[word]))
        elif len(word) <= 3 and word.isalpha() and rng.random() < 0.15:
            heard.append(word.upper())
        elif rng.random() < 0.08:
            heard.append(word.capitalize())
        else:
            heard.append(word)
        if rng.random() < 0.06:
            heard[-1] += ","
        meant.append(word)
        k += 1
    return heard, meant


def voice(command: str, rng: random.Random) -> Row | None:
    """A recogniser's transcript: capitals, sentence punctuation, digits, homophones."""
    units, is_loose = _inner(command, rng)
    is_loose = is_loose and rng.random() < 0.5
    heard_units, meant_units = zip(*(voice_unit(u, rng) for u in units))
    heard = join_units(list(heard_units), is_loose)
    heard[0] = heard[0][:1].upper() + heard[0][1:]
    if rng.random() < 0.7:
        heard[-1] += rng.choice((".", ".", ".", "?"))
    protocol = " ".join(join_units(list(meant_units), False))
    return checked(Row(" ".join(heard), command, "voice", protocol=protocol), command)


# The same levels said with combinatorial phrasing (``bench.phrasing``) of one side.

def _framed_row(row: Row | None, s: Speaker) -> Row | None:
    """The row, marked as unseen phrasing with its held-out components (None if it drew
    none: every pool of its side was empty)."""
    if row is None or s.on == "train":
        return row
    phrases = s.phrases()
    if not phrases:
        return None
    row.extra = {"phrasing": "unseen", "phrases": phrases}
    return row


def says_held_out(row: Row) -> bool:
    """Whether a row's speech (the words its command does not use) says a component of the
    dev or test phrasing, even by chance (``hmm`` twice is the held-out ``hmm hmm``): no
    training row may."""
    return any(held_out_in(run) for run in speech_runs(row.dictated, row.protocol))


def speech_runs(dictated: str, protocol: str | None) -> list[str]:
    """The runs of words said that the command does not use (wrappers, fillers, corrections,
    prose), as the tagger learns to drop them; the whole text when no tagging reaches the
    protocol. What ``dictbash data check`` searches for held-out phrasing."""
    words = normalize(dictated).split()
    tags = align(words, protocol.split()) if protocol else None
    if tags is None:
        return [" ".join(words)]
    return [" ".join(w for w, _ in group) for dropped, group in
            itertools.groupby(zip(words, tags), key=lambda wt: wt[1] == "drop") if dropped]


def _piece(command: str, rng: random.Random) -> tuple[str, str, list[list[str]], bool]:
    """(what is dictated, the slot kind that names it, its units, said loosely?)."""
    text = dictated_piece(command, rng)
    units, is_loose = _inner(text, rng)
    return text, "command" if text == command else unit_kind(text), units, is_loose


def _described(description: str) -> list[str]:
    """The first clause of a tldr description as said (a lead or a tail, not a paragraph)."""
    return spoken_prose(re.split(r"[,;:(]", description)[0]).split()[:12]


def natural_framed(command: str, rng: random.Random, on: str, description: str = "") -> Row | None:
    """A command or one value of it, framed by discourse, a lead, fillers, asides and tails."""
    s = Speaker(on, rng)
    text, kind, units, is_loose = _piece(command, rng)
    described = _described(description)
    before = phrasing.lead(s, kind, kind == "command", described) if rng.random() < 0.85 else []
    after = phrasing.tail(s, described)
    if not before and not after:
        before = phrasing.lead(s, kind, kind == "command", described)
    body = join_units(phrasing.with_asides(units, s, kind, rng.choice((0, 0, 1, 1, 2))), is_loose)
    row = Row(" ".join(before + body + after), text, "natural",
              protocol=" ".join(join_units(units, False)))
    return _framed_row(checked(row, text), s)


def chaotic_framed(command: str, rng: random.Random, on: str, other_command: str | None = None,
                   description: str = "") -> Row | None:
    """Self-correction in many shapes: a unit fixed (``X no wait Y``, ``not X I meant Y``), a
    casing style fixed, the whole command redone, asides; sometimes two fixes, and a frame."""
    s = Speaker(on, rng)
    text, kind, units, is_loose = _piece(command, rng)
    said = [list(u) for u in units]
    shape = rng.choices(("fix", "not", "redo", "casing", "aside"), weights=(5, 2, 2, 1, 2))[0]
    fixes = 2 if rng.random() < 0.2 else 1
    for k in rng.sample(range(len(units)), min(fixes, len(units))):
        casing = shape == "casing" and len(units[k]) > 2 and units[k][1] == "case"
        wrong = ([rng.choice([c for c in phrasing.MISTAKEN_CASE_STYLES if c != units[k][0]]), "case"]
                 if casing else _mistake(units[k], rng, units))
        if wrong is None or shape in ("redo", "aside"):
            continue
        if shape == "not":
            said[k] = wrong + s.say("not_before") + ["not"] + wrong + s.say("not_after") + units[k]
        else:
            said[k] = wrong + s.say("fix") + units[k]
    words = join_units(phrasing.with_asides(said, s, kind, rng.choice((0, 1, 1, 2))), is_loose)
    if shape == "aside" and len(units) >= 2:
        k = rng.randrange(1, len(units))
        words = join_units(said[:k], is_loose) + s.aside(kind) + join_units(said[k:], is_loose)
    if shape == "redo" or words == join_units(units, is_loose):
        if other_command and rng.random() < 0.5:
            start = join_units(_inner(other_command, rng)[0][: rng.randint(1, 3)], is_loose)
        else:
            start = join_units(units[: rng.randint(1, len(units))], is_loose)
        words = start + s.say("redo") + words
    described = _described(description)
    before = phrasing.lead(s, kind, kind == "command", described) if rng.random() < 0.4 else []
    after = phrasing.tail(s, described) if rng.random() < 0.4 else []
    row = Row(" ".join(before + words + after), text, "chaotic",
              protocol=" ".join(join_units(units, False)))
    return _framed_row(checked(row, text), s)


def mixed_framed(command: str, rng: random.Random, on: str, description: str = "",
                 split: str = "train") -> Row | None:
    """Prose around a command (kept word for word), or prose alone, with composed leads."""
    s = Speaker(on, rng)
    described = _described(description)
    if rng.random() < 0.2:
        prose = spoken_prose(description) if description and rng.random() < 0.5 else ""
        prose = prose or prose_sentence(rng, split)
        text = " ".join(s.say("prose_lead") + prose.split())
        return _framed_row(Row(text, text, "mixed", category="prose"), s)
    protocol = speak(command, seed=_seed(rng))
    words = protocol.split()
    if rng.random() < 0.3:
        words = [w for w in words if w != SPACE]
    if described and rng.random() < 0.3:
        lead = ["to"] + described[:8] + s.say("prose_verb")
    else:
        lead = s.say("prose_lead") + s.say("prose_verb")
    choice = rng.random()
    if choice < 0.5:
        tail = s.say("prose_tail")
    elif choice < 0.7 and described:
        tail = s.say("tail_link") + described[:8]
    else:
        tail = []
    row = Row(" ".join(lead + words + tail), " ".join(lead + [command] + tail), "mixed",
              protocol=protocol, span=[len(lead), len(lead) + len(words)])
    return _framed_row(checked(row, command), s)


def voice_framed(command: str, rng: random.Random, on: str, description: str = "") -> Row | None:
    """A recogniser's transcript of framed natural speech: capitals, commas, digits, homophones."""
    s = Speaker(on, rng)
    text, kind, units, is_loose = _piece(command, rng)
    is_loose = is_loose and rng.random() < 0.5
    heard_units, meant_units = zip(*(voice_unit(u, rng) for u in units))
    described = _described(description)
    before = phrasing.lead(s, kind, kind == "command", described) if rng.random() < 0.8 else []
    after = phrasing.tail(s, described) if rng.random() < 0.5 else []
    if not before and not after:
        before = phrasing.lead(s, kind, kind == "command", described)
    if before and rng.random() < 0.4:
        before[-1] += ","
    heard = before + join_units(list(heard_units), is_loose) + after
    heard[0] = heard[0][:1].upper() + heard[0][1:]
    if rng.random() < 0.7:
        heard[-1] += rng.choice((".", ".", ".", "?"))
    row = Row(" ".join(heard), text, "voice", protocol=" ".join(join_units(list(meant_units), False)))
    return _framed_row(checked(row, text), s)


GENERATORS = {"strict": strict, "loose": loose, "natural": natural, "chaotic": chaotic,
              "mixed": mixed, "voice": voice}
FRAMED = ("natural", "chaotic", "mixed", "voice")
"""Levels that have phrasing around the command, said with ``bench.phrasing`` when asked."""
TRAIN_FRAMED_SHARE = 0.5
"""Share of the training rows of ``FRAMED`` levels said with train-side combinatorial
phrasing (the rest with the runtime's closed lists)."""


def training_side(level: str, rng: random.Random) -> str | None:
    """The phrasing a training row of ``level`` is said in: train-side components for
    ``TRAIN_FRAMED_SHARE`` of the framed levels' rows, else the runtime's closed lists."""
    return "train" if level in FRAMED and rng.random() < TRAIN_FRAMED_SHARE else None


def generate(level: str, command: str, rng: random.Random, *, description: str = "",
             other_command: str | None = None, split: str = "train",
             phrasing_side: str | None = None) -> Row | None:
    """One row of ``level`` for ``command``, or None when this command cannot make one.

    ``description``, ``other_command`` and ``split`` must come from the same split as
    ``command``, so that nothing of a test page reaches training data. ``phrasing_side``
    (``train``, ``dev``, ``test``) says a framed level with that side's combinatorial
    phrasing; None says it with the runtime's closed lists. A training row (train split,
    train or closed-list phrasing) never says a held-out component (``says_held_out``).
    """
    row = _generate(level, command, rng, description, other_command, split, phrasing_side)
    training = split == "train" and phrasing_side in (None, "train")
    return None if row is not None and training and says_held_out(row) else row


def _generate(level: str, command: str, rng: random.Random, description: str,
              other_command: str | None, split: str, phrasing_side: str | None) -> Row | None:
    try:
        if phrasing_side is not None and level in FRAMED:
            if level == "chaotic":
                return chaotic_framed(command, rng, phrasing_side, other_command, description)
            if level == "mixed":
                return mixed_framed(command, rng, phrasing_side, description, split)
            maker = natural_framed if level == "natural" else voice_framed
            return maker(command, rng, phrasing_side, description)
        if level == "chaotic":
            return chaotic(command, rng, other_command)
        if level == "mixed":
            return mixed(command, rng, description, split)
        return GENERATORS[level](command, rng)
    except SpeakError:
        return None
