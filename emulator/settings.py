"""Everything the emulator can be configured with, in one place."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_PORT = 9229
# What tokens carry as `iss`: "cognito" = what Cognito mints (https://cognito-idp.<region>.amazonaws.com/<pool id>,
# or issuer-cognito-idp for a pool whose IssuerConfiguration.Type is UPDATED), so verifiers written for AWS accept
# them unchanged; "emulator" = the emulator's URL plus the pool id, for OIDC discovery clients that fetch
# <iss>/.well-known/openid-configuration. See docs/cognito-behaviour.md §8.12.
ISSUERS = ("cognito", "emulator")


@dataclass
class Settings:
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    data: str = "./.emulator"  # a directory, or ":memory:"
    config: str | None = None  # a seed configuration file; None = the shipped default
    region: str = "us-east-1"
    account_id: str = "123456789012"  # appears in ARNs
    # The base URL clients reach the emulator at; the JWKS URL (and, with issuer="emulator", token issuers)
    # are built from it. None = http://<host>:<port> (filled in once the port is bound).
    public_url: str | None = None
    issuer: str = "cognito"  # one of ISSUERS
    max_request_bytes: int = 1024 * 1024
    # Check every response against botocore's output shape and fail loudly on a mismatch (tests turn it on).
    check_responses: bool = False
    # When set, the emulator's own state-changing endpoints (/_emulator/* writes, the dashboard's actions)
    # require it. The command line sets one whenever it binds beyond loopback, unless --insecure.
    control_token: str | None = None
    # An HTTPS listener on this port too (0 = any free port), with certificates from a local CA kept in tls_dir
    # (None: <data>/tls, or a folder in the user's cache for an in-memory emulator). See emulator/tls.py.
    tls_port: int | None = None
    tls_dir: str | None = None

    @property
    def loopback_only(self) -> bool:
        return self.host in ("127.0.0.1", "localhost", "::1") or self.host.startswith("127.")

    @property
    def base_url(self) -> str:
        """The URL clients use: --public-url, else where the emulator listens."""
        if self.public_url:
            return self.public_url.rstrip("/")
        return self.listen_url

    @property
    def tls_url(self) -> str | None:
        if self.tls_port is None:
            return None
        host = "localhost" if self.listen_url.startswith(("http://127.0.0.1:", "http://localhost:")) else \
            self.listen_url.split("//", 1)[1].rsplit(":", 1)[0]
        return f"https://{host}:{self.tls_port}"

    @property
    def listen_url(self) -> str:
        host = self.host
        if host in ("0.0.0.0", "::", ""):
            host = "127.0.0.1"
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}"
