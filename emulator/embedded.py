"""An emulator running inside the current process, on its own thread and port.

    with EmbeddedEmulator() as emulator:
        client = emulator.client("cognito-idp")

Used by the tests and the pytest plugin.
"""

from __future__ import annotations

import dataclasses

import boto3
import botocore.config

from emulator.app import create_app, reset, services_of
from emulator.operations import Services
from emulator.server import Server
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

    @property
    def url(self) -> str:
        return self.settings.listen_url

    @property
    def services(self) -> Services:
        return services_of(self.app)

    def client(self, service: str = "cognito-idp", **config):
        """A boto3 client pointed at this emulator, with dummy credentials and no retries."""
        return boto3.client(
            service,
            endpoint_url=self.url,
            region_name=self.settings.region,
            config=botocore.config.Config(retries={"max_attempts": 1, "mode": "standard"}, **config),
            **DUMMY_CREDENTIALS,
        )

    def reset(self) -> None:
        """Back to a fresh state (see emulator.app.reset); milliseconds for an in-memory emulator."""
        reset(self.app)

    def stop(self) -> None:
        self.server.close()
        self.services.store.close()

    def __enter__(self) -> "EmbeddedEmulator":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
