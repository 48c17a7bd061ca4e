"""``dictbash init``'s key binding as a person uses it: a real bash, zsh and fish in tmux
that source the snippet, Alt-v pressed, the dictation typed (no microphone) or played into a
PulseAudio null sink (the microphone), the prompt line read back with capture-pane, and
proof that nothing ran. Each shell, tmux and PulseAudio part skips, saying why, where the
machine lacks it (scripts/system-packages.sh installs them). The servers run in temporary
runtime folders, never a real user's.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from engine.server import SOCKET_NAME
from engine.shell_init import SHELLS, next_key, parse_key, snippet
from test_server import Client
from test_voice_io import need

DICTBASH = str(Path(sys.executable).with_name("dictbash"))
PROMPT = "db$ "
TYPED = "(Enter converts, Esc cancels)>"
SETUP = {  # a plain prompt, then the snippet, as an rc file would
    "bash": ["bash", "--norc", "--noprofile", "-i"],
    "zsh": ["zsh", "-f", "-i"],
    "fish": ["fish", "-N", "-i"],
}
SOURCE = {
    "bash": f"PS1='{PROMPT}'; eval \"$({DICTBASH} init bash)\"",
    "zsh": f"PS1='{PROMPT}'; eval \"$({DICTBASH} init zsh)\"",
    "fish": f"function fish_prompt; echo -n '{PROMPT}'; end; {DICTBASH} init fish | source",
}


def test_keys_as_each_shell_binds_them():
    alt, ctrl = parse_key("alt-v"), parse_key("ctrl-g")
    assert (alt.bash, alt.zsh, alt.fish, alt.sequence) == ("\\ev", "^[v", "\\ev", b"\x1bv")
    assert (ctrl.bash, ctrl.zsh, ctrl.fish, ctrl.sequence) == ("\\C-g", "^G", "\\cg", b"\x07")
    for bad in ("ctrl-c", "ctrl-m", "f2", "alt-", "v"):
        with pytest.raises(ValueError, match="--key"):
            parse_key(bad)


@pytest.mark.parametrize("shell", SHELLS)
def test_each_snippet_is_valid_in_its_shell(shell, tmp_path):
    need(shell)
    script = tmp_path / f"init.{shell}"
    script.write_text(snippet(shell, "ctrl-g", typed=True))
    check = {"bash": ["bash", "-n"], "zsh": ["zsh", "-n"], "fish": ["fish", "--no-execute"]}
    done = subprocess.run([*check[shell], str(script)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "dictate --key ctrl-g --next-key alt-V --typed </dev/tty" in script.read_text()
    assert "__dictbash_next" in script.read_text()  # bound to the next alternative's key


def test_the_next_alternatives_key():
    assert (next_key("alt-v"), next_key("alt-N"), next_key("ctrl-g"), next_key("alt-5")) == (
        "alt-V", "alt-n", "alt-V", "alt-V")
    bash = snippet("bash")
    assert "dictate --key alt-v --next-key alt-V </dev/tty" in bash
    assert """bind -m emacs-standard -x '"\\eV": __dictbash_next'""" in bash
    assert "bindkey -M emacs '^[n' __dictbash_next" in snippet("zsh", "alt-N")
    assert "bind \\cn __dictbash_next" in snippet("fish", next_="ctrl-n")
    for bad in ("alt-v", "ctrl-c"):
        with pytest.raises(ValueError, match="--next-key"):
            snippet("bash", "alt-v", next_=bad)


def test_init_refuses_a_key_it_cannot_bind_in_one_line():
    done = subprocess.run([DICTBASH, "init", "zsh", "--key", "ctrl-c"], capture_output=True,
                          text=True)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "Ctrl-C cancels" in done.stderr


def test_dictate_without_a_terminal_says_what_it_is_for():
    done = subprocess.run([DICTBASH, "dictate"], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, start_new_session=True)
    assert done.returncode == 2 and "needs a terminal" in done.stderr


class Shell:
    """One interactive shell in its own tmux server, driven with send-keys."""

    def __init__(self, shell: str, env: dict, cwd: Path):
        need("tmux", shell)
        self.name = f"dictbash-{shell}-{os.getpid()}"
        self.env = env
        self.tmux("new-session", "-d", "-s", self.name, "-x", "150", "-y", "30", "-c", str(cwd),
                  *SETUP[shell])
        self.wait(lambda: self.screen().strip(), "the shell to start")
        self.type(SOURCE[shell])
        self.keys("Enter")
        self.wait(lambda: self.line() == "", "the prompt")

    def tmux(self, *args) -> str:
        return subprocess.run(["tmux", "-L", self.name, *args], env=self.env,
                              capture_output=True, text=True).stdout

    def keys(self, *keys) -> None:
        self.tmux("send-keys", "-t", self.name, *keys)

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", self.name, "-l", text)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.name)

    def line(self) -> str | None:
        """What is on the prompt line now (None: no prompt shown, the widget is running)."""
        lines = [line for line in self.screen().splitlines() if line.strip()]
        last = lines[-1] if lines else ""
        return last[len(PROMPT):].rstrip() if last.startswith(PROMPT.rstrip()) else None

    def wait(self, condition, what: str, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if condition():
                return
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {what}; the screen:\n{self.screen()}")

    def dictate(self, typed: str, *finish: str) -> None:
        """Alt-v, the dictation typed on the widget's line, then ``finish`` (Enter)."""
        self.keys("M-v")
        self.wait(lambda: TYPED in self.screen(), "the typed dictation prompt")
        self.type(typed)
        self.keys(*(finish or ("Enter",)))

    def clear(self) -> None:
        """Empty the line, wherever the cursor is."""
        self.keys("C-e", "C-u")

    def close(self) -> None:
        self.tmux("kill-server")


