"""The gate: does an utterance need more than the protocol processor?

Every utterance passes through it, so it must cost microseconds, and a strict utterance sent to
the model (slow, and possibly wrong where the processor is exact) is the worse mistake. So the
gate is a logistic regression over protocol-aware counts of one pass over the words (what
strict speech never does: two ordinary words glued, fillers, corrections, wrappers, recogniser
spellings; and what it rarely does: no ``space`` at all), trained with scikit-learn and run as
``x @ w + b`` and a sigmoid in numpy (``import sklearn`` alone costs over a second). Its
threshold is set on thousands of strict utterances (``Gate.calibrate``), so that about one in
five hundred reaches the model.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path

import numpy as np

from processor import normalize_words
from processor.vocabulary import SPACE, SYMBOL_PHRASES

from . import features as f
from .features import (CASING, DIGITS, HOMOPHONE, LETTER, NO_TAG, PROTOCOL_KINDS, PUNCT, QUOTE,
                       SHORT, SPACE_KIND, STYLE, SYMBOL, TYPED)
from .artifacts import check_version, default_path

HOMOPHONE_WORDS = tuple(sorted(f.HOMOPHONE_WORDS))
GLUED = ("flag", "dot", "path", "number", "word", "other")
"""What the first word is glued to when it is an ordinary word with no ``space`` after it."""

ONE_WORD = ("log_words", "protocol_share", "plain_share", "ends_with_dot", "casing", "digits",
            "typed", "long_scope")
"""Features that also get a copy for utterances with no ``space`` (``no_space_*``)."""

GATE_FEATURES = (
    "log_words", "protocol_share", "plain_share", "has_space", "space_rate",
    "no_space_runs_from_word", "no_space_runs_from_symbol",
    "plain_pairs", "plain_pair_rate", "letter_word_pairs", "number_word_joins", "flag_joins",
    "short_flag_joins", "number_flag_joins", "tilde_joins", "quote_joins", "casing_joins",
) + tuple(f"first_glued_{g}" for g in GLUED) + tuple(f"program_glued_{g}" for g in GLUED) + (
    "program_alone", "hyphen_name", "ends_with_dot", "filler", "correction", "restart",
    "wrapper_start", "wrapper_end", "prose_lead", "prose_tail", "casing", "digits", "typed",
    "typed_upper", "repeat", "angle_tokens", "long_scope", "homophone",
) + tuple(f"word_{w}" for w in HOMOPHONE_WORDS) + tuple(f"no_space_{n}" for n in ONE_WORD)
"""Names of the gate's features, in the order of ``gate_features``.

