"""``dictbash train model``: LoRA layers and the tagging head, trained with a plain MLX loop.

mlx-lm's tuner trains next-token generation; the tagger needs a classification loss on the
hidden states, so this is the same model with the same LoRA layers
(``mlx_lm.tuner.utils.linear_to_lora_layers``) in a small loop of its own: validated data,
a progress bar, validation loss, checkpoints every few hundred steps and resume.
The result is an adapter directory that ``Tagger.load`` (and ``mlx_lm.load`` for the LoRA
part) reads.
"""

from __future__ import annotations

import json
import random
import resource
import time
from pathlib import Path

from . import data
from .base import ModelUnavailable, default_model_dir
from .prompt import fingerprint, tagging_tokens
from .features import word_features
from .tagger import (CONFIG_FILE, FEATURES, FORMAT_VERSION, HEAD, HEAD_FILE, head_logits,
                     import_mlx, make_head, pad_ids, pad_words)
from .tags import TAG_INDEX, TAGS, align

LORA = {"rank": 8, "scale": 20.0, "dropout": 0.0}
"""mlx-lm's LoRA parameters; ``--rank`` changes the rank."""


def _examples(mx, model, tokenizer, path: Path, frozen: int) -> list[tuple]:
    """(hidden states after the frozen layers, word positions, tags, word features) a row.

    Only the top layers carry LoRA, so what the frozen layers below them compute never
    changes during training: it is computed once here instead of at every step, in chunks of
    rows of similar length (padding is wasted arithmetic).
    """
    from mlx_lm.models.base import create_attention_mask

    lm = model.model
    encoded = []
    for words, answer in data.load_pairs(path):
        ids, positions = tagging_tokens(tokenizer, words)
        encoded.append((ids, positions, [TAG_INDEX[t] for t in align(words, answer)],
                        word_features(words)))
    out: list = [None] * len(encoded)
    by_length = sorted(range(len(encoded)), key=lambda k: len(encoded[k][0]))
    for k in range(0, len(by_length), 16):
        chunk = by_length[k:k + 16]
        h = lm.embed_tokens(pad_ids(mx, [encoded[i][0] for i in chunk]))
        mask = create_attention_mask(h, None)
        for layer in lm.layers[:frozen]:
            h = layer(h, mask, cache=None)
        mx.eval(h)
        for b, i in enumerate(chunk):
            ids, positions, tags, feats = encoded[i]
            out[i] = (h[b, :len(ids)], positions, tags, feats)
    return out


def _epoch(lengths: list[int], batch_size: int, rng: random.Random, pool: int = 50) -> list[list[int]]:
    """One epoch's batches: shuffled, then rows of similar length batched together within
    pools of ``pool`` batches (less padding per step), then the batches shuffled."""
    order = rng.sample(range(len(lengths)), len(lengths))
    batches = []
    for k in range(0, len(order), pool * batch_size):
        chunk = sorted(order[k:k + pool * batch_size], key=lambda i: lengths[i])
        batches += [chunk[b:b + batch_size] for b in range(0, len(chunk), batch_size)
                    if len(chunk[b:b + batch_size]) == batch_size]
    rng.shuffle(batches)
    return batches or [order]


def _batch(mx, examples):
    """Padded hidden states [B, T, H], word positions [B, W], tags [B, W] (-1 padding) and
    word features [B, W, SIZE]."""
    width = max(e[0].shape[0] for e in examples)
    hidden = mx.stack([mx.pad(e[0], [(0, width - e[0].shape[0]), (0, 0)]) for e in examples])
    positions, feats = pad_words(mx, [e[1] for e in examples], [e[3] for e in examples])
    words = positions.shape[1]
    targets = mx.array([e[2] + [-1] * (words - len(e[2])) for e in examples])
    return hidden, positions, targets, feats


def _top_logits(model, head, hidden, positions, feats, frozen: int):
    """Tag logits from the layers above ``frozen``: the same arithmetic as the full model."""
    from mlx_lm.models.base import create_attention_mask

    lm = model.model
    mask = create_attention_mask(hidden, None)
    for layer in lm.layers[frozen:]:
        hidden = layer(hidden, mask, cache=None)
    return head_logits(head, lm.norm(hidden), positions, feats)


