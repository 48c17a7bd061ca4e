"""Combinatorial phrasing: the speech people wrap around, and mix into, what they dictate.

``bench.levels`` says the natural, chaotic and mixed levels with the closed lists of
``processor.speech`` (the runtime's vocabulary). People say far more than those lists, so this
module composes utterances from pools of components: discourse openers, slot nouns (``the
output folder``), copulas (``should be``), verbs of typing and running, the tldr page's own
description as a lead or a commentary tail, commentary tails, closings, fillers, corrections
in several shapes, whole-command redos and asides inside a command.

Phrasing is split the way pages are (``bench.corpus.page_split``): every component belongs to
one **side** by a stable hash of its text, ``train`` (about 70%), ``dev`` (10%) or ``test``
(20%), and an utterance draws every component from one side. Training data uses the train side
only, development sets the dev side, the held-out sets the test side, so a held-out figure of
this module's rows measures phrasing the engine never saw. The runtime's own vocabulary
(``processor.speech``) is on the train side whatever its hash: what the engine reads is seen.
A row made here lists the components of a side other than train in ``phrases``, which
``dictbash data check`` looks for in training files.
"""

from __future__ import annotations

import functools
import hashlib
import random
import re

from processor import speech

from .corpus import CORPUS_PATH, load_examples, page_split

SIDES = ("train", "dev", "test")
DEV_SHARE, TEST_SHARE = 0.10, 0.20


def _runtime_vocabulary() -> frozenset[str]:
    lists = (speech.WRAPPER_PREFIXES, speech.WRAPPER_SUFFIXES, speech.FILLERS, speech.CORRECTIONS,
             speech.RESTARTS, speech.PROSE_LEADS, speech.PROSE_TAILS, speech.TURN_OPENERS,
             speech.TYPING_CUES, speech.RUN_CUES, speech.REQUEST_CLOSINGS)
    return frozenset(p.lower() for group in lists for p in group)


RUNTIME_VOCABULARY = _runtime_vocabulary()


def _hashed_side(phrase: str) -> str:
    share = int.from_bytes(hashlib.sha256(f"phrasing\0{phrase}".encode()).digest()[:4], "big") % 10_000
    if share < TEST_SHARE * 10_000:
        return "test"
    return "dev" if share < (TEST_SHARE + DEV_SHARE) * 10_000 else "train"


def _first_side(phrase: str) -> str:
    """A phrase's side before the closure of ``_sides``: the runtime's vocabulary is train."""
    return "train" if phrase.lower() in RUNTIME_VOCABULARY else _hashed_side(phrase)


def side(phrase: str) -> str:
    """The side of a phrase component, stable forever (``_sides``): training never says a
    component of the dev or test side."""
    return _sides().get(phrase) or _first_side(phrase)


SHARED = ("det", "not_before")
"""Pools of grammar, not phrasing (``the``, ``our``; ``no`` before ``not X``): every side."""

