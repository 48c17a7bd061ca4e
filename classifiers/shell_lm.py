"""A character n-gram model of shell commands: how likely a text is to come next in one.

The spacer's hardest choices are between two renderings of the same words (``git add .``
or ``git add.``, ``find src -type f`` or ``find src-type f``, ``aws s3api`` or ``aws s3
api``), and which one a command would contain is what a model of command text knows: trained
on the commands of tldr train pages, it puts ``-type`` after a space and never ``.`` straight
after ``add``. Characters rather than tokens, so that a file name or program it has never seen
still gets the likelihood of its shape.

It reads text lower-cased with every digit a ``0`` (``normalise``). Witten-Bell
interpolation (each order's estimate backs off to the next shorter context by the
share of distinct characters seen after it) is simple, needs no tuning and gives proper
probabilities; n-grams seen once are pruned above the bigrams, keeping their contexts' totals.
"""

from __future__ import annotations

import math
import os
from collections import Counter
from collections.abc import Callable, Iterable


ORDER = 6
"""Characters per n-gram: five of context."""
START, END = "\x02", "\x03"
ALPHABET = 128
"""Size of the character set the unigram estimate is smoothed over."""


_DIGITS = str.maketrans("123456789", "000000000")


def normalise(text: str) -> str:
    """The text as the model reads it: lower case, every digit ``0``. Where a space goes hardly
    depends on case or on which digit it is, and so normalised, rare texts borrow the counts
    of common ones (``-sL`` those of ``-sl``, ``web-3`` those of ``web-0``)."""
    return text.lower().translate(_DIGITS)


class ShellLM:
    """P(next characters | text before) over shell commands."""

    def __init__(self, counts: dict[str, int], contexts: dict[str, tuple[int, int]],
                 order: int = ORDER):
        self.counts, self.contexts, self.order = counts, contexts, order
        self.folds: dict[int, ShellLM] = {}
        self.fold_of: Callable[[str], int] | None = None
        self._total = sum(n for g, n in counts.items() if len(g) == 1)

    @classmethod
    def fit(cls, commands: Iterable[str], order: int = ORDER, min_count: int = 2) -> "ShellLM":
        """Count the n-grams of ``commands`` (one command a string)."""
        grams: Counter = Counter()
        for command in commands:
            text = START * (order - 1) + normalise(command) + END
            for i in range(order - 1, len(text)):
                for n in range(1, order + 1):
                    grams[text[i - n + 1:i + 1]] += 1
        contexts: dict[str, list[int]] = {}
        for gram, n in grams.items():
            totals = contexts.setdefault(gram[:-1], [0, 0])
            totals[0] += n
            totals[1] += 1
        counts = {g: n for g, n in grams.items() if n >= min_count or len(g) <= 2}
        kept = {h: (t[0], t[1]) for h, t in contexts.items() if h == "" or h in counts}
        return cls(counts, kept, order)

    def logprob(self, text: str, before: str = "") -> float:
        """Natural log of P(``text`` | ``before``), ``before`` being the command so far ("" at
        its start), both already ``normalise``-d."""
        history = START * (self.order - 1) + before
        total = 0.0
        for char in text:
            history = (history + char)[-self.order:]
            total += math.log(self._prob(history))
        return total

    def _prob(self, gram: str) -> float:
        """P(last character | the ones before it), interpolated from the unigram up."""
        char = gram[-1]
        p = (self.counts.get(char, 0) + 1) / (self._total + ALPHABET)
        for k in range(2, len(gram) + 1):
            seen = self.contexts.get(gram[-k:-1])
            if seen is None:
                break
            total, types = seen
            p = (self.counts.get(gram[-k:], 0) + types * p) / (total + types)
        return p

    def odds(self, before: str, one: str, other: str, page: str | None = None) -> float:
        """log P(``one``) - log P(``other``) as what comes after ``before``: how much likelier
        one way to go on is than the other (``page``: as if that page's fold were unread, in
        training)."""
        lm = self.folds[self.fold_of(page)] if page is not None and self.folds else self
        before, one, other = normalise(before), normalise(one), normalise(other)
        same = len(os.path.commonprefix([one, other]))
        context = before + one[:same]
        return lm.logprob(one[same:], context) - lm.logprob(other[same:], context)

    @classmethod
    def fit_pages(cls, pages_and_commands: list[tuple[str, str]], fold_of: Callable[[str], int],
                  order: int = ORDER) -> "ShellLM":
        """The model of all the commands, holding for training one more per fold of pages
        (``fold_of(page)``, the corpus's ``page_fold``) that has not read that fold:
        ``odds(..., page)`` answers for a page's own fragments as for a new page's, which
        every page is at run time."""
        lm = cls.fit((command for _, command in pages_and_commands), order)
        lm.fold_of = fold_of
        lm.folds = {k: cls.fit((c for p, c in pages_and_commands if fold_of(p) != k), order)
                    for k in sorted({fold_of(p) for p, _ in pages_and_commands})}
        return lm

    def arrays(self) -> dict:
        """The model as arrays for an ``.npz`` artifact (without the training folds)."""
        import numpy as np

        contexts = sorted(self.contexts)
        return {"lm_grams": np.array(list(self.counts), dtype=str),
                "lm_counts": np.array(list(self.counts.values()), dtype=np.int32),
                "lm_contexts": np.array(contexts, dtype=str),
                "lm_totals": np.array([self.contexts[h] for h in contexts], dtype=np.int32),
                "lm_order": np.array(self.order)}

    @classmethod
    def from_arrays(cls, data: dict) -> "ShellLM":
        return cls(dict(zip(data["lm_grams"].tolist(), data["lm_counts"].tolist())),
                   dict(zip(data["lm_contexts"].tolist(), map(tuple, data["lm_totals"].tolist()))),
                   int(data["lm_order"]))
