"""Which typed commands would destroy something if run: the REPL flags them before running.

The check reads the command as the shell would split it (``shlex``, pipelines and ``;`` /
``&&`` lists taken apart) and names each danger in words. It is a warning for a person
about to confirm, not a sandbox: it errs toward flagging.
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path

_SEPARATORS = {"|", "||", "&&", ";", "&", "|&"}
_OVERWRITES = {">", ">|", "&>"}  # redirections that replace a file's content (not >>)
_WRAPPERS = {"sudo", "doas", "env", "nohup", "time", "nice", "ionice", "xargs", "command", "exec"}
_ALWAYS = {
    "dd": "dd writes raw blocks over its output (of=) device or file",
    "shred": "shred overwrites files beyond recovery",
    "wipefs": "wipefs erases filesystem signatures",
    "fdisk": "fdisk rewrites partition tables",
    "sfdisk": "sfdisk rewrites partition tables",
    "parted": "parted rewrites partition tables",
    "mkswap": "mkswap formats a device",
    "truncate": "truncate cuts files to a size",
    "shutdown": "shutdown stops the machine",
    "reboot": "reboot restarts the machine",
    "poweroff": "poweroff stops the machine",
    "halt": "halt stops the machine",
}


def _short_flags(words: list[str]) -> set[str]:
    """Every single-letter flag in the words: ``-rf`` gives r and f."""
    return {letter for word in words if word.startswith("-") and not word.startswith("--")
            for letter in word[1:]}


def _simple_commands(command: str) -> tuple[list[list[str]], list[str]]:
    """The command's simple commands (program first) and the files its ``>`` redirects write."""
    lexer = shlex.shlex(command, posix=True, punctuation_chars=";&|<>")
    lexer.whitespace_split = True
    tokens = list(lexer)
    commands, current, targets = [], [], []
    for k, token in enumerate(tokens):
        if token in _SEPARATORS:
            commands.append(current)
            current = []
            continue
        if token in _OVERWRITES and k + 1 < len(tokens):
            targets.append(tokens[k + 1])
        current.append(token)
    commands.append(current)
    unwrapped = (_unwrap(words) for words in commands)
    return [words for words in unwrapped if words], targets  # ``sudo`` alone: no command


def _unwrap(words: list[str]) -> list[str]:
    """The command behind ``sudo``, ``env VAR=1``, ``nohup`` and the like."""
    while words and (words[0] in _WRAPPERS or ("=" in words[0] and not words[0].startswith("-"))):
        words = words[1:]
        while words and words[0].startswith("-"):
            words = words[1:]
    return words


def _dangers_of(words: list[str]) -> list[str]:
    program, args = Path(words[0]).name, words[1:]
    flags = _short_flags(args)
    if program in _ALWAYS:
        return [_ALWAYS[program]]
    if program.startswith("mkfs"):
        return [f"{program} formats a device, erasing it"]
    if program == "rm" and ({"r", "R", "f"} & flags or {"--recursive", "--force"} & set(args)):
        return ["rm with -r or -f deletes files for good, without asking"]
    if program in {"chmod", "chown", "chgrp"}:
        found = []
        if "R" in flags or "--recursive" in args:
            found.append(f"{program} -R changes a whole tree of files")
        if program == "chmod" and any(arg.endswith("777") for arg in args):
            found.append("chmod 777 makes files writable by everyone")
        return found
    if program == "git":
        return _git_dangers(args, flags)
    if program in {"kill", "pkill", "killall"} and ("-1" in args or "9" in flags):
        return [f"{program} -9 kills without letting programs save their work"]
    if program == "find" and "-delete" in args:
        return ["find -delete deletes every file it matches"]
    return []


def _git_dangers(args: list[str], flags: set[str]) -> list[str]:
    sub = next((arg for arg in args if not arg.startswith("-")), "")
    if sub == "push" and ("f" in flags or any(a.startswith("--force") for a in args)
                          or any(a.startswith("+") for a in args)):
        return ["git push --force rewrites the remote's history"]
    if sub == "reset" and "--hard" in args:
        return ["git reset --hard throws away uncommitted changes"]
    if sub == "clean" and "f" in flags:
        return ["git clean -f deletes untracked files"]
    if sub in {"checkout", "restore"} and "." in args:
        return [f"git {sub} . throws away uncommitted changes"]
    if sub == "branch" and "D" in flags:
        return ["git branch -D deletes a branch even if unmerged"]
    return []


def dangers(command: str, cwd: str | Path | None = None) -> list[str]:
    """Why running ``command`` could destroy something, one reason a danger; [] if none seen."""
    try:
        commands, targets = _simple_commands(command)
    except ValueError:  # unbalanced quotes: the shell would not run it as typed either
        return []
    found = [danger for words in commands for danger in _dangers_of(words)]
    if ":(){" in command.replace(" ", ""):
        found.append("a fork bomb: it starts processes until the machine stops")
    where = Path(cwd) if cwd else Path(os.getcwd())
    for target in targets:
        path = Path(os.path.expanduser(target))
        if not target.startswith("/dev/") and (where / path).is_file():
            found.append(f"> overwrites the existing file {target}")
        elif target.startswith("/dev/sd") or target.startswith("/dev/nvme"):
            found.append(f"> writes over the disk {target}")
    return list(dict.fromkeys(found))