# Every pool below is a set of components; each component lands on one side.
POOLS: dict[str, tuple[str, ...]] = {
    "discourse": (
        "okay", "ok so", "so basically", "alright", "let me think um yeah", "right so", "well",
        "cool", "so yeah", "oh", "all right then", "next up", "and then", "yep", "sure",
        "uh huh okay", "so um", "okay cool", "good", "great", "ah", "oh okay", "so what I need",
        "fine", "okay next", "alright so", "so now", "now then", "anyway", "so anyway",
        "ok um", "yes", "yeah so", "oh right", "alright cool", "perfect", "okay here goes",
        "here we go", "so here's the thing", "right okay", "hmm okay", "okay let me see",
        "so let me think", "alright then", "okay so um", "right then", "okay and", "so then",
        "now for the next bit", "moving on", "okay so next", "and lastly", "finally",
        "to start with", "for this step", "step two", "hmm so", "ah okay", "yeah okay",
        "okay got it", "so like", "okay um so", "cool cool", "nice okay", "good so",
        "right okay so", "okay here's the next one", "and now", "so first", "um okay",
        "alright here goes", "let's see", "so for this one", "next thing", "okay cool so",
        "uh okay", "well okay", "right", "so the next one", "then next", "and finally",
        "okay one more", "last one", "so basically what I want", "hmm let's see", "ok ok",
        "alright alright", "so okay", "yeah", "now um", "okay now",
    ),
    "det": ("the", "our", "my", "that", "this", "the new", "your"),
    "copula": (
        "is", "should be", "would be", "needs to be", "will be", "has to be", "I want is",
        "we need is", "I'd use is", "you want is", "to use is", "is gonna be", "must be",
        "is just", "I think is", "is probably", "would just be", "can be", "we'll use is",
        "ends up being", "comes out as", "I picked is", "I'm thinking is", "is going to be",
        "we want is", "I'd go with is", "is set to", "they gave us is", "we settled on is",
        "I have in mind is",
        "would have to be", "is meant to be", "could be", "is actually", "we're using is",
        "I'm using is", "is supposed to be", "has got to be", "they want is",
        "I'll go with is", "is basically", "should just be", "we agreed on is",
        "happens to be", "I'd pick is", "looks like", "becomes", "stays", "is still", "is now",
    ),
    "for_copula": ("it's", "use", "put", "say", "we want", "I'd go with", "it should be",
                   "type", "go with", "we'll do", "make it", "let's say", "enter", "pick",
                   "it'll be", "I'd say", "we use", "choose", "put in", "just use", "it needs",
                   "write", "let's use", "you want", "they use", "give it", "we need",
                   "set", "try", "I think it's", "go for",
        "I want", "we'll go with", "I'd put", "just put", "you'd use", "let's go with",
        "it's gonna be", "I'm putting", "do", "add", "I'll use", "we'll put", "they want",
        "I'd pick", "it has to be", "just type", "you type", "how about",
    ),
    "subject": (
        "I want to", "let's", "can you", "you can", "we should", "go ahead and", "just",
        "I'll", "I need to", "you'll want to", "we'll", "maybe", "now", "could you", "I'd",
        "why don't we", "try and", "you should", "so we", "time to", "we have to",
        "I'm gonna", "let me", "you need to", "we can", "I usually", "I'd like you to",
        "would you", "we could", "quickly", "first", "I reckon we", "lemme", "gotta",
        "we gotta", "you'll need to", "I'd suggest we", "how about we", "we might",
        "I'm about to", "someone should", "I normally", "you could just",
        "I wanna", "let's just", "you wanna", "we wanna", "I'm going to", "we're going to",
        "please", "can we", "could we", "I'll just", "we'll just", "just go ahead and",
        "now let's", "next I'll", "so I'll", "we need to", "I have to", "you have to",
        "time for us to", "you gotta", "we just", "I'd rather",
    ),
    "verb": (
        "use", "try", "add", "pass", "run", "type out", "write out", "paste in", "put", "do",
        "enter", "go with", "throw in", "stick in", "append", "tack on", "give it",
        "fire off", "kick off", "punch in", "key in", "spell out", "drop in", "include",
        "invoke", "launch", "execute", "write", "say", "input", "hit it with", "bang out",
        "type in", "put in", "enter in", "slap on", "shove in", "plug in", "feed it",
        "hand it", "supply", "provide", "specify", "call", "start", "issue", "send", "trigger",
        "go for", "pop in", "jot down", "dictate", "fill in", "set up",
    ),
    "value_verb": ("set it to", "make it", "change that to", "call it", "name it",
                   "switch it to", "point it at", "set that to", "change it to", "rename it to",
                   "update it to", "make that", "give it", "fill in", "put it as", "have it be",
                   "let it be", "use as the value", "bump it to", "pin it to", "set this to",
                   "default it to", "override it with", "replace it with", "swap in",
        "set the value to", "make the value", "change this to", "turn it into",
        "set that one to", "make this", "call this", "label it", "rename that to",
        "point that at", "put that as", "give that", "assign it", "define it as",
        "have that be", "let that be",
    ),
    "desc_lead": ("I want to", "I need to", "we have to", "I'm trying to", "the goal is to",
                  "so I'd like to", "the plan is to", "I have to", "trying to", "we want to",
                  "I wanna", "the idea is to", "next we need to", "now I want to",
                  "so we're going to", "help me",
        "I'd like to", "we need to", "I'm going to", "time to", "let's", "I want you to",
        "the task is to", "my job is to", "we should", "I'm supposed to", "the ticket says to",
        "first I need to", "so I want to", "what I'm after is to",
    ),
    "desc_link": ("so", "so um", "so the command is", "which means", "and for that it's",
                  "so I guess", "the way to do that is", "so let's do", "so that's", "meaning",
                  "for that I'd type", "and I think that's", "so it's", "so yeah it's",
                  "so I'll type", "which I think is", "and that's done with", "so do",
                  "so we run", "for which we use", "so type", "hence", "thus",
                  "and the command for that is", "using", "with", "by running", "via",
                  "so go with", "which is",
        "so it's just", "and that's", "so I'd do", "so we do", "and the way is",
        "so the line is", "so the thing to type is", "and you do that with", "that's done by",
        "so you'd run", "and I run", "which you do with", "and for that we run", "so run",
        "so we'd type", "and I believe it's",
    ),
    "tail_link": ("to", "so we can", "in order to", "just to", "so I can", "that way we can",
                  "so you can", "which should", "that will", "to try to", "to basically",
                  "which will", "so it will", "that should", "so that we", "because we want to",
                  "since I need to", "which is how you", "that's how you", "so as to",
                  "which lets you", "to help", "so that it can", "for when you want to",
        "so that", "to make sure", "which lets me", "so you'll", "so we'll", "and that'll",
        "because I need to", "since we want to", "in case we need to", "so I'll be able to",
        "which makes it", "for us to",
    ),
    "commentary": (
        "because it's faster", "I think", "if I remember right", "or something like that",
        "I believe", "if that makes sense", "just in case", "to be safe", "and we're done",
        "and that's all", "so that's that", "which is what the docs say", "like last time",
        "as usual", "same as before", "you know the drill", "hopefully", "fingers crossed",
        "let's see if it works", "for the logs", "on my machine", "for the demo",
        "on staging", "for this repo", "once more", "for good measure",
        "because it's a component", "so that's the install", "for the install step",
        "to count them", "for recursive copy", "if it's not there already", "as a test",
        "if I'm not wrong", "I guess", "probably", "right", "correct", "that should do it",
        "and we'll see", "like the readme says", "as the wiki says", "for now at least",
        "which is the usual", "that's the one", "on the build box", "for the release",
        "it's quicker that way", "since we're in a hurry", "to check",
        "I hope", "if that works", "or so I've heard", "I'm pretty sure", "not sure though",
        "I think that's right", "at least I think so", "that's what Bob said",
        "for the backup", "for the nightly job", "for the tests", "it worked last time",
        "that's my guess", "we'll find out", "no idea why", "as far as I know",
        "unless I'm mistaken", "from memory", "off the top of my head", "it's in the docs",
        "to be sure", "just to check", "as always", "like we discussed", "per the ticket",
        "for the migration", "on prod", "on the cluster", "in the container", "for debugging",
        "which is handy",
    ),
    "closing": ("cheers", "thanks a lot", "and hit return", "go", "and run it", "done",
                "that's all", "over", "thank you kindly", "ta", "much appreciated",
                "thanks so much", "and go", "that's it thanks", "nothing else", "and execute",
                "when you're ready", "please and thank you", "ta very much", "cheers mate",
                "thx", "that is all", "end of command", "send it", "ship it", "and enter it",
                "we're good", "all set", "lovely", "great thanks",
        "thanks", "thank you", "that's everything", "and that's it", "all done", "finished",
        "good to go", "go ahead", "run that", "enter", "submit", "over and out", "that'll do",
        "cheers thanks", "that's all for now", "and done", "okay that's it", "and we're good",
        "perfect thanks", "nice one",
    ),
    "filler": ("um", "uh", "er", "erm", "uhh", "umm", "like", "you know", "hmm", "mm", "ah",
               "sort of", "kind of", "basically", "well", "eh", "mhm", "uh like", "um like",
               "I guess", "you see", "so", "right", "okay", "uh so", "um so", "I think",
               "hmm hmm", "ah um", "like um", "uh well", "oh", "you know what", "lemme see",
               "actually", "just", "erm like", "uhm", "hm", "errr", "mmm", "uh uh",
               "ummm", "er um", "hmmm", "ehm", "um you know", "like uh", "sorta", "kinda",
               "ya know", "uh what", "um okay", "ah yeah",
        "ehh", "emm", "hmm like", "uh huh", "ah well", "um well", "well um", "like you know",
        "I mean like", "ok um", "er well", "uh let's see", "um let me see", "hmm let me see",
        "so like", "um yeah", "uh yeah", "ah hmm", "mm hmm",
    ),
    "fix": (
        "no wait", "I meant", "whoops", "or is it", "no sorry", "wait", "uh no", "hang on",
        "my bad", "no not that", "err I mean", "no make it", "or rather", "well actually",
        "strike that", "I mean", "sorry I meant", "no no", "nope", "let me fix that", "ugh",
        "not that one", "hmm no", "oh wait", "sorry about that", "correction", "no scratch that",
        "wait wait", "ah no", "typo", "rather", "no hold on", "wrong one", "oh no I mean",
        "sorry make that", "let me correct that", "oops I mean", "ah I meant",
        "no no wait", "ah wait", "hmm wait", "nope sorry", "my mistake", "sorry no", "wait no",
        "no hang on", "actually", "actually no", "eh no", "whoops sorry", "oh dear", "dammit",
        "shoot", "argh", "scratch that", "not quite", "that's wrong", "wrong",
        "let me redo that bit", "I mean rather", "err no", "oh sorry", "uh sorry",
        "correction I meant", "sorry I mean", "no I meant", "ugh no", "oops",
    ),
    "not_before": ("", "no", "oh"),
    "not_after": ("I meant", "but", "rather", "it's", "I mean", "make it", "it should be",
                  "I want", "use", "it's actually", "what I want is", "I need", "it's supposed to be",
                  "instead", "but rather", "we want", "the right one is", "should be",
                  "it has to be", "correct is", "go with", "I was thinking", "the real one is",
        "I'm after", "what I meant was", "the one I want is", "we need", "make that", "go for",
        "use the", "it ought to be", "it's meant to be", "I want the", "it's really",
        "swap it for", "change it to", "the correct one is", "put", "say",
    ),
    "redo": (
        "no actually I want", "scratch what I said", "go back", "let me redo that",
        "from the top", "wait let me start over", "no no no", "take two", "let me try again",
        "ignore that", "hold on let me rephrase", "actually make that", "okay again",
        "redo", "sorry wrong command", "let me say that again", "no that's wrong it's",
        "delete that", "cancel that", "never mind that", "wrong command I want",
        "scrap that", "one more time", "that's not it", "let's try that again",
        "start again", "let me start again", "again", "from scratch", "restart",
        "let me do that over", "do over", "I'll say it again", "all over again",
        "scrap all that", "forget that", "forget it", "forget what I said", "never mind",
        "nope start over", "wrong thing entirely", "that was wrong", "let's redo it",
        "completely wrong", "back to the start", "let me begin again", "new attempt",
    ),
    "aside": (
        "wait what was the {noun} oh right", "what's the {noun} again", "hold on",
        "let me check", "where was it", "what's it called", "one sec", "hang on a second",
        "let me look", "where was I", "how do you spell it", "let me think", "give me a sec",
        "oh yeah", "uh what else", "what was the {noun} um", "and the {noun} is",
        "let me find the {noun}", "okay and", "wait let me check the {noun}", "then",
        "and after that", "plus", "followed by", "wait is it {noun} yes", "um the {noun}",
        "where's that {noun}", "lemme think", "what comes next", "then there's the {noun}",
        "and for the {noun}", "the {noun} goes here", "how does it go", "uh hang on",
        "what's the {noun} called", "and then the {noun}", "oh and", "next comes",
        "now the {noun}", "I think it's", "if I remember", "er what's next",
        "hmm what's the {noun}", "uh which {noun} was it", "let me remember the {noun}",
        "what {noun} did we use", "what's next", "and um", "hold on a sec", "just a sec",
        "wait a moment", "let me see", "uh where was I", "then the {noun}", "um and",
        "and now the {noun}", "next the {noun}", "oh and the {noun}", "hmm hold on",
        "let me double check", "is that right yeah", "yes that's it", "okay where was I",
        "the {noun} is", "let me get the {noun}",
    ),
    "prose_lead": (
        "first", "then", "after that", "if it fails", "when the build is done",
        "on the server", "my colleague said to", "the readme says to", "in the docs they",
        "to fix it I", "yesterday I", "we usually", "you might want to", "before you push",
        "once it's installed", "in production we", "on my laptop I", "I always",
        "every morning I", "to debug this I", "the tutorial says to", "our runbook says to",
        "in ci we", "next you", "now you can", "at that point", "normally I'd",
        "the old script would", "somebody on the team likes to", "for the release we",
        "to reproduce it", "the error went away when I", "I remember we had to",
        "my notes say", "the blog post recommends you", "in the video he", "on mac you",
        "the senior dev told me to", "what worked for me was to", "if you're stuck",
        "last week I", "our docs say to", "the wiki tells you to", "my manager asked me to",
        "a coworker showed me how to", "on linux you", "on windows you can't", "in the end I",
        "the trick is to", "the fix was to", "our setup script would", "before the release we",
        "during the outage we", "when I started here we", "in the old days you'd",
        "the answer on stack overflow was to", "the course says to", "the book says to",
        "after the upgrade you", "the installer tells you to", "in my last job we",
        "our onboarding doc says to", "the linter told me to", "in the workshop we",
    ),
    "prose_verb": ("run", "use", "type", "try", "ran", "used", "do", "call", "execute",
                   "launch", "invoke", "tried", "typed", "enter", "runs", "uses", "just run",
                   "just use", "need", "needed", "write", "wrote", "add", "added", "paste",
                   "pasted", "put", "start", "started", "fire off", "kick off", "go with",
                   "ran into", "relied on", "went with", "recommended", "suggested",
                   "always type", "swear by", "prefer", "reach for", "fall back to",
                   "resorted to", "typed in", "punched in", "hacked together", "settled on",
                   "copy pasted", "mistyped", "aliased", "scripted", "cron'd",
        "had to run", "had to use", "would run", "would use", "ended up running",
        "ended up using", "forgot to run", "kept running", "kept typing", "learned to use",
        "like to run", "tend to use", "need to run", "want to run", "could run", "should run",
        "tried running", "were told to run", "ran again", "reran", "re ran", "called up",
        "switched to", "migrated to", "depend on", "rely on", "stuck with", "gave up on",
    ),
    "prose_tail": (
        "and see what happens", "then wait", "to check the output", "before committing",
        "and you're done", "which takes a while", "it's faster", "and it worked",
        "every time", "afterwards", "and then restart", "when you're ready", "if you want",
        "and watch the logs", "to see the result", "in a new terminal", "after lunch",
        "twice", "as a sanity check", "and it just works", "which is kind of slow",
        "then check again", "at least once a week", "until it passes", "and that fixed it",
        "before the demo", "without thinking", "on the old box", "whenever it hangs",
        "and grab a coffee", "but be careful", "and it printed nothing",
        "and nothing happened", "and it failed", "and it crashed", "and it hung",
        "and it took forever", "every single time", "on every machine", "in the pipeline",
        "before merging", "after every deploy", "by mistake", "on purpose", "for no reason",
        "and it complained", "and got an error", "which broke everything",
        "which was a mistake", "and then it worked", "and it was fine", "the other day",
        "last night", "this morning", "all the time", "out of habit",
    ),
}

