"""The emulator's own endpoints, all under /_emulator/: health and the clock.

Errors here use the same `{"__type", "message"}` shape as the Cognito endpoint.
"""

from __future__ import annotations

import math

from flask import Blueprint, current_app, jsonify, request

from emulator.operations import Services
from emulator.services.store import SCHEMA_VERSION

control_api = Blueprint("control_api", __name__, url_prefix="/_emulator")


def _services() -> Services:
    return current_app.extensions["cognito_emulator"]


def bad_request(message: str):
    return jsonify({"__type": "InvalidParameterException", "message": message}), 400


@control_api.get("/health")
def health():
    services = _services()
    return jsonify({"status": "ok", "region": services.settings.region, "schema_version": SCHEMA_VERSION,
                    "endpoint": services.settings.base_url})


def _clock_state(services: Services) -> dict:
    return {"now": services.clock.now(), "offset_seconds": services.clock.offset}


@control_api.get("/clock")
def get_clock():
    return jsonify(_clock_state(_services()))


@control_api.post("/clock")
def advance_clock():
    """Advance emulator time: JSON `{"seconds": N}` or `?seconds=N`."""
    body = request.get_json(silent=True) if request.content_length else None
    seconds = body.get("seconds") if isinstance(body, dict) else request.args.get("seconds")
    try:
        seconds = float(seconds)
    except (TypeError, ValueError):
        return bad_request('Give the seconds to advance as JSON {"seconds": N} or ?seconds=N.')
    if not math.isfinite(seconds) or seconds < 0:
        return bad_request("seconds must be a finite number >= 0: the emulator clock only moves forward.")
    services = _services()
    services.clock.advance(seconds)
    services.store.set_meta("clock_offset", services.clock.offset)  # survives a restart
    return jsonify(_clock_state(services))