@pytest.fixture(scope="module")
def typed_env(tmp_path_factory):
    """A shell environment whose server (started by the first key press) has no microphone,
    so the widget asks for the dictation on a typed line."""
    home = tmp_path_factory.mktemp("typed")
    (home / "config.toml").write_text('use_model = false\nmicrophone = "no such device"\n')
    env = {"PATH": os.environ["PATH"], "HOME": str(home), "TERM": "xterm-256color",
           "LANG": "C.UTF-8", "XDG_RUNTIME_DIR": str(home), "XDG_CONFIG_HOME": str(home),
           "XDG_DATA_HOME": str(home), "DICTBASH_CONFIG": str(home / "config.toml"),
           "PYTHONPATH": os.environ.get("PYTHONPATH", "")}  # a checkout's own code, if asked
    yield env
    subprocess.run([DICTBASH, "serve", "--stop"], env=env, capture_output=True)


def test_bash_typed_dictation_lands_on_the_line_and_only_enter_runs_it(typed_env, tmp_path):
    shell = Shell("bash", typed_env, tmp_path)
    try:
        shell.dictate("touch space ran")
        shell.wait(lambda: shell.line() == "touch ran", "the command on the line")
        time.sleep(0.3)
        assert not (tmp_path / "ran").exists()  # on the line, not run
        shell.keys("Enter")  # the person's own Enter runs it: it was the shell's own line
        shell.wait(lambda: (tmp_path / "ran").exists(), "Enter to run it")

        shell.type("ls -l")
        shell.keys("C-a")  # at the cursor, not at the end
        shell.dictate("sudo space")
        shell.wait(lambda: shell.line() == "sudo ls -l", "the insertion at the cursor")
        shell.clear()

        for cancel in ("Escape", "C-c"):  # leaves the line as it was
            shell.type("keep")
            shell.dictate("touch space cancelled", cancel)
            shell.wait(lambda: shell.line() == "keep", f"{cancel} to leave the line")
            shell.clear()

        (tmp_path / "precious").mkdir()
        shell.dictate("rm space dash r f space precious")
        shell.wait(lambda: shell.line() == "rm -rf precious", "the destructive command")
        screen = shell.screen().splitlines()
        warning = next(k for k, line in enumerate(screen) if "DESTRUCTIVE" in line)
        assert "rm with -r or -f deletes files" in screen[warning]
        assert warning < max(k for k, line in enumerate(screen) if line.startswith(PROMPT))
        assert (tmp_path / "precious").is_dir()
        shell.clear()

        shell.dictate("three files in the folder")
        shell.wait(lambda: "no command in it, nothing typed" in shell.screen(), "prose")
        shell.wait(lambda: shell.line() == "", "an empty line")
    finally:
        shell.close()
    assert not (tmp_path / "cancelled").exists()


