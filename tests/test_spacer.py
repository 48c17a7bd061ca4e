"""The spacer: held-out space choices, training, artifacts, and how the engine uses it."""

from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np
import pytest

from bench.corpus import FOLDS, page_fold
from classifiers import ArtifactVersionError, Spacer
from classifiers.artifacts import default_path
from classifiers.features import FEATURE_VERSION
from bench.heldout import load_rows, spacer_figures
from classifiers.shell_lm import ALPHABET, ShellLM
from classifiers.spacer import spacer_examples
from classifiers.train import train_spacer
import processor
from engine import Engine
from engine.engine import RERANK_CHOICES, RERANK_MARGIN, SECOND_OPINION_WEIGHT, _flips
from models.tagger import Tagged


@pytest.fixture(scope="module")
def spacer():
    return Spacer.load()


def test_held_out_space_choices(spacer):
    figures = spacer_figures(spacer, load_rows())
    # measured with the shipped artifact: loose 0.853, natural 0.877, chaotic 0.896,
    # voice 0.883 of their fragments with every choice right (see docs/HISTORY.md)
    for level in ("loose", "natural", "chaotic", "voice"):
        assert figures[level]["exact"] >= 0.83, (level, figures[level])
        assert figures[level]["choices"] >= 0.97, (level, figures[level])


def test_examples_come_from_the_tagging_of_each_answer():
    fragments, spaces = spacer_examples([
        ("sudo netselect dash apt".split(), "sudo space netselect dash apt".split()),
        ("um ls minus la".split(), "ls space minus la".split()),
        ("x".split(), "x".split()),  # one word: no choice to learn
        ("ls".split(), "cat".split()),  # no tagging reaches it
    ])
    assert fragments == [["sudo", "netselect", "dash", "apt"], ["ls", "minus", "la"]]
    assert spaces == [[False, True, False, False], [False, True, False]]


def test_follows_scikit_learn_conventions_and_spoken_spaces_stand():
    fragments = [["ls", "dash", "l"], ["git", "push"], ["cat", "notes", "dot", "md"]] * 3
    spaces = [[False, True, False], [False, True], [False, True, False, False]] * 3
    spacer = Spacer(min_count=1)
    assert spacer.fit(fragments, spaces) is spacer
    assert list(spacer.classes_) == [0, 1]
    assert set(spacer.get_params()) == {"C", "min_count", "prior_weight"}
    assert spacer.space_before(["git", "push"]) == [False, True]
    assert spacer.space_before([]) == []
    assert spacer.space_before(["git", "push"], margin=1e6) == [False, False]  # never that sure
    assert spacer.space_before(["cat", "notes"], said=[False, False]) == [False, True]
    # a strongly negative prior from the tagger outweighs a weak regression
    assert spacer.space_before(["git", "push"], prior=[0.0, -1e6]) == [False, False]
    assert spacer.space_before(["git", "push"], prior=[0.0, -1e6], said=[False, True]) \
        == [False, True]
    with pytest.raises(ValueError, match="labels for"):
        spacer.fit([["ls", "dash"]], [[False]])


def test_training_smoke(tmp_path, corpus):
    figures = train_spacer(tmp_path, rows=300)
    fresh = Spacer.load(tmp_path / "spacer.npz")
    assert figures["training"]["fragments"] > 200
    assert set(figures["spacer"]) == {"loose", "natural", "chaotic", "voice"}
    assert fresh.space_before(["ls", "dash", "l", "a"])[0] is False


def test_training_can_leave_a_fold_of_pages_unread(tmp_path, corpus, monkeypatch):
    read = {}
    fit_pages, fit = ShellLM.fit_pages.__func__, Spacer.fit

    def spy_fit_pages(cls, pages_and_commands, *args):
        read["command model"] = {page for page, _ in pages_and_commands}
        return fit_pages(cls, pages_and_commands, *args)

    def spy_fit(self, fragments, spaces, lm=None, pages=None):
        read["fragments"] = set(pages)
        return fit(self, fragments, spaces, lm, pages)

    monkeypatch.setattr(ShellLM, "fit_pages", classmethod(spy_fit_pages))
    monkeypatch.setattr(Spacer, "fit", spy_fit)
    figures = train_spacer(tmp_path, rows=300, leave_out_fold=1)
    assert figures["left_out_fold"] == 1 and figures["training"]["pages"] > 50
    assert set(read) == {"command model", "fragments"}
    for pages in read.values():
        assert pages and {page_fold(page) for page in pages} == set(range(FOLDS)) - {1}
    Spacer.load(tmp_path / "spacer.npz")


def test_leave_out_fold_is_refused_for_the_shipped_artifact(capsys):
    from engine.cli import main

    assert main(["train", "spacer", "--leave-out-fold", "0"]) == 2
    assert "--out" in capsys.readouterr().err


def test_spacer_that_is_no_artifact_says_how_to_rebuild_it(tmp_path):
    path = tmp_path / "spacer.npz"
    path.write_bytes(default_path("spacer").read_bytes()[:4000])  # cut short
    with pytest.raises(ValueError, match="not a readable artifact.*dictbash train spacer"):
        Spacer.load(path)
    engine = Engine(use_model=False, spacer_path=path)
    assert engine._load_spacer() is None and "spacer.npz" in engine._spacer_error


