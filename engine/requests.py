"""Requests: the words that hand a command to the engine and are no part of it.

People dictating to a terminal frame the command as a request: ``okay type git status``,
``the next one is sudo systemctl restart nginx``, ``docker system prune dash a and press
enter``. PROTOCOL.md (section 2, natural) says such wrappers go. The tagger learns the
wrappers of the level generators, but a frame it has not seen makes the segmenter read the
utterance as prose around a command, which is kept (``okay so the next thing is ./configure``).
Frames like these are a small closed class of phrases, so they are found by phrase:

- a **lead**: discourse words (``okay``, ``so``, ``um``...) and then a request cue (``type``,
  ``enter the following``, ``the command is``, ``can you run``...) right before the command;
- a **tail**: ``and press enter``, ``thanks`` and the like after it.

``request_frame`` finds them; the engine drops them only when what is left reads as one
command (all command words or, after a cue to type, all plain words: ``so yeah type exit``),
never when prose is left beside a command (``run make space test three times before merging``
stays mixed speech). The model still reads the whole utterance, as it was trained to, and is
told to drop the request's words; strict speech inside a request goes to the processor
without them.
"""

from __future__ import annotations

from processor.speech import (FILLERS, REQUEST_CLOSINGS, RUN_CUES, TURN_OPENERS, TYPING_CUES,
                              WRAPPER_SUFFIXES, is_hesitation)
from processor.vocabulary import SPACE, SYMBOL_PHRASES


def phrases(*texts: str) -> tuple[tuple[str, ...], ...]:
    """Word tuples, longest first (so ``type in`` wins over ``type``), for ``phrase_at``."""
    return tuple(sorted({tuple(t.split()) for t in texts}, key=len, reverse=True))


DISCOURSE = phrases(*FILLERS, *TURN_OPENERS)
"""Words that may open a request before its cue: the fillers, and words that open a turn."""
TYPING = phrases(*TYPING_CUES)
CUES = phrases(*TYPING_CUES, *RUN_CUES)
COMMAND_WORDS = frozenset({"now"})
"""Closings of the level generators that also end commands (``shutdown -r now``): never a tail."""
TAILS = phrases(*(p for p in WRAPPER_SUFFIXES if p not in COMMAND_WORDS), *REQUEST_CLOSINGS)
"""Phrases after a command that ask for it or thank for it: the level generators' closings
(``please``, ``thanks``) and a person's (``and press enter``)."""
NAME_JOINERS = frozenset(p[0] for p, text in SYMBOL_PHRASES.items()
                         if len(p) == 1 and text in ("-", "_"))
"""Words that join a cue to the rest of a name (``run dash mailcap`` is ``run-mailcap``):
no command starts with them."""
_NO_COMMAND_START = NAME_JOINERS | {SPACE}


def phrase_at(words: list[str], at: int, among) -> int:
    """The length of the longest phrase of ``among`` (``phrases``) at ``words[at:]``, or 0."""
    return next((len(p) for p in among if tuple(words[at:at + len(p)]) == p), 0)


def _discourse(words: list[str], at: int) -> int:
    """The length of the discourse phrase or hesitation sound at ``words[at:]``, or 0."""
    return phrase_at(words, at, DISCOURSE) or int(at < len(words) and is_hesitation(words[at]))


def request_frame(words: list[str]) -> tuple[int, int, bool] | None:
    """``(start, end, typed)``: the command is ``words[start:end]``, the rest a request around
    it (``typed``: a typing cue was said before it); None when there is no frame, or nothing
    in it.

    A lead counts only if it ends in a cue and neither a ``space`` follows (``type space
    ls`` is the strict dictation of ``type ls``) nor a dash or underscore that makes the cue
    part of a name (``run dash mailcap``); a tail counts only after a word of the command
    other than ``space`` (``echo space thanks`` types ``echo thanks``).
    """
    start = 0
    while n := _discourse(words, start):
        start += n
    cue = phrase_at(words, start, CUES)
    typed = tuple(words[start:start + cue]) in TYPING
    if not cue or start + cue == len(words) or words[start + cue] in _NO_COMMAND_START:
        start, typed = 0, False
    else:
        start += cue
    end = len(words)
    while end > start + 1:
        n = next((len(p) for p in TAILS if tuple(words[end - len(p):end]) == p), 0)
        if not n or end - n <= start or words[end - n - 1] == SPACE:
            break
        end -= n
    if (start, end) == (0, len(words)):
        return None
    return start, end, typed