@pytest.mark.parametrize("name", ["zsh", "fish"])
def test_zsh_and_fish_typed_dictation_lands_on_the_line(typed_env, tmp_path, name):
    shell = Shell(name, typed_env, tmp_path)
    try:
        shell.type("echo ")
        shell.dictate("touch space ran")
        shell.wait(lambda: shell.line() == "echo touch ran", "the command on the line")
        shell.clear()
        shell.type("keep")
        shell.dictate("touch space ran", "Escape")
        shell.wait(lambda: shell.line() == "keep", "Esc to leave the line")
        time.sleep(0.3)
    finally:
        shell.close()
    assert not (tmp_path / "ran").exists()


@pytest.mark.parametrize("name", SHELLS)
def test_the_next_key_swaps_in_the_alternatives(typed_env, tmp_path, name):
    shell = Shell(name, typed_env, tmp_path)
    try:
        shell.type("echo ")
        shell.dictate("blockout two")  # blockout2, or (the spacer half thinks) blockout 2
        shell.wait(lambda: shell.line() == "echo blockout2", "the command on the line")
        assert "alt-V for another reading: 1) blockout 2" in shell.screen()
        shell.keys("M-V")
        shell.wait(lambda: shell.line() == "echo blockout 2", "the alternative")
        shell.keys("M-V")
        shell.wait(lambda: shell.line() == "echo blockout2", "round to the command again")
        shell.keys("BSpace", "M-V")  # what was inserted is gone: the line is left alone
        time.sleep(0.5)
        assert shell.line() == "echo blockout"
        shell.clear()
        shell.dictate("git space status")  # nothing else plausible: nothing to swap in
        shell.wait(lambda: shell.line() == "git status", "the command")
        shell.keys("M-V")
        time.sleep(0.5)
        assert shell.line() == "git status"
    finally:
        shell.close()


@pytest.fixture(scope="module")
def speech(tmp_path_factory):
    need("espeak-ng")
    from test_voice_io import SPOKEN

    path = tmp_path_factory.mktemp("speech") / "speech.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "130", "-g", "8", "-w", path, SPOKEN],
                   check=True)
    return path


def test_spoken_dictation_through_the_microphone(pulse, speech, tmp_path):
    """Alt-v, the WAV played into the null sink (the default microphone), Alt-v again: the
    command on the line, not run; then silence: nothing typed; then hands-free (what mode
    vad asks for): the server ends the recording at the pause after the speech."""
    (tmp_path / "config.toml").write_text("use_model = false\n")
    env = {**pulse, "PATH": os.environ["PATH"], "TERM": "xterm-256color", "LANG": "C.UTF-8",
           "XDG_RUNTIME_DIR": str(tmp_path), "DICTBASH_CONFIG": str(tmp_path / "config.toml")}
    shell = Shell("bash", env, tmp_path)
    try:
        shell.keys("M-v")
        shell.wait(lambda: "listening" in shell.screen(), "listening", 120)
        subprocess.run(["paplay", str(speech)], env=pulse, check=True)
        time.sleep(0.3)
        shell.keys("M-v")
        shell.wait(lambda: (shell.line() or "").endswith("--version"), "the spoken command")
        assert "Python 3" not in shell.screen()  # python --version was not run
        shell.clear()

        shell.keys("M-v")
        shell.wait(lambda: "listening" in shell.screen(), "listening")
        time.sleep(1)
        shell.keys("M-v")
        shell.wait(lambda: "heard nothing (silence or noise)" in shell.screen(), "silence")
        shell.wait(lambda: shell.line() == "", "an empty line")

        hands_free = Client(tmp_path / "dictbash" / SOCKET_NAME)  # a pause ends it, no stop
        hands_free.send({"op": "record", "until": "pause"})
        assert json.loads(hands_free.file.readline())["event"] == "listening"
        subprocess.run(["paplay", str(speech)], env=pulse, check=True)
        reply = hands_free.reply()
        assert reply["ok"] and reply["result"]["output"].endswith("--version")
    finally:
        shell.close()
        subprocess.run([DICTBASH, "serve", "--stop"], env=env, capture_output=True)
