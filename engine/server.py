"""``dictbash serve``: one warm engine per user, on a Unix socket.

Each ``dictbash`` process pays about 1.5 s to import and load before it hears a word, plus
the recogniser. A resident server holds the engine (its model loaded), the recogniser and, on
demand, the microphone, so ``dictbash convert``/``transcribe`` and the shell's key binding
(``dictbash init``) pay for neither. One server a user:

- its socket is ``server.sock`` in ``$XDG_RUNTIME_DIR/dictbash/`` (else ``run/`` in the user
  cache: ``$DICTBASH_CACHE`` or platformdirs'), the folder 0700 and the socket 0600, and the
  peer credentials of every connection (SO_PEERCRED; LOCAL_PEERCRED, getpeereid's source, on
  macOS) must be this user's: another user is refused, whatever the permissions say;
- ``server.lock`` is held (flock) for the server's whole life: whoever takes it is the one
  server, so two clients starting one at once end with one, and a socket a crashed server left
  behind (the kernel let go of its lock) is replaced;
- it exits after ``server_idle_s`` seconds with nothing asked (config), on SIGTERM, SIGINT or
  SIGHUP, or on a ``shutdown`` request (``dictbash serve --stop``).

The protocol is JSON lines, one object a line each way. A request names its ``op``; its
``id`` (any JSON value), if given, comes back in every reply to it:

- ``{"op": "convert", "texts": [...], "from_recogniser": false, "keep_prose": false}`` ->
  ``{"ok": true, "results": [Result.to_dict(), ...]}`` (``Engine.convert_many``);
- ``{"op": "transcribe", "path": "/abs/take1.wav", "shown": "take1.wav", "keep_prose": false}``
  -> ``{"ok": true,
  "heard", "raw", "audio_s", "recogniser_s", "notes", "result"}`` (``result`` null: no speech);
- ``{"op": "record", "until": "stop" | "pause", "max_s": 30}``: the microphone, until a
  ``stop`` (or, with ``"pause"``, the end of an utterance) -> events ``{"event": "listening"}``,
  ``{"event": "level", "db", "meter"}`` (10 a second), ``{"event": "thinking"}``, then
  ``{"ok": true, "heard", "result"}``;
- ``{"op": "stop"}`` ends the recording in flight, ``{"op": "cancel"}`` drops it;
- ``{"op": "status"}``; ``{"op": "shutdown"}``.

Convert, transcribe and record carry the settings they want (``settings``, from
``served_settings``); a server loaded with others answers ``"code": "settings"`` and the
client works alone. Every error is ``{"ok": false, "code", "error"}`` with a one-line error.
The engine and the recogniser run on one worker thread, requests in the order they came;
status, stop and cancel are answered at once by the connection's own thread, and a
recording runs on its own (one at a time: there is one microphone). A malformed line gets
an error and the connection stays open; a line over ``MAX_LINE`` bytes gets an error and
the connection is closed. A connection that reaches the end of its input (closed, or its
sending half shut) still gets the replies to what it asked, except a recording, which
ends, dropped.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import queue
import select
import signal
import socket
import stat
import struct
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

SOCKET_NAME, LOCK_NAME, LOG_NAME = "server.sock", "server.lock", "server.log"
MAX_LINE = 1 << 20
"""Bytes a request line may hold: far more than any dictation, far less than memory."""
MAX_CLIENTS = 64
"""Connections served at once; one more is told the server is busy and closed."""
CLIENT_IDLE_S = 120.0
"""A connection with nothing in flight that sends nothing this long is closed."""
SEND_TIMEOUT_S = 10.0
"""A client that takes no reply this long is dropped, so it cannot stall the server."""
MAX_RECORD_S = 30.0
"""The longest recording: the recogniser's one window."""
NO_SPEECH_S = 10.0
"""Hands-free (``until: pause``): no speech this long after the start, and it is over."""
LEVEL_EVERY_S = 0.1
MAX_SOCKET_PATH = 107  # bytes in sockaddr_un's sun_path, less its final NUL (Linux)
WARM_UP = "okay so git push minus u origin main please"
"""Converted once when the model is loaded, so the first request does not pay for its warm-up."""


