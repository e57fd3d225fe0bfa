"""The claims of a client-credentials (machine-to-machine) access token: its lifetime, issue time, issuer, a fresh
jti each time, and `version` 2, as Cognito mints them. `make mutation` found them unchecked."""

import time

import jwt
import requests

from tests.test_oauth import API, M2M, POOL, discovery, live, m2m_secret  # noqa: F401  (live is a fixture)


def fetch(live):
    answer = requests.post(discovery(live)["token_endpoint"], auth=(M2M, m2m_secret(live)), timeout=10,
                           data={"grant_type": "client_credentials", "scope": f"{API}/read"})
    assert answer.status_code == 200
    return answer.json()


def test_a_machine_token_carries_cognitos_claims(live):
    before = int(live.services.clock.now())
    token = fetch(live)
    claims = jwt.decode(token["access_token"], options={"verify_signature": False})
    assert before <= claims["iat"] <= time.time() + live.services.clock.offset + 1
    assert claims["auth_time"] == claims["iat"]
    assert claims["exp"] - claims["iat"] == token["expires_in"] == 3600
    assert claims["iss"] == f"https://cognito-idp.us-east-1.amazonaws.com/{POOL}"
    assert claims["version"] == 2 and claims["scope"] == f"{API}/read"
    again = jwt.decode(fetch(live)["access_token"], options={"verify_signature": False})
    assert claims["jti"] != again["jti"] and len(claims["jti"]) == 36


def test_a_machine_token_expires_on_the_emulator_clock(live):
    live.services.clock.advance(1000)
    claims = jwt.decode(fetch(live)["access_token"], options={"verify_signature": False})
    assert claims["iat"] >= int(time.time()) + 999