Strict speech glues words together unless ``space`` is said; loose speech is made of words a
person means apart. ``*_pairs`` and ``*_joins`` count such joins outside quotes and ``... case``
scopes: two ordinary words (``git add``), a word and a flag (``ls dash l``, ``make dash dash
help``, ``ls minus la``, ``kill dash nine`` after the first word; ``dash h`` after a ``... case``
name too), a number of two digits or more and a word (``seven five five deploy``), a word and
``tilde``, an opening ``quote`` or a casing directive. ``no_space_runs_*``: runs of ordinary
words in an utterance with no ``space``, by whether it starts with a word or a symbol.
``first_glued_*`` and ``program_glued_*``: what the first word (any, or a known program:
``Gate.programs_``, in an utterance that says ``space``) is glued to. With no ``space`` at all
the utterance is one shell word if strict: ``program_alone`` says it starts with a known
program glued to anything but a dash and a word (``ls dash la``, ``cd tilde slash
projects``: a program's name is rarely the first part of another shell word, unless it is a
hyphenated name such as ``lxc dash checkconfig``), ``hyphen_name`` that it is words joined by
dashes and nothing else (``nvidia dash smi``, or a program and one ``-word`` flag), and the
``no_space_*`` copies let such an utterance weigh its shape apart from spoken commands.
``homophone``: a recogniser's spelling of a number word where a number goes (``dash to``,
``sixty for``); ``word_*``: the same spelling elsewhere (``to`` is also a word).
``angle_tokens``: ``<word>`` keys (``less than q redirect``), which strict speech glues.
"""

CUES = ("plain_pairs", "plain_pair_rate", "letter_word_pairs", "number_word_joins",
        "number_flag_joins", "quote_joins",
        "filler", "correction", "restart", "wrapper_start", "wrapper_end", "prose_lead",
        "prose_tail", "typed_upper", "program_alone", "homophone")
"""Features that strict speech does not produce (none fires on 3,000 strict utterances of
train pages but a handful); the rest are shared with strict speech in some measure."""

_ONE_WORD = tuple(GATE_FEATURES.index(name) for name in ONE_WORD)
_NO_ONE_WORD = [0.0] * len(ONE_WORD)
_PLAIN = f.PLAIN_KINDS
_NUMBERS = frozenset({f.NUMBER, f.DIGITS})
_WORDS = frozenset({f.PLAIN, f.SHORT, f.HOMOPHONE, f.LETTER, f.TYPED})
_STARTS_WORD = _WORDS | {f.CASING, f.STYLE}
_FLAG_NEXT = frozenset({f.LETTER, f.CASING})
_SEPARATE = frozenset({f.SPACE_KIND, f.SYMBOL, f.QUOTE})
_JOINS = frozenset({f.SYMBOL, f.QUOTE})
_GLUED_SYMBOL = {"-": 0, ".": 1, "/": 2, "~": 2}
_DASHES = f.DASH_WORDS | f.DOUBLE_WORDS
_ANGLE_WORDS = frozenset(p[0] for p, text in SYMBOL_PHRASES.items() if text in ("<", ">"))
_SPEECH = (f.FILLER, f.CORRECTION, f.RESTART, f.PROSE_LEAD, f.PROSE_TAIL)


def gate_features(words: list[str], programs: frozenset[str] = frozenset(),
                  raw: list[str] | None = None) -> list[float]:
    """The gate's features of normalised words (``GATE_FEATURES``).

    ``raw``: the words as given (``text.split()``); a word typed out by a recogniser with
    capitals in it (``~/Downloads``) loses them in normalising, which the processor cannot undo.
    """
    n = len(words)
    kinds = f.word_kinds(words)
    tags = f.phrase_tags(words)
    protocol = spaces = plain = pairs = letter_pairs = flags = short_flags = number_flags = 0
    tildes = quotes = casing_joins = casing = digits = typed = runs = angles = 0
    number_words = 0  # words glued to a number of two digits or more
    scope_len = longest_scope = 0
    speech: set[int] = set()  # tags of the phrases said outside quotes
    typed_upper = 0.0
    homophones: set[str] = set()  # number words a recogniser misspelt (``dash to``)
    free_homophones: set[str] = set()  # the same spellings elsewhere (``to``: also a word)
    quoted, scoped = f.quote_and_scope(words, kinds)
    scope = False  # the word before was taken by a ``... case`` directive
    angle_open = False  # after ``<`` with only words since
    prev = f.PUNCT
    seen: set[str] = set()
    repeat = 0.0
    for i, k in enumerate(kinds):
        in_quote = quoted[i]
        if k in PROTOCOL_KINDS:
            protocol += 1
            if k == SPACE_KIND:
                spaces += 1
            elif not in_quote and (prev in _PLAIN or prev in _NUMBERS or prev == LETTER):
                w = words[i]
                if w in _DASHES:
                    after = kinds[i + 1] if i + 1 < n else PUNCT
                    if i + 1 < n and words[i + 1] in f.DASH_WORDS:
                        flags += 1
                    elif prev == LETTER:
                        pass
                    elif after == LETTER or (after in _FLAG_NEXT and not scope):
                        flags += 1  # after a ``... case`` name too: ``kebab case pw dump dash h``
                    elif scope:
                        pass
                    elif after == SHORT and len(words[i + 1]) == 2 and prev in _PLAIN:
                        short_flags += 1
                    elif after in _NUMBERS and prev in _PLAIN and i == 1:
                        number_flags += 1
                elif k == QUOTE and (scope or prev in _PLAIN):
                    quotes += 1
                elif scope or prev not in _PLAIN:
                    pass
                elif w in f.TILDE_WORDS:
                    tildes += 1
                elif k == CASING or k == STYLE:
                    casing_joins += 1
            if words[i] in _ANGLE_WORDS:
                text = f.symbol_text(words, i)
                if text == ">" and angle_open and prev not in PROTOCOL_KINDS:
                    angles += 1
                angle_open = text == "<" or (angle_open and not text)
            elif k != CASING and k != STYLE and not (k == SYMBOL and prev == SYMBOL):
                angle_open = False
            if k == CASING or k == STYLE:
                casing += 1
            scope = False
            scope_len = 0
        else:
            if not in_quote:
                speech.add(tags[i])
            scope = scoped[i]
            if not in_quote and not scope and (prev in PROTOCOL_KINDS or i == 0):
                runs += 1
            if scope:
                scope_len += 1
                longest_scope = max(longest_scope, scope_len)
            if tags[i] != NO_TAG:
                k = PUNCT  # a phrase of speech has its own features, not an ordinary word's
            elif k in _PLAIN:
                plain += 1
                if words[i] in seen:
                    repeat = 1.0
                seen.add(words[i])
                if not in_quote and not scope:
                    if len(words[i]) > 3 and i > 1 and _after_number(words, kinds, i):
                        number_words += 1
                    if prev in _PLAIN:
                        pairs += 1
                    elif prev == LETTER:
                        letter_pairs += 1
                    if k == HOMOPHONE:
                        after = kinds[i + 1] if i + 1 < n else PUNCT
                        numeric = (prev in _NUMBERS) != (after in _NUMBERS) or (
                            prev == SYMBOL and after not in _JOINS
                            and words[i - 1] not in f.DASH_WORDS)
                        (homophones if numeric else free_homophones).add(words[i])
            elif k == LETTER:
                if prev in _PLAIN and not in_quote and not scope:
                    letter_pairs += 1
            elif k == DIGITS:
                digits += 1
            elif k == TYPED:
                typed += 1
                if raw is not None and not raw[i].islower():
                    typed_upper = 1.0
        prev = k

    glued = [0.0] * len(GLUED)
    if n > 1 and kinds[0] in _PLAIN and kinds[1] != f.SPACE_KIND:
        text = f.symbol_text(words, 1)
        glued[_GLUED_SYMBOL.get(text[:1], 5) if text else
              3 if kinds[1] in _NUMBERS else 4 if kinds[1] in _WORDS else 5] = 1.0
    program = glued if n and words[0] in programs and spaces else [0.0] * len(GLUED)
    size = n or 1
    no_space = spaces == 0
    from_word = no_space and n > 0 and kinds[0] in _STARTS_WORD
    start = tags.index(f.NO_TAG) if f.NO_TAG in tags else n  # end of a leading phrase
    end = n - tags[::-1].index(f.NO_TAG) if f.NO_TAG in tags else 0  # start of a trailing one
    x = [
        math.log1p(n), protocol / size, plain / size, float(not no_space), spaces / size,
        math.log(runs or 1) * from_word, math.log(runs or 1) * (no_space and not from_word),
        math.log1p(pairs), pairs / size, math.log1p(letter_pairs), math.log1p(number_words),
        math.log1p(flags), math.log1p(short_flags), math.log1p(number_flags), float(tildes > 0),
        float(quotes > 0), float(casing_joins > 0), *glued, *program,
        float(no_space and n > 1 and words[0] in programs and tags[0] == f.NO_TAG
              and not _names_part(words, kinds)),
        float(no_space and _hyphen_name(words, kinds)),
        float(n > 1 and f.symbol_text(words, n - 1) == "." and kinds[n - 2] in _PLAIN),
        *(float(t in speech) for t in _SPEECH[:3]),
        float(0 < start < n and tags[0] == f.WRAPPER_PREFIX and kinds[start] != f.SPACE_KIND),
        float(0 < end < n and tags[-1] == f.WRAPPER_SUFFIX and not scope
              and kinds[end - 1] not in _SEPARATE),
        *(float(t in speech) for t in _SPEECH[3:]), float(casing > 0), digits / size,
        typed / size, typed_upper, repeat, math.log1p(angles), float(longest_scope > 3),
        float(bool(homophones)),
        *(float(w in free_homophones) for w in HOMOPHONE_WORDS),
    ]
    return x + [x[k] for k in _ONE_WORD] if no_space else x + _NO_ONE_WORD


def _names_part(words: list[str], kinds: list[int]) -> bool:
    """Does a dash and a word of three letters or more follow the first word (``lxc dash
    checkconfig``)? Then the first word may be the first part of a hyphenated name, as
    strict speech of one shell word says it; a flag's letters (``ls dash la``), a number, a
    dot, a tilde or a slash after a program's name are another shell word."""
    return (len(words) > 2 and words[1] in f.DASH_WORDS and kinds[2] in _PLAIN
            and len(words[2]) > 2)


