"""The cryptography of the complaint channel, in one place (libsodium through PyNaCl, Argon2id).

A case has a random 32-byte **case key** K. Nothing stores K in the clear: it is sealed (X25519
sealed boxes) to each authorised handler's public key and to the office's recovery key, and wrapped
(XSalsa20-Poly1305) under a key derived with Argon2id from the reporter's receipt.

Content is encrypted under the **content key** ``BLAKE2b(key=S, data=K)``, where S is the case's
**store key**, kept outside the database in the key store (``keystore.py``). Deleting S when a case
is deleted makes every copy of the case, backups included, unreadable: K alone opens nothing.

The receipt is also hashed, separately, with Argon2id and a site-wide salt, so that the case can be
found from the receipt; the hash is stored as a PHC string whose parameters anyone can read.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from argon2 import low_level
from django.conf import settings
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox
from nacl.secret import SecretBox

KEY_BYTES = 32
SALT_BYTES = 16


class DecryptionError(Exception):
    """A key or ciphertext did not open: wrong key, tampered data, or a destroyed case."""


@dataclass(frozen=True)
class Argon2Params:
    time_cost: int
    memory_cost: int  # KiB
    parallelism: int

    @classmethod
    def from_settings(cls) -> Argon2Params:
        conf: dict[str, int] = settings.ABIERTA_COMPLAINTS_ARGON2
        return cls(conf["time_cost"], conf["memory_cost"], conf["parallelism"])


# ---------------------------------------------------------------- receipts


def _site_salt() -> bytes:
    configured: str = settings.ABIERTA_COMPLAINTS_RECEIPT_SALT
    material = configured.encode() if configured else settings.SECRET_KEY.encode()
    return hashlib.blake2b(material, digest_size=SALT_BYTES, person=b"abierta-receipt").digest()


def receipt_lookup_hash(receipt: str, params: Argon2Params | None = None) -> str:
    """The Argon2id PHC string stored to find a case from its receipt (deterministic: site-wide salt)."""
    p = params or Argon2Params.from_settings()
    encoded = low_level.hash_secret(
        receipt.encode(),
        _site_salt(),
        time_cost=p.time_cost,
        memory_cost=p.memory_cost,
        parallelism=p.parallelism,
        hash_len=32,
        type=low_level.Type.ID,
    )
    return encoded.decode()


def _argon2_key(secret: bytes, salt: bytes, params: Argon2Params | None) -> bytes:
    """A 32-byte key from Argon2id (the secret carries a prefix naming its purpose)."""
    p = params or Argon2Params.from_settings()
    return low_level.hash_secret_raw(
        secret,
        salt,
        time_cost=p.time_cost,
        memory_cost=p.memory_cost,
        parallelism=p.parallelism,
        hash_len=KEY_BYTES,
        type=low_level.Type.ID,
    )


def receipt_key(receipt: str, salt: bytes, params: Argon2Params | None = None) -> bytes:
    """The key that wraps the case key for the reporter: Argon2id with the case's own salt."""
    return _argon2_key(b"wrap:" + receipt.encode(), salt, params)


def parse_phc(encoded: str) -> dict[str, Any]:
    """The parameters of an Argon2 PHC string: {'type': 'argon2id', 'm': 65536, 't': 3, 'p': 4}."""
    _, kind, version, params, _salt, _hash = encoded.split("$")
    values = dict(item.split("=") for item in params.split(","))
    return {"type": kind, "version": version, **{k: int(v) for k, v in values.items()}}


# ---------------------------------------------------------------- symmetric boxes


def new_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def new_salt() -> bytes:
    return secrets.token_bytes(SALT_BYTES)


def encrypt(key: bytes, plaintext: bytes) -> bytes:
    return bytes(SecretBox(key).encrypt(plaintext))


def decrypt(key: bytes, ciphertext: bytes) -> bytes:
    try:
        return SecretBox(key).decrypt(ciphertext)
    except (CryptoError, ValueError, TypeError) as exc:
        raise DecryptionError from exc


def content_key(case_key: bytes, store_key: bytes) -> bytes:
    """The key that encrypts a case's content: neither the case key nor the store key alone opens it."""
    return hashlib.blake2b(case_key, key=store_key, digest_size=KEY_BYTES, person=b"abierta-content").digest()


# ---------------------------------------------------------------- sealing to handlers


def seal(public_key: bytes, secret: bytes) -> bytes:
    return bytes(SealedBox(PublicKey(public_key)).encrypt(secret))


def unseal(private_key: bytes, sealed: bytes) -> bytes:
    try:
        return SealedBox(PrivateKey(private_key)).decrypt(sealed)
    except (CryptoError, ValueError, TypeError) as exc:
        raise DecryptionError from exc


def new_keypair() -> tuple[bytes, bytes]:
    """(public key, private key), 32 bytes each."""
    private = PrivateKey.generate()
    return bytes(private.public_key), bytes(private)


def password_key(password: str, salt: bytes, params: Argon2Params | None = None) -> bytes:
    """The key that wraps a handler's private key, derived from their password."""
    return _argon2_key(b"handler:" + password.encode(), salt, params)


def fingerprint(public_key: bytes) -> str:
    """A short, readable fingerprint of a public key, to compare out of band."""
    digest = hashlib.sha256(public_key).hexdigest()[:20].upper()
    return " ".join(digest[i : i + 4] for i in range(0, 20, 4))


# ---------------------------------------------------------------- server-side secrets


def server_key(purpose: str) -> bytes:
    """A key for one purpose, derived from SECRET_KEY (never stored)."""
    return hashlib.blake2b(
        purpose.encode(), key=settings.SECRET_KEY.encode()[:64], digest_size=KEY_BYTES, person=b"abierta-server"
    ).digest()


def mac(purpose: str, message: bytes) -> str:
    return hmac.new(server_key(purpose), message, hashlib.sha256).hexdigest()


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
