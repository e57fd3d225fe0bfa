"""The AWS JSON 1.1 wire protocol: headers, error shapes, garbage in, CORS."""

import json

import pytest
import requests

from emulator.operations import OPERATIONS

TARGET = "AWSCognitoIdentityProviderService."


def post(emulator, operation, body, path="/", headers=None, raw=None):
    all_headers = {"X-Amz-Target": TARGET + operation, "Content-Type": "application/x-amz-json-1.1"}
    all_headers.update(headers or {})
    data = raw if raw is not None else json.dumps(body)
    return requests.post(emulator.url + path, data=data, headers=all_headers, timeout=10)


def assert_cognito_error(response, code, status=400):
    assert response.status_code == status
    assert response.headers["Content-Type"] == "application/x-amz-json-1.1"
    body = response.json()
    assert body["__type"] == code
    assert isinstance(body.get("message", body.get("Message")), str)
    assert response.headers["x-amzn-ErrorType"].split(":")[0] == code
    assert response.headers["x-amzn-RequestId"]
    return body


def test_success_has_json_content_type_and_request_id(emulator):
    response = post(emulator, "ListUserPools", {"MaxResults": 5})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/x-amz-json-1.1"
    assert len(response.headers["x-amzn-RequestId"]) == 36
    assert [pool["Name"] for pool in response.json()["UserPools"]] == ["otp-demo", "otp-native"]


def test_boto3_sees_the_request_id(cognito):
    metadata = cognito.list_user_pools(MaxResults=1)["ResponseMetadata"]
    assert len(metadata["RequestId"]) == 36


def test_header_names_are_case_insensitive_and_any_path_works(emulator):
    # Amplify v6 sends lowercase headers; amazon-cognito-identity-js posts to the URL it was given verbatim.
    response = requests.post(
        emulator.url + "/some/base/path",
        data=json.dumps({"MaxResults": 5}),
        headers={"x-amz-target": TARGET + "ListUserPools", "content-type": "application/x-amz-json-1.1"},
        timeout=10,
    )
    assert response.status_code == 200
    assert response.json()["UserPools"][0]["Name"] == "otp-demo"


def test_error_body_and_header_agree(emulator):
    response = post(emulator, "DescribeUserPool", {"UserPoolId": "us-east-1_missing00"})
    body = assert_cognito_error(response, "ResourceNotFoundException")
    assert body["message"] == "User pool us-east-1_missing00 does not exist."
    assert response.headers["x-amzn-ErrorMessage"] == body["message"]


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §1.3:
# the error header cut to 1,024 characters.
def test_an_error_quoting_a_huge_value_keeps_its_header_short(emulator):
    # http.client refuses header lines over 64 KB: a long message must not turn a 400 into a dropped connection.
    response = post(emulator, "DescribeUserPool", {"UserPoolId": "x" * 100_000})
    body = assert_cognito_error(response, "InvalidParameterException")
    assert len(body["message"]) > 100_000 or "x" * 1000 in body["message"]
    assert len(response.headers["x-amzn-ErrorMessage"]) <= 1024
    assert response.headers["x-amzn-ErrorMessage"].endswith("...")


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §1.3:
# the error header only for a plain ASCII message, its whitespace collapsed.
def test_the_error_header_carries_only_plain_ascii(emulator):
    accented = post(emulator, "DescribeUserPool", {"UserPoolId": "pool-\u00e9"})
    assert "pool-\u00e9" in assert_cognito_error(accented, "InvalidParameterException")["message"]
    assert "x-amzn-ErrorMessage" not in accented.headers
    spaced = post(emulator, "DescribeUserPool", {"UserPoolId": "pool\n\t  one"})
    message = assert_cognito_error(spaced, "InvalidParameterException")["message"]
    assert "pool\n\t  one" in message
    assert spaced.headers["x-amzn-ErrorMessage"] == " ".join(message.split())
    assert "pool one" in spaced.headers["x-amzn-ErrorMessage"]


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §1.6:
# UnknownOperationException for a name Cognito lacks.
def test_operation_not_in_cognito_is_unknown(emulator):
    body = assert_cognito_error(post(emulator, "MakeCoffee", {}), "UnknownOperationException")
    assert "MakeCoffee" in body["message"]


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §1.6:
# UnknownOperationException for another service's target.
def test_target_of_another_service_is_unknown(emulator):
    response = post(emulator, "", {}, headers={"X-Amz-Target": "DynamoDB_20120810.ListTables"})
    assert_cognito_error(response, "UnknownOperationException")


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §1.6:
# UnknownOperationException for a missing target.
def test_missing_target_is_a_json_error(emulator):
    response = requests.post(emulator.url + "/", data="{}", timeout=10)
    body = assert_cognito_error(response, "UnknownOperationException")
    assert "X-Amz-Target" in body["message"]


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §1.6:
# the answer to an operation not implemented.
def test_unimplemented_operation_names_itself(emulator):
    body = assert_cognito_error(post(emulator, "AdminLinkProviderForUser", {}), "UnsupportedOperationException")
    assert "AdminLinkProviderForUser" in body["message"]


