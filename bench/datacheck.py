"""``dictbash data check``: the check every dataset passes before it is trained or evaluated on.

It fails (exit 1, each problem named by file and line) on rows that do not parse, identity
pairs (input equals output: nothing to learn; allowed only for prose-only eval rows, whose
point is to come back unchanged), duplicate pairs, pairs shared between two of the files
checked together (a training file and a test file share nothing), chat rows whose system
prompt is not the project's one definition, rows whose ``protocol`` text does not render
to the expected output, and unseen-phrasing rows (``"phrasing": "unseen"``) any of whose
held-out ``phrases`` occurs, as whole words and in any case, in the speech of a training row
(the words its command does not use, ``levels.speech_runs``): a chat row's user message in any
file checked, or the ``dictated`` text of a file given with ``--train`` (its unseen rows
excepted). Such a leak would make "unseen" figures measure recall; a held-out word inside a
training command (``add`` in ``ip r add``) is no phrasing.
"""

from __future__ import annotations

import argparse
import re
import sys
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path

from models.prompt import SYSTEM_PROMPT
from processor import process

from .evaluate import PHRASINGS
from .levels import speech_runs
from .records import BadRow, read_rows


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def _labeled_pair(row: dict) -> tuple[str, str] | str:
    """(input, output) of an eval row, or what is wrong with it."""
    dictated, expected = row.get("dictated"), row.get("expected")
    if not isinstance(dictated, str) or not isinstance(expected, str):
        return "needs string fields 'dictated' and 'expected'"
    protocol = row.get("protocol")
    if protocol is not None:
        rendered = process(protocol)
        span = row.get("span")
        if span is not None:
            words = dictated.split()
            rendered = " ".join(words[: span[0]] + [rendered] + words[span[1]:])
        if rendered != expected:
            return f"protocol renders {rendered!r}, not the expected {expected!r}"
    phrasing, phrases = row.get("phrasing", "seen"), row.get("phrases")
    if phrasing not in PHRASINGS:
        return f"'phrasing' must be {' or '.join(map(repr, PHRASINGS))}, not {phrasing!r}"
    if phrasing == "unseen" and not (isinstance(phrases, list) and phrases and all(
            isinstance(p, str) and p.strip() for p in phrases)):
        return "an unseen row needs 'phrases': a list of the phrases held out of training"
    if dictated == expected and row.get("category") != "prose":
        return "identity pair: dictated equals expected (allowed only for category 'prose')"
    return dictated, expected


def _chat_pair(row: dict) -> tuple[str, str] | str:
    """(user, assistant) of an mlx-lm chat row, or what is wrong with it."""
    messages = row["messages"]
    if not (isinstance(messages, list) and all(isinstance(m, dict) for m in messages)):
        return "'messages' must be a list of objects"
    roles = [m.get("role") for m in messages]
    if roles != ["system", "user", "assistant"]:
        return f"messages must be system, user, assistant; found {roles}"
    if messages[0].get("content") != SYSTEM_PROMPT:
        return "system prompt differs from models.prompt.SYSTEM_PROMPT"
    user, answer = messages[1].get("content"), messages[2].get("content")
    if not isinstance(user, str) or not isinstance(answer, str):
        return "message contents must be strings"
    if user == answer:
        return "identity pair: the answer repeats the input"
    return user, answer


def _is_word(text: str, index: int) -> bool:
    """Whether ``text[index]`` exists and is a word character (a regular expression's
    ``\\w``)."""
    return 0 <= index < len(text) and (text[index].isalnum() or text[index] == "_")


_SLOT = re.compile(r"\{\w+\}")
"""A slot in a phrase component (``where's that {noun}``), filled by other words when said."""


def _whole_words_at(phrase: str, text: str) -> int | None:
    """Where ``phrase`` first occurs in ``text`` as whole words (no word character either
    side, any whitespace between its words, a slot standing for one to three words), or None.
    The pattern starts with a literal where the phrase does, so that the search skips ahead
    fast: a lookbehind there made it about 25 times slower (600 phrases, 20,000 training
    rows: 0.7 to 0.8 s)."""
    pattern = re.compile(r"\s+".join(r"\S+(?:\s+\S+){0,2}?" if _SLOT.fullmatch(word)
                                     else re.escape(word) for word in phrase.split()))
    match = pattern.search(text)
    while match:
        if not (_is_word(text, match.start() - 1) or _is_word(text, match.end())):
            return match.start()
        match = pattern.search(text, match.start() + 1)
    return None


