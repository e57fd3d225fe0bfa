"""Small browser apps of tests/js (bundled with esbuild, served on localhost) for the Chromium tests that drive
Amplify in a page: the managed login's redirect app and the passkey app."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import subprocess
import threading
from typing import Iterator

from tests.test_js_clients import JS


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002
        pass

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        super().end_headers()


def bundle(app: str, out: str) -> str:
    """tests/js/<app>/app.mjs bundled with esbuild, beside its index.html, into `out`: the folder."""
    esbuild = os.path.join(JS, "node_modules", ".bin", "esbuild")
    result = subprocess.run([esbuild, f"{app}/app.mjs", "--bundle", "--minify", "--format=esm", f"--outdir={out}",
                             "--log-level=warning"], cwd=JS, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    shutil.copy(os.path.join(JS, app, "index.html"), out)
    return out


@contextlib.contextmanager
def served(folder) -> Iterator[int]:
    """The folder served on 127.0.0.1 (so http://localhost:<port>/ too): the port."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