# Slot nouns by what the dictated text looks like (``unit_kind``); each noun is a component.
SLOT_NOUNS: dict[str, tuple[str, ...]] = {
    "flag": ("flag", "option", "switch", "argument", "parameter", "setting", "flag I need",
             "extra option", "the option we want", "modifier", "cli flag", "short flag",
             "long option", "verbose thing", "toggle", "flag for it", "command line option",
             "knob", "extra switch", "opt", "arg", "parameter I want"),
    "number": ("port", "number", "count", "timeout", "limit", "size", "value", "id", "pid",
               "number of retries", "depth", "width", "offset", "exit code", "uid"),
    "url": ("url", "address", "endpoint", "link", "remote", "repo url", "site", "source url",
            "download link", "api endpoint", "web address", "origin", "server url", "mirror",
            "registry", "base url", "webhook", "callback url", "homepage", "feed"),
    "path": ("path", "folder", "directory", "file", "output folder", "input file", "target",
             "destination", "config file", "source dir", "location", "mount point",
             "log file", "working directory", "build folder", "file name"),
    "name": ("variable", "function name", "class name", "env var", "environment variable",
             "name", "key", "identifier", "table name", "field", "constant", "setting name",
             "method", "property"),
    "pattern": ("regex", "pattern", "glob", "expression", "filter", "match", "search term",
                "wildcard", "query", "regular expression", "grep pattern", "selector",
                "format string", "template", "file mask", "mask", "search string", "matcher",
                "rule", "spec", "sed expression"),
    "word": ("name", "value", "branch", "tag", "image", "package", "service", "container",
             "user", "host", "argument", "image tag", "branch name", "remote name",
             "package name", "namespace", "profile", "target", "module", "version",
             "username", "database", "queue"),
    "command": ("command", "line", "thing to run", "incantation", "one liner", "invocation",
                "next step", "next line", "bit", "next command", "call", "snippet",
                "first command", "last step", "fix", "shell command", "terminal command",
                "cli call", "thing I want", "step", "next bit", "command for that", "cmd",
                "what I need", "magic words", "thing"),
}

