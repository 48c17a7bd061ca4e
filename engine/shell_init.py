"""``dictbash init bash|zsh|fish``: a key that puts a dictated command on the shell's own line.

``init`` prints a snippet for the shell's rc file (``eval "$(dictbash init bash)"``, as fzf's
and zoxide's are used) that binds a key (Alt-v unless ``--key``) to a widget. The widget runs
``dictbash dictate``, which asks this user's server (``dictbash serve``, started if need be)
to record one utterance, shows one status line while listening and thinking, and prints the
command; the widget inserts it at the cursor (``READLINE_LINE``/``READLINE_POINT`` in bash,
``LBUFFER`` in zsh, ``commandline -i`` in fish). Nothing is ever run: Enter is the user's own.

While recording, the key again (or Enter) stops; in hands-free mode (``mode = "vad"``) a
pause stops it too; Ctrl-C or Esc leaves the line as it was. A destructive command
(``engine.safety``) is inserted with a warning printed above the prompt; silence, noise or
prose insert nothing. Without a microphone (or a recogniser, or with ``--typed``) the
dictation is typed on one line instead and converted the same way.

The engine's other readings (``Result.alternatives``) are listed above the prompt, and a
second key (Alt-Shift-v, that is alt-V, for alt-v; ``--next-key``) swaps the next one in for
what was inserted, round to the first again. ``dictate --next-key`` prints them after the
command, each after a ``CHOICE`` byte, for the widget to keep in shell variables; the second
key changes the line only while the text inserted is still there as inserted.
"""

from __future__ import annotations

import codecs
import os
import re
import select
import shlex
import shutil
import sys
import termios
from dataclasses import dataclass

SHELLS = ("bash", "zsh", "fish")
DEFAULT_KEY = "alt-v"
DEFAULT_NEXT_KEY = "alt-V"
CHOICE = "\x1e"
"""Before each alternative in ``dictate --next-key``'s output: a byte no command holds (the
processor types printable ASCII and newlines)."""
CANCEL_CHARS = "\x03\x07"  # Ctrl-C, Ctrl-G (and Esc alone)
KEY_SEQUENCE = re.compile(r"\x1b(\[[0-9;?]*[ -/]*[@-~]|O.|.)?", re.S)
"""What a terminal sends for arrows, function keys and Alt chords: not text."""
ESCAPE_WAIT_S = 0.05  # an Esc followed this soon by more bytes is a key's sequence, not Esc
RESERVED = {"c": "Ctrl-C cancels", "h": "it is Backspace", "i": "it is Tab",
            "j": "it is Enter", "m": "it is Enter"}


@dataclass(frozen=True)
class Key:
    """A key as each shell binds it, and the bytes a terminal sends for it."""

    name: str
    bash: str
    zsh: str
    fish: str
    sequence: bytes


def parse_key(text: str) -> Key:
    """``alt-<letter or digit>`` or ``ctrl-<letter>``; ValueError saying what is accepted."""
    found = re.fullmatch(r"(alt|ctrl)-([A-Za-z0-9])", text.strip())
    if not found:
        raise ValueError(f"--key {text!r}: give alt-<letter or digit> or ctrl-<letter>, "
                         "such as alt-v or ctrl-g")
    modifier, char = found.groups()
    if modifier == "alt":
        return Key(text, f"\\e{char}", f"^[{char}", f"\\e{char}", b"\x1b" + char.encode())
    char = char.lower()
    if not char.isalpha() or char in RESERVED:
        why = RESERVED.get(char, "a terminal has no such control key")
        raise ValueError(f"--key {text!r}: cannot be bound ({why}); try alt-v or ctrl-g")
    return Key(text, f"\\C-{char}", f"^{char.upper()}", f"\\c{char}",
               bytes([ord(char) & 0x1F]))


