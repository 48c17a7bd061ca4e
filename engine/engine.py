"""The library call: ``Engine().convert(text)`` turns one utterance into a command.

PROTOCOL.md section 4 sets three policies: typed case is meaning (a recogniser's case is
not: ``from_recogniser``), the command alone is typed unless text is asked for
(``keep_prose``), and strict speech is typed as the processor types it.

The route is the cheapest that can be right. The classifiers and the model read the words
lower-cased, as a recogniser's text (``processor.normalize``); the processor renders them as
typed (``processor.typed_words``) unless a recogniser wrote them. A false start the speaker
took back by saying the command again is dropped (``engine.restarts``: ``make build I mean
make test``; ``Result.taken_back``). Then:
- the gate says strict -> the processor renders it (microseconds, exact): route ``processor``;
  where no ``space`` is said, the spacer adds the ones it is sure of (``open period``);
- otherwise a request around one command is dropped (``engine.requests``: ``okay type ...
  and press enter``; ``Result.request``). In command mode the utterance goes to the model
  whole: the model, trained on combinatorial phrasing and on prose alone, drops the
  wrappers, asides, corrections and prose around the command (route ``model``), and every
  word of an utterance with no command in it, which then types nothing (route
  ``unchanged``; without the model, the segmenter says whether there is a command). In
  text mode the segmenter finds the command words: prose alone comes back as said, unless
  it starts with ``sudo`` or a false start was taken back (then all of it is one command);
  each command span goes to the model, the words it drops at a span's edges are prose
  again, and prose is given back as said (route ``mixed``). The model tags words
  (``models.tags``) and the processor renders the tagged protocol words. An utterance the
  segmenter reads as one command in plain words alone, with nothing to convert (``Git
  status.``), is rendered by the processor: route ``processor``.

Anything missing (a classifier artifact, mlx, the model, the adapter) is a warning on the
result, never an exception: the engine falls back to what still works, down to the processor.
The model is loaded lazily, on the first utterance that needs it.
"""

from __future__ import annotations

import itertools
import math
import threading
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import processor
from processor import bound, normalize_words, typed_words
from processor.speech import FILLERS, is_hesitation
from processor.vocabulary import SPACE

from .requests import phrase_at, phrases, request_frame
from .restarts import take_back

UNSAID_SPACE_MARGIN = 1.0
"""The spacer's log-odds a space must pass to be added to strict-looking words that say no
``space`` (``pm two monit`` -> ``pm2 monit``; ``blockout two`` stays ``blockout2``): sure
enough that strict speech of one shell word is hardly ever split (docs/HISTORY.md)."""
MAX_MODEL_WORDS = 150
"""Longer command spans are rendered by the processor alone (the model is slow on them)."""
RERANK_MARGIN = 3.0
"""The spacer's choices less sure than this (log-odds, either way) get the base model's
second opinion (``Engine._second_opinion``). It bounds the work more than the verdict: the
model seldom overturns a surer choice (docs/HISTORY.md)."""
RERANK_CHOICES = 3
"""At most this many unsure choices a fragment are put to the base model, in every
combination (``_flips``: up to 2 ** 3 texts, one batch)."""
SECOND_OPINION_WEIGHT = 0.5
"""How much the base model's log-probability gain for a flipped choice counts against the
spacer's log-odds for it: every weight from 0.25 to 1.0 gained, and half was among the best
(docs/HISTORY.md)."""
ALTERNATIVES = 3
"""At most this many other outputs a result offers (``Result.alternatives``)."""
ALTERNATIVE_SHARE = 0.02
"""The least share (``_shares``) a runner-up needs to be offered: below it, it is not a
plausible reading, only a flip nobody would pick."""
SPEECH_ONLY = frozenset({"filler", "wrapper", "correction"})
"""Word kinds (``models.features.kind``) that are speech about a command, never part of one:
a span of them alone that the model drops whole is no command."""


@dataclass
class Span:
    """A stretch of the utterance's words: ``words[start:end]`` as said, and what it became."""

    kind: str            # "command" or "prose"
    start: int
    end: int
    said: str
    output: str
    route: str = ""      # how a command span was rendered: "processor" or "model"
    protocol: str = ""   # the strict protocol words that were rendered
    confidence: float = 1.0


