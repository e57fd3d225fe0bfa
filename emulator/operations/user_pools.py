"""CreateUserPool, DescribeUserPool, UpdateUserPool, ListUserPools, DeleteUserPool."""

from __future__ import annotations

import copy

from emulator.operations import pagination
from emulator.operations.registry import operation
from emulator.services import Services
from emulator import errors
from emulator.services import ids


def _string(name, mutable=True, required=False, min_length="0", max_length="2048"):
    return {"Name": name, "AttributeDataType": "String", "DeveloperOnlyAttribute": False, "Mutable": mutable,
            "Required": required, "StringAttributeConstraints": {"MinLength": min_length, "MaxLength": max_length}}


def _boolean(name):
    return {"Name": name, "AttributeDataType": "Boolean", "DeveloperOnlyAttribute": False, "Mutable": True, "Required": False}


# The standard attributes every pool has, as DescribeUserPool lists them.
STANDARD_ATTRIBUTES = [
    _string("sub", mutable=False, required=True, min_length="1"),
    *(_string(name) for name in ("name", "given_name", "family_name", "middle_name", "nickname",
                                 "preferred_username", "profile", "picture", "website", "email")),
    _boolean("email_verified"),
    _string("gender"),
    _string("birthdate", min_length="10", max_length="10"),
    _string("zoneinfo"),
    _string("locale"),
    _string("phone_number"),
    _boolean("phone_number_verified"),
    _string("address"),
    {"Name": "updated_at", "AttributeDataType": "Number", "DeveloperOnlyAttribute": False, "Mutable": True,
     "Required": False, "NumberAttributeConstraints": {"MinValue": "0"}},
    {"Name": "identities", "AttributeDataType": "String", "DeveloperOnlyAttribute": False, "Mutable": True,
     "Required": False, "StringAttributeConstraints": {}},
]
STANDARD_NAMES = {attribute["Name"] for attribute in STANDARD_ATTRIBUTES}

# Undocumented (docs/cognito-behaviour.md §2.3): Cognito's exact policy for a pool created through the API without Policies.
# The console's and CDK's default (8 characters, all four classes) is the most plausible.
DEFAULT_PASSWORD_POLICY = {"MinimumLength": 8, "RequireUppercase": True, "RequireLowercase": True,
                           "RequireNumbers": True, "RequireSymbols": True, "TemporaryPasswordValidityDays": 7}

# Fields of UserPoolType that CreateUserPool sets and UpdateUserPool cannot change (the domains are set by
# CreateUserPoolDomain and DeleteUserPoolDomain).
IMMUTABLE = ("Id", "Name", "Arn", "CreationDate", "SchemaAttributes", "UsernameAttributes", "AliasAttributes",
             "UsernameConfiguration", "Domain", "CustomDomain")
# What the pool keeps that UserPoolType does not show: SetUserPoolMfaConfig's choice of MFA types, which
# UpdateUserPool leaves alone.
MFA_TYPES = "MfaTypes"
HIDDEN = (MFA_TYPES,)

# Feature plans, lowest first; features of Essentials need Essentials or Plus (docs/cognito-behaviour.md §15.1).
TIERS = ("LITE", "ESSENTIALS", "PLUS")


def pool_not_found(pool_id: str) -> errors.CognitoError:
    return errors.ResourceNotFoundException(f"User pool {pool_id} does not exist.")


def require_pool(services: Services, pool_id: str) -> dict:
    pool = services.store.get_pool(pool_id)
    if pool is None:
        raise pool_not_found(pool_id)
    return pool


def require_tier(tier: str, feature: str, needed: str = "ESSENTIALS") -> None:
    """A feature above the pool's plan is refused, not quietly granted (wording as reported for configuration;
    docs/cognito-behaviour.md §15.1)."""
    if TIERS.index(tier or "ESSENTIALS") < TIERS.index(needed):
        raise errors.FeatureUnavailableInTierException(
            f"The following features need to be disabled for the {tier} pricing tier configured: {feature}")


def _check_sign_in_policy(policies: dict, tier: str) -> dict:
    policy = policies.get("SignInPolicy")
    if policy is None:
        return {"AllowedFirstAuthFactors": ["PASSWORD"]}
    factors = policy.get("AllowedFirstAuthFactors") or []
    if factors != ["PASSWORD"]:
        require_tier(tier, "Passwordless Sign-In")
    if "SOFTWARE_TOKEN" in factors:
        raise errors.InvalidParameterException("SOFTWARE_TOKEN is not a valid first authentication factor.")
    if "PASSWORD" not in factors:
        raise errors.InvalidParameterException("AllowedFirstAuthFactors must include PASSWORD.")
    return {"AllowedFirstAuthFactors": list(dict.fromkeys(factors))}


MFA_WITH_OTP = "Only PASSWORD and WEB_AUTHN (if configured) can be enabled as an auth factor if MFA is enabled"