def program() -> str:
    """How the snippet runs dictbash: this very program where it is the ``dictbash`` script
    (so one in a virtual environment off ``PATH`` works), else this Python with ``-m``."""
    found = shutil.which(sys.argv[0]) if os.sep not in sys.argv[0] else sys.argv[0]
    if found and os.path.basename(found) == "dictbash" and os.access(found, os.X_OK):
        return shlex.quote(os.path.abspath(found))
    return shlex.join([sys.executable, "-m", "engine.cli"])


SNIPPETS = {
    "bash": """\
# dictbash: {name} dictates a command onto the prompt line; it is never run.
# In ~/.bashrc: eval "$({how})"
if [[ $- == *i* ]]; then
  if ((BASH_VERSINFO[0] < 4)); then
    echo "dictbash init bash: the key binding needs bash 4 or newer, not $BASH_VERSION" >&2
  else
    __dictbash_dictate() {{
      local out cmd
      out=$({run}) || return 0
      __dictbash_choices=()
      while [[ $out == *$'\x1e'* ]]; do
        __dictbash_choices+=("${{out%%$'\x1e'*}}")
        out=${{out#*$'\x1e'}}
      done
      __dictbash_choices+=("$out")
      __dictbash_at=$READLINE_POINT __dictbash_shown=0
      cmd=${{__dictbash_choices[0]}}
      READLINE_LINE="${{READLINE_LINE:0:READLINE_POINT}}${{cmd}}${{READLINE_LINE:READLINE_POINT}}"
      READLINE_POINT=$((READLINE_POINT + ${{#cmd}}))
    }}
    __dictbash_next() {{  # the next alternative for what was inserted, if it is still there
      local n=${{#__dictbash_choices[@]}} old new
      ((n > 1)) || return 0
      old=${{__dictbash_choices[__dictbash_shown]}}
      [[ ${{READLINE_LINE:__dictbash_at:${{#old}}}} == "$old" ]] || return 0
      __dictbash_shown=$(((__dictbash_shown + 1) % n))
      new=${{__dictbash_choices[__dictbash_shown]}}
      READLINE_LINE="${{READLINE_LINE:0:__dictbash_at}}${{new}}${{READLINE_LINE:__dictbash_at+${{#old}}}}"
      READLINE_POINT=$((__dictbash_at + ${{#new}}))
    }}
    bind -m emacs-standard -x '"{bash}": __dictbash_dictate'
    bind -m vi-insert -x '"{bash}": __dictbash_dictate'
    bind -m vi-command -x '"{bash}": __dictbash_dictate'
    bind -m emacs-standard -x '"{bash_next}": __dictbash_next'
    bind -m vi-insert -x '"{bash_next}": __dictbash_next'
    bind -m vi-command -x '"{bash_next}": __dictbash_next'
  fi
fi
""",
    "zsh": """\
# dictbash: {name} dictates a command onto the prompt line; it is never run.
# In ~/.zshrc: eval "$({how})"
if [[ -o interactive ]]; then
  __dictbash_dictate() {{
    local out sep=$'\x1e'
    if out="$({run})"; then
      __dictbash_choices=("${{(@ps:$sep:)out}}")
      __dictbash_at=$CURSOR __dictbash_shown=1
      LBUFFER+="$__dictbash_choices[1]"
    fi
    zle reset-prompt
  }}
  __dictbash_next() {{  # the next alternative for what was inserted, if it is still there
    (( $#__dictbash_choices > 1 )) || return 0
    local old=$__dictbash_choices[__dictbash_shown] new
    [[ ${{BUFFER:$__dictbash_at:$#old}} == "$old" ]] || return 0
    __dictbash_shown=$(( __dictbash_shown % $#__dictbash_choices + 1 ))
    new=$__dictbash_choices[__dictbash_shown]
    BUFFER="${{BUFFER:0:$__dictbash_at}}$new${{BUFFER:$(( __dictbash_at + $#old ))}}"
    CURSOR=$(( __dictbash_at + $#new ))
  }}
  zle -N __dictbash_dictate
  zle -N __dictbash_next
  bindkey -M emacs '{zsh}' __dictbash_dictate
  bindkey -M viins '{zsh}' __dictbash_dictate
  bindkey -M vicmd '{zsh}' __dictbash_dictate
  bindkey -M emacs '{zsh_next}' __dictbash_next
  bindkey -M viins '{zsh_next}' __dictbash_next
  bindkey -M vicmd '{zsh_next}' __dictbash_next
fi
""",
    "fish": """\
# dictbash: {name} dictates a command onto the prompt line; it is never run.
# In ~/.config/fish/config.fish: {how} | source
if status is-interactive
    function __dictbash_dictate
        set -l out ({run} | string collect)
        and begin
            set -g __dictbash_choices (string split \x1e -- $out)
            set -g __dictbash_at (commandline -C)
            set -g __dictbash_shown 1
            commandline -i -- $__dictbash_choices[1]
        end
        commandline -f repaint
    end
    function __dictbash_next  # the next alternative for what was inserted, if still there
        test (count $__dictbash_choices) -gt 1; or return 0
        set -l old $__dictbash_choices[$__dictbash_shown]
        set -l line (commandline | string collect)
        set -l after (math $__dictbash_at + (string length -- $old) + 1)
        test "x$(string sub -s (math $__dictbash_at + 1) -l (string length -- $old) -- $line)" = "x$old"
        or return 0
        set -g __dictbash_shown (math $__dictbash_shown % (count $__dictbash_choices) + 1)
        set -l new $__dictbash_choices[$__dictbash_shown]
        commandline -r -- "$(string sub -l $__dictbash_at -- $line)$new$(string sub -s $after -- $line)"
        commandline -C (math $__dictbash_at + (string length -- $new))
    end
    bind {fish} __dictbash_dictate
    bind -M insert {fish} __dictbash_dictate
    bind {fish_next} __dictbash_next
    bind -M insert {fish_next} __dictbash_next
end
""",
}


