"""Can another base model carry the tagger inside the budget? (issue 24: model step <= 200 ms
median a fragment, whole engine <= 1.2 GB). ``python -m bench.basemodels``

Times what the tagger's base model costs, untrained (no adapter, no head: those are the same
for any base): one forward pass to the last hidden state over ``tagging_tokens`` per fragment,
batch 1, and the second opinion (``Tagger.command_logprobs``: vocabulary-wide logits over 8
command texts a pass), with the peak resident memory after loading and after the runs. Each
model runs in its own process (its own peak memory) on the same fragments; SmolLM2 runs first
and again last, so a change in the machine's load between runs shows. Compare ratios taken in
one run, not figures from different days. Results: docs/base-models.md.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from .microbench import DATA, summary

FRAGMENTS = 50
COMMANDS = 48
"""Command texts scored, ``SCORE_BATCH`` (8) a pass: the ``expected`` of the same rows."""
GEMMA_EMBEDDINGS = ("float32", "bfloat16", "float16", "q8")
"""Dtypes of Gemma's 262,144 x 640 embedding measured (every other weight float32)."""


def rows(count: int = FRAGMENTS) -> list[dict]:
    """The first ``count`` held-out rows, half natural, half loose."""
    found = []
    for level in ("natural", "loose"):
        lines = (DATA / f"{level}.jsonl").read_text(encoding="utf-8").splitlines()
        found += [json.loads(line) for line in lines[: count // 2]]
    return found


def _rss_mb() -> int:
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def probe(model: str) -> None:
    """Run in a fresh process: prints one model's figures as JSON. ``model`` is ``smollm2``
    or ``gemma-<embedding dtype>``."""
    from models.tagger import Tagger, import_mlx
    from models.prompt import tagging_tokens
    from processor import normalize_words

    mx, _, mlx_lm = import_mlx()
    from mlx.utils import tree_flatten

    started = time.perf_counter()
    if model == "smollm2":
        from models.base import default_model_dir

        model_dir = default_model_dir()
    else:
        from models.gguf_gemma import gemma_model_dir

        model_dir = gemma_model_dir(model.removeprefix("gemma-"))
    lm, tokenizer = mlx_lm.load(str(model_dir))
    lm.eval()
    mx.eval(lm.parameters())
    loaded = time.perf_counter()
    rss_loaded = _rss_mb()

    data = rows()
    encoded = [tagging_tokens(tokenizer, normalize_words(row["dictated"].lower()))[0] for row in data]

    def tag(ids):
        mx.eval(lm.model(mx.array([ids])))

    tag(encoded[0])  # warm-up
    tagging = []
    for ids in encoded:
        start = time.perf_counter()
        tag(ids)
        tagging.append((time.perf_counter() - start) * 1000)

    scorer = Tagger(lm, tokenizer, None, {})  # only its base-model scoring is used
    commands = [row["expected"] for row in data][:COMMANDS]
    scorer.command_logprobs(commands[:8])  # warm-up, and the shared prefix's keys and values
    scoring = []
    for start_at in range(0, len(commands), 8):
        start = time.perf_counter()
        scorer.command_logprobs(commands[start_at:start_at + 8])
        scoring.append((time.perf_counter() - start) * 1000)
    json.dump({
        "model": model, "load_s": round(loaded - started, 2),
        "parameters_m": round(sum(v.size for _, v in tree_flatten(lm.parameters())) / 1e6, 1),
        "vocabulary": lm.args.vocab_size,
        "tagging_tokens": summary([len(i) for i in encoded]),
        "tag_ms": summary(tagging), "score_8_ms": summary(scoring),
        "rss_loaded_mb": rss_loaded, "rss_peak_mb": _rss_mb(),
        "load_average": os.getloadavg()[0],
    }, sys.stdout)


def _run(model: str) -> dict:
    env = dict(os.environ, TRANSFORMERS_VERBOSITY="error")
    done = subprocess.run([sys.executable, "-c", f"from bench.basemodels import probe; probe({model!r})"],
                          capture_output=True, text=True, env=env)
    if done.returncode != 0:
        return {"model": model, "error": (done.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(done.stdout)


def main(models: list[str] | None = None) -> int:
    models = models or ["smollm2", *(f"gemma-{d}" for d in GEMMA_EMBEDDINGS), "smollm2"]
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}, "
          f"{os.cpu_count()} cores; {FRAGMENTS} fragments, {COMMANDS} command texts")
    results = []
    for model in models:
        figures = _run(model)
        results.append(figures)
        if "error" in figures:
            print(f"{model:16s} failed: {figures['error']}")
            continue
        t, s = figures["tag_ms"], figures["score_8_ms"]
        print(f"{model:16s} tag median {t['median']:6.0f} ms p95 {t['p95']:6.0f} | score 8 median "
              f"{s['median']:6.0f} ms p95 {s['p95']:6.0f} | RSS loaded {figures['rss_loaded_mb']:5d} MB "
              f"peak {figures['rss_peak_mb']:5d} MB | {figures['parameters_m']}M params, "
              f"{figures['tagging_tokens']['median']:.0f} tokens, load {figures['load_average']:.2f}")
    base = [r for r in results if r["model"] == "smollm2" and "error" not in r]
    if base:
        tag0 = summary([r["tag_ms"]["median"] for r in base])["median"]
        score0 = summary([r["score_8_ms"]["median"] for r in base])["median"]
        for r in results:
            if r["model"] != "smollm2" and "error" not in r:
                print(f"{r['model']:16s} / smollm2: tagging x{r['tag_ms']['median'] / tag0:.2f}, "
                      f"scoring x{r['score_8_ms']['median'] / score0:.2f}")
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or None))
