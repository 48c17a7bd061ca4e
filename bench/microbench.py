"""``dictbash bench``: medians and p95s of every stage, with comparisons taken in the same run.

Machines are noisy, so no figure here is compared with one from another day: each stage is
measured next to its own floor in one run, and ratios are what the targets are stated in.
"""

from __future__ import annotations

import gc
import json
import platform
import statistics
import time
from pathlib import Path

from processor import normalize_words, process, speak
from processor.vocabulary import CHAR_WORDS

DATA = Path(__file__).parent / "data"
PROCESSOR_SET = DATA / "processor-bench.txt"
"""Strict utterances of 5-40 words, spoken from filled tldr commands (see data/README.md)."""


def load_utterances(path: Path = PROCESSOR_SET) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line]


def build_processor_set(path: Path = PROCESSOR_SET, size: int = 150, seed: int = 0) -> None:
    """Write the fixed benchmark set: canonical speech of filled corpus commands, 5-40 words."""
    import random

    from .corpus import commands

    spoken = []
    for _, command in commands(seed=seed):
        try:
            said = speak(command)
        except ValueError:
            continue
        if 5 <= len(said.split()) <= 40:
            spoken.append(said)
    picked = random.Random(seed).sample(spoken, size)
    path.write_text("\n".join(picked) + "\n", encoding="utf-8")


