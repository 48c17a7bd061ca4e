"""Your words: the programs, hosts, project and branch names the engine never read, and how
you say them (``kubectl`` said ``kube control`` or ``cube cuttle``).

They live in ``words.toml`` beside the config file (``$DICTBASH_WORDS`` to choose another),
one ``[[word]]`` table each::

    [[word]]
    name = "kubectl"
    kind = "program"
    say = ["kube control", "cube cuttle"]

``dictbash words add|list|remove`` edit it; ``dictbash words import path|history`` adds, on
request, the programs on ``$PATH`` or the first words of the shell's history that the shipped
lexicon does not know. They reach:

- the engine (``PersonalEngine``): a spoken form in an utterance becomes its name before the
  engine reads it (``kube control space get space pods`` -> ``kubectl get pods``), so every
  route types the name;
- the recogniser's repair (``PersonalRecognizer``): the names' and spoken forms' words are
  known words (a program's name as a program), so a misheard word is repaired toward them.

Both read the file again when it changes, so a running server (``dictbash serve``) follows
it. ``dictbash eval`` uses the engine without them, so its figures stay comparable.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

KINDS = ("program", "host", "project", "branch", "word")
NAME = re.compile(r"[^\s\"'\\]+")
"""A name is one shell word typed as is: no spaces, quotes or backslashes."""
LEXICON_WORD = re.compile(r"[a-z][a-z0-9]+")
PERSONAL_COUNT, PERSONAL_STARTS = 50, 20
"""How often the repair lexicon takes a personal word to be used, and a personal program to
start a command, as if counted on tldr pages: a well-used word (the lexicon's counts run from
2 to 1,634). A guess, not measured: no set of personal words exists to tune it on."""


class WordsError(Exception):
    """A words file or a word that cannot be used; the message says which and why."""


@dataclass
class Word:
    """One of your words: ``name`` as typed, the ``says`` that mean it, its ``kind``."""

    name: str
    says: list[str] = field(default_factory=list)
    kind: str = "word"


def words_path() -> Path:
    """``$DICTBASH_WORDS``, else ``words.toml`` in the config file's folder."""
    if os.environ.get("DICTBASH_WORDS"):
        return Path(os.environ["DICTBASH_WORDS"])
    from .config import config_path

    return config_path().parent / "words.toml"


def spoken(form: str) -> str:
    """A spoken form as it is matched: its words normalised, as the engine reads words."""
    from processor import normalize

    return normalize(form)


def checked(word: Word) -> Word:
    """The word, its spoken forms normalised; WordsError saying what is wrong with it."""
    from processor.vocabulary import PROTOCOL_WORDS

    if not NAME.fullmatch(word.name):
        raise WordsError(f"{word.name!r}: a name is one shell word (no spaces, quotes or "
                         "backslashes)")
    if word.kind not in KINDS:
        raise WordsError(f"{word.name}: kind must be one of {', '.join(KINDS)}, not "
                         f"{word.kind!r}")
    says = []
    for form in word.says:
        said = spoken(form)
        if not said:
            raise WordsError(f"{word.name}: an empty spoken form")
        if all(w in PROTOCOL_WORDS for w in said.split()):
            raise WordsError(f"{word.name}: {form!r} is dictation's own words (said that way "
                             "it types symbols); give words of the name")
        says.append(said)
    return Word(word.name, list(dict.fromkeys(says)), word.kind)


def load_words(path: Path | None = None) -> list[Word]:
    """The words in the file (none if there is no file)."""
    path = path or words_path()
    if not path.is_file():
        return []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as error:
        raise WordsError(f"{path}: not a readable TOML file ({error})") from None
    tables = data.get("word", [])
    if set(data) - {"word"} or not isinstance(tables, list):
        raise WordsError(f"{path}: holds [[word]] tables only")
    words = []
    for k, table in enumerate(tables, 1):
        if not isinstance(table, dict) or set(table) - {"name", "say", "kind"} or not \
                isinstance(table.get("name"), str) or not isinstance(table.get("say", []), list) \
                or not all(isinstance(s, str) for s in table.get("say", [])):
            raise WordsError(f"{path}: word {k} must have a name (a string) and may have say "
                             "(a list of strings) and kind")
        try:
            words.append(checked(Word(table["name"], table.get("say", []),
                                      table.get("kind", "word"))))
        except WordsError as error:
            raise WordsError(f"{path}: {error}") from None
    return words


def save_words(words: list[Word], path: Path | None = None) -> Path:
    """Write the words (sorted by name) as TOML; JSON strings are TOML basic strings."""
    path = path or words_path()
    lines = ["# dictbash: your words (dictbash words add|remove|list|import)"]
    for word in sorted(words, key=lambda w: w.name.lower()):
        lines += ["", "[[word]]", f"name = {json.dumps(word.name, ensure_ascii=False)}",
                  f"kind = {json.dumps(word.kind)}",
                  f"say = [{', '.join(json.dumps(s, ensure_ascii=False) for s in word.says)}]"]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path