@functools.lru_cache(maxsize=None)
def _sides() -> dict[str, str]:
    """Every component's side. The hash decides, except that a component training says
    anyway is train: one of the runtime's vocabulary, one said inside a train-side component
    (``go with`` inside ``so go with``), or one in the description of a train page (``add``,
    ``launch``), which the generators say as leads and tails."""
    components = {p for name, items in POOLS.items() if name not in SHARED for p in items}
    components |= {p for items in SLOT_NOUNS.values() for p in items}
    sides = {p: _first_side(p) for p in components if p}
    said = [f" {p.lower()} " for p in RUNTIME_VOCABULARY | {p for p, on in sides.items()
                                                           if on == "train"}]
    if CORPUS_PATH.is_file():  # always, where pages are generated from
        said += [" " + " ".join(re.sub(r"[^a-z0-9']+", " ", e.description.lower()).split()) + " "
                 for e in load_examples() if page_split(e.page) == "train"]
    text = "\n".join(said)
    changed = True
    while changed:
        changed = False
        for phrase, on in sides.items():
            if on != "train" and f" {phrase.lower()} " in text:
                sides[phrase] = "train"
                text += f"\n {phrase.lower()} "
                changed = True
    return sides


@functools.lru_cache(maxsize=None)
def _held_out() -> re.Pattern:
    phrases = sorted((p for p, on in _sides().items() if on != "train"), key=len, reverse=True)
    return re.compile(r"(?<![\w'])(?:" + "|".join(
        re.escape(p).replace(re.escape("{noun}"), r"[\w' ]+") for p in phrases)
        + r")(?![\w'])", re.IGNORECASE)


