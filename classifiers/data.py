"""The classifiers' training data, generated in memory from TRAIN pages only.

Rows come from the shared level generators (``bench.levels``) over ``corpus.commands("train")``,
so the gate and segmenter learn the same levels the held-out sets in ``bench/data`` test, and
no test page reaches them. Hard negatives are added where the generated levels are thin:
prose-only speech full of number and symbol words, spoken tldr descriptions, and mixed speech
whose prose around the command holds such words too (``I ran make space dash j four and it
took ten seconds``); for the gate, short commands said loosely (``ls minus la``, which reads
as one strict shell word), strict speech of one shell word (``nvidia dash smi``), and strict
speech with one cue at a time. Everything is seeded and deterministic; nothing is written to
disk.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from bench.corpus import Example, commands
from bench.levels import (Row, checked, generate, join_units, prose_sentence, says_held_out,
                          shell_units,
                          spoken_prose, voice_unit)
from processor import SpeakError, normalize, process, speak
from processor.speech import (CORRECTIONS, FILLERS, HOMOPHONES, PROSE_LEADS, RESTARTS,
                              WRAPPER_PREFIXES, WRAPPER_SUFFIXES)

SPLIT = "train"
CONNECTORS = ("and", "then", "so", "because", "but", "and then", "after that")
"""Words that join an extra prose sentence to mixed speech in the augmented rows."""
LEAD_VERBS = tuple(sorted({lead.split()[-1] for lead in PROSE_LEADS}))
"""The verbs the generator's prose leads end in (``run``, ``use``, ``try``...)."""


@dataclass
class TrainingSet:
    """Rows for the gate and the segmenter, strict rows to set the gate's threshold on, and
    the program names the gate knows."""

    gate: list[Row]
    segmenter: list[Row]
    calibration: list[Row]
    programs: tuple[str, ...]


def gate_label(dictated: str, expected: str) -> int:
    """1 when the processor alone does not type what was meant (the gate's target)."""
    return int(process(normalize(dictated)) != expected)


def _prose_row(rng: random.Random, pool: list[tuple[Example, str]]) -> Row:
    """A prose-only utterance: a composed sentence, a spoken description, or two joined."""
    choice = rng.random()
    if choice < 0.4:
        text = prose_sentence(rng, SPLIT)
    elif choice < 0.8:
        text = spoken_prose(rng.choice(pool)[0].description) or prose_sentence(rng, SPLIT)
    else:
        text = f"{prose_sentence(rng, SPLIT)} {rng.choice(CONNECTORS)} {prose_sentence(rng, SPLIT)}"
    return Row(text, text, "mixed", category="prose")


def _extra_prose(rng: random.Random, pool: list[tuple[Example, str]]) -> list[str]:
    """A few words of prose: a composed sentence or a spoken tldr description."""
    text = prose_sentence(rng, SPLIT) if rng.random() < 0.5 else spoken_prose(
        rng.choice(pool)[0].description)
    words = text.split()
    start = rng.randrange(max(len(words) - 3, 1)) if rng.random() < 0.3 else 0
    return words[start:start + rng.randint(2, 10)]


def _augmented(row: Row, rng: random.Random, pool: list[tuple[Example, str]]) -> Row:
    """A mixed row with other prose around the command (number and symbol words included).

    The generator's prose is a fixed list of leads and tails; people say anything, so the
    lead may be replaced by prose ending in a verb of those leads (``the build took ten
    minutes so try``) or get prose before it, and the tail gets prose with or without a
    joining word.
    """
    words = row.dictated.split()
    start, end = row.span
    lead, command, tail = words[:start], words[start:end], words[end:]
    said_command = row.expected.split(" ")[start:len(row.expected.split(" ")) - len(tail)]
    choice = rng.random()
    if choice < 0.3:
        lead = _extra_prose(rng, pool) + rng.choice(CONNECTORS).split() + lead
    elif choice < 0.6:
        lead = _extra_prose(rng, pool) + [rng.choice(LEAD_VERBS)]
    choice = rng.random()
    if choice < 0.4:
        tail = tail + rng.choice(CONNECTORS).split() + _extra_prose(rng, pool)
    elif choice < 0.7:
        tail = _extra_prose(rng, pool)
    return Row(" ".join(lead + command + tail), " ".join(lead + said_command + tail), "mixed",
               protocol=row.protocol, span=[len(lead), len(lead) + len(command)],
               category=row.category, page=row.page)


