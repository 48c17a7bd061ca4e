"""The fragment tagger: an mlx-lm model with LoRA layers and a small head over its hidden states.

One forward pass tags every word of a fragment (``models.tags``); the head reads the final
hidden state at each word's last token in the echoed copy (``models.prompt.tagging_tokens``),
the same for the word before it (whether a ``space`` goes between two words is a decision
about the pair), and the word-kind features of its neighbourhood (``models.features``).
The adapter directory holds mlx-lm's adapter files (``adapters.safetensors``,
``adapter_config.json``: ``mlx_lm.load(model, adapter_path=...)`` reads them) and, beside
them, the head (``tagger_head.safetensors``) and its configuration (``tagger_config.json``).
"""

from __future__ import annotations

import json
import os
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

import numpy as np

from .base import ModelUnavailable, default_model_dir, preload_openblas
from .features import FLAGS, KINDS, OFFSETS, SIZE, word_features
from .prompt import command_tokens, fingerprint, prefix_tokens, tagging_tokens
from .tags import TAGS

HEAD_FILE = "tagger_head.safetensors"
CONFIG_FILE = "tagger_config.json"
FORMAT_VERSION = 3
FEATURES = {"kinds": list(KINDS), "offsets": list(OFFSETS), "flags": list(FLAGS)}
"""The word-kind features the head was trained with; an adapter records them."""
DEFAULT_ADAPTER_DIR = Path(__file__).parent / "adapter"
TAG_BATCH = 16
"""Fragments ``Tagger.tag_many`` tags in one forward pass: the activations grow with the
batch, so this bounds the memory of a long input (docs/HISTORY.md)."""
SCORE_BATCH = 8
"""Command texts ``Tagger.command_logprobs`` scores in one pass: its logits span the whole
vocabulary (49,152 tokens for SmolLM2), 8 texts of 60 tokens about 94 MB."""


def import_mlx():
    """mlx and mlx-lm, with OpenBLAS preloaded first and transformers kept quiet."""
    preload_openblas()
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    try:
        import mlx.core as mx
        import mlx.nn as nn
        import mlx_lm
    except ImportError as error:
        raise ModelUnavailable(f"mlx is not installed ({error}); run `make run` or "
                               "`pip install 'mlx[cpu]' mlx-lm`") from None
    return mx, nn, mlx_lm


def pad_ids(mx, ids: list[list[int]]):
    """Right-padded token ids [B, T]."""
    width = max(len(i) for i in ids)
    return mx.array([i + [0] * (width - len(i)) for i in ids])


def pad_words(mx, positions: list[list[int]], features: list):
    """Word positions [B, W] (padding points at token 0) and word features [B, W, SIZE]."""
    words = max(len(p) for p in positions)
    padded = mx.array([p + [0] * (words - len(p)) for p in positions])
    feats = mx.array(np.stack([np.pad(f, ((0, words - len(f)), (0, 0))) for f in features]))
    return padded, feats


HEAD = {"hidden": 256, "words": [-1, 0]}
"""The head's shape: one hidden layer, reading the hidden states of these words (relative to
the word tagged) beside its features; an adapter records it."""


def make_head(nn, hidden_size: int, shape: dict):
    """The tagging head: [hidden states of ``shape["words"]``, features] -> tag logits."""
    width = hidden_size * len(shape["words"]) + SIZE
    return nn.Sequential(nn.Linear(width, shape["hidden"]), nn.GELU(),
                         nn.Linear(shape["hidden"], len(TAGS)))


def head_logits(head, hidden, positions, features, shape: dict = HEAD):
    """Tag logits [B, W, len(TAGS)]: the head over the words' final hidden states and kinds.

    A word before the fragment reads zeros (so do words after it for a fragment as long as
    the batch's longest: only offsets up to 0 are independent of the batch)."""
    import mlx.core as mx

    picked = mx.take_along_axis(hidden, positions[..., None], axis=1)
    words, reach = picked.shape[1], max(abs(o) for o in shape["words"])
    zeros = mx.zeros((picked.shape[0], reach, picked.shape[2]), dtype=picked.dtype)
    padded = mx.concatenate([zeros, picked, zeros], axis=1)
    parts = [padded[:, reach + offset:reach + offset + words] for offset in shape["words"]]
    return head(mx.concatenate(parts + [features], axis=-1))


