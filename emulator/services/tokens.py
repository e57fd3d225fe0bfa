"""JWT signing and checking: RS256 with one key per pool for ID tokens and another for access tokens.

Keys are generated on first use and kept in the store, so tokens stay valid across restarts.
The issuer is what Cognito mints, `https://cognito-idp.<region>.amazonaws.com/<pool id>` (or
`https://issuer-cognito-idp...` for a pool whose IssuerConfiguration.Type is UPDATED), so verifier code
written for AWS accepts the tokens unchanged once it has the keys, which the emulator serves at
`<emulator>/<pool id>/.well-known/jwks.json`. With the "emulator" issuer setting it is that emulator URL
plus the pool id instead, for OIDC discovery clients. See docs/cognito-behaviour.md §8.12.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from concurrent.futures import ThreadPoolExecutor

from emulator.services.store import Store
from emulator.settings import ISSUERS

# jwt and cryptography are imported on first use: they cost the emulator's start-up about 50 ms.

TOKEN_USES = ("id", "access")


class InvalidToken(Exception):
    """Not a token of this emulator's: bad format, unknown key, wrong signature or algorithm."""


class TokenSigner:
    def __init__(self, store: Store, base_url, issuer: str = "cognito"):
        if issuer not in ISSUERS:
            raise ValueError(f"issuer must be one of {', '.join(ISSUERS)}, not {issuer!r}")
        self._store = store
        self._base_url = base_url  # a callable: the port is known only once the server is bound
        self._issuer_mode = issuer
        self._keys: dict[str, dict] = {}  # pool id → {use: {"kid", "private", "public"}}
        self._lock = threading.Lock()
        # Threads start at the first submit, not here.
        self._signing_threads = ThreadPoolExecutor(max_workers=2, thread_name_prefix="token-signing")

    def issuer(self, pool_id: str, pool: dict | None = None) -> str:
        """The `iss` of the pool's tokens. `pool` (the stored pool) saves a store lookup when the caller has it."""
        if self._issuer_mode == "emulator":
            return self.emulator_url(pool_id)
        if pool is None:
            pool = self._store.get_pool(pool_id) or {}
        # Cognito's region is the pool id's prefix (us-east-1 in us-east-1_otpDemo01); see §8.12.
        region = pool_id.split("_", 1)[0]
        updated = (pool.get("IssuerConfiguration") or {}).get("Type") == "UPDATED"
        host = "issuer-cognito-idp" if updated else "cognito-idp"
        return f"https://{host}.{region}.amazonaws.com/{pool_id}"

    def emulator_url(self, pool_id: str) -> str:
        """Where this emulator serves the pool's `.well-known/jwks.json` and `openid-configuration`."""
        return f"{self._base_url()}/{pool_id}"

    def _pool_keys(self, pool_id: str) -> dict:
        from cryptography.hazmat.primitives import serialization

        keys = self._keys.get(pool_id)
        if keys is not None:
            return keys
        with self._lock:
            if pool_id in self._keys:
                return self._keys[pool_id]
            stored = self._store.get_signing_keys(pool_id)
            keys = {}
            for use in TOKEN_USES:
                entry = stored.get(use) or self._store.add_signing_key(pool_id, use, *_new_key())
                # The emulator made and stored these keys itself: checking them again costs 60 ms each.
                private = serialization.load_pem_private_key(entry["private_pem"].encode(), password=None,
                                                             unsafe_skip_rsa_key_validation=True)
                keys[use] = {"kid": entry["kid"], "private": private, "public": private.public_key()}
            self._keys[pool_id] = keys
            return keys

    def sign(self, pool_id: str, use: str, claims: dict) -> str:
        import jwt

        key = self._pool_keys(pool_id)[use]
        return jwt.encode(claims, key["private"], algorithm="RS256", headers={"kid": key["kid"]})

    def sign_pair(self, pool_id: str, access_claims: dict, id_claims: dict) -> tuple[str, str]:
        """(access token, ID token). OpenSSL lets go of the GIL while it signs, so the access token is signed
        on a helper thread while this one signs the ID token: a sign-in answers 0.35 ms sooner (of 1.5 ms)."""
        pending = self._signing_threads.submit(self.sign, pool_id, "access", access_claims)
        id_token = self.sign(pool_id, "id", id_claims)
        return pending.result(), id_token

    def jwks(self, pool_id: str) -> dict:
        import jwt

        keys = []
        for use in TOKEN_USES:
            key = self._pool_keys(pool_id)[use]
            jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key["public"]))
            keys.append({"alg": "RS256", "e": jwk["e"], "kid": key["kid"], "kty": "RSA", "n": jwk["n"], "use": "sig"})
        return {"keys": keys}

    def verify(self, token: str, use: str) -> dict:
        """The claims of a token this emulator signed for `use`. Expiry is the caller's to check,
        on the emulator clock."""
        import jwt

        try:
            header = jwt.get_unverified_header(token)
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError as error:
            raise InvalidToken(str(error)) from None
        issuer = unverified.get("iss")
        if not isinstance(issuer, str) or "/" not in issuer or header.get("alg") != "RS256":
            raise InvalidToken("not an RS256 token of this emulator")
        pool_id = issuer.rsplit("/", 1)[1]
        pool = self._store.get_pool(pool_id)
        # Only the issuer this pool's tokens are minted with now: not the other Cognito form, nor the other setting.
        if pool is None or issuer != self.issuer(pool_id, pool):
            raise InvalidToken("unknown issuer")
        key = self._pool_keys(pool_id)[use]
        if header.get("kid") != key["kid"]:
            raise InvalidToken("unknown key")
        try:
            return jwt.decode(token, key["public"], algorithms=["RS256"],
                              options={"verify_exp": False, "verify_iat": False, "verify_nbf": False,
                                       "verify_aud": False})
        except jwt.PyJWTError as error:
            raise InvalidToken(str(error)) from None


def _new_key() -> tuple[str, str]:
    """(kid, private key PEM). The kid is a hash of the public key, base64 as Cognito's look."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_der = private.public_key().public_bytes(serialization.Encoding.DER,
                                                   serialization.PublicFormat.SubjectPublicKeyInfo)
    kid = base64.b64encode(hashlib.sha256(public_der).digest()).decode()
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    return kid, pem
