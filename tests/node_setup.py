"""Node.js for the tests that need it: the machine's node, and npm packages installed from a folder's lock file."""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import tempfile

import pytest

STAMP = ".installed-lock"  # node_modules/.installed-lock: the lock file it was installed from (the Makefile writes it too)


def node_or_skip(what: str) -> str:
    """The path of node (and npm), or a skip; a failure where REQUIRE_NODE=1 (CI) says Node must be there."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        if os.environ.get("REQUIRE_NODE") == "1":
            pytest.fail(f"{what} are required here but node or npm is missing")
        pytest.skip(f"node and npm are needed for {what}")
    return node


def npm_ci(folder: str) -> None:
    """`npm ci` in `folder` unless its node_modules was installed from the same lock file."""
    lock = os.path.join(folder, "package-lock.json")
    stamp = os.path.join(folder, "node_modules", STAMP)
    with open(lock, "rb") as handle:
        wanted = handle.read()
    # One install at a time: pytest-xdist workers each get here, and two `npm ci` at once break node_modules.
    guard = os.path.join(tempfile.gettempdir(), f"npm-ci-{hashlib.sha256(folder.encode()).hexdigest()[:16]}.lock")
    with open(guard, "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        if not os.path.exists(stamp) or open(stamp, "rb").read() != wanted:
            result = subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=folder,
                                    capture_output=True, text=True, timeout=600)
            assert result.returncode == 0, result.stderr
            with open(stamp, "wb") as handle:
                handle.write(wanted)


NODE_FOLDERS = [os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), folder)
                for folder in ("emulator/services/functions/node_worker", "triggers/js")]


def node_functions_ready() -> str:
    """node, with the function runner's packages (esbuild, the runtime's AWS SDK) and the shipped JavaScript
    handlers' packages installed."""
    node = node_or_skip("the Node.js function tests")
    for folder in NODE_FOLDERS:
        npm_ci(folder)
    return node
