"""Talking to ``dictbash serve`` (``engine.server``): connect, start it on demand, ask.

Kept to the standard library, so a command that only talks to a running server starts in
milliseconds. ``dictbash convert`` and ``transcribe`` use a running server and work alone
when there is none (or it was started with other settings); the shell's key binding
(``engine.shell_init``) starts one when there is none.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import time
from types import SimpleNamespace

from .server import (LOCK_NAME, LOG_NAME, MAX_LINE, ServerError, peer_uid, private_dir,
                     served_settings, socket_path)

START_TIMEOUT_S = 30.0
"""How long a client waits for a server it started to listen (it listens before it loads)."""


class Connection:
    """A connected socket with its own line buffer (so ``buffered`` can tell a caller that
    waits on the socket with ``select`` that a reply is already read)."""

    def __init__(self, sock: socket.socket):
        self.sock = sock
        self._buffer = b""

    def send(self, request: dict) -> None:
        self.sock.sendall(json.dumps(request, ensure_ascii=False).encode() + b"\n")

    def buffered(self) -> bool:
        return b"\n" in self._buffer

    def receive(self) -> dict:
        """The next reply or event line."""
        while b"\n" not in self._buffer:
            data = self.sock.recv(1 << 16)
            if not data:
                raise ServerError("the server closed the connection")
            self._buffer += data
        line, self._buffer = self._buffer.split(b"\n", 1)
        return json.loads(line)

    def call(self, request: dict) -> dict:
        """Send one request and return its reply, passing over its events."""
        self.send(request)
        while "event" in (reply := self.receive()):
            pass
        return reply

    def close(self) -> None:
        self.sock.close()


def _connected(path) -> Connection | None:
    """A connection to the server at ``path``; None where none listens there."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(str(path))
    except (FileNotFoundError, ConnectionRefusedError):
        sock.close()
        return None
    except OSError as error:
        sock.close()
        raise ServerError(f"cannot reach the server at {path} ({error.strerror})") from None
    if peer_uid(sock) != os.getuid():
        sock.close()
        raise ServerError(f"the socket {path} is served by another user: refusing to use it")
    return Connection(sock)


