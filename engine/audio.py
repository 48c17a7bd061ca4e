"""Audio in: files and the microphone, as 16 kHz mono float32, the recogniser's one format.

Files are decoded by faster-whisper's ``decode_audio`` (PyAV, which bundles FFmpeg): any
container, rate or channel count comes out as the recogniser wants it. The microphone is
captured with sounddevice. Every failure is an ``AudioError`` whose message says what was
wrong and what to do.
"""

from __future__ import annotations

import threading
import wave
from dataclasses import dataclass, field
from pathlib import Path

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
    except (av.error.FFmpegError, OSError, ValueError, IndexError) as error:
        # IndexError: FFmpeg took the bytes for a container with no audio stream in it
        raise AudioError(f"{path} is not audio dictbash can read ({error or 'no audio stream'}); "
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


def _sounddevice():
    """The sounddevice module, or an AudioError saying how to get PortAudio."""
    try:
        import sounddevice
    except OSError as error:  # raised when the PortAudio library itself is missing
        raise AudioError(f"no PortAudio library ({error}): install it (Debian/Ubuntu: sudo "
                         "apt-get install libportaudio2; macOS: brew install portaudio)") from None
    except ImportError:
        raise AudioError("sounddevice is not installed: pip install sounddevice") from None
    return sounddevice


def list_microphones() -> list[str]:
    """The input devices, as ``--microphone`` accepts them (number: name)."""
    sd = _sounddevice()
    return [f"{number}: {device['name']}" for number, device in enumerate(sd.query_devices())
            if device["max_input_channels"] > 0]


class Microphone:
    """Captures the microphone at 16 kHz mono in sounddevice's callback thread.

    ``start`` opens the stream, ``take`` returns what arrived since the last call (the
    voice-activity loop reads it block by block), ``stop`` closes the stream and returns the
    rest; ``level`` is the latest block's dBFS for the level meter.
    """

    BLOCK_S = 0.03

    def __init__(self, device: str | int | None = None):
        self._sd = _sounddevice()
        if isinstance(device, str):
            device = int(device) if device.isdigit() else (device or None)
        self._device = device
        try:
            info = self._sd.query_devices(device, kind="input")
        except (self._sd.PortAudioError, ValueError) as error:
            choose = "choose another with --microphone (dictbash listen --list-microphones)"
            raise AudioError(f"no microphone found ({error}): plug one in or {choose}") from None
        self._rate = SAMPLE_RATE
        try:
            self._sd.check_input_settings(device, channels=1, samplerate=SAMPLE_RATE, dtype="float32")
        except (self._sd.PortAudioError, ValueError):
            self._rate = int(info["default_samplerate"])  # resampled to 16 kHz on the way out
        self._blocks: list[np.ndarray] = []
        self._lock = threading.Lock()
        self._stream = None
        self.level = -120.0

    def _callback(self, block, frames, time, status) -> None:
        mono = block[:, 0].copy()
        with self._lock:
            self._blocks.append(mono)
        self.level = level_dbfs(mono)

    def start(self) -> None:
        """Open the stream and start gathering blocks (any left from before are dropped)."""
        with self._lock:
            self._blocks.clear()
        try:
            self._stream = self._sd.InputStream(
                samplerate=self._rate, channels=1, dtype="float32", device=self._device,
                blocksize=int(self._rate * self.BLOCK_S), callback=self._callback)
            self._stream.start()
        except self._sd.PortAudioError as error:
            self._stream = None
            raise AudioError(f"the microphone cannot be opened ({error}): it may be busy in "
                             "another program; close it or choose another with "
                             "--microphone") from None

    def take(self) -> np.ndarray:
        """The samples captured since the last ``take`` (or ``start``), at 16 kHz."""
        with self._lock:
            blocks, self._blocks = self._blocks, []
        samples = np.concatenate(blocks) if blocks else np.zeros(0, np.float32)
        return self._resampled(samples)

    def stop(self) -> np.ndarray:
        """Close the stream; the samples not taken yet."""
        if self._stream is not None:
            self._stream.stop()
            self._stream.close()
            self._stream = None
        self.level = -120.0
        return self.take()

    def _resampled(self, samples: np.ndarray) -> np.ndarray:
        if self._rate == SAMPLE_RATE or not len(samples):
            return samples
        from scipy.signal import resample_poly

        return resample_poly(samples, SAMPLE_RATE, self._rate).astype(np.float32)


class Endpointer:
    """Finds utterances in a live stream by level, for hands-free (voice-activity) mode.

    Speech starts when a block rises ``margin_db`` over the tracked noise floor and ends after
    ``end_s`` below it; the recogniser's own voice-activity filter then drops noise that got
    through. ``feed`` returns a finished utterance's samples, else None.
    """

    def __init__(self, margin_db: float = 12.0, end_s: float = 0.8, min_speech_s: float = 0.25,
                 floor_db: float = -60.0):
        self.margin_db, self.end_s, self.min_speech_s = margin_db, end_s, min_speech_s
        self.floor_db = floor_db
        self._speech: list[np.ndarray] = []
        self._quiet_s = 0.0

    @property
    def hearing(self) -> bool:
        """True while an utterance is under way."""
        return bool(self._speech)

    def feed(self, samples: np.ndarray) -> np.ndarray | None:
        if not len(samples):
            return None
        level = level_dbfs(samples)
        loud = level > max(self.floor_db, -70.0) + self.margin_db
        if not loud:  # the floor follows the quiet, slowly
            self.floor_db = 0.95 * self.floor_db + 0.05 * level
        if not self._speech:
            if loud:
                self._speech, self._quiet_s = [samples], 0.0
            return None
        self._speech.append(samples)
        self._quiet_s = 0.0 if loud else self._quiet_s + len(samples) / SAMPLE_RATE
        if self._quiet_s < self.end_s:
            return None
        utterance = np.concatenate(self._speech)
        self._speech = []
        if len(utterance) / SAMPLE_RATE - self._quiet_s < self.min_speech_s:
            return None  # a click or a cough
        return utterance