class Tagger:
    """Tags the words of fragments; ``load()`` gives the shipped default."""

    def __init__(self, model, tokenizer, head, config: dict):
        self.model, self.tokenizer, self.head, self.config = model, tokenizer, head, config
        self._prefix = None  # command_logprobs' shared prompt prefix, computed on first use

    @classmethod
    def load(cls, adapter_dir: str | Path | None = None, model_dir: str | Path | None = None) -> "Tagger":
        """The base model (the embedded default unless ``model_dir``) with a trained adapter."""
        adapter_dir = Path(adapter_dir or DEFAULT_ADAPTER_DIR)
        try:
            config = json.loads((adapter_dir / CONFIG_FILE).read_text())
        except (OSError, ValueError) as error:
            raise ModelUnavailable(f"no usable tagger adapter at {adapter_dir} ({error}); "
                                   "train one with `dictbash train model`") from None
        if (config.get("format_version") != FORMAT_VERSION or tuple(config.get("tags", ())) != TAGS
                or config.get("features") != FEATURES or config.get("head") != HEAD):
            raise ModelUnavailable(
                f"the adapter at {adapter_dir} was made for tagger format "
                f"{config.get('format_version')} with other tags; this dictbash reads format "
                f"{FORMAT_VERSION}: retrain with `dictbash train model`")
        if config.get("prompt") != fingerprint():
            raise ModelUnavailable(
                f"the adapter at {adapter_dir} was trained with another prompt than "
                "models/prompt.py defines now: retrain with `dictbash train model`")
        mx, nn, mlx_lm = import_mlx()
        model_dir = Path(model_dir) if model_dir else default_model_dir()
        if not (model_dir / "config.json").is_file():
            raise ModelUnavailable(f"no mlx-lm model at {model_dir}")
        try:
            model, tokenizer = mlx_lm.load(str(model_dir), adapter_path=str(adapter_dir))
            head = make_head(nn, config["hidden_size"], config["head"])
            head.load_weights(str(adapter_dir / HEAD_FILE))
        except (OSError, ValueError, KeyError, RuntimeError) as error:
            raise ModelUnavailable(f"the model or adapter is damaged ({error}); reinstall or "
                                   "retrain with `dictbash train model`") from None
        model.eval()
        mx.eval(model.parameters(), head.parameters())
        return cls(model, tokenizer, head, config)

    def tag_many(self, fragments: list[list[str]]) -> list[list[Tagged]]:
        """The tag of each word of each fragment, ``TAG_BATCH`` fragments a forward pass."""
        return [tags for start in range(0, len(fragments), TAG_BATCH)
                for tags in self._tag_batch(fragments[start:start + TAG_BATCH])]

    def _tag_batch(self, fragments: list[list[str]]) -> list[list[Tagged]]:
        import mlx.core as mx

        encoded = [tagging_tokens(self.tokenizer, words) for words in fragments]
        ids = pad_ids(mx, [i for i, _ in encoded])
        positions, feats = pad_words(mx, [p for _, p in encoded], [word_features(w) for w in fragments])
        logits = head_logits(self.head, self.model.model(ids), positions, feats, self.config["head"])
        probs = mx.softmax(logits, axis=-1)
        best = mx.argmax(probs, axis=-1)
        confidence = mx.max(probs, axis=-1)
        spaced = mx.sum(probs * mx.array(_SPACED), axis=-1)
        kept = mx.sum(probs * mx.array(_KEPT), axis=-1)
        space = mx.log(spaced + 1e-6) - mx.log(kept - spaced + 1e-6)
        mx.eval(best, confidence, space)
        best, confidence, space = best.tolist(), confidence.tolist(), space.tolist()
        return [[Tagged(TAGS[best[b][k]], confidence[b][k], space[b][k]) for k in range(len(words))]
                for b, words in enumerate(fragments)]

    def command_logprobs(self, commands: list[str]) -> list[float]:
        """The base model's log-probability of each command text as typed at a prompt
        (``models.prompt.command_tokens``), in batched forward passes with the adapter's LoRA
        layers switched off: what it learnt from real shell text (``tidy-viewer -h``, not
        ``tidy -viewer -h``) weighs the spacer's unsure choices. The prompt's shared prefix
        is computed once and its keys and values reused; ``SCORE_BATCH`` texts a pass keep
        the vocabulary-wide logits small. Not thread-safe: the caller holds the engine's lock."""
        import mlx.core as mx
        from mlx_lm.models.cache import make_prompt_cache

        scores: list[float] = []
        with _adapter_off(self.model):
            if self._prefix is None:
                self._prefix = self._prefix_state()
            keys_values, first = self._prefix
            for start in range(0, len(commands), SCORE_BATCH):
                ids = [command_tokens(self.tokenizer, c) for c in commands[start:start + SCORE_BATCH]]
                tokens = pad_ids(mx, ids)
                cache = make_prompt_cache(self.model)
                for layer, (keys, values) in zip(cache, keys_values):
                    layer.update_and_fetch(mx.repeat(keys, len(ids), axis=0),
                                           mx.repeat(values, len(ids), axis=0))
                logits = self.model(tokens, cache=cache).astype(mx.float32)
                logits = mx.concatenate([mx.repeat(first, len(ids), axis=0), logits[:, :-1]], axis=1)
                logp = logits - mx.logsumexp(logits, axis=-1, keepdims=True)
                picked = mx.take_along_axis(logp, tokens[..., None], axis=-1)[..., 0]
                real = mx.arange(tokens.shape[1])[None] < mx.array([len(i) for i in ids])[:, None]
                scores += mx.sum(mx.where(real, picked, 0.0), axis=-1).tolist()
        return scores

    def _prefix_state(self):
        """The keys and values of every layer over ``COMMAND_PREFIX``, and the logits after
        it (which predict a command's first token)."""
        import mlx.core as mx
        from mlx_lm.models.cache import make_prompt_cache

        cache = make_prompt_cache(self.model)
        prefix = mx.array([prefix_tokens(self.tokenizer)])
        logits = self.model(prefix, cache=cache).astype(mx.float32)[:, -1:]
        state = [(layer.keys[..., :layer.offset, :], layer.values[..., :layer.offset, :])
                 for layer in cache]
        mx.eval(logits, state)
        return state, logits


@contextmanager
def _adapter_off(model):
    """The model with its LoRA layers switched off (scale 0) for the duration: the base model."""
    from mlx_lm.tuner.lora import LoRALinear

    lora = [m for _, m in model.named_modules() if isinstance(m, LoRALinear)]
    scales = [m.scale for m in lora]
    for m in lora:
        m.scale = 0.0
    try:
        yield model
    finally:
        for m, scale in zip(lora, scales):
            m.scale = scale


class Tagged(NamedTuple):
    """One word's tag, the model's probability of it, and the model's log-odds that a
    ``space`` goes before the word if it is kept (what ``classifiers.Spacer`` weighs)."""

    tag: str
    confidence: float
    space: float


_SPACED = np.array([tag.startswith("space ") for tag in TAGS], dtype=np.float32)
_KEPT = np.array([tag != "drop" for tag in TAGS], dtype=np.float32)
