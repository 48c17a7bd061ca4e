"""``dictbash train classifiers`` / ``spacer``: rebuild the classifier artifacts from TRAIN pages.

Training data is generated in memory (``classifiers.data``), deterministic in the seed, so the
same command rebuilds the same artifacts anywhere; the held-out figures are printed after,
computed on ``bench/data`` exactly as the tests compute them.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from bench.corpus import FOLDS, commands, page_fold
from bench.heldout import (gate_figures, load_rows, report, segmenter_figures, spacer_figures,
                           spacer_report)

from .artifacts import ARTIFACTS, FILES
from .data import gate_label, training_set
from .gate import Gate
from .segmenter import Segmenter
from .shell_lm import ShellLM
from .spacer import Spacer, spacer_example

SPACER_ROWS = 120_000
"""Fragments the spacer learns from: more kept helping, by less each time, up to here
(docs/HISTORY.md)."""


def train_classifiers(out_dir: str | Path | None = None, seed: int = 0) -> dict:
    """Train both classifiers, write their artifacts to ``out_dir`` (default: the shipped
    ones) and return the held-out figures and the training times."""
    import sklearn.linear_model  # noqa: F401  (imported here, so the fit times are the fits')

    out = Path(out_dir) if out_dir is not None else ARTIFACTS
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    data = training_set(seed)
    generated = time.perf_counter() - start

    texts = [r.dictated for r in data.gate]
    labels = [gate_label(r.dictated, r.expected) for r in data.gate]
    strict = [r.difficulty == "strict" for r in data.gate]
    start = time.perf_counter()
    gate = Gate(programs=data.programs).fit(texts, labels, strict)
    gate_seconds = time.perf_counter() - start
    gate.calibrate([r.dictated for r in data.calibration])

    texts = [r.dictated for r in data.segmenter]
    word_labels = [r.labels() for r in data.segmenter]
    start = time.perf_counter()
    segmenter = Segmenter().fit(texts, word_labels)
    segmenter_seconds = time.perf_counter() - start

    gate.save(out / FILES["gate"])
    segmenter.save(out / FILES["segmenter"])
    rows = load_rows()
    return {
        "seed": seed, "out_dir": str(out),
        "training": {"data_seconds": generated, "gate_rows": len(data.gate),
                     "gate_fit_seconds": gate_seconds, "segmenter_rows": len(data.segmenter),
                     "segmenter_words": sum(map(len, word_labels)),
                     "segmenter_fit_seconds": segmenter_seconds},
        "gate": gate_figures(gate, rows),
        "segmenter": segmenter_figures(segmenter, rows),
    }


def train_spacer(out_dir: str | Path | None = None, seed: int = 0, rows: int = SPACER_ROWS,
                 leave_out_fold: int | None = None) -> dict:
    """Train the spacer on the model's kind of training fragments (``models.data``, TRAIN
    pages), write its artifact and return the held-out figures and the training times.

    ``leave_out_fold``: neither the fragments nor the model of command text read the pages
    of that fold (``corpus.page_fold``), whose dictations are then a development set
    (``dictbash data devsets``); of ``rows`` generated, that fold's share is skipped."""
    from models.data import generated

    def kept(page: str) -> bool:
        return leave_out_fold is None or page_fold(page) != leave_out_fold

    out = Path(out_dir) if out_dir is not None else ARTIFACTS
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    lm = ShellLM.fit_pages([(e.page, command) for e, command in commands("train", seed)
                            if kept(e.page)], page_fold)
    fragments, spaces, pages = [], [], []
    for page, fragment, answer in generated(rows, seed):
        example = spacer_example(fragment.split(), answer.split()) if kept(page) else None
        if example is not None:
            fragments.append(example[0])
            spaces.append(example[1])
            pages.append(page)
    generated_seconds = time.perf_counter() - start
    start = time.perf_counter()
    spacer = Spacer().fit(fragments, spaces, lm, pages)
    fit_seconds = time.perf_counter() - start
    spacer.save(out / FILES["spacer"])
    return {"seed": seed, "out_dir": str(out), "left_out_fold": leave_out_fold,
            "training": {"data_seconds": generated_seconds, "fragments": len(fragments),
                         "pages": len(set(pages)), "choices": sum(len(s) - 1 for s in spaces),
                         "fit_seconds": fit_seconds},
            "spacer": spacer_figures(spacer, load_rows())}


def add_train_parser(train_subparsers) -> None:
    """Register ``classifiers`` and ``spacer`` under ``dictbash train``."""
    train = train_subparsers.add_parser(
        "classifiers", help="rebuild the gate and segmenter artifacts",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="example: dictbash train classifiers --seed 0",
    )
    train.add_argument("--out", type=Path, default=ARTIFACTS,
                       help="folder for the artifacts (default: classifiers/artifacts)")
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--json-out", metavar="FILE", help="also write the figures as JSON")
    train.set_defaults(func=_run)

    spacer = train_subparsers.add_parser(
        "spacer", help="rebuild the spacer artifact (about sixteen minutes)",
        description=Spacer.__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n  dictbash train spacer\n  dictbash train spacer --rows 500 --out /tmp/s\n"
               "  dictbash train spacer --leave-out-fold 0 --out dev   (see: dictbash data devsets)")
    spacer.add_argument("--out", type=Path, default=ARTIFACTS,
                        help="folder for the artifact (default: classifiers/artifacts)")
    spacer.add_argument("--seed", type=int, default=0)
    spacer.add_argument("--rows", type=int, default=SPACER_ROWS,
                        help=f"training fragments to generate (default {SPACER_ROWS})")
    spacer.add_argument("--leave-out-fold", type=int, choices=range(FOLDS), metavar="K",
                        help=f"read no page of fold K (0-{FOLDS - 1}), for a development set of "
                             "them; the artifact is not one to ship")
    spacer.set_defaults(func=_run_spacer)


def _run_spacer(args: argparse.Namespace) -> int:
    if args.leave_out_fold is not None and args.out.resolve() == ARTIFACTS.resolve():
        print("dictbash train spacer: --leave-out-fold makes a spacer for a development set; "
              "give it an --out folder other than the shipped artifacts'", file=sys.stderr)
        return 2
    figures = train_spacer(args.out, args.seed, args.rows, args.leave_out_fold)
    t = figures["training"]
    print(f"trained on {t['fragments']} fragments, {t['choices']} space choices "
          f"({t['data_seconds']:.0f} s data, {t['fit_seconds']:.1f} s fit); artifact in "
          f"{figures['out_dir']}")
    print(spacer_report(figures["spacer"]))
    return 0


def _run(args: argparse.Namespace) -> int:
    figures = train_classifiers(args.out, args.seed)
    t = figures["training"]
    print(f"trained on {t['gate_rows']} gate rows ({t['gate_fit_seconds'] * 1000:.0f} ms) and "
          f"{t['segmenter_rows']} segmenter rows, {t['segmenter_words']} words "
          f"({t['segmenter_fit_seconds']:.2f} s); artifacts in {figures['out_dir']}")
    print(report(figures))
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0
