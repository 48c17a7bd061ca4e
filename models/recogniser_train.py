"""``dictbash train recogniser``: LoRA on tiny.en's decoder, taught how shell dictation sounds.

The encoder stays frozen, so its output for an utterance never changes during training: it
is computed once, by the recogniser's own CTranslate2 encoder (int8, as ``engine.recognizer``
runs it), and kept on disk as float16 (``OUT/data``). A training step is then the decoder
alone (``models.whisper``, MLX, float32) on cached audio features: what makes training
feasible on a CPU.

Data, all from **train** pages and **training** voices:

* training rows: every level of ``bench.levels`` (strict, loose, natural, chaotic, mixed,
  recogniser-style) and plain prose (``TRAIN_MIX``), generated from the train pages of folds
  ``TRAIN_FOLDS`` (``bench.testsets.build``), said as ``bench.voiceset.spoken_text`` says
  them; each heard ``copies`` times, each time in a random espeak-ng voice of
  ``training_voice`` (English voices and variants, speeds, pitches, gaps between words),
  the first time clean and the others augmented (``augment``: reverb, a band limit like a
  laptop microphone, noise at several signal-to-noise ratios, gain);
* validation rows: ``bench.voice.dev_set`` (fold 0's train pages, none of the training
  rows' pages) spoken clean by ``VALIDATION_VOICE``, a training-type voice that no training
  row is spoken with.

Every voice goes through ``bench.voice.synthesize``, which refuses the held-out voice
(``check_trainable``); the Piper voice is not reachable from here at all.

The target of an utterance is its words as the recogniser writes them (``_words_of``: lower
case, no punctuation); the decoder is given the recogniser's prompt (``PROMPT``) before it on
half of the examples and only the start tokens on the other half, so the adapted model can be
measured with and without it.
"""

from __future__ import annotations

import json
import math
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

TRAIN_FOLDS = (1, 2, 3)
TRAIN_MIX = {"strict": 3, "loose": 3, "natural": 2, "chaotic": 1, "mixed": 1, "voice": 2,
             "prose": 1}
"""Share of each level among the training rows (``prose``: the prose-only rows of mixed)."""
TRAINING_LANGUAGES = ("en-us", "en-029", "en-gb-scotland", "en-gb-x-gbclan", "en-gb-x-gbcwmd")
"""espeak-ng voices training speaks with. Not ``en-gb`` (the held-out ``en-gb-x-rp`` is a
variant of it: training on it would flatter that test voice), not ``en-us-nyc``
(``VALIDATION_VOICE``)."""
VARIANTS = ("", "+m1", "+m2", "+m3", "+m4", "+m5", "+m7", "+f1", "+f2", "+f3", "+f4")
VALIDATION_VOICE = ("-v", "en-us-nyc", "-s", "140", "-p", "55", "-g", "4")
FRAMES = 1500   # encoder output frames of Whisper's one 30-second window
PROMPT_SHARE = 0.5
LORA = {"rank": 8, "scale": 2.0}
DATA_VERSION = 1


class TrainingError(Exception):
    """Training cannot start or go on; the message says why and what to do."""


# --------------------------------------------------------------------------------------------
# Tokens and audio features


class Tokens:
    """Whisper's token ids for training: the start of the decoder's input with the
    recogniser's prompt (``prompt``: ``<|startofprev|>`` PROMPT ``<|startoftranscript|>``
    ``<|notimestamps|>``) and without it (``bare``), and the target ids of a text."""

    def __init__(self, tokenizer):
        from engine.recognizer import PROMPT

        self.tokenizer = tokenizer
        self.eot = tokenizer.token_to_id("<|endoftext|>")
        self.bare = [tokenizer.token_to_id("<|startoftranscript|>"),
                     tokenizer.token_to_id("<|notimestamps|>")]
        if None in self.bare or self.eot is None or tokenizer.get_vocab_size() > 51864:
            raise TrainingError("the recogniser is not an English-only Whisper model")
        self.prompt = [tokenizer.token_to_id("<|startofprev|>"), *self.ids(PROMPT), *self.bare]

    def ids(self, text: str) -> list[int]:
        return self.tokenizer.encode(" " + text.strip(), add_special_tokens=False).ids

    def target(self, text: str) -> list[int]:
        """The ids the decoder should write for ``text`` said: its dictation words, then
        the end of text."""
        from engine.recognizer import _words_of

        return [*self.ids(_words_of(text)), self.eot]

    def text(self, ids: list[int]) -> str:
        return self.tokenizer.decode([t for t in ids if t < self.eot]).strip()