def held_out_in(text: str) -> str | None:
    """The first component of the dev or test side said in ``text``, if any: training rows
    must not say one even by chance (``hmm`` twice is the held-out ``hmm hmm``)."""
    found = _held_out().search(text)
    return found.group() if found else None


MISTAKEN_CASE_STYLES = ("camel", "snake", "kebab", "pascal", "screaming", "constant", "title")
"""Styles a speaker names by mistake before correcting it: the protocol's
(``processor.vocabulary.CASE_STYLES``) and two it has not; this order seeds the shipped sets."""


@functools.lru_cache(maxsize=None)
def pool(name: str, on: str) -> tuple[str, ...]:
    """The components of pool ``name`` (or slot kind ``slot:KIND``) on side ``on``."""
    items = SLOT_NOUNS[name[5:]] if name.startswith("slot:") else POOLS[name]
    return items if name in SHARED else tuple(p for p in items if side(p) == on)


def unit_kind(text: str) -> str:
    """What a piece of a command looks like, for the slot noun that names it."""
    if text.startswith("-"):
        return "flag"
    if re.fullmatch(r"[:=]?\d+(\.\d+)*", text):
        return "number"
    if "://" in text or text.startswith("www."):
        return "url"
    if re.search(r"[*?\[\]^$\\|]", text):
        return "pattern"
    if "/" in text or text.startswith(("~", ".")):
        return "path"
    if re.search(r"[A-Z_]", text):
        return "name"
    return "word"