def connect(*, start: bool = False, notify=None) -> Connection | None:
    """A connection to this user's server; with ``start``, one is started when none runs
    (``notify`` is told, as it takes a moment) and ``ServerError`` says why it could not be;
    without, None where none runs."""
    path = socket_path()
    conn = _connected(path)
    if conn is not None or not start:
        return conn
    import subprocess

    if notify:
        notify("starting the dictbash server…")
    folder = private_dir()
    log = os.open(folder / LOG_NAME, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        process = subprocess.Popen([sys.executable, "-m", "engine.cli", "serve"], cwd="/",
                                   stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                   start_new_session=True)
    finally:
        os.close(log)
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        time.sleep(0.02)
        conn = _connected(path)
        if conn is not None:
            return conn
        if process.poll() is not None and not _locked(folder / LOCK_NAME):
            break  # it has exited, and no other server is running or starting
    lines = (folder / LOG_NAME).read_text(errors="replace").strip().splitlines()
    raise ServerError(f"the server did not start ({lines[-1] if lines else 'no message'}; "
                      f"the log is {folder / LOG_NAME})")


def _locked(path) -> bool:
    """Whether a server holds the lock (is running or starting)."""
    import fcntl

    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(fd)


class ServedResult:
    """A result as the server sent it, with what the CLI reads of ``engine.Result``: its
    fields as attributes (spans and alternatives too, none from a server older than them)
    and ``to_dict``, in the server's field order."""

    def __init__(self, data: dict):
        self._data = data
        self.__dict__.update(data)
        self.spans = [SimpleNamespace(**span) for span in data["spans"]]
        self.alternatives = [SimpleNamespace(**a) for a in data.get("alternatives", [])]

    def to_dict(self) -> dict:
        return self._data


def _settled(conn: Connection, request: dict) -> dict | None:
    """The reply, or None where the server will not answer this (it was started with other
    settings, or failed: then said on stderr) and the caller works alone."""
    try:
        reply = conn.call(request)
    except (OSError, ServerError, ValueError) as error:
        print(f"dictbash: the server did not answer ({error}): working alone", file=sys.stderr)
        return None
    if not reply.get("ok") and reply.get("code") in ("internal", "busy", "bad_request",
                                                     "too_long"):
        print(f"dictbash: the server did not answer ({reply.get('error')}): working alone",
              file=sys.stderr)
    return reply if reply.get("ok") or reply.get("code") == "audio" else None


def convert(texts: list[str], settings, **flags) -> list[ServedResult] | None:
    """``Engine.convert_many(texts, **flags)`` by a running server loaded with these
    settings; None where there is none (the caller works alone)."""
    request = {"op": "convert", "texts": texts, "settings": served_settings(settings), **flags}
    if len(json.dumps(request, ensure_ascii=False).encode()) >= MAX_LINE:
        return None  # more than one request may hold: alone, in one batch as ever
    try:
        conn = connect()
    except ServerError:
        return None
    if conn is None:
        return None
    try:
        reply = _settled(conn, request)
    finally:
        conn.close()
    return [ServedResult(data) for data in reply["results"]] if reply else None


class Transcriber:
    """``server.transcribe_file`` by a running server, file by file on one connection."""

    def __init__(self, conn: Connection, settings):
        self.conn, self.wants = conn, served_settings(settings)

    @classmethod
    def running(cls, settings) -> Transcriber | None:
        try:
            conn = connect()
        except ServerError:
            return None
        return cls(conn, settings) if conn else None

    def transcribe(self, path, keep_prose: bool = False) -> dict | None:
        """What ``transcribe_file`` returns (``result`` a ``ServedResult``), ``AudioError``
        for a file that cannot be used, or None: the server will not (work alone)."""
        from .audio import AudioError

        reply = _settled(self.conn, {"op": "transcribe", "path": os.path.abspath(path),
                                     "shown": str(path), "keep_prose": keep_prose,
                                     "settings": self.wants})
        if reply is None:
            return None
        if not reply["ok"]:
            raise AudioError(reply["error"])
        for key in ("ok", "id"):
            reply.pop(key, None)
        reply["result"] = ServedResult(reply["result"]) if reply["result"] else None
        return reply

    def close(self) -> None:
        self.conn.close()


def show_status(as_json: bool) -> int:
    """``dictbash serve --status``: 0 running, 1 not."""
    conn = connect()
    if conn is None:
        print(json.dumps({"running": False, "socket": str(socket_path())}) if as_json else
              f"dictbash server: not running (its socket would be {socket_path()})")
        return 1
    try:
        status = conn.call({"op": "status"})
    finally:
        conn.close()
    if as_json:
        print(json.dumps({"running": True, **status}, ensure_ascii=False))
        return 0
    minutes, seconds = divmod(int(status["uptime_s"]), 60)
    idle = status["idle_exit_s"]
    print(f"dictbash server: running, pid {status['pid']}, up {minutes} min {seconds} s, "
          f"{status['state']}")
    print(f"  socket      {status['socket']}")
    for what, how in status["loaded"].items():
        print(f"  {what:<11} {how}")
    print(f"  memory      {status['rss_mb']:.0f} MB (peak {status['peak_rss_mb']:.0f} MB)")
    print(f"  idle exit   {f'after {idle} s with nothing asked' if idle else 'never'} "
          f"(server_idle_s); idle now {status['idle_s']:.0f} s")
    return 0


def stop() -> int:
    """``dictbash serve --stop``: 0 stopped (it is gone when this returns), 1 none ran."""
    conn = connect()
    if conn is None:
        print("dictbash server: not running")
        return 1
    try:
        pid = conn.call({"op": "shutdown"})["pid"]
        conn.sock.settimeout(10)
        while conn.sock.recv(4096):  # the server closes every connection as it exits
            pass
    except OSError:
        pass
    finally:
        conn.close()
    deadline = time.monotonic() + 10
    while _locked(private_dir() / LOCK_NAME) and time.monotonic() < deadline:
        time.sleep(0.02)
    print(f"dictbash server: stopped (pid {pid})")
    return 0
