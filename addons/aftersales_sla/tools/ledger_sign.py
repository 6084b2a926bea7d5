"""Signed checkpoints of the service ledger (Ed25519), plain Python, no ORM.

A checkpoint states "in database D, event #sequence of chain C had hash H at time
T", signed with a private key kept outside the database (a file named in Odoo's
configuration). Printed on statements, credit notes and integrity reports as a
compact token that the other party keeps; verification later checks the token's
signature and that the chain still holds that hash at that sequence.

Token (one line, no spaces)::

    ASL1.<chain>.<sequence>.<hash hex>.<signed at>.<key fingerprint>.<signature>

- hash hex: the event's bare SHA-256 digest (its stored hash without ``$1$``);
- signed at: Unix seconds;
- key fingerprint: the first 16 hex digits of SHA-256 over the raw public key;
- signature: Ed25519 over the message below, base64url without padding (86 chars).

Signed message (UTF-8)::

    aftersales-ledger-checkpoint|1|<database uuid>|<chain>|<sequence>|
    <stored hash>|<signed at>

(one line; broken here for width)

An auditor re-implements this from this docstring and the public key alone.
"""

import base64
import hashlib
import os
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

TOKEN_PREFIX = "ASL1"
TOKEN_RE = re.compile(
    r"ASL1\.(\d{1,10})\.(\d{1,12})\.([0-9a-f]{64})\.(\d{1,12})\.([0-9a-f]{16})\."
    r"([A-Za-z0-9_-]{86})"
)


class SigningKeyError(ValueError):
    """The signing key cannot be read."""


@dataclass(frozen=True)
class Checkpoint:
    chain: int
    sequence: int
    hash: str  # stored form, $1$<hex>
    signed_at: int  # Unix seconds
    fingerprint: str
    signature: str  # base64url, no padding

    @property
    def token(self):
        return ".".join(
            (
                TOKEN_PREFIX,
                str(self.chain),
                str(self.sequence),
                self.hash.rsplit("$", 1)[-1],
                str(self.signed_at),
                self.fingerprint,
                self.signature,
            )
        )


def message(dbuuid, chain, sequence, stored_hash, signed_at):
    return (
        f"aftersales-ledger-checkpoint|1|{dbuuid}|{chain}|{sequence}|"
        f"{stored_hash}|{signed_at}"
    ).encode()


def public_bytes(public_key):
    return public_key.public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )


def fingerprint(public_key):
    return hashlib.sha256(public_bytes(public_key)).hexdigest()[:16]


_KEY_CACHE = {}


def load_private_key(path):
    """The Ed25519 private key of a PEM file (cached per path and modification)."""
    try:
        stat = os.stat(path)
        cache_key = (path, stat.st_mtime_ns, stat.st_size)
        if cache_key not in _KEY_CACHE:
            with open(path, "rb") as handle:
                key = serialization.load_pem_private_key(handle.read(), None)
            if not isinstance(key, Ed25519PrivateKey):
                raise SigningKeyError(f"{path} is not an Ed25519 private key")
            _KEY_CACHE.clear()
            _KEY_CACHE[cache_key] = key
        return _KEY_CACHE[cache_key]
    except (OSError, ValueError, TypeError) as error:
        if isinstance(error, SigningKeyError):
            raise
        raise SigningKeyError(f"{path}: {error}") from error


def load_public_key(text):
    """A public key from PEM text or base64 of the 32 raw bytes."""
    text = text.strip()
    if text.startswith("-----BEGIN"):
        key = serialization.load_pem_public_key(text.encode())
    else:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(text))
    if not isinstance(key, Ed25519PublicKey):
        raise SigningKeyError("not an Ed25519 public key")
    return key


def sign(private_key, dbuuid, chain, sequence, stored_hash, signed_at):
    signature = private_key.sign(
        message(dbuuid, chain, sequence, stored_hash, signed_at)
    )
    return Checkpoint(
        chain=chain,
        sequence=sequence,
        hash=stored_hash,
        signed_at=signed_at,
        fingerprint=fingerprint(private_key.public_key()),
        signature=base64.urlsafe_b64encode(signature).decode().rstrip("="),
    )


def verify(public_key, dbuuid, checkpoint):
    """Whether ``checkpoint`` carries a valid signature of ``public_key``."""
    try:
        public_key.verify(
            base64.urlsafe_b64decode(checkpoint.signature + "=="),
            message(
                dbuuid,
                checkpoint.chain,
                checkpoint.sequence,
                checkpoint.hash,
                checkpoint.signed_at,
            ),
        )
    except (InvalidSignature, ValueError):
        return False
    return True


def parse_tokens(text):
    """Every checkpoint token in ``text`` (pasted from a printed document: line
    breaks and spaces inside a token are ignored), without duplicates, in order."""
    compact = re.sub(r"\s+", "", text or "")
    seen = set()
    result = []
    for match in TOKEN_RE.finditer(compact):
        chain, sequence, digest, signed_at, print_, signature = match.groups()
        checkpoint = Checkpoint(
            chain=int(chain),
            sequence=int(sequence),
            hash=f"$1${digest}",
            signed_at=int(signed_at),
            fingerprint=print_,
            signature=signature,
        )
        if checkpoint not in seen:
            seen.add(checkpoint)
            result.append(checkpoint)
    return result
