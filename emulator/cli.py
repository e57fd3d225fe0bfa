"""`python -m emulator` / `cognito-emulator`: start the emulator in the foreground."""

from __future__ import annotations

import argparse
import dataclasses
import logging
import os
import secrets
import signal
import sys

from emulator import seed
from emulator.app import create_app, services_of
from emulator.server import Server, TlsServer, WorkerProcessServer, granian_available
from emulator.services.store import DataDirectoryError
from emulator.services.functions import add_search_path
from emulator.settings import DEFAULT_PORT, ISSUERS, Settings


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="cognito-emulator",
        description="A local Amazon Cognito user-pool emulator for custom (SMS one-time-code) authentication.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port to bind (default {DEFAULT_PORT}; 0 = any free port)")
    parser.add_argument("--data", default="./.emulator",
                        help="data directory for the SQLite database (default ./.emulator; ':memory:' keeps nothing)")
    parser.add_argument("--config", default=None, help="seed configuration file (default: the shipped otp-demo pool)")
    parser.add_argument("--no-seed", action="store_true", help="start without any seeded pool")
    parser.add_argument("--region", default="us-east-1", help="region in pool ids and ARNs (default us-east-1)")
    parser.add_argument("--public-url", default=None, help="base URL clients use, if not http://HOST:PORT")
    parser.add_argument("--issuer", default="cognito", choices=ISSUERS,
                        help="token iss: cognito = https://cognito-idp.<region>.amazonaws.com/<pool id> as Cognito "
                             "mints it (default); emulator = <public URL>/<pool id>, for OIDC discovery clients")
    parser.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"],
                        help="INFO logs one line per request; WARNING only problems")
    parser.add_argument("--check-config", action="store_true",
                        help="check the configuration (keys, values, handlers) the way a start would, then exit: "
                             "0 if it would start, 2 with the reasons if not")
    parser.add_argument("--tls-port", type=int, default=None,
                        help="also serve HTTPS on this port (0 = any free port), with a certificate for localhost from "
                             "a local CA kept in <data>/tls (trust its ca.pem once); the managed login needs it for "
                             "Amplify, which builds https:// URLs")
    parser.add_argument("--http-server", choices=["granian", "waitress"], default=None,
                        help="the HTTP server: granian (default where it is installed and processes start by fork; "
                             "Rust, a quarter of waitress's CPU a call, the app in a worker process) or waitress "
                             "(pure Python, in this process)")
    parser.add_argument("--insecure", action="store_true",
                        help="bound beyond loopback, do not require the control token for the emulator's own writes")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # Handlers are looked up in the current directory as `python -m emulator` would; the `cognito-emulator` script
    # alone would not (the configuration file's directory still comes first).
    add_search_path(os.getcwd())
    logging.basicConfig(level=args.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # Handlers create boto3 clients; botocore's own notes about where it found credentials are noise here.
    logging.getLogger("botocore").setLevel(max(logging.WARNING, logging.getLogger().level))
    settings = Settings(host=args.host, port=args.port, data=args.data, config=args.config, region=args.region,
                        public_url=args.public_url, issuer=args.issuer, tls_port=args.tls_port)
    if not settings.loopback_only:
        print(f"WARNING: binding {args.host} lets other machines reach this emulator: its users and SMS codes. "
              "Use it only on a network you trust.", file=sys.stderr)
        if not args.insecure:
            settings.control_token = secrets.token_urlsafe(18)
    if args.check_config:
        return check_config(settings, args.no_seed)
    if args.http_server == "granian" and not granian_available():
        print("error: --http-server granian needs granian installed and processes started by fork (Linux)",
              file=sys.stderr)
        return 2
    if args.http_server != "waitress" and granian_available():
        return serve_on_granian(args, settings)
    try:
        server = None
        app = create_app(settings, seed_config={} if args.no_seed else None)
        server = Server(app, settings.host, settings.port)
        settings.port = server.port
        tls_server, tls_files = start_tls(app, settings)
    except (seed.SeedError, DataDirectoryError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"error: cannot listen on {settings.host}:{settings.tls_port if server else settings.port}: {error}",
              file=sys.stderr)
        return 2
    # SIGTERM stops the server gracefully: no new connections, requests in flight finish, the database closes.
    signal.signal(signal.SIGTERM, lambda signum, frame: server.close())
    print(banner(app, settings, tls_files.ca if tls_files else None), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        if tls_server is not None:
            tls_server.close()
        services_of(app).functions.close()
        services_of(app).store.close()
        logging.getLogger("emulator").info("stopped")
    return 0


def start_tls(app, settings: Settings):
    """The HTTPS listener beside the HTTP one, if asked for: (server, certificate files), its port written back
    into settings; (None, None) if not."""
    if settings.tls_port is None:
        return None, None
    from emulator import tls  # cryptography's X.509 code is a tenth of the start: loaded when needed

    tls_files = tls.certificates(tls.default_directory(settings.data))
    tls_server = TlsServer(app, settings.host, settings.tls_port, tls_files.certificate, tls_files.key).start()
    settings.tls_port = tls_server.port
    return tls_server, tls_files


def serve_on_granian(args: argparse.Namespace, settings: Settings) -> int:
    """Serve from granian's worker process, which builds the app, starts the HTTPS listener and prints the banner;
    this process holds the port, waits, and passes SIGTERM on (granian drains the worker)."""
    try:
        server = WorkerProcessServer(settings.host, settings.port)
    except OSError as error:
        print(f"error: cannot listen on {settings.host}:{settings.port}: {error}", file=sys.stderr)
        return 2
    settings.port = server.port

    def build():
        # As the waitress path above starts, but in granian's worker, where a failure ends the worker with status 2.
        try:
            app = create_app(settings, seed_config={} if args.no_seed else None)
            tls_files = start_tls(app, settings)[1]
        except (seed.SeedError, DataDirectoryError) as error:
            print(f"error: {error}", file=sys.stderr, flush=True)
            raise SystemExit(2) from None
        except OSError as error:
            print(f"error: cannot listen on {settings.host}:{settings.tls_port}: {error}", file=sys.stderr, flush=True)
            raise SystemExit(2) from None
        print(banner(app, settings, tls_files.ca if tls_files else None), flush=True)
        return app

    def finish(app):
        services_of(app).functions.close()
        services_of(app).store.close()

    try:
        status = server.serve(build, finish)
    except KeyboardInterrupt:
        status = 0
    if status == 0:
        logging.getLogger("emulator").info("stopped")
    return status


def check_config(settings: Settings, no_seed: bool) -> int:
    """Everything a start does with the configuration, on a throw-away in-memory store, without listening."""
    try:
        app = create_app(dataclasses.replace(settings, data=":memory:"), seed_config={} if no_seed else None)
    except seed.SeedError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    seeded = app.extensions["cognito_emulator_seeded"]
    functions = services_of(app).functions.names()
    print(f"configuration {settings.config or '(the shipped default)'} is valid: {len(seeded)} user pool(s), "
          f"{sum(len(pool.clients) for pool in seeded)} app client(s), {len(functions)} function(s)")
    services_of(app).store.close()
    return 0


def banner(app, settings: Settings, ca: str | None = None) -> str:
    lines = [f"Cognito emulator listening on {settings.base_url}" +
             (f" and {settings.tls_url}" if settings.tls_url else ""),
             f"  data: {settings.data}"]
    if ca:
        from emulator import tls

        lines += tls.trust_lines(ca)
    for seeded in app.extensions["cognito_emulator_seeded"]:
        lines.append(f"  user pool {seeded.pool['Name']}: {seeded.pool['Id']}")
        for client in seeded.clients:
            lines.append(f"    app client {client['ClientName']}: {client['ClientId']}")
    if settings.control_token:
        lines.append(f"  control token (for /_emulator/ writes and the dashboard's buttons): {settings.control_token}")
        lines.append(f"  web page: {settings.base_url}/?token={settings.control_token}")
    else:
        lines.append(f"  web page: {settings.base_url}/")
    offset = services_of(app).clock.offset
    if offset:
        lines.append(f"  clock: {offset:g} seconds ahead of this machine, kept from an earlier run "
                     f"(DELETE {settings.base_url}/_emulator/clock resets it)")
    lines.append(f"export AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER={settings.base_url}")
    return "\n".join(lines)
