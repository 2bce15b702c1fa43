"""Every cryptographic operation in Endwatch. No other module imports `cryptography` or `argon2`.

Blobs are self-describing: a one-byte format version, then the fields the format needs. AEAD is
ChaCha20-Poly1305 with a random 96-bit nonce; public-key sealing is ephemeral X25519 + HKDF-SHA256.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from argon2.low_level import hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from jwcrypto import jwk, jws
from jwcrypto.common import JWException, json_encode

KEY_BYTES = 32
NONCE_BYTES = 12
SALT_BYTES = 16
_SEALED_V1 = b"\x01"
_SECRET_V1 = b"\x02"
_WRAPPED_V1 = b"\x03"


class DecryptionError(Exception):
    """A blob could not be opened: wrong key, wrong passphrase or tampered data."""


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost; production values come from the config, tests pass cheap ones."""

    time_cost: int = 3
    memory_kib: int = 65536
    parallelism: int = 1


# -- symmetric ---------------------------------------------------------------------------------------


def new_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def encrypt(key: bytes, plaintext: bytes, aad: bytes = b"") -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return _SECRET_V1 + nonce + ChaCha20Poly1305(key).encrypt(nonce, plaintext, aad)


def decrypt(key: bytes, blob: bytes, aad: bytes = b"") -> bytes:
    if not blob.startswith(_SECRET_V1) or len(blob) < 1 + NONCE_BYTES + 16:
        raise DecryptionError("not an Endwatch secret blob")
    nonce, body = blob[1 : 1 + NONCE_BYTES], blob[1 + NONCE_BYTES :]
    try:
        return ChaCha20Poly1305(key).decrypt(nonce, body, aad)
    except InvalidTag:
        raise DecryptionError("secret blob does not open with this key") from None


# -- public-key sealing (X25519) ---------------------------------------------------------------------


def new_keypair() -> tuple[bytes, bytes]:
    """Return (private, public) raw X25519 keys."""
    private = X25519PrivateKey.generate()
    return _raw_private(private), _raw_public(private.public_key())


def public_from_private(private_key: bytes) -> bytes:
    return _raw_public(X25519PrivateKey.from_private_bytes(private_key).public_key())


def seal(public_key: bytes, plaintext: bytes, aad: bytes = b"") -> bytes:
    """Encrypt to a public key so that only the matching private key opens it."""
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = _raw_public(ephemeral.public_key())
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(public_key))
    key = _hkdf(shared, ephemeral_public + public_key)
    return _SEALED_V1 + ephemeral_public + encrypt(key, plaintext, aad)


def unseal(private_key: bytes, blob: bytes, aad: bytes = b"") -> bytes:
    if not blob.startswith(_SEALED_V1) or len(blob) < 1 + KEY_BYTES:
        raise DecryptionError("not an Endwatch sealed blob")
    ephemeral_public = blob[1 : 1 + KEY_BYTES]
    private = X25519PrivateKey.from_private_bytes(private_key)
    shared = private.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
    key = _hkdf(shared, ephemeral_public + _raw_public(private.public_key()))
    return decrypt(key, blob[1 + KEY_BYTES :], aad)


# -- passphrase wrapping (Argon2id) ------------------------------------------------------------------


def wrap_with_passphrase(secret: bytes, passphrase: str, params: KdfParams) -> bytes:
    salt = os.urandom(SALT_BYTES)
    header = _WRAPPED_V1 + _kdf_header(params) + salt
    key = _argon2_key(passphrase.encode(), salt, params)
    return header + encrypt(key, secret, header)


def unwrap_with_passphrase(blob: bytes, passphrase: str) -> bytes:
    header_len = 1 + 4 + 4 + 1 + SALT_BYTES
    if not blob.startswith(_WRAPPED_V1) or len(blob) < header_len:
        raise DecryptionError("not an Endwatch wrapped key")
    header = blob[:header_len]
    params = KdfParams(
        time_cost=int.from_bytes(header[1:5], "big"),
        memory_kib=int.from_bytes(header[5:9], "big"),
        parallelism=header[9],
    )
    key = _argon2_key(passphrase.encode(), header[10:], params)
    return decrypt(key, blob[header_len:], header)


def slow_digest(secret: str, pepper: bytes, params: KdfParams) -> bytes:
    """A deterministic slow hash (Argon2id, peppered) so that a lookup stays one indexed query."""
    salt = hashlib.sha256(b"endwatch-receipt-salt" + pepper).digest()[:SALT_BYTES]
    return _argon2_key(secret.encode(), salt, params)


# -- passwords ---------------------------------------------------------------------------------------


def hash_password(password: str, params: KdfParams) -> str:
    return _hasher(params).hash(password)