class Speaker:
    """Draws components of one side and remembers which it used."""

    def __init__(self, on: str, rng: random.Random):
        self.on = on
        self.rng = rng
        self.used: list[str] = []

    def say(self, name: str) -> list[str]:
        """One component of pool ``name`` as words: of this side, or of train's where this
        side has none (common words such as ``port`` are in every train page's descriptions:
        no held-out side can have them)."""
        phrase = self.rng.choice(pool(name, self.on) or pool(name, "train"))
        if phrase and name not in SHARED:
            self.used.append(phrase)
        return phrase.split()

    def slot(self, kind: str) -> list[str]:
        """A slot noun for a piece of this kind (``port`` for ``8443``)."""
        return self.say(f"slot:{kind}")

    def aside(self, kind: str) -> list[str]:
        words = self.say("aside")
        if "{noun}" in words:
            k = words.index("{noun}")
            words = words[:k] + self.slot(kind) + words[k + 1:]
        return words

    def phrases(self) -> list[str]:
        """The components used that training never says (none on the train side)."""
        return sorted({p for p in self.used if side(p) != "train"})


def lead(s: Speaker, kind: str, whole: bool, described: list[str]) -> list[str]:
    """What comes before the dictated text: discourse, then a frame that introduces it
    (``described``: the page's description as said, which may lead a whole command)."""
    rng = s.rng
    words = s.say("discourse") if rng.random() < 0.5 else []
    shape = rng.random()
    if whole and described and shape < 0.3:
        return words + s.say("desc_lead") + described + s.say("desc_link")
    if shape < 0.65:
        noun = s.slot("command" if whole else kind)
        if rng.random() < 0.5:
            return words + s.say("det") + noun + s.say("copula")
        return words + ["for", "the"] + noun + s.say("for_copula")
    if not whole and rng.random() < 0.5:
        return words + s.say("value_verb")
    subject = s.say("subject") if rng.random() < 0.7 else []
    return words + subject + s.say("verb")