def test_spacer_made_for_another_feature_version_is_refused(tmp_path):
    with np.load(default_path("spacer"), allow_pickle=False) as data:
        arrays = dict(data)
    meta = json.loads(str(arrays["meta"]))
    meta["feature_version"] = FEATURE_VERSION + 1
    arrays["meta"] = np.array(json.dumps(meta))
    path = tmp_path / "spacer.npz"
    np.savez(path, **arrays)
    with pytest.raises(ArtifactVersionError, match="dictbash train spacer"):
        Spacer.load(path)


def _tagged(tags: list[str], space: float = 0.0) -> list[Tagged]:
    return [Tagged(tag, 0.9, space) for tag in tags]


def test_engine_lets_the_spacer_place_spaces_between_kept_words():
    engine = Engine(use_model=False)
    words = "um sudo netselect dash apt".split()
    # the tagger alone would type `sudo netselect -apt`; the spacer joins the name
    tags = engine._spacings(words, _tagged(["drop", "keep", "space keep", "space keep",
                                            "keep"]))[0][0]
    assert tags == ["drop", "keep", "space keep", "keep", "keep"]
    # a spoken space always stands, and a dropped word takes no choice
    words = "ls space dash l".split()
    tags = engine._spacings(words, _tagged(["keep", "keep", "keep", "keep"], space=-50))[0][0]
    assert tags[:3] == ["keep", "keep", "keep"]


def test_engine_without_the_spacer_says_so(monkeypatch):
    def broken(path=None):
        raise OSError("no spacer.npz")

    monkeypatch.setattr(Spacer, "load", broken)
    engine = Engine()
    assert engine.convert("git space status").warnings == []  # the processor needs no spacer
    result = engine.convert("okay so git push minus u origin main please")
    assert result.route == "model" and result.output.startswith("git push")
    assert any("spacer unavailable (no spacer.npz)" in w for w in result.warnings)
    tags = ["keep", "space keep"]
    assert engine._spacings(["git", "status"], _tagged(tags)) == [(tags, 0.0)]


def test_unsure_spaces_are_put_to_the_base_model_with_what_flipping_them_gives_up():
    engine = Engine(use_model=False)
    words = "pretty dash bytes dash dash help".split()
    scores = Spacer.load().space_scores(words)
    spacings = engine._spacings(words, _tagged(["keep"] * 6))
    assert spacings[0] == (["keep", "space keep", "keep", "space keep", "keep", "keep"],
                           0.0)  # the spacer alone types `pretty -bytes --help`
    unsure = [j for j, s in enumerate(scores) if abs(s) < RERANK_MARGIN]
    assert unsure and len(spacings) > 1
    for spaced, cost in spacings[1:]:  # each alternative flips unsure choices, at their cost
        flipped = [j for j in range(1, 6) if spaced[j].startswith("space ") != (scores[j] > 0)]
        assert flipped and set(flipped) <= set(unsure)
        assert cost == pytest.approx(sum(abs(scores[j]) for j in flipped))


def test_every_set_of_the_least_sure_choices_is_tried():
    # a closing quote joined and the next word spaced are two choices to flip together
    # (`... text-html "http://...` -> `... text-html" http://...`), not only the two least sure
    scores = [9.0, 0.1, -RERANK_MARGIN - 1, 2.0, -2.5, 1.5, -0.4]
    flips = {frozenset(flipped): cost for flipped, cost in _flips(scores)}
    least_sure = [1, 6, 5, 3, 4][:RERANK_CHOICES]
    assert len(flips) == 2 ** len(least_sure) and flips[frozenset()] == 0.0
    assert all(flipped <= set(least_sure) for flipped in flips)
    pair = frozenset(least_sure[-2:])  # not the two least sure
    assert flips[pair] == pytest.approx(sum(abs(scores[j]) for j in pair))


class _Judge:
    """A stand-in for the tagger's base model: likes one command text by ``gain`` nats."""

    def __init__(self, liked: str, gain: float):
        self.liked, self.gain, self.asked = liked, gain, []

    def command_logprobs(self, texts):
        self.asked.append(texts)
        return [self.gain if t == self.liked else 0.0 for t in texts]


def test_the_second_opinion_wins_only_by_more_than_the_spacer_gives_up():
    from models.tags import tags_to_protocol

    engine = Engine(use_model=False)
    words = "pretty dash bytes dash dash help".split()
    tagged = _tagged(["keep"] * 6)
    cost, = [c for spaced, c in engine._spacings(words, tagged)
             if processor.process(" ".join(tags_to_protocol(words, spaced))) == "pretty-bytes --help"]
    pending = [(SimpleNamespace(request=None, timings_ms={}, cased=words),
                SimpleNamespace(start=0, end=len(words)))]
    for gain, typed in ((cost + 0.1, "pretty-bytes --help"), (cost - 0.1, "pretty -bytes --help")):
        engine._tagger = _Judge("pretty-bytes --help", gain / SECOND_OPINION_WEIGHT)
        (chosen, _), = engine._second_opinion(pending, [words], [tagged])
        assert processor.process(" ".join(chosen)) == typed
        assert "pretty -bytes --help" in engine._tagger.asked[0]
    assert "second_opinion" in pending[0][0].timings_ms