@dataclass
class Alternative:
    """Another reading of the whole utterance: its ``output``, and its ``score``, the share
    of the choice it makes among the readings of its span (``_shares``), so the best's
    share and its runners-up's add up to at most 1 and compare within one result."""

    output: str
    score: float


@dataclass
class Result:
    """What the engine made of one utterance, and how."""

    text: str
    output: str
    route: str           # "processor", "model", "mixed" or "unchanged"
    confidence: float
    spans: list[Span] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    taken_back: str = ""  # a false start and its correction words, dropped as said
    request: str = ""     # the words around the command that were dropped (``okay type``)
    alternatives: list[Alternative] = field(default_factory=list)  # best first, up to 3

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class _Plan:
    """One utterance between the classifiers and the model: ``words``, ``normal`` and
    ``cased`` are what is left of ``text.split()`` after taking back its words
    ``cut[0]:cut[1]``, and the spans index them until ``_result`` maps them back onto the
    words as said; ``request``: the command's words ``request[0]:request[1]`` inside a
    request frame (``engine.requests``), or inside the speech the model dropped around it.

    The classifiers and the model read ``normal`` (lower case, as they were trained); the
    processor renders ``cased``: the words as typed, or ``normal`` again for a recogniser's
    text, whose case is noise (PROTOCOL.md section 4)."""

    text: str
    words: list[str]
    normal: list[str]
    cased: list[str]
    from_recogniser: bool
    keep_prose: bool
    spans: list[Span]
    timings_ms: dict[str, float]
    warnings: list[str]
    cut: tuple[int, int] | None = None
    request: tuple[int, int] | None = None
    segmented: bool = True  # the segmenter found a command (the model's fallback)
    choices: dict[int, list[tuple[str, float]]] = field(default_factory=dict)
    """Each span's readings (``id(span)``: output and share, ``_shares``), best first,
    where the spacer left a choice open."""

    def judged(self, start: int, end: int) -> str:
        """The words ``start:end`` as the gate judges them: a recogniser's case is one of its
        signs; typed case is meaning, so the gate reads typed words in lower case."""
        return " ".join((self.words if self.from_recogniser else self.normal)[start:end])

    def said(self, start: int, end: int) -> str:
        """The words ``start:end`` of ``text.split()``, as said."""
        return " ".join(self.text.split()[start:end])

    def command(self, start: int, end: int) -> tuple[int, int]:
        """The words of ``start:end`` that are the command: all, or those a request leaves."""
        return self.request or (start, end)


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 3)


FALSE_START_WORDS = 3
"""How many words before a filler a false start may hold (``git push um git push origin``),
and within how many words after it the speaker starts again with them."""
JOINING_KINDS = frozenset({"dash", "dot", "slash", "operator", "symbol"})
"""Kinds of word (``models.features.kind``) that join or separate the words beside them."""
COMPOUND_KEYWORDS = {"if": ("then", "fi"), "for": ("do", "done"), "while": ("do", "done"),
                     "until": ("do", "done"), "select": ("do", "done"), "case": ("in", "esac")}
"""Bash's compound commands: the opening keyword, then the keywords of its body and its end."""
_LONG_FILLERS = phrases(*(f for f in FILLERS if " " in f))


def _licensed(words: list[str], tagged: list) -> list:
    """The tagger's tags with each unlicensed drop undone. Correction or not, the opening
    keyword of a compound command that is typed stays (``_compounds_opened``), and so does a
    symbol word said between two kept words (``osascript dash l JavaScript dash c make that
    dash e``: a correction takes back what comes before its cue, never a lone ``dash``
    inside what it keeps). Where no correction is said, what the speaker said stays unless
    something shows it was a false start:

    - a word said a few words before a filler goes only if the speaker starts again with it
      right after the filler (``git push um git push origin``); otherwise it is the command's
      own word (``bob you know uninstall``, ``test dash z um double quote ...``, ``gh alias
      set you know dash dash shell alias one``), whatever the tagger thought. Wrapper words
      (``okay um ls``) are the tagger's to drop;
    - a spoken ``space`` between kept words always stands (``slash join space um hash
      channelname`` is ``/join #channelname``);
    - a word inside a quoted string is the string's text, whatever its kind (``echo quote
      you are a test quote``), unless it is a hesitation sound or a filler of several words
      (``um``, ``you know``) that the tagger drops.
    """
    from models.features import kind

    kinds = [kind(w) for w in words]
    tagged = _symbols_between_kept(kinds, _compounds_opened(words, tagged))
    if "correction" in kinds:
        return tagged
    quoted = _quoted(words)
    fillers = _in_filler_phrase(words)
    out = list(tagged)
    for j, t in enumerate(tagged):
        if t.tag == "drop" and quoted[j] and not (is_hesitation(words[j]) or fillers[j]):
            out[j] = t._replace(tag="keep")
            continue
        if t.tag != "drop" or kinds[j] in SPEECH_ONLY or words[j] == SPACE:
            continue
        filler = next((i for i in range(j + 1, min(j + 1 + FALSE_START_WORDS, len(words)))
                       if kinds[i] == "filler"), None)
        if filler is None:
            continue
        after = next((i for i in range(filler + 1, len(words)) if kinds[i] != "filler"), None)
        if (after is not None and tagged[after].tag != "drop"
                and words[j] not in words[after:after + FALSE_START_WORDS]):
            out[j] = t._replace(tag="keep")
    kept = [j for j, t in enumerate(out) if t.tag != "drop"]
    for j, t in enumerate(out):
        if t.tag == "drop" and words[j] == SPACE and kept and kept[0] < j < kept[-1]:
            out[j] = t._replace(tag="keep")
    return out


