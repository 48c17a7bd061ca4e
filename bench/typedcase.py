"""``dictbash data typedcase``: dictations whose case is typed, for PROTOCOL.md section 4.

People who type dictation (and recognisers that write case on purpose) give a word's case
with the word: ``git log HEAD tilde two``, ``cd slash Applications``, ``gradle
assembleRelease``, ``capital HEAD``, ``all caps API underscore KEY``. The engine must keep
it. These rows are the shared level generators' rows of commands with capitals, with their
casing directives rewritten as typed words (``typed_case``), meaning unchanged: every row's
``protocol`` still renders its command. Voice rows keep the recogniser's digits, homophones
and punctuation but not its random capitals, since here case is meant.

Rows come from test pages (``bench/data/typedcase.jsonl``) or, with ``--fold``, from the
train pages of one fold (a development set).
"""

from __future__ import annotations

import argparse
import random
import zlib
from pathlib import Path

from processor import process
from processor.normalize import sentence_capital
from processor.vocabulary import ALL_CAPS, CAPITAL, CASING_PHRASES, NUMBER_WORDS, PROTOCOL_WORDS

from .corpus import commands, page_fold
from .levels import LEVELS, generate
from .records import write_jsonl

DATA = Path(__file__).parent / "data"
_LONGEST = max(len(p) for p in CASING_PHRASES)


def _plain(word: str) -> bool:
    """A word that types itself in any case: letters, no protocol or number word."""
    return word.isalpha() and word.lower() not in PROTOCOL_WORDS and word.lower() not in NUMBER_WORDS


def _directive(words: list[str], i: int) -> tuple[str, int] | None:
    """The casing directive said at ``words[i:]`` and its length in words, if one is."""
    for n in range(_LONGEST, 0, -1):
        meaning = CASING_PHRASES.get(tuple(w.lower() for w in words[i:i + n]))
        if meaning is not None:
            return meaning, n
    return None


def _pick(word: str, options: int) -> int:
    """A choice among ``options`` that depends on the word alone, so the same directive and
    word are rewritten the same way in ``dictated`` and in ``protocol``."""
    return zlib.crc32(word.encode()) % options


def typed_case(words: list[str]) -> tuple[list[str], list[int]]:
    """The words with casing directives rewritten as typed case, and for each input word
    the index of the output word it went to (a directive goes where its word goes). A
    ``... case`` scope is read as the protocol reads it: all the plain words that follow.

    ``capital head`` -> ``Head`` or ``capital Head``; ``all caps head`` -> ``HEAD``, ``all
    caps HEAD`` or ``capital HEAD``; ``camel case assemble release`` -> ``assembleRelease``;
    ``screaming case max retries`` -> ``MAX underscore RETRIES``. Others stay as said."""
    out: list[str] = []
    where: list[int] = []
    i = 0
    while i < len(words):
        found = _directive(words, i)
        if found is None:
            where.append(len(out))
            out.append(words[i])
            i += 1
            continue
        meaning, n = found
        scope = i + n
        if meaning in (CAPITAL, ALL_CAPS) and scope < len(words) and _plain(words[scope]):
            word = words[scope]
            typed = word[:1].upper() + word[1:] if meaning == CAPITAL else word.upper()
            options = [[typed], [words[i], typed]] if meaning == CAPITAL else [
                [typed], [*words[i:scope], typed], ["capital", typed]]
            chosen = options[_pick(word, len(options))] if len(typed) > 1 else [typed]
            where += [len(out)] * (n + 1)
            out += chosen
            i = scope + 1
            continue
        end = scope
        while end < len(words) and _plain(words[end]):
            end += 1
        parts = [w.lower() for w in words[scope:end]]
        if meaning in ("camel", "pascal") and len(parts) > 1:
            first = parts[0] if meaning == "camel" else parts[0].capitalize()
            where += [len(out)] * (end - i)
            out.append(first + "".join(p.capitalize() for p in parts[1:]))
            i = end
            continue
        if meaning == "screaming" and len(parts) > 1:
            where += [len(out)] * n
            for k, part in enumerate(parts):
                if k:
                    out.append("underscore")
                where.append(len(out))
                out.append(part.upper())
            i = end
            continue
        where += list(range(len(out), len(out) + n))
        out += words[i:scope]
        i = scope
    return out, where