def next_key(key: str) -> str:
    """The default key for the next alternative: the dictation key's letter with its case
    swapped (alt-V for alt-v: Alt-Shift-v), else ``DEFAULT_NEXT_KEY``."""
    found = re.fullmatch(r"alt-([A-Za-z])", key.strip())
    return f"alt-{found[1].swapcase()}" if found else DEFAULT_NEXT_KEY


def snippet(shell: str, key: str = DEFAULT_KEY, typed: bool = False,
            next_: str | None = None) -> str:
    """The rc-file snippet for ``shell``; ValueError for a key that cannot be bound, or the
    same key for both."""
    spec = parse_key(key)
    try:
        following = parse_key(next_ or next_key(key))
    except ValueError as error:
        raise ValueError(str(error).replace("--key", "--next-key", 1)) from None
    if following.sequence == spec.sequence:
        raise ValueError(f"--next-key {following.name!r}: the dictation key already")
    run = (f"{program()} dictate --key {spec.name} --next-key {following.name}"
           f"{' --typed' if typed else ''} </dev/tty")
    how = (f"dictbash init {shell}{'' if key == DEFAULT_KEY else f' --key {key}'}"
           f"{f' --next-key {next_}' if next_ else ''}{' --typed' if typed else ''}")
    return SNIPPETS[shell].format(run=run, how=how, name=spec.name, bash=spec.bash,
                                  zsh=spec.zsh, fish=spec.fish, bash_next=following.bash,
                                  zsh_next=following.zsh, fish_next=following.fish)


