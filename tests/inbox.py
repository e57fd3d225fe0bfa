"""Reading the emulator's SMS and email inboxes from tests."""

import requests


def messages(emulator, phone_number=None, **params):
    if phone_number:
        params["phone_number"] = phone_number
    response = requests.get(f"{emulator.url}/_emulator/sms", params=params, timeout=5)
    response.raise_for_status()
    return response.json()["messages"]


def latest_code(emulator, phone_number):
    found = messages(emulator, phone_number)
    assert found, f"no SMS to {phone_number}"
    return found[-1]["code"]


def mails(emulator, address):
    """The emails the emulator's inbox holds for one address, oldest first."""
    response = requests.get(f"{emulator.url}/_emulator/email", params={"email": address}, timeout=5)
    response.raise_for_status()
    return response.json()["messages"]
