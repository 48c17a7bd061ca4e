"""The spacer: where a ``space`` goes between the words a command keeps.

Loose speech says no ``space``; the tagger (``models``) decides which words stay, and the
space between two kept words is most of what is left to get wrong (``sudo netselect dash apt``
is ``sudo netselect-apt``, ``find dot dash name`` is ``find . -name``). Those choices are
lexical and local: which word, which kind of word, what shell token the words before it have
already made. A logistic regression over exactly that, read left to right so that each choice
sees the token the earlier choices built (``--level`` then ``two`` is a new word; ``base``
then ``thirty two`` after ``dash dash`` may not be), is trained on many times more examples
than the tagger in seconds. At run time its log-odds are added to the tagger's own
(``prior_weight`` times them): the two disagree in different places.

What a command would contain is the other half: a character model of commands of train
pages (``ShellLM``) says how much likelier the next words are as a new shell word than glued
on (``git add .``, not ``git add.``), and its log-odds are one more feature, which the
regression learns to trust as far as it holds on pages the model has not read.

Training uses scikit-learn on one-hot feature strings; at run time each feature string is a
dict lookup into the learnt weights, so a fragment costs a millisecond or so and no
scikit-learn.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path

import numpy as np
import regex

import processor

from . import features as f
from .artifacts import default_path, load_npz
from .shell_lm import ShellLM

RETRAIN_COMMAND = "dictbash train spacer"

FEATURE_NAMES = (
    "w0", "w-1", "w+1", "w-2", "w-1,0", "w0,+1", "w-2,-1", "k0", "k-1", "k+1", "k-2", "k+2",
    "k-1,0", "k-2,-1,0", "k-1,0,+1", "k0,+1", "w-1,k0", "k-1,w0", "quoted", "scoped", "position",
    "quoted,k-1,0", "token", "token,k0", "token,w0", "token start,k0", "token words,k0",
    "token shape,k0", "token shape,w0", "odds,k0",
)
"""What the regression reads about the choice before word 0: words and kinds around it,
whether it is quoted or under a casing directive, the shell token the words since the last
space render to (its text, shape, first word's kind and length), and the command model's
log-odds of a space (``ShellLM``), rounded by halves, with the word's kind."""
ODDS = "odds"
"""The one numeric feature: the command model's log-odds of a space, over ``ODDS_CLIP``."""
ODDS_CLIP = 12.0

_LETTERS, _DIGITS = regex.compile(r"\p{L}+"), regex.compile(r"\d+")


def _shape(text: str) -> str:
    """A token's outline: letters as ``a``, digit runs as ``9`` (``--level`` -> ``--a``)."""
    return _DIGITS.sub("9", _LETTERS.sub("a", text))[:12]


def _static(words: list[str], kinds: list[int]) -> list[list[str]]:
    """The features of each word that do not depend on earlier choices."""
    quoted, scoped = f.quote_and_scope(words, kinds)
    n = len(words)

    def w(j: int) -> str:
        return words[j] if 0 <= j < n else "<edge>"

    def k(j: int) -> str:
        return f.KINDS[kinds[j]] if 0 <= j < n else "<edge>"

    return [[w(i), w(i - 1), w(i + 1), w(i - 2), f"{w(i - 1)}|{w(i)}", f"{w(i)}|{w(i + 1)}",
             f"{w(i - 2)}|{w(i - 1)}", k(i), k(i - 1), k(i + 1), k(i - 2), k(i + 2),
             f"{k(i - 1)}|{k(i)}", f"{k(i - 2)}|{k(i - 1)}|{k(i)}",
             f"{k(i - 1)}|{k(i)}|{k(i + 1)}", f"{k(i)}|{k(i + 1)}", f"{w(i - 1)}|{k(i)}",
             f"{k(i - 1)}|{w(i)}", str(quoted[i]), str(scoped[i]), str(min(i, 4)),
             f"{quoted[i]}|{k(i - 1)}|{k(i)}"] for i in range(n)]


_TEXT_KINDS = frozenset({f.PLAIN, f.SHORT, f.LETTER, f.DIGITS, f.TYPED, f.NUMBER, f.HOMOPHONE})
"""Kinds of words that type text of their own (a symbol, quote or casing word leans on the
next word)."""


def _reach(kinds: list[int], i: int) -> int:
    """The end of the words from ``i`` on that make its first piece of text: through symbol
    and casing words up to the first word that types text (``dash dash type``, ``period``)."""
    end = i + 1
    while end < len(kinds) and end - i < 4 and kinds[end - 1] not in _TEXT_KINDS:
        end += 1
    return end


def _dynamic(words: list[str], kinds: list[int], i: int, start: int, so_far: str,
             before: str, lm: ShellLM | None, page: str | None) -> tuple[list[str], float]:
    """The features of the token the words ``start..i-1`` make (``so_far``), for the choice
    before ``i``, and the command model's log-odds of a space there, over ``ODDS_CLIP``
    (``before``: the tokens before this one). Joined, the words are rendered together, as
    the processor would: under ``kebab case`` a join is a hyphen, in quotes a space."""
    text = so_far[:24]
    kind = f.KINDS[kinds[i]]
    shape = _shape(text)
    odds = 0.0
    if lm is not None:  # the text up to the next word that types some, spaced or joined
        end = _reach(kinds, i)
        spaced = f"{so_far} {processor.process(' '.join(words[i:end]))}"
        joined = processor.process(" ".join(words[start:end]))
        odds = max(-ODDS_CLIP, min(ODDS_CLIP, lm.odds(before[-16:], spaced, joined, page)))
    return [text, f"{text}|{kind}", f"{text[:16]}|{words[i]}", f"{f.KINDS[kinds[start]]}|{kind}",
            f"{min(i - start, 5)}|{kind}", f"{shape}|{kind}", f"{shape}|{words[i]}",
            f"{round(odds / 2)}|{kind}"], odds / ODDS_CLIP


def _named(values: list[str]) -> list[str]:
    return [f"{name}={value}" for name, value in zip(FEATURE_NAMES, values)]


class Spacer:
    """Space-or-join choices between kept command words (scikit-learn style).

    ``C``: inverse regularisation; ``min_count``: how often a feature must occur in training
    to get a weight; ``prior_weight``: how much the tagger's log-odds count beside the
    regression's (a quarter: together they beat either alone, and more weight cost the full
    engine held-out rows; docs/HISTORY.md).
    """

    def __init__(self, C: float = 1.0, min_count: int = 2, prior_weight: float = 0.25):
        self.C = C
        self.min_count = min_count
        self.prior_weight = prior_weight

    def get_params(self, deep: bool = True) -> dict:
        return {"C": self.C, "min_count": self.min_count, "prior_weight": self.prior_weight}

    def fit(self, fragments: list[list[str]], spaces: list[list[bool]],
            lm: ShellLM | None = None, pages: list[str] | None = None) -> "Spacer":
        """Learn from protocol words without ``space`` and, for each word, whether a ``space``
        goes before it (the first word's value is ignored).

        ``lm``: the command model (none: its features are blank); ``pages``: the page each
        fragment comes from, which ``lm`` then reads as a new page (``ShellLM.fit_pages``)."""
        from scipy import sparse
        from sklearn.linear_model import LogisticRegression

        self.lm_ = lm
        rows: list[list[str]] = []
        values: list[float] = []
        y: list[bool] = []

        def record(i: int, names: list[str], odds: float) -> bool:
            rows.append(names)
            values.append(odds)
            y.append(bool(labels[i]))
            return bool(labels[i])

        for n, (words, labels) in enumerate(zip(fragments, spaces)):
            if len(words) != len(labels):
                raise ValueError(f"{len(labels)} labels for {len(words)} words: {words!r}")
            self._walk(words, record, pages[n] if pages is not None else None)
        counts = Counter(name for row in rows for name in row)
        vocabulary = {name: k for k, name in enumerate(
            [ODDS] + sorted(n for n, c in counts.items() if c >= self.min_count))}
        cols = [[0] + [vocabulary[n] for n in row if n in vocabulary] for row in rows]
        data = [[v] + [1.0] * (len(c) - 1) for v, c in zip(values, cols)]
        indptr = np.concatenate([[0], np.cumsum([len(c) for c in cols])]).astype(np.int32)
        x = sparse.csr_matrix((np.concatenate(data), np.concatenate(cols).astype(np.int32),
                               indptr), shape=(len(rows), len(vocabulary)))
        model = LogisticRegression(C=self.C, solver="liblinear", max_iter=1000, random_state=0)
        model.fit(x, np.array(y, dtype=int))
        self.classes_ = model.classes_
        self.weights_ = dict(zip(vocabulary, model.coef_[0].astype(float).tolist()))
        self.intercept_ = float(model.intercept_[0])
        return self

    def _walk(self, words: list[str], decide, page: str | None = None) -> list[bool]:
        """Each choice left to right: ``decide(i, feature names, odds)`` says whether a space
        goes before word ``i``, and the next choice reads the tokens that made."""
        kinds = f.word_kinds(words)
        static = _static(words, kinds)
        out, start, before = [False], 0, ""
        for i in range(1, len(words)):
            so_far = processor.process(" ".join(words[start:i]))
            names, odds = _dynamic(words, kinds, i, start, so_far, before, self.lm_, page)
            space = decide(i, _named(static[i] + names), odds)
            out.append(space)
            if space:
                before, start = (before + so_far + " ")[-16:], i
        return out

    def space_before(self, words: list[str], prior: list[float] | None = None,
                     said: list[bool] | None = None, margin: float = 0.0) -> list[bool]:
        """Whether a ``space`` goes before each word, chosen left to right.

        ``prior``: the tagger's log-odds of a space before each word; ``said``: a ``space``
        was spoken there (always kept); ``margin``: the log-odds a space must pass (above 0
        where joining is the safer reading). The first word never has one.
        """
        return [score > margin for score in self.space_scores(words, prior, said, margin)]

    def space_scores(self, words: list[str], prior: list[float] | None = None,
                     said: list[bool] | None = None, margin: float = 0.0) -> list[float]:
        """The log-odds behind each of ``space_before``'s choices (a space where above
        ``margin``): how sure each is, for a second opinion on the unsure ones. A spoken
        ``space`` scores ``inf``, the first word ``-inf``."""
        if not words:
            return []
        weights = self.weights_
        scores = [-math.inf]

        def decide(i: int, names: list[str], odds: float) -> bool:
            if said is not None and said[i]:
                scores.append(math.inf)
                return True
            score = self.intercept_ + weights.get(ODDS, 0.0) * odds + sum(
                weights.get(n, 0.0) for n in names)
            if prior is not None:
                score += self.prior_weight * prior[i]
            scores.append(score)
            return score > margin

        self._walk(words, decide)
        return scores

    def know(self, names, programs) -> None:
        """Read ``names`` (normalised words: your programs, ``engine.words``) as programs: each
        that is not one of ``programs`` (the known ones) loses the features that name it as
        a word (``w0=deploy``, ``w-1,0=the|deploy``), so it is read as the program names the
        spacer never saw are, by its kind and the command model, not as the word it may also
        be. No names: as loaded."""
        own = self.__dict__.setdefault("_own_weights", self.weights_)
        names = frozenset(names) - frozenset(programs)
        self.weights_ = {feature: weight for feature, weight in own.items()
                         if names.isdisjoint(feature.partition("=")[2].split("|"))} \
            if names else own

    # -- artifacts -----------------------------------------------------------------------
    def save(self, path: str | Path) -> None:
        meta = {"feature_version": f.FEATURE_VERSION, "feature_names": list(FEATURE_NAMES),
                "params": self.get_params(), "intercept": self.intercept_}
        kept = {n: w for n, w in self.weights_.items() if abs(w) >= 1e-3}
        lm = self.lm_.arrays() if self.lm_ is not None else {}
        with open(path, "wb") as fh:
            np.savez_compressed(fh, meta=np.array(json.dumps(meta)),
                                names=np.array(list(kept), dtype=str),
                                weights=np.array(list(kept.values()), dtype=np.float32), **lm)

    @classmethod
    def load(cls, path: str | Path | None = None) -> "Spacer":
        """The trained spacer at ``path`` (default: the shipped artifact)."""
        path = Path(path) if path is not None else default_path("spacer")
        meta, data = load_npz(path, FEATURE_NAMES, RETRAIN_COMMAND)
        spacer = cls(**meta["params"])
        spacer.weights_ = dict(zip(data["names"].tolist(), data["weights"].tolist()))
        spacer.intercept_ = float(meta["intercept"])
        spacer.lm_ = ShellLM.from_arrays(data) if "lm_grams" in data else None
        spacer.classes_ = np.array([0, 1])
        return spacer


def spacer_example(words: list[str], answer: list[str]) -> tuple[list[str], list[bool]] | None:
    """(kept protocol words without ``space``, a space before each?) of one (fragment words,
    answer protocol words) pair; None when no tagging reaches the answer or one word is kept
    (no choice to learn)."""
    from models.tags import align, tags_to_protocol
    from processor import shell_units

    tags = align(words, answer)
    if tags is None:
        return None
    units = shell_units(" ".join(tags_to_protocol(words, tags)))
    kept = [word for unit in units for word in unit]
    before = [u > 0 and j == 0 for u, unit in enumerate(units) for j in range(len(unit))]
    return (kept, before) if len(kept) > 1 else None


def spacer_examples(rows: list[tuple[list[str], list[str]]]) -> tuple[list[list[str]], list[list[bool]]]:
    """``spacer_example`` of each pair that has one, as (fragments, spaces)."""
    made = [m for m in (spacer_example(words, answer) for words, answer in rows) if m]
    return [kept for kept, _ in made], [before for _, before in made]
