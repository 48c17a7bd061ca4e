"""``dictbash serve`` as its clients meet it: a real server process on a Unix socket in a
temporary runtime folder (never a real user's), asked through ``dictbash`` and through raw
sockets, including hostile ones. One server (model loaded) serves the module; the tests
that start, crash, race or idle servers make small ones (no model) in folders of their own.
"""

import json
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
import wave
from pathlib import Path
from types import SimpleNamespace

import pytest

from engine.server import LOCK_NAME, MAX_LINE, SOCKET_NAME

DICTBASH = str(Path(sys.executable).with_name("dictbash"))
UTTERANCES = [  # every route, typed case, a request, prose, a false start, nothing
    "git space status",
    "okay so git push minus u origin main please",
    "first I check the branch git space status then I push",
    "three files in the folder",
    "capital HEAD tilde two",
    "make build I mean make test",
    "blockout two",  # strict, with an unsure unsaid space: an alternative
    "",
]


def environment(folder: Path, config: str = "") -> dict:
    """The environment of a client or a server whose runtime folder is ``folder``."""
    (folder / "config.toml").write_text(config)
    return {**os.environ, "XDG_RUNTIME_DIR": str(folder),
            "DICTBASH_CONFIG": str(folder / "config.toml")}


def dictbash(*argv, env, stdin=None, cwd=None, timeout=120):
    return subprocess.run([DICTBASH, *argv], env=env, input=stdin, capture_output=True,
                          text=True, timeout=timeout, cwd=cwd)


class Client:
    """A raw connection: requests written as given, replies read line by line."""

    def __init__(self, path: Path, timeout: float = 60):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(str(path))  # blocking, as engine.client connects: a full backlog waits
        self.sock.settimeout(timeout)
        self.file = self.sock.makefile("rb")

    def send(self, data) -> None:
        self.sock.sendall(data if isinstance(data, bytes) else json.dumps(data).encode() + b"\n")

    def reply(self) -> dict | None:
        """The next reply that is not an event; None once the server has closed."""
        while True:
            line = self.file.readline()
            if not line:
                return None
            reply = json.loads(line)
            if "event" not in reply:
                return reply

    def ask(self, request) -> dict:
        self.send(request)
        return self.reply()

    def close(self) -> None:
        self.file.close()
        self.sock.close()


def wait_ready(path: Path, seconds: float = 120, loaded: bool = True) -> dict:
    """The server's status once it listens (``loaded``: and has loaded all it loads)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            client = Client(path)
            status = client.ask({"op": "status"})
            client.close()
            if status["state"] == "ready" or not loaded:
                return status
        except (FileNotFoundError, ConnectionRefusedError):
            pass
        time.sleep(0.1)
    raise AssertionError(f"no server ready at {path} after {seconds} s")


@pytest.fixture(scope="module")
def served():
    """One server with the model, in a folder other users may pass through (0711: the
    refusal test needs to reach it) whose ``dictbash`` folder the server makes 0700."""
    folder = Path(tempfile.mkdtemp(prefix="dbs", dir="/tmp"))
    folder.chmod(0o711)
    env = environment(folder, "server_idle_s = 600\n")
    log = (folder / "serve.log").open("w")
    server = subprocess.Popen([DICTBASH, "serve"], env=env, stdout=log, stderr=log)
    path = folder / "dictbash" / SOCKET_NAME
    try:
        wait_ready(path)
        yield env, path, server
    finally:
        server.terminate()
        server.wait(30)
        log.close()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def small(tmp_path):
    """A runtime folder for a server without the model (quick to start), stopped after."""
    env = environment(tmp_path, "use_model = false\nserver_idle_s = 600\n")
    yield env, tmp_path / "dictbash"
    dictbash("serve", "--stop", env=env)


def server_pids(folder: Path) -> list[int]:
    """The live ``dictbash serve`` processes whose runtime folder is ``folder``."""
    pids = []
    for proc in Path("/proc").iterdir():
        try:
            argv = (proc / "cmdline").read_bytes().split(b"\0")
            environ = (proc / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"serve" in argv and f"XDG_RUNTIME_DIR={folder}".encode() in environ \
                and not any(flag in argv for flag in (b"--stop", b"--status")):
            pids.append(int(proc.name))
    return pids


def test_the_folder_and_socket_are_private(served):
    _, path, _ = served
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE((path.parent / LOCK_NAME).stat().st_mode) == 0o600


NOBODY_CLIENT = """
import socket, sys
sock = socket.socket(socket.AF_UNIX)
try:
    sock.connect(sys.argv[1])
