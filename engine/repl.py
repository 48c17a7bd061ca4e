"""``dictbash listen``: the live voice REPL, on prompt-toolkit.

One loop: speak (push-to-talk key, held or toggled, or hands-free voice activity) or type a
dictation and press Enter; the command lands in an editable buffer with history, and the
toolbar shows the transcript, the route, the confidence and a live level meter. Enter accepts
it (printed, and copied where a clipboard tool exists); running it takes a second, explicit
confirmation, and a destructive command is flagged in red first. Saying "scratch that" or
"undo" drops the command waiting in the buffer, or else the last one accepted. The engine's
other readings (``Result.alternatives``) are listed under it, numbered: Alt-1..Alt-3, or
saying or typing "use two", puts one in the buffer (and the command it replaces in its place).

Whatever is missing (microphone, PortAudio, the recogniser) is said in one line and the REPL
goes on with what works: typed dictation through the same engine.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from prompt_toolkit import PromptSession, print_formatted_text
from prompt_toolkit.application import get_app, run_in_terminal
from prompt_toolkit.formatted_text import HTML
from prompt_toolkit.history import FileHistory, History, InMemoryHistory
from prompt_toolkit.key_binding import KeyBindings

from processor import normalize

from .audio import AudioError, Endpointer, Microphone, level_dbfs
from .engine import convert_heard
from .safety import dangers

UNDO_PHRASES = {"scratch that", "undo", "undo that", "scratch"}
USE_PHRASE = re.compile(r"(?:use|take|pick)(?: number| option| alternative)? "
                        r"(one|two|three|first|second|third|1|2|3)")
NUMBERS = {"one": 1, "two": 2, "three": 3, "first": 1, "second": 2, "third": 3}
HOLD_RELEASE_S = 0.6  # a held key repeats every ~30-50 ms after a ~500 ms delay; silence = released
METER_WIDTH = 20


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def meter(db: float, width: int = METER_WIDTH) -> str:
    """A level bar from -60 dBFS (empty) to 0 dBFS (full)."""
    filled = max(0, min(width, round((db + 60) / 60 * width)))
    return "█" * filled + "·" * (width - filled)


def default_history() -> FileHistory:
    """The REPL's history file, in the user data directory, kept between sessions."""
    import platformdirs

    folder = Path(platformdirs.user_data_dir("dictbash"))
    folder.mkdir(parents=True, exist_ok=True)
    return FileHistory(str(folder / "history"))


def copy_to_clipboard(text: str) -> str | None:
    """Copy with the platform's clipboard tool; the tool's name, or None where there is none."""
    tools = [("pbcopy", ["pbcopy"])] if sys.platform == "darwin" else []
    if os.environ.get("WAYLAND_DISPLAY"):
        tools.append(("wl-copy", ["wl-copy"]))
    if os.environ.get("DISPLAY"):
        tools += [("xclip", ["xclip", "-selection", "clipboard"]),
                  ("xsel", ["xsel", "--clipboard", "--input"])]
    for name, argv in tools:
        if shutil.which(argv[0]):
            try:
                subprocess.run(argv, input=text.encode(), check=True, timeout=2)
                return name
            except (OSError, subprocess.SubprocessError):
                continue
    return None


def use_choice(text: str) -> int | None:
    """The alternative a dictation picks (``use two``, ``use 2``, ``pick the third``): 1 to
    3, or None where it picks none."""
    words = " ".join(w for w in normalize(text).split() if w != "the")
    found = USE_PHRASE.fullmatch(words)
    return None if found is None else NUMBERS.get(found[1]) or int(found[1])


@dataclass
class Pending:
    """A converted utterance waiting in the buffer for the user."""

    heard: str
    result: object          # engine.Result; its output is what the buffer was given
    dangers: list[str] = field(default_factory=list)
    choices: list[tuple[str, str]] = field(default_factory=list)
    """The other readings, numbered from 1: (output, how sure: a share, or "best")."""
    sure: str = "best"      # how sure the reading in ``result.output`` is

    def __post_init__(self):
        if not self.choices:
            self.choices = [(a.output, f"{a.score:.0%}") for a in self.result.alternatives]

    def swap(self, number: int) -> bool:
        """Put reading ``number`` (1-based) in ``result.output`` and the one it replaces in
        its place, so the same number again swaps back; False where there is none."""
        if not 1 <= number <= len(self.choices):
            return False
        (self.result.output, self.sure), self.choices[number - 1] = (
            self.choices[number - 1], (self.result.output, self.sure))
        self.dangers = dangers(self.result.output)
        return True

    def lines(self) -> list[str]:
        """The other readings as listed under the command."""
        return [f"{k}) {output}   ({sure})   Alt-{k} or \"use {list(NUMBERS)[k - 1]}\""
                for k, (output, sure) in enumerate(self.choices, 1)]


