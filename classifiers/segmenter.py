"""The segmenter: which words of an utterance are a command, and which are prose to keep.

Mixed speech (``first run npm space install then wait``) must come back with its prose exactly
as said and only the command converted, while a sentence that merely talks about numbers or
symbols (``add a dash of salt``) must come back untouched. So each word is labelled command or
prose by a logistic regression over its neighbourhood (the words and word kinds around it,
the phrases of speech it belongs to, how dense the protocol is nearby), and the labels are
decoded into contiguous spans by a two-state Viterbi pass that charges for every switch, so
that a lone ``dash`` in prose or a lone plain word inside a command does not flip.

Training uses scikit-learn on a sparse one-hot matrix; at run time the same indices gather
weights from one numpy vector, so an utterance costs about a hundred microseconds and no
scikit-learn.
"""

from __future__ import annotations

import functools
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from processor import normalize_words

from . import features as f
from .artifacts import default_path, load_npz

COMMAND, PROSE = "command", "prose"

IDENTITY_OFFSETS = (-2, -1, 0, 1, 2)
KIND_OFFSETS = (-3, -2, -1, 0, 1, 2, 3)
TAG_OFFSETS = (-2, -1, 0, 1, 2)
_PAD = 5  # padding words around each utterance: the widest window
_ID_OFFSETS = np.array(IDENTITY_OFFSETS)
_KIND_OFFSETS = np.array(KIND_OFFSETS)
_TAG_OFFSETS = np.array(TAG_OFFSETS)
_WINDOWS = np.array([-2, 3, -5, 6])  # [start, end) of the near and around windows
_CORE_KINDS = f.PROTOCOL_KINDS | {f.DIGITS, f.TYPED}
"""Kinds of the words that make a command: a command's core runs from the first to the last."""
_HAS_EVIDENCE_KIND = np.array([k in _CORE_KINDS for k in range(len(f.KINDS) + 1)])
_HAS_EVIDENCE_TAG = np.array([t in (f.FILLER, f.CORRECTION, f.RESTART, f.WRAPPER_PREFIX,
                                    f.WRAPPER_SUFFIX) for t in range(len(f.TAGS) + 1)])
_IS_PROTOCOL = np.array([k in f.PROTOCOL_KINDS for k in range(len(f.KINDS) + 1)], dtype=float)

DENSE_FEATURES = (
    "protocol_near", "protocol_around", "protocol_before", "protocol_after", "protocol_share",
    "has_space", "space_near", "in_quote", "in_scope", "position", "log_words",
    "before_core", "after_core", "lead_length", "tail_length", "before_core_tail",
    "after_core_lead",
)
"""Dense features of a word, computed in ``Segmenter._encode``."""

SLOT_NAMES = (tuple(f"word{o:+d}" for o in IDENTITY_OFFSETS)
              + tuple(f"kind{o:+d}" for o in KIND_OFFSETS)
              + tuple(f"tag{o:+d}" for o in TAG_OFFSETS)
              + ("kind-1,0", "kind0,+1", "edge"))
"""One-hot feature groups: word identity, word kind and phrase tag at each offset, kind
bigrams with each neighbour, and the word's place at the edges of the utterance."""

_N_KINDS = len(f.KINDS) + 1  # + padding
_N_TAGS = len(f.TAGS) + 1
_N_EDGES = 5  # first, second, last, second to last, inside


@dataclass(frozen=True)
class Span:
    """Words ``start``..``end`` (exclusive, whitespace-word offsets) of one kind."""

    kind: str
    start: int
    end: int


def _with_space_neighbours(words: list[str], labels: list[bool]) -> list[bool]:
    """``labels`` with the words on either side of a command's ``space`` in the command: a
    spoken ``space`` stands between two command words, so a span never starts or ends on one
    (``the branch git space status then``: ``git`` is the command's, not the prose's)."""
    out = list(labels)
    for k, word in enumerate(words):
        if labels[k] and word == "space":
            for j in (k - 1, k + 1):
                if 0 <= j < len(words):
                    out[j] = True
    return out


