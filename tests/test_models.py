"""The model path: tags, the one prompt definition, the shipped adapter, training, failures."""

import json
import shutil
from pathlib import Path

import pytest

from engine.cli import main
from models.base import ModelUnavailable
from models.data import build, validate
from models.prompt import SYSTEM_PROMPT, fingerprint, messages, tagging_tokens
from models.features import FLAGS, SIZE, word_features
from models.tagger import CONFIG_FILE, DEFAULT_ADAPTER_DIR, Tagger
from models.tags import TAGS, align, tags_to_protocol
from processor import process

DATA = Path(__file__).parent.parent / "bench" / "data"


@pytest.mark.parametrize("said,protocol,tags", [
    ("git push minus u", "git space push space minus u",
     ["keep", "space keep", "space keep", "keep"]),
    ("grep dash i no wait dash r todo", "grep space dash r space todo",
     ["keep", "drop", "drop", "drop", "drop", "space keep", "keep", "space keep"]),
    ("so the command is make space test", "make space test",
     ["drop", "drop", "drop", "drop", "keep", "keep", "keep"]),
    ("ls scratch that pwd", "pwd", ["drop", "drop", "drop", "keep"]),
    ("head dash n to file", "head space dash n space two space file",
     ["keep", "space keep", "keep", "space replace two", "space keep"]),
    # the wrong unit repeats the one before it: the unit said before the correction is dropped
    # with it, one run of drops, not the earlier copy
    ("sudo ufw ufw correction enable", "sudo space ufw space enable",
     ["keep", "space keep", "drop", "drop", "space keep"]),
    ("git push origin origin no wait main", "git space push space origin space main",
     ["keep", "space keep", "space keep", "drop", "drop", "drop", "space keep"]),
])
def test_align_and_render_tags(said, protocol, tags):
    words = said.split()
    assert align(words, protocol.split()) == tags
    assert tags_to_protocol(words, tags) == protocol.split()


def test_align_refuses_answers_with_invented_words():
    assert align("git push".split(), "git space pull".split()) is None
    assert align("ls".split(), "ls space ls".split()) is None


def test_word_features_flag_repeats_and_corrections():
    features = word_features("git push origin main no wait origin develop".split())
    assert features.shape == (8, SIZE)
    flags = {name: list(features[:, SIZE - len(FLAGS) + k].astype(int)) for k, name in enumerate(FLAGS)}
    assert flags["repeated later"] == [0, 0, 1, 0, 0, 0, 0, 0]
    assert flags["repeated before"] == [0, 0, 0, 0, 0, 0, 1, 0]
    assert flags["correction later"] == [1, 1, 1, 1, 1, 0, 0, 0]
    assert flags["correction before"] == [0, 0, 0, 0, 0, 1, 1, 1]


def test_training_data_uses_the_prompt_and_is_valid(tmp_path, corpus):
    train, valid = build(size=60, seed=1)
    assert all(row["messages"][0]["content"] == SYSTEM_PROMPT for row in train + valid)
    for row in train:
        user, answer = row["messages"][1]["content"], row["messages"][2]["content"]
        assert user != answer and process(user) != process(answer)
    path = tmp_path / "train.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in train))
    assert validate([path, *sorted(DATA.glob("*.jsonl"))]) == []


def test_validation_fails_on_a_bad_row(tmp_path):
    path = tmp_path / "train.jsonl"
    rows = [messages("git push", "git space pull"), messages("ls", "ls")]
    path.write_text("".join(json.dumps({"messages": m}) + "\n" for m in rows))
    problems = validate([path])
    assert any(":1:" in p and "tagging" in p for p in problems)
    assert any(":2:" in p and "identity" in p for p in problems)


@pytest.fixture(scope="module")
def tagger():
    return Tagger.load()


def test_mlx_runs_on_the_system_openblas_where_there_is_one(tagger):
    """The wheel's own BLAS is ~40x slower: an ``import mlx`` before ``preload_openblas()``
    (in the runtime or in a test module) would leave every forward pass on it."""
    import ctypes.util

    maps = Path("/proc/self/maps")
    if ctypes.util.find_library("openblas") is None or not maps.is_file():
        pytest.skip("no system OpenBLAS here (scripts/system-packages.sh installs it)")
    assert "libopenblas" in maps.read_text()


def test_inference_uses_the_prompt_the_adapter_was_trained_with(tagger):
    config = json.loads((DEFAULT_ADAPTER_DIR / CONFIG_FILE).read_text())
    assert config["prompt"] == fingerprint() and config["tags"] == list(TAGS)
    ids, positions = tagging_tokens(tagger.tokenizer, ["ls", "minus", "la"])
    prompt = tagger.tokenizer.apply_chat_template(messages("ls minus la"), add_generation_prompt=True,
                                                  tokenize=False)
    assert SYSTEM_PROMPT in prompt
    assert tagger.tokenizer.decode(ids).startswith(prompt)
    assert len(positions) == 3 and positions[-1] == len(ids) - 1


def test_the_tagger_reads_a_hesitation_sound_in_one_spelling(tagger):
    # ``hm`` and ``hmmm`` are the ``hmm`` of training to the model and to the word kinds;
    # a word that only looks like one part of a command is read as said
    for said in (["git", "hm", "status"], ["git", "hmmm", "status"]):
        assert tagging_tokens(tagger.tokenizer, said) == tagging_tokens(
            tagger.tokenizer, ["git", "hmm", "status"])
        assert (word_features(said) == word_features(["git", "hmm", "status"])).all()
    assert tagging_tokens(tagger.tokenizer, ["git", "humm"]) != tagging_tokens(
        tagger.tokenizer, ["git", "hmm"])


