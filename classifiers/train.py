"""``dictbash train classifiers``: rebuild the gate and segmenter artifacts from TRAIN pages.

Training data is generated in memory (``classifiers.data``), deterministic in the seed, so the
same command rebuilds the same artifacts anywhere; the held-out figures are printed after,
computed on ``bench/data`` exactly as the tests compute them.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from .artifacts import ARTIFACTS, FILES
from .data import gate_label, training_set
from .gate import Gate
from .heldout import gate_figures, load_rows, report, segmenter_figures
from .segmenter import Segmenter


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


def add_train_parser(train_subparsers) -> None:
    """Register ``classifiers`` under ``dictbash train``."""
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