def per_call_us(func, arg, repeats: int, rounds: int = 5) -> float:
    """Microseconds per call: the fastest of ``rounds`` timed loops of ``repeats`` calls."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter_ns()
        for _ in range(repeats):
            func(arg)
        best = min(best, (time.perf_counter_ns() - start) / repeats)
    return best / 1000


def summary(values: list[float]) -> dict[str, float]:
    values = sorted(values)
    return {
        "median": statistics.median(values),
        "p95": values[min(len(values) - 1, round(0.95 * (len(values) - 1)))],
        "n": len(values),
    }


_FLOOR_TABLE = {phrase[0]: text for text, phrases in CHAR_WORDS.items()
                for phrase in phrases if len(phrase) == 1}
_FLOOR_TABLE["space"] = " "


def floor(text: str) -> str:
    """The least any renderer must do: split the words, one dict lookup each, join."""
    get = _FLOOR_TABLE.get
    return "".join([get(w, w) for w in text.split()])


def bench_processor(utterances: list[str], repeats: int = 300) -> dict:
    """``process`` against the floor, utterance by utterance, interleaved in one run; and the
    engine's look for a false start (``engine.restarts.take_back``), which every utterance
    passes before the gate."""
    from engine.restarts import take_back

    gc.disable()
    try:
        ours, floors, restarts = [], [], []
        for text in utterances:
            floors.append(per_call_us(floor, text, repeats))
            ours.append(per_call_us(process, text, repeats))
            restarts.append(per_call_us(take_back, normalize_words(text), repeats))
    finally:
        gc.enable()
    words = [len(t.split()) for t in utterances]
    result = {
        "process_us": summary(ours),
        "floor_us": summary(floors),
        "take_back_us": summary(restarts),
        "words_per_utterance": {"min": min(words), "median": statistics.median(words), "max": max(words)},
    }
    result["ratio_of_medians"] = result["process_us"]["median"] / result["floor_us"]["median"]
    return result


def bench_speaker(commands_said: list[str], repeats: int = 20) -> dict:
    """``speak`` per command (data generation cost), on the commands the set was spoken from."""
    commands = [process(t) for t in commands_said]
    return {"speak_us": summary([per_call_us(speak, c, repeats, rounds=3) for c in commands])}


def _median_seconds(func, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_classifiers(fits: int = 20, segmenter_fits: int = 3) -> dict:
    """Gate and segmenter: training time on the generated training set (medians of ``fits``
    and ``segmenter_fits`` fits, after a first fit that pays for importing scikit-learn) and
    microseconds a prediction on the held-out rows of ``bench/data`` (the segmenter on the
    rows that are not strict, which the gate sends it; the spacer on their kept command words;
    its fit takes tens of seconds and is timed by ``dictbash train spacer`` instead). The
    training set is made from the tldr corpus; without it the fits are not timed
    (``fit_skipped`` says why) and the predictions still are."""
    from classifiers import Gate, Segmenter, Spacer
    from .heldout import load_rows
    from classifiers.spacer import spacer_examples

    try:
        fitted = _fit_times(fits, segmenter_fits)
    except FileNotFoundError as error:
        fitted = {"gate": {"fit_skipped": str(error)}, "segmenter": {"fit_skipped": str(error)}}
    rows = load_rows()
    gate, segmenter, spacer = Gate.load(), Segmenter.load(), Spacer.load()
    said = [r["dictated"] for r in rows]
    kept, _ = spacer_examples([(normalize_words(r["dictated"]), r["protocol"].split())
                               for r in rows[::5] if r.get("protocol")])
    gc.disable()
    try:
        gate_us = [per_call_us(gate.needs_model, t, 100, rounds=3) for t in said[::5]]
        seg_us = [per_call_us(segmenter.segment, t, 20, rounds=3)
                  for r, t in zip(rows[::5], said[::5]) if r["difficulty"] != "strict"]
        spacer_us = [per_call_us(spacer.space_before, words, 5, rounds=3) for words in kept]
    finally:
        gc.enable()
    return {
        "gate": {**fitted["gate"], "needs_model_us": summary(gate_us)},
        "segmenter": {**fitted["segmenter"], "segment_us": summary(seg_us)},
        "spacer": {"space_before_us": summary(spacer_us),
                   "words": summary([len(words) for words in kept])},
    }


def _fit_times(fits: int, segmenter_fits: int) -> dict:
    """The gate's and the segmenter's training times on the generated training set."""
    from classifiers import Gate, Segmenter
    from classifiers.data import gate_label, training_set

    data = training_set()
    texts = [r.dictated for r in data.gate]
    labels = [gate_label(r.dictated, r.expected) for r in data.gate]
    strict = [r.difficulty == "strict" for r in data.gate]
    gate = Gate(programs=data.programs)
    gate.fit(texts, labels, strict)
    gate_fit = _median_seconds(lambda: gate.fit(texts, labels, strict), fits)
    seg_texts = [r.dictated for r in data.segmenter]
    seg_labels = [r.labels() for r in data.segmenter]
    segmenter = Segmenter()
    seg_fit = _median_seconds(lambda: segmenter.fit(seg_texts, seg_labels), segmenter_fits)
    return {"gate": {"fit_ms": gate_fit * 1000, "training_rows": len(texts), "fits": fits},
            "segmenter": {"fit_s": seg_fit, "training_rows": len(seg_texts),
                          "training_words": sum(map(len, seg_labels)), "fits": segmenter_fits}}


def _held_out_speech(count: int) -> list[str]:
    """The first ``count`` held-out utterances, a third each of loose, natural and chaotic."""
    rows = []
    for level in ("loose", "natural", "chaotic"):
        lines = (DATA / f"{level}.jsonl").read_text(encoding="utf-8").splitlines()
        rows += [json.loads(line)["dictated"] for line in lines[: count // 3]]
    return rows


def model_probe(fragments: int = 60) -> None:
    """Run in a fresh process (``_probe``): prints the model's figures as JSON.

    Tagging (the shipped framing: one forward pass a fragment) is timed fragment by fragment
    on held-out loose, natural and chaotic speech; generation (the framing it replaced:
    protocol words written token by token) is timed on the same model for comparison.
    """
    import resource
    import sys

    from processor import normalize_words

    started = time.perf_counter()
    from models.tagger import Tagger, import_mlx

    import_mlx()
    imported = time.perf_counter()
    tagger = Tagger.load()
    loaded = time.perf_counter()
    rows = _held_out_speech(fragments)
    tagger.tag_many([normalize_words(rows[0])])  # warm-up
    latencies, tokens = [], []
    for text in rows:
        words = normalize_words(text)
        start = time.perf_counter()
        tagger.tag_many([words])
        latencies.append((time.perf_counter() - start) * 1000)
        tokens.append(len(tagger.tokenizer.encode(" ".join(words))))
    from mlx_lm import generate

    gen = []
    for text in rows[:5]:
        prompt = tagger.tokenizer.apply_chat_template(
            [{"role": "user", "content": text}], add_generation_prompt=True, tokenize=False)
        start = time.perf_counter()
        generate(tagger.model, tagger.tokenizer, prompt, max_tokens=20)
        gen.append((time.perf_counter() - start) * 1000)
    json.dump({
        "import_s": round(imported - started, 2), "load_s": round(loaded - imported, 2),
        "tag_ms_per_fragment": summary(latencies),
        "fragment_tokens": summary(tokens),
        "generate_20_tokens_ms": summary(gen),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }, sys.stdout)


ENGINE_UTTERANCES = (
    ("git space status", False),                                   # processor
    ("okay so git push minus u origin main please", False),        # model
    ("uh docker ps dash a no wait docker ps dash q", False),       # model, a correction
    ("first I check the branch git space status then I push", True),  # mixed (text mode)
    ("the docs say to use oh minus my hyphen posh enable reload", True),  # mixed, model span
    ("thanks a lot", False),                                       # unchanged
)
"""Utterances (and text mode?) that take every route, for the whole engine's peak memory."""