def test_many_fragments_are_tagged_in_bounded_batches_with_the_same_tags(tagger, monkeypatch):
    import models.tagger

    fragments = [text.split() for text in ("git push minus u origin main", "ls dash la",
                                           "okay so docker ps dash a please")]
    alone = [tagger.tag_many([words]) for words in fragments]
    monkeypatch.setattr(models.tagger, "TAG_BATCH", 2)
    together = tagger.tag_many(fragments)
    assert [[t.tag for t in tags] for tags in together] == \
        [[t.tag for t in tags[0]] for tags in alone]


def test_the_base_model_scores_command_texts_alike_in_any_batch(tagger, monkeypatch):
    import models.tagger

    texts = ["tidy-viewer -h", "tidy -viewer -h", "git push -u origin main"]
    before = tagger.tag_many([["ls", "dash", "la"]])
    alone = [tagger.command_logprobs([t])[0] for t in texts]
    assert tagger.tag_many([["ls", "dash", "la"]]) == before  # the adapter is switched back on
    monkeypatch.setattr(models.tagger, "SCORE_BATCH", 2)
    assert tagger.command_logprobs(texts) == pytest.approx(alone, abs=1e-3)
    assert alone[2] > alone[0]  # a common command is likelier than a rare one
    assert tagger.command_logprobs([]) == []


def test_shipped_adapter_on_held_out_loose_speech(tagger):
    rows = [json.loads(line) for line in (DATA / "loose.jsonl").read_text().splitlines()][:40]
    fragments = [r["dictated"].split() for r in rows]
    right = 0
    for row, words, tagged in zip(rows, fragments, tagger.tag_many(fragments)):
        protocol = tags_to_protocol(words, [t.tag for t in tagged])
        right += process(" ".join(protocol)) == row["expected"]
    # measured 25 of 40 with the shipped adapter (the one before it: 19; the processor
    # alone: 0); see docs/HISTORY.md, "The model"
    assert right >= 22


def test_adapter_for_another_prompt_is_refused(tmp_path):
    adapter = tmp_path / "adapter"
    shutil.copytree(DEFAULT_ADAPTER_DIR, adapter, ignore=shutil.ignore_patterns("data"))
    config = json.loads((adapter / CONFIG_FILE).read_text())
    config["prompt"] = "0" * 16
    (adapter / CONFIG_FILE).write_text(json.dumps(config))
    with pytest.raises(ModelUnavailable, match="another prompt"):
        Tagger.load(adapter)


@pytest.mark.parametrize("key,value", [("format_version", 2), ("head", {"hidden": 0, "words": [0]}),
                                       ("features", {"kinds": [], "offsets": []})])
def test_adapter_of_another_format_is_refused(tmp_path, key, value):
    adapter = tmp_path / "adapter"
    shutil.copytree(DEFAULT_ADAPTER_DIR, adapter, ignore=shutil.ignore_patterns("data"))
    config = json.loads((adapter / CONFIG_FILE).read_text())
    config[key] = value
    (adapter / CONFIG_FILE).write_text(json.dumps(config))
    with pytest.raises(ModelUnavailable, match="retrain"):
        Tagger.load(adapter)


def test_missing_or_corrupt_adapter_is_a_clear_error(tmp_path):
    with pytest.raises(ModelUnavailable, match="dictbash train model"):
        Tagger.load(tmp_path / "nowhere")
    adapter = tmp_path / "adapter"
    shutil.copytree(DEFAULT_ADAPTER_DIR, adapter, ignore=shutil.ignore_patterns("data"))
    (adapter / "tagger_head.safetensors").write_bytes(b"not a safetensors file")
    with pytest.raises(ModelUnavailable, match="damaged"):
        Tagger.load(adapter)


def test_training_batches_cover_an_epoch_with_rows_of_similar_length():
    import random

    from models.train import _epoch

    lengths = [random.Random(k).randrange(10, 200) for k in range(1000)]
    batches = _epoch(lengths, 8, random.Random(0))
    assert batches == _epoch(lengths, 8, random.Random(0))  # deterministic in the seed
    assert sorted(i for b in batches for i in b) == list(range(1000))
    spread = sum(max(lengths[i] for i in b) - min(lengths[i] for i in b) for b in batches) / len(batches)
    assert spread < 10  # a random batch of 8 spans about 150


def test_training_command_smoke(tmp_path, corpus):
    out = tmp_path / "adapter"
    assert main(["train", "model", "--out", str(out), "--size", "40", "--iters", "2",
                 "--batch-size", "4", "--num-layers", "2"]) == 0
    for name in ("adapters.safetensors", "adapter_config.json", "tagger_head.safetensors",
                 CONFIG_FILE, "training.json"):
        assert (out / name).is_file()
    assert json.loads((out / "adapter_config.json").read_text())["num_layers"] == 2
    loaded = Tagger.load(out)
    assert len(loaded.tag_many([["ls", "minus", "l"]])[0]) == 3
    # resume continues from the checkpoint to the new total
    assert main(["train", "model", "--out", str(out), "--iters", "3", "--batch-size", "4",
                 "--num-layers", "2", "--resume"]) == 0
    assert json.loads((out / CONFIG_FILE).read_text())["steps"] == 3
