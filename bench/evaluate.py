"""``dictbash eval``: the batch evaluation that every change to the engine is judged by.

A change is only as good as the measurement that accepts it, so this one is built to be
trusted. Every labelled row is either scored or reported on stderr by file and line, never
dropped in silence. The three accuracies are nested (exact, then whitespace-normalised, then
case-insensitive), so a change that only moves spaces shows as such. Every failure is sorted
into one pattern of the failure taxonomy (``bench.taxonomy``), so a change can be judged by
which patterns it moves. The JSON written holds one record a pair, from which every figure of
the summary can be recomputed. ``compare`` sets two runs side by side, regressions first, with
per-category and per-level deltas, so a see-saw (one category up, another down) is not hidden
by a flat total.

Loading, running, scoring, breakdowns and comparison live here; the Markdown report, the PNG
chart and the plain-text summaries are rendered by ``bench.report``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import MISSING, asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, Protocol

from .levels import LEVELS
from .records import BadRow, read_rows
from .taxonomy import PATTERNS, classify

EXIT_OK, EXIT_USAGE = 0, 2
"""Exit codes, as every ``dictbash`` subcommand gives them (``engine.cli``)."""

ROUTES: tuple[str, ...] = ("processor", "model", "mixed", "unchanged")
"""The engine's routes, in the report's order."""

METRICS: tuple[str, ...] = ("exact", "normalised", "case_insensitive")
"""The per-pair scores, strictest first; each implies the next."""

NONE_LABEL = "(none)"
"""The breakdown group of pairs with no category or level."""

PHRASINGS: tuple[str, ...] = ("seen", "unseen")
"""A row's ``phrasing``: whether the speech around its command was worded as in training
(``seen``, the default) or with phrase components held out of training (``unseen``, listed in
its ``phrases``). Unseen rows are the headline: they measure generalisation, not recall."""


class ResultLike(Protocol):
    """What a converter returns: ``engine.engine.Result`` or anything with these two fields."""

    output: str
    route: str


Converter = Callable[..., ResultLike]
"""``convert(text, from_recogniser=..., keep_prose=...)``, as ``Engine.convert``."""


class InputError(Exception):
    """An input that cannot be evaluated at all: the CLI prints it on one line and exits 2."""


@dataclass
class Pair:
    """One labelled utterance, and where it was read from (``file:line``)."""

    dictated: str
    expected: str
    id: str | None = None
    category: str | None = None
    difficulty: str | None = None
    phrasing: str = "seen"
    extra: dict[str, Any] = field(default_factory=dict)
    """The row's other fields: not scored, but ``--filter`` can select on them."""
    source: str = ""

    def value(self, key: str) -> str | None:
        """The field ``key`` as ``--filter`` compares it: strings as they are, other JSON
        values as JSON text (``5``, ``true``), absent fields as ``None``."""
        value = getattr(self, key) if key in _PAIR_FIELDS else self.extra.get(key)
        if value is None or isinstance(value, str):
            return value
        return json.dumps(value)

    @property
    def text_mode(self) -> bool:
        """Whether the row's ``expected`` is typed in text mode (prose kept): its ``mode``
        field, or by default the mixed level's rows (PROTOCOL.md section 4)."""
        return self.extra.get("mode", "text" if self.difficulty == "mixed" else "command") == "text"

    @property
    def from_recogniser(self) -> bool:
        """Whether ``dictated`` is a recogniser's text (case and punctuation are noise): its
        ``from_recogniser`` field, or by default the voice level's rows."""
        return bool(self.extra.get("from_recogniser", self.difficulty == "voice"))

    def expected_in(self, text_mode: bool) -> str:
        """What must be typed in that mode. A text-mode row's command alone is its
        ``protocol`` rendered (nothing for prose only); a command-mode row has no prose to
        keep, so it expects its command in either mode."""
        if text_mode or not self.text_mode:
            return self.expected
        from processor import process

        return process(self.extra.get("protocol", ""))

    def prose_words(self) -> set[str]:
        """The words said that are no part of the command (lower case): outside the row's
        ``span`` where it has one, otherwise the words that are neither protocol words nor
        found among the command's letters and digits (``for me``, ``so the command is``)."""
        from processor.vocabulary import PROTOCOL_WORDS

        said = self.dictated.split()
        if "span" in self.extra:
            start, end = self.extra["span"]
            said = said[:start] + said[end:]
        command = set(_alnum(self.expected_in(False)))
        return {w for w in _alnum(" ".join(said))
                if w not in command and w not in PROTOCOL_WORDS}


