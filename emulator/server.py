"""Serving the app: waitress, threaded, keeping connections alive.

Measured with a keep-alive client against the same Flask endpoint on this machine
(2 cores): waitress about 0.54 ms a call, cheroot 0.64 ms, Werkzeug's threaded
server 0.99 ms with HTTP/1.1 and 1.1 ms with its default HTTP/1.0, which closes
every connection.
"""

from __future__ import annotations

import threading
import time

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
