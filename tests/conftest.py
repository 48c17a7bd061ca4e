"""Fixtures shared by the test modules, and the fast BLAS loaded before any test imports mlx
(a test module that imports mlx first would leave the whole run on the wheel's slow BLAS)."""

import pytest

from bench.corpus import CORPUS_PATH
from models.base import preload_openblas

preload_openblas()


@pytest.fixture
def corpus():
    """The tldr corpus's path; the test is skipped, saying where it was looked for, when it is
    not there (a clone without ``../shared`` beside it and no ``DICTBASH_CORPUS``)."""
    if not CORPUS_PATH.is_file():
        pytest.skip(f"the tldr corpus is not at {CORPUS_PATH} (set DICTBASH_CORPUS)")
    return CORPUS_PATH


@pytest.fixture(scope="module")
def pulse(tmp_path_factory):
    """A private PulseAudio daemon whose default source (the microphone of its clients) hears
    what is played to its sink: the environment of its clients. Skipped, saying why, where
    PulseAudio is missing or does not start."""
    from bench.serverbench import null_sink

    with null_sink(tmp_path_factory.mktemp("pulse")) as env:
        if env is None:
            pytest.skip("needs PulseAudio (pulseaudio, paplay, pactl: see "
                        "scripts/system-packages.sh), started here")
        yield env
