"""Fixtures shared by the test modules."""

import pytest

from bench.corpus import CORPUS_PATH


@pytest.fixture
def corpus():
    """The tldr corpus's path; the test is skipped, saying where it was looked for, when it is
    not there (a clone without ``../shared`` beside it and no ``DICTBASH_CORPUS``)."""
    if not CORPUS_PATH.is_file():
        pytest.skip(f"the tldr corpus is not at {CORPUS_PATH} (set DICTBASH_CORPUS)")
    return CORPUS_PATH