class Words:
    """The words as the engine and the recogniser use them."""

    def __init__(self, words: list[Word]):
        self.words = words
        forms = {}
        for word in words:
            for form in word.says:
                forms.setdefault(tuple(form.split()), word.name)
        self._forms = sorted(forms.items(), key=lambda item: -len(item[0]))  # longest first
        self._longest = len(self._forms[0][0]) if self._forms else 0

    def respell(self, text: str) -> str:
        """``text`` with each spoken form (matched on normalised words) replaced by its name;
        a form's last word keeps its trailing punctuation. Other words stay as they were."""
        if not self._forms:
            return text
        from processor import normalize_words

        said, normal, out, k = text.split(), normalize_words(text), [], 0
        while k < len(said):
            for form, name in self._forms:
                if tuple(normal[k:k + len(form)]) == form:
                    last = said[k + len(form) - 1]
                    out.append(name + last[len(last.rstrip(".,?!;:")):])
                    k += len(form)
                    break
            else:
                out.append(said[k])
                k += 1
        return " ".join(out) if out != said else text

    def programs(self) -> frozenset[str]:
        """The names of kind program as the classifiers read words (normalised), one word
        each."""
        return frozenset(said for word in self.words if word.kind == "program"
                         if (said := spoken(word.name)) and " " not in said)

    def lexicon(self):
        """The shipped repair lexicon with these words in it; None where there are none."""
        if not self.words:
            return None
        from .repair import Lexicon, load_lexicon

        counts, starts = load_lexicon()
        for word in self.words:
            name = word.name.lower()
            for token in {name, *(w for form in word.says for w in form.split())}:
                if LEXICON_WORD.fullmatch(token):
                    counts[token] = max(counts.get(token, 0), PERSONAL_COUNT)
            if word.kind == "program" and LEXICON_WORD.fullmatch(name):
                starts[name] = max(starts.get(name, 0), PERSONAL_STARTS)
        return Lexicon(counts=counts, starts=starts)


class _Watched:
    """The words file, read again whenever it changes (one stat a call)."""

    def __init__(self, path: Path | None = None):
        self.path = (path or words_path()).absolute()
        self._stamp: tuple | None = None
        self.words = Words([])
        self.error = ""  # why the file as it is now cannot be used

    def current(self) -> tuple[Words, bool]:
        """The words now, and whether they changed since the last call. A file that cannot
        be used keeps the words read before (``error`` says why)."""
        try:
            info = self.path.stat()
            stamp = (info.st_mtime_ns, info.st_size, info.st_ino)
        except OSError:
            stamp = None
        if stamp == self._stamp:
            return self.words, False
        self._stamp = stamp
        try:
            words = Words(load_words(self.path) if stamp else [])
        except WordsError as error:
            self.error = str(error)
            return self.words, False
        self.words, self.error = words, ""
        return words, True


class PersonalEngine:
    """An engine that hears your words: spoken forms become their names before it reads an
    utterance. Everything else is the wrapped engine's."""

    def __init__(self, engine, path: Path | None = None):
        self.engine = engine
        self._words = _Watched(path)

    def convert(self, text: str, **flags):
        return self.convert_many([text], **flags)[0]

    def convert_many(self, texts: list[str], **flags):
        words, changed = self._words.current()
        if changed and hasattr(self.engine, "know_programs"):
            self.engine.know_programs(words.programs())
        results = self.engine.convert_many([words.respell(text) for text in texts], **flags)
        if self._words.error:
            for result in results:
                result.warnings.append(f"your words are not used: {self._words.error}")
        return results

    def __getattr__(self, name: str):
        return getattr(self.engine, name)


class PersonalRecognizer:
    """A recogniser that knows your words: its repair's lexicon swapped and its prompt
    steered (``Recognizer.steer``) when they change."""

    def __init__(self, recognizer, path: Path | None = None):
        self.recognizer = recognizer
        self._shipped = recognizer.lexicon
        self._words = _Watched(path)

    def transcribe(self, samples):
        words, changed = self._words.current()
        if changed:
            self.recognizer.lexicon = words.lexicon() or self._shipped
            self.recognizer.steer([form for word in words.words for form in word.says])
        return self.recognizer.transcribe(samples)

    def __getattr__(self, name: str):
        return getattr(self.recognizer, name)


# -- imports: opt-in, from this machine ----------------------------------------------------

def path_programs(path: str | None = None) -> list[str]:
    """The executables on ``$PATH`` (names a lexicon word can be: lower case letters and
    digits), sorted."""
    found = set()
    for folder in (path if path is not None else os.environ.get("PATH", "")).split(os.pathsep):
        try:
            entries = list(os.scandir(folder or "."))
        except OSError:
            continue
        for entry in entries:
            if LEXICON_WORD.fullmatch(entry.name) and os.access(entry.path, os.X_OK) \
                    and entry.is_file():
                found.add(entry.name)
    return sorted(found)


HISTORY_FILES = (".bash_history", ".zsh_history", ".local/share/fish/fish_history")


