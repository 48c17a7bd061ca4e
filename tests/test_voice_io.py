"""The voice path with real audio and real devices, as a user meets it.

espeak-ng speaks, sox mangles, faster-whisper tiny.en listens. The microphone is real too: a
private PulseAudio daemon with a null sink whose monitor is the default capture device, and a
WAV played into it. The REPL runs once in tmux, driven with send-keys as a person would.
Each part skips, saying why, where the machine lacks the tool (scripts/system-packages.sh
installs them all).
"""

import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

DICTBASH = str(Path(sys.executable).with_name("dictbash"))
SPOKEN = "python space dash dash version"  # what tiny.en hears well enough from espeak-ng


def need(*tools):
    missing = [tool for tool in tools if not shutil.which(tool)]
    if missing:
        pytest.skip(f"needs {', '.join(missing)} (see scripts/system-packages.sh)")


def run(*argv, env=None, timeout=120):
    return subprocess.run([DICTBASH, *argv], capture_output=True, text=True, env=env,
                          timeout=timeout)


@pytest.fixture(scope="module")
def wavs(tmp_path_factory):
    """Speech, silence, noise, 44.1 kHz stereo, a truncated file, junk, an empty file."""
    need("espeak-ng", "sox")
    folder = tmp_path_factory.mktemp("wavs")
    speech = folder / "speech.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "130", "-g", "8", "-w", speech, SPOKEN],
                   check=True)
    sox = lambda *args: subprocess.run(["sox", *map(str, args)], check=True)  # noqa: E731
    sox("-n", "-r", 16000, "-c", 1, "-b", 16, folder / "silence.wav", "trim", 0, 3)
    sox("-n", "-r", 16000, "-c", 1, "-b", 16, folder / "noise.wav", "synth", 3, "whitenoise",
        "vol", 0.5)
    sox(speech, "-r", 44100, "-c", 2, folder / "stereo44k.wav")
    data = speech.read_bytes()
    (folder / "truncated.wav").write_bytes(data[:len(data) // 3])
    # junk FFmpeg rejects, and junk it takes for a container without an audio stream
    (folder / "junk.wav").write_bytes(random.Random(0).randbytes(4096))
    (folder / "streamless.wav").write_bytes(random.Random(131).randbytes(4096))
    (folder / "empty.wav").write_bytes(b"")
    return folder


def test_transcribe_speaks_to_a_command(wavs):
    done = run("transcribe", "--no-model", wavs / "speech.wav")
    assert done.returncode == 0, done.stderr
    assert "--version" in done.stdout


def test_a_44k_stereo_file_is_resampled_and_works(wavs):
    done = run("transcribe", "--no-model", wavs / "stereo44k.wav")
    assert done.returncode == 0, done.stderr
    assert "--version" in done.stdout


@pytest.mark.parametrize("name, code, says", [
    ("silence.wav", 1, "no speech heard in"),
    ("noise.wav", 1, "no speech heard in"),
    ("junk.wav", 2, "is not audio dictbash can read"),
    ("streamless.wav", 2, "is not audio dictbash can read"),
    ("empty.wav", 2, "is empty"),
    ("missing.wav", 2, "no audio file at"),
])
def test_bad_audio_gets_one_clear_line(wavs, name, code, says):
    done = run("transcribe", "--no-model", wavs / name)
    assert done.returncode == code
    assert done.stdout == ""
    assert says in done.stderr and "Traceback" not in done.stderr


def test_a_truncated_file_is_said_and_what_is_there_is_used(wavs):
    done = run("transcribe", "--no-model", wavs / "truncated.wav")
    assert "looks truncated" in done.stderr and "Traceback" not in done.stderr
    assert done.returncode in (0, 1)


def test_a_missing_or_broken_recogniser_is_a_clear_error(wavs, tmp_path):
    done = run("transcribe", "--recogniser", tmp_path, wavs / "speech.wav")
    assert done.returncode == 2 and "no faster-whisper model at" in done.stderr
    (tmp_path / "model.bin").write_bytes(b"not a model")
    (tmp_path / "config.json").write_text("{}")
    done = run("transcribe", "--recogniser", tmp_path, wavs / "speech.wav")
    assert done.returncode == 2 and "cannot be loaded" in done.stderr
    assert "Traceback" not in done.stderr


def test_json_output_has_the_transcript_and_timings(wavs):
    import json

    done = run("transcribe", "--no-model", "--json", wavs / "speech.wav")
    record = json.loads(done.stdout)
    assert record["heard"] and record["audio_s"] > 1 and record["recogniser_s"] > 0
    assert record["output"] and record["route"] in ("processor", "model", "mixed")


def test_listen_without_a_terminal_says_what_to_use():
    done = subprocess.run([DICTBASH, "listen"], capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert done.returncode == 2 and "needs a terminal" in done.stderr


# -- a real microphone: PulseAudio's null sink ------------------------------------------------

def test_the_microphone_captures_what_is_played(pulse, wavs, monkeypatch):
    monkeypatch.setenv("PULSE_SERVER", pulse["PULSE_SERVER"])
    from engine.audio import Microphone, level_dbfs, load_audio
    from engine.recognizer import Recognizer

    microphone = Microphone()
    microphone.start()
    time.sleep(0.3)
    subprocess.run(["paplay", str(wavs / "speech.wav")], env=pulse, check=True)
    time.sleep(0.5)
    captured = microphone.stop()
    played = load_audio(wavs / "speech.wav")
    assert len(captured) > len(played.samples)
    assert level_dbfs(captured) > -40
    assert "version" in Recognizer().transcribe(captured).text


def test_the_repl_in_tmux_with_the_microphone(pulse, wavs, tmp_path):
    need("tmux")
    env = {**pulse, "DICTBASH_CONFIG": str(tmp_path / "none.toml"), "TERM": "xterm-256color",
           "XDG_DATA_HOME": str(tmp_path / "data")}
    session = f"dictbash-test-{os.getpid()}"
    tmux = lambda *args: subprocess.run(["tmux", "-L", session, *args], env=env,  # noqa: E731
                                        capture_output=True, text=True)
    tmux("new-session", "-d", "-s", session, "-x", "160", "-y", "30",
         f"{DICTBASH} listen --no-model")

    def screen():
        return tmux("capture-pane", "-p", "-t", session).stdout

    def wait_for(text, seconds=60):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if text in screen():
                return
            time.sleep(0.2)
        raise AssertionError(f"{text!r} never showed; the screen:\n{screen()}")

    try:
        wait_for("to talk")
        tmux("send-keys", "-t", session, "C-Space")
        wait_for("listening")
        subprocess.run(["paplay", str(wavs / "speech.wav")], env=pulse, check=True)
        time.sleep(0.3)
        tmux("send-keys", "-t", session, "C-Space")
        wait_for("heard:")
        assert "version" in screen()  # the words made it through the microphone
        tmux("send-keys", "-t", session, "Enter")
        wait_for("run it? [y/N]")
        tmux("send-keys", "-t", session, "n", "Enter")
        wait_for("not run")
        tmux("send-keys", "-t", session, "C-d")
    finally:
        tmux("kill-server")
