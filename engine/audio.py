"""Audio in: files decoded to 16 kHz mono float32, the recogniser's one input format.

Decoding goes through faster-whisper's ``decode_audio`` (PyAV, which bundles FFmpeg): any
container, rate or channel count comes out as the recogniser wants it. Every failure is an
``AudioError`` whose message says what was wrong with the file and what to do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
import wave

import numpy as np

SAMPLE_RATE = 16_000
MAX_SECONDS = 120  # one dictation; longer files are cut, and the result says so


class AudioError(Exception):
    """An audio input that cannot be used, with a message a user can act on."""


@dataclass
class Audio:
    """Samples at ``SAMPLE_RATE``, mono float32 in [-1, 1], and what was noticed reading them."""

    samples: np.ndarray
    notes: list[str] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return len(self.samples) / SAMPLE_RATE


def level_dbfs(samples: np.ndarray) -> float:
    """Root-mean-square level in dB full scale (-120 for digital silence): the level meter."""
    if not len(samples):
        return -120.0
    rms = float(np.sqrt(np.mean(np.square(samples, dtype=np.float64))))
    return max(-120.0, 20 * np.log10(rms)) if rms > 0 else -120.0


def load_audio(path: str | Path) -> Audio:
    """Decode an audio file (WAV, FLAC, MP3...; any rate, any channels) for the recogniser."""
    path = Path(path)
    if not path.is_file():
        raise AudioError(f"no audio file at {path}")
    if path.stat().st_size == 0:
        raise AudioError(f"{path} is empty")
    try:
        import av
        from faster_whisper import decode_audio
    except ImportError as error:
        raise AudioError(f"cannot decode audio ({error}): install faster-whisper "
                         "(pip install faster-whisper)") from None
    try:
        samples = decode_audio(str(path), sampling_rate=SAMPLE_RATE)
    except (av.error.FFmpegError, OSError, ValueError) as error:
        raise AudioError(f"{path} is not audio dictbash can read ({error}); "
                         "give a WAV, FLAC or MP3 file") from None
    audio = Audio(np.asarray(samples, dtype=np.float32))
    if not len(audio.samples):
        raise AudioError(f"{path} holds no audio samples")
    declared = _declared_seconds(path)
    if declared and audio.seconds < declared - 0.25:
        audio.notes.append(f"{path.name} looks truncated: its header says {declared:.1f} s, "
                           f"it holds {audio.seconds:.1f} s; transcribing what is there")
    if audio.seconds > MAX_SECONDS:
        audio.notes.append(f"{path.name} is {audio.seconds:.0f} s long; only the first "
                           f"{MAX_SECONDS} s are transcribed")
        audio.samples = audio.samples[:MAX_SECONDS * SAMPLE_RATE]
    return audio


def _declared_seconds(path: Path) -> float | None:
    """The length a WAV header promises (a cut-off file holds less); None for other formats."""
    try:
        with wave.open(str(path)) as header:
            return header.getnframes() / header.getframerate()
    except (wave.Error, EOFError, OSError, ZeroDivisionError):
        return None