def typed_row(row: dict) -> dict | None:
    """``row`` (a level generator's) with its case typed, or None when nothing in it is
    typed differently, its meaning would change, or its first word would read as a
    sentence capital (which typed text drops, PROTOCOL.md section 4)."""
    said = row["dictated"].split()
    if row["difficulty"] == "voice":  # the recogniser's capitals are not meant here
        said = [w.lower() for w in said]
    dictated, where = typed_case(said)
    protocol = typed_case(row["protocol"].split())[0] if "protocol" in row else None
    if (dictated == said or " ".join(dictated) == row["expected"] or not protocol
            or process(" ".join(protocol)) != process(row["protocol"])
            or not _typed(dictated) <= _typed(protocol)):  # a loose scope read too far
        return None
    first = dictated[0]
    if sentence_capital(first):
        return None
    if row["difficulty"] == "voice" and first.islower():  # a recogniser's sentence capital
        dictated[0] = first[:1].upper() + first[1:]
    typed = {**row, "dictated": " ".join(dictated), "protocol": " ".join(protocol),
             "from_recogniser": False}
    if "span" in row:
        start, end = row["span"]
        typed["span"] = [where[start], where[end - 1] + 1]
        prose = said[:start] + said[end:]
        if dictated[:typed["span"][0]] + dictated[typed["span"][1]:] != prose:
            return None
    return typed


def _typed(words: list[str]) -> set[str]:
    """The words that carry typed case."""
    return {w for w in words if w != w.lower()}


def build(per_level: int = 60, seed: int = 0, fold: int | None = None) -> list[dict]:
    """``per_level`` typed-case rows a level, from test pages (or the train pages of
    ``fold``) whose commands have capitals, deterministic in ``seed``."""
    split = "test" if fold is None else "train"
    pool = [(example, command) for example, command in commands(split=split, seed=seed)
            if any(c.isupper() for c in command)
            and (fold is None or page_fold(example.page) == fold)]
    rows: list[dict] = []
    seen: set[str] = set()
    for level in LEVELS:
        rng = random.Random(f"typedcase-{seed}-{level}")
        count = 0
        for k in rng.sample(range(len(pool)), len(pool)):
            example, command = pool[k]
            row = generate(level, command, rng, description=example.description,
                           other_command=pool[rng.randrange(len(pool))][1], split=split)
            row = typed_row({**row.to_json(), "page": example.page}) if row else None
            if row is None or row["dictated"] in seen:
                continue
            seen.add(row["dictated"])
            row["id"] = f"typedcase-{level}-{count:03d}"
            row["source"] = "generated, typed case"
            rows.append(row)
            count += 1
            if count == per_level:
                break
    return rows


def add_typedcase_parser(data_subparsers) -> None:
    make = data_subparsers.add_parser(
        "typedcase", help="build the typed-case set (bench/data/typedcase.jsonl)",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n  dictbash data typedcase\n"
               "  dictbash data typedcase --fold 0 --out dev   # a development set")
    make.add_argument("--per-level", type=int, default=60)
    make.add_argument("--seed", type=int, default=0)
    make.add_argument("--fold", type=int, help="train pages of this fold instead of test pages")
    make.add_argument("--out", type=Path, default=DATA, help="folder (default: bench/data)")
    make.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    rows = build(args.per_level, args.seed, args.fold)
    args.out.mkdir(parents=True, exist_ok=True)
    write_jsonl(args.out / "typedcase.jsonl", rows)
    print(f"typedcase {len(rows):4d} rows -> {args.out / 'typedcase.jsonl'}")
    return 0