_TYPED = set("./:-~_@")


def _typed_voice(command: str, rng: random.Random) -> Row | None:
    """A transcript in which the recogniser typed some shell words out (``requirements.txt``).

    The level generators' voice rows never do this, but recognisers do for file names,
    paths, addresses and hyphenated names, and the handwritten set has such rows.
    """
    units = shell_units(speak(command, seed=rng.randrange(2**31)))
    heard, meant = [], []
    for unit in units:
        text = process(" ".join(unit))
        typed = text.isascii() and " " not in text and '"' not in text and "'" not in text
        if typed and not _TYPED.isdisjoint(text) and rng.random() < 0.6:
            heard.append([text])
            meant.append(unit)
        else:
            said, clean = voice_unit(unit, rng)
            heard.append(said)
            meant.append(clean)
    if not any(len(h) == 1 and len(u) > 1 for h, u in zip(heard, units)):
        return None  # nothing typed out: the generator's voice rows cover that
    words = join_units(heard, loose=rng.random() < 0.5)
    words[0] = words[0][:1].upper() + words[0][1:]
    if rng.random() < 0.7:
        words[-1] += "."
    return checked(Row(" ".join(words), command, "voice",
                        protocol=" ".join(join_units(meant, False))), command)


def _one_cue(command: str, rng: random.Random) -> Row | None:
    """Strict speech with exactly one thing the processor cannot handle.

    Generated natural, chaotic and voice rows mix several (a wrapper and fillers, a
    correction inside loose speech); a classifier trained only on them can lean on the
    easiest and give the others too little weight. One cue at a time teaches each. A
    homophone needs a number word that has one (``two``, ``four``, ``eight``), which few
    commands say, so such a command gets that cue half the time.
    """
    said = speak(command, seed=rng.randrange(2**31))
    units = shell_units(said)
    spots = [i for i, w in enumerate(said.split()) if w in HOMOPHONES]
    cue = "homophone" if spots and rng.random() < 0.5 else rng.choice(
        ("filler", "correction", "restart", "prefix", "suffix"))
    if cue == "filler" and len(units) > 1:
        units.insert(rng.randrange(1, len(units)), [rng.choice(FILLERS)])
        words, level = join_units(units, False), "natural"
    elif cue == "correction":
        k = rng.randrange(len(units))
        wrong = rng.choice(units)
        units[k] = wrong + rng.choice(CORRECTIONS).split() + units[k]
        words, level = join_units(units, False), "chaotic"
    elif cue == "restart":  # a false start of the same command, then all of it
        start = join_units(units[:rng.randint(1, 3)], False)
        words, level = start + rng.choice(RESTARTS).split() + said.split(), "chaotic"
    elif cue == "prefix":
        words, level = rng.choice(WRAPPER_PREFIXES).split() + said.split(), "natural"
    elif cue == "suffix":
        words, level = said.split() + rng.choice(WRAPPER_SUFFIXES).split(), "natural"
    elif spots:
        words = said.split()
        i = rng.choice(spots)
        words[i] = rng.choice(HOMOPHONES[words[i]])
        level = "voice"
    else:
        return None
    return checked(Row(" ".join(words), command, level, protocol=said), command)


SHORT_WORDS = 3
"""Shell words of the longest command ``short_commands`` keeps."""


def short_commands(pool: list[tuple[Example, str]],
                   programs: tuple[str, ...]) -> list[tuple[Example, str]]:
    """Short commands of known programs whose second shell word is a short flag, a path or
    a number (``ls -la``, ``du -sh .``, ``cd ~/projects``, ``kill -9 1234``).

    Said loosely, such a command is a few words with no ``space`` in which the program's
    name is glued to a symbol or a number: one shell word when read strictly (``ls-la``,
    ``cd~/projects``), which is what strict speech of a hyphenated name looks like (``nvidia
    dash smi``). The generated levels draw commands of every length, most of them with a
    subcommand word or a ``--long`` flag after the program (``dash dash help`` is no strict
    name), so few such rows reach the gate; the ``short`` rows are drawn from these.
    """
    known = frozenset(programs)
    keep = []
    for example, command in pool:
        words = command.split()
        if (2 <= len(words) <= SHORT_WORDS and words[0] in known
                and not words[1][:1].isalpha() and not words[1].startswith("--")):
            keep.append((example, command))
    return keep


