"""Request validation from botocore's model, answered in Cognito's words."""

import pytest

from emulator import errors
from emulator.protocol.model import operation_model
from emulator.protocol.validation import output_problems, validate_input
from tests.conftest import error_of


def input_shape(operation):
    return operation_model(operation).input_shape


def violation(operation, params):
    with pytest.raises(errors.InvalidParameterException) as caught:
        validate_input(input_shape(operation), params)
    return caught.value.message


def test_missing_required_member(raw_cognito):
    error = error_of(raw_cognito.describe_user_pool)
    assert error["Code"] == "InvalidParameterException"
    assert error["Status"] == 400
    assert error["Message"] == ("1 validation error detected: Value null at 'userPoolId' failed to satisfy "
                                "constraint: Member must not be null")


def test_pattern_violation_names_the_pattern(raw_cognito):
    error = error_of(raw_cognito.describe_user_pool, UserPoolId="no-underscore")
    assert error["Message"] == ("1 validation error detected: Value 'no-underscore' at 'userPoolId' failed to "
                                "satisfy constraint: Member must satisfy regular expression pattern: [\\w-]+_[0-9a-zA-Z]+")


def test_range_violation(raw_cognito):
    error = error_of(raw_cognito.list_user_pools, MaxResults=0)
    assert error["Message"] == ("1 validation error detected: Value '0' at 'maxResults' failed to satisfy "
                                "constraint: Member must have value greater than or equal to 1")


def test_several_violations_are_counted_and_joined(raw_cognito):
    error = error_of(raw_cognito.create_user_pool_client, UserPoolId="x" * 60, ClientName="")
    message = error["Message"]
    assert message.startswith("4 validation errors detected: ")
    assert "Value '' at 'clientName' failed to satisfy constraint: Member must have length greater than or equal to 1" in message
    assert f"Value '{'x' * 60}' at 'userPoolId' failed to satisfy constraint: Member must have length less than or equal to 55" in message
    assert message.count("; ") == 3


def test_enum_inside_a_list(raw_cognito):
    error = error_of(raw_cognito.create_user_pool_client, UserPoolId="us-east-1_otpDemo01", ClientName="web",
                     ExplicitAuthFlows=["ALLOW_CUSTOM_AUTH", "ALLOW_MAGIC"])
    assert error["Message"].startswith(
        "1 validation error detected: Value '[ALLOW_CUSTOM_AUTH, ALLOW_MAGIC]' at 'explicitAuthFlows' failed to "
        "satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [ADMIN_NO_SRP_AUTH, "
    )


def test_enum_scalar(raw_cognito):
    error = error_of(raw_cognito.create_user_pool, PoolName="p", MfaConfiguration="SOMETIMES")
    assert error["Message"] == ("1 validation error detected: Value 'SOMETIMES' at 'mfaConfiguration' failed to "
                                "satisfy constraint: Member must satisfy enum value set: [OFF, ON, OPTIONAL]")


def test_sensitive_values_are_left_out_of_messages(raw_cognito):
    # ClientIdType is marked sensitive in the model: Cognito does not echo it.
    error = error_of(raw_cognito.describe_user_pool_client, UserPoolId="us-east-1_otpDemo01", ClientId="bad id!")
    assert error["Message"] == ("1 validation error detected: Value at 'clientId' failed to satisfy constraint: "
                                "Member must satisfy regular expression pattern: [\\w+]+")
    assert "bad id!" not in error["Message"]


def test_nested_structure_paths():
    message = violation("CreateUserPool", {"PoolName": "p", "Policies": {"PasswordPolicy": {"MinimumLength": 200}}})
    assert message == ("1 validation error detected: Value '200' at 'policies.passwordPolicy.minimumLength' failed "
                       "to satisfy constraint: Member must have value less than or equal to 99")


def test_list_of_structures_uses_member_index_paths():
    message = violation("CreateUserPool", {"PoolName": "p", "Schema": [{"Name": "ok"}, {"Name": "x" * 30}]})
    assert "at 'schema.2.member.name' failed to satisfy constraint: Member must have length less than or equal to 20" in message