def _compounds_opened(words: list[str], tagged: list) -> list:
    """The tags with a dropped opening keyword kept where the compound it opens is typed:
    its body keyword and then its closing keyword are kept after it, with no other of the same
    opening word between (``for capital EDITOR in ... do ... done``; ``for done sorry NODE
    underscore ENV ... do ... done``). A wrapper word that happens to be ``for`` or ``if``
    has no ``do`` and ``done`` of its own, so it still goes."""
    out = list(tagged)
    kept = [t.tag != "drop" for t in tagged]
    for j, word in enumerate(words):
        if kept[j] or word not in COMPOUND_KEYWORDS:
            continue
        body, end = COMPOUND_KEYWORDS[word]
        middle = next((m for m in range(j + 1, len(words)) if kept[m] and words[m] == body), None)
        if (middle is not None and word not in words[j + 1:middle]
                and any(kept[c] and words[c] == end for c in range(middle + 1, len(words)))):
            out[j] = tagged[j]._replace(tag="keep")
    return out


def _symbols_between_kept(kinds: list[str], tagged: list) -> list:
    """The tags with a dropped symbol word kept where the words either side of it are kept."""
    return [t._replace(tag="keep") if t.tag == "drop" and kinds[j] in JOINING_KINDS
            and 0 < j < len(tagged) - 1 and tagged[j - 1].tag != "drop"
            and tagged[j + 1].tag != "drop" else t for j, t in enumerate(tagged)]


def _quoted(words: list[str]) -> list[bool]:
    """For each word, whether it is said between an opening and a closing quote (as the
    processor pairs them). A quote left open marks nothing: its words may be speech."""
    inside = [False] * len(words)
    opened = None
    for token in processor.explain(" ".join(words)).tokens:
        if token.rule == "quote":
            if opened is not None:
                inside[opened:token.start] = [True] * (token.start - opened)
            opened = token.end if opened is None else None
    return inside


def _in_filler_phrase(words: list[str]) -> list[bool]:
    """For each word, whether it is part of a filler of several words (``you know``): alone,
    such a word (``you``) is as likely to be the command's own."""
    out = [False] * len(words)
    for i in range(len(words)):
        n = phrase_at(words, i, _LONG_FILLERS)
        out[i:i + n] = [True] * n
    return out


def _kept(span: Span, tags: list) -> tuple[int, int]:
    """The words of a tagged span from the first the model keeps to the last."""
    kept = [k for k, t in enumerate(tags) if t.tag != "drop"]
    return span.start + kept[0], span.start + kept[-1] + 1


def _edges_as_prose(plan: _Plan, span: Span, tags: list) -> list[Span]:
    """A command span with the words the model dropped at its edges given back as prose:
    in text mode what is not command is typed as said (``to list them use [ls -la]``)."""
    lead, end = _kept(span, tags)
    edges = ((span.start, lead), (end, span.end))
    span.start, span.end = edges[0][1], edges[1][0]
    span.said = " ".join(plan.words[span.start:span.end])
    prose = [Span("prose", a, b, " ".join(plan.words[a:b]), " ".join(plan.words[a:b]))
             if a < b else None for a, b in edges]
    return [p for p in (prose[0], span, prose[1]) if p is not None]