def _one_word(command: str, rng: random.Random) -> Row | None:
    """A command of one shell word said strictly (``nvidia dash smi``, ``mate minus calc minus
    cmd``): no ``space`` in it, as in loose speech, and still the processor's."""
    if len(command.split()) != 1:
        return None
    return generate("strict", command, rng)


def _short(command: str, rng: random.Random) -> Row | None:
    """A short command said loosely, in words or as a recogniser writes it (capitals,
    digits, a full stop)."""
    row = generate("loose", command, rng)
    if row is None or rng.random() < 0.5:
        return row
    heard, _ = voice_unit(row.dictated.split(), rng)
    heard[0] = heard[0][:1].upper() + heard[0][1:]
    if rng.random() < 0.7:
        heard[-1] += "."
    return checked(Row(" ".join(heard), command, "voice", protocol=row.protocol), command)


_MAKERS = {"typed voice": _typed_voice, "one cue": _one_cue, "short": _short,
           "one word": _one_word}


def _rows(pool: list[tuple[Example, str]], rng: random.Random, counts: dict[str, int],
          augment: float = 0.0) -> list[Row]:
    """``counts[level]`` rows of each level (``"prose"``: prose-only rows) from ``pool``."""
    rows: list[Row] = []
    for level, count in counts.items():
        made = 0
        while made < count:
            if level == "prose":
                row = _prose_row(rng, pool)
                if not says_held_out(row):
                    rows.append(row)
                    made += 1
                continue
            example, command = rng.choice(pool)
            try:
                row = _MAKERS[level](command, rng) if level in _MAKERS else generate(
                    level, command, rng, description=example.description,
                    other_command=rng.choice(pool)[1], split=SPLIT)
            except SpeakError:
                continue
            if row is None:
                continue
            if row.span is not None and rng.random() < augment:
                row = _augmented(row, rng, pool)
            if says_held_out(row):
                continue  # a held-out component said by chance (``hmm`` twice)
            row.page = example.page
            rows.append(row)
            made += 1
    return rows


GATE_COUNTS = {"strict": 590, "one word": 10, "voice": 380, "loose": 260, "one cue": 260,
               "typed voice": 80, "natural": 35, "chaotic": 35, "mixed": 35, "prose": 35}
"""Rows of each kind the gate trains on: small enough to fit in tens of milliseconds, weighted
to where its decisions are hard (strict against loose and voice). ``one word``: strict speech
of one shell word (``_one_word``), the strict rows that read most like loose speech; the mix
(10 of them, the default ``zero_weight``) was chosen on generated rows of train pages
(another seed), scored as the held-out sets are."""
SHORT_ROWS = 150
"""Gate rows of short commands said loosely (``short_commands``)."""
SEGMENTER_COUNTS = {"strict": 100, "loose": 300, "natural": 300, "chaotic": 250, "mixed": 1250,
                    "voice": 250, "prose": 700}
"""Rows of each kind the segmenter trains on; ``AUGMENT`` of the mixed rows get other prose."""
AUGMENT = 0.7


CALIBRATION = 3000
"""Strict rows the gate's threshold is set on (``Gate.calibrate``)."""


def program_names(pool: list[tuple[Example, str]], min_pages: int = 2) -> tuple[str, ...]:
    """Words that start commands on at least ``min_pages`` tldr pages: the common programs.

    A program known from one page only (its own) is no help on other pages, and would teach
    the gate that every training command's program is known, which no new page's is.
    """
    pages: dict[str, set[str]] = {}
    for example, command in pool:
        word = command.split()[0] if command.split() else ""
        if word.isalpha() and word.islower():
            pages.setdefault(word, set()).add(example.page)
    return tuple(sorted(w for w, p in pages.items() if len(p) >= min_pages))


def training_set(seed: int = 0) -> TrainingSet:
    """The deterministic training rows for ``seed`` (TRAIN pages only)."""
    pool = commands(split=SPLIT, seed=seed)
    programs = program_names(pool)
    rng = random.Random(f"gate-{seed}")
    return TrainingSet(
        gate=_rows(pool, rng, GATE_COUNTS)
        + _rows(short_commands(pool, programs), rng, {"short": SHORT_ROWS}),
        segmenter=_rows(pool, random.Random(f"segmenter-{seed}"), SEGMENTER_COUNTS, AUGMENT),
        calibration=_rows(pool, random.Random(f"calibration-{seed}"), {"strict": CALIBRATION}),
        programs=programs,
    )
