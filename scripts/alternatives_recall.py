"""How often ``Result.alternatives`` hold the expected output where the best is wrong.

    python scripts/alternatives_recall.py bench/data/strict.jsonl bench/data/unseen-natural.jsonl

Each row is converted in its own mode (``bench.evaluate.Pair``), one line a file.
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.evaluate import load  # noqa: E402
from engine import Engine  # noqa: E402


def main(paths: list[str]) -> int:
    if not paths:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    engine = Engine()
    for path in paths:
        pairs, _ = load(path)
        right = offered = right_offered = fixed = 0
        began = time.perf_counter()
        for pair in pairs:
            result = engine.convert(pair.dictated, from_recogniser=pair.from_recogniser,
                                    keep_prose=pair.text_mode)
            want = pair.expected_in(pair.text_mode)
            others = [a.output for a in result.alternatives]
            right += result.output == want
            offered += bool(others)
            right_offered += result.output == want and bool(others)
            fixed += result.output != want and want in others
        print(f"{path}: {len(pairs)} rows, best exact {right}, with alternatives {offered} "
              f"(the best right in {right_offered} of them), best wrong and an alternative "
              f"right {fixed}; {time.perf_counter() - began:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
