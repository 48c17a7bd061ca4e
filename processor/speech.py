"""The vocabulary of speech around a command: the words people say that are not the protocol.

``processor.vocabulary`` holds what a word *types*; this module holds the words that type
nothing (fillers, corrections, restarts, wrappers and requests around a command, the prose
leads of mixed speech) and the homophones a recogniser writes for number words. The runtime
(the classifiers' and the tagger's features, request frames, restarts) reads them here, and
the level generators in ``bench/levels.py`` say them, so both mean the same words.

The classifiers' and the model's artifacts were trained with these exact lists as features:
a change here changes what they see, so retrain them (``dictbash train ...``) after one.
"""

from __future__ import annotations

import re

# Natural speech around a command, addressed to the machine: dropped from the output.
WRAPPER_PREFIXES = (
    "so the command is", "okay so", "um", "uh", "let's run", "can you type", "please type",
    "I want to run", "type", "the command is", "okay", "alright", "go ahead and run", "so",
    "now run", "next", "let's do", "I'd like to run", "just run", "could you run",
    "okay let's try", "we need", "um so", "right so", "and now", "hmm let's see",
)
WRAPPER_SUFFIXES = ("please", "thanks", "thank you", "for me", "now", "please and thanks",
                    "and that's it", "okay")
FILLERS = ("um", "uh", "er", "you know", "like", "hmm")
HESITATION = re.compile(r"u+h+m*|u+m+|e+r+m*|e+h+m*|a+h+|h+m+|m+h+m+")
"""Hesitation sounds however they are spelt (``hm``, ``hmmm``, ``uhh``, ``erm``, ``ehm``, ``mhm``):
a closed class of sounds rather than words, so a pattern and not a list of the ones we heard."""


def is_hesitation(word: str) -> bool:
    """Whether one word is a hesitation sound (a filler however a person or recogniser spells it)."""
    return HESITATION.fullmatch(word.lower()) is not None


def hesitation_spelling(word: str) -> str:
    """One spelling for each hesitation sound, the commonest (``hm``, ``hmmm`` -> ``hmm``;
    ``uhhh`` -> ``uh``; ``errr`` -> ``er``; ``mmhmm`` -> ``mhm``); any other word as it is."""
    if not is_hesitation(word):
        return word
    collapsed = re.sub(r"(.)\1+", r"\1", word.lower())
    return "hmm" if collapsed == "hm" else collapsed

# A correction replaces the unit said just before it; a restart drops everything before it.
CORRECTIONS = ("no wait", "actually", "I mean", "sorry I mean", "wait no", "oops", "make that",
               "no no", "sorry", "correction")
RESTARTS = ("scratch that", "start over", "never mind", "let me start again", "forget that")

# Prose around a command in mixed speech: kept word for word in text mode.
PROSE_LEADS = (
    "first run", "to check it you can use", "if that fails try", "then I usually run",
    "after the build finishes run", "you should be able to use", "the docs say to run",
    "on the server we ran", "my colleague suggested", "to clean up just use",
    "the trick is to use", "remember to run", "it broke when I ran", "in the readme they use",
    "before deploying run", "last time we used",
)
PROSE_TAILS = (
    "then wait", "and see what happens", "before you commit", "and check the output",
    "to make sure it worked", "and it should work", "if you have time", "every morning",
    "when the tests pass", "on the staging box", "", "", "",
)

# Words a recogniser writes for a number word.
HOMOPHONES = {"two": ("to", "too"), "four": ("for",), "eight": ("ate",)}

# Requests: the words that hand a command to the engine (``engine.requests``).
TURN_OPENERS = (
    "okay", "ok", "so", "yeah", "alright", "all right", "right", "hey", "well", "now",
    "just", "please", "and", "then", "oh", "let's see", "let me see",
)
"""Words that open a turn and may come before a request's cue (besides the fillers)."""
TYPING_CUES = (
    "type", "type in", "type out", "enter", "input", "write", "type the following",
    "enter the following", "the following", "can you type", "can you enter", "could you type",
    "would you type", "go ahead and type", "please type", "please enter", "let's type",
    "the command is", "the command would be", "the command should be", "my command is",
    "here's the command", "here is the command", "the next command is", "next command",
    "the next one is", "the next thing is", "next one is",
)
"""Cues that say the words after them are to be typed, whatever they read like."""
RUN_CUES = (
    "run", "execute", "run the following", "can you run", "could you run", "would you run",
    "go ahead and run", "please run", "let's run", "i need", "we need", "i want", "i'd like",
    "i need to run", "i want to run", "i'd like to run",
)
"""Cues that ask for a command to be run: what follows may also be English (``run the
tests``), so it must read as a command."""
REQUEST_CLOSINGS = (
    "and press enter", "and hit enter", "and then press enter", "and then hit enter",
    "then press enter", "then hit enter", "press enter", "hit enter", "and enter",
    "for this one", "for now", "real quick", "if you can", "if you could",
)
"""A person's closings after a command, besides the wrapper suffixes."""