class VoiceRepl:
    """The REPL's state and key handling; ``run`` loops until Ctrl-D.

    ``engine`` converts text; ``recognizer`` (or None: typing only) transcribes samples;
    ``microphone`` (or None) captures them. Tests pass prompt-toolkit's pipe input and
    ``DummyOutput`` and a fake microphone; ``runner`` runs a confirmed command.
    """

    def __init__(self, engine, recognizer=None, microphone=None, *, mode: str = "toggle",
                 key: str = "c-space", history: History | None = None, input=None, output=None,
                 runner=None, voice_note: str = ""):
        self.engine, self.recognizer, self.microphone = engine, recognizer, microphone
        self.mode, self.key = mode, key
        self.voice_note = voice_note
        self.runner = runner or (lambda command: subprocess.run(
            command, shell=True, executable=os.environ.get("SHELL") or "/bin/sh").returncode)
        self.state = "ready"
        self.pending: Pending | None = None
        self.accepted: list[str] = []
        self.lines: list[str] = []  # every line said above the prompt, for tests and logs
        self._unsaid: list[tuple[str, str]] = []
        self._recording = False
        self._last_key = 0.0
        self._endpointer = Endpointer()
        self.session = PromptSession(
            history=history or InMemoryHistory(), key_bindings=self._bindings(),
            bottom_toolbar=self._toolbar, refresh_interval=0.1, input=input, output=output,
            enable_history_search=True)

    # -- what the user sees ------------------------------------------------------------

    @property
    def voice(self) -> bool:
        return self.recognizer is not None and self.microphone is not None

    def _message(self):
        return HTML("<b>$ </b>") if self.pending else HTML("<b>say&gt; </b>")

    def _toolbar(self):
        if self.state == "listening":
            level = self.microphone.level if self.microphone else -120.0
            stop = "release the key" if self.mode == "hold" else f"{self.key} again to stop"
            return HTML(f"<b>listening</b> {meter(level)} {level:5.0f} dB   ({stop})")
        if self.state in {"transcribing", "thinking"}:
            return HTML(f"<b>{self.state}…</b>")
        if self.pending:
            result = self.pending.result
            line = (f"heard: {_escape(self.pending.heard)}   route {result.route}, "
                    f"confidence {result.confidence:.2f}   Enter accepts, edit freely, "
                    "Ctrl-C or \"scratch that\" drops")
            if self.pending.dangers:  # first, where a narrow terminal still shows it
                line = (f'<style bg="ansired" fg="ansiwhite"> DESTRUCTIVE: '
                        f'{_escape("; ".join(self.pending.dangers))} </style>   {line}')
            return HTML("\n".join([line, *map(_escape, self.pending.lines())]))
        if not self.voice:
            return HTML(f"type a dictation and press Enter   {_escape(self.voice_note)}")
        if self.mode == "vad":
            level = self.microphone.level
            return HTML(f"hands-free: just speak {meter(level)} {level:5.0f} dB   "
                        "or type a dictation and press Enter")
        how = "hold" if self.mode == "hold" else "press"
        return HTML(f"{how} {self.key} to talk, or type a dictation and press Enter; Ctrl-D quits")

    def say(self, text: str, style: str = "") -> None:
        """Queue one line for above the prompt (any thread); ``_flush`` prints the queue."""
        self._unsaid.append((text, style))

    def _flush(self) -> None:
        """Print the queued lines; called where no prompt is drawing, or via run_in_terminal."""
        lines, self._unsaid = self._unsaid, []
        for text, style in lines:
            self.lines.append(text)
            markup = f'<style fg="{style}">{_escape(text)}</style>' if style else _escape(text)
            print_formatted_text(HTML(markup), output=self.session.output)

    # -- keys --------------------------------------------------------------------------

    def _bindings(self) -> KeyBindings:
        bindings = KeyBindings()

        @bindings.add(self.key)
        def _push_to_talk(event) -> None:
            if not self.voice or self.mode == "vad":
                return
            self._last_key = time.monotonic()
            if not self._recording:
                self._start_recording()
                if self.mode == "hold":
                    event.app.create_background_task(self._watch_release())
            elif self.mode == "toggle":
                self._stop_recording(event.app)

        for number in range(1, 4):
            @bindings.add("escape", str(number))
            def _use(event, number=number) -> None:
                if self.pending and self.pending.swap(number):
                    event.app.current_buffer.text = self.pending.result.output
                    event.app.current_buffer.cursor_position = len(self.pending.result.output)

        return bindings

    def _start_recording(self) -> None:
        try:
            self.microphone.start()
        except AudioError as error:
            self.say(f"dictbash: {error}", "ansired")
            return
        self._recording = True
        self.state = "listening"

    def _stop_recording(self, app) -> None:
        self._recording = False
        samples = self.microphone.stop()
        app.create_background_task(self._heard(samples))

    async def _watch_release(self) -> None:
        """Hold mode: the key is released when its auto-repeat stops arriving."""
        while self._recording:
            await asyncio.sleep(0.05)
            if time.monotonic() - self._last_key > HOLD_RELEASE_S:
                self._stop_recording(get_app())

    async def _hands_free(self) -> None:
        """Voice-activity mode: the microphone stays open; each utterance is handled as it ends."""
        while True:
            await asyncio.sleep(Microphone.BLOCK_S)
            utterance = self._endpointer.feed(self.microphone.take())
            if self._endpointer.hearing and self.state == "ready":
                self.state = "listening"
            if utterance is not None:
                await self._heard(utterance)

    # -- from audio to a pending command -------------------------------------------------

    async def _heard(self, samples) -> None:
        app = get_app()
        loop = asyncio.get_running_loop()
        self.state = "transcribing"
        app.invalidate()
        transcript = None
        if level_dbfs(samples) >= -65:
            transcript = await loop.run_in_executor(None, self.recognizer.transcribe, samples)
        if transcript and transcript.text.strip():
            self.state = "thinking"
            app.invalidate()
            await loop.run_in_executor(None, self._handle_dictation, transcript.text, transcript)
            app.current_buffer.text = self.pending.result.output if self.pending else ""
            app.current_buffer.cursor_position = len(app.current_buffer.text)
        else:
            self.say("heard nothing (silence or noise): nothing typed")
        self.state = "ready"
        await run_in_terminal(self._flush)

    def _handle_dictation(self, heard: str, transcript=None) -> None:
        """Convert one dictation (``transcript``: what the recogniser heard, ``heard`` its
        text; else typed) into the pending command, or undo."""
        if " ".join(normalize(heard).split()) in UNDO_PHRASES:
            self._undo()
            return
        number = use_choice(heard)
        if number is not None:
            if not self.pending or not self.pending.swap(number):
                self.say(f"no alternative {number} to use: nothing changed")
            return
        result = (convert_heard(self.engine, transcript) if transcript
                  else self.engine.convert(heard))
        for warning in result.warnings:
            self.say(f"dictbash: {warning}", "ansiyellow")
        if result.route == "unchanged" or not result.output:
            self.pending = None
            self.say(f"heard: {heard!r}: no command in it, nothing typed")
            return
        self.pending = Pending(heard, result, dangers(result.output))

    def _undo(self) -> None:
        if self.pending:
            self.say(f"dropped: {self.pending.result.output}")
            self.pending = None
        elif self.accepted:
            self.say(f"dropped the last accepted command: {self.accepted.pop()}")
        else:
            self.say("nothing to undo")

    # -- accepting ---------------------------------------------------------------------

    def _accept(self, command: str) -> None:
        """Enter on a command: print it (and copy it), then ask before running anything."""
        self.pending = None
        self.accepted.append(command)
        where = copy_to_clipboard(command)
        self.say(command + (f"   (copied with {where})" if where else ""))
        found = dangers(command)
        if found:
            for danger in found:
                self.say(f"DESTRUCTIVE: {danger}", "ansired")
            question, yes = "type yes to run this destructive command, Enter to leave it: ", {"yes"}
        else:
            question, yes = "run it? [y/N] ", {"y", "yes"}
        self._flush()
        try:
            answer = self.session.prompt(question, default="")
        except (KeyboardInterrupt, EOFError):
            answer = ""
        if answer.strip().lower() in yes:
            status = self.runner(command)
            self.say(f"exit status {status}", "ansigreen" if status == 0 else "ansired")
        else:
            self.say("not run")
        self._flush()

    def run(self) -> int:
        """Loop until Ctrl-D; the commands accepted are kept in ``accepted``."""
        if self.voice_note:
            self.say(self.voice_note, "ansiyellow")
        while True:
            self._flush()
            default = self.pending.result.output if self.pending else ""
            try:
                text = self.session.prompt(self._message, default=default,
                                           pre_run=self._pre_run)
            except KeyboardInterrupt:
                if self.pending:
                    self.say(f"dropped: {self.pending.result.output}")
                self.pending = None
                continue
            except EOFError:
                break
            finally:
                self._stop_all()
            if self.pending and text.strip() and use_choice(text) is None:
                self._accept(text.strip())
            elif text.strip():
                self._handle_dictation(text)
            else:
                self.pending = None
        if self.voice and self.mode == "vad":
            self.microphone.stop()
        return 0

    def _pre_run(self) -> None:
        if self.voice and self.mode == "vad":
            if not self._recording:
                self._start_recording()
                self.state = "ready"
            get_app().create_background_task(self._hands_free())

    def _stop_all(self) -> None:
        """Leaving a prompt: a push-to-talk recording in flight is dropped, not transcribed."""
        if self._recording and self.mode != "vad":
            self._recording = False
            self.microphone.stop()
        if self.mode != "vad":
            self.state = "ready"