def _alnum(text: str) -> list[str]:
    """The runs of letters and digits of ``text``, lower case (an apostrophe inside a word
    is part of it: ``it's``): the words a text types."""
    return re.findall(r"[a-z0-9]+(?:'[a-z0-9]+)*", text.lower())


_PAIR_FIELDS = frozenset(("dictated", "expected", "id", "category", "difficulty", "phrasing"))


@dataclass
class Record:
    """One scored pair: the ``--json`` record, from which every figure can be recomputed."""

    id: str | None
    dictated: str
    expected: str
    output: str
    route: str
    category: str | None
    difficulty: str | None
    exact: bool
    normalised: bool
    case_insensitive: bool
    pattern: str | None
    """The taxonomy pattern of a pair that is not exact; ``None`` when exact."""
    latency_us: float
    """Wall-clock time of the converter call, in microseconds."""
    mode: str = "command"
    """``command`` (the command alone) or ``text`` (prose kept): how the pair was scored."""
    prose_typed: int = 0
    """Prose words said (``Pair.prose_words``) that the output typed (command mode)."""
    prose_lost: int = 0
    """Prose words said that the output left out (text mode)."""
    phrasing: str = "seen"
    """The row's ``phrasing`` (``PHRASINGS``); runs saved before it existed were all seen."""
    alternatives: int = 0
    """How many alternatives the engine offered (``Result.alternatives``)."""
    alternative_right: bool = False
    """Not exact, but one of the alternatives is: one key press would fix it."""


# ---------------------------------------------------------------------------------- loading


def _pair(value: dict, source: str) -> Pair:
    """The ``Pair`` a row describes; ``ValueError`` with the reason if it is malformed."""
    for key in ("dictated", "expected"):
        if key not in value:
            raise ValueError(f"no {key!r} field")
        if not isinstance(value[key], str):
            raise ValueError(f"{key!r} is not a string")
    for key in ("category", "difficulty"):
        if value.get(key) is not None and not isinstance(value[key], str):
            raise ValueError(f"{key!r} is not a string")
    if value.get("phrasing", "seen") not in PHRASINGS:
        raise ValueError(f"'phrasing' is neither {' nor '.join(map(repr, PHRASINGS))}")
    row_id = value.get("id")
    if row_id is not None and (isinstance(row_id, bool) or not isinstance(row_id, (str, int))):
        raise ValueError("'id' is neither a string nor an integer")
    return Pair(
        dictated=value["dictated"],
        expected=value["expected"],
        id=None if row_id is None else str(row_id),
        category=value.get("category"),
        difficulty=value.get("difficulty"),
        phrasing=value.get("phrasing", "seen"),
        extra={k: v for k, v in value.items() if k not in _PAIR_FIELDS},
        source=source,
    )


def load(path: str | Path) -> tuple[list[Pair], list[BadRow]]:
    """The pairs of one file (a JSON array of objects, or JSONL; read by
    ``bench.records.read_rows``) and its malformed rows. Ids are kept as strings.

    ``OSError`` if the file cannot be read; ``InputError`` if it is a JSON array that does not
    parse or it holds no valid row.
    """
    try:
        rows = list(read_rows(path))
    except BadRow as e:
        raise InputError(f"{e} (a JSON array that does not parse has no readable row)") from None
    pairs, skipped = [], []
    for line, row in rows:
        if isinstance(row, BadRow):
            skipped.append(row)
            continue
        try:
            pairs.append(_pair(row, f"{path}:{line}"))
        except ValueError as e:
            skipped.append(BadRow(Path(path), line, str(e)))
    if not pairs:
        detail = f": {len(skipped)} malformed, the first {skipped[0]}" if skipped else ""
        raise InputError(f"{path}: no valid rows{detail}")
    return pairs, skipped