class Segmenter:
    """Per-word command/prose tagger and span decoder (scikit-learn style).

    ``C``: inverse regularisation of the logistic regression; ``min_count``: how often a word
    must occur in training to get its own identity features (rarer words share their kind's);
    ``switch_penalty``: the log-odds a command/prose switch costs in decoding.
    """

    def __init__(self, C: float = 1.0, min_count: int = 3, switch_penalty: float = 1.5,
                 tol: float = 0.01):
        self.C = C
        self.tol = tol
        self.min_count = min_count
        self.switch_penalty = switch_penalty
        self.programs_: frozenset[str] = frozenset()  # your programs (``know``)

    def get_params(self, deep: bool = True) -> dict:
        return {"C": self.C, "min_count": self.min_count, "switch_penalty": self.switch_penalty,
                "tol": self.tol}

    # -- encoding ------------------------------------------------------------------------
    def _encode(self, said: list[list[str]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(words x slots) indices into the one-hot space, (words x dense) features, and
        whether each word gives a command something to convert (``_HAS_EVIDENCE_*``).

        All utterances are laid end to end with ``_PAD`` padding words around each, so one
        numpy pass encodes a whole training set and the same code encodes one utterance.
        """
        vocab = self.vocabulary_
        unknown = self._unknown  # the padding word; unknown words of kind k are unknown + 1 + k
        pad_kind, pad_tag = len(f.KINDS), len(f.TAGS)
        ids, kinds, tags = [unknown] * _PAD, [pad_kind] * _PAD, [pad_tag] * _PAD
        quoted: list[bool] = []  # the rest one entry a word, no padding
        scoped: list[bool] = []
        side: list[int] = []  # 1: before the first core word, -1: after the last, 0: neither
        outer: list[tuple[int, int]] = []  # words before the first core word, after the last
        for words in said:
            ks = f.word_kinds(words)
            ids += [vocab.get(w, unknown + 1 + k) for w, k in zip(words, ks)]
            ids += [unknown] * _PAD
            kinds += ks + [pad_kind] * _PAD
            tags += f.phrase_tags(words) + [pad_tag] * _PAD
            q, s = f.quote_and_scope(words, ks)
            quoted += q
            scoped += s
            core = [i for i, k in enumerate(ks) if k in _CORE_KINDS]
            n = len(words)
            lead, tail = (core[0], n - 1 - core[-1]) if core else (n, n)
            side += [(i < lead) - (i > n - 1 - tail) if core else 0 for i in range(n)]
            outer += [(lead, tail)] * n
        ids, kinds, tags = np.array(ids), np.array(kinds), np.array(tags)
        lengths = np.array([len(w) for w in said])
        first = np.repeat(np.cumsum(lengths + _PAD) - lengths, lengths)  # padded first word
        size = np.repeat(lengths, lengths)
        real = np.flatnonzero(kinds != pad_kind)  # padded index of each word
        pos = real - first
        here = kinds[real]
        edge = np.array([e for words in said for e in _edges(len(words))], dtype=int)
        at = real[:, None]
        idx = np.concatenate([
            ids[at + _ID_OFFSETS], kinds[at + _KIND_OFFSETS], tags[at + _TAG_OFFSETS],
            (kinds[real - 1] * _N_KINDS + here)[:, None],
            (here * _N_KINDS + kinds[real + 1])[:, None], edge[:, None]], axis=1) + self._bases

        protocol = _IS_PROTOCOL[kinds]
        csum = np.concatenate([[0.0], np.cumsum(protocol)])
        valid = np.concatenate([[0], np.cumsum(kinds != pad_kind)])
        ssum = np.concatenate([[0], np.cumsum(kinds == f.SPACE_KIND)])
        last = first + size  # padded index after the last word
        near = _WINDOWS + real[:, None]  # window bounds around each word, as columns
        counts = np.maximum(valid[near[:, 1::2]] - valid[near[:, ::2]] - 1, 1)
        windows = ((csum[near[:, 1::2]] - csum[near[:, ::2]] - protocol[real, None]) / counts).T
        side = np.array(side)
        before, after = side == 1, side == -1
        lead, tail = np.log1p(np.array(outer, dtype=float)).T / 3
        dense = np.array([
            *windows, (csum[real] - csum[first]) / np.maximum(pos, 1),
            (csum[last] - csum[real + 1]) / np.maximum(size - 1 - pos, 1),
            (csum[last] - csum[first]) / size, ssum[last] > ssum[first],
            (ssum[real + 4] - ssum[real - 3]) / 7, quoted, scoped,
            pos / np.maximum(size - 1, 1), np.log1p(size) / 4,
            before, after, lead, tail, before * tail, after * lead,
        ]).T
        evidence = _HAS_EVIDENCE_KIND[here] | _HAS_EVIDENCE_TAG[tags[real]]
        return idx, dense, evidence

    def know(self, names, programs) -> None:
        """Read ``names`` (normalised words: your programs, ``engine.words``) as programs: each
        that is not one of ``programs`` (the known ones) is read as a word training never
        kept (rare words of train pages, mostly program names, read as command words: an
        unknown word's weight is above the known programs' mean), not as the word it may also
        be (``deploy``); and an utterance in plain words that starts with one is a command
        (``plain_command``). No names: as loaded."""
        vocabulary = self.__dict__.setdefault("_own_vocabulary", self.vocabulary_)
        self.programs_ = frozenset(names) - frozenset(programs)
        self._layout({w: k for w, k in vocabulary.items() if w not in self.programs_},
                     len(vocabulary))

    def _layout(self, vocabulary: dict[str, int], size: int | None = None) -> None:
        """Set the vocabulary (``size`` identities: by default one a word) and where each
        one-hot group starts."""
        self.vocabulary_ = vocabulary
        self._unknown = len(vocabulary) if size is None else size
        n_ids = self._unknown + 1 + len(f.KINDS)  # words, padding, unknown word of each kind
        sizes = ([n_ids] * len(IDENTITY_OFFSETS) + [_N_KINDS] * len(KIND_OFFSETS)
                 + [_N_TAGS] * len(TAG_OFFSETS) + [_N_KINDS * _N_KINDS] * 2 + [_N_EDGES])
        self._bases = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        self.n_onehot_ = int(sum(sizes))

    # -- training ------------------------------------------------------------------------
    def fit(self, texts: list[str], word_labels: list[list[bool]]) -> "Segmenter":
        """Learn from utterances and one label a whitespace word (True = command)."""
        from scipy import sparse
        from sklearn.linear_model import LogisticRegression

        said = [normalize_words(t) for t in texts]
        for words, labels in zip(said, word_labels):
            if len(words) != len(labels):
                raise ValueError(f"{len(labels)} labels for {len(words)} words: {words!r}")
        counts = Counter(w for words in said for w in words)
        kept = sorted(w for w, c in counts.items() if c >= self.min_count)
        self._layout({w: k for k, w in enumerate(kept)})
        idx, dense, _ = self._encode(said)
        rows, slots = idx.shape
        onehot = sparse.csr_matrix((np.ones(rows * slots), idx.ravel(),
                                    np.arange(0, rows * slots + 1, slots)),
                                   shape=(rows, self.n_onehot_))
        x = sparse.hstack([onehot, sparse.csr_matrix(dense)], format="csr")
        y = np.array([bool(v) for labels in word_labels for v in labels], dtype=int)
        model = LogisticRegression(C=self.C, solver="liblinear", dual=True, tol=self.tol,
                                   max_iter=1000, random_state=0)
        model.fit(x, y)
        self.classes_ = model.classes_
        coef = model.coef_[0]
        self.onehot_weights_ = coef[:self.n_onehot_].astype(np.float64)
        self.dense_weights_ = coef[self.n_onehot_:].astype(np.float64)
        self.intercept_ = float(model.intercept_[0])
        return self

    # -- prediction (numpy only) ---------------------------------------------------------
    def word_scores(self, text: str) -> np.ndarray:
        """Log-odds that each whitespace word of ``text`` is part of a command."""
        return self._scores(normalize_words(text))[0]

    def _scores(self, words: list[str]) -> tuple[np.ndarray, np.ndarray]:
        if not words:
            return np.zeros(0), np.zeros(0, dtype=bool)
        idx, dense, evidence = self._encode([words])
        scores = self.onehot_weights_[idx].sum(axis=1) + dense @ self.dense_weights_
        return scores + self.intercept_, evidence

    def labels(self, text: str) -> list[bool]:
        """One label a whitespace word: True = command.

        Decoded into spans (``switch_penalty`` a switch); then a command span with nothing
        to convert (no protocol word, number, typed token or phrase of speech: ``kill
        daemon``) is given back as prose, which is what the model would type for it anyway.
        Words around a command are prose, whoever they address (``can you run``, ``the
        readme says to run``): command mode drops them, text mode keeps them as said.
        """
        return self._labels(normalize_words(text))

    def plain_command(self, text: str) -> bool:
        """Whether every word of ``text`` reads as command though none has anything to
        convert (``Git status.``, ``tldr pamstretch``): a command in plain words, which
        ``labels`` gives back as prose, since it is typed as said but for the case and
        punctuation a recogniser adds. One that starts with a program of yours (``know``) is
        one too."""
        words = normalize_words(text)
        scores, evidence = self._scores(words)
        return bool(words) and not evidence.any() and (
            words[0] in self.programs_ or all(_decode(scores.tolist(), self.switch_penalty)))

    def _labels(self, words: list[str]) -> list[bool]:
        scores, evidence = self._scores(words)
        labels = _with_space_neighbours(words, _decode(scores.tolist(), self.switch_penalty))
        start = None
        for k, label in enumerate(labels + [False]):
            if label and start is None:
                start = k
            elif not label and start is not None:
                if not evidence[start:k].any():
                    labels[start:k] = [False] * (k - start)
                start = None
        return labels

    def segment(self, text: str) -> list[Span]:
        """The utterance as alternating command and prose spans covering every word."""
        spans: list[Span] = []
        for k, label in enumerate(self._labels(normalize_words(text))):
            kind = COMMAND if label else PROSE
            if spans and spans[-1].kind == kind:
                spans[-1] = Span(kind, spans[-1].start, k + 1)
            else:
                spans.append(Span(kind, k, k + 1))
        return spans

    # -- artifacts -----------------------------------------------------------------------
    def save(self, path: str | Path) -> None:
        meta = {"feature_version": f.FEATURE_VERSION,
                "feature_names": list(SLOT_NAMES + DENSE_FEATURES),
                "params": self.get_params(), "intercept": self.intercept_}
        words = sorted(self.vocabulary_, key=self.vocabulary_.get)
        with open(path, "wb") as fh:
            np.savez_compressed(fh, meta=np.array(json.dumps(meta)),
                                vocabulary=np.array(words, dtype=str),
                                onehot=self.onehot_weights_.astype(np.float32),
                                dense=self.dense_weights_.astype(np.float32))

    @classmethod
    def load(cls, path: str | Path | None = None) -> "Segmenter":
        """The trained segmenter at ``path`` (default: the shipped artifact)."""
        path = Path(path) if path is not None else default_path("segmenter")
        meta, data = load_npz(path, SLOT_NAMES + DENSE_FEATURES)
        segmenter = cls(**meta["params"])
        segmenter._layout({w: k for k, w in enumerate(data["vocabulary"].tolist())})
        segmenter.onehot_weights_ = data["onehot"].astype(np.float64)
        segmenter.dense_weights_ = data["dense"].astype(np.float64)
        segmenter.intercept_ = float(meta["intercept"])
        segmenter.classes_ = np.array([0, 1])
        return segmenter


@functools.lru_cache(maxsize=256)
def _edges(n: int) -> tuple[int, ...]:
    """Each word's place: 0 first, 1 second, 2 last, 3 second to last, 4 inside."""
    places = [4] * n
    for k, place in ((n - 2, 3), (n - 1, 2), (1, 1), (0, 0)):
        if 0 <= k < n:
            places[k] = place
    return tuple(places)


def _decode(scores: list[float], penalty: float) -> list[bool]:
    """Labels maximising the summed log-odds of command words less ``penalty`` a switch."""
    n = len(scores)
    if not n:
        return []
    prose, command = 0.0, scores[0]  # best totals ending in each state
    back: list[tuple[bool, bool]] = []  # per word: is the best state before it command,
    for s in scores[1:]:                # given that it is prose / given that it is command
        switch_to_prose = command - penalty
        switch_to_command = prose - penalty
        back.append((switch_to_prose > prose, command >= switch_to_command))
        prose, command = max(prose, switch_to_prose), max(command, switch_to_command) + s
    state = command > prose
    labels = [state]
    for before_prose, before_command in reversed(back):
        state = before_command if state else before_prose
        labels.append(state)
    return labels[::-1]
