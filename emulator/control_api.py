"""The emulator's own endpoints, all under /_emulator/: health, the clock, the SMS and email inboxes,
the trigger invocations.

Errors here use the same `{"__type", "message"}` shape as the Cognito endpoint.
"""

from __future__ import annotations

import math

from flask import Blueprint, jsonify, request

from emulator import errors
from emulator.operations.mfa_settings import SOFTWARE_TOKEN
from emulator.operations.software_tokens import PENDING
from emulator.operations.users import (
    CONFIRMED, UNCONFIRMED, find_user, new_user, new_user_attributes, unique_attributes,
)
from emulator.protocol.dispatch import current_services
from emulator.services import Services, totp
from emulator.services.messages import EMAIL, SMS, email_view, sms_view
from emulator.services.store import SCHEMA_VERSION, AttributeTaken, UsernameTaken

control_api = Blueprint("control_api", __name__, url_prefix="/_emulator")


def bad_request(message: str):
    return jsonify({"__type": "InvalidParameterException", "message": message}), 400


@control_api.get("/health")
def health():
    services = current_services()
    return jsonify({"status": "ok", "region": services.settings.region, "schema_version": SCHEMA_VERSION,
                    "endpoint": services.settings.base_url})


def _clock_state(services: Services) -> dict:
    return {"now": services.clock.now(), "offset_seconds": services.clock.offset}


@control_api.get("/clock")
def get_clock():
    return jsonify(_clock_state(current_services()))


@control_api.post("/clock")
def advance_clock():
    """Advance emulator time: JSON `{"seconds": N}` or `?seconds=N`."""
    # force: `curl -d '{"seconds": 60}'` sends it as a form; the body is JSON whatever its Content-Type says.
    body = request.get_json(force=True, silent=True) if request.content_length else None
    seconds = body.get("seconds") if isinstance(body, dict) else request.args.get("seconds")
    try:
        seconds = float(seconds)
    except (TypeError, ValueError):
        return bad_request('Give the seconds to advance as JSON {"seconds": N} or ?seconds=N.')
    if not math.isfinite(seconds) or seconds < 0:
        return bad_request("seconds must be a finite number >= 0: the emulator clock only moves forward.")
    services = current_services()
    services.clock.advance(seconds)
    return jsonify(_clock_state(services))


@control_api.delete("/clock")
def reset_clock():
    """Emulator time back to this machine's time (the offset, kept with the data directory, back to 0)."""
    services = current_services()
    services.clock.reset()
    return jsonify(_clock_state(services))


# -- inboxes -----------------------------------------------------------------------

INBOXES = {"sms": (SMS, "phone_number", sms_view), "email": (EMAIL, "email", email_view)}


def _destination(value: str | None, key: str) -> str | None:
    if value is None:
        return None
    if key == "phone_number" and value[:1] == " " and value[1:].isdigit():
        return "+" + value[1:]  # an unencoded '+' in a query string arrives as a space
    return value


def _known_arguments(allowed: set[str]) -> None:
    unknown = set(request.args) - allowed
    if unknown:
        raise ValueError(f"Unknown parameter(s): {', '.join(sorted(unknown))}. Known: {', '.join(sorted(allowed))}.")


def _listing_arguments(allowed: set[str]) -> tuple[int, int | None]:
    """`since` and `latest` of a listing, after checking no unknown parameter was given."""
    _known_arguments(allowed | {"since", "latest"})
    try:
        since = int(request.args.get("since", 0))
        latest = request.args.get("latest")
        latest = int(latest) if latest is not None else None
    except ValueError:
        since = latest = -1
    if since < 0 or (latest is not None and latest < 1):
        raise ValueError("since must be an id (>= 0) and latest a count (>= 1).")
    return since, latest


def _contains(key: str) -> str | None:
    """?contains= : part of a number or address. A number's spaces, dashes, dots and brackets are dropped, so
    `98765 43210` finds +919876543210."""
    value = (request.args.get("contains") or "").strip()
    if key == "phone_number":
        value = "".join(character for character in value if character not in " -.()")
    return value or None


