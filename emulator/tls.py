"""The HTTPS listener's certificates: a local certificate authority, made once and kept, and a server certificate
for localhost, 127.0.0.1 and ::1 that it signs. Amplify builds `https://<domain>/oauth2/...` whatever the domain,
so the managed login must be reachable over TLS with a certificate the developer trusts: trusting ca.pem once
(NODE_EXTRA_CA_CERTS, REQUESTS_CA_BUNDLE, a browser's authorities) covers every later start.

Made with `cryptography`, in `<data directory>/tls/` (ca.pem, ca-key.pem, server.pem, server-key.pem).
"""

from __future__ import annotations

import datetime
import ipaddress
import os
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_DAYS = 3650
SERVER_DAYS = 397  # browsers refuse server certificates valid for longer than 398 days
RENEW_DAYS = 30  # a server certificate this close to its end is made afresh at start
NAMES = ("localhost", "127.0.0.1", "::1")


@dataclass(frozen=True)
class TlsFiles:
    ca: str
    certificate: str
    key: str


def default_directory(data: str) -> str:
    """`<data>/tls`; for an in-memory emulator, a folder of the user's own, so the CA trusted once stays trusted."""
    if data != ":memory:":
        return os.path.join(data, "tls")
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(cache, "cognito-emulator", "tls")


def certificates(directory: str, now: datetime.datetime | None = None) -> TlsFiles:
    """The CA and server certificate in `directory`, made when missing (or, for the server's, near its end)."""
    now = now or datetime.datetime.now(datetime.timezone.utc)
    os.makedirs(directory, mode=0o700, exist_ok=True)
    files = TlsFiles(os.path.join(directory, "ca.pem"), os.path.join(directory, "server.pem"),
                     os.path.join(directory, "server-key.pem"))
    ca_key_path = os.path.join(directory, "ca-key.pem")
    if not (os.path.exists(files.ca) and os.path.exists(ca_key_path)) or not _constrained(files.ca):
        _write_ca(files.ca, ca_key_path, now)
    with open(files.ca, "rb") as handle:
        ca = x509.load_pem_x509_certificate(handle.read())
    with open(ca_key_path, "rb") as handle:
        ca_key = serialization.load_pem_private_key(handle.read(), password=None)
    if not _current(files.certificate, ca, now):
        _write_server(files, ca, ca_key, now)
    return files


def _constrained(path: str) -> bool:
    """Whether the CA can vouch only for this machine's names (a CA made before that rule is made again)."""
    with open(path, "rb") as handle:
        certificate = x509.load_pem_x509_certificate(handle.read())
    try:
        certificate.extensions.get_extension_for_class(x509.NameConstraints)
    except x509.ExtensionNotFound:
        return False
    return True


def _current(path: str, ca: x509.Certificate, now: datetime.datetime) -> bool:
    if not os.path.exists(path):
        return False
    with open(path, "rb") as handle:
        certificate = x509.load_pem_x509_certificate(handle.read())
    return (certificate.issuer == ca.subject
            and certificate.not_valid_after_utc - now > datetime.timedelta(days=RENEW_DAYS))


def _write_ca(path: str, key_path: str, now: datetime.datetime) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Cognito emulator local CA"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Cognito emulator (this machine only)")])
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=CA_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                     content_commitment=False, key_encipherment=False, data_encipherment=False,
                                     key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        # Trusted once, it must not be able to vouch for any other site, whoever gets hold of its key.
        .add_extension(x509.NameConstraints(permitted_subtrees=[
            x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_network("127.0.0.0/8")),
            x509.IPAddress(ipaddress.ip_network("::1/128"))], excluded_subtrees=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    _write_private(key_path, key)
    with open(path, "wb") as handle:
        handle.write(certificate.public_bytes(serialization.Encoding.PEM))


def _write_server(files: TlsFiles, ca: x509.Certificate, ca_key, now: datetime.datetime) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    names = [x509.DNSName("localhost")] + [x509.IPAddress(ipaddress.ip_address(ip)) for ip in NAMES[1:]]
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca.subject).public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=SERVER_DAYS))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    _write_private(files.key, key)
    with open(files.certificate, "wb") as handle:
        handle.write(certificate.public_bytes(serialization.Encoding.PEM))


def _write_private(path: str, key) -> None:
    data = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)


def trust_lines(ca: str) -> list[str]:
    return [f"  HTTPS: trust the local CA {ca} once:",
            f"    export NODE_EXTRA_CA_CERTS={ca} REQUESTS_CA_BUNDLE={ca}",
            "    (browsers: import it as a certificate authority, e.g. Chrome's Settings → Privacy and security →"
            " Security → Manage certificates)"]
