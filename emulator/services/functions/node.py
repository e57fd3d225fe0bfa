"""Node.js functions, run as Lambda's Node.js runtimes run them: `.js`, `.mjs`, `.cjs` and TypeScript handlers,
unchanged, in long-lived `node` workers (node_worker/worker.cjs).

Each worker is one warm execution environment of one function: it loads the handler once, then takes one
invocation at a time, as a Lambda environment does. A function gets a further worker when all of its workers
are busy (several sign-ins at once), up to MAX_WORKERS. A worker whose function times out, crashes or fails to
load is stopped; the next invocation starts a fresh one, as Lambda starts a fresh environment. Workers end with
the emulator (and on their own when it goes, as their stdin closes).
"""

from __future__ import annotations

import collections
import json
import logging
import os
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from emulator.services.functions.base import (FunctionError, FunctionImportError, FunctionThrottled, NoAnswerInTime,
                                              arn, timed_out)

log = logging.getLogger("emulator.functions")

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "node_worker")
WORKER = os.path.join(HERE, "worker.cjs")
RUNTIME_MODULES = os.path.join(HERE, "node_modules")
MAX_WORKERS = 8  # per function; more concurrent invocations wait for one to be free
EXTENSIONS = ("", ".js", ".mjs", ".cjs", ".ts", ".mts", ".cts")  # Lambda's search order, then TypeScript's


def node_executable() -> str | None:
    return os.environ.get("COGNITO_EMULATOR_NODE") or shutil.which("node")


@dataclass
class NodeFunction:
    name: str
    runtime: str
    code: str  # the function's folder, absolute
    handler: str  # "<file>.<export>", as Lambda's Handler
    environment: dict[str, str] = field(default_factory=dict)
    timeout_seconds: float = 3.0  # Lambda's default
    _pool: "WorkerPool | None" = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def check(self) -> None:
        """What can be known without running it: node, the folder, the handler's file, esbuild for TypeScript."""
        where = f'function "{self.name}" ({self.runtime})'
        if node_executable() is None:
            raise FunctionImportError(f"{where} needs Node.js, and no `node` was found on PATH: install Node.js 18 "
                                      "or newer (or set COGNITO_EMULATOR_NODE to its path)")
        if not os.path.isdir(self.code):
            raise FunctionImportError(f'{where}: code folder "{self.code}" does not exist')
        directory, _, file_and_export = self.handler.rpartition("/")
        module, dot, export = file_and_export.partition(".")
        if not dot or not module or not export or ".." in self.handler:
            raise FunctionImportError(f'{where}: handler "{self.handler}" is not "<file>.<export>", e.g. '
                                      '"index.handler"')
        base = os.path.join(self.code, directory, module)
        found = next((base + extension for extension in EXTENSIONS if os.path.exists(base + extension)), None)
        if found is None:
            raise FunctionImportError(f'{where}: handler "{self.handler}" names {module}, but none of '
                                      f"{', '.join(module + e for e in EXTENSIONS[1:])} is in {os.path.join(self.code, directory)}")
        if found.endswith("ts") and not _esbuild_installed(found):
            raise FunctionImportError(f"{where}: {os.path.basename(found)} is TypeScript, compiled with esbuild, which "
                                      f"is not installed: run `make run` once (npm ci in {HERE}), or npm install "
                                      "esbuild in the function's project")

    def run(self, event: Any, *, variables: dict[str, str | None], logs: list[str], request_id: str, region: str,
            account_id: str, wait_limit: float | None = None) -> Any:
        with self._lock:
            if self._pool is None:
                self._pool = WorkerPool(self)
            pool = self._pool
        return pool.invoke(Invocation(event, self, request_id, region, account_id, logs), variables, wait_limit)

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.close()


def _esbuild_installed(file: str) -> bool:
    directory = os.path.dirname(file)
    candidates = [RUNTIME_MODULES]
    while True:
        candidates.append(os.path.join(directory, "node_modules"))
        if os.path.dirname(directory) == directory:
            break
        directory = os.path.dirname(directory)
    return any(os.path.isdir(os.path.join(folder, "esbuild")) for folder in candidates)


