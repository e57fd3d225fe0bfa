"""PreTokenGeneration: before tokens are signed, to change their claims (and, from V2_0, the access token's
scopes). Sources: TokenGeneration_Authentication, _NewPasswordChallenge, _RefreshTokens, _HostedAuth, and for a
client-credentials token (V3_0 only) _ClientCredentials.

Wired by LambdaConfig.PreTokenGenerationConfig {LambdaArn, LambdaVersion} or, for V1_0, LambdaConfig.PreTokenGeneration.
Request: userAttributes, groupConfiguration, clientMetadata, and from V2_0 scopes. Response: V1_0
claimsOverrideDetails (ID token only); V2_0 and later claimsAndScopeOverrideDetails (idTokenGeneration,
accessTokenGeneration with scopesToAdd / scopesToSuppress). Either may hold groupOverrideDetails, which replaces the
group configuration the group claims are made from. (docs/cognito-behaviour.md §6.3, §8.5, §13.3)
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
    # The group configuration the tokens' group claims are made from: the request's unless the function
    # returned groupOverrideDetails (null or {} there means no group claims at all). V1_0 changes the ID token's
    # only, so the access token keeps the request's.
    groups: dict | None = None
    access_groups: dict | None = None


def pre_token_generation(triggers: TriggerRunner, pool: dict, *, source: str, user: dict, client: dict,
                         client_metadata: dict, scopes: list[str],
                         group_configuration: dict) -> PreTokenGenerationResponse:
    lambda_config = pool.get("LambdaConfig") or {}
    versioned = lambda_config.get("PreTokenGenerationConfig") or {}
    reference = versioned.get("LambdaArn") or lambda_config.get("PreTokenGeneration")
    if not reference:
        return PreTokenGenerationResponse(groups=group_configuration, access_groups=group_configuration)
    version = versioned.get("LambdaVersion", "V1_0")
    request = {"userAttributes": dict(user["Attributes"]), "groupConfiguration": dict(group_configuration),
               "clientMetadata": client_metadata}
    if version == "V1_0":
        response = triggers.invoke(pool, "PreTokenGeneration", source, user["Username"], request, client,
                                   empty_response={"claimsOverrideDetails": None}, reference=reference)
        details = _mapping(response.get("claimsOverrideDetails"))
        return PreTokenGenerationResponse(id_token=_claims_change(details),
                                          groups=_groups(details, group_configuration),
                                          access_groups=group_configuration)
    request["scopes"] = list(scopes)
    response = triggers.invoke(pool, "PreTokenGeneration", source, user["Username"], request, client,
                               empty_response={"claimsAndScopeOverrideDetails": None}, reference=reference,
                               version="2")
    details = _mapping(response.get("claimsAndScopeOverrideDetails"))
    access = _mapping(details.get("accessTokenGeneration"))
    return PreTokenGenerationResponse(id_token=_claims_change(details.get("idTokenGeneration")),
                                      access_token=_claims_change(access),
                                      scopes_to_add=_strings(access.get("scopesToAdd")),
                                      scopes_to_suppress=_strings(access.get("scopesToSuppress")),
                                      groups=_groups(details, group_configuration),
                                      access_groups=_groups(details, group_configuration))


def pre_token_generation_for_client(triggers: TriggerRunner, pool: dict, *, client: dict,
                                    scopes: list[str]) -> PreTokenGenerationResponse:
    """For a client-credentials (machine-to-machine) access token: only a V3_0 function is called, with
    triggerSource TokenGeneration_ClientCredentials and no user (docs/cognito-behaviour.md §16.6)."""
    versioned = (pool.get("LambdaConfig") or {}).get("PreTokenGenerationConfig") or {}
    if versioned.get("LambdaVersion") != "V3_0" or not versioned.get("LambdaArn"):
        return PreTokenGenerationResponse()
    request = {"userAttributes": {}, "scopes": list(scopes), "groupConfiguration": None, "clientMetadata": {}}
    response = triggers.invoke(pool, "PreTokenGeneration", "TokenGeneration_ClientCredentials", None, request, client,
                               empty_response={"claimsAndScopeOverrideDetails": None},
                               reference=versioned["LambdaArn"], version="3")
    access = _mapping(_mapping(response.get("claimsAndScopeOverrideDetails")).get("accessTokenGeneration"))
    return PreTokenGenerationResponse(access_token=_claims_change(access),
                                      scopes_to_add=_strings(access.get("scopesToAdd")),
                                      scopes_to_suppress=_strings(access.get("scopesToSuppress")))


def _groups(details: dict, requested: dict) -> dict | None:
    """The group configuration after the response: unchanged without groupOverrideDetails, replaced with it."""
    if "groupOverrideDetails" not in details:
        return requested
    override = _mapping(details["groupOverrideDetails"])
    return {"groupsToOverride": _strings(override.get("groupsToOverride")),
            "iamRolesToOverride": _strings(override.get("iamRolesToOverride")),
            "preferredRole": override.get("preferredRole")}


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
