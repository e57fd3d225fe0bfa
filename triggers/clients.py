"""boto3 clients, created once per process as Lambda code should, and per endpoint so the same process
can serve several emulators (as test suites do). boto3 is imported on first use: the emulator imports every
handler at start, and boto3 would add a tenth of a second to it."""

import os

_clients: dict = {}


def client(service: str):
    import boto3.session

    endpoint_variable = "AWS_ENDPOINT_URL_" + {"cognito-idp": "COGNITO_IDENTITY_PROVIDER"}.get(service, service.upper())
    key = (service, os.environ.get(endpoint_variable) or os.environ.get("AWS_ENDPOINT_URL"), os.environ.get("AWS_REGION"))
    if key not in _clients:
        # A session of its own reads the environment as it is now, not as boto3's default session saw it.
        _clients[key] = boto3.session.Session().client(service)
    return _clients[key]