def parse_filter(text: str) -> tuple[str, str]:
    """``KEY=VALUE`` as a pair (the ``--filter`` argument type)."""
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    return key, value


def select(
    pairs: Iterable[Pair], filters: Iterable[tuple[str, str]] = (), limit: int | None = None
) -> list[Pair]:
    """The pairs that pass every filter key, then the first ``limit`` of them.

    Filters on the same key are alternatives (``difficulty=strict`` and ``difficulty=loose``
    select both levels); filters on different keys must all hold.
    """
    wanted: dict[str, set[str]] = defaultdict(set)
    for key, value in filters:
        wanted[key].add(value)
    chosen = [p for p in pairs if all(p.value(k) in values for k, values in wanted.items())]
    return chosen[:limit]


# ---------------------------------------------------------------------------------- scoring


def normalise(text: str) -> str:
    """``text`` with each run of whitespace made one space and the ends stripped."""
    return " ".join(text.split())


def score(pair: Pair, output: str, route: str, latency_us: float,
          text_mode: bool | None = None, alternatives: Sequence[str] = ()) -> Record:
    """The record of one converted pair (in ``text_mode``, or the row's own mode): its three
    scores, the prose it typed or lost, whether an alternative was right, and, if not
    exact, its pattern."""
    text_mode = pair.text_mode if text_mode is None else text_mode
    expected = pair.expected_in(text_mode)
    exact = output == expected
    got, want = normalise(output), normalise(expected)
    prose, typed = pair.prose_words(), set(_alnum(output))
    return Record(
        id=pair.id,
        dictated=pair.dictated,
        expected=expected,
        output=output,
        route=route,
        category=pair.category,
        difficulty=pair.difficulty,
        exact=exact,
        normalised=got == want,
        case_insensitive=got.casefold() == want.casefold(),
        pattern=None if exact else classify(pair.dictated, expected, output),
        latency_us=latency_us,
        mode="text" if text_mode else "command",
        prose_typed=0 if text_mode else len(prose & typed),
        prose_lost=len(prose - typed) if text_mode else 0,
        phrasing=pair.phrasing,
        alternatives=len(alternatives),
        alternative_right=not exact and expected in alternatives,
    )


def run(
    pairs: Sequence[Pair], convert: Converter | None = None, *, quiet: bool = False,
    mode: str | None = None,
) -> list[Record]:
    """Convert and score every pair, in order, with a progress bar on stderr.

    ``convert`` defaults to ``Engine().convert``; each pair is converted and scored in
    ``mode`` (``command`` or ``text``), or by default in its own (``Pair.text_mode``), and
    as a recogniser's text where it is one. The bar shows only when stderr is a terminal and
    ``quiet`` is false. An exception from the converter propagates, with a note naming the
    pair.
    """
    from tqdm import tqdm

    if convert is None:
        from engine.engine import Engine

        convert = Engine().convert
    records = []
    bar = tqdm(pairs, desc="eval", unit="pair", file=sys.stderr, disable=True if quiet else None)
    for pair in bar:
        text_mode = pair.text_mode if mode is None else mode == "text"
        start = time.perf_counter_ns()
        try:
            result = convert(pair.dictated, from_recogniser=pair.from_recogniser,
                             keep_prose=text_mode)
        except Exception as e:
            e.add_note(f"while converting {pair.source}: {pair.dictated!r}")
            raise
        latency_us = (time.perf_counter_ns() - start) / 1000
        records.append(score(pair, result.output, result.route, latency_us, text_mode,
                             [a.output for a in getattr(result, "alternatives", ())]))
    return records