class Terminal:
    """The controlling terminal, in raw mode while the widget runs: one status line drawn
    over the prompt line (the shell redraws its prompt after), lines said above it, keys
    read one press at a time."""

    def __init__(self):
        self.fd = os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY)
        self._saved = termios.tcgetattr(self.fd)
        self._color = "NO_COLOR" not in os.environ

    def raw(self) -> None:
        mode = termios.tcgetattr(self.fd)
        mode[0] &= ~(termios.IXON | termios.ICRNL | termios.INLCR)
        mode[3] &= ~(termios.ICANON | termios.ECHO | termios.ISIG | termios.IEXTEN)
        mode[6][termios.VMIN], mode[6][termios.VTIME] = 1, 0
        termios.tcsetattr(self.fd, termios.TCSANOW, mode)

    def restore(self) -> None:
        termios.tcsetattr(self.fd, termios.TCSADRAIN, self._saved)
        os.close(self.fd)

    def _width(self) -> int:
        try:
            return max(10, os.get_terminal_size(self.fd).columns - 1)
        except OSError:
            return 79

    def show(self, text: str) -> None:
        """The status line: replaces whatever the line showed, never wraps."""
        width = self._width()
        if len(text) > width:
            text = text[:width - 1] + "…"
        os.write(self.fd, ("\r\x1b[K" + text).encode())

    def clear(self) -> None:
        os.write(self.fd, b"\r\x1b[K")

    def say(self, text: str, red: bool = False) -> None:
        """A line that stays above the prompt."""
        if red and self._color:
            text = f"\x1b[1;31m{text}\x1b[0m"
        os.write(self.fd, ("\r\x1b[K" + text + "\r\n").encode())

    def key(self) -> bytes:
        """The keys pressed since the last read, as bytes; one that ends in Esc is waited on
        a moment, so an Esc is told from a key's sequence (Alt-v is Esc v)."""
        data = os.read(self.fd, 64)
        if data.endswith(b"\x1b") and select.select([self.fd], [], [], ESCAPE_WAIT_S)[0]:
            data += os.read(self.fd, 64)
        return data

    def line(self, prompt: str) -> str | None:
        """One typed line, edited with Backspace and Ctrl-U; None for Ctrl-C or Esc."""
        decoder = codecs.getincrementaldecoder("utf-8")(errors="ignore")
        text = ""
        while True:
            self.show(prompt + text[-max(1, self._width() - len(prompt)):])
            data = self.key()
            if data.endswith(b"\x1b"):  # Esc
                return None
            for char in KEY_SEQUENCE.sub("", decoder.decode(data)):
                if char in CANCEL_CHARS:
                    return None
                if char in "\r\n":
                    return text
                if char in "\x7f\x08":
                    text = text[:-1]
                elif char == "\x15":
                    text = ""
                elif char >= " ":
                    text += char


def dictate(settings, key: str = DEFAULT_KEY, typed: bool = False,
            next_: str | None = None) -> int:
    """``dictbash dictate``: one dictation through the server, the command on stdout (with
    ``next_``, the key that swaps in the next alternative: the alternatives too, each after
    ``CHOICE``). Exit 0 a command printed, 1 nothing to type, 2 an error (said above the
    prompt), 130 cancelled."""
    from .server import ServerError

    spec = parse_key(key)
    following = parse_key(next_).name if next_ else None
    try:
        term = Terminal()
    except OSError:
        print("dictbash dictate: needs a terminal (it is what the key binding of dictbash "
              "init runs)", file=sys.stderr)
        return 2
    conn = None
    try:
        term.raw()
        from .client import connect

        conn = connect(start=True, notify=term.show)
        if typed:
            return _typed(term, settings, "dictate", following)
        return _spoken(term, conn, settings, spec, following)
    except ServerError as error:
        term.say(f"dictbash: {error}")
        return 2
    except OSError as error:  # the server went away mid-request
        term.say(f"dictbash: the server stopped answering ({error.strerror or error})")
        return 2
    except KeyboardInterrupt:
        return 130
    finally:
        if conn is not None:
            conn.close()
        term.clear()
        term.restore()