def engine_probe(fragments: int = 60) -> None:
    """Run in a fresh process (``_probe``): the whole engine (gate, segmenter, spacer,
    model) converts ``ENGINE_UTTERANCES``, then the held-out speech ``model_probe`` tags, timing
    the model's whole step on each fragment it takes (tagging, then the base model's second
    opinion on unsure spaces); prints the routes taken, those times and the peak memory as JSON."""
    import resource
    import sys

    from engine import Engine

    engine = Engine()
    routes = [engine.convert(text, keep_prose=keep).route for text, keep in ENGINE_UTTERANCES]
    steps, second = [], 0
    for text in _held_out_speech(fragments):
        timings = engine.convert(text).timings_ms
        if "model" in timings:
            steps.append(timings["model"] + timings.get("second_opinion", 0.0))
            second += "second_opinion" in timings
    json.dump({"routes": routes, "model_step_ms": summary(steps), "second_opinions": second,
               "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)},
              sys.stdout)


def _probe(name: str) -> dict:
    """``bench.microbench.<name>()`` run in a fresh process (its own peak memory), as JSON."""
    import subprocess
    import sys

    run = subprocess.run([sys.executable, "-c", f"from bench.microbench import {name}; {name}()"],
                         capture_output=True, text=True)
    if run.returncode != 0:
        return {"error": (run.stderr.strip().splitlines() or [f"{name} failed"])[-1]}
    return json.loads(run.stdout)


def run(voice: bool = True) -> dict:
    utterances = load_utterances()
    figures = {
        "machine": {"python": platform.python_version(), "processor": platform.machine()},
        "processor": bench_processor(utterances),
        "speaker": bench_speaker(utterances),
        "classifiers": bench_classifiers(),
        "model": _probe("model_probe"),
        "engine": _probe("engine_probe"),
    }
    if voice:
        from .voice import bench_voice
        from .voiceset import bench_stored

        figures["voice"] = bench_voice()
        figures["voice_stored"] = bench_stored()
    from .serverbench import bench_server

    figures["server"] = bench_server(voice)
    return figures


def _print(figures: dict) -> None:
    p = figures["processor"]
    print(f"processor  {p['process_us']['n']} utterances of {p['words_per_utterance']['min']}-"
          f"{p['words_per_utterance']['max']} words (median {p['words_per_utterance']['median']})")
    print(f"  process   median {p['process_us']['median']:7.2f} us   p95 {p['process_us']['p95']:7.2f} us")
    print(f"  floor     median {p['floor_us']['median']:7.2f} us   p95 {p['floor_us']['p95']:7.2f} us"
          "   (split, one dict lookup a word, join)")
    print(f"  ratio of medians {p['ratio_of_medians']:.2f}x the floor")
    print(f"  take_back median {p['take_back_us']['median']:7.2f} us   p95 "
          f"{p['take_back_us']['p95']:7.2f} us   (the engine's look for a false start)")
    s = figures["speaker"]["speak_us"]
    print(f"speaker    median {s['median']:7.1f} us   p95 {s['p95']:7.1f} us per command")
    g = figures["classifiers"]["gate"]
    fit = ("fit not timed (no tldr corpus)" if "fit_skipped" in g else
           f"fit {g['fit_ms']:6.1f} ms (median of {g['fits']}, {g['training_rows']} rows)")
    print(f"gate       {fit}   needs_model median {g['needs_model_us']['median']:5.1f} us"
          f"   p95 {g['needs_model_us']['p95']:5.1f} us")
    m = figures["classifiers"]["segmenter"]
    fit = ("fit not timed (no tldr corpus)" if "fit_skipped" in m else
           f"fit {m['fit_s']:6.2f} s  (median of {m['fits']}, {m['training_words']} words)")
    print(f"segmenter  {fit}   segment median {m['segment_us']['median']:5.1f} us"
          f"   p95 {m['segment_us']['p95']:5.1f} us per utterance")
    c = figures["classifiers"]["spacer"]
    print(f"spacer     space_before median {c['space_before_us']['median']:5.1f} us"
          f"   p95 {c['space_before_us']['p95']:5.1f} us per fragment"
          f" (median {c['words']['median']:.0f} words)")
    _print_model(figures["model"])
    e = figures["engine"]
    if "error" in e:
        print(f"engine     unavailable: {e['error']}")
    else:
        step = e["model_step_ms"]
        print(f"engine     model step median {step['median']:6.0f} ms   p95 {step['p95']:6.0f} ms "
              f"per fragment (tagging + second opinion, {e['second_opinions']} of {step['n']} "
              f"fragments had one)")
        print(f"  peak memory {e['peak_rss_mb']} MB, the whole engine after "
              f"{len(e['routes']) + step['n']} utterances "
              f"({', '.join(sorted(set(e['routes'])))} routes)")
    if "voice" in figures:
        from .voice import summary_line

        print(summary_line(figures["voice"]))
    if "voice_stored" in figures:
        from .voiceset import summary_lines

        print("\n".join(summary_lines(figures["voice_stored"])))
    if "server" in figures:
        from .serverbench import summary_lines as server_lines

        print("\n".join(server_lines(figures["server"])))


def _print_model(model: dict) -> None:
    if "error" in model:
        print(f"model      unavailable: {model['error']}")
        return
    t = model["tag_ms_per_fragment"]
    print(f"model      import {model['import_s']:.2f} s, load {model['load_s']:.2f} s, "
          f"peak memory {model['peak_rss_mb']} MB")
    print(f"  tagging    median {t['median']:6.0f} ms   p95 {t['p95']:6.0f} ms per fragment "
          f"({t['n']} held-out fragments, median {model['fragment_tokens']['median']:.0f} tokens)")
    g = model["generate_20_tokens_ms"]
    print(f"  generating 20 tokens (the framing not taken): median {g['median']:6.0f} ms, "
          f"{g['median'] / t['median']:.1f}x tagging")


def main(json_out: str | None = None, voice: bool = True) -> int:
    figures = run(voice)
    _print(figures)
    if json_out:
        Path(json_out).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
        print(f"figures written to {json_out}")
    return 0