@pytest.mark.parametrize("raw", [b"{not json", b"\xff\xfe\x00garbage", b'{"MaxResults": 5', b"[1, 2]", b'"text"', b"42"])
# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §1.5:
# SerializationException's text under "Message", capital M.
def test_malformed_bodies_are_serialization_errors(emulator, raw):
    body = assert_cognito_error(post(emulator, "ListUserPools", None, raw=raw), "SerializationException")
    assert body["Message"]


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §1.5:
# the text for a body that is not JSON at all.
@pytest.mark.parametrize("raw", [b"{not json", b"\xff\xfe\x00garbage", b'{"MaxResults": 5'])
def test_a_body_that_is_not_json_says_so(emulator, raw):
    response = post(emulator, "ListUserPools", None, raw=raw)
    assert_cognito_error(response, "SerializationException")
    assert response.json() == {"__type": "SerializationException", "Message": "Request body is not valid JSON."}


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §1.1:
# no signature is checked, on signed operations too.
@pytest.mark.parametrize("authorization", [None, "AWS4-HMAC-SHA256 Credential=nobody/20000101/us-east-1/"
                                                 "cognito-idp/aws4_request, SignedHeaders=host, Signature=00"])
def test_signed_operations_need_no_valid_signature(emulator, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    response = post(emulator, "AdminGetUser", {"UserPoolId": "us-east-1_otpDemo01", "Username": "nobody"},
                    headers=headers)
    body = assert_cognito_error(response, "UserNotFoundException")  # got past authentication to the lookup
    assert body["message"] == "User does not exist."
    assert post(emulator, "ListUserPools", {"MaxResults": 1}, headers=headers).status_code == 200


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §1.1:
# an empty body read as {}.
def test_empty_body_reads_as_empty_request(emulator):
    body = assert_cognito_error(post(emulator, "ListUserPools", None, raw=b""), "InvalidParameterException")
    assert body["message"] == ("1 validation error detected: Value null at 'maxResults' failed to satisfy "
                               "constraint: Member must not be null")


@pytest.mark.parametrize("target", ["", "AWSCognitoIdentityProviderService.", "\u00e9\u00e9", "A" * 5000,
                                    "AWSCognitoIdentityProviderService.ListUserPools.Extra"])
# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §1.6:
# UnknownOperationException for a garbled target.
def test_garbage_targets_are_json_errors(emulator, target):
    response = requests.post(emulator.url + "/", data="{}", headers={"X-Amz-Target": target.encode("utf-8")},
                             timeout=10)
    assert_cognito_error(response, "UnknownOperationException")


def test_wrong_content_type_is_still_understood(emulator):
    # Clients always send application/x-amz-json-1.1; the emulator does not insist on it.
    response = post(emulator, "ListUserPools", {"MaxResults": 1}, headers={"Content-Type": "text/plain"})
    assert response.status_code == 200


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §1.7:
# 413 as JSON for a body over 1 MiB.
def test_oversized_body_is_a_json_413(emulator):
    huge = json.dumps({"PoolName": "x" * (2 * 1024 * 1024)})
    response = post(emulator, "CreateUserPool", None, raw=huge)
    assert_cognito_error(response, "RequestEntityTooLargeException", status=413)


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §1.3:
# an unexpected exception as InternalErrorException.
def test_uncaught_exception_is_internal_error_json(emulator, monkeypatch, caplog):
    def broken(services, request):
        raise RuntimeError("boom")

    monkeypatch.setitem(OPERATIONS, "DescribeUserPool", broken)
    response = post(emulator, "DescribeUserPool", {"UserPoolId": "us-east-1_otpDemo01"})
    body = assert_cognito_error(response, "InternalErrorException", status=500)
    assert "boom" not in body["message"]  # the traceback stays in the server log
    assert any("boom" in (record.exc_text or str(record.exc_info)) for record in caplog.records)


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §1.7:
# HTTP errors as JSON, never HTML.
def test_other_methods_and_paths_answer_json(emulator):
    for response in (requests.get(emulator.url + "/no/such/page", timeout=10),
                     requests.put(emulator.url + "/", timeout=10),
                     requests.get(emulator.url + "/_emulator/nothing", timeout=10)):
        assert response.status_code in (404, 405)
        assert response.json()["__type"]


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §1.8:
# the CORS answers.
def test_cors_preflight_allows_what_browser_sdks_send(emulator):
    requested = "content-type,x-amz-target,x-amz-user-agent,cache-control,amz-sdk-invocation-id,amz-sdk-request"
    response = requests.options(emulator.url + "/", headers={
        "Origin": "http://localhost:5173",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": requested,
    }, timeout=10)
    assert response.status_code in (200, 204)
    assert response.headers["Access-Control-Allow-Origin"] == "http://localhost:5173"
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    allowed = {name.strip().lower() for name in response.headers["Access-Control-Allow-Headers"].split(",")}
    assert set(requested.split(",")) <= allowed


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §1.8:
# the CORS answers.
def test_cors_exposes_error_headers_on_real_responses(emulator):
    response = post(emulator, "DescribeUserPool", {"UserPoolId": "us-east-1_missing00"},
                    headers={"Origin": "http://localhost:5173"})
    assert response.headers["Access-Control-Allow-Origin"] == "http://localhost:5173"
    exposed = {name.strip().lower() for name in response.headers["Access-Control-Expose-Headers"].split(",")}
    assert {"x-amzn-errortype", "x-amzn-requestid"} <= exposed


@pytest.mark.parametrize("operation, body", [
    ("ListUserPools", {"MaxResults": 1}),
    ("DescribeUserPool", {"UserPoolId": "us-east-1_missing00"}),
    ("SignUp", {"ClientId": "x"}),
])
def test_every_path_gives_the_same_answer(emulator, operation, body):
    # A call to "/" is answered without Flask (protocol.api.CognitoCalls); other paths, and a chunked body
    # (no Content-Length), go through Flask's route. Clients must not be able to tell.
    origin = {"Origin": "http://localhost:5173"}
    direct = post(emulator, operation, body, headers=origin)
    routed = post(emulator, operation, body, path="/base", headers=origin)
    chunked = requests.post(emulator.url + "/", data=iter([json.dumps(body).encode()]), timeout=10,
                            headers={"X-Amz-Target": TARGET + operation, **origin})
    compared = {"content-type", "x-amzn-errortype", "x-amzn-errormessage", "access-control-allow-origin",
                "access-control-allow-credentials", "access-control-expose-headers", "vary"}

    def seen(response):
        headers = {name.lower(): value for name, value in response.headers.items() if name.lower() in compared}
        body = response.json()
        body.pop("UserPools", None)  # ListUserPools lists whatever earlier calls made
        return response.status_code, headers, body

    assert seen(direct) == seen(routed) == seen(chunked)
    assert "access-control-allow-origin" in seen(direct)[1]


def test_connections_are_kept_alive(emulator):
    with requests.Session() as session:
        for _ in range(3):
            response = session.post(emulator.url + "/", data=json.dumps({"MaxResults": 1}),
                                    headers={"X-Amz-Target": TARGET + "ListUserPools"}, timeout=10)
            assert response.status_code == 200
            assert response.headers.get("Connection", "").lower() != "close"