def _spoken(term: Terminal, conn, settings, key: Key, following: str | None) -> int:
    from .server import served_settings

    pause = settings.mode == "vad"
    hint = (f"a pause, {key.name} or Enter stops" if pause else f"{key.name} or Enter stops")
    hint += ", Esc cancels"
    conn.send({"op": "record", "id": "record", "until": "pause" if pause else "stop",
               "settings": served_settings(settings)})
    term.show("opening the microphone…")
    stopped = False
    while True:
        if not conn.buffered():
            ready, _, _ = select.select([term.fd, conn.sock], [], [])
            if term.fd in ready:
                asked = _asked(term.key(), key)
                if asked == "cancel":
                    return 130  # closing the connection drops the recording
                if asked == "stop" and not stopped:
                    conn.send({"op": "stop"})
                    stopped = True
                    term.show("thinking…")
                continue
        reply = conn.receive()
        if reply.get("id") != "record":
            continue  # the stop's own answer
        event = reply.get("event")
        if event == "level" and not stopped:
            term.show(f"listening {reply['meter']}  {hint}")
        elif event == "listening":
            term.show(f"listening  {hint}")
        elif event == "thinking":
            term.show("loading the engine (once)…" if reply.get("loading") else "thinking…")
        elif event is None:
            break
    if not reply["ok"]:
        if reply["code"] in ("no_microphone", "no_recogniser"):
            return _typed(term, settings, "no microphone: dictate"
                          if reply["code"] == "no_microphone" else "no recogniser: dictate",
                          following)
        term.say(f"dictbash: {reply['error']}")
        return 2
    if not reply["heard"]:
        term.say("dictbash: heard nothing (silence or noise): nothing typed")
        return 1
    return _insert(term, reply["heard"], reply["result"], following)


def _asked(pressed: bytes, key: Key) -> str | None:
    """What the keys pressed while recording ask for: "stop" (the key again, or Enter),
    "cancel" (Esc alone, Ctrl-C, Ctrl-G) or nothing."""
    if key.sequence in pressed:
        return "stop"
    if pressed.endswith(b"\x1b") or any(char in pressed for char in CANCEL_CHARS.encode()):
        return "cancel"
    return "stop" if b"\r" in pressed or b"\n" in pressed else None


def _typed(term: Terminal, settings, prompt: str, following: str | None = None) -> int:
    """The dictation typed on one line, converted as typed text (its case is meaning), on a
    connection of its own: the server closes one that waits long with nothing asked."""
    from .client import connect
    from .server import served_settings

    text = term.line(f"{prompt} (Enter converts, Esc cancels)> ")
    if text is None:
        return 130
    if not text.strip():
        return 1
    term.show("thinking…")
    conn = connect(start=True, notify=term.show)
    try:
        reply = conn.call({"op": "convert", "texts": [text],
                           "settings": served_settings(settings)})
    finally:
        conn.close()
    if not reply["ok"]:
        term.say(f"dictbash: {reply['error']}")
        return 2
    return _insert(term, text, reply["results"][0], following)


def _insert(term: Terminal, heard: str, result: dict, following: str | None = None) -> int:
    """Print the command for the widget to insert, with its warnings above the prompt; with
    ``following`` (the key that swaps in the next), its alternatives too, listed above."""
    from .safety import dangers

    for warning in result["warnings"]:
        term.say(f"dictbash: {warning}")
    output = result["output"]
    if result["route"] == "unchanged" or not output:
        term.say(f"dictbash: heard {heard!r}: no command in it, nothing typed")
        return 1
    for danger in dangers(output):
        term.say(f"dictbash: DESTRUCTIVE: {danger}", red=True)
    others = [a["output"] for a in result.get("alternatives", [])] if following else []
    if others:
        term.say(f"dictbash: {following} for another reading: " + "   ".join(
            f"{k}) {a['output']} ({a['score']:.0%})"
            for k, a in enumerate(result["alternatives"], 1)))
        for other in others:
            for danger in dangers(other):
                term.say(f"dictbash: DESTRUCTIVE if chosen ({other}): {danger}", red=True)
    print(output + "".join(CHOICE + other for other in others))
    return 0
