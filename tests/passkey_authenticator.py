"""A software passkey authenticator for the tests: what a platform authenticator does in the WebAuthn ceremonies,
made with cryptography (P-256 keys, ES256) and cbor2 (py_webauthn's own CBOR library), as a browser would hand the
results to Amplify: registration and authentication responses in their JSON form, binary values base64url."""

from __future__ import annotations

import hashlib
import json
import os
import struct

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url

UP, UV, AT = 0x01, 0x04, 0x40  # authenticator data flags: user present, user verified, attested credential data


class SoftwareAuthenticator:
    def __init__(self, origin: str = "http://localhost:3000", attestation: str = "none", user_verified: bool = True):
        self.origin = origin
        self.attestation = attestation
        self.user_verified = user_verified
        self.credentials: dict[bytes, dict] = {}  # id → {"key", "rp_id", "count", "user_handle"}

    def _flags(self) -> int:
        return UP | (UV if self.user_verified else 0)

    def _client_data(self, kind: str, challenge: str, origin: str | None) -> bytes:
        return json.dumps({"type": kind, "challenge": challenge, "origin": origin or self.origin,
                           "crossOrigin": False}).encode()

    def register(self, options: dict, origin: str | None = None, rp_id: str | None = None,
                 same_as: bytes | None = None) -> dict:
        """navigator.credentials.create(options) → RegistrationResponseJSON. `same_as` registers a credential this
        authenticator already holds again (one that ignored excludeCredentials)."""
        rp_id = rp_id or options["rp"]["id"]
        key = self.credentials[same_as]["key"] if same_as else ec.generate_private_key(ec.SECP256R1())
        credential_id = same_as or os.urandom(32)
        numbers = key.public_key().public_numbers()
        cose = cbor2.dumps({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")})
        auth_data = (hashlib.sha256(rp_id.encode()).digest() + bytes([self._flags() | AT]) + struct.pack(">I", 0)
                     + bytes(16) + struct.pack(">H", len(credential_id)) + credential_id + cose)
        client_data = self._client_data("webauthn.create", options["challenge"], origin)
        statement = {}
        if self.attestation == "packed":  # self attestation: signed with the credential's own key
            signature = key.sign(auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
            statement = {"alg": -7, "sig": signature}
        attestation = cbor2.dumps({"fmt": self.attestation, "attStmt": statement, "authData": auth_data})
        self.credentials[credential_id] = {"key": key, "rp_id": rp_id, "count": 0,
                                           "user_handle": options["user"]["id"]}
        return {"id": bytes_to_base64url(credential_id), "rawId": bytes_to_base64url(credential_id),
                "type": "public-key", "authenticatorAttachment": "platform", "clientExtensionResults": {},
                "response": {"clientDataJSON": bytes_to_base64url(client_data),
                             "attestationObject": bytes_to_base64url(attestation), "transports": ["internal"]}}

    def assert_(self, options: dict, origin: str | None = None, rp_id: str | None = None,
                credential_id: bytes | None = None) -> dict:
        """navigator.credentials.get(options) → AuthenticationResponseJSON (signed, the sign count one up)."""
        allowed = [base64url_to_bytes(entry["id"]) for entry in options.get("allowCredentials") or []]
        credential_id = credential_id or next(cid for cid in self.credentials if not allowed or cid in allowed)
        held = self.credentials[credential_id]
        held["count"] += 1
        auth_data = (hashlib.sha256((rp_id or options["rpId"]).encode()).digest() + bytes([self._flags()])
                     + struct.pack(">I", held["count"]))
        client_data = self._client_data("webauthn.get", options["challenge"], origin)
        signature = held["key"].sign(auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        return {"id": bytes_to_base64url(credential_id), "rawId": bytes_to_base64url(credential_id),
                "type": "public-key", "authenticatorAttachment": "platform", "clientExtensionResults": {},
                "response": {"clientDataJSON": bytes_to_base64url(client_data),
                             "authenticatorData": bytes_to_base64url(auth_data),
                             "signature": bytes_to_base64url(signature), "userHandle": held["user_handle"]}}
