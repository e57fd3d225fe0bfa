"""The SMS inbox API, SNS Publish, and the inbox page."""

from xml.etree import ElementTree

import botocore.exceptions
import pytest
import requests

from tests.conftest import error_of
from tests.inbox import messages
from tests.test_signup import sign_up


def inbox(emulator, method="get", **params):
    return getattr(requests, method)(f"{emulator.url}/_emulator/sms", params=params, timeout=5)


def test_messages_in_order_with_every_field(emulator, cognito):
    sign_up(cognito, "+919833000001")
    sign_up(cognito, "+919833000002")
    found = inbox(emulator).json()["messages"]
    assert [m["phone_number"] for m in found] == ["+919833000001", "+919833000002"]
    assert set(found[0]) == {"id", "pool_id", "phone_number", "message", "code", "origin", "created_at"}
    assert found[0]["id"] < found[1]["id"]
    assert abs(found[0]["created_at"] - emulator.services.clock.now()) < 60


def test_filters_since_latest_and_clearing(emulator, cognito):
    for phone in ("+919833000003", "+919833000004", "+919833000003"):
        try:
            sign_up(cognito, phone)
        except botocore.exceptions.ClientError:
            cognito.resend_confirmation_code(ClientId="otpdemowebclient0000000001", Username=phone)
    assert [m["origin"] for m in messages(emulator, "+919833000003")] == ["SignUp", "ResendConfirmationCode"]
    # An unencoded '+' in a URL arrives as a space: the inbox still understands it.
    raw = requests.get(f"{emulator.url}/_emulator/sms?phone_number=+919833000003", timeout=5).json()["messages"]
    assert len(raw) == 2
    first_id = inbox(emulator).json()["messages"][0]["id"]
    assert [m["id"] for m in inbox(emulator, since=first_id).json()["messages"]] == [first_id + 1, first_id + 2]
    assert [m["id"] for m in inbox(emulator, latest=1).json()["messages"]] == [first_id + 2]
    assert inbox(emulator, "delete", phone_number="+919833000003").json() == {"deleted": 2}
    assert [m["phone_number"] for m in messages(emulator)] == ["+919833000004"]
    assert inbox(emulator, "delete").json() == {"deleted": 1}
    assert messages(emulator) == []


def test_contains_matches_part_of_a_number_or_an_address(emulator):
    sns = emulator.client("sns")
    for phone in ("+919833000011", "+919833000012", "+14155550111"):
        sns.publish(PhoneNumber=phone, Message="Your code is 123456")
    def numbers(**params):
        return [m["phone_number"] for m in inbox(emulator, **params).json()["messages"]]
    assert numbers(contains="11") == ["+919833000011", "+14155550111"]
    assert numbers(contains="98330 000-12") == ["+919833000012"]  # spaces and dashes ignored
    assert numbers(contains="+1415") == ["+14155550111"]
    assert numbers(contains="11", latest=1) == ["+14155550111"]
    assert numbers(contains="777") == []
    assert inbox(emulator, "delete", contains="9833").json() == {"deleted": 2}
    assert numbers() == ["+14155550111"]
    assert requests.get(f"{emulator.url}/_emulator/email", params={"contains": "EXAMPLE.COM"},
                        timeout=5).json() == {"messages": []}


@pytest.mark.parametrize("params", [{"since": "abc"}, {"since": "-1"}, {"latest": "0"}, {"phone": "+91"}])
def test_bad_parameters_are_json_400(emulator, params):
    response = inbox(emulator, **params)
    assert response.status_code == 400
    assert response.json()["__type"] == "InvalidParameterException"
    assert inbox(emulator, "delete", bogus="1").status_code == 400


def test_sns_publish_lands_in_the_inbox(emulator):
    sns = emulator.client("sns")
    response = sns.publish(PhoneNumber="+919833000005", Message="Your login code is 482913")
    assert len(response["MessageId"]) == 36
    [sms] = messages(emulator, "+919833000005")
    assert (sms["message"], sms["code"], sms["origin"], sms["pool_id"]) == (
        "Your login code is 482913", "482913", "SNS Publish", None)
    sns.publish(PhoneNumber="+919833000005", Message="No code, or two: 1234 and 5678")
    assert messages(emulator, "+919833000005")[-1]["code"] is None


# Cognito does not document this; the emulator's choice is in docs/cognito-behaviour.md §9.1:
# the texts of the SNS stand-in's errors.
def test_sns_errors_are_sns_errors(emulator):
    sns = emulator.client("sns")
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        sns.list_topics()
    assert caught.value.response["Error"]["Code"] == "InvalidAction"
    assert caught.value.response["Error"]["Message"] == "The action ListTopics is not valid for this web service."
    error = error_of(sns.publish, PhoneNumber="98330", Message="x")
    assert error == {**error, "Code": "InvalidParameter", "Status": 400,
                     "Message": "Invalid parameter: PhoneNumber Reason: 98330 is not valid to publish to"}
    error = error_of(sns.publish, TopicArn="arn:aws:sns:us-east-1:123456789012:t", Message="x")
    assert error == {**error, "Code": "InvalidParameter",
                     "Message": "Invalid parameter: the emulator delivers only SMS; publish with PhoneNumber."}
    error = error_of(sns.publish, Message="x")
    assert error == {**error, "Code": "InvalidParameter",
                     "Message": "Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter"}
    response = requests.post(emulator.url, data={"Action": "Publish", "PhoneNumber": "+919833000006"}, timeout=5)
    assert response.status_code == 400
    namespace = {"sns": "http://sns.amazonaws.com/doc/2010-03-31/"}
    fault = ElementTree.fromstring(response.text).find("sns:Error", namespace)
    assert (fault.findtext("sns:Code", namespaces=namespace), fault.findtext("sns:Message", namespaces=namespace)) == (
        "ValidationError",
        "1 validation error detected: Value null at 'message' failed to satisfy constraint: Member must not be null")


def test_email_codes_have_an_inbox_too(emulator, cognito):
    pool = cognito.create_user_pool(PoolName="mail", UsernameAttributes=["email"], AutoVerifiedAttributes=["email"])["UserPool"]
    client = cognito.create_user_pool_client(UserPoolId=pool["Id"], ClientName="c")["UserPoolClient"]["ClientId"]
    response = sign_up(cognito, "asha@example.com", client=client)
    assert response["CodeDeliveryDetails"] == {"Destination": "a***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"}
    [mail] = requests.get(f"{emulator.url}/_emulator/email", params={"email": "asha@example.com"}, timeout=5).json()["messages"]
    assert mail["subject"] == "Your verification code"
    cognito.confirm_sign_up(ClientId=client, Username="asha@example.com", ConfirmationCode=mail["code"])


# That a message's text is shown as text (never as HTML) is tested where it can fail: in Chromium
# (tests/test_inbox_browser.py, test_message_text_is_shown_as_text). The page's HTML holds no messages to search.


def test_pages_answer_a_favicon_request_quietly(emulator):
    answer = requests.get(f"{emulator.url}/favicon.ico", timeout=5)
    assert answer.status_code == 204 and answer.content == b""