except OSError as error:
    print("connect failed", error.errno)
    sys.exit()
try:
    sock.sendall(b'{"op": "status"}\\n')
except BrokenPipeError:  # refused and closed before the request was written
    pass
print(sock.recv(65536).decode().strip() or "closed")
"""


def as_nobody(path: Path) -> str:
    if os.getuid() != 0 or not shutil.which("setpriv"):
        pytest.skip("needs root and setpriv to run a client as another user")
    done = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                           "/usr/bin/python3", "-c", NOBODY_CLIENT, str(path)],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_another_user_is_refused_by_permissions_and_by_credentials(served):
    _, path, _ = served
    assert as_nobody(path) == "connect failed 13"  # EACCES: the folder is 0700
    path.parent.chmod(0o711)  # a permissions mistake: the peer check still refuses
    path.chmod(0o666)
    try:
        reply = json.loads(as_nobody(path))
    finally:
        path.parent.chmod(0o700)
        path.chmod(0o600)
    assert reply == {"ok": False, "code": "refused",
                     "error": "this dictbash server belongs to another user"}
    assert Client(path).ask({"op": "status"})["ok"]


def test_convert_through_the_server_equals_convert_alone(served):
    env, path, _ = served
    stdin = "\n".join(UTTERANCES) + "\n"
    before = Client(path).ask({"op": "status"})["served"]
    runs = {}
    modes = ([], ["--json", "--keep-prose", "--from-recogniser"])
    for flags in modes:
        for how in ([], ["--no-server"]):  # at once: each alone loads the model
            runs[(*flags, *how)] = subprocess.Popen(
                [DICTBASH, "convert", *how, *flags], env=env, stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            runs[(*flags, *how)].stdin.write(stdin)
            runs[(*flags, *how)].stdin.close()
    done = {key: SimpleNamespace(returncode=run.wait(120), stdout=run.stdout.read(),
                                 stderr=run.stderr.read()) for key, run in runs.items()}
    for flags in modes:
        through, alone = done[tuple(flags)], done[(*flags, "--no-server")]
        if "--json" in flags:  # the timings differ run to run, served or not
            through.stdout, alone.stdout = (
                [{**json.loads(line), "timings_ms": None} for line in run.stdout.splitlines()]
                for run in (through, alone))
        assert (through.returncode, through.stdout, through.stderr) == (
            alone.returncode, alone.stdout, alone.stderr), flags
        if not flags:
            assert "git push -u origin main\n" in alone.stdout  # the model's route was taken
    assert Client(path).ask({"op": "status"})["served"] == before + 2


def test_convert_replies_carry_the_alternatives(served):
    _, path, _ = served
    client = Client(path)
    results = client.ask({"op": "convert", "texts": ["blockout two", "git space status"]})[
        "results"]
    client.close()
    assert results[0]["output"] == "blockout2"
    assert [a["output"] for a in results[0]["alternatives"]] == ["blockout 2"]
    assert 0 < results[0]["alternatives"][0]["score"] < 0.5 and results[1]["alternatives"] == []


def test_a_served_result_reads_as_the_engines():
    from engine.client import ServedResult

    served = ServedResult({"output": "blockout2", "spans": [],
                           "alternatives": [{"output": "blockout 2", "score": 0.33}]})
    assert (served.alternatives[0].output, served.alternatives[0].score) == ("blockout 2", 0.33)
    assert ServedResult({"output": "ls", "spans": []}).alternatives == []  # an older server


def test_transcribe_through_the_server_equals_transcribe_alone(served, tmp_path):
    from test_voice_io import SPOKEN, need

    need("espeak-ng")
    env, path, _ = served
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "130", "-g", "8", "-w",
                    tmp_path / "speech.wav", SPOKEN], check=True)
    with wave.open(str(tmp_path / "silence.wav"), "wb") as silence:
        silence.setnchannels(1)
        silence.setsampwidth(2)
        silence.setframerate(16000)
        silence.writeframes(bytes(32000))
    files = ["speech.wav", "silence.wav", "missing.wav"]  # as typed, relative to here
    before = Client(path).ask({"op": "status"})["served"]
    through = dictbash("transcribe", *files, env=env, cwd=tmp_path)
    alone = dictbash("transcribe", "--no-server", *files, env=env, cwd=tmp_path)
    assert (through.returncode, through.stdout, through.stderr) == (
        alone.returncode, alone.stdout, alone.stderr)
    assert "--version" in through.stdout and "no audio file at missing.wav" in through.stderr
    assert Client(path).ask({"op": "status"})["served"] == before + 3


def test_a_client_with_other_settings_works_alone(served):
    env, path, _ = served
    before = Client(path).ask({"op": "status"})["served"]
    done = dictbash("convert", "--no-model", "okay so git push minus u origin main please",
                    env=env)
    assert done.returncode == 0 and done.stdout.strip()
    assert Client(path).ask({"op": "status"})["served"] == before


def test_status_says_what_is_loaded(served):
    env, path, server = served
    done = dictbash("serve", "--status", "--json", env=env)
    status = json.loads(done.stdout)
    assert done.returncode == 0 and status["running"] and status["pid"] == server.pid
    assert status["socket"] == str(path) and status["state"] == "ready"
    assert "model loaded" in status["loaded"]["engine"] and status["uptime_s"] > 0
    text = dictbash("serve", "--status", env=env).stdout
    assert f"pid {server.pid}" in text and str(path) in text


def test_status_is_answered_while_a_long_request_runs(served):
    _, path, _ = served
    long, quick = Client(path), Client(path)
    long.send({"op": "convert", "id": "long",
               "texts": [f"okay so git push minus u origin branch {n} please" for n in range(6)]})
    time.sleep(0.2)
    assert quick.ask({"op": "status", "id": "quick"})["queued"] >= 0
    assert not select_ready(long.sock)  # the long one is still being worked on
    reply = long.reply()
    assert reply["id"] == "long" and len(reply["results"]) == 6


def select_ready(sock) -> bool:
    import select

    return bool(select.select([sock], [], [], 0)[0])


def test_hostile_and_broken_clients_leave_it_serving(served):
    """A thousand bad requests (300 malformed lines, an oversized one, 300 half-closed and
    300 vanished clients, 50 clients at once asking twice): each gets its answer or a clean
    close, and it serves on."""
    _, path, server = served
    import random

    rng = random.Random(26)
    client = Client(path)
    for n in range(300):  # junk bytes, malformed JSON, JSON that is no request
        junk = [rng.randbytes(rng.randint(1, 200)).replace(b"\n", b"") + b"\n", b"{\"op\": \n",
                b"[1, 2]\n", b"null\n", b"\"status\"\n", b"{\"op\": \"fly\"}\n",
                b"{\"op\": \"convert\", \"texts\": \"not a list\"}\n",
                b"{\"op\": \"convert\", \"texts\": [1]}\n",
                b"{\"op\": \"transcribe\", \"path\": \"relative.wav\"}\n",
                b"{\"op\": \"record\", \"until\": \"never\"}\n",
                b"[" * 100_000 + b"\n"][n % 11]
        client.send(junk)
        reply = client.reply()
        assert reply is not None and reply["ok"] is False and reply["code"] == "bad_request"
    assert client.ask({"op": "status"})["ok"]  # the same connection still works
    client.close()

    big = Client(path)
    big.send(b"x" * (MAX_LINE + 10))
    assert big.reply()["code"] == "too_long" and big.reply() is None  # answered, then closed
    big.close()

    for _ in range(300):  # half-closed: the request was sent, the answer still comes
        half = Client(path)
        half.send({"op": "convert", "texts": ["git space status"]})
        half.sock.shutdown(socket.SHUT_WR)
        assert half.reply()["results"][0]["output"] == "git status"
        half.close()
    for n in range(300):  # gone before the answer, or before a whole line
        gone = Client(path)
        gone.send({"op": "convert", "texts": ["ls space dash l a"]} if n % 2 else b'{"op": "con')
        gone.close()

    results, errors = [], []

    def one(n: int) -> None:
        try:
            c = Client(path)
            results.append((c.ask({"op": "status"})["ok"],
                             c.ask({"op": "convert", "texts": [f"echo space {n}"]})
                             ["results"][0]["output"]))
            c.close()
        except Exception as error:  # collected, then asserted empty
            errors.append(error)

    threads = [threading.Thread(target=one, args=(n,)) for n in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == [] and sorted(results) == sorted((True, f"echo {n}") for n in range(50))
    assert server.poll() is None
    assert Client(path).ask({"op": "status"})["clients"] <= 2


def test_a_recording_with_no_voice_types_nothing(served):
    _, path, _ = served
    reply = Client(path).ask({"op": "record", "settings": {"microphone": "no such device"}})
    assert reply["code"] == "settings"  # it was started with the default microphone
    reply = Client(path).ask({"op": "record", "max_s": 0.5})
    assert reply.get("code") == "no_microphone" or (reply["ok"] and reply["heard"] == "")
    assert Client(path).ask({"op": "stop"}) == {"ok": True, "stopped": False}


def test_a_stale_socket_is_replaced_and_stop_stops(small):
    env, folder = small
    first = subprocess.Popen([DICTBASH, "serve"], env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    wait_ready(folder / SOCKET_NAME, loaded=False)
    first.send_signal(signal.SIGKILL)  # a crash: the socket file stays behind
    first.wait()
    assert (folder / SOCKET_NAME).exists()
    assert dictbash("serve", "--status", env=env).returncode == 1
    assert dictbash("convert", "git space status", env=env).stdout == "git status\n"  # alone
    second = subprocess.Popen([DICTBASH, "serve"], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    status = wait_ready(folder / SOCKET_NAME, loaded=False)
    assert status["pid"] == second.pid
    done = dictbash("serve", "--stop", env=env)
    assert done.returncode == 0 and f"pid {second.pid}" in done.stdout
    assert second.wait(10) == 0 and not (folder / SOCKET_NAME).exists()
    assert dictbash("serve", "--stop", env=env).returncode == 1


STARTER = """
import json, sys
from engine.client import connect
conn = connect(start=True)
print(conn.call({"op": "status"})["pid"])
"""


def test_clients_starting_it_at_once_end_with_one_server(small):
    env, folder = small
    starters = [subprocess.Popen([sys.executable, "-c", STARTER], env=env, text=True,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                for _ in range(4)]
    pids = {int(p.communicate(timeout=60)[0]) for p in starters}
    assert len(pids) == 1
    time.sleep(0.5)  # the losers have exited by now
    assert server_pids(folder.parent) == list(pids)
    again = dictbash("serve", env=env)  # a second server in the foreground is refused
    assert again.returncode == 1 and "already running" in again.stderr


def test_it_exits_when_idle(tmp_path):
    env = environment(tmp_path, "use_model = false\nserver_idle_s = 1\n")
    server = subprocess.Popen([DICTBASH, "serve"], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
    assert server.wait(60) == 0
    assert "nothing asked for 1 s" in server.stderr.read()
    assert not (tmp_path / "dictbash" / SOCKET_NAME).exists()


def test_a_folder_of_another_user_is_refused(tmp_path):
    folder = tmp_path / "dictbash"
    folder.mkdir()
    if os.getuid() != 0:
        pytest.skip("needs root to give a folder to another user")
    os.chown(folder, 65534, 65534)
    done = dictbash("serve", env=environment(tmp_path))
    assert done.returncode == 2 and "belongs to uid 65534, not to you" in done.stderr
    assert "Traceback" not in done.stderr