def _flips(scores: list[float]) -> list[tuple[tuple[int, ...], float]]:
    """The spacer's choices (``Spacer.space_scores``: a space above 0) to try flipped: every
    set of its unsure ones (within ``RERANK_MARGIN``, the ``RERANK_CHOICES`` least sure), the
    empty set first at cost 0, each with the log-odds it gives up."""
    unsure = sorted((j for j, score in enumerate(scores) if abs(score) < RERANK_MARGIN),
                    key=lambda j: abs(scores[j]))[:RERANK_CHOICES]
    flips = [flipped for size in range(len(unsure) + 1)
             for flipped in itertools.combinations(unsure, size)]
    return [(flipped, sum(abs(scores[j]) for j in flipped)) for flipped in flips]


def _shares(scored: dict[str, float]) -> list[tuple[str, float]]:
    """Each output with its share of the readings (a softmax of their log-domain scores:
    the spacer's log-odds given up, less or plus the base model's weighted gain), best
    first; a tie goes to the first given (the spacer's own choice)."""
    top = max(scored.values())
    weights = {text: math.exp(score - top) for text, score in scored.items()}
    total = sum(weights.values())
    return sorted(((text, weight / total) for text, weight in weights.items()),
                  key=lambda pair: -pair[1])


def _alternatives(plan: _Plan, typed: list[Span], output: str) -> list[Alternative]:
    """The whole output with the one command span's runners-up in its place (those with at
    least ``ALTERNATIVE_SHARE``), best first, none twice nor the output again. An output
    of several commands has none: a share of one span's readings says nothing of the
    others'."""
    commands = [s for s in typed if s.kind == "command"]
    if len(commands) != 1 or id(commands[0]) not in plan.choices:
        return []
    found: dict[str, float] = {}
    for text, share in plan.choices[id(commands[0])]:
        whole = " ".join(o for o in (text if s is commands[0] else s.output for s in typed) if o)
        if share >= ALTERNATIVE_SHARE and whole and whole != output and whole not in found:
            found[whole] = round(share, 3)
    return [Alternative(whole, share) for whole, share in found.items()][:ALTERNATIVES]


def convert_heard(engine, transcript, *, keep_prose: bool = False) -> Result | None:
    """Convert what a recogniser heard (``recognizer.Transcript``; None where it heard
    nothing) with ``engine`` (an ``Engine`` or one that wraps it). Its other readings
    (``Transcript.readings``: a different repair of the same audio) with at least
    ``ALTERNATIVE_SHARE`` of them are converted in the same batch; those that type something
    else join the alternatives, with that share."""
    if not transcript.text:
        return None
    others = [(text, share) for text, share in _shares(transcript.readings or
                                                       {transcript.text: 0.0})
              if text != transcript.text and share >= ALTERNATIVE_SHARE][:ALTERNATIVES]
    result, *heard_otherwise = engine.convert_many(
        [transcript.text, *(text for text, _ in others)], from_recogniser=True,
        keep_prose=keep_prose)
    found = {a.output: a.score for a in result.alternatives}
    for other, (_, share) in zip(heard_otherwise, others):
        if other.output and other.output != result.output and other.output not in found:
            found[other.output] = round(share, 3)
    result.alternatives = [Alternative(output, score) for output, score in sorted(
        found.items(), key=lambda pair: -pair[1])][:ALTERNATIVES]
    return result