def check_mfa_with_first_factors(setting: str, sign_in_policy: dict) -> None:
    """Passwordless codes as a first factor and MFA exclude each other (docs/cognito-behaviour.md §15.2)."""
    factors = sign_in_policy.get("AllowedFirstAuthFactors") or []
    if setting != "OFF" and ({"SMS_OTP", "EMAIL_OTP"} & set(factors)):
        raise errors.InvalidParameterException(MFA_WITH_OTP)


def _check_mfa(request: dict, kept_types: dict | None) -> str:
    """MfaConfiguration ON or OPTIONAL needs an MFA type: here only SMS can be one, unless SetUserPoolMfaConfig
    already turned on another (docs/cognito-behaviour.md §14.1)."""
    setting = request.get("MfaConfiguration", "OFF")
    others = kept_types and (kept_types.get("SoftwareTokenMfaConfiguration", {}).get("Enabled")
                             or kept_types.get("EmailMfaConfiguration") is not None)
    if setting != "OFF" and not request.get("SmsConfiguration") and not others:
        raise errors.InvalidParameterException(
            "SMS configuration and Auto verification for phone_number are required when MFA is required/optional")
    return setting


def _password_policy(policies: dict | None) -> dict:
    given = (policies or {}).get("PasswordPolicy")
    if given is None:
        return dict(DEFAULT_PASSWORD_POLICY)
    # A policy that is given but silent on a rule does not require it.
    return {"MinimumLength": given.get("MinimumLength", 8),
            "RequireUppercase": given.get("RequireUppercase", False),
            "RequireLowercase": given.get("RequireLowercase", False),
            "RequireNumbers": given.get("RequireNumbers", False),
            "RequireSymbols": given.get("RequireSymbols", False),
            **({"PasswordHistorySize": given["PasswordHistorySize"]} if "PasswordHistorySize" in given else {}),
            "TemporaryPasswordValidityDays": given.get("TemporaryPasswordValidityDays", 7)}


def pool_settings(request: dict, kept_types: dict | None = None) -> dict:
    """The settable part of a pool from a Create/UpdateUserPool request.

    What the request leaves out gets Cognito's default: UpdateUserPool documents that
    any setting not given is reset to its default, so both operations share this.
    """
    policies = request.get("Policies") or {}
    tier = request.get("UserPoolTier", "ESSENTIALS")
    template = {"DefaultEmailOption": "CONFIRM_WITH_CODE", **(request.get("VerificationMessageTemplate") or {})}
    # The legacy top-level messages and the template mirror each other.
    for legacy, field in (("SmsVerificationMessage", "SmsMessage"), ("EmailVerificationMessage", "EmailMessage"),
                          ("EmailVerificationSubject", "EmailSubject")):
        if legacy in request and field not in template:
            template[field] = request[legacy]
    settings = {
        "Policies": {"PasswordPolicy": _password_policy(policies),
                     "SignInPolicy": _check_sign_in_policy(policies, tier)},
        "DeletionProtection": request.get("DeletionProtection", "INACTIVE"),
        "LambdaConfig": request.get("LambdaConfig") or {},
        "VerificationMessageTemplate": template,
        "UserAttributeUpdateSettings": request.get("UserAttributeUpdateSettings")
        or {"AttributesRequireVerificationBeforeUpdate": []},
        "MfaConfiguration": _check_mfa(request, kept_types),
        "EmailConfiguration": request.get("EmailConfiguration") or {"EmailSendingAccount": "COGNITO_DEFAULT"},
        "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": False, "UnusedAccountValidityDays": 7,
                                  **(request.get("AdminCreateUserConfig") or {})},
        "UserPoolTier": tier,
    }
    check_mfa_with_first_factors(settings["MfaConfiguration"], settings["Policies"]["SignInPolicy"])
    for optional in ("AutoVerifiedAttributes", "SmsVerificationMessage", "EmailVerificationMessage",
                     "EmailVerificationSubject", "SmsAuthenticationMessage", "DeviceConfiguration",
                     "SmsConfiguration", "UserPoolTags", "UserPoolAddOns", "AccountRecoverySetting",
                     "IssuerConfiguration"):
        if optional in request:
            settings[optional] = request[optional]
    return settings