@control_api.get("/totp")
def current_totp():
    """The code the user's authenticator app would show now (at the emulator clock), so a test or a developer
    needs no phone: `?username=...&pool_id=...`. For a verified software token, or one associated by access token
    and not verified yet (`verified` false); a secret handed out mid-sign-in (MFA_SETUP) is in the app's hands only
    until VerifySoftwareToken makes it the user's."""
    services = current_services()
    username, pool_id = request.args.get("username"), request.args.get("pool_id")
    if not username or not pool_id:
        return bad_request("username and pool_id are required.")
    pool = services.store.get_pool(pool_id)
    user = find_user(services, pool, username) if pool else None
    if user is None:
        return jsonify({"__type": "UserNotFoundException", "message": "User does not exist."}), 404
    secret = (user.get(SOFTWARE_TOKEN) or {}).get("Secret") or user.get(PENDING)
    if not secret:
        return jsonify({"__type": "SoftwareTokenMFANotFoundException",
                        "message": "The user has no software token."}), 404
    now = services.clock.now()
    return jsonify({"username": user["Username"], "code": totp.code_at(secret, now),
                    "seconds_left": totp.seconds_left(now), "verified": bool(user.get(SOFTWARE_TOKEN))})


@control_api.get("/<any(sms, email):inbox>")
def list_inbox(inbox: str):
    """Messages oldest first. ?<phone_number|email>= one destination; ?contains= destinations holding that
    text; ?since=<id> only newer ones (for polling); ?latest=N only the newest N."""
    medium, key, view = INBOXES[inbox]
    try:
        since, latest = _listing_arguments({key, "contains"})
    except ValueError as error:
        return bad_request(str(error))
    destination = _destination(request.args.get(key), key)
    messages = current_services().store.list_messages(medium, destination, since, latest, _contains(key))
    return jsonify({"messages": [view(message) for message in messages]})


@control_api.delete("/<any(sms, email):inbox>")
def clear_inbox(inbox: str):
    """Delete every message, or those of one destination (or of the destinations holding ?contains=)."""
    medium, key, _ = INBOXES[inbox]
    try:
        _known_arguments({key, "contains"})
    except ValueError as error:
        return bad_request(str(error))
    deleted = current_services().store.delete_messages(medium, _destination(request.args.get(key), key),
                                                       _contains(key))
    return jsonify({"deleted": deleted})


# -- trigger invocations ---------------------------------------------------------------


@control_api.get("/triggers")
def list_triggers():
    """Every function invocation, newest last: function, trigger, triggerSource, event, response, error,
    duration. ?username= one user's (the event's userName); ?since=<id>; ?latest=N."""
    try:
        since, latest = _listing_arguments({"username"})
    except ValueError as error:
        return bad_request(str(error))
    invocations = current_services().store.list_trigger_invocations(request.args.get("username"), since, latest)
    return jsonify({"invocations": invocations})


@control_api.delete("/triggers")
def clear_triggers():
    return jsonify({"deleted": current_services().store.delete_trigger_invocations()})


# -- bulk import ---------------------------------------------------------------------------

BULK_LIMIT = 10_000


@control_api.post("/pools/<pool_id>/users")
def import_users(pool_id: str):
    """Add many users at once, for fixtures and benchmarks: no triggers, no messages, one transaction.

    Body: {"users": [{"username": "+919876543210", "attributes": {"name": "..."}, "status": "CONFIRMED",
    "password": "optional"}]}, at most 10,000 a request. Users without a password can sign in only with
    custom auth. All are added, or none (a taken name is a 400).
    """
    services = current_services()
    pool = services.store.get_pool(pool_id)
    if pool is None:
        return jsonify({"__type": "ResourceNotFoundException", "message": f"User pool {pool_id} does not exist."}), 404
    body = request.get_json(silent=True)
    items = body.get("users") if isinstance(body, dict) else None
    if not isinstance(items, list) or not 0 < len(items) <= BULK_LIMIT:
        return bad_request(f'Expected {{"users": [...]}} with 1 to {BULK_LIMIT} users.')
    now = services.clock.now()
    users = []
    try:
        for item in items:
            if not isinstance(item, dict) or not isinstance(item.get("username"), str):
                return bad_request('Each user needs a "username" string.')
            status = item.get("status", CONFIRMED)
            if status not in (CONFIRMED, UNCONFIRMED):
                return bad_request("status must be CONFIRMED or UNCONFIRMED.")
            attributes = item.get("attributes") or {}
            if not isinstance(attributes, dict) or not all(isinstance(v, str) for v in attributes.values()):
                return bad_request("attributes must map names to strings.")
            # A confirmed user's phone number or email counts as verified, unless the item says otherwise.
            username, merged = new_user_attributes(pool, item["username"], attributes,
                                                   verified="true" if status == CONFIRMED else "false")
            password = item.get("password")
            users.append(new_user(pool, username, merged, status, now,
                                  password=password if isinstance(password, str) else None))
        services.store.insert_users(pool_id, users, unique_attributes(pool))
    except errors.CognitoError as error:
        return bad_request(error.message)
    except (UsernameTaken, AttributeTaken) as taken:
        return bad_request(f"Not imported: {taken} is taken.")
    return jsonify({"created": len(users)})
