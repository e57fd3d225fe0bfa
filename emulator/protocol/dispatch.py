"""The one path every Cognito call takes, whoever makes it: validate → operation → check the answer.

A client over HTTP, the in-process pytest client (both through `api.answer`), the seed configuration and the
dashboard's buttons all call `Dispatcher.call`. The operations are handed in by the application factory, so this
layer knows them only by name.
"""

from __future__ import annotations

from typing import Callable, Mapping

from flask import current_app

from emulator import errors
from emulator.protocol.model import operation_model
from emulator.protocol.validation import output_problems, validate_input
from emulator.services import Services

Operation = Callable[[Services, dict], dict]
EXTENSION = "cognito_emulator"  # the app's Dispatcher, in app.extensions


class Dispatcher:
    def __init__(self, operations: Mapping[str, Operation], services: Services):
        self.operations = operations
        self.services = services

    def validated(self, name: str, params) -> dict:
        """The request's parameters as the operation will get them: checked against botocore's model of
        Cognito, unknown members dropped. `name` must be an operation of Cognito's model."""
        return validate_input(operation_model(name).input_shape, params)

    def call(self, name: str, params) -> dict:
        """Run Cognito operation `name`; its errors are raised as `errors.CognitoError`."""
        model = operation_model(name)
        function = self.operations.get(name)
        if function is None:
            raise errors.UnsupportedOperationException(f"The emulator does not implement {name} yet.")
        result = function(self.services, validate_input(model.input_shape, params))
        if self.services.settings.check_responses:
            problems = output_problems(model.output_shape, result)
            if problems:
                raise AssertionError(f"{name} answered outside its output shape: {problems}")
        return result


def current_dispatcher() -> Dispatcher:
    """The Dispatcher of the Flask app handling the request in hand."""
    return current_app.extensions[EXTENSION]


def current_services() -> Services:
    return current_dispatcher().services