def _schema(requested: list[dict] | None) -> list[dict]:
    schema = copy.deepcopy(STANDARD_ATTRIBUTES)
    by_name = {attribute["Name"]: attribute for attribute in schema}
    for attribute in requested or []:
        name = attribute.get("Name")
        if not name:  # the model does not require it; Cognito cannot make an attribute without one
            # Wording undocumented (found by the fuzzer of issue 23).
            raise errors.InvalidParameterException("Invalid schema: an attribute has no Name.")
        if name in STANDARD_NAMES:
            # Standard attributes can be made required (or immutable) at creation.
            for key in ("Required", "Mutable", "StringAttributeConstraints", "NumberAttributeConstraints"):
                if key in attribute:
                    by_name[name][key] = attribute[key]
            continue
        if attribute.get("Required"):
            raise errors.InvalidParameterException("Required custom attributes are not supported currently.")
        data_type = attribute.get("AttributeDataType", "String")
        developer_only = attribute.get("DeveloperOnlyAttribute", False)
        full_name = ("dev:custom:" if developer_only else "custom:") + name
        if full_name in by_name:
            raise errors.InvalidParameterException(f"Existing attribute already has name {full_name}.")
        custom = {"Name": full_name, "AttributeDataType": data_type, "DeveloperOnlyAttribute": developer_only,
                  "Mutable": attribute.get("Mutable", True), "Required": False}
        if data_type == "String":
            custom["StringAttributeConstraints"] = attribute.get("StringAttributeConstraints", {})
        elif data_type == "Number":
            custom["NumberAttributeConstraints"] = attribute.get("NumberAttributeConstraints", {})
        schema.append(custom)
        by_name[full_name] = custom
    return schema


def new_user_pool(services: Services, request: dict, pool_id: str | None = None) -> dict:
    """Build and store a pool; `pool_id` pins the id (seed configuration)."""
    if request.get("UsernameAttributes") and request.get("AliasAttributes"):
        # Wording undocumented (docs/cognito-behaviour.md §2.5).
        raise errors.InvalidParameterException(
            "Only one of AliasAttributes or UsernameAttributes can be set in a User Pool."
        )
    now = services.clock.now()
    pool_id = pool_id or ids.user_pool_id(services.settings.region)
    region = pool_id.split("_", 1)[0]
    pool = {
        "Id": pool_id,
        "Name": request["PoolName"],
        **pool_settings(request),
        "SchemaAttributes": _schema(request.get("Schema")),
        "LastModifiedDate": now,
        "CreationDate": now,
        "Arn": f"arn:aws:cognito-idp:{region}:{services.settings.account_id}:userpool/{pool_id}",
    }
    for field in ("UsernameAttributes", "AliasAttributes", "UsernameConfiguration"):
        if field in request:
            pool[field] = request[field]
    services.store.insert_pool(pool)
    return pool


def updated_pool(pool: dict, request: dict, now: float) -> dict:
    """The pool as UpdateUserPool(request) would leave it."""
    updated = {field: pool[field] for field in IMMUTABLE + HIDDEN if field in pool}
    updated.update(pool_settings(request, pool.get(MFA_TYPES)))
    if updated["UserPoolTier"] == "LITE" and (pool.get(MFA_TYPES) or {}).get("EmailMfaConfiguration") is not None:
        # Wording undocumented (docs/cognito-behaviour.md §15.1).
        raise errors.TierChangeNotAllowedException("Email MFA is active: the pool cannot change to the LITE plan.")
    if "PoolName" in request:
        updated["Name"] = request["PoolName"]
    updated["LastModifiedDate"] = now
    return updated


def apply_pool_update(services: Services, pool: dict, request: dict) -> dict:
    updated = updated_pool(pool, request, services.clock.now())
    services.store.replace_pool(updated)
    return updated


def describe(services: Services, pool: dict) -> dict:
    """UserPoolType as the API returns it."""
    shown = {name: value for name, value in pool.items() if name not in HIDDEN}
    return {**shown, "EstimatedNumberOfUsers": services.store.count_users(pool["Id"])}


@operation("CreateUserPool")
def create_user_pool(services: Services, request: dict) -> dict:
    return {"UserPool": describe(services, new_user_pool(services, request))}


@operation("DescribeUserPool")
def describe_user_pool(services: Services, request: dict) -> dict:
    return {"UserPool": describe(services, require_pool(services, request["UserPoolId"]))}


@operation("UpdateUserPool")
def update_user_pool(services: Services, request: dict) -> dict:
    apply_pool_update(services, require_pool(services, request["UserPoolId"]), request)
    return {}


@operation("ListUserPools")
def list_user_pools(services: Services, request: dict) -> dict:
    pools, cursor = services.store.list_pools(request["MaxResults"], pagination.decode("pools", request.get("NextToken")))
    return pagination.listing("UserPools", [
        {"Id": pool["Id"], "Name": pool["Name"], "LambdaConfig": pool.get("LambdaConfig", {}),
         "LastModifiedDate": pool["LastModifiedDate"], "CreationDate": pool["CreationDate"]}
        for pool in pools
    ], "pools", cursor)


@operation("DeleteUserPool")
def delete_user_pool(services: Services, request: dict) -> dict:
    pool = require_pool(services, request["UserPoolId"])
    if pool.get("DeletionProtection") == "ACTIVE":
        # Wording undocumented (docs/cognito-behaviour.md §2.7).
        raise errors.InvalidParameterException(
            "The user pool cannot be deleted because deletion protection is activated."
        )
    services.store.delete_pool(pool["Id"])
    return {}
