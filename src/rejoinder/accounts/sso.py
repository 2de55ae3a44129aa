"""Verification of publisher-signed SSO tokens (JWT).

Checks, in order: the header parses; ``alg`` is on the allow-list (``none`` never is); a key
exists for that ``alg`` (and ``kid`` when given: keys rotate by adding a second one); the
signature verifies with a key *of that algorithm only* (so an HS256 token "signed" with our RS256
public key is never checked against it); ``exp``, ``iat`` (not in the future beyond the leeway,
not older than ``max_age_seconds``) and ``nbf`` when present, each a finite number of seconds
between 1970 and 2999 (PyJWT lets ``NaN`` and ``Infinity`` through); ``aud`` and ``iss`` when
configured; ``sub`` present. Text claims may not hold control characters (422
``invalid_claims``). Time comes from the injected clock, not from PyJWT, so tests are
deterministic. Single use of ``jti`` and the per-token cap live in ``accounts.exchanges``.
"""

from __future__ import annotations

import json
import math
import warnings
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeGuard

import jwt
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from jwt.algorithms import RSAAlgorithm
from jwt.warnings import InsecureKeyLengthWarning

from rejoinder.kernel.bounds import EARLIEST, LATEST, has_control
from rejoinder.kernel.errors import Invalid, NotAuthenticated
from rejoinder.settings import ConfigError, SsoSettings

MAX_BADGES = 5
MAX_VERIFIED = 10


def _refuse(message: str) -> NotAuthenticated:
    return NotAuthenticated(message, code="invalid_token")


@dataclass(frozen=True, slots=True)
class VerificationKey:
    kid: str | None
    algorithm: str
    key: Any


@dataclass(frozen=True, slots=True)
class SsoClaims:
    subject: str
    plan: str | None
    email: str | None
    badges: tuple[str, ...]
    issued_at: datetime
    expires_at: datetime
    token_id: str | None = None  # the ``jti`` claim, when the publisher sends one
    # ``email_verified: true``: the publisher vouches for the address (imported authors
    # claim their history with it, see docs/import.md).
    email_verified: bool = False
    #: Boolean ``*_verified`` claims that are true (``phone_verified``, ``email_verified``).
    verified: tuple[str, ...] = ()


def load_keys(settings: SsoSettings) -> list[VerificationKey]:
    """Read every configured key once, at start-up; a bad key file fails loudly then."""
    keys: list[VerificationKey] = []
    for item in settings.keys:
        if item.algorithm == "HS256":
            keys.append(VerificationKey(item.kid, "HS256", item.secret))
            continue
        pem = item.public_key
        if pem is None and item.public_key_file:
            pem = Path(item.public_key_file).read_text(encoding="utf-8")
        assert pem is not None  # settings validation guarantees one of the two
        keys.append(VerificationKey(item.kid, "RS256", _public_key(pem)))
    if settings.jwks_file:
        document = json.loads(Path(settings.jwks_file).read_text(encoding="utf-8"))
        for jwk in document.get("keys", []):
            if jwk.get("kty") != "RSA" or jwk.get("use", "sig") != "sig":
                continue
            keys.append(
                VerificationKey(jwk.get("kid"), "RS256", RSAAlgorithm.from_jwk(json.dumps(jwk)))
            )
    return keys


def _public_key(pem: str) -> RSAPublicKey:
    key = RSAAlgorithm(RSAAlgorithm.SHA256).prepare_key(pem)
    if not isinstance(key, RSAPublicKey):
        raise ConfigError("sso.keys: an RS256 key must be the public half, not the private key")
    return key