class WorkerPool:
    """The warm workers of one function."""

    def __init__(self, function: NodeFunction):
        self.function = function
        self.idle: list[Worker] = []
        self.workers: set[Worker] = set()  # idle and busy, so that closing stops a spinning one too
        self.closed = False
        self.changed = threading.Condition()
        self.cache = tempfile.mkdtemp(prefix=f"cognito-emulator-{function.name}-")  # compiled TypeScript

    def invoke(self, invocation: "Invocation", variables: dict, wait_limit: float | None) -> Any:
        """The function's answer. A caller with a `wait_limit` (Cognito) that runs out, waiting for a free worker
        or for the function, gets NoAnswerInTime; one without waits up to the function's timeout for a worker,
        then is throttled as Lambda throttles."""
        asked = time.monotonic()
        timeout = self.function.timeout_seconds
        if wait_limit is None:
            worker = self._acquire(variables, asked + timeout, FunctionThrottled)
            wait = timeout
        else:
            worker = self._acquire(variables, asked + wait_limit, NoAnswerInTime)
            wait = min(timeout, max(0.0, asked + wait_limit - time.monotonic()))
        worker.start(invocation, on_done=self._release)
        if not invocation.done.wait(wait):
            if wait < timeout:
                # The caller gives up; the function runs on to its own timeout, as in Lambda.
                threading.Thread(target=worker.expire_at, args=(invocation,), daemon=True).start()
                raise NoAnswerInTime()
            worker.expire(invocation)
        if invocation.error is not None:
            raise invocation.error
        return invocation.result

    def _acquire(self, variables: dict, deadline: float, too_long: type[Exception]) -> "Worker":
        dead = []
        try:
            with self.changed:
                while True:
                    if self.closed:
                        raise FunctionError("Runtime.ExitError", "the emulator is stopping")
                    while self.idle:
                        worker = self.idle.pop()
                        if worker.usable():
                            return worker
                        self.workers.discard(worker)  # ended while idle (an error thrown after it answered)
                        dead.append(worker)
                    if len(self.workers) < MAX_WORKERS:
                        break
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        raise too_long()
                    self.changed.wait(remaining)
                worker = Worker(self.function, variables, self.cache)
                self.workers.add(worker)
                return worker
        finally:
            for worker in dead:
                worker.stop()

    def _release(self, worker: "Worker") -> None:
        with self.changed:
            keep = worker.usable() and not self.closed
            if keep:
                self.idle.append(worker)
            else:
                self.workers.discard(worker)
            self.changed.notify()
        if not keep:
            worker.stop()

    def close(self) -> None:
        with self.changed:
            self.closed = True
            workers, self.workers, self.idle = list(self.workers), set(), []
            self.changed.notify_all()
        for worker in workers:
            worker.stop()
        shutil.rmtree(self.cache, ignore_errors=True)


class Invocation:
    def __init__(self, event: Any, function: NodeFunction, request_id: str, region: str, account_id: str,
                 logs: list[str]):
        self.event = event
        self.request_id = request_id
        self.started = time.monotonic()
        self.deadline_ms = int(time.time() * 1000 + function.timeout_seconds * 1000)
        self.fields = {
            "functionName": function.name, "functionVersion": "$LATEST",
            "invokedFunctionArn": arn(region, account_id, function.name), "memoryLimitInMB": "128",
            "awsRequestId": self.request_id, "logGroupName": f"/aws/lambda/{function.name}",
            "logStreamName": f"emulator/{self.request_id}",
        }
        self.logs = logs
        self.result: Any = None
        self.error: Exception | None = None
        self.done = threading.Event()


