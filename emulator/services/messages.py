"""The outbox: every SMS and email the emulator would send is recorded, durably, and never sent."""

from __future__ import annotations

import re

from emulator.services.clock import Clock
from emulator.services.store import Store

SMS = "SMS"
EMAIL = "EMAIL"
# A code in a text someone else composed (a trigger's SNS Publish): the only run of 4 to 8 digits in it.
CODE_IN_TEXT = re.compile(r"(?<!\d)\d{4,8}(?!\d)")


class Outbox:
    def __init__(self, store: Store, clock: Clock):
        self._store = store
        self._clock = clock

    def send_sms(self, phone_number: str, text: str, origin: str, pool_id: str | None = None,
                 code: str | None = None) -> int:
        return self._store.insert_message({"pool_id": pool_id, "medium": SMS, "destination": phone_number,
                                           "message": text, "code": code, "origin": origin,
                                           "created_at": self._clock.now()})

    def publish_sms(self, phone_number: str, text: str) -> int:
        """A text a Lambda function sent with SNS Publish; its code is found in the text, if there is one."""
        codes = CODE_IN_TEXT.findall(text)
        return self.send_sms(phone_number, text, "SNS Publish", code=codes[0] if len(codes) == 1 else None)

    def send_email(self, address: str, subject: str | None, text: str, origin: str, pool_id: str | None = None,
                   code: str | None = None) -> int:
        return self._store.insert_message({"pool_id": pool_id, "medium": EMAIL, "destination": address,
                                           "subject": subject, "message": text, "code": code, "origin": origin,
                                           "created_at": self._clock.now()})


def sms_view(message: dict) -> dict:
    """An SMS as the inbox API shows it."""
    return {"id": message["id"], "pool_id": message["pool_id"], "phone_number": message["destination"],
            "message": message["message"], "code": message["code"], "origin": message["origin"],
            "created_at": message["created_at"]}


def email_view(message: dict) -> dict:
    return {"id": message["id"], "pool_id": message["pool_id"], "email": message["destination"],
            "subject": message["subject"], "message": message["message"], "code": message["code"],
            "origin": message["origin"], "created_at": message["created_at"]}
