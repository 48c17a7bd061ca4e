"""The voice REPL driven through prompt-toolkit's pipe input, as a person would use it.

The microphone and the recogniser are fakes behind the REPL's own interfaces here (the real
ones are tested in test_voice_io.py); the engine is real, processor and classifiers only.
"""

import threading
import time

import numpy as np
import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from engine import Engine
from engine.audio import SAMPLE_RATE, Microphone
from engine.recognizer import Transcript
from engine.engine import Alternative, Result
from engine.repl import HOLD_RELEASE_S, Pending, VoiceRepl, meter, use_choice

CTRL_SPACE, ENTER, CTRL_C, CTRL_D, BACKSPACE = "\x00", "\r", "\x03", "\x04", "\x7f"
CTRL_U, ALT_1, ALT_2 = "\x15", "\x1b1", "\x1b2"
SPEECH = np.full(SAMPLE_RATE, 0.1, np.float32)


class FakeMicrophone:
    """Gives back ``samples`` when stopped; ``stream`` blocks through ``take`` (hands-free)."""

    def __init__(self, samples=SPEECH, stream=()):
        self.samples, self.stream = samples, list(stream)
        self.level, self.starts, self.stops = -30.0, 0, 0

    def start(self):
        self.starts += 1

    def stop(self):
        self.stops += 1
        return self.samples

    def take(self):
        return self.stream.pop(0) if self.stream else np.zeros(0, np.float32)


class FakeRecognizer:
    """Hears the next of ``texts`` each time."""

    def __init__(self, *texts):
        self.texts = list(texts)

    def transcribe(self, samples):
        text = self.texts.pop(0)
        return Transcript(text, text, len(samples) / SAMPLE_RATE, 0.01)


class Driver:
    """Runs a VoiceRepl in a thread and types into it."""

    def __init__(self, repl_args, **kwargs):
        self.ran = []
        self._input_cm = create_pipe_input()
        self.input = self._input_cm.__enter__()
        self.repl = VoiceRepl(*repl_args, input=self.input, output=DummyOutput(),
                              runner=lambda command: self.ran.append(command) or 0, **kwargs)
        self.thread = threading.Thread(target=self.repl.run, daemon=True)
        self.thread.start()
        time.sleep(0.2)

    def type(self, text, settle=0.25):
        self.input.send_text(text)
        time.sleep(settle)

    def wait(self, condition, what, seconds=10.0):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if condition():
                return
            time.sleep(0.02)
        raise AssertionError(f"timed out waiting for {what}: state {self.repl.state}, "
                             f"lines {self.repl.lines}")

    def speak(self):
        """Toggle mode: press the key, talk, press it again; wait for the command."""
        self.type(CTRL_SPACE, 0)
        self.wait(lambda: self.repl.state == "listening", "listening")
        self.type(CTRL_SPACE, 0)
        self.wait(lambda: self.repl.state == "ready", "the utterance to be handled")
        time.sleep(0.15)

    def quit(self):
        self.type(CTRL_D, 0)
        self.thread.join(5)
        self._input_cm.__exit__(None, None, None)
        assert not self.thread.is_alive()


@pytest.fixture(scope="module")
def engine():
    return Engine(use_model=False)


def test_spoken_command_lands_in_the_buffer_and_enter_accepts_it(engine):
    driver = Driver((engine, FakeRecognizer("git space status"), FakeMicrophone()))
    driver.speak()
    assert driver.repl.pending.result.output == "git status"
    assert "heard: git space status" in driver.repl._toolbar().value
    assert "route processor, confidence 1.00" in driver.repl._toolbar().value
    driver.type(ENTER)
    driver.type("n" + ENTER)
    driver.quit()
    assert driver.repl.accepted == ["git status"]
    assert driver.ran == []  # accepting is not running
    assert driver.repl.lines[-2:] == ["git status", "not run"]


def test_running_needs_a_second_confirmation(engine):
    driver = Driver((engine, None, None))
    driver.type("ls space dash l a" + ENTER)
    assert driver.repl.pending.result.output == "ls -la"
    driver.type(ENTER)
    driver.type("y" + ENTER)
    driver.quit()
    assert driver.ran == ["ls -la"]
    assert "exit status 0" in driver.repl.lines


def test_the_command_can_be_edited_before_accepting(engine):
    driver = Driver((engine, FakeRecognizer("git space status"), FakeMicrophone()))
    driver.speak()
    driver.type(BACKSPACE * len("status") + "log" + ENTER)
    driver.type(ENTER)
    driver.quit()
    assert driver.repl.accepted == ["git log"]


def test_destructive_commands_are_flagged_and_need_yes(engine):
    driver = Driver((engine, None, None))
    driver.type("rm space dash r f space build" + ENTER)
    assert "DESTRUCTIVE" in driver.repl._toolbar().value
    driver.type(ENTER)
    driver.type("y" + ENTER)  # a plain y is not enough for a destructive command
    assert driver.ran == []
    driver.type("rm space dash r f space build" + ENTER)
    driver.type(ENTER)
    driver.type("yes" + ENTER)
    driver.quit()
    assert driver.ran == ["rm -rf build"]
    assert any(line.startswith("DESTRUCTIVE: rm") for line in driver.repl.lines)


def test_scratch_that_drops_the_pending_command_then_the_last_accepted(engine):
    recognizer = FakeRecognizer("git space status", "Scratch that.", "undo")
    driver = Driver((engine, recognizer, FakeMicrophone()))
    driver.type("ls space dash l a" + ENTER)
    driver.type(ENTER)
    driver.type(ENTER)  # accepted, not run
    driver.speak()
    assert driver.repl.pending.result.output == "git status"
    driver.speak()  # "Scratch that." drops the pending command
    assert driver.repl.pending is None
    driver.speak()  # "undo" now drops the last accepted one
    driver.quit()
    assert driver.repl.accepted == []
    assert "dropped: git status" in driver.repl.lines
    assert "dropped the last accepted command: ls -la" in driver.repl.lines