class Worker:
    """One `node` process running node_worker/worker.cjs for one function."""

    def __init__(self, function: NodeFunction, variables: dict, cache: str):
        self.function = function
        self.current: Invocation | None = None
        self.on_done = None
        self.unclaimed_logs: list[str] = []  # printed while loading or between invocations: go with the next one
        self.output_tail: collections.deque[str] = collections.deque(maxlen=20)
        self.alive = True
        self.lock = threading.Lock()
        read_end, write_end = os.pipe()
        options = {"replyFd": write_end, "codeDir": function.code, "handler": function.handler, "cacheDir": cache}
        environment = {key: value for key, value in variables.items() if value is not None}
        try:
            self.process = subprocess.Popen(
                [node_executable() or "node", WORKER, json.dumps(options)], cwd=function.code, env=environment,
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, pass_fds=(write_end,))
        except OSError as error:
            os.close(read_end)
            raise FunctionError("Runtime.ExitError", f"cannot start node: {error}") from None
        finally:
            os.close(write_end)
        self.replies = os.fdopen(read_end, "rb")
        threading.Thread(target=self._read_replies, name=f"node-{function.name}", daemon=True).start()
        self.output_reader = threading.Thread(target=self._read_output, name=f"node-{function.name}-output",
                                              daemon=True)
        self.output_reader.start()

    def usable(self) -> bool:
        return self.alive and self.process.poll() is None

    def start(self, invocation: Invocation, on_done) -> None:
        invocation.started = time.monotonic()
        with self.lock:
            self.current, self.on_done = invocation, on_done
            invocation.logs.extend(self.unclaimed_logs)
            self.unclaimed_logs.clear()
        request = {"id": invocation.request_id, "event": invocation.event,
                   "context": {"fields": invocation.fields, "deadline": invocation.deadline_ms}}
        try:
            self.process.stdin.write(json.dumps(request).encode() + b"\n")
            self.process.stdin.flush()
        except (OSError, ValueError):
            self._finish(invocation, error=self._exit_error(invocation))

    def expire(self, invocation: Invocation) -> None:
        """The function ran out of time: Lambda stops its environment."""
        with self.lock:
            if invocation.done.is_set():
                return
            # Decided under the lock the reply takes too: an answer arriving now finds the worker condemned, so it
            # cannot go back to the pool; and the timeout is reported before the kill, not taken for a crash.
            self.alive = False
        self._finish(invocation, error=timed_out(invocation.request_id, self.function.timeout_seconds))
        self.stop()

    def expire_at(self, invocation: Invocation) -> None:
        remaining = invocation.started + self.function.timeout_seconds - time.monotonic()
        if not invocation.done.wait(max(0.0, remaining)):
            self.expire(invocation)

    def stop(self) -> None:
        self.alive = False
        if self.process.poll() is None:
            self.process.kill()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            pass
        for stream in (self.process.stdin, self.process.stdout):
            try:
                stream.close()
            except OSError:
                pass

    def _finish(self, invocation: Invocation, result: Any = None, error: Exception | None = None) -> None:
        with self.lock:
            if invocation.done.is_set():
                return
            invocation.result, invocation.error = result, error
            if self.current is invocation:
                self.current = None
            on_done = self.on_done
        invocation.done.set()
        if on_done is not None:
            on_done(self)

    def _read_replies(self) -> None:
        for line in self.replies:
            try:
                message = json.loads(line)
            except ValueError:
                continue
            with self.lock:
                invocation = self.current
            if "log" in message:
                text = message["log"]
                log.info("%s: %s", self.function.name, text)
                with self.lock:
                    if invocation is not None and message.get("id") in (None, invocation.request_id):
                        invocation.logs.append(text)
                    else:
                        self.unclaimed_logs.append(text)
                continue
            if message.get("fatal"):
                self.alive = False  # Lambda starts a fresh environment after a failed init or an uncaught error
            if invocation is None or not ("error" in message or "result" in message):
                continue
            if "error" in message:
                error = message["error"] or {}
                self._finish(invocation, error=FunctionError(str(error.get("errorType") or "Error"),
                                                             str(error.get("errorMessage") or ""),
                                                             error.get("trace") or []))
            else:
                self._finish(invocation, result=message.get("result"))
        # The worker has gone: crashed, exited, or stopped.
        self.alive = False
        with self.lock:
            invocation = self.current
        if invocation is not None:
            self._finish(invocation, error=self._exit_error(invocation))
        self.replies.close()

    def _read_output(self) -> None:
        """What the worker writes to its real stdout/stderr: node's own messages, and native code's output."""
        for raw in self.process.stdout:
            text = raw.decode(errors="replace").rstrip("\n")
            self.output_tail.append(text)
            log.warning("%s (node): %s", self.function.name, text)

    def _exit_error(self, invocation: Invocation) -> FunctionError:
        try:
            code = self.process.wait(2)
        except subprocess.TimeoutExpired:
            code = None
        status = "signal: killed" if code is not None and code < 0 else f"exit status {code}"
        self.output_reader.join(1)  # its last words, such as node's own report of a fatal error
        invocation.logs.extend(self.output_tail)
        return FunctionError("Runtime.ExitError",
                             f"RequestId: {invocation.request_id} Error: Runtime exited with error: {status}")