class Engine:
    """Converts dictation to bash with the embedded defaults (or the given model and adapter)."""

    def __init__(self, *, model_dir: str | Path | None = None, adapter_dir: str | Path | None = None,
                 use_model: bool = True, spacer_path: str | Path | None = None):
        """``spacer_path``: another spacer artifact than the shipped one (one trained for a
        development set, ``dictbash eval --spacer``)."""
        from classifiers import Gate, Segmenter

        self._model_dir, self._adapter_dir = model_dir, adapter_dir
        self._spacer_path = spacer_path
        self._use_model = use_model
        self._warnings: list[str] = []
        try:
            self._gate, self._segmenter = Gate.load(), Segmenter.load()
        except (OSError, ValueError) as error:
            self._gate = self._segmenter = None
            self._warnings.append(f"classifiers unavailable ({error}): processor only")
        self._spacer = None
        self._spacer_error: str | None = None
        self._tagger = None
        self._tagger_error: str | None = None if use_model else "model disabled"
        self._lock = threading.Lock()

    def load_model(self) -> str | None:
        """Loads the spacer and the tagger now (otherwise the first utterance that needs them
        does): why one cannot be used, or None. For callers that must not fall back quietly,
        such as an evaluation of a given model or adapter."""
        with self._lock:
            if self._load_spacer() is None:
                return f"spacer unavailable ({self._spacer_error})"
            if self._load_tagger() is None:
                return f"model unavailable ({self._tagger_error})"
        return None

    def know_programs(self, names) -> None:
        """Let the gate, the segmenter and the spacer read ``names`` (normalised words: your
        programs, ``engine.words``) as programs they know; no names, as shipped again. Loads
        the spacer now, so that it has them when first needed."""
        with self._lock:
            spacer = self._load_spacer()
            if self._gate is not None:
                programs = self._gate.know(names)
                self._segmenter.know(names, programs)
                if spacer is not None:
                    spacer.know(names, programs)

    def convert(self, text: str, *, from_recogniser: bool = False,
                keep_prose: bool = False) -> Result:
        """Convert one utterance. ``from_recogniser``: a speech recogniser wrote ``text``, so
        its case and sentence punctuation are noise; otherwise typed case is meaning.
        ``keep_prose``: text mode, prose kept as said with the commands in it converted;
        otherwise command mode, the command alone (PROTOCOL.md section 4)."""
        return self.convert_many([text], from_recogniser=from_recogniser,
                                 keep_prose=keep_prose)[0]

    def convert_many(self, texts: list[str], *, from_recogniser: bool = False,
                     keep_prose: bool = False) -> list[Result]:
        """Convert several utterances, with one batched model call for all their fragments."""
        plans = [self._plan(text, from_recogniser, keep_prose) for text in texts]
        pending = [(plan, span) for plan in plans for span in plan.spans
                   if span.kind == "command" and not span.route]
        if pending:
            self._run_model(pending)
        return [self._result(plan) for plan in plans]

    # -- stages --------------------------------------------------------------------------

    def _plan(self, text: str, from_recogniser: bool, keep_prose: bool) -> _Plan:
        words, normal = text.split(), normalize_words(text)
        plan = _Plan(text, words, normal, normal if from_recogniser else typed_words(text),
                     from_recogniser, keep_prose, [], {}, list(self._warnings))
        if not words:
            return plan
        plan.cut = take_back(plan.normal)
        if plan.cut:
            a, b = plan.cut
            plan.words, plan.normal, plan.cased = (
                kept[:a] + kept[b:] for kept in (words, plan.normal, plan.cased))
            words = plan.words
        if self._gate is None:
            plan.spans = [self._by_processor(plan, 0, len(words))]
            return plan
        start = time.perf_counter()
        strict = not self._gate.needs_model(plan.judged(0, len(words)))
        plan.timings_ms["gate"] = _ms(start)
        frame = request_frame(plan.normal)
        if strict:  # but for its request, if it has one (``... kebabcase template dev thanks``)
            plan.request = frame[:2] if frame else None
            plan.spans = [self._by_processor(plan, *plan.command(0, len(words)), unsaid=True)]
            return plan
        start = time.perf_counter()
        from classifiers import COMMAND, PROSE, Span as Segment

        if frame and self._command_inside(plan.normal[frame[0]:frame[1]], frame[2]):
            plan.request = frame[:2]
            segments = [Segment(COMMAND, 0, len(words))]
        else:
            segments = self._segmenter.segment(" ".join(plan.normal))
        plan.segmented = any(found.kind == COMMAND for found in segments)
        plain = segments == [Segment(PROSE, 0, len(words))] and self._segmenter.plain_command(
            " ".join(plan.normal))  # ``Git status.``: typed lower case, no full stop
        if not keep_prose and not plain:
            segments = [Segment(COMMAND, 0, len(words))]  # the model drops what is not command
        if (plan.cut or plan.normal[0] == "sudo") and all(
                found.kind != "command" for found in segments):
            segments = [replace(segments[0], kind="command", start=0, end=len(words))]
            # a taken-back false start says the rest is a command, however short, and no
            # sentence starts with ``sudo``
        elif plain:
            plan.spans = [self._by_processor(plan, 0, len(words), unsaid=True)]
            plan.timings_ms["segmenter"] = _ms(start)
            return plan
        for found in segments:
            said = " ".join(words[found.start:found.end])
            if found.kind != "command":
                plan.spans.append(Span("prose", found.start, found.end, said, said))
                continue
            whole = found.start == 0 and found.end == len(words)  # the gate has judged it
            if not whole and not self._gate.needs_model(plan.judged(found.start, found.end)):
                plan.spans.append(self._by_processor(plan, found.start, found.end, unsaid=True))
            elif found.end - found.start > MAX_MODEL_WORDS:
                plan.warnings.append(f"a command of {found.end - found.start} words is too long "
                                     f"for the model (at most {MAX_MODEL_WORDS}): processor only")
                plan.spans.append(self._by_processor(plan, found.start, found.end, confidence=0.3))
            else:
                plan.spans.append(Span("command", found.start, found.end, said, ""))
        plan.timings_ms["segmenter"] = _ms(start)
        return plan

    def _command_inside(self, words: list[str], typed: bool) -> bool:
        """Whether the words inside a request frame are one command and nothing else: the
        segmenter finds no prose in them, or (after a cue to type) nothing but prose, which
        the speaker has said is to be typed (``so yeah type exit``)."""
        from classifiers import COMMAND, PROSE

        kinds = {found.kind for found in self._segmenter.segment(" ".join(words))}
        return kinds == {COMMAND} or (typed and kinds == {PROSE})

    def _by_processor(self, plan: _Plan, start: int, end: int, confidence: float = 1.0,
                      unsaid: bool = False) -> Span:
        """The words ``start:end`` rendered by the processor; with ``unsaid``, words that say
        no ``space`` get the ones the spacer is sure of (``_unsaid_spaces``)."""
        words, readings = plan.cased[start:end], []
        if unsaid and SPACE not in plan.normal[start:end] and len(words) > 1:
            began = time.perf_counter()
            readings = self._unsaid_spaces(plan.normal[start:end], words)
            plan.timings_ms["spacer"] = _ms(began)
            if readings[0][0] != words:
                words, confidence = readings[0][0], round(
                    1 / (1 + math.exp(-UNSAID_SPACE_MARGIN)), 2)
        protocol = " ".join(words)
        began = time.perf_counter()
        output = processor.process(protocol)
        plan.timings_ms["processor"] = plan.timings_ms.get("processor", 0) + _ms(began)
        span = Span("command", start, end, " ".join(plan.words[start:end]), output, "processor",
                    protocol, confidence)
        if len(readings) > 1:  # the runners-up: the spacer's unsure choices flipped
            scored: dict[str, float] = {output: 0.0}
            for spaced, cost in readings[1:]:
                scored.setdefault(processor.process(" ".join(spaced)), -cost)
            plan.choices[id(span)] = _shares(scored)
        return span

    def _unsaid_spaces(self, normal: list[str], words: list[str]) -> list[tuple[list[str], float]]:
        """``words`` (``normal`` as typed) with a ``space`` wherever the spacer alone is sure
        of one (``UNSAID_SPACE_MARGIN``): strict protocol without ``space`` is one shell
        word, but ``open period`` is meant as ``open .``, not ``open.``. Never inside what
        the words bind (``processor.bound``: a ``... case`` scope, a number): strict speech
        stays as the processor types it. No second opinion here: the words may be strict
        (``blockout two`` is ``blockout2`` as said), and the base model would put spaces in
        that nobody said. Then the runners-up, for ``Result.alternatives``: the same with
        the choices within ``RERANK_MARGIN`` of the margin flipped (``_flips``), each with
        the log-odds, less the margin, it gives up."""
        with self._lock:
            spacer = self._load_spacer()
        if spacer is None:
            return [(words, 0.0)]
        scores = [-math.inf if tied else score - UNSAID_SPACE_MARGIN for score, tied in zip(
            spacer.space_scores(normal, margin=UNSAID_SPACE_MARGIN), bound(normal))]
        return [([w for j, word in enumerate(words)
                  for w in ([SPACE, word] if (scores[j] > 0) != (j in flipped) else [word])],
                 cost) for flipped, cost in _flips(scores)]

    def _load_tagger(self):
        """The tagger, loaded once; None (with the reason kept) if it cannot be."""
        if self._tagger is None and self._tagger_error is None:
            from models.base import ModelUnavailable
            from models.tagger import Tagger

            try:
                self._tagger = Tagger.load(self._adapter_dir, self._model_dir)
            except ModelUnavailable as error:
                self._tagger_error = str(error)
        return self._tagger

    def _load_spacer(self):
        """The spacer, loaded once, when the model is first needed; None (with the reason
        kept) if it cannot be."""
        if self._spacer is None and self._spacer_error is None:
            from classifiers import Spacer

            try:
                self._spacer = Spacer.load(self._spacer_path)
            except (OSError, ValueError) as error:
                self._spacer_error = str(error)
        return self._spacer

    def _run_model(self, pending: list[tuple[_Plan, Span]]) -> None:
        from models.features import kind

        fragments = [plan.normal[span.start:span.end] for plan, span in pending]
        start = time.perf_counter()
        with self._lock:
            tagger = self._load_tagger()
            tagged = tagger.tag_many(fragments) if tagger is not None else None
            spacer = self._load_spacer() if tagged is not None else None
        elapsed = _ms(start)
        if tagged is not None:  # one set of tags for the command, its edges and its request
            tagged = [_licensed(words, tags) for words, tags in zip(fragments, tagged)]
        chosen = self._second_opinion(pending, fragments, tagged)
        for k, (plan, span) in enumerate(pending):
            where = next(i for i, s in enumerate(plan.spans) if s is span)
            if tagged is None:
                plan.warnings.append(f"model unavailable ({self._tagger_error}): processor only")
                if not plan.segmented:  # then the segmenter's word that it is prose stands
                    plan.spans[where] = Span("prose", span.start, span.end, span.said, span.said)
                    continue
                plan.spans[where] = self._by_processor(
                    plan, *plan.command(span.start, span.end), confidence=0.3)
                continue
            plan.timings_ms["model"] = round(elapsed / len(pending), 3)
            if spacer is None:
                plan.warnings.append(f"spacer unavailable ({self._spacer_error}): the model "
                                     "alone places spaces")
            protocol, readings = chosen[k]
            partial = len(plan.spans) > 1
            if not protocol and (partial or not plan.keep_prose
                                 or all(kind(w) in SPEECH_ONLY for w in fragments[k])):
                plan.spans[where] = Span("prose", span.start, span.end, span.said, span.said)
                continue  # prose beside a command, prose alone, or fillers alone (``okay um``)
            if not protocol:
                plan.warnings.append("the model dropped every word of a command: processor only")
                plan.spans[where] = self._by_processor(
                    plan, *plan.command(span.start, span.end), confidence=0.2)
                continue
            span.protocol = " ".join(protocol)
            span.output = processor.process(span.protocol)
            span.route = "model"
            if readings:
                plan.choices[id(span)] = readings
            span.confidence = round(min(t.confidence for t in tagged[k]), 4)
            if plan.keep_prose:
                plan.spans[where:where + 1] = _edges_as_prose(plan, span, tagged[k])
            elif plan.request is None and len(plan.spans) == 1:  # the speech it dropped
                plan.request = _kept(span, tagged[k])

    def _second_opinion(self, pending: list[tuple[_Plan, Span]], fragments: list[list[str]],
                        tagged: list | None) -> list[tuple[list[str], list[tuple[str, float]]]]:
        """The protocol words of each tagged fragment, the request's words dropped, and the
        outputs it was chosen among with their shares (``_shares``; none where the spacer
        was sure, or said one thing every way): the
        tagger's words spaced by the spacer (``_spacings``), unless the base model
        (``Tagger.command_logprobs``, one batch for all fragments) finds a typed text with
        unsure choices flipped likelier as a command by more (``SECOND_OPINION_WEIGHT``) than
        the spacer's log-odds it gives up: the model has read real shell text, so it knows
        ``frida-trace`` and ``tests -type f`` where the spacer knows only train pages."""
        from models.tags import tags_to_protocol

        if tagged is None:
            return [([], []) for _ in fragments]
        options = []  # each fragment's {typed text: (protocol, cost)}, the spacer's own first
        for (plan, span), words, tags in zip(pending, fragments, tagged):
            cased = plan.cased[span.start:span.end]
            if plan.request:  # the request's words go, whatever the model made of them
                tags = [t if plan.request[0] <= span.start + j < plan.request[1]
                        else t._replace(tag="drop") for j, t in enumerate(tags)]
            by_text: dict[str, tuple[list[str], float]] = {}
            for spaced, cost in self._spacings(words, tags):
                protocol = tags_to_protocol(cased, spaced)
                by_text.setdefault(processor.process(" ".join(protocol)), (protocol, cost))
            options.append(by_text)
        texts = [text for by_text in options if len(by_text) > 1 for text in by_text]
        if texts:
            began = time.perf_counter()
            with self._lock:
                logprobs = iter(self._tagger.command_logprobs(texts))
            for plan, _ in pending:
                plan.timings_ms["second_opinion"] = round(_ms(began) / len(pending), 3)
        chosen = []
        for by_text in options:
            if len(by_text) == 1:
                chosen.append((next(iter(by_text.values()))[0], []))
                continue
            readings = _shares({text: SECOND_OPINION_WEIGHT * next(logprobs) - cost
                                for text, (_, cost) in by_text.items()})
            chosen.append((by_text[readings[0][0]][0], readings))
        return chosen

    def _spacings(self, words: list[str], tagged: list) -> list[tuple[list[str], float]]:
        """The tagger's tags with each space-or-join choice between kept words made by the
        spacer and the tagger together, cost 0; then the same with its unsure choices
        flipped (``_flips``), each with the log-odds it gives up. A spoken ``space`` always
        stands, and where one is said the speaker is speaking the protocol, so two words said
        next to each other join (PROTOCOL.md section 4: strict stays strict; across dropped
        words, a correction or a filler, the spacer decides), as do the words of its ``...
        case`` scopes. Loose speech says no ``space`` to end a scope, so there the spacer
        decides where one ends. No space splits a multi-word symbol or what ``capital`` acts
        on (``processor.bound``)."""
        from models.tags import tagged_word

        tags = [t.tag for t in tagged]
        spacer = self._load_spacer()
        if spacer is None:
            return [(tags, 0.0)]
        kept, said, prior, after_space = [], [], [], False
        for k, tag in enumerate(tags):
            if tag == "drop":
                continue
            if words[k] == SPACE and tag == "keep":
                after_space = True
                continue
            kept.append(k)
            said.append(after_space)
            prior.append(tagged[k].space)
            after_space = False
        protocol = [tagged_word(words[k], tags[k]) for k in kept]
        scores = spacer.space_scores(protocol, prior, said)
        strict = SPACE in words  # the speaker places the spaces: words said together join
        tied = [bound_ or (strict and k == before + 1) for bound_, k, before
                in zip(bound(protocol, numbers=False, scopes=strict), kept, [-2] + kept)]
        scores = [-math.inf if joined and not spoken else score
                  for score, spoken, joined in zip(scores, said, tied)]
        spacings = []
        for flipped, cost in _flips(scores):
            spaced = list(tags)
            for j, (k, spoken) in enumerate(zip(kept, said)):
                space = (scores[j] > 0) != (j in flipped)
                spaced[k] = ("space " if space and not spoken else "") + tags[k].removeprefix("space ")
            spacings.append((spaced, cost))
        return spacings

    def _result(self, plan: _Plan) -> Result:
        if not plan.spans:
            return Result(plan.text, "", "unchanged", 1.0, [], plan.timings_ms,
                          plan.warnings + ["nothing to convert"] if not plan.words else plan.warnings)
        a, b = plan.cut or (0, 0)
        for span in plan.spans:  # back onto the words as said; a span across the cut holds it
            span.start += (b - a) if span.start >= a else 0
            span.end += (b - a) if span.end > a else 0
            span.said = plan.said(span.start, span.end)
        start, end = plan.command(0, len(plan.words))
        request = " ... ".join(filter(None, (" ".join(plan.words[:start]),
                                             " ".join(plan.words[end:]))))
        commands = [s for s in plan.spans if s.kind == "command"]
        if not commands:
            route = "unchanged"
        elif len(plan.spans) > 1:
            route = "mixed"
        else:
            route = commands[0].route
        at = [k for k, s in enumerate(plan.spans) if s.kind == "command"]
        # text mode types it all; command mode drops the prose around the commands, but
        # not between them: there it is part of what was dictated as a command
        typed = plan.spans if plan.keep_prose else plan.spans[at[0]:at[-1] + 1] if at else []
        output = " ".join(s.output for s in typed if s.output)
        confidence = min((s.confidence for s in commands), default=1.0)
        return Result(plan.text, output, route, confidence, plan.spans, plan.timings_ms,
                      list(dict.fromkeys(plan.warnings)), plan.said(a, b), request,
                      _alternatives(plan, typed, output))