def test_ctrl_c_drops_the_pending_command(engine):
    driver = Driver((engine, None, None))
    driver.type("git space status" + ENTER)
    driver.type(CTRL_C)
    driver.quit()
    assert driver.repl.accepted == [] and "dropped: git status" in driver.repl.lines


@pytest.mark.parametrize("samples, recognizer", [
    (np.zeros(SAMPLE_RATE, np.float32), FakeRecognizer()),  # never asked: digital silence
    (SPEECH, FakeRecognizer("")),  # noise the recogniser's voice-activity filter rejects
])
def test_silence_and_noise_type_nothing(engine, samples, recognizer):
    driver = Driver((engine, recognizer, FakeMicrophone(samples)))
    driver.speak()
    driver.quit()
    assert driver.repl.pending is None and driver.repl.accepted == []
    assert "heard nothing (silence or noise): nothing typed" in driver.repl.lines


def test_prose_types_nothing(engine):
    driver = Driver((engine, FakeRecognizer("three files in the folder"), FakeMicrophone()))
    driver.speak()
    driver.quit()
    assert driver.repl.pending is None
    assert any("no command in it" in line for line in driver.repl.lines)


def test_hold_mode_stops_when_the_key_stops_repeating(engine):
    microphone = FakeMicrophone()
    driver = Driver((engine, FakeRecognizer("git space status"), microphone), mode="hold")
    for _ in range(5):  # a held key repeats
        driver.type(CTRL_SPACE, 0.05)
    assert driver.repl.state == "listening" and microphone.starts == 1
    driver.wait(lambda: driver.repl.pending is not None, "the release", HOLD_RELEASE_S + 5)
    assert microphone.stops == 1
    assert driver.repl.pending.result.output == "git status"
    driver.type(CTRL_C)  # Ctrl-D quits only on an empty line, as in a shell
    driver.quit()


def test_hands_free_mode_hears_an_utterance_between_pauses(engine):
    block = int(SAMPLE_RATE * Microphone.BLOCK_S)
    quiet, loud = np.full(block, 1e-4, np.float32), np.full(block, 0.1, np.float32)
    stream = [quiet] * 20 + [loud] * 30 + [quiet] * 40
    microphone = FakeMicrophone(stream=stream)
    driver = Driver((engine, FakeRecognizer("git space status"), microphone), mode="vad")
    driver.wait(lambda: driver.repl.pending is not None, "the utterance")
    assert driver.repl.pending.result.output == "git status"
    driver.type(CTRL_C)
    driver.quit()
    assert microphone.starts == 1 and microphone.stops == 1


def test_without_voice_it_says_why_and_typing_still_works(engine):
    driver = Driver((engine, None, None), voice_note="voice off: no microphone found")
    driver.type("git space status" + ENTER)
    driver.type(ENTER)
    driver.type(ENTER)
    driver.quit()
    assert driver.repl.lines[0] == "voice off: no microphone found"
    assert driver.repl.accepted == ["git status"]


def test_the_level_meter():
    assert meter(-120) == "·" * 20 and meter(0) == "█" * 20 and meter(-30) == "█" * 10 + "·" * 10


def test_use_two_picks_an_alternative_and_nothing_else_does():
    for said, number in (("use two", 2), ("Use 2.", 2), ("pick the third", 3),
                         ("USE NUMBER ONE", 1), ("take option 3", 3)):
        assert use_choice(said) == number, said
    for said in ("use four", "use two please", "used two", "git space status", "use", ""):
        assert use_choice(said) is None, said


def test_choosing_an_alternative_swaps_it_with_the_command():
    result = Result("blockout two", "blockout2", "processor", 1.0,
                    alternatives=[Alternative("blockout 2", 0.33), Alternative("rm -rf x", 0.1)])
    pending = Pending("blockout two", result)
    assert pending.lines()[0] == '1) blockout 2   (33%)   Alt-1 or "use one"'
    assert pending.swap(1) and result.output == "blockout 2"
    assert pending.choices[0] == ("blockout2", "best") and pending.sure == "33%"
    assert pending.swap(2) and pending.dangers  # a destructive reading is flagged as ever
    assert pending.swap(2) and pending.swap(1) and result.output == "blockout2"
    assert not pending.swap(3) and not pending.swap(0) and result.output == "blockout2"


def test_alt_n_and_use_two_put_an_alternative_in_the_buffer(engine):
    driver = Driver((engine, None, None))
    driver.type("blockout two" + ENTER)  # strict: blockout2, but the spacer half thinks a space
    driver.wait(lambda: driver.repl.pending is not None, "the command (the spacer loads)")
    pending = driver.repl.pending
    assert pending.result.output == "blockout2" and pending.choices[0][0] == "blockout 2"
    assert "1) blockout 2" in driver.repl._toolbar().value
    driver.type(ALT_1)
    assert pending.result.output == "blockout 2"
    driver.type(ALT_2)  # there is no second: nothing changes
    driver.type(ALT_1)
    assert pending.result.output == "blockout2"
    driver.type(CTRL_U + "use one" + ENTER)  # typed (or said) over the buffer
    assert pending.result.output == "blockout 2" and not driver.repl.accepted
    driver.type(CTRL_U + "use three" + ENTER)
    assert "no alternative 3 to use: nothing changed" in driver.repl.lines
    driver.type(ENTER)  # the buffer holds the chosen command again: Enter accepts it
    driver.type(ENTER)
    driver.quit()
    assert driver.repl.accepted == ["blockout 2"]