# ------------------------------------------------------------------------------- breakdowns


def stats(records: Sequence[Record]) -> dict:
    """Count, correct pairs and accuracy for each metric, over a non-empty set of records."""
    correct = {m: sum(getattr(r, m) for r in records) for m in METRICS}
    return {
        "n": len(records),
        "correct": correct,
        "accuracy": {m: correct[m] / len(records) for m in METRICS},
    }


def _ordered(keys: Iterable[str], order: Sequence[str]) -> list[str]:
    """``keys`` in ``order`` first, then the others alphabetically."""
    return sorted(keys, key=lambda k: (order.index(k) if k in order else len(order), k))


def breakdown(records: Iterable[Record], key: str, order: Sequence[str] = ()) -> dict[str, dict]:
    """``stats`` for each value of the record field ``key`` (missing values: ``NONE_LABEL``)."""
    groups: dict[str, list[Record]] = defaultdict(list)
    for record in records:
        groups[getattr(record, key) or NONE_LABEL].append(record)
    return {k: stats(groups[k]) for k in _ordered(groups, order)}


def prose_figures(records: Iterable[Record]) -> dict[str, dict[str, int]]:
    """For each level: the rows scored in command mode and how many typed a prose word, and
    the rows scored in text mode and how many lost one."""
    figures: dict[str, dict[str, int]] = defaultdict(
        lambda: {"command_rows": 0, "typed_prose": 0, "text_rows": 0, "lost_prose": 0})
    for r in records:
        level = figures[r.difficulty or NONE_LABEL]
        if r.mode == "command":
            level["command_rows"] += 1
            level["typed_prose"] += r.prose_typed > 0
        else:
            level["text_rows"] += 1
            level["lost_prose"] += r.prose_lost > 0
    return {k: figures[k] for k in _ordered(figures, LEVELS)}


def phrasing_split(records: Sequence[Record]) -> dict[str, dict]:
    """For each phrasing present (``PHRASINGS`` order): its total (``overall``), its figures
    per level and its prose counts per level, so seen and unseen sit side by side."""
    split = {}
    for phrasing in PHRASINGS:
        chosen = [r for r in records if r.phrasing == phrasing]
        if chosen:
            split[phrasing] = {"overall": stats(chosen),
                               "by_level": breakdown(chosen, "difficulty", LEVELS),
                               "prose": prose_figures(chosen)}
    return split


def summarise(
    records: Sequence[Record],
    *,
    skipped: int = 0,
    inputs: Sequence[str] = (),
    filters: Sequence[tuple[str, str]] = (),
    limit: int | None = None,
) -> dict:
    """The run's summary: overall figures, breakdowns by level, category and route, the same
    by phrasing (``by_phrasing``; ``headline`` names the one to quote: unseen where the run
    has any), failures per pattern and latency, all computed from ``records`` (plus how they
    were chosen)."""
    from .microbench import summary as distribution

    failures = Counter(r.pattern for r in records if r.pattern)
    by_phrasing = phrasing_split(records)
    return {
        "inputs": list(inputs),
        "filters": [f"{k}={v}" for k, v in filters],
        "limit": limit,
        "skipped": skipped,
        "pairs": len(records),
        "overall": stats(records),
        "by_level": breakdown(records, "difficulty", LEVELS),
        "by_category": breakdown(records, "category"),
        "by_route": breakdown(records, "route", ROUTES),
        "prose": prose_figures(records),
        "alternatives": {"offered": sum(r.alternatives > 0 for r in records),
                         "right": sum(r.alternative_right for r in records)},
        "headline": "unseen" if "unseen" in by_phrasing else "seen",
        "by_phrasing": by_phrasing,
        "failures": {p: failures[p] for p in PATTERNS},
        "latency_us": distribution([r.latency_us for r in records]),
    }