class ServerError(Exception):
    """The server cannot run or be reached as asked; the message says why and what to do."""


class AlreadyRunning(ServerError):
    """Another server holds the lock: it is the one server."""


def runtime_dir() -> Path:
    """Where the socket lives: ``$XDG_RUNTIME_DIR/dictbash``, else ``run`` in the user cache."""
    if os.environ.get("XDG_RUNTIME_DIR"):
        return Path(os.environ["XDG_RUNTIME_DIR"]) / "dictbash"
    root = os.environ.get("DICTBASH_CACHE")
    if not root:
        import platformdirs

        root = platformdirs.user_cache_dir("dictbash")
    return Path(root) / "run"


def socket_path() -> Path:
    path = runtime_dir() / SOCKET_NAME
    if len(os.fsencode(path)) > MAX_SOCKET_PATH:
        raise ServerError(f"the socket path {path} is longer than a Unix socket allows "
                          f"({MAX_SOCKET_PATH} bytes): set XDG_RUNTIME_DIR to a shorter folder")
    return path


def private_dir(folder: Path | None = None) -> Path:
    """The runtime folder, made if need be, checked to be this user's own folder (not a link)
    and closed to everyone else (0700)."""
    folder = (folder or runtime_dir()).absolute()
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = os.lstat(folder)
    except OSError as error:
        raise ServerError(f"cannot make the folder {folder} ({error.strerror})") from None
    if not stat.S_ISDIR(info.st_mode):
        raise ServerError(f"{folder} is not a folder (a link or a file): remove it")
    if info.st_uid != os.getuid():
        raise ServerError(f"{folder} belongs to uid {info.st_uid}, not to you: remove it, or "
                          "set XDG_RUNTIME_DIR to a folder of your own")
    if stat.S_IMODE(info.st_mode) != 0o700:
        os.chmod(folder, 0o700)
    return folder


def peer_uid(sock: socket.socket) -> int:
    """The user id of the process at the other end of a connected Unix socket."""
    if hasattr(socket, "SO_PEERCRED"):
        size = struct.calcsize("3i")
        _pid, uid, _gid = struct.unpack("3i", sock.getsockopt(socket.SOL_SOCKET,
                                                              socket.SO_PEERCRED, size))
        return uid
    if sys.platform == "darwin":  # struct xucred {u_int version; uid_t uid; short n; gid_t g[16]}
        sol_local, local_peercred = 0, 1
        raw = sock.getsockopt(sol_local, local_peercred, struct.calcsize("IIh16I"))
        return struct.unpack_from("II", raw)[1]
    raise ServerError("this system cannot say which user is at the other end of a socket: "
                      "dictbash serve runs on Linux and macOS")


def served_settings(settings) -> dict:
    """The settings a server's answers depend on, as client and server compare them: paths
    made absolute (the two run in different folders), and which words file (``engine.words``:
    its content is read again as it changes)."""
    def where(value: str) -> str:
        return os.path.abspath(os.path.expanduser(value)) if value and os.path.exists(
            os.path.expanduser(value)) else value

    from .words import words_path

    return {"model": where(settings.model), "adapter": where(settings.adapter),
            "use_model": settings.use_model, "recogniser": where(settings.recogniser),
            "microphone": settings.microphone, "words": str(words_path().absolute())}


NEEDS = {"convert": ("model", "adapter", "use_model", "words"),
         "transcribe": ("model", "adapter", "use_model", "recogniser", "words"),
         "record": ("model", "adapter", "use_model", "recogniser", "microphone", "words")}
"""The settings each request's answer depends on."""