def encode_audio(whisper, samples: np.ndarray) -> np.ndarray:
    """The encoder output [FRAMES, width] of 16 kHz samples (one window, zero-padded to 30 s),
    computed as ``engine.recognizer.Recognizer`` computes it."""
    import ctranslate2

    extractor = whisper.feature_extractor
    features = extractor(samples, padding=extractor.n_samples)
    features = features[:, :extractor.nb_max_frames].astype(np.float32)
    encoded = whisper.model.encode(ctranslate2.StorageView.from_array(features[None]),
                                   to_cpu=True)
    return np.asarray(encoded)[0]


def load_whisper(model_dir: Path | None = None, compute_type: str = "int8"):
    """faster-whisper's model of ``model_dir`` (default the shipped tiny.en)."""
    from faster_whisper import WhisperModel

    from engine.recognizer import shipped_model_dir

    return WhisperModel(str(model_dir or shipped_model_dir()), device="cpu",
                        compute_type=compute_type, cpu_threads=2)


# --------------------------------------------------------------------------------------------
# Voices and augmentation


def training_voice(rng: random.Random) -> tuple[str, ...]:
    """Random espeak-ng settings for one training utterance (never the held-out voice)."""
    from bench.voice import check_trainable

    return check_trainable((
        "-v", rng.choice(TRAINING_LANGUAGES) + rng.choice(VARIANTS),
        "-s", str(rng.randint(110, 175)), "-p", str(rng.randint(30, 70)),
        "-g", str(rng.randint(0, 10))))


def augment(samples: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, str]:
    """A degraded copy of 16 kHz ``samples`` and what was done: maybe reverb (a decaying
    noise impulse response, RT60 0.15-0.6 s), maybe a band limit (a laptop microphone:
    150-400 Hz to 3-7 kHz), maybe noise (white or pink, at 5-30 dB SNR), and a gain of
    -15 to +6 dB, clipped."""
    from engine.audio import SAMPLE_RATE

    x = samples.astype(np.float64)
    done = []
    if rng.random() < 0.3:
        rt60 = rng.uniform(0.15, 0.6)
        t = np.arange(int(rt60 * SAMPLE_RATE)) / SAMPLE_RATE
        ir = rng.standard_normal(len(t)) * np.exp(-6.9 * t / rt60)
        ir[0] = 1.0 / rng.uniform(0.1, 0.5)  # the direct sound stays the loudest
        n = len(x) + len(ir) - 1
        wet = np.fft.irfft(np.fft.rfft(x, n) * np.fft.rfft(ir, n), n)[:len(x)]
        x = wet * np.sqrt(np.mean(x ** 2) / max(np.mean(wet ** 2), 1e-12))
        done.append(f"reverb {rt60:.2f}s")
    if rng.random() < 0.4:
        low, high = rng.uniform(150, 400), rng.uniform(3000, 7000)
        f = np.fft.rfftfreq(len(x), 1 / SAMPLE_RATE)
        f[0] = 1e-3
        shape = 1 / (1 + (low / f) ** 4) / (1 + (f / high) ** 4)
        x = np.fft.irfft(np.fft.rfft(x) * shape, len(x))
        done.append(f"band {low:.0f}-{high:.0f} Hz")
    if rng.random() < 0.7:
        snr = float(rng.choice([30, 20, 15, 10, 5]))
        noise = rng.standard_normal(len(x))
        kind = "white"
        if rng.random() < 0.5:
            f = np.fft.rfftfreq(len(x), 1 / SAMPLE_RATE)
            f[0] = f[1]
            noise = np.fft.irfft(np.fft.rfft(noise) / np.sqrt(f), len(x))
            kind = "pink"
        speech = np.mean(x[np.abs(x) > 0.02 * np.abs(x).max()] ** 2) if x.any() else 0.0
        noise *= np.sqrt(speech / 10 ** (snr / 10) / max(np.mean(noise ** 2), 1e-12))
        x = x + noise
        done.append(f"{kind} noise {snr:.0f} dB")
    gain = rng.uniform(-15, 6)
    x = np.clip(x * 10 ** (gain / 20), -1, 1)
    done.append(f"gain {gain:+.1f} dB")
    return x.astype(np.float32), ", ".join(done)


