"""Serving the app.

The command line serves on granian's WSGI interface where it can (`WorkerProcessServer`): its HTTP layer is Rust,
and `make bench` measured a plain call at a quarter of waitress's CPU. granian runs a WSGI app only in a worker
process it forks, so that server builds the app there. Everywhere else (the pytest plugin's in-thread server,
EmbeddedEmulator, a platform without fork) it is waitress, threaded, keeping connections alive (`Server`).
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import socket
import sys
import threading
import time
from typing import Callable

from flask import Flask
from waitress import wasyncore
from waitress.server import create_server

# Trigger code calls back into the emulator (SNS, cognito-idp) while its own request holds a thread,
# so there are threads to spare for those nested calls.
THREADS = 32
DRAIN_SECONDS = 10  # how long a stop waits for requests in flight


class Server:
    """A bound server; `port` is the real port even when 0 was asked for."""

    def __init__(self, app: Flask, host: str, port: int, threads: int = THREADS):
        self._server = create_server(app, host=host, port=port, threads=threads, ident="cognito-emulator",
                                     # Flask enforces the emulator's own (smaller) body limit with a JSON error.
                                     max_request_body_size=64 * 1024 * 1024)
        self.host = host
        self.port = self._server.effective_port
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._finished = threading.Event()

    def serve_forever(self) -> None:
        """Serve until close() (from another thread or a signal handler) or KeyboardInterrupt.

        Stopping is graceful: the listening socket closes, requests in flight finish and their
        responses are sent (up to DRAIN_SECONDS), then the connections close.
        """
        server = self._server
        try:
            # waitress's own run() loops until every connection is gone, and clients keep
            # theirs alive; loop one poll at a time instead so close() takes effect at once.
            while not self._stopping.is_set():
                self._poll()
            self._drain()
        finally:
            server.task_dispatcher.shutdown()
            wasyncore.close_all(server._map)
            self._finished.set()

    def _poll(self, timeout: float | None = None) -> None:
        server = self._server
        server.asyncore.loop(timeout=server.adj.asyncore_loop_timeout if timeout is None else timeout,
                             map=server._map, use_poll=server.adj.asyncore_use_poll, count=1)

    def _busy(self) -> bool:
        dispatcher = self._server.task_dispatcher
        with dispatcher.lock:
            working = dispatcher.active_count > 0 or bool(dispatcher.queue)
        unsent = any(getattr(channel, "total_outbufs_len", 0) for channel in list(self._server._map.values()))
        return working or unsent

    def _drain(self) -> None:
        wasyncore.dispatcher.close(self._server)  # the listening socket only: no new connections
        deadline = time.monotonic() + DRAIN_SECONDS
        while self._busy() and time.monotonic() < deadline:
            self._poll(timeout=0.05)

    def start(self) -> "Server":
        """Serve from a background thread (tests, the pytest plugin)."""
        self._thread = threading.Thread(target=self.serve_forever, name="cognito-emulator", daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop serving: from another thread it waits for the drain; from a signal handler it only asks."""
        self._stopping.set()
        if not self._finished.is_set():
            try:
                self._server.pull_trigger()  # wake the poll
            except OSError:  # the loop closed it while finishing
                pass
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=DRAIN_SECONDS + 5)


class TlsServer:
    """The HTTPS listener beside the HTTP one, for what must be reached over TLS (Amplify's managed-login URLs).
    waitress speaks no TLS, so this is Werkzeug's threaded server with the local CA's certificate (emulator/tls.py);
    it serves the same app, and the same state."""

    def __init__(self, app: Flask, host: str, port: int, certificate: str, key: str):
        import ssl

        from werkzeug.serving import make_server

        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(certificate, key)
        self._server = make_server(host, port, app, threaded=True, ssl_context=context)
        self._server.daemon_threads = True
        self.port = self._server.server_port
        self._thread: threading.Thread | None = None

    def start(self) -> "TlsServer":
        self._thread = threading.Thread(target=self._server.serve_forever, name="cognito-emulator-tls", daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def granian_available() -> bool:
    """granian is installed and workers start by fork, so the app can be built in the worker from this process's
    state (with spawn, the app's factory would have to be importable by name)."""
    try:
        import granian  # noqa: F401
    except ImportError:
        return False
    return multiprocessing.get_start_method(allow_none=False) == "fork"


class WorkerProcessServer:
    """granian serving one worker process, which builds the app (`build`, called in the worker) and serves it with
    THREADS Python threads. The port is held from construction (SO_REUSEADDR, not listening), so port 0 is known
    before the worker binds it. The worker dies with this process, even by SIGKILL, and SIGTERM drains it."""

    def __init__(self, host: str, port: int):
        self._reservation = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
        self._reservation.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            self._reservation.bind((host, port))
        except OSError:
            self._reservation.close()
            raise
        self.host = host
        self.port = self._reservation.getsockname()[1]
        self._failure = multiprocessing.Value("i", 0)  # set by the worker when building the app failed

    def serve(self, build: Callable[[], object], finish: Callable[[object], None] = lambda app: None) -> int:
        """Serve until SIGTERM or SIGINT; 0 then, else the status the worker's `build` failed with (its SystemExit
        code), or 1 if the worker died. `finish(app)` runs in the worker once it has stopped serving."""
        from granian import Granian
        from granian.constants import Interfaces
        from granian.log import LogLevels
        from granian.server import MPServer

        failure = self._failure
        parent = os.getpid()
        built = []

        def load():
            _die_with(parent)
            try:
                built.append(build())
            except SystemExit as stop:
                failure.value = stop.code if isinstance(stop.code, int) else 1
                raise
            return built[0]

        def work(*args, **kwargs):
            # granian's own worker, then what the emulator does on stopping (close the database, stop Node workers).
            MPServer._spawn_wsgi_worker(*args, **kwargs)
            if built:
                finish(built[0])

        server = Granian("emulator", address=self.host, port=self.port, interface=Interfaces.WSGI, workers=1,
                         blocking_threads=THREADS, websockets=False,
                         # Its own notes (start, stop, a warning that 32 threads is many for 2 cores, a worker
                         # that ended) would mix with the banner on stdout; the emulator says what went wrong.
                         log_level=LogLevels.critical,
                         workers_kill_timeout=DRAIN_SECONDS)
        try:
            server.serve(spawn_target=work, target_loader=load, wrap_loader=False)
        except SystemExit as stop:
            if failure.value:
                return failure.value  # the worker said why, before it ended
            print("error: the HTTP worker process ended unexpectedly", file=sys.stderr)
            return stop.code if isinstance(stop.code, int) and stop.code else 1
        finally:
            self._reservation.close()
        return 0


def _die_with(parent: int) -> None:
    """End this worker when the process that started it ends, however it ends (Linux: the kernel's parent-death
    signal; elsewhere a thread that watches the parent)."""
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:  # it ended before the signal was asked for
            os._exit(1)
        return

    def watch():
        while os.getppid() == parent:
            time.sleep(0.2)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