def transcribe_file(recognizer, engine, path: str | Path, keep_prose: bool = False) -> dict:
    """One audio file through the recogniser and the engine, as ``dictbash transcribe``
    prints it: ``notes`` on reading it, what was heard, and ``result`` (None: no speech).
    Raises ``AudioError`` for a file that cannot be used."""
    from .audio import load_audio
    from .engine import convert_heard

    audio = load_audio(path)
    transcript = recognizer.transcribe(audio.samples)
    result = convert_heard(engine, transcript, keep_prose=keep_prose)
    return {"notes": audio.notes, "heard": transcript.text, "raw": transcript.raw,
            "audio_s": round(transcript.audio_s, 3),
            "recogniser_s": round(transcript.elapsed_s, 3), "result": result}


def _error(code: str, message: str) -> dict:
    return {"ok": False, "code": code, "error": message}


def _log(message: str) -> None:
    print(f"{time.strftime('%Y-%m-%d %H:%M:%S')} dictbash serve[{os.getpid()}]: {message}",
          file=sys.stderr, flush=True)


def _traceback() -> str:
    import traceback  # only when something failed: a client imports this module too

    return traceback.format_exc()


def _rss_mb() -> tuple[float, float]:
    """(resident memory now, peak) in MB."""
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (1 << 20 if sys.platform
                                                                  == "darwin" else 1 << 10)
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        now = pages * os.sysconf("SC_PAGE_SIZE") / (1 << 20)
    except (OSError, ValueError, IndexError):
        now = peak
    return round(now, 1), round(peak, 1)


class Connection:
    """One client: its thread reads request lines and answers or queues them; replies are
    written whole, under a lock (the worker, a recording and this thread all write)."""

    def __init__(self, server: Server, sock: socket.socket):
        self.server, self.sock = server, sock
        sock.settimeout(SEND_TIMEOUT_S)
        self._write = threading.Lock()
        self._pending = 0     # requests queued or running for it
        self._reading = True
        self.gone = threading.Event()  # it has sent all it will (or the server dropped it)

    def run(self) -> None:
        buffer = b""
        try:
            while not self.server.stopping.is_set():
                ready, _, _ = select.select([self.sock, self.server.wake], [], [], CLIENT_IDLE_S)
                if not ready and not self._pending:
                    break  # a connection that says nothing
                if self.sock not in ready:
                    continue
                data = self.sock.recv(65536)
                if not data:
                    break
                buffer += data
                while (end := buffer.find(b"\n")) >= 0 and end <= MAX_LINE:
                    line, buffer = buffer[:end], buffer[end + 1:]
                    if line.strip():
                        self._handle(line)
                if len(buffer) > MAX_LINE:
                    self.send(_error("too_long", f"a request over {MAX_LINE} bytes: refused, "
                                                 "and the connection closed"))
                    break
        except OSError:
            pass
        finally:
            self.gone.set()
            self.server.left(self)
            with self._write:
                self._reading = False
                self._close_if_done()

    def _handle(self, line: bytes) -> None:
        try:
            request = json.loads(line)
        except (ValueError, RecursionError) as error:  # malformed, not UTF-8, nested deep
            self.send(_error("bad_request", f"not a JSON line ({type(error).__name__}: "
                                            f"{str(error)[:200]})"))
            return
        if not isinstance(request, dict):
            self.send(_error("bad_request", "a request is a JSON object with an \"op\""))
            return
        op = request.get("op")
        if op == "status":
            self.send(self.server.status(), request)
        elif op in ("stop", "cancel"):
            self.send({"ok": True, "stopped": self.server.stop_recording(op == "cancel")},
                      request)
        elif op == "shutdown":
            self.send({"ok": True, "pid": os.getpid()}, request)
            self.server.shutdown("asked to stop")
        elif op in NEEDS:
            why = self.server.refusal(op, request)
            if why:
                self.send(why, request)
                return
            with self._write:
                self._pending += 1
            if op == "record":
                self.server.record(self, request)
            else:
                self.server.submit(self, request)
        else:
            self.send(_error("bad_request", f"unknown op {op!r}; known: convert, transcribe, "
                                            "record, stop, cancel, status, shutdown"), request)

    def send(self, reply: dict, request: dict | None = None) -> None:
        """Write one reply line; a client that has gone or takes nothing is dropped quietly."""
        if request is not None and "id" in request:
            reply = {"id": request["id"], **reply}
        data = json.dumps(reply, ensure_ascii=False).encode() + b"\n"
        with self._write:
            try:
                self.sock.sendall(data)
            except OSError:
                self.gone.set()

    def done(self, reply: dict, request: dict) -> None:
        """The final reply to a queued request."""
        self.send(reply, request)
        with self._write:
            self._pending -= 1
            self._close_if_done()

    def _close_if_done(self) -> None:
        if not self._reading and not self._pending:
            with contextlib.suppress(OSError):
                self.sock.close()