# --------------------------------------------------------------------------------------------
# Rows and the feature cache


def _sizes(rows: int, mix: dict[str, int]) -> dict[str, int]:
    total = sum(mix.values())
    sizes = {level: rows * share // total for level, share in mix.items()}
    sizes["strict"] += rows - sum(sizes.values())
    return sizes


def training_rows(rows: int, seed: int = 0) -> list[dict]:
    """``rows`` dictations of train pages of ``TRAIN_FOLDS``, levels mixed as ``TRAIN_MIX``
    (``bench.voiceset.pick_rows``: 2-20 words, said as ``spoken_text``)."""
    from bench.testsets import build
    from bench.voiceset import pick_rows

    sizes = _sizes(rows, TRAIN_MIX)
    # a fifth of mixed rows are prose; a few rows fall outside 2-20 words
    per_fold = math.ceil(max(sizes.values()) * 3 / len(TRAIN_FOLDS)) + 20
    per_fold = max(per_fold, math.ceil(sizes["prose"] * 8 / len(TRAIN_FOLDS)) + 20)
    sets: dict[str, list[dict]] = {}
    for fold in TRAIN_FOLDS:
        for level, found in build(per_fold, seed, fold).items():
            sets.setdefault(level, []).extend(found)
    return pick_rows(seed, sizes, sets)


def validation_rows(rows: int) -> list[dict]:
    """``bench.voice.dev_set`` of fold 0: about ``rows`` dictations, every level."""
    from bench.voice import dev_set

    return dev_set(fold=0, per_level=max(1, math.ceil(rows / 5)))


class FeatureSet:
    """Utterances and their cached encoder outputs: ``OUT/data/<name>.npy`` (float16,
    [n, FRAMES, width], a memory map) and ``<name>.jsonl`` (one record an utterance: text,
    target ids, voice, augmentation)."""

    def __init__(self, folder: Path, name: str):
        self.features = np.load(folder / f"{name}.npy", mmap_mode="r")
        self.records = [json.loads(line) for line in
                        (folder / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()]
        if len(self.records) != len(self.features):
            raise TrainingError(f"{folder}: {name}.jsonl and {name}.npy disagree; "
                                "remove the folder and start again")

    def __len__(self) -> int:
        return len(self.records)


def build_data(folder: Path, whisper, tokens: Tokens, width: int, rows: int, valid_rows: int,
               copies: int = 2, seed: int = 0, progress: bool = True,
               validation_voice: tuple[str, ...] = VALIDATION_VOICE) -> dict:
    """Make (or finish making) the feature cache in ``folder``: ``train`` (``rows`` rows
    times ``copies``, the first copy clean) and ``valid`` (``width``: the encoder's output
    width). Returns its settings. Resumes where an interrupted run stopped; settings
    differing from the cache's are an error."""
    from tqdm import tqdm

    from bench.voice import check_trainable, synthesize
    from engine.audio import SAMPLE_RATE, load_audio

    check_trainable(validation_voice)
    settings = {"version": DATA_VERSION, "rows": rows, "valid_rows": valid_rows,
                "copies": copies, "seed": seed, "validation_voice": list(validation_voice),
                "mix": TRAIN_MIX, "folds": list(TRAIN_FOLDS)}
    state_file = folder / "data.json"
    state = json.loads(state_file.read_text()) if state_file.is_file() else None
    if state is not None and state["settings"] != settings:
        raise TrainingError(f"{folder} holds training data made with other settings "
                            f"({state['settings']}); choose another --out or remove it")
    folder.mkdir(parents=True, exist_ok=True)
    if state is None:
        rng = random.Random(f"recogniser-{seed}")
        train = [{**row, "voice": list(training_voice(rng)), "copy": c}
                 for row in training_rows(rows, seed) for c in range(copies)]
        valid = [{**row, "voice": list(validation_voice), "copy": 0}
                 for row in validation_rows(valid_rows)]
        state = {"settings": settings, "done": {"train": 0, "valid": 0}}
        for name, part in (("train", train), ("valid", valid)):
            (folder / f"{name}.plan.jsonl").write_text(
                "".join(json.dumps(r) + "\n" for r in part), encoding="utf-8")
            np.lib.format.open_memmap(folder / f"{name}.npy", mode="w+", dtype=np.float16,
                                      shape=(len(part), FRAMES, width))
            (folder / f"{name}.jsonl").write_text("")
        state_file.write_text(json.dumps(state))
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("valid", "train"):
            plan = [json.loads(line) for line in (folder / f"{name}.plan.jsonl")
                    .read_text(encoding="utf-8").splitlines()]
            done = state["done"][name]
            if done == len(plan):
                continue
            features = np.load(folder / f"{name}.npy", mmap_mode="r+")
            with open(folder / f"{name}.jsonl", "r+", encoding="utf-8") as index:
                lines = index.read().splitlines()[:done]  # drop any record past the last save
                index.seek(0)
                index.truncate()
                index.write("".join(line + "\n" for line in lines))
                bar = tqdm(range(done, len(plan)), initial=done, total=len(plan),
                           disable=not progress, desc=f"speaking + encoding {name}",
                           unit="utt")
                for k in bar:
                    row = plan[k]
                    wav = synthesize(row["dictated"], Path(tmp), tuple(row["voice"]))
                    samples = load_audio(wav).samples
                    wav.unlink()
                    how = "clean"
                    if row["copy"]:
                        samples, how = augment(samples, np.random.default_rng([seed, k]))
                    features[k] = encode_audio(whisper, samples).astype(np.float16)
                    index.write(json.dumps({
                        "id": row["id"], "level": row["level"], "page": row["page"],
                        "dictated": row["dictated"], "voice": " ".join(row["voice"]),
                        "augmentation": how, "seconds": round(len(samples) / SAMPLE_RATE, 2),
                        "target": tokens.target(row["dictated"])}) + "\n")
                    if (k + 1) % 25 == 0 or k + 1 == len(plan):
                        features.flush()
                        index.flush()
                        state["done"][name] = k + 1
                        state_file.write_text(json.dumps(state))
            del features
    return settings


# --------------------------------------------------------------------------------------------
# Training


def _batch(data: FeatureSet, indices: list[int], tokens: Tokens, prompted: list[bool]):
    """Decoder input ids [B, T] (right-padded), audio features [B, FRAMES, width] (float32),
    and the flat positions [N] in [B * T] whose next token is a target, with those targets
    [N]: the loss is taken on the target tokens and the end of text only."""
    import mlx.core as mx

    seqs = [(tokens.prompt if p else tokens.bare, data.records[i]["target"])
            for i, p in zip(indices, prompted)]
    width = max(len(start) + len(target) for start, target in seqs) - 1
    inputs = np.full((len(seqs), width), tokens.eot, dtype=np.int32)
    positions, labels = [], []
    for b, (start, target) in enumerate(seqs):
        seq = start + target
        inputs[b, :len(seq) - 1] = seq[:-1]
        positions += range(b * width + len(start) - 1, b * width + len(seq) - 1)
        labels += target
    audio = np.asarray(data.features[indices], dtype=np.float32)
    return mx.array(inputs), mx.array(audio), mx.array(positions), mx.array(labels)


def _loss(decoder, inputs, audio, positions, labels):
    import mlx.core as mx
    import mlx.nn as nn

    hidden = decoder(inputs, audio)
    picked = mx.take(hidden.reshape(-1, hidden.shape[-1]), positions, axis=0)
    return nn.losses.cross_entropy(decoder.logits(picked), labels, reduction="mean")


def budget(seconds: float) -> int:
    """Tokens a decode of ``seconds`` of audio may write: the recogniser's length cap, far
    more than any dictation of that length (a loop stops there)."""
    return int(12 + 8 * seconds)


def validate(decoder, data: FeatureSet, tokens: Tokens, batch_size: int = 8) -> dict:
    """Validation loss (with the prompt) and the word error rate of greedy decoding with the
    prompt, at most ``budget`` tokens an utterance, as ``bench.voice.word_errors`` counts it
    (the engine's normalisation)."""
    import mlx.core as mx

    from bench.voice import word_errors

    total = count = errors = words = 0
    examples = []
    for k in range(0, len(data), batch_size):
        chunk = list(range(k, min(k + batch_size, len(data))))
        inputs, audio, positions, labels = _batch(data, chunk, tokens, [True] * len(chunk))
        total += _loss(decoder, inputs, audio, positions, labels).item() * len(labels)
        count += len(labels)
        budgets = [budget(data.records[i]["seconds"]) for i in chunk]
        heard = decoder.greedy(audio, tokens.prompt, tokens.eot, max(budgets))
        for i, ids, most in zip(chunk, heard, budgets):
            said, text = data.records[i]["dictated"], tokens.text(ids[:most])
            wrong, n = word_errors(said, text)
            errors, words = errors + wrong, words + n
            if len(examples) < 3:
                examples.append({"said": said, "heard": text})
    mx.clear_cache()
    return {"loss": round(total / count, 4), "wer": round(errors / words, 4),
            "examples": examples}


def train(out: Path, *, steps: int = 2000, rows: int = 4000, valid_rows: int = 40,
          copies: int = 2, batch_size: int = 16, rank: int = LORA["rank"],
          learning_rate: float = 1e-3, val_every: int = 100, save_every: int = 100,
          resume: bool = False, seed: int = 0, progress: bool = True) -> dict:
    """Build the feature cache if needed, then train LoRA on the decoder for ``steps``
    steps; checkpoints (``OUT/lora.npz``, the artifact, with the optimizer's state and
    ``state.json``) every ``save_every`` steps. Returns the figures."""
    from engine.recognizer import shipped_model_dir

    from . import ct2
    from .recogniser import _sha256
    from .train import _epoch
    from .whisper import load_decoder, load_lora, save_lora

    import mlx.core as mx
    import mlx.nn as nn
    import mlx.optimizers as optim
    from mlx.utils import tree_flatten, tree_unflatten
    from tqdm import tqdm

    out = Path(out)
    state_file = out / "state.json"
    if state_file.is_file() and not resume:
        raise TrainingError(f"{out} already holds a training run: pass --resume to go on "
                            "with it, or choose another --out")
    base = shipped_model_dir() / "model.bin"
    model = ct2.read(base)
    decoder = load_decoder(model)
    width = decoder.embeddings.weight.shape[1]
    whisper = load_whisper()
    tokens = Tokens(whisper.hf_tokenizer)
    started = time.perf_counter()
    build_data(out / "data", whisper, tokens, width, rows, valid_rows, copies, seed, progress)
    data_s = time.perf_counter() - started
    del whisper
    train_set, valid_set = FeatureSet(out / "data", "train"), FeatureSet(out / "data", "valid")

    history: dict = {"train": [], "valid": []}
    start_step = 0
    if resume and state_file.is_file():
        state = json.loads(state_file.read_text())
        load_lora(decoder, out / "lora.npz")
        start_step, history = state["step"], state["history"]
    else:
        mx.random.seed(seed)
        decoder.add_lora(rank, LORA["scale"])
    schedule = optim.join_schedules(
        [optim.linear_schedule(learning_rate / 10, learning_rate, max(1, steps // 20)),
         optim.cosine_decay(learning_rate, max(1, steps - steps // 20), learning_rate / 20)],
        [max(1, steps // 20)])
    optimizer = optim.Adam(learning_rate=schedule)
    if start_step:
        optimizer.init(decoder.trainable_parameters())
        saved = mx.load(str(out / "optimizer.safetensors"))
        optimizer.state = tree_unflatten(list(saved.items()))
    step_fn = nn.value_and_grad(decoder, _loss)
    rng = random.Random(seed)
    lengths = [len(r["target"]) for r in train_set.records]
    batches = _epoch(lengths, batch_size, rng)
    for _ in range(start_step // len(batches)):
        batches = _epoch(lengths, batch_size, rng)  # replay the shuffles on resume
    cursor = start_step % len(batches)
    base_sha = _sha256(base)

    def save(step: int) -> None:
        save_lora(decoder, out / "lora.npz", base_sha256=base_sha, steps=step,
                  prompt=np.asarray(tokens.prompt))
        mx.save_safetensors(str(out / "optimizer.safetensors"),
                            dict(tree_flatten(optimizer.state)))
        state_file.write_text(json.dumps({"step": step, "history": history}))

    if not history["valid"]:
        history["valid"].append({"step": 0, **validate(decoder, valid_set, tokens)})
    step_times = []
    bar = tqdm(range(start_step, steps), initial=start_step, total=steps, desc="training",
               unit="step", disable=not progress)
    for step in bar:
        if cursor == len(batches):
            batches, cursor = _epoch(lengths, batch_size, rng), 0
        chunk = batches[cursor]
        cursor += 1
        coin = np.random.default_rng([seed, step]).random(len(chunk)) < PROMPT_SHARE
        tick = time.perf_counter()
        loss, grads = step_fn(decoder, *_batch(train_set, chunk, tokens, coin.tolist()))
        optimizer.update(decoder, grads)
        mx.eval(decoder.trainable_parameters(), optimizer.state, loss)
        step_times.append(time.perf_counter() - tick)
        history["train"].append([step + 1, round(loss.item(), 4)])
        bar.set_postfix(loss=f"{loss.item():.3f}")
        if (step + 1) % val_every == 0 or step + 1 == steps:
            history["valid"].append({"step": step + 1,
                                     **validate(decoder, valid_set, tokens)})
            last = history["valid"][-1]
            bar.write(f"step {step + 1}: validation loss {last['loss']:.3f}, "
                      f"WER {last['wer']:.1%}")
            sys.stdout.flush()  # a log file of an unattended run shows it now
        if (step + 1) % save_every == 0 or step + 1 == steps:
            save(step + 1)
    return {
        "steps": steps, "data_seconds": round(data_s, 1),
        "seconds": round(time.perf_counter() - started, 1),
        "step_seconds_median": round(float(np.median(step_times)), 3) if step_times else None,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "train_utterances": len(train_set), "valid_utterances": len(valid_set),
        "history": history,
    }


def add_train_parser(train_subparsers) -> None:
    """Register ``dictbash train recogniser``."""
    import argparse

    cmd = train_subparsers.add_parser(
        "recogniser", help="fine-tune the recogniser's decoder (LoRA) on spoken dictation",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n"
               "  dictbash train recogniser --out ~/rec --steps 20 --rows 40   # a smoke run\n"
               "  dictbash train recogniser --out ~/rec                        # a full run\n"
               "  dictbash train recogniser --out ~/rec --resume               # go on")
    cmd.add_argument("--out", type=Path, required=True,
                     help="training folder: feature cache, checkpoints, lora.npz")
    cmd.add_argument("--steps", type=int, default=2000)
    cmd.add_argument("--rows", type=int, default=4000, help="training dictations")
    cmd.add_argument("--valid-rows", type=int, default=40, help="validation dictations")
    cmd.add_argument("--copies", type=int, default=2,
                     help="times each is heard: once clean, the others augmented")
    cmd.add_argument("--batch-size", type=int, default=16)
    cmd.add_argument("--rank", type=int, default=LORA["rank"], help="LoRA rank")
    cmd.add_argument("--learning-rate", type=float, default=1e-3)
    cmd.add_argument("--val-every", type=int, default=100, help="steps between validations")
    cmd.add_argument("--save-every", type=int, default=100, help="steps between checkpoints")
    cmd.add_argument("--seed", type=int, default=0)
    cmd.add_argument("--resume", action="store_true", help="continue OUT's run")
    cmd.set_defaults(func=_run)


def _run(args) -> int:
    for name in ("steps", "rows", "valid_rows", "copies", "batch_size", "rank", "val_every",
                 "save_every"):
        if getattr(args, name) < 1:
            print(f"dictbash train recogniser: --{name.replace('_', '-')} must be at least 1",
                  file=sys.stderr)
            return 2
    from bench.voice import HeldOutVoice, NoSpeechSynthesizer
    from engine.recognizer import RecognizerUnavailable

    from .ct2 import ModelFileError

    try:
        figures = train(args.out, steps=args.steps, rows=args.rows, valid_rows=args.valid_rows,
                        copies=args.copies, batch_size=args.batch_size, rank=args.rank,
                        learning_rate=args.learning_rate, val_every=args.val_every,
                        save_every=args.save_every, resume=args.resume, seed=args.seed,
                        progress=sys.stderr.isatty())
    except (TrainingError, RecognizerUnavailable, NoSpeechSynthesizer, HeldOutVoice,
            ModelFileError, OSError) as error:
        print(f"dictbash train recogniser: {error}", file=sys.stderr)
        return 2
    figures["command"] = {k: v for k, v in vars(args).items() if k != "func"}
    figures["command"]["out"] = str(args.out)
    (args.out / "training.json").write_text(json.dumps(figures, indent=1) + "\n")
    first, last = figures["history"]["valid"][0], figures["history"]["valid"][-1]
    print(f"trained {figures['steps']} steps in {figures['seconds']} s "
          f"({figures['step_seconds_median']} s a step), peak memory "
          f"{figures['peak_rss_mb']} MB; validation WER {first['wer']:.1%} -> "
          f"{last['wer']:.1%}; LoRA in {args.out / 'lora.npz'}")
    return 0
