"""Cognito's API model, as botocore ships it: the source of every shape and constraint."""

from functools import lru_cache

import botocore.session
from botocore.model import OperationModel, ServiceModel

TARGET_PREFIX = "AWSCognitoIdentityProviderService."


@lru_cache(maxsize=None)
def service_model() -> ServiceModel:
    return botocore.session.get_session().get_service_model("cognito-idp")


@lru_cache(maxsize=None)
def operation_model(name: str) -> OperationModel | None:
    model = service_model()
    return model.operation_model(name) if name in model.operation_names else None