@dataclass
class Recording:
    """The recording in flight: who asked, and the stop and cancel the client may send."""

    conn: Connection
    request: dict
    stop: threading.Event = field(default_factory=threading.Event)
    cancel: threading.Event = field(default_factory=threading.Event)
    samples: object = None


class Server:
    """The listening socket, the connections, the worker that runs the engine, and the
    recording in flight. ``run`` serves until shutdown or idle time is up."""

    def __init__(self, settings, folder: Path, lock: int, listener: socket.socket):
        self.settings, self.folder, self.lock_fd, self.listener = settings, folder, lock, listener
        self.path = folder / SOCKET_NAME
        self.wants = served_settings(settings)
        self.idle_s = settings.server_idle_s
        self.started = time.monotonic()
        self.stopping = threading.Event()
        self.wake, self._wake_w = os.pipe()  # readable once stopping: wakes every select
        self.jobs: queue.Queue = queue.Queue()
        self.state = "loading"
        self.loaded: dict[str, str] = {"engine": "loading", "recogniser": "loading",
                                       "microphone": "opened on the first recording"}
        self.engine = self.recognizer = self.microphone = None
        self.recognizer_error = ""
        self.recording: Recording | None = None
        self.clients: set[Connection] = set()
        self._lock = threading.Lock()
        self._busy = 0
        self._last = time.monotonic()
        self.served = 0  # convert, transcribe and record requests answered

    # -- the main loop -------------------------------------------------------------------

    def run(self) -> None:
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(sig, lambda number, frame: self.shutdown(
                f"signal {signal.Signals(number).name}"))
        _log(f"listening on {self.path}")
        threading.Thread(target=self._work, name="worker", daemon=True).start()
        try:
            while not self.stopping.is_set():
                left = self._idle_left()
                if left is not None and left <= 0:
                    _log(f"nothing asked for {self.idle_s} s (server_idle_s): exiting")
                    break
                ready, _, _ = select.select([self.listener, self.wake], [], [], left)
                if self.listener in ready:
                    self._accept()
        finally:
            self._close()

    def _idle_left(self) -> float | None:
        """Seconds until the idle exit (None: never); a request in flight keeps it away."""
        if not self.idle_s:
            return None
        with self._lock:
            if self._busy:
                return float(self.idle_s)
            return self._last + self.idle_s - time.monotonic()

    def _accept(self) -> None:
        try:
            sock, _ = self.listener.accept()
        except OSError as error:  # out of descriptors, or the client gave up first
            _log(f"accept failed: {error}")
            time.sleep(0.05)
            return
        try:
            uid = peer_uid(sock)
        except OSError:
            uid = None
        if uid != os.getuid():
            _log(f"refused a connection from uid {uid}")
            self._refuse(sock, _error("refused", "this dictbash server belongs to another user"))
            return
        with self._lock:
            full = len(self.clients) >= MAX_CLIENTS
            if not full:
                conn = Connection(self, sock)
                self.clients.add(conn)
        if full:
            self._refuse(sock, _error("busy", f"{MAX_CLIENTS} clients at once already: "
                                              "try again"))
            return
        threading.Thread(target=conn.run, name="client", daemon=True).start()

    @staticmethod
    def _refuse(sock: socket.socket, reply: dict) -> None:
        with contextlib.suppress(OSError):
            sock.settimeout(1.0)
            sock.sendall(json.dumps(reply).encode() + b"\n")
        sock.close()

    def left(self, conn: Connection) -> None:
        with self._lock:
            self.clients.discard(conn)
            recording = self.recording
        if recording is not None and recording.conn is conn:
            recording.cancel.set()

    def shutdown(self, why: str) -> None:
        """Stop serving (any thread, or a signal handler): the main loop closes everything."""
        if not self.stopping.is_set():
            _log(f"{why}: exiting")
            self.stopping.set()
            os.write(self._wake_w, b"x")

    def _close(self) -> None:
        self.stopping.set()
        self.stop_recording(cancel=True)
        self.jobs.put(None)
        with contextlib.suppress(OSError):
            self.listener.close()
        with contextlib.suppress(OSError):  # the lock is still held: the socket is ours
            self.path.unlink()
        os.close(self.lock_fd)

    # -- requests ------------------------------------------------------------------------

    def refusal(self, op: str, request: dict) -> dict | None:
        """Why this server will not answer the request (wrong settings, malformed), or None."""
        wanted = request.get("settings")
        if isinstance(wanted, dict):
            differ = [key for key in NEEDS[op] if key in wanted and wanted[key] != self.wants[key]]
            if differ:
                return _error("settings", "the running server has other settings ("
                              + ", ".join(f"{key} {self.wants[key]!r}" for key in differ)
                              + "): dictbash serve --stop ends it, and the next start "
                              "takes yours")
        for key in ("from_recogniser", "keep_prose"):
            if not isinstance(request.get(key, False), bool):
                return _error("bad_request", f"{key} must be true or false")
        if op == "convert":
            texts = request.get("texts")
            if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
                return _error("bad_request", "convert needs \"texts\": a list of strings")
        elif op == "transcribe":
            if not isinstance(request.get("path"), str) or not os.path.isabs(request["path"]):
                return _error("bad_request", "transcribe needs \"path\": an absolute path")
        elif request.get("until", "stop") not in ("stop", "pause") or not isinstance(
                request.get("max_s", MAX_RECORD_S), (int, float)):
            return _error("bad_request", "record takes \"until\": \"stop\" or \"pause\", and "
                                         "\"max_s\": seconds")
        return None

    def submit(self, conn: Connection, request: dict, recording: Recording | None = None) -> None:
        with self._lock:
            self._busy += 1
            self._last = time.monotonic()
        self.jobs.put((conn, request, recording))

    def _finished(self) -> None:
        with self._lock:
            self._busy -= 1
            self._last = time.monotonic()

    def status(self) -> dict:
        now, peak = _rss_mb()
        with self._lock:
            idle = time.monotonic() - self._last
            recording, clients = self.recording is not None, len(self.clients)
        return {"ok": True, "pid": os.getpid(), "socket": str(self.path), "state": self.state,
                "uptime_s": round(time.monotonic() - self.started, 1),
                "loaded": dict(self.loaded), "settings": self.wants,
                "idle_exit_s": self.idle_s, "idle_s": round(idle, 1), "queued": self.jobs.qsize(),
                "recording": recording, "clients": clients, "served": self.served,
                "rss_mb": now, "peak_rss_mb": peak}

    # -- the worker: the engine and the recogniser, one request at a time ------------------

    def _work(self) -> None:
        try:
            self._load()
        except Exception as error:  # the clients still have the commands alone
            _log(f"loading failed:\n{_traceback()}")
            self.shutdown(f"cannot load the engine or the recogniser ({error})")
            return
        while (job := self.jobs.get()) is not None:
            conn, request, recording = job
            try:
                if recording is not None:
                    reply = self._heard(recording)
                elif request["op"] == "convert":
                    reply = self._convert(request)
                else:
                    reply = self._transcribe(request)
            except Exception as error:  # one request's failure must not end the server
                _log(f"{request.get('op')} failed:\n{_traceback()}")
                name = type(error).__name__
                reply = _error("internal", f"the server failed on this request ({name}: {error})")
            self.served += 1
            self._finished()
            conn.done(reply, request)

    def _load(self) -> None:
        """The engine with its model, then the recogniser; what could not load is said in
        ``loaded`` and in the replies that need it, as the commands alone would say it."""
        from .cli import _engine, _recognizer
        from .recognizer import RecognizerUnavailable

        began = time.perf_counter()
        self.engine = _engine(self.settings)
        why = self.engine.load_model() if self.settings.use_model else "not used (use_model off)"
        if why is None:
            self.engine.convert(WARM_UP)
        self.loaded["engine"] = (f"loaded in {time.perf_counter() - began:.1f} s, model "
                                 f"{why or 'loaded'}")
        _log(f"engine {self.loaded['engine']}")
        began = time.perf_counter()
        try:
            self.recognizer = _recognizer(self.settings)
            self.loaded["recogniser"] = (f"{self.recognizer.model_name} "
                                         f"({self.recognizer.model_dir}), loaded in "
                                         f"{time.perf_counter() - began:.1f} s")
        except RecognizerUnavailable as error:
            self.recognizer_error = str(error)
            self.loaded["recogniser"] = f"unavailable: {error}"
        _log(f"recogniser {self.loaded['recogniser']}")
        self.state = "ready"

    def _convert(self, request: dict) -> dict:
        results = self.engine.convert_many(request["texts"],
                                           from_recogniser=request.get("from_recogniser", False),
                                           keep_prose=request.get("keep_prose", False))
        return {"ok": True, "results": [result.to_dict() for result in results]}

    def _transcribe(self, request: dict) -> dict:
        from .audio import AudioError

        if self.recognizer is None:
            return _error("no_recogniser", self.recognizer_error)
        path, shown = request["path"], request.get("shown") or request["path"]
        try:
            heard = transcribe_file(self.recognizer, self.engine, path,
                                    request.get("keep_prose", False))
        except AudioError as error:  # said with the path as the user typed it
            return _error("audio", str(error).replace(path, str(shown)))
        result = heard.pop("result")
        return {"ok": True, **heard, "result": result.to_dict() if result else None}

    def _heard(self, recording: Recording) -> dict:
        """A finished recording, transcribed and converted; dropped if the client cancelled."""
        if recording.cancel.is_set():
            return _error("cancelled", "the recording was cancelled")
        if self.recognizer is None:
            return _error("no_recogniser", self.recognizer_error)
        from .engine import convert_heard

        transcript = self.recognizer.transcribe(recording.samples)
        result = convert_heard(self.engine, transcript)
        return {"ok": True, "heard": transcript.text,
                "audio_s": round(transcript.audio_s, 3),
                "recogniser_s": round(transcript.elapsed_s, 3),
                "result": result.to_dict() if result else None}

    # -- the microphone: one recording at a time, on its own thread ------------------------

    def record(self, conn: Connection, request: dict) -> None:
        with self._lock:
            busy = self.recording is not None
            if not busy:
                self.recording = Recording(conn, request)
                self._busy += 1
        if busy:
            conn.done(_error("busy", "already recording for another client"), request)
            return
        threading.Thread(target=self._record, args=(self.recording,), name="recording",
                         daemon=True).start()

    def stop_recording(self, cancel: bool = False) -> bool:
        """End the recording in flight (``cancel``: and drop it); whether there was one."""
        with self._lock:
            recording = self.recording
        if recording is None:
            return False
        (recording.cancel if cancel else recording.stop).set()
        return True

    def _record(self, recording: Recording) -> None:
        """Capture until stopped, a pause (``until: pause``) or ``max_s``; then the worker
        transcribes it, in turn with the other requests."""
        try:
            reply = self._capture(recording)
        except Exception as error:  # a broken audio device must not end the server
            _log(f"recording failed:\n{_traceback()}")
            reply = _error("microphone", f"the recording failed ({error})")
        with self._lock:
            self.recording = None
            self._busy -= 1
        if reply is None:
            self.submit(recording.conn, recording.request, recording)
        else:
            recording.conn.done(reply, recording.request)

    def _capture(self, recording: Recording) -> dict | None:
        import numpy as np

        from .audio import AudioError, Endpointer, Microphone
        from .repl import meter

        conn, request = recording.conn, recording.request
        try:
            if self.microphone is None:
                self.microphone = Microphone(self.settings.microphone or None)
                self.loaded["microphone"] = self.settings.microphone or "the default input"
            self.microphone.start()
        except AudioError as error:
            self.loaded["microphone"] = f"unavailable: {error}"
            return _error("no_microphone", str(error))
        conn.send({"event": "listening"}, request)
        endpointer = Endpointer() if request.get("until") == "pause" else None
        max_s = min(max(float(request.get("max_s", MAX_RECORD_S)), 0.5), MAX_RECORD_S)
        began = next_level = time.monotonic()
        taken, utterance = [], None
        try:
            while not (recording.stop.is_set() or recording.cancel.is_set()
                       or conn.gone.is_set()):
                recording.stop.wait(Microphone.BLOCK_S)
                taken.append(self.microphone.take())
                if endpointer is not None:
                    utterance = endpointer.feed(taken[-1])
                    if utterance is not None or (not endpointer.hearing
                                                 and time.monotonic() - began > NO_SPEECH_S):
                        break
                if time.monotonic() - began > max_s:
                    break
                if time.monotonic() >= next_level:
                    level = self.microphone.level
                    conn.send({"event": "level", "db": round(level, 1), "meter": meter(level)},
                              request)
                    next_level += LEVEL_EVERY_S
        finally:
            taken.append(self.microphone.stop())
        if recording.cancel.is_set() or conn.gone.is_set():
            return _error("cancelled", "the recording was cancelled")
        recording.samples = utterance if utterance is not None else np.concatenate(taken)
        conn.send({"event": "thinking", "loading": self.state != "ready"}, request)
        return None


