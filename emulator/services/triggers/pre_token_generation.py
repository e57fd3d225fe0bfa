"""PreTokenGeneration: before tokens are signed, to change their claims (and, from V2_0, the access token's
scopes). Sources: TokenGeneration_Authentication, _NewPasswordChallenge, _RefreshTokens.

Wired by LambdaConfig.PreTokenGenerationConfig {LambdaArn, LambdaVersion} or, for V1_0, LambdaConfig.PreTokenGeneration.
Request: userAttributes, groupConfiguration, clientMetadata, and from V2_0 scopes. Response: V1_0
claimsOverrideDetails (ID token only); V2_0 and later claimsAndScopeOverrideDetails (idTokenGeneration,
accessTokenGeneration with scopesToAdd / scopesToSuppress). (docs/cognito-behaviour.md §6.3, §8.5)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from emulator.services.triggers.runner import TriggerRunner, unrecognizable


@dataclass(frozen=True)
class ClaimsChange:
    add_or_override: dict = field(default_factory=dict)
    suppress: list = field(default_factory=list)


@dataclass(frozen=True)
class PreTokenGenerationResponse:
    id_token: ClaimsChange = field(default_factory=ClaimsChange)
    access_token: ClaimsChange = field(default_factory=ClaimsChange)
    scopes_to_add: list = field(default_factory=list)
    scopes_to_suppress: list = field(default_factory=list)


def pre_token_generation(triggers: TriggerRunner, pool: dict, *, source: str, user: dict, client: dict,
                         client_metadata: dict, scopes: list[str]) -> PreTokenGenerationResponse:
    lambda_config = pool.get("LambdaConfig") or {}
    versioned = lambda_config.get("PreTokenGenerationConfig") or {}
    reference = versioned.get("LambdaArn") or lambda_config.get("PreTokenGeneration")
    if not reference:
        return PreTokenGenerationResponse()
    version = versioned.get("LambdaVersion", "V1_0")
    request = {"userAttributes": dict(user["Attributes"]),
               "groupConfiguration": {"groupsToOverride": [], "iamRolesToOverride": [], "preferredRole": None},
               "clientMetadata": client_metadata}
    if version == "V1_0":
        response = triggers.invoke(pool, "PreTokenGeneration", source, user["Username"], request, client,
                                   empty_response={"claimsOverrideDetails": None}, reference=reference)
        return PreTokenGenerationResponse(id_token=_claims_change(response.get("claimsOverrideDetails")))
    request["scopes"] = list(scopes)
    response = triggers.invoke(pool, "PreTokenGeneration", source, user["Username"], request, client,
                               empty_response={"claimsAndScopeOverrideDetails": None}, reference=reference,
                               version="2")
    details = _mapping(response.get("claimsAndScopeOverrideDetails"))
    access = _mapping(details.get("accessTokenGeneration"))
    return PreTokenGenerationResponse(id_token=_claims_change(details.get("idTokenGeneration")),
                                      access_token=_claims_change(access),
                                      scopes_to_add=_strings(access.get("scopesToAdd")),
                                      scopes_to_suppress=_strings(access.get("scopesToSuppress")))


def _mapping(value) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise unrecognizable()
    return value


def _strings(value) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise unrecognizable()
    return value


def _claims_change(value) -> ClaimsChange:
    changes = _mapping(value)
    return ClaimsChange(add_or_override=_mapping(changes.get("claimsToAddOrOverride")),
                        suppress=_strings(changes.get("claimsToSuppress")))
