"""``dictbash bench``'s server figures: ``dictbash serve`` as its clients meet it.

A server is started with the default settings in a temporary runtime folder (never the
user's), and measured:

- ``dictbash convert`` of a strict utterance through it, the process's start included, beside
  the Python interpreter's own start (what any ``dictbash`` process pays first) and the same
  command alone (``--no-server``), interleaved in one run;
- from the end of speech to the command: a strict dictation of about 3 s (espeak-ng, the
  voice set's settings) played into a PulseAudio null sink that is the server's microphone
  while a ``record`` request listens; 0.3 s after the audio ends (a person's key press), the
  ``stop`` is sent and the reply timed, as ``dictbash dictate`` receives it (the widget then
  prints it and the shell inserts it: microseconds). Warm: a server that has served before;
  cold: the first dictation of a server just started (loaded, never used);
- its memory with everything loaded, once it has converted every route and transcribed, and
  its CPU time over a few idle seconds.

The voice part needs espeak-ng and PulseAudio (``scripts/system-packages.sh``); without them
it says why and the rest is measured.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .microbench import ENGINE_UTTERANCES, summary

STRICT = "git space status"
LATENCY_SECONDS = (2.5, 3.5)
"""The length of the dictations the end-of-speech latency is measured on."""
KEY_PRESS_S = 0.3
"""From the end of the audio to the stop, as a person presses the key after speaking."""


@contextlib.contextmanager
def null_sink(folder: Path):
    """A private PulseAudio daemon whose default source (a microphone to any client) hears
    what is played to its default sink: yields the environment of its clients, or None
    where PulseAudio is missing or does not start here."""
    if not all(shutil.which(tool) for tool in ("pulseaudio", "paplay", "pactl")):
        yield None
        return
    folder.mkdir(exist_ok=True)
    socket_path = folder / "native"
    (folder / "default.pa").write_text(
        f"load-module module-native-protocol-unix auth-anonymous=1 socket={socket_path}\n"
        "load-module module-null-sink sink_name=vsink rate=16000\n"
        "set-default-sink vsink\nset-default-source vsink.monitor\n")
    env = {**os.environ, "HOME": str(folder), "XDG_RUNTIME_DIR": str(folder),
           "PULSE_SERVER": f"unix:{socket_path}"}
    daemon = subprocess.Popen(["pulseaudio", "-n", "-F", str(folder / "default.pa"),
                               "--exit-idle-time=-1", "--daemonize=no"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            if subprocess.run(["pactl", "info"], env=env, capture_output=True).returncode == 0:
                break
            time.sleep(0.1)
        else:
            env = None
        yield env
    finally:
        daemon.kill()
        daemon.wait()


def _dictbash() -> list[str]:
    script = Path(sys.executable).with_name("dictbash")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "engine.cli"]


class _Server:
    """A ``dictbash serve`` process in its own runtime folder, and connections to it."""

    def __init__(self, folder: Path, env: dict):
        folder.mkdir(exist_ok=True)
        self.folder, self.env = folder, {**env, "XDG_RUNTIME_DIR": str(folder)}
        self.process = subprocess.Popen([*_dictbash(), "serve"], env=self.env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        began = time.perf_counter()
        try:
            while self.ask({"op": "status"}, wait=True)["state"] != "ready":
                time.sleep(0.05)
        except BaseException:
            self.process.kill()
            self.process.wait()
            raise
        self.ready_s = time.perf_counter() - began

    def connect(self, wait: bool = False):
        from engine.client import Connection

        path = self.folder / "dictbash" / "server.sock"
        deadline = time.monotonic() + 120
        while True:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                sock.connect(str(path))
                return Connection(sock)
            except (FileNotFoundError, ConnectionRefusedError):
                sock.close()
                if not wait or time.monotonic() > deadline or self.process.poll() is not None:
                    raise
                time.sleep(0.05)

    def ask(self, request: dict, wait: bool = False) -> dict:
        conn = self.connect(wait)
        try:
            return conn.call(request)
        finally:
            conn.close()

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.ask({"op": "shutdown"})
        self.process.wait(30)


def _cpu_s(pid: int) -> float:
    """User and system CPU seconds the process has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _timed(argv: list[str], env: dict) -> float:
    began = time.perf_counter()
    subprocess.run(argv, env=env, capture_output=True, check=True)
    return (time.perf_counter() - began) * 1000


def bench_convert(server: _Server, runs: int = 20) -> dict:
    """``dictbash convert`` of a strict utterance: through the server, alone, and the
    interpreter's start, interleaved (ms, process start included)."""
    through, python, alone = [], [], []
    for k in range(runs):
        through.append(_timed([*_dictbash(), "convert", STRICT], server.env))
        python.append(_timed([sys.executable, "-c", "pass"], server.env))
        if k % 5 == 0:
            alone.append(_timed([*_dictbash(), "convert", "--no-server", STRICT], server.env))
    return {"served_ms": summary(through), "python_start_ms": summary(python),
            "alone_ms": summary(alone)}


def _dictations(count: int) -> list[tuple[str, str, Path]]:
    """Strict held-out dictations whose espeak-ng audio lasts ``LATENCY_SECONDS``:
    (said, expected, WAV)."""
    import wave

    from .voice import load_set, synthesize

    picked = []
    for row in load_set():
        if row["difficulty"] != "strict":
            continue
        path = synthesize(row["dictated"])
        with wave.open(str(path)) as audio:
            seconds = audio.getnframes() / audio.getframerate()
        if LATENCY_SECONDS[0] <= seconds <= LATENCY_SECONDS[1]:
            picked.append((row["dictated"], row["expected"], path))
        if len(picked) == count:
            break
    return picked