def test_unicode_pattern_classes_are_enforced():
    # \p{L}... classes need the `regex` engine; a control character is outside them.
    message = violation("SignUp", {"ClientId": "abc", "Username": "bad\u0001name", "Password": "Passw0rd!"})
    assert "at 'username' failed to satisfy constraint: Member must satisfy regular expression pattern" in message
    assert validate_input(input_shape("SignUp"), {"ClientId": "abc", "Username": "+919876543210\u00e9", "Password": "x"})


def test_length_counts_utf16_units_like_java():
    # An emoji is two UTF-16 units: 64 of them is 128 units, the maximum; 65 is too long.
    validate_input(input_shape("SignUp"), {"ClientId": "abc", "Username": "\U0001F600" * 64})
    assert "length less than or equal to 128" in violation("SignUp", {"ClientId": "abc", "Username": "\U0001F600" * 65})


@pytest.mark.parametrize("value, expected", [
    ({"a": 1}, "Start of structure or map found where not expected."),
    (["a"], "Start of list found where not expected"),
    (12, "can not be converted to an String"),
])
def test_wrong_types_are_serialization_errors(raw_cognito, value, expected):
    error = error_of(raw_cognito.describe_user_pool, UserPoolId=value)
    assert error["Code"] == "SerializationException"
    assert expected in error["Message"]


def test_scalar_where_a_structure_belongs():
    with pytest.raises(errors.SerializationException, match="Expected map or null"):
        validate_input(input_shape("CreateUserPool"), {"PoolName": "p", "Policies": "strict"})
    with pytest.raises(errors.SerializationException, match="Expected list or null"):
        validate_input(input_shape("CreateUserPool"), {"PoolName": "p", "AutoVerifiedAttributes": "email"})


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §1.4:
# null as absent, unknown members dropped.
def test_nulls_are_absent_and_unknown_members_dropped():
    cleaned = validate_input(input_shape("ListUserPools"), {"MaxResults": 3, "NextToken": None, "Bogus": 1})
    assert cleaned == {"MaxResults": 3}


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §1.4:
# lenient booleans and integers.
def test_lenient_scalars_as_coral_reads_them():
    cleaned = validate_input(input_shape("CreateUserPoolClient"),
                             {"UserPoolId": "us-east-1_a", "ClientName": "c", "GenerateSecret": "true", "AuthSessionValidity": 5.7})
    assert cleaned["GenerateSecret"] is True
    assert cleaned["AuthSessionValidity"] == 5


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §1.4:
# a model pattern the regex engine cannot compile is not enforced.
def test_a_pattern_the_engine_cannot_read_is_not_enforced():
    from botocore.model import ShapeResolver

    shapes = ShapeResolver({"Request": {"type": "structure", "members": {"Code": {"shape": "Code"},
                                                                         "Name": {"shape": "Name"}}},
                            "Code": {"type": "string", "pattern": "[0-9"},  # unclosed: no engine reads it
                            "Name": {"type": "string", "pattern": "[a-z]+"}})
    request = shapes.get_shape_by_name("Request")
    assert validate_input(request, {"Code": "anything at all", "Name": "asha"}) == {"Code": "anything at all",
                                                                                   "Name": "asha"}
    with pytest.raises(errors.InvalidParameterException, match="regular expression pattern: \\[a-z\\]\\+"):
        validate_input(request, {"Code": "x", "Name": "Asha!"})  # a readable pattern still is


def test_map_values_are_checked():
    message = violation("SignUp", {"ClientId": "abc", "Username": "u", "ClientMetadata": {"k": "v" * 140000}})
    assert "at 'clientMetadata' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 131072]" in message


def test_output_self_check_finds_shape_mistakes():
    shape = operation_model("DescribeUserPool").output_shape
    assert output_problems(shape, {"UserPool": {"Id": "x", "CreationDate": 1.5}}) == []
    problems = output_problems(shape, {"UserPool": {"Id": 5, "CreationDate": "yesterday", "Extra": 1}})
    assert len(problems) == 3