def _leaks(unseen: list[tuple[str, int, list[str]]],
           training: list[tuple[str, int, str]]) -> list[Problem]:
    """A problem for each held-out phrase of an unseen row (file, line, phrases) found in a
    training input (file, line, text); each phrase is searched once, in one string of every
    training input (case-folded, joined by NUL, which no phrase crosses)."""
    texts = [text.casefold() for _, _, text in training]
    joined = "\0".join(texts)
    starts = list(accumulate((len(t) + 1 for t in texts[:-1]), initial=0))
    where: dict[str, str | None] = {}
    problems = []
    for name, line, phrases in unseen:
        for phrase in phrases:
            if phrase not in where:
                at = _whole_words_at(phrase.casefold(), joined) if texts else None
                if at is None:
                    where[phrase] = None
                else:
                    source, source_line, _ = training[bisect_right(starts, at) - 1]
                    where[phrase] = f"{source}:{source_line}"
            if where[phrase]:
                problems.append(Problem(name, line, f"unseen phrase {phrase!r} occurs in the "
                                                    f"training input at {where[phrase]}"))
    return problems


def check(paths: Sequence[str | Path], train: Sequence[str | Path] = ()
          ) -> tuple[list[Problem], dict[str, int]]:
    """All problems in the files and the ``train`` files (eval-style rows that the model is
    trained on), checked together, and the number of rows read from each."""
    problems: list[Problem] = []
    counts: dict[str, int] = {}
    seen: dict[tuple[str, str], tuple[str, int]] = {}
    train_names = {str(path) for path in train}
    training: list[tuple[str, int, str]] = []
    unseen: list[tuple[str, int, list[str]]] = []
    for path in dict.fromkeys([*paths, *train]):
        name = str(path)
        counts[name] = 0
        try:
            rows = list(read_rows(path))
        except BadRow as error:
            problems.append(Problem(name, error.line, error.reason))
            continue
        except OSError as error:
            problems.append(Problem(name, 0, f"cannot read: {error.strerror or error}"))
            continue
        for line, row in rows:
            counts[name] += 1
            if isinstance(row, BadRow):
                problems.append(Problem(name, line, row.reason))
                continue
            pair = _chat_pair(row) if "messages" in row else _labeled_pair(row)
            if isinstance(pair, str):
                problems.append(Problem(name, line, pair))
                continue
            if "messages" in row or (name in train_names and row.get("phrasing") != "unseen"):
                protocol = pair[1] if "messages" in row else row.get("protocol")
                training.append((name, line, "\0".join(speech_runs(pair[0], protocol))))
            elif row.get("phrasing") == "unseen":
                unseen.append((name, line, row["phrases"]))
            if pair in seen:
                other, other_line = seen[pair]
                where = f"line {other_line}" if other == name else f"{other}:{other_line}"
                kind = "duplicate pair" if other == name else "pair shared with another file"
                problems.append(Problem(name, line, f"{kind} (also at {where})"))
                continue
            seen[pair] = (name, line)
    return problems + _leaks(unseen, training), counts


def add_data_parser(subparsers) -> None:
    data = subparsers.add_parser("data", help="check and build datasets")
    sub = data.add_subparsers(dest="data_command", metavar="ACTION", required=True)
    chk = sub.add_parser(
        "check", help="fail on bad rows, identity pairs, duplicates and train/test overlap",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n  dictbash data check bench/data/loose.jsonl\n"
               "  dictbash data check train.jsonl bench/data/*.jsonl   # no pair in two files\n"
               "  dictbash data check bench/data/*.jsonl --train rows.jsonl   # no unseen phrase "
               "in rows.jsonl",
    )
    chk.add_argument("files", nargs="+", help="JSON or JSONL files, checked together")
    chk.add_argument("--train", metavar="PATH", action="append", default=[],
                     help="also check this file of eval-style rows (JSONL with 'dictated') as "
                          "training data: no unseen row's phrase may occur in its input (chat "
                          "rows are training rows wherever they are); repeatable")
    chk.set_defaults(func=_run_check)
    from .testsets import add_testsets_parser
    from .typedcase import add_typedcase_parser
    from .voiceset import add_voiceset_parser

    add_testsets_parser(sub)
    add_typedcase_parser(sub)
    add_voiceset_parser(sub)


def _run_check(args: argparse.Namespace) -> int:
    problems, counts = check(args.files, args.train)
    for problem in problems:
        print(problem, file=sys.stderr)
    total = sum(counts.values())
    if problems:
        print(f"data check: {len(problems)} problem(s) in {total} rows of {len(counts)} file(s)",
              file=sys.stderr)
        return 1
    print(f"data check: {total} rows in {len(counts)} file(s), no problems")
    return 0