def claim(folder: Path) -> tuple[int, socket.socket]:
    """Become the one server: take the lock (``AlreadyRunning`` if another holds it), replace
    any stale socket and listen on a new one, 0600 from the start."""
    lock = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        pid = os.read(lock, 32).decode(errors="replace").strip()
        os.close(lock)
        raise AlreadyRunning(f"a server is already running (pid {pid or '?'}): dictbash serve "
                             "--status says what it holds, --stop stops it") from None
    os.ftruncate(lock, 0)
    os.pwrite(lock, f"{os.getpid()}\n".encode(), 0)
    path = socket_path()
    with contextlib.suppress(FileNotFoundError):
        path.unlink()  # a crashed server's: no live server holds the lock
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    mask = os.umask(0o177)
    try:
        listener.bind(str(path))
    except OSError as error:
        os.close(lock)
        raise ServerError(f"cannot listen on {path} ({error.strerror})") from None
    finally:
        os.umask(mask)
    os.chmod(path, 0o600)
    listener.listen(socket.SOMAXCONN)
    return lock, listener


def serve(settings) -> int:
    """``dictbash serve``: serve in the foreground until idle, stopped or signalled; the
    process then exits 0."""
    from dataclasses import replace

    folder = private_dir()
    lock, listener = claim(folder)
    wants = served_settings(settings)  # the server leaves this folder: paths made absolute
    settings = replace(settings, **{key: wants[key] for key in ("model", "adapter", "recogniser")})
    from .words import words_path

    os.environ["DICTBASH_WORDS"] = str(words_path().absolute())  # read again as it changes
    os.chdir("/")  # hold no client's folder; requests carry absolute paths
    Server(settings, folder, lock, listener).run()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)  # not the interpreter's teardown: the recogniser's and MLX's threads still
    # live (daemon threads), and tearing their libraries down under them aborts the process
