"""Cognito's API model, as botocore ships it: the source of every shape and constraint.

The model is read straight from botocore's data files into a few small classes with the same
attribute names as botocore.model's (type_name, metadata, enum, members, required_members, member,
key, value): importing botocore.model itself pulls in botocore's auth and HTTP layers, about
100 ms of the emulator's start for nothing it uses.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import os
from functools import cached_property, lru_cache

TARGET_PREFIX = "AWSCognitoIdentityProviderService."
SERVICE = "cognito-idp"
CONSTRAINTS = ("min", "max", "pattern", "sensitive")


# Where botocore's model contradicts itself and Cognito: DomainType's pattern allows no dot, but the same model's
# documentation (and AWS's guides) give `auth.example.com` as a custom domain for CreateUserPoolDomain. Dots between
# labels are allowed; a prefix domain with one is refused by the operation (docs/cognito-behaviour.md §16.1).
PATTERN_CORRECTIONS = {"DomainType": r"^[a-z0-9](?:[a-z0-9\-.]{0,61}[a-z0-9])?$"}


class Shape:
    def __init__(self, name: str, spec: dict):
        self.name = name
        # A Smithy document (a structure with the `document` trait, such as the passkey options) holds any JSON.
        self.type_name = "document" if spec.get("document") else spec["type"]
        self.metadata = {key: spec[key] for key in CONSTRAINTS if key in spec}
        if name in PATTERN_CORRECTIONS:
            self.metadata["pattern"] = PATTERN_CORRECTIONS[name]
        self.enum = spec.get("enum", [])
        self._spec = spec

    @cached_property  # read on every request's validation
    def members(self) -> dict[str, "Shape"]:
        return {name: _shape(ref["shape"]) for name, ref in self._spec.get("members", {}).items()}

    @property
    def required_members(self) -> list[str]:
        return self._spec.get("required", [])

    @property
    def member(self) -> "Shape":
        return _shape(self._spec["member"]["shape"])

    @property
    def key(self) -> "Shape":
        return _shape(self._spec["key"]["shape"])

    @property
    def value(self) -> "Shape":
        return _shape(self._spec["value"]["shape"])

    def __repr__(self) -> str:
        return f"<Shape {self.name} ({self.type_name})>"


class OperationModel:
    def __init__(self, name: str, spec: dict):
        self.name = name
        self._spec = spec

    def _ref(self, key: str) -> Shape | None:
        ref = self._spec.get(key)
        return _shape(ref["shape"]) if ref else None

    @property
    def input_shape(self) -> Shape | None:
        return self._ref("input")

    @property
    def output_shape(self) -> Shape | None:
        return self._ref("output")

    @property
    def error_shapes(self) -> list[Shape]:
        return [_shape(ref["shape"]) for ref in self._spec.get("errors", [])]


class ServiceModel:
    def __init__(self, document: dict):
        self.metadata = document["metadata"]
        self._operations = document["operations"]
        self.shapes = document["shapes"]

    @property
    def operation_names(self) -> list[str]:
        return list(self._operations)

    def shape_for(self, name: str) -> Shape:
        return _shape(name)


def _model_file() -> str:
    """The newest API version of Cognito's model among botocore's data files."""
    package = importlib.util.find_spec("botocore").submodule_search_locations[0]
    service = os.path.join(package, "data", SERVICE)
    version = sorted(os.listdir(service))[-1]
    return os.path.join(service, version, "service-2.json.gz")


@lru_cache(maxsize=None)
def service_model() -> ServiceModel:
    with gzip.open(_model_file(), "rt", encoding="utf-8") as handle:
        return ServiceModel(json.load(handle))


@lru_cache(maxsize=None)
def _shape(name: str) -> Shape:
    return Shape(name, service_model().shapes[name])


@lru_cache(maxsize=None)
def operation_model(name: str) -> OperationModel | None:
    operations = service_model()._operations
    return OperationModel(name, operations[name]) if name in operations else None
