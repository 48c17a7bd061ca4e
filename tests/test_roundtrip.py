"""The speaker's round trip over real corpus commands (a fixed sample; the full run is in
docs/HISTORY.md)."""

import random

from bench.corpus import commands
from processor import SpeakError, process, speak


def test_corpus_sample_round_trips(corpus):
    filled = commands(seed=0)
    sample = random.Random(1).sample(filled, 3000)
    spoken = 0
    for _, command in sample:
        try:
            said = speak(command)
        except SpeakError:
            continue
        assert process(said) == command
        spoken += 1
    assert spoken / len(sample) >= 0.99


def test_seeded_variants_round_trip_on_corpus_sample(corpus):
    filled = commands(seed=3)
    for k, (_, command) in enumerate(random.Random(2).sample(filled, 500)):
        try:
            said = speak(command, seed=k)
        except SpeakError:
            continue
        assert process(said) == command