def _dictate(server: _Server, wav: Path, pulse: dict) -> tuple[float, float, str]:
    """One dictation through the microphone: ms from the stop to the reply, ms of it the
    recogniser took, and the output."""
    conn = server.connect()
    try:
        conn.send({"op": "record", "id": 1, "until": "stop"})
        while conn.receive().get("event") != "listening":
            pass
        subprocess.run(["paplay", str(wav)], env=pulse, check=True)
        time.sleep(KEY_PRESS_S)
        began = time.perf_counter()
        conn.send({"op": "stop"})
        while (reply := conn.receive()).get("id") != 1 or "event" in reply:
            pass
        elapsed = (time.perf_counter() - began) * 1000
    finally:
        conn.close()
    result = reply.get("result") or {}
    return elapsed, reply.get("recogniser_s", 0) * 1000, result.get("output", "")


def bench_voice(server: _Server, pulse: dict, folder: Path, dictations: int = 10,
                cold_runs: int = 3) -> dict:
    """End of speech to command, warm (``dictations`` in a row on ``server``) and cold (the
    first dictation of each of ``cold_runs`` servers just started)."""
    picked = _dictations(dictations)
    if not picked:
        return {"error": "no strict dictation of 2.5-3.5 s in the voice set"}
    _dictate(server, picked[0][2], pulse)  # its first dictation: the rest are warm
    warm, recogniser, exact = [], [], 0
    for _, expected, wav in picked:
        elapsed, heard_ms, output = _dictate(server, wav, pulse)
        warm.append(elapsed)
        recogniser.append(heard_ms)
        exact += output == expected
    cold, ready = [], []
    for k in range(cold_runs):
        fresh = _Server(folder / f"cold{k}", server.env)
        try:
            ready.append(fresh.ready_s)
            cold.append(_dictate(fresh, picked[k % len(picked)][2], pulse)[0])
        finally:
            fresh.stop()
    return {"warm_ms": summary(warm), "recogniser_ms": summary(recogniser),
            "cold_ms": summary(cold), "exact": exact,
            "start_to_ready_s": summary(ready), "audio_s": list(LATENCY_SECONDS)}


def bench_server(voice: bool = True) -> dict:
    """Every server figure (module docstring); ``{"error": why}`` where no server starts."""
    with tempfile.TemporaryDirectory(prefix="dictbash-bench-") as tmp:
        folder = Path(tmp)
        (folder / "config.toml").write_text("")  # the defaults, whatever the user's config
        with null_sink(folder / "pulse") if voice else contextlib.nullcontext() as pulse:
            env = {**os.environ, **(pulse or {}), "DICTBASH_CONFIG": str(folder / "config.toml")}
            try:
                server = _Server(folder / "run", env)
            except OSError as error:
                return {"error": f"the server did not start ({error})"}
            try:
                figures = {"start_to_ready_s": round(server.ready_s, 2),
                           "convert": bench_convert(server)}
                server.ask({"op": "convert", "texts": [text for text, _ in ENGINE_UTTERANCES]})
                if not voice:
                    figures["voice"] = {"error": "--no-voice"}
                elif pulse is None:
                    figures["voice"] = {"error": "PulseAudio is missing or did not start "
                                                 "(scripts/system-packages.sh)"}
                elif not shutil.which("espeak-ng"):
                    figures["voice"] = {"error": "espeak-ng is not installed"}
                else:
                    figures["voice"] = bench_voice(server, pulse, folder)
                status = server.ask({"op": "status"})
                figures["memory_mb"] = {"now": status["rss_mb"], "peak": status["peak_rss_mb"],
                                        "loaded": status["loaded"]}
                time.sleep(1)
                before = _cpu_s(server.process.pid)
                time.sleep(5)
                figures["idle_cpu_percent"] = round((_cpu_s(server.process.pid) - before)
                                                    / 5 * 100, 2)
            finally:
                server.stop()
    return figures


def summary_lines(figures: dict) -> list[str]:
    """The server figures as ``dictbash bench`` prints them."""
    if "error" in figures:
        return [f"server     unavailable: {figures['error']}"]
    c = figures["convert"]
    lines = [f"server     dictbash convert (strict) through it: median {c['served_ms']['median']:4.0f} ms"
             f"   p95 {c['served_ms']['p95']:4.0f} ms, process start included (the interpreter's "
             f"own start: median {c['python_start_ms']['median']:.0f} ms; alone: median "
             f"{c['alone_ms']['median']:.0f} ms)"]
    v = figures["voice"]
    if "error" in v:
        lines.append(f"  end of speech -> command: skipped ({v['error']})")
    else:
        lines.append(f"  end of speech -> command, {v['warm_ms']['n']} strict dictations of "
                     f"{v['audio_s'][0]}-{v['audio_s'][1]} s ({v['exact']} exact): warm median "
                     f"{v['warm_ms']['median']:.0f} ms (the recogniser {v['recogniser_ms']['median']:.0f}), "
                     f"p95 {v['warm_ms']['p95']:.0f} ms; cold "
                     f"(the first after a start) median {v['cold_ms']['median']:.0f} ms of "
                     f"{v['cold_ms']['n']}")
    m = figures["memory_mb"]
    lines.append(f"  memory {m['now']:.0f} MB with everything loaded (peak {m['peak']:.0f} MB); "
                 f"idle CPU {figures['idle_cpu_percent']:.2f}% over 5 s; start to ready "
                 f"{figures['start_to_ready_s']:.1f} s")
    return lines


def main() -> int:
    """``python -m bench.serverbench``: the server figures alone."""
    import json

    figures = bench_server(voice="--no-voice" not in sys.argv)
    print("\n".join(summary_lines(figures)))
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
