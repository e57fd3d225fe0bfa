"""Passwords are never stored: each user keeps a random salt and SRP's private value x, a salted hash.

The maths is Cognito's SRP-6a (docs/cognito-behaviour.md §7.6): the RFC 5054 3072-bit group,
g = 2, SHA-256, x = H(salt | H(poolName | username | ":" | password)), v = g^x mod N.
A plain password sign-in is checked by recomputing x (two hashes). The verifier v, a 3072-bit modular
exponentiation (about 1 ms even with GMP), is derived from x only when an SRP sign-in needs it, and
remembered: every SignUp and password sign-in would otherwise pay for it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from functools import lru_cache

try:  # GMP's modular exponentiation is about ten times Python's on SRP's 3072-bit numbers
    from gmpy2 import powmod as _gmp_powmod

    def modpow(base: int, exponent: int, modulus: int) -> int:
        return int(_gmp_powmod(base, exponent, modulus))
except ImportError:  # pragma: no cover - gmpy2 is a dependency; this keeps the maths working without it
    modpow = pow

N_HEX = (
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7"
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C"
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF"
)
N = int(N_HEX, 16)
G = 2


def pad_hex(value: int) -> str:
    """Hex of a non-negative number as Java's BigInteger.toByteArray gives it: whole bytes, and a leading zero byte
    when the top bit is set (a sign bit to Java)."""
    return value.to_bytes(value.bit_length() // 8 + 1, "big").hex()


def hex_hash(hex_text: str) -> str:
    return hashlib.sha256(bytes.fromhex(hex_text)).hexdigest()


K = int(hex_hash(pad_hex(N) + pad_hex(G)), 16)


def pool_name(pool_id: str) -> str:
    """The part of the pool id after '_', which SRP mixes into every password."""
    return pool_id.split("_", 1)[1]


def private_key(pool_id: str, username: str, password: str, salt_hex: str) -> int:
    """x = H(salt | H(poolName | username | ":" | password))."""
    identity = hashlib.sha256(f"{pool_name(pool_id)}{username}:{password}".encode()).hexdigest()
    return int(hex_hash(pad_hex(int(salt_hex, 16)) + identity), 16)


def make_verifier(pool_id: str, username: str, password: str) -> dict:
    """What is stored for a password: {"salt": hex, "x": hex}."""
    salt_hex = pad_hex(secrets.randbits(128) | (1 << 127))  # 16 bytes, canonical hex
    return {"salt": salt_hex, "x": format(private_key(pool_id, username, password, salt_hex), "x")}


def password_matches(pool_id: str, username: str, password: str, stored: dict) -> bool:
    candidate = private_key(pool_id, username, password, stored["salt"])
    if "x" in stored:
        return hmac.compare_digest(format(candidate, "x"), stored["x"])
    # Written by an earlier version, which kept the verifier itself.
    return hmac.compare_digest(format(modpow(G, candidate, N), "x"), stored["verifier"])


def verifier_of(stored: dict) -> int:
    """v = g^x mod N for a stored password."""
    if "x" in stored:
        return _verifier(stored["x"])
    return int(stored["verifier"], 16)


@lru_cache(maxsize=4096)  # 4096 × ~400 bytes; a user signing in again with SRP skips the exponentiation
def _verifier(x_hex: str) -> int:
    return modpow(G, int(x_hex, 16), N)


# -- SRP sign-in, the server's side (docs/cognito-behaviour.md §7.6) -------------------------------------


def srp_server_values(verifier: int) -> tuple[int, int]:
    """(b, B): the server's secret and public values for one SRP sign-in."""
    while True:
        b = secrets.randbits(256)
        B = (K * verifier + modpow(G, b, N)) % N
        if B != 0:
            return b, B


def srp_session_key(A: int, B: int, b: int, verifier: int) -> bytes:
    """K, the key both sides derive: S = (A · v^u)^b mod N, then Cognito's one-block HKDF."""
    u = int(hex_hash(pad_hex(A) + pad_hex(B)), 16)
    if u == 0:
        raise ValueError("u is zero")
    S = modpow(A * modpow(verifier, u, N) % N, b, N)
    prk = hmac.new(bytes.fromhex(pad_hex(u)), bytes.fromhex(pad_hex(S)), hashlib.sha256).digest()
    return hmac.new(prk, b"Caldera Derived Key\x01", hashlib.sha256).digest()[:16]


def password_claim_signature(key: bytes, pool_id: str, user_id_for_srp: str, secret_block_b64: str,
                             timestamp: str) -> str:
    """base64(HMAC-SHA256(K, poolName | USER_ID_FOR_SRP | SECRET_BLOCK bytes | TIMESTAMP))."""
    message = (pool_name(pool_id).encode() + user_id_for_srp.encode() + base64.b64decode(secret_block_b64)
               + timestamp.encode())
    return base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()
