"""An emulator running inside the current process, on its own thread and port.

    with EmbeddedEmulator() as emulator:
        client = emulator.client("cognito-idp")

Used by the tests and the pytest plugin.
"""

from __future__ import annotations

import dataclasses
import io
import sys

from urllib.parse import urlsplit

import boto3
import botocore.config
from botocore import UNSIGNED
from botocore.awsrequest import AWSResponse

from emulator.app import create_app, reset, services_of
from emulator.services import Services
from emulator.server import Server, TlsServer
from emulator.settings import Settings

DUMMY_CREDENTIALS = {"aws_access_key_id": "AKIAEMULATOR", "aws_secret_access_key": "emulator-secret"}


class EmbeddedEmulator:
    def __init__(self, settings: Settings | None = None, seed_config: dict | None = None):
        # A copy, because the bound port is written back into it; port 0 = any free port.
        settings = dataclasses.replace(settings) if settings else Settings(data=":memory:", port=0)
        self.settings = settings
        self.app = create_app(settings, seed_config=seed_config)
        self.server = Server(self.app, settings.host, settings.port)
        settings.port = self.server.port
        self.server.start()
        self.tls_server = None
        self.tls_files = None
        if settings.tls_port is not None:
            from emulator import tls  # loaded when needed: cryptography's X.509 code is slow to import

            self.tls_files = tls.certificates(settings.tls_dir or tls.default_directory(settings.data))
            self.tls_server = TlsServer(self.app, settings.host, settings.tls_port, self.tls_files.certificate,
                                        self.tls_files.key).start()
            settings.tls_port = self.tls_server.port

    @property
    def url(self) -> str:
        return self.settings.listen_url

    @property
    def services(self) -> Services:
        return services_of(self.app)

    def client(self, service: str = "cognito-idp", direct: bool = False, **config):
        """A boto3 client pointed at this emulator, with dummy credentials and no retries.

        `direct=True` hands each request straight to the app in this process instead of over a socket:
        the same request, validation, operation and response, without the HTTP round trip. Such a client
        does not sign its requests (the emulator accepts any credentials; SigV4 was a tenth of its time).
        """
        if direct:
            config.setdefault("signature_version", UNSIGNED)
        client = boto3.client(
            service,
            endpoint_url=self.url,
            region_name=self.settings.region,
            # total_max_attempts counts the first try: no retry (botocore's max_attempts of 1 would be one retry,
            # and a retried LimitExceededException would count twice against the per-user limits).
            config=botocore.config.Config(retries={"total_max_attempts": 1, "mode": "standard"}, **config),
            **DUMMY_CREDENTIALS,
        )
        if direct:
            client.meta.events.register_first("before-send", self._send_directly)
        return client

    def _send_directly(self, request, **kwargs):
        """botocore's before-send hook: answer in this process, as the server would, without a socket.
        A plain Cognito call goes where the server's WSGI app sends it (protocol.api.CognitoCalls); anything
        else goes through the whole WSGI app."""
        body = request.body.read() if hasattr(request.body, "read") else (request.body or b"")
        if isinstance(body, str):
            body = body.encode()
        split = urlsplit(request.url)
        cognito_calls = self.app.wsgi_app
        target = _text(request.headers.get("X-Amz-Target"))
        if cognito_calls.handles(request.method, split.path or "/", target, str(len(body))):
            status, headers, data = cognito_calls.call(target, body, _text(request.headers.get("Origin")),
                                                       (_text(request.headers.get("X-Amz-User-Agent")),
                                                        _text(request.headers.get("User-Agent"))))
            return AWSResponse(request.url, status, dict(headers), _Raw(data))
        environ = {
            "REQUEST_METHOD": request.method, "SCRIPT_NAME": "", "PATH_INFO": split.path or "/",
            "QUERY_STRING": split.query, "SERVER_NAME": self.settings.host, "SERVER_PORT": str(self.settings.port),
            "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1", "CONTENT_LENGTH": str(len(body)),
            "wsgi.version": (1, 0), "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr,
            "wsgi.multithread": True, "wsgi.multiprocess": False, "wsgi.run_once": False,
        }
        for name, value in request.headers.items():
            key = name.upper().replace("-", "_")
            environ[key if key == "CONTENT_TYPE" else f"HTTP_{key}"] = _text(value)
        answer = {}

        def start_response(status, headers, exc_info=None):
            answer["status"], answer["headers"] = int(status.split(" ", 1)[0]), dict(headers)

        chunks = self.app(environ, start_response)
        try:
            data = b"".join(chunks)
        finally:
            getattr(chunks, "close", lambda: None)()
        return AWSResponse(request.url, answer["status"], answer["headers"], _Raw(data))

    def reset(self) -> None:
        """Back to a fresh state (see emulator.app.reset); milliseconds for an in-memory emulator."""
        reset(self.app)

    def stop(self) -> None:
        if self.tls_server is not None:
            self.tls_server.close()
        self.server.close()
        self.services.functions.close()
        self.services.store.close()

    def __enter__(self) -> "EmbeddedEmulator":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def _text(value: str | bytes | None) -> str | None:
    return value.decode() if isinstance(value, bytes) else value


class _Raw:
    """The body of a direct response, in the shape botocore reads."""

    def __init__(self, data: bytes):
        self._data = data

    def stream(self, **kwargs):
        yield self._data

    def read(self, *args, **kwargs) -> bytes:
        data, self._data = self._data, b""
        return data