def password_needs_rehash(stored: str, params: KdfParams) -> bool:
    """True when `stored` was hashed with other Argon2 parameters than `params` (argon2-cffi's check)."""
    return _hasher(params).check_needs_rehash(stored)


def wrapped_with(blob: bytes, params: KdfParams) -> bool:
    """True when a passphrase-wrapped key was derived with exactly `params`."""
    return blob[1:10] == _kdf_header(params)


def verify_password(stored: str, password: str) -> bool:
    try:
        return PasswordHasher().verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


# -- signatures (Ed25519) ----------------------------------------------------------------------------


def new_signing_key() -> tuple[bytes, bytes]:
    """Return (private, public) raw Ed25519 keys."""
    private = Ed25519PrivateKey.generate()
    public = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    raw = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return raw, public


def key_id(public_key: bytes) -> str:
    return hashlib.sha256(public_key).hexdigest()[:16]


# -- JOSE (RFC 7515 JWS, RFC 8037 EdDSA over Ed25519), through jwcrypto -------------------------------

JWS_ALG = "EdDSA"


class SignatureInvalid(Exception):
    """A JWS that does not verify with the given key, or is not a compact EdDSA JWS at all."""


def public_jwk(public_key: bytes, kid: str) -> dict[str, str]:
    """The RFC 8037 JWK of an Ed25519 public key."""
    return {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": encode_key(public_key),
        "kid": kid,
        "use": "sig",
        "alg": JWS_ALG,
    }


def jws_sign(private_key: bytes, public_key: bytes, kid: str, payload: bytes, typ: str) -> str:
    """A compact JWS of `payload`, signed with EdDSA (Ed25519), naming the key as `kid`."""
    token = jws.JWS(payload)
    token.add_signature(
        _private_jwk(private_key, public_key, kid),
        JWS_ALG,
        json_encode({"alg": JWS_ALG, "kid": kid, "typ": typ}),
    )
    return str(token.serialize(compact=True))


def jws_header(compact: str) -> dict[str, object]:
    """The protected header of a compact JWS, not yet verified (to pick the key it names)."""
    try:
        token = jws.JWS()
        token.deserialize(compact)
        header = token.jose_header
    except (JWException, ValueError, TypeError) as exc:
        raise SignatureInvalid(f"not a compact JWS: {exc}") from None
    if not isinstance(header, dict):
        raise SignatureInvalid("not a compact JWS")
    return header


def jws_verify(compact: str, public_key: bytes) -> bytes:
    """The payload of a compact JWS that verifies with `public_key` under EdDSA and no other algorithm."""
    try:
        token = jws.JWS()
        token.allowed_algs = [JWS_ALG]
        token.deserialize(compact, jwk.JWK(**public_jwk(public_key, "")), alg=JWS_ALG)
        return bytes(token.payload)
    except (JWException, ValueError, TypeError) as exc:
        raise SignatureInvalid(f"signature does not verify: {exc}") from None


@functools.lru_cache(maxsize=8)
def _private_jwk(private_key: bytes, public_key: bytes, kid: str) -> jwk.JWK:
    return jwk.JWK(**public_jwk(public_key, kid), d=encode_key(private_key))


# -- small helpers -----------------------------------------------------------------------------------


def hmac_sha256(key: bytes, message: bytes) -> str:
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def equal(a: str | bytes, b: str | bytes) -> bool:
    """Constant-time comparison."""
    left = a.encode() if isinstance(a, str) else a
    right = b.encode() if isinstance(b, str) else b
    return hmac.compare_digest(left, right)


def random_token(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def random_password() -> str:
    return base64.b32encode(secrets.token_bytes(15)).decode().lower()


def encode_key(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_key(text: str) -> bytes:
    cleaned = "".join(text.split())
    return base64.urlsafe_b64decode(cleaned + "=" * (-len(cleaned) % 4))


def _kdf_header(params: KdfParams) -> bytes:
    return (
        params.time_cost.to_bytes(4, "big")
        + params.memory_kib.to_bytes(4, "big")
        + params.parallelism.to_bytes(1, "big")
    )


def _hasher(params: KdfParams) -> PasswordHasher:
    return PasswordHasher(
        time_cost=params.time_cost,
        memory_cost=params.memory_kib,
        parallelism=params.parallelism,
        type=Type.ID,
    )


def _argon2_key(secret: bytes, salt: bytes, params: KdfParams) -> bytes:
    return hash_secret_raw(
        secret=secret,
        salt=salt,
        time_cost=params.time_cost,
        memory_cost=params.memory_kib,
        parallelism=params.parallelism,
        hash_len=KEY_BYTES,
        type=Type.ID,
    )


def _hkdf(shared: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=b"endwatch-seal" + info).derive(
        shared
    )


def _raw_private(key: X25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )


def _raw_public(key: X25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
