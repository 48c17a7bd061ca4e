"""Whisper's text decoder in MLX, loaded from a CTranslate2 Whisper model, with LoRA layers.

Adapted from mlx-examples' ``whisper/mlx_whisper/whisper.py`` (MIT licence, Copyright 2023
Apple Inc.; github.com/ml-explore/mlx-examples): the same pre-norm decoder blocks, in the
layout CTranslate2 stores (fused query/key/value in self-attention, fused key/value in
cross-attention, learned position encodings, output projection tied to the token
embedding), so its weights load by name (``decoder/layer_0/self_attention/linear_0/weight``
is ``layer[0].self_attention.linear_0.weight`` here). Only the decoder is here: the encoder
stays frozen and runs in CTranslate2 (int8, as ``engine.recognizer`` runs it), so training
sees exactly the audio features the shipped recogniser computes.

float32 throughout: float16 and quantized matmuls are many times slower on a CPU
(as for the base LLM: models/base.py).
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np

from .base import preload_openblas
from .ct2 import ModelFile

preload_openblas()  # before mlx's first import: ~40x faster matmuls on CPU
import mlx.core as mx  # noqa: E402
import mlx.nn as nn  # noqa: E402

LORA_TARGETS = ("self_attention.linear_0", "self_attention.linear_1", "attention.linear_0",
                "attention.linear_2", "ffn.linear_0", "ffn.linear_1")
"""The decoder's linears that get LoRA: self-attention (fused q/k/v, output), cross-attention
query and output, and the MLP. The cross-attention key/value projection of the frozen audio
features stays as it is, so it is computed without gradients."""


class LoRALinear(nn.Module):
    """``linear(x) + scale * x @ a @ b``: a frozen linear and a trainable low-rank delta
    (``b`` starts at zero, so the model starts as the original)."""

    def __init__(self, linear: nn.Linear, rank: int, scale: float):
        super().__init__()
        out_dims, in_dims = linear.weight.shape
        self.linear = linear
        self.scale = scale
        self.lora_a = mx.random.uniform(-1, 1, (in_dims, rank)) / math.sqrt(in_dims)
        self.lora_b = mx.zeros((rank, out_dims))
        self.linear.freeze()

    def __call__(self, x):
        return self.linear(x) + self.scale * ((x @ self.lora_a) @ self.lora_b)


def _attend(q, k, v, heads: int, mask=None):
    batch, length, width = q.shape
    q, k, v = (t.reshape(batch, t.shape[1], heads, -1).transpose(0, 2, 1, 3) for t in (q, k, v))
    out = mx.fast.scaled_dot_product_attention(q, k, v, scale=(width // heads) ** -0.5,
                                               mask=mask)
    return out.transpose(0, 2, 1, 3).reshape(batch, length, width)


class SelfAttention(nn.Module):
    def __init__(self, width: int, heads: int):
        super().__init__()
        self.heads = heads
        self.layer_norm = nn.LayerNorm(width)
        self.linear_0 = nn.Linear(width, 3 * width)
        self.linear_1 = nn.Linear(width, width)

    def __call__(self, x, mask, cache):
        q, k, v = mx.split(self.linear_0(self.layer_norm(x)), 3, axis=-1)
        if cache is not None:
            if cache.get("k") is not None:
                k = mx.concatenate([cache["k"], k], axis=1)
                v = mx.concatenate([cache["v"], v], axis=1)
            cache["k"], cache["v"] = k, v
        return self.linear_1(_attend(q, k, v, self.heads, mask))


class CrossAttention(nn.Module):
    def __init__(self, width: int, heads: int):
        super().__init__()
        self.heads = heads
        self.layer_norm = nn.LayerNorm(width)
        self.linear_0 = nn.Linear(width, width)
        self.linear_1 = nn.Linear(width, 2 * width)
        self.linear_2 = nn.Linear(width, width)

    def __call__(self, x, audio, cache):
        if cache is not None and cache.get("audio_kv") is not None:
            k, v = cache["audio_kv"]
        else:
            k, v = mx.split(self.linear_1(audio), 2, axis=-1)
            if cache is not None:
                cache["audio_kv"] = (k, v)
        return self.linear_2(_attend(self.linear_0(self.layer_norm(x)), k, v, self.heads))


class FFN(nn.Module):
    def __init__(self, width: int):
        super().__init__()
        self.layer_norm = nn.LayerNorm(width)
        self.linear_0 = nn.Linear(width, 4 * width)
        self.linear_1 = nn.Linear(4 * width, width)

    def __call__(self, x):
        return self.linear_1(nn.gelu(self.linear_0(self.layer_norm(x))))


class Layer(nn.Module):
    def __init__(self, width: int, heads: int):
        super().__init__()
        self.self_attention = SelfAttention(width, heads)
        self.attention = CrossAttention(width, heads)
        self.ffn = FFN(width)

    def __call__(self, x, audio, mask, cache):
        x = x + self.self_attention(x, mask, cache)
        x = x + self.attention(x, audio, cache)
        return x + self.ffn(x)


class Decoder(nn.Module):
    """Whisper's text decoder: ``__call__(tokens [B, T], audio [B, frames, width])`` gives the
    hidden states before the output projection; ``logits`` projects them."""

    def __init__(self, vocab: int, context: int, width: int, heads: int, layers: int):
        super().__init__()
        self.embeddings = nn.Embedding(vocab, width)
        self.position_encodings = mx.zeros((context, width))
        self.layer = [Layer(width, heads) for _ in range(layers)]
        self.layer_norm = nn.LayerNorm(width)

    def __call__(self, tokens, audio, cache: list[dict] | None = None):
        offset = cache[0]["k"].shape[1] if cache and cache[0].get("k") is not None else 0
        length = tokens.shape[1]
        x = self.embeddings(tokens) + self.position_encodings[offset:offset + length]
        mask = "causal" if length > 1 else None
        for k, layer in enumerate(self.layer):
            x = layer(x, audio, mask, cache[k] if cache else None)
        return self.layer_norm(x)

    def logits(self, hidden):
        return self.embeddings.as_linear(hidden)

    def add_lora(self, rank: int, scale: float) -> None:
        """Freeze the decoder and put LoRA on ``LORA_TARGETS`` of every layer."""
        self.freeze()
        for layer in self.layer:
            for target in LORA_TARGETS:
                block, name = target.split(".")
                module = getattr(layer, block)
                setattr(module, name, LoRALinear(getattr(module, name), rank, scale))

    def lora_layers(self) -> dict[str, LoRALinear]:
        """The LoRA layers by their CTranslate2 name (``decoder/layer_0/ffn/linear_0``)."""
        return {f"decoder/layer_{k}/{target.replace('.', '/')}":
                getattr(getattr(layer, target.split(".")[0]), target.split(".")[1])
                for k, layer in enumerate(self.layer) for target in LORA_TARGETS}

    def greedy(self, audio, prompt: list[int], eot: int, max_tokens: int = 96) -> list[list[int]]:
        """Token ids after ``prompt`` by greedy decoding until ``eot``, for each utterance of
        ``audio`` [B, frames, width] (the whole batch decoded together)."""
        cache = [{} for _ in self.layer]
        tokens = mx.array([prompt] * audio.shape[0])
        out: list[list[int]] = [[] for _ in range(audio.shape[0])]
        done = [False] * len(out)
        for _ in range(max_tokens):
            hidden = self(tokens, audio, cache)
            best = np.asarray(mx.argmax(self.logits(hidden[:, -1]), axis=-1)).tolist()
            for b, token in enumerate(best):
                done[b] = done[b] or token == eot
                if not done[b]:
                    out[b].append(token)
            if all(done):
                break
            tokens = mx.array(best)[:, None]
        return out


def _module_name(ct2_name: str) -> str:
    """``decoder/layer_0/ffn/layer_norm/gamma`` -> ``layer.0.ffn.layer_norm.weight``."""
    parts = ct2_name.split("/")[1:]
    parts = [p.replace("layer_", "layer.") if p.startswith("layer_") and p[6:].isdigit() else p
             for p in parts]
    name = ".".join(parts)
    name = name.replace(".gamma", ".weight").replace(".beta", ".bias")
    return name.replace("position_encodings.encodings", "position_encodings")


def load_decoder(model: ModelFile) -> Decoder:
    """The decoder of the CTranslate2 Whisper ``model`` (``models.ct2.read``), float32."""
    if model.name != "WhisperSpec":
        raise ValueError(f"not a Whisper model: {model.name}")
    embeddings = model.weight("decoder/embeddings/weight")
    context = model.variables["decoder/position_encodings/encodings"].shape[0]
    layers = 1 + max(int(m[1]) for n in model.variables
                     if (m := re.match(r"decoder/layer_(\d+)/", n)))
    heads = int(model.variables["decoder/num_heads"])
    decoder = Decoder(embeddings.shape[0], context, embeddings.shape[1], heads, layers)
    weights = [(_module_name(name), mx.array(model.weight(name)))
               for name, value in model.variables.items()
               if name.startswith("decoder/") and value.ndim > 0
               and not name.endswith("_scale")]
    decoder.load_weights(weights, strict=True)
    mx.eval(decoder.parameters())
    return decoder


def load_lora(decoder: Decoder, path: str | Path) -> None:
    """Give ``decoder`` the LoRA of an artifact or checkpoint (``save_lora``)."""
    arrays = np.load(path)
    rank, scale = int(arrays["rank"]), float(arrays["scale"])
    decoder.add_lora(rank, scale)
    for name, layer in decoder.lora_layers().items():
        layer.lora_a = mx.array(arrays[name + "/lora_a"])
        layer.lora_b = mx.array(arrays[name + "/lora_b"])


def save_lora(decoder: Decoder, path: str | Path, **meta) -> None:
    """The LoRA of ``decoder`` as a ``.npz`` (float32, with its rank and scale, and ``meta``):
    the artifact that ``models.recogniser.build`` merges into the shipped model."""
    layers = decoder.lora_layers()
    first = next(iter(layers.values()))
    arrays = {"rank": np.int32(first.lora_a.shape[1]), "scale": np.float32(first.scale)}
    for name, layer in layers.items():
        arrays[name + "/lora_a"] = np.asarray(layer.lora_a)
        arrays[name + "/lora_b"] = np.asarray(layer.lora_b)
    arrays.update({k: np.asarray(v) for k, v in meta.items()})
    tmp = Path(str(path) + ".tmp.npz")
    np.savez(tmp, **arrays)
    tmp.replace(path)
