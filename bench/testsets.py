"""``dictbash data testsets``: the generated held-out sets in ``bench/data``, one file a level;
``dictbash data devsets``: development sets, the same levels made of train pages.

Test-set commands come only from tldr pages that ``corpus.page_split`` puts in the test
split, so no command family that any training set uses is ever tested on. Rows are made by
the shared level generators and de-duplicated across all levels.

A development set is for choosing settings without looking at the test sets: its commands
come from the train pages of one fold (``corpus.page_fold``), which a spacer trained with
``dictbash train spacer --leave-out-fold`` has not read. The tagger has read them, so a
setting that leans on the tagger's confidence looks better there than it is.

``--unseen`` makes the levels with phrasing around the command (``levels.FRAMED``) said with
combinatorial phrasing that training never reads (``bench.phrasing``): its test side for the
held-out sets (``unseen-<level>.jsonl``), its dev side for development sets. Those are the
figures that measure phrasing nobody taught the engine.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from .corpus import FOLDS, commands, page_fold
from .levels import FRAMED, LEVELS, generate
from .records import write_jsonl

DATA = Path(__file__).parent / "data"


def build(per_level: int = 400, seed: int = 0, fold: int | None = None,
          unseen: bool = False) -> dict[str, list[dict]]:
    """``per_level`` rows for each level from test pages, or from the train pages of ``fold``,
    deterministic in ``seed``; ``unseen``: the framed levels in unseen phrasing."""
    split = "test" if fold is None else "train"
    side = ("test" if fold is None else "dev") if unseen else None
    prefix = "unseen-" if unseen else ""
    pool = commands(split=split, seed=seed)
    if fold is not None:
        pool = [(example, command) for example, command in pool if page_fold(example.page) == fold]
    seen: set[tuple[str, str]] = set()
    sets: dict[str, list[dict]] = {}
    for level in FRAMED if unseen else LEVELS:
        rng = random.Random(f"{seed}-{prefix}{level}")
        order = rng.sample(range(len(pool)), len(pool))
        rows: list[dict] = []
        for k in order:
            example, command = pool[k]
            other = pool[rng.randrange(len(pool))][1]
            row = generate(level, command, rng, description=example.description,
                           other_command=other, split=split, phrasing_side=side)
            if row is None or (row.dictated, row.expected) in seen:
                continue
            seen.add((row.dictated, row.expected))
            row.page = example.page
            row.id = f"{prefix}{level}-{len(rows):04d}"
            rows.append(row.to_json())
            if len(rows) == per_level:
                break
        sets[prefix + level] = rows
    return sets


def add_testsets_parser(data_subparsers) -> None:
    make = data_subparsers.add_parser(
        "testsets", help="rebuild the generated held-out sets in bench/data",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="example: dictbash data testsets --per-level 400 --seed 0",
    )
    make.add_argument("--per-level", type=int, default=400)
    make.add_argument("--seed", type=int, default=0)
    make.add_argument("--out", type=Path, default=DATA, help="folder (default: bench/data)")
    make.add_argument("--unseen", action="store_true",
                      help="the framed levels in held-out phrasing (unseen-<level>.jsonl)")
    make.set_defaults(func=_run, fold=None)

    dev = data_subparsers.add_parser(
        "devsets", help="build development sets of the train pages of one fold",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="example: dictbash data devsets --fold 0 --out dev\n"
               "  then:  dictbash train spacer --leave-out-fold 0 --out dev\n"
               "         dictbash eval dev/*.jsonl --spacer dev/spacer.npz")
    dev.add_argument("--fold", type=int, choices=range(FOLDS), required=True)
    dev.add_argument("--out", type=Path, required=True, help="folder for the files")
    dev.add_argument("--per-level", type=int, default=400)
    dev.add_argument("--seed", type=int, default=0)
    dev.add_argument("--unseen", action="store_true",
                     help="the framed levels in dev-side phrasing (unseen-<level>.jsonl)")
    dev.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    args.out.mkdir(parents=True, exist_ok=True)
    for level, rows in build(args.per_level, args.seed, args.fold, args.unseen).items():
        write_jsonl(args.out / f"{level}.jsonl", rows)
        print(f"{level:8s} {len(rows):4d} rows -> {args.out / (level + '.jsonl')}")
    return 0
