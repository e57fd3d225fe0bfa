"""The outbox: every SMS and email the emulator would send is recorded, durably, and never sent."""

from __future__ import annotations

from emulator.services.clock import Clock
from emulator.services.store import Store

SMS = "SMS"
EMAIL = "EMAIL"


class Outbox:
    def __init__(self, store: Store, clock: Clock):
        self._store = store
        self._clock = clock

    def send_sms(self, phone_number: str, text: str, origin: str, pool_id: str | None = None,
                 code: str | None = None) -> int:
        return self._store.insert_message({"pool_id": pool_id, "medium": SMS, "destination": phone_number,
                                           "message": text, "code": code, "origin": origin,
                                           "created_at": self._clock.now()})

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