def tail(s: Speaker, described: list[str]) -> list[str]:
    """What comes after: commentary the terminal does not want (sometimes the page's
    description: ``to list all files``), and a closing."""
    rng = s.rng
    words: list[str] = []
    if rng.random() < 0.6:
        if described and rng.random() < 0.4:
            words = s.say("tail_link") + described
        else:
            words = s.say("commentary")
    if rng.random() < 0.3:
        words += s.say("closing")
    return words


def with_asides(units: list[list[str]], s: Speaker, kind: str, fillers: int) -> list[list[str]]:
    """Units with ``fillers`` fillers and, sometimes, an aside at a unit boundary."""
    units = [list(u) for u in units]
    for _ in range(fillers):
        k = s.rng.randrange(len(units))
        units[k] = s.say("filler") + units[k]
    if len(units) >= 2 and s.rng.random() < 0.25:
        k = s.rng.randrange(1, len(units))
        units[k] = s.aside(kind) + units[k]
    return units


def dictated_piece(command: str, rng: random.Random) -> str:
    """What is dictated: the whole command, or (a third of the time) one to three shell words
    of it after the program, as people dictate a value or a flag into a prompt (``the output
    folder should be ./dist``, ``redirect it to /dev/null``)."""
    pieces = command.split()
    if len(pieces) < 2 or rng.random() >= 0.35 or "'" in command or '"' in command:
        return command
    start = rng.randrange(1, len(pieces))
    piece = " ".join(pieces[start:start + rng.choice((1, 1, 1, 2, 3))])
    return piece if len(piece) >= 2 else command
