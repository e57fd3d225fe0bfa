"""Cognito's API model, as botocore ships it: the source of every shape and constraint."""

from functools import lru_cache

from botocore.loaders import Loader
from botocore.model import OperationModel, ServiceModel

TARGET_PREFIX = "AWSCognitoIdentityProviderService."


@lru_cache(maxsize=None)
def service_model() -> ServiceModel:
    # The loader alone: a whole botocore session (clients, waiters, docs) costs the start-up ~70 ms more.
    return ServiceModel(Loader().load_service_model("cognito-idp", "service-2"), service_name="cognito-idp")


@lru_cache(maxsize=None)
def operation_model(name: str) -> OperationModel | None:
    model = service_model()
    return model.operation_model(name) if name in model.operation_names else None