class SsoVerifier:
    def __init__(self, settings: SsoSettings, keys: list[VerificationKey]) -> None:
        self._settings = settings
        self._keys = keys
        self._allowed = {alg for alg in settings.algorithms if alg.lower() != "none"}

    def verify(self, token: str, now: datetime) -> SsoClaims:
        """Return the claims of a valid token; raise 401 ``invalid_token`` for anything else."""
        if not self._settings.enabled or not self._keys:
            raise NotAuthenticated("Single sign-on is not configured.", code="sso_disabled")
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise _refuse("The sign-in token is not a well-formed JWT.") from None
        algorithm = header.get("alg")
        if not isinstance(algorithm, str) or algorithm not in self._allowed:
            raise _refuse(f"The sign-in token's algorithm {algorithm!r} is not allowed.")
        kid = header.get("kid")
        candidates = [
            key
            for key in self._keys
            if key.algorithm == algorithm and (kid is None or key.kid == kid)
        ]
        if not candidates:
            raise _refuse("No key matches the sign-in token's algorithm and key id.")
        claims = self._decode(token, algorithm, candidates)
        return self._check(claims, now)

    def _decode(
        self, token: str, algorithm: str, candidates: list[VerificationKey]
    ) -> dict[str, Any]:
        # Time claims are checked in ``_check`` against the injected clock.
        options: Any = {
            "verify_exp": False,
            "verify_iat": False,
            "verify_nbf": False,
            "verify_aud": self._settings.audience is not None,
        }
        for key in candidates:
            try:
                with warnings.catch_warnings():
                    # Secret length is enforced when the settings load; only the public demo
                    # secret is shorter, and PyJWT would warn on every demo sign-in.
                    warnings.simplefilter("ignore", InsecureKeyLengthWarning)
                    claims: dict[str, Any] = jwt.decode(
                        token,
                        key.key,
                        algorithms=[algorithm],
                        audience=self._settings.audience,
                        issuer=self._settings.issuer,
                        options=options,
                    )
            except jwt.InvalidSignatureError:
                continue
            except jwt.InvalidAudienceError:
                raise _refuse("The sign-in token is meant for another audience.") from None
            except jwt.InvalidIssuerError:
                raise _refuse("The sign-in token comes from an unexpected issuer.") from None
            except jwt.MissingRequiredClaimError as exc:
                raise _refuse(f"The sign-in token lacks the {exc.claim!r} claim.") from None
            except jwt.PyJWTError:
                raise _refuse("The sign-in token could not be verified.") from None
            return claims
        raise _refuse("The sign-in token's signature does not verify.")

    def _check(self, claims: dict[str, Any], now: datetime) -> SsoClaims:
        leeway = self._settings.leeway_seconds
        exp, iat, nbf = claims.get("exp"), claims.get("iat"), claims.get("nbf", 0)
        if not _is_moment(exp) or not _is_moment(iat) or not _is_moment(nbf):
            raise _refuse(
                "The sign-in token's 'exp', 'iat' and 'nbf' claims must be times in seconds."
            )
        stamp = now.timestamp()
        if nbf - leeway > stamp:
            raise NotAuthenticated(
                "The sign-in token is not valid yet; check the clocks.", code="token_not_yet_valid"
            )
        if exp + leeway <= stamp:
            raise NotAuthenticated("The sign-in token has expired.", code="token_expired")
        if iat - leeway > stamp:
            raise _refuse("The sign-in token was issued in the future; check the clocks.")
        if stamp - iat > self._settings.max_age_seconds + leeway:
            raise NotAuthenticated("The sign-in token is too old.", code="token_expired")
        subject = claims.get("sub")
        if not isinstance(subject, str) or not subject.strip() or len(subject) > 255:
            raise _refuse("The sign-in token must carry a 'sub' claim (the subscriber id).")
        if has_control(subject):
            raise Invalid("The 'sub' claim may not hold control characters.", code="invalid_claims")
        plan = claims.get("plan")
        if plan is not None and not isinstance(plan, str):
            raise Invalid("The 'plan' claim must be a plan id.", code="invalid_claims")
        email = claims.get("email")
        if email is not None and (
            not isinstance(email, str) or len(email) > 320 or has_control(email)
        ):
            raise Invalid("The 'email' claim must be an e-mail address.", code="invalid_claims")
        token_id = claims.get("jti")
        if token_id is not None and (
            not isinstance(token_id, str) or not 1 <= len(token_id) <= 255 or has_control(token_id)
        ):
            raise Invalid("The 'jti' claim must be a short string.", code="invalid_claims")
        return SsoClaims(
            subject=subject,
            plan=plan,
            email=email,
            badges=_badges(claims.get("badges")),
            issued_at=datetime.fromtimestamp(iat, tz=now.tzinfo),
            expires_at=datetime.fromtimestamp(exp, tz=now.tzinfo),
            token_id=token_id,
            email_verified=claims.get("email_verified") is True and email is not None,
            verified=_verified(claims),
        )


def _verified(claims: dict[str, Any]) -> tuple[str, ...]:
    """The verification claims set to ``true``; any other value (``"true"``, 1) is not."""
    names = [
        name
        for name, value in claims.items()
        if name.endswith("_verified") and len(name) <= 64 and value is True
    ]
    return tuple(sorted(names))[:MAX_VERIFIED]


_FIRST, _LAST = EARLIEST.timestamp(), LATEST.timestamp()


def _is_moment(value: Any) -> TypeGuard[float]:
    """A number of seconds that ``datetime`` can hold: no bool, NaN, infinity or year 10000."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return False
    if isinstance(value, float) and not math.isfinite(value):
        return False
    return _FIRST <= value <= _LAST  # an int is compared exactly, however many digits it has


def _badges(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(b, str) for b in value):
        raise Invalid("The 'badges' claim must be a list of strings.", code="invalid_claims")
    cleaned = [b.strip()[:32] for b in value if b.strip() and not has_control(b)]
    return tuple(dict.fromkeys(cleaned))[:MAX_BADGES]