def _after_number(words: list[str], kinds: list[int], i: int) -> bool:
    """Does word i follow a number of two digits or more (``seven five five``, ``755``)?"""
    before = kinds[i - 1]
    if before == f.DIGITS:
        return words[i - 1].isdigit() and len(words[i - 1]) > 1
    return before == f.NUMBER and kinds[i - 2] == f.NUMBER


def _hyphen_name(words: list[str], kinds: list[int]) -> bool:
    """Is the utterance ordinary words joined by dashes and nothing else (``nvidia dash smi``,
    ``mate minus calc minus cmd``)? That is how strict speech says a hyphenated name, and
    loose speech a program and one ``-word`` flag (``matlab dash nosplash``)."""
    return (len(words) > 2 and len(words) % 2 == 1
            and all(k in _PLAIN for k in kinds[::2])
            and all(w in f.DASH_WORDS for w in words[1::2]))


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


class Gate:
    """Binary classifier, 1 = the utterance needs more than the processor (scikit-learn style).

    ``fit`` trains a logistic regression (``C``; rows labelled 0 weigh ``zero_weight``) and sets
    ``threshold_`` ``margin`` above the highest score of the training texts that are strict
    (``strict`` mask; default: every text labelled 0), so that no strict training utterance
    would be sent to the model. ``programs``: words known to start commands (default: the
    training texts' first words that are followed by ``space``).
    """

    def __init__(self, C: float = 1.0, zero_weight: float = 30.0, cue_scale: float = 10.0,
                 margin: float = 0.02, programs: tuple[str, ...] | None = None):
        self.C = C
        self.cue_scale = cue_scale
        self.zero_weight = zero_weight
        self.margin = margin
        self.programs = programs

    def get_params(self, deep: bool = True) -> dict:
        return {"C": self.C, "zero_weight": self.zero_weight, "cue_scale": self.cue_scale,
                "margin": self.margin, "programs": self.programs}

    # -- training -----------------------------------------------------------------------
    def fit(self, texts: list[str], labels, strict=None) -> "Gate":
        """Learn the weights and the threshold from raw texts and their labels."""
        from sklearn.linear_model import LogisticRegression

        said = [(normalize_words(t), t.split()) for t in texts]
        if self.programs is None:
            starts = Counter(w[0] for w, _ in said if len(w) > 1 and w[1] == SPACE)
            self.programs_ = frozenset(w for w, c in starts.items() if c > 1)
        else:
            self.programs_ = frozenset(self.programs)
        x = self._matrix(said)
        y = np.asarray(labels, dtype=int)
        model = LogisticRegression(C=self.C, class_weight={0: self.zero_weight, 1: 1.0},
                                   solver="liblinear", tol=1e-3, max_iter=1000)
        scale = np.array([self.cue_scale if n in CUES else 1.0 for n in GATE_FEATURES])
        model.fit(x * scale, y)  # a larger scale is a weaker L2 prior on the weight
        self.classes_ = model.classes_
        self.coef_ = model.coef_[0] * scale
        self.intercept_ = float(model.intercept_[0])
        zero = y == 0
        if strict is not None:
            zero &= np.asarray(strict, dtype=bool)
        top = float(_sigmoid(x[zero] @ self.coef_ + self.intercept_).max()) if zero.any() else 0.5
        self.threshold_ = min(top + self.margin, 0.999)
        return self

    def calibrate(self, strict_texts: list[str], quantile: float = 0.998) -> "Gate":
        """Set ``threshold_`` ``margin`` above the ``quantile`` of the scores of strict texts.

        The highest of a few hundred training scores depends on which rare strict shapes the
        sample holds (a hyphenated program name, a ``<key>``); a quantile of thousands of
        strict utterances is a steadier bound on how often strict speech reaches the model.
        """
        scores = self.predict_proba(strict_texts)[:, 1]
        self.threshold_ = min(float(np.quantile(scores, quantile)) + self.margin, 0.999)
        return self

    # -- prediction (numpy only) --------------------------------------------------------
    def transform(self, texts: list[str]) -> np.ndarray:
        """The feature matrix (n_texts x n_features) of raw texts."""
        return self._matrix([(normalize_words(t), t.split()) for t in texts])

    def _matrix(self, said: list[tuple[list[str], list[str]]]) -> np.ndarray:
        programs = self.programs_
        return np.array([gate_features(w, programs, r) for w, r in said], dtype=float).reshape(
            len(said), len(GATE_FEATURES))

    def decision_function(self, texts: list[str]) -> np.ndarray:
        """Log-odds of label 1 for each text."""
        return self.transform(texts) @ self.coef_ + self.intercept_

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        """n x 2: the probabilities of label 0 and of label 1, as scikit-learn gives them."""
        p = _sigmoid(self.decision_function(texts))
        return np.column_stack([1.0 - p, p])

    def predict(self, texts: list[str]) -> np.ndarray:
        """0 (the processor alone) or 1 (needs the model) for each text, at ``threshold_``."""
        return (self.predict_proba(texts)[:, 1] > self.threshold_).astype(int)

    def score(self, text: str) -> float:
        """Probability that one raw utterance needs more than the processor."""
        x = gate_features(normalize_words(text), self.programs_, text.split())
        return 1.0 / (1.0 + math.exp(-(float(np.dot(self.coef_, x)) + self.intercept_)))

    def needs_model(self, text: str) -> bool:
        return self.score(text) > self.threshold_

    def know(self, names) -> frozenset[str]:
        """Count ``names`` (normalised words: your programs, ``engine.words``) among the known
        programs from now on, besides those it was trained or loaded with; no names, those
        alone again. Returns the programs it was trained or loaded with."""
        own = self.__dict__.setdefault("_own_programs", self.programs_)
        self.programs_ = own | frozenset(names)
        return own

    # -- artifacts ----------------------------------------------------------------------
    def save(self, path: str | Path) -> None:
        params = {k: v for k, v in self.get_params().items() if k != "programs"}
        data = {"feature_version": f.FEATURE_VERSION, "feature_names": list(GATE_FEATURES),
                "params": params, "coef": self.coef_.tolist(), "intercept": self.intercept_,
                "threshold": self.threshold_, "programs": sorted(self.programs_)}
        Path(path).write_text(json.dumps(data) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path | None = None) -> "Gate":
        """The trained gate at ``path`` (default: the shipped artifact)."""
        path = Path(path) if path is not None else default_path("gate")
        data = json.loads(path.read_text(encoding="utf-8"))
        check_version(path, data.get("feature_version"), data.get("feature_names"), GATE_FEATURES)
        gate = cls(**data["params"], programs=tuple(data["programs"]))
        gate.programs_ = frozenset(data["programs"])
        gate.classes_ = np.array([0, 1])
        gate.coef_ = np.array(data["coef"], dtype=float)
        gate.intercept_ = float(data["intercept"])
        gate.threshold_ = float(data["threshold"])
        return gate
