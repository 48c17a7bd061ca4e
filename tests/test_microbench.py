"""The benchmarks run on a clone without the tldr corpus beside it."""

from bench import corpus
from bench.microbench import bench_classifiers


def test_classifier_timings_without_the_corpus_leave_out_only_the_fits(monkeypatch, tmp_path):
    monkeypatch.setattr(corpus, "CORPUS_PATH", tmp_path / "missing.jsonl")
    figures = bench_classifiers(fits=1, segmenter_fits=1)
    assert "tldr corpus not found" in figures["gate"]["fit_skipped"]
    assert "fit_skipped" in figures["segmenter"] and "fit_s" not in figures["segmenter"]
    assert figures["gate"]["needs_model_us"]["median"] > 0  # the predictions are still timed
    assert figures["segmenter"]["segment_us"]["median"] > 0


def test_the_whole_engine_probe_takes_every_route():
    from bench.microbench import _probe

    figures = _probe("engine_probe")
    assert set(figures["routes"]) == {"processor", "model", "mixed", "unchanged"}, figures
    assert figures["peak_rss_mb"] > 100  # the model is loaded
    assert figures["model_step_ms"]["n"] > 0  # held-out speech the model took, timed