def write_json(path: str | Path, summary: dict, records: Iterable[Record]) -> None:
    """Write ``{"summary": ..., "records": [...]}``, the file ``--compare`` reads."""
    data = {"summary": summary, "records": [asdict(r) for r in records]}
    Path(path).write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


# ---------------------------------------------------------------------------------- compare


_RECORD_FIELDS = tuple(f.name for f in fields(Record))
_DEFAULTED = frozenset(f.name for f in fields(Record) if f.default is not MISSING)


def load_run(path: str | Path) -> list[Record]:
    """The records of a ``--json`` file; ``InputError`` if it is not one."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: not a JSON file ({e})") from None
    if not isinstance(data, dict) or not isinstance(data.get("records"), list):
        raise InputError(f"{path}: not a 'dictbash eval --json' file (no 'records' list)")
    try:  # a run written before a field had a default has no such field
        return [Record(**{k: r[k] for k in _RECORD_FIELDS if k in r or k not in _DEFAULTED})
                for r in data["records"]]
    except (KeyError, TypeError) as e:
        raise InputError(f"{path}: a record is incomplete (missing {e})") from None


@dataclass
class Delta:
    """How one category or level moved between two runs, over the pairs they share."""

    name: str
    n: int
    exact_a: float
    exact_b: float
    normalised_a: float
    normalised_b: float
    regressions: int
    fixes: int

    @property
    def exact_delta(self) -> float:
        return self.exact_b - self.exact_a

    @property
    def normalised_delta(self) -> float:
        return self.normalised_b - self.normalised_a


@dataclass
class Comparison:
    """Two runs matched pair by pair: A is the baseline, B the change being judged."""

    matched: list[tuple[Record, Record]]
    only_a: list[Record]
    only_b: list[Record]

    @property
    def regressions(self) -> list[tuple[Record, Record]]:
        """Pairs exact in A and wrong in B."""
        return [(a, b) for a, b in self.matched if a.exact and not b.exact]

    @property
    def fixes(self) -> list[tuple[Record, Record]]:
        """Pairs wrong in A and exact in B."""
        return [(a, b) for a, b in self.matched if b.exact and not a.exact]

    @property
    def changed(self) -> list[tuple[Record, Record]]:
        """Pairs wrong in both runs whose output changed."""
        return [(a, b) for a, b in self.matched
                if not (a.exact or b.exact) and a.output != b.output]

    @property
    def relabelled(self) -> list[tuple[Record, Record]]:
        """Pairs matched by id whose dictation or expected command differ between the runs."""
        return [(a, b) for a, b in self.matched
                if (a.dictated, a.expected) != (b.dictated, b.expected)]

    def overall(self) -> Delta:
        return self._delta("all", self.matched)

    def deltas(self, key: str, order: Sequence[str] = ()) -> list[Delta]:
        """One ``Delta`` for each value of the field ``key`` (taken from B's record), the
        biggest drop in exact accuracy first, then the most regressions."""
        groups: dict[str, list[tuple[Record, Record]]] = defaultdict(list)
        for a, b in self.matched:
            groups[getattr(b, key) or NONE_LABEL].append((a, b))
        rows = [self._delta(k, groups[k]) for k in _ordered(groups, order)]
        return sorted(rows, key=lambda d: (d.exact_delta, -d.regressions))

    @staticmethod
    def _delta(name: str, pairs: list[tuple[Record, Record]]) -> Delta:
        a = stats([a for a, _ in pairs])["accuracy"]
        b = stats([b for _, b in pairs])["accuracy"]
        return Delta(
            name=name,
            n=len(pairs),
            exact_a=a["exact"],
            exact_b=b["exact"],
            normalised_a=a["normalised"],
            normalised_b=b["normalised"],
            regressions=sum(x.exact and not y.exact for x, y in pairs),
            fixes=sum(y.exact and not x.exact for x, y in pairs),
        )


def _match_on(
    key: Callable[[Record], Any], a: list[Record], b: list[Record], pairs: dict[int, int]
) -> None:
    """Add to ``pairs`` (A index -> B index) the unmatched records equal on ``key``, each B
    record used once, in file order (so repeated keys pair up in turn)."""
    free: dict[Any, list[int]] = defaultdict(list)
    taken = set(pairs.values())
    for j, record in enumerate(b):
        if j not in taken and key(record) is not None:
            free[key(record)].append(j)
    for i, record in enumerate(a):
        if i not in pairs and free.get(key(record)):
            pairs[i] = free[key(record)].pop(0)


def compare(a: list[Record], b: list[Record]) -> Comparison:
    """Match the records of two runs by ``id``, then the rest by (dictated, expected)."""
    pairs: dict[int, int] = {}
    _match_on(lambda r: r.id, a, b, pairs)
    _match_on(lambda r: (r.dictated, r.expected), a, b, pairs)
    matched_b = set(pairs.values())
    return Comparison(
        matched=[(a[i], b[pairs[i]]) for i in sorted(pairs)],
        only_a=[r for i, r in enumerate(a) if i not in pairs],
        only_b=[r for j, r in enumerate(b) if j not in matched_b],
    )


# ------------------------------------------------------------------------------------- CLI


_EXAMPLES = """\
input: JSON (a list of objects) or JSONL, one labelled pair an object:
  {"dictated": "ls space dash l a", "expected": "ls -la",
   "category": "files", "difficulty": "strict", "id": "ls-1"}
category, difficulty (the level: strict, loose, natural, chaotic, mixed, voice), id and
phrasing ("seen", the default, or "unseen": worded with phrases held out of training, the
headline figure) are optional; other fields are kept and can be filtered on. Malformed rows
are reported on stderr by file and line and skipped.

examples:
  dictbash eval bench/data/eval.jsonl
  dictbash eval a.jsonl b.json --json run.json --report run.md --chart run.png
  dictbash eval eval.jsonl --filter category=git --filter difficulty=loose --limit 100
  dictbash eval bench/data/*.jsonl --phrasing unseen   (only rows worded unlike training)
  dictbash eval --compare before.json after.json
  dictbash eval dev/*.jsonl --spacer dev/spacer.npz   (a development set: dictbash data devsets)
  dictbash eval bench/data/*.jsonl --adapter ~/my-adapter --json after.json   (a trained adapter)

exit status: 0 done, 2 usage or input error (a file missing, unreadable or with no valid row)
"""


def add_eval_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register the ``eval`` subcommand on ``dictbash``'s subparsers; ``func`` is its handler."""
    parser = subparsers.add_parser(
        "eval",
        help="score the engine on labelled pairs, or compare two runs",
        description="Run labelled dictation through the engine and score it: exact,\n"
                    "whitespace-normalised and case-insensitive accuracy by level, category and\n"
                    "route, with every failure sorted into a pattern of the failure taxonomy.",
        epilog=_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("files", nargs="*", metavar="FILE", help="labelled pairs (JSON or JSONL)")
    parser.add_argument("--json", metavar="OUT", dest="json_out",
                        help="write the summary and one record a pair as JSON "
                             "(what --compare reads)")
    parser.add_argument("--report", metavar="OUT.md", help="write a Markdown report")
    parser.add_argument("--chart", metavar="OUT.png", help="write a PNG chart")
    parser.add_argument("--limit", metavar="N", type=_positive_int,
                        help="evaluate only the first N pairs (after --filter)")
    parser.add_argument("--filter", metavar="KEY=VALUE", type=parse_filter, action="append",
                        default=[], help="keep only pairs whose field KEY is VALUE; repeatable "
                                         "(the same KEY twice: either value)")
    parser.add_argument("--phrasing", choices=("seen", "unseen", "all"), default="all",
                        help="score only the rows whose phrasing is seen in training or held "
                             "out of it (a row without the field is seen); default: all")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument("--mode", choices=("command", "text"),
                        help="score every pair in command mode (the command alone) or text "
                             "mode (prose kept); default: each row's own, text for the mixed "
                             "level and command for the others")
    parser.add_argument("--spacer", metavar="FILE", type=Path,
                        help="the engine with this spacer artifact instead of the shipped one "
                             "(one trained with --leave-out-fold, for a development set)")
    parser.add_argument("--model", metavar="DIR", type=Path,
                        help="the engine with this mlx-lm model instead of the embedded SmolLM2 "
                             "(give its --adapter too)")
    parser.add_argument("--adapter", metavar="DIR", type=Path,
                        help="the engine with this tagger adapter instead of the shipped one "
                             "(one trained with dictbash train model --out DIR)")
    parser.add_argument("--compare", nargs=2, metavar=("A.json", "B.json"),
                        help="compare two --json runs: regressions, fixes, per-category and "
                             "per-level deltas")
    parser.set_defaults(func=_eval)
    return parser


def _positive_int(text: str) -> int:
    """The ``--limit`` argument type."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return int(text)


def _eval(args: argparse.Namespace) -> int:
    """The ``eval`` handler: an exit code, with input errors on one line of stderr."""
    try:
        return _compare_runs(args) if args.compare else _evaluate_files(args)
    except InputError as e:
        print(f"dictbash eval: {e}", file=sys.stderr)
    except OSError as e:
        print(f"dictbash eval: {e.filename}: {e.strerror}", file=sys.stderr)
    return EXIT_USAGE


def _evaluate_files(args: argparse.Namespace) -> int:
    from . import report

    if not args.files:
        raise InputError("give FILEs of labelled pairs, or --compare A.json B.json (see --help)")
    for out in (args.json_out, args.report, args.chart):
        if out and not Path(out).parent.is_dir():
            raise InputError(f"{out}: its folder does not exist")
    pairs, skipped = [], []
    for path in args.files:
        file_pairs, file_skipped = load(path)
        pairs += file_pairs
        skipped += file_skipped
    for row in skipped:
        print(f"dictbash eval: skipped {row}", file=sys.stderr)
    filters = args.filter + ([("phrasing", args.phrasing)] if args.phrasing != "all" else [])
    chosen = select(pairs, filters, args.limit)
    if not chosen:
        raise InputError(f"no pair of {len(pairs)} matches the filters "
                         + " ".join(f"{k}={v}" for k, v in filters))
    records = run(chosen, _converter(args), quiet=args.quiet, mode=args.mode)
    summary = summarise(records, skipped=len(skipped), inputs=args.files, filters=filters,
                        limit=args.limit)
    print(report.summary_text(summary))
    if args.json_out:
        write_json(args.json_out, summary, records)
        print(f"records written to {args.json_out}")
    if args.report:
        Path(args.report).write_text(report.markdown(summary, records), encoding="utf-8")
        print(f"report written to {args.report}")
    if args.chart:
        report.chart(summary, args.chart)
        print(f"chart written to {args.chart}")
    return EXIT_OK


def _converter(args: argparse.Namespace) -> Converter | None:
    """The engine's ``convert`` with the spacer, model and adapter given (None when none
    is: ``run``'s default engine); one that does not load is an input error, never a silent
    fall-back to the processor."""
    if not (args.spacer or args.model or args.adapter):
        return None
    from engine.engine import Engine

    engine = Engine(model_dir=args.model, adapter_dir=args.adapter, spacer_path=args.spacer)
    problem = engine.load_model()
    if problem:
        raise InputError(problem)
    return engine.convert


def _compare_runs(args: argparse.Namespace) -> int:
    from . import report

    if any((args.files, args.json_out, args.report, args.chart, args.limit, args.filter, args.mode,
            args.spacer, args.model, args.adapter, args.phrasing != "all")):
        raise InputError("--compare takes two --json files and no other input or output")
    path_a, path_b = args.compare
    print(report.comparison_text(compare(load_run(path_a), load_run(path_b)), path_a, path_b))
    return EXIT_OK