def _loss(mx, nn, model, head, hidden, positions, targets, feats, frozen):
    logits = _top_logits(model, head, hidden, positions, feats, frozen)
    mask = targets >= 0
    losses = nn.losses.cross_entropy(logits, mx.maximum(targets, 0), reduction="none")
    correct = (mx.argmax(logits, axis=-1) == targets) & mask
    return (losses * mask).sum() / mask.sum(), correct.sum()


def train(data_dir: Path, adapter_dir: Path, *, base: Path | None = None, iters: int = 600,
          batch_size: int = 8, num_layers: int = 8, rank: int = LORA["rank"],
          learning_rate: float = 2e-4,
          val_every: int = 50, save_every: int = 100, resume: bool = False, seed: int = 0,
          progress: bool = True) -> dict:
    """Train and save; returns the figures (wall time, peak memory, loss curve)."""
    mx, nn, mlx_lm = import_mlx()
    import mlx.optimizers as optim
    from mlx.utils import tree_flatten
    from mlx_lm.tuner.utils import linear_to_lora_layers
    from tqdm import tqdm

    files = [data_dir / "train.jsonl", data_dir / "valid.jsonl"]
    problems = data.validate(files)
    if problems:
        raise ValueError("training data failed validation:\n" + "\n".join(problems[:20]))
    base = Path(base) if base else default_model_dir()
    if not (base / "config.json").is_file():
        raise ModelUnavailable(f"no mlx-lm model at {base}")
    model, tokenizer = mlx_lm.load(str(base))
    model.freeze()
    lora = dict(LORA, rank=rank)
    linear_to_lora_layers(model, num_layers, lora)
    hidden = model.args.hidden_size
    head = make_head(nn, hidden, HEAD)

    class Trainable(nn.Module):
        def __init__(self):
            super().__init__()
            self.lm, self.head = model, head

    trainable = Trainable()
    state_file = adapter_dir / "train_state.json"
    history: dict = {"train": [], "valid": []}
    start_step = 0
    if resume and state_file.is_file():
        state = json.loads(state_file.read_text())
        model.load_weights(str(adapter_dir / "adapters.safetensors"), strict=False)
        head.load_weights(str(adapter_dir / HEAD_FILE))
        start_step, history = state["step"], state["history"]

    frozen = len(model.model.layers) - num_layers
    train_set = _examples(mx, model, tokenizer, files[0], frozen)
    valid_set = sorted(_examples(mx, model, tokenizer, files[1], frozen), key=lambda e: e[0].shape[0])
    rng = random.Random(seed)
    lengths = [e[0].shape[0] for e in train_set]
    batches = _epoch(lengths, batch_size, rng)
    for _ in range(start_step // len(batches)):
        batches = _epoch(lengths, batch_size, rng)  # replay the shuffles on resume
    cursor = start_step % len(batches)

    optimizer = optim.Adam(learning_rate=optim.cosine_decay(learning_rate, iters, learning_rate / 20))
    if start_step:
        optimizer.init(trainable.trainable_parameters())
        optimizer.state["step"] = mx.array(start_step, dtype=mx.uint64)
    step_fn = nn.value_and_grad(
        trainable, lambda h, pos, tgt, f: _loss(mx, nn, model, head, h, pos, tgt, f, frozen)[0])

    def save(step: int) -> None:
        adapter_dir.mkdir(parents=True, exist_ok=True)
        mx.save_safetensors(str(adapter_dir / "adapters.safetensors"),
                            dict(tree_flatten(model.trainable_parameters())))
        mx.save_safetensors(str(adapter_dir / HEAD_FILE), dict(tree_flatten(head.parameters())))
        (adapter_dir / "adapter_config.json").write_text(json.dumps(
            {"fine_tune_type": "lora", "num_layers": num_layers, "lora_parameters": lora}, indent=2))
        (adapter_dir / CONFIG_FILE).write_text(json.dumps(
            {"format_version": FORMAT_VERSION, "tags": list(TAGS), "hidden_size": hidden,
             "prompt": fingerprint(), "features": FEATURES, "head": HEAD,
             "base": base.name, "steps": step, "iters": iters, "batch_size": batch_size,
             "num_layers": num_layers, "rank": rank, "learning_rate": learning_rate,
             "train_examples": len(train_set)}, indent=2))
        state_file.write_text(json.dumps({"step": step, "history": history}))

    def validate() -> tuple[float, float]:
        total, correct, words = 0.0, 0, 0
        for k in range(0, len(valid_set), batch_size):
            chunk = valid_set[k:k + batch_size]
            loss, right = _loss(mx, nn, model, head, *_batch(mx, chunk), frozen)
            n = sum(len(e[2]) for e in chunk)
            total, correct, words = total + loss.item() * n, correct + right.item(), words + n
        return total / words, correct / words

    started = time.perf_counter()
    bar = tqdm(range(start_step, iters), initial=start_step, total=iters, disable=not progress,
               desc="training", unit="step")
    for step in bar:
        if cursor == len(batches):
            batches, cursor = _epoch(lengths, batch_size, rng), 0
        batch = [train_set[i] for i in batches[cursor]]
        cursor += 1
        loss, grads = step_fn(*_batch(mx, batch))
        optimizer.update(trainable, grads)
        mx.eval(trainable.trainable_parameters(), optimizer.state, loss)
        history["train"].append([step + 1, round(loss.item(), 4)])
        bar.set_postfix(loss=f"{loss.item():.3f}")
        if (step + 1) % val_every == 0 or step + 1 == iters:
            val_loss, val_acc = validate()
            history["valid"].append([step + 1, round(val_loss, 4), round(val_acc, 4)])
            bar.write(f"step {step + 1}: validation loss {val_loss:.4f}, word accuracy {val_acc:.4f}")
        if (step + 1) % save_every == 0 or step + 1 == iters:
            save(step + 1)
    return {
        "steps": iters, "seconds": round(time.perf_counter() - started, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "train_examples": len(train_set), "history": history,
    }


def add_train_parser(train_subparsers) -> None:
    """Register ``dictbash train model``."""
    import argparse

    from .tagger import DEFAULT_ADAPTER_DIR

    cmd = train_subparsers.add_parser(
        "model", help="fine-tune the tagger (LoRA + head) on generated data",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n  dictbash train model                      # reproduce the shipped adapter\n"
               "  dictbash train model --iters 5 --size 40 --out /tmp/a   # a quick smoke run\n"
               "  dictbash train model --base ~/models/Qwen3-1.7B-mlx --out ~/my-adapter\n"
               "  dictbash train model --resume            # continue from the last checkpoint",
    )
    cmd.add_argument("--out", type=Path, default=DEFAULT_ADAPTER_DIR, help="adapter directory")
    cmd.add_argument("--base", type=Path, help="an mlx-lm model directory (default: SmolLM2-135M)")
    cmd.add_argument("--data", type=Path, help="folder with train.jsonl and valid.jsonl "
                     "(default: generate them into OUT/data)")
    cmd.add_argument("--size", type=int, default=12000, help="rows to generate (default 12000)")
    cmd.add_argument("--iters", type=int, default=1800)
    cmd.add_argument("--batch-size", type=int, default=8)
    cmd.add_argument("--num-layers", type=int, default=8, help="top layers given LoRA")
    cmd.add_argument("--rank", type=int, default=16, help="LoRA rank")
    cmd.add_argument("--learning-rate", type=float, default=2e-4)
    cmd.add_argument("--seed", type=int, default=0)
    cmd.add_argument("--resume", action="store_true", help="continue from OUT's checkpoint")
    cmd.set_defaults(func=_run)


def _run(args) -> int:
    import sys

    data_dir = args.data
    if data_dir is None:
        data_dir = args.out / "data"
        if not (args.resume and (data_dir / "train.jsonl").is_file()):
            data.write(data_dir, size=args.size, seed=args.seed)
    try:
        figures = train(data_dir, args.out, base=args.base, iters=args.iters,
                        batch_size=args.batch_size, num_layers=args.num_layers, rank=args.rank,
                        learning_rate=args.learning_rate, resume=args.resume, seed=args.seed,
                        progress=sys.stderr.isatty())
    except (ValueError, ModelUnavailable) as error:
        print(f"dictbash train model: {error}", file=sys.stderr)
        return 2
    figures["command"] = {"size": args.size, "iters": args.iters, "batch_size": args.batch_size,
                          "num_layers": args.num_layers, "rank": args.rank,
                          "learning_rate": args.learning_rate, "seed": args.seed}
    (args.out / "training.json").write_text(json.dumps(figures, indent=1) + "\n")
    print(f"trained {figures['steps']} steps in {figures['seconds']} s, peak memory "
          f"{figures['peak_rss_mb']} MB; adapter in {args.out}")
    return 0
