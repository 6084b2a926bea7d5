"""Personal data out of the hashed ledger record: reference tokens and their digests.

Plain Python, no ORM, like :mod:`ledger_hash`: an auditor can re-implement it from
this file alone.

A personal value (free text a person typed: a late-entry reason, a dispute's reason,
a waiver note...) never enters an event's hashed record. The record holds a token
instead::

    pd:<ref>:<hex sha256(salt || value)>

``ref`` is a random identifier of the vault entry, ``salt`` 16 random bytes. The
clear value and the salt are kept beside the ledger, in the vault
(``aftersales.event.personal``). The token is hashed with the event, so:

* while the value is kept, anyone holding the vault entry can prove it is the value
  the event was recorded with (the salted digest matches);
* erasing the value *and its salt* leaves the token, hence every hash of the chain,
  as it was, and the digest alone does not give the value back (the salt is random
  and gone, so the value cannot be guessed and checked against it).

Paths name where a personal value sits in an event: ``reason`` for the event's
reason column, ``payload/<key>/...`` for a payload key, ``*`` standing for every
item of a list (``payload/parts/*/reason``).
"""

import hmac
import re
import secrets
from hashlib import sha256

#: Prefix of a personal data token.
TOKEN_PREFIX = "pd:"

#: A token: ``pd:`` + 16 hex digits of reference + ``:`` + 64 hex digits of digest.
TOKEN_RE = re.compile(r"^pd:([0-9a-f]{16}):([0-9a-f]{64})$")

#: Bytes of random salt per value.
SALT_BYTES = 16


def digest(salt_hex, value):
    """Hex sha256 of the salt's bytes followed by the value's UTF-8 bytes."""
    return sha256(bytes.fromhex(salt_hex) + value.encode("utf-8")).hexdigest()


def make_token(value):
    """Return ``(token, ref, salt_hex)`` for a personal value (text)."""
    ref = secrets.token_hex(8)
    salt_hex = secrets.token_hex(SALT_BYTES)
    return f"{TOKEN_PREFIX}{ref}:{digest(salt_hex, value)}", ref, salt_hex


def parse_token(text):
    """``(ref, digest)`` of a token, or None when ``text`` is not one."""
    match = TOKEN_RE.match(text) if isinstance(text, str) else None
    return (match.group(1), match.group(2)) if match else None


def is_token(text):
    return parse_token(text) is not None


def matches(token, salt_hex, value):
    """Whether the kept ``value`` and ``salt_hex`` give the digest of ``token``."""
    parsed = parse_token(token)
    if not parsed or not salt_hex or value is None:
        return False
    try:
        computed = digest(salt_hex, value)
    except ValueError:  # a salt that is not hex
        return False
    return hmac.compare_digest(computed, parsed[1])


def _walk(node, parts, prefix, visit):
    """Call ``visit(container, key, path)`` for each place ``parts`` names."""
    if not parts:
        return
    head, rest = parts[0], parts[1:]
    if head == "*":
        if isinstance(node, list):
            for index in range(len(node)):
                _walk_item(node, index, rest, f"{prefix}/{index}", visit)
        return
    if isinstance(node, dict) and head in node:
        _walk_item(node, head, rest, f"{prefix}/{head}", visit)


def _walk_item(container, key, rest, path, visit):
    if rest:
        _walk(container[key], rest, path, visit)
    else:
        visit(container, key, path)


def vault_payload(payload, patterns):
    """Replace the personal values of ``payload`` (a dict, changed in place) at
    ``patterns`` (paths below the payload, e.g. ``note`` or ``parts/*/reason``).

    Only non-empty text is replaced (a code, number or empty value stays).
    Returns a list of ``(path, token, ref, salt_hex, value)``, ``path`` starting
    with ``payload/`` and naming list items by their index.
    """
    found = []

    def visit(container, key, path):
        value = container[key]
        if isinstance(value, str) and value.strip() and not is_token(value):
            token, ref, salt_hex = make_token(value)
            container[key] = token
            found.append((f"payload{path}", token, ref, salt_hex, value))

    for pattern in sorted(set(patterns)):
        _walk(payload, [part for part in pattern.split("/") if part], "", visit)
    return found


def resolve_payload(payload, values):
    """Return a copy of ``payload`` with every token replaced by ``values[token]``
    (tokens not in ``values`` are left as they are)."""
    if isinstance(payload, dict):
        return {key: resolve_payload(item, values) for key, item in payload.items()}
    if isinstance(payload, list):
        return [resolve_payload(item, values) for item in payload]
    if isinstance(payload, str) and payload in values:
        return values[payload]
    return payload
