"""The application factory: `create_app(settings)` wires services, blueprints and error handling."""

from __future__ import annotations

import os

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

from emulator import cors, guards, seed
from emulator.control_api import control_api
from emulator.hosted_login import hosted_login
from emulator.jwks import jwks
from emulator.lambda_api import lambda_api
from emulator.oauth_api import oauth_api
from emulator.operations import OPERATIONS
from emulator.protocol.api import CognitoCalls, cognito_api
from emulator.protocol.dispatch import EXTENSION, Dispatcher
from emulator.services import Services
from emulator.services.functions import python_environment
from emulator.services.clock import Clock
from emulator.services.functions import FunctionImportError, FunctionRegistry, add_search_path
from emulator.services.messages import Outbox
from emulator.services.store import Store
from emulator.services.tokens import TokenSigner
from emulator.services.triggers import Triggers
from emulator.settings import Settings
from emulator.web import web


def create_app(settings: Settings | None = None, *, seed_config: dict | None = None) -> Flask:
    """A ready emulator. The seed is `seed_config`, else the file `settings.config`, else the shipped default."""
    settings = settings or Settings()
    python_environment.install()  # before anything snapshots os.environ, so functions see their own variables
    config = seed_config if seed_config is not None else seed.load(settings.config)
    seed.check_keys(config)
    config = seed.with_placeholders(config, settings.region, settings.account_id)
    store = Store.open(settings.data)
    clock = Clock(offset=store.get_meta("clock_offset", 0.0),
                  on_change=lambda offset: store.set_meta("clock_offset", offset))  # kept across restarts
    functions = FunctionRegistry(
        settings.region, settings.account_id, endpoint=lambda: settings.base_url, clock=clock.now,
        recorder=lambda record: store.insert_trigger_invocation(record.get("pool_id"), record.get("username"), record),
    )
    base_dir = os.path.dirname(os.path.abspath(settings.config)) if settings.config else os.getcwd()
    if settings.config:
        add_search_path(base_dir)
    try:
        functions.load(config.get("functions", {}), base_dir)
        functions.resolve_all()
    except FunctionImportError as error:
        raise seed.SeedError(str(error)) from None
    services = Services(store=store, clock=clock, settings=settings, functions=functions,
                        triggers=Triggers(functions), outbox=Outbox(store, clock),
                        tokens=TokenSigner(store, lambda: settings.base_url, settings.issuer))
    dispatcher = Dispatcher(OPERATIONS, services)
    seeded = seed.apply(dispatcher, config)

    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    app.json.sort_keys = False
    app.extensions[EXTENSION] = dispatcher
    app.extensions["cognito_emulator_seeded"] = seeded
    app.extensions["cognito_emulator_config"] = config
    app.extensions["cognito_emulator_config_dir"] = base_dir
    app.register_blueprint(control_api)
    app.register_blueprint(web)
    app.register_blueprint(jwks)
    app.register_blueprint(lambda_api)
    app.register_blueprint(oauth_api)
    app.register_blueprint(hosted_login)
    app.register_blueprint(cognito_api)  # last: its POST rule matches every path
    cors.init_app(app, settings.loopback_only)
    guards.init_app(app, settings)
    app.wsgi_app = CognitoCalls(app.wsgi_app, dispatcher, settings.max_request_bytes,
                                lambda origin: cors.origin_headers(origin, settings.loopback_only))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        # Never an HTML error page: 404s, 405s and 413s are JSON too.
        name = "".join(word.capitalize() for word in (error.name or "Error").split())
        return jsonify({"__type": name, "message": error.description}), error.code

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        # The Cognito endpoint answers its own errors; this is for everything else (pages, control endpoints).
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        return jsonify({"__type": "InternalErrorException", "message": "Internal server error."}), 500

    return app


def services_of(app: Flask) -> Services:
    return app.extensions[EXTENSION].services


def reset(app: Flask) -> None:
    """Back to the state right after start: no users, messages, sessions or tokens, the configured
    functions only (Node.js workers stopped, so code is loaded afresh), the clock at wall time, and the seed
    applied afresh. For test isolation."""
    dispatcher: Dispatcher = app.extensions[EXTENSION]
    config = app.extensions["cognito_emulator_config"]
    dispatcher.services.store.reset()
    dispatcher.services.clock.reset()
    dispatcher.services.functions.load(config.get("functions", {}), app.extensions["cognito_emulator_config_dir"],
                                       replace=True)
    app.extensions["cognito_emulator_seeded"] = seed.apply(dispatcher, config)