def history_programs(home: Path | None = None, min_uses: int = 2) -> list[str]:
    """The first words of the commands in the shell histories under ``home`` (bash, zsh,
    fish), used at least ``min_uses`` times, commonest first."""
    from collections import Counter

    home = home or Path.home()
    uses: Counter = Counter()
    for name in HISTORY_FILES:
        try:
            lines = (home / name).read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            continue
        for line in lines:
            if name.endswith("fish_history"):
                if not line.startswith("- cmd: "):
                    continue
                line = line[len("- cmd: "):]
            elif line.startswith(": ") and ";" in line:  # zsh's extended history
                line = line.split(";", 1)[1]
            first = line.split()[:2]
            if first and first[0] == "sudo":
                first = first[1:]
            if first and LEXICON_WORD.fullmatch(first[0]):
                uses[first[0]] += 1
    return [word for word, count in uses.most_common() if count >= min_uses]


def unknown(names: list[str], words: list[Word]) -> list[str]:
    """The names neither the shipped lexicon, dictation's own words nor your words know."""
    from .repair import load_lexicon

    from processor.vocabulary import PROTOCOL_WORDS

    counts, _ = load_lexicon()
    known = {w.name for w in words} | set(counts) | PROTOCOL_WORDS
    return [name for name in names if name not in known]


# -- dictbash words ------------------------------------------------------------------------

def command(args) -> int:
    """``dictbash words add|list|remove|import``: 0 done, 1 nothing to do, 2 an error."""
    import sys

    try:
        words = load_words()
        if args.words_command == "list":
            for word in sorted(words, key=lambda w: w.name.lower()):
                said = f"  said: {', '.join(word.says)}" if word.says else ""
                print(f"{word.name}  ({word.kind}){said}")
            if not words:
                print(f"no words yet ({words_path()}): dictbash words add NAME --say \"...\"",
                      file=sys.stderr)
            return 0 if words else 1
        if args.words_command == "add":
            old = next((w for w in words if w.name == args.name), None)
            says = (old.says if old else []) + (args.say or [])  # more ways to say it
            new = checked(Word(args.name, says, args.kind or (old.kind if old else "word")))
            taken = {form: w.name for w in words if w is not old for form in w.says}
            clash = next((form for form in new.says if form in taken), None)
            if clash:
                raise WordsError(f"{clash!r} already means {taken[clash]}: dictbash words "
                                 f"remove {taken[clash]} first")
            save_words([w for w in words if w is not old] + [new])
            print(f"{new.name}  ({new.kind})" + (f"  said: {', '.join(new.says)}"
                                                   if new.says else ""))
            return 0
        if args.words_command == "remove":
            kept = [w for w in words if w.name != args.name]
            if len(kept) == len(words):
                print(f"dictbash words: no word {args.name!r} ({words_path()})", file=sys.stderr)
                return 1
            save_words(kept)
            print(f"removed {args.name}")
            return 0
        found = path_programs() if args.source == "path" else history_programs()
        new = unknown(found, words)
        if not args.dry_run and new:
            save_words(words + [Word(name, [], "program") for name in new])
        print(f"{'would add' if args.dry_run else 'added'} {len(new)} program names the "
              f"lexicon did not know, of {len(found)} found: {' '.join(new[:20])}"
              + (" ..." if len(new) > 20 else ""))
        return 0 if new else 1
    except WordsError as error:
        print(f"dictbash words: {error}", file=sys.stderr)
        return 2


def add_parser(sub) -> None:
    """``dictbash words``'s parser."""
    import argparse

    words = sub.add_parser(
        "words", help="your words: programs, hosts and names, and how you say them",
        description="Teach dictbash your own programs, hosts, project and branch names, and "
                    "how you say them. They are kept in words.toml beside the config file "
                    "($DICTBASH_WORDS to choose another) and used by convert, transcribe, "
                    "listen, serve and the key binding (not by eval).",
        epilog='examples:\n  dictbash words add kubectl --say "kube control" --say "cube cuttle" '
               "--kind program\n  dictbash words add build-01.lan --say \"build box\" --kind host\n"
               "  dictbash words list\n  dictbash words remove build-01.lan\n"
               "  dictbash words import history --dry-run",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    actions = words.add_subparsers(dest="words_command", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="add a word, or more ways to say one")
    add.add_argument("name", help="the word as typed: kubectl, build-01.lan, feature/login")
    add.add_argument("--say", action="append", metavar="WORDS",
                     help="how you say it (repeat for more); without, it is dictated as typed")
    add.add_argument("--kind", choices=KINDS,
                     help="program (a command's first word), host, project, branch or word "
                          "(default word, or the kind it has)")
    actions.add_parser("list", help="list your words")
    remove = actions.add_parser("remove", help="forget a word")
    remove.add_argument("name")
    source = actions.add_parser("import", help="add program names this machine uses")
    source.add_argument("source", choices=("path", "history"),
                        help="path: the executables on $PATH; history: the first words of your "
                             "bash, zsh and fish histories used twice or more")
    source.add_argument("--dry-run", action="store_true", help="say what would be added")
    words.set_defaults(func=command)
