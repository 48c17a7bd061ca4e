"""``dictbash data testsets``: the generated held-out sets in ``bench/data``, one file a level.

Commands come only from tldr pages that ``corpus.page_split`` puts in the test split, so no
command family that any training set uses is ever tested on. Rows are made by the shared
level generators and de-duplicated across all levels.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from .corpus import commands
from .levels import LEVELS, generate
from .records import write_jsonl

DATA = Path(__file__).parent / "data"


def build(per_level: int = 400, seed: int = 0) -> dict[str, list[dict]]:
    """``per_level`` rows for each level from test pages, deterministic in ``seed``."""
    pool = commands(split="test", seed=seed)
    seen: set[tuple[str, str]] = set()
    sets: dict[str, list[dict]] = {}
    for level in LEVELS:
        rng = random.Random(f"{seed}-{level}")
        order = rng.sample(range(len(pool)), len(pool))
        rows: list[dict] = []
        for k in order:
            example, command = pool[k]
            other = pool[rng.randrange(len(pool))][1]
            row = generate(level, command, rng, description=example.description,
                           other_command=other, split="test")
            if row is None or (row.dictated, row.expected) in seen:
                continue
            seen.add((row.dictated, row.expected))
            row.page = example.page
            row.id = f"{level}-{len(rows):04d}"
            rows.append(row.to_json())
            if len(rows) == per_level:
                break
        sets[level] = rows
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
    make.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    args.out.mkdir(parents=True, exist_ok=True)
    for level, rows in build(args.per_level, args.seed).items():
        write_jsonl(args.out / f"{level}.jsonl", rows)
        print(f"{level:8s} {len(rows):4d} rows -> {args.out / (level + '.jsonl')}")
    return 0
