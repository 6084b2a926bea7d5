"""Canonical serialisation and hash chaining of ledger events.

Plain Python, no ORM: the sealing step and the verifier both call these functions, and
an auditor can re-implement them from this file alone.

A sealed event's hash is ``$<version>$<hex sha256>`` where the digest is taken over the
previous event's bare digest (empty for the first event of a chain) followed by the
event's canonical record: a JSON object of the hashed fields, keys sorted, no
whitespace, non-ASCII kept as UTF-8. The payload takes part as the exact canonical JSON
text stored in the row, so it is never re-serialised. This follows the layout of Odoo's
own inalterability hash on journal entries (``account.move._calculate_hashes``).
"""

import json
import math
from hashlib import sha256
from json.encoder import encode_basestring

HASH_VERSION = 1

#: Fields that enter the hash, in the order the verifier reads them.
HASHED_FIELDS = (
    "chain",
    "sequence",
    "company",
    "event_type",
    "occurred_at",
    "recorded_at",
    "author",
    "res_model",
    "res_id",
    "reason",
    "payload",
)

#: Largest canonical payload accepted, in bytes of UTF-8.
MAX_PAYLOAD_BYTES = 64 * 1024

#: Deepest nesting of lists and objects accepted in a payload.
MAX_PAYLOAD_DEPTH = 16

_encoder = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)


class PayloadError(ValueError):
    """A payload that cannot go into the ledger. ``code`` names the reason."""

    def __init__(self, code, detail=""):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


def _check_value(value, depth, path):
    if depth > MAX_PAYLOAD_DEPTH:
        raise PayloadError("too_deep", path or "/")
    if value is None or isinstance(value, bool | str | int):
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise PayloadError("not_finite", path or "/")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise PayloadError("key_not_text", f"{path}/{key!r}")
            _check_value(item, depth + 1, f"{path}/{key}")
        return
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _check_value(item, depth + 1, f"{path}/{index}")
        return
    raise PayloadError("not_serialisable", f"{path or '/'} ({type(value).__name__})")


def canonical_payload(payload):
    """Return the canonical JSON text of ``payload`` (a dict), or raise PayloadError.

    Only JSON's own types are accepted (dict with text keys, list, text, integer,
    finite float, boolean, null): a date, a record or a set is refused rather than
    silently turned into text, so that what was hashed is what was meant.
    """
    if payload is None:
        payload = {}
    if not isinstance(payload, dict):
        raise PayloadError("not_an_object", type(payload).__name__)
    _check_value(payload, 1, "")
    text = _encoder.encode(payload)
    size = len(text.encode("utf-8"))
    if size > MAX_PAYLOAD_BYTES:
        raise PayloadError("too_large", f"{size} > {MAX_PAYLOAD_BYTES}")
    return text


def canonical_record_reference(values):
    """Canonical text of one event's hashed fields, by the generic JSON encoder.

    This is the definition; :func:`canonical_record` is a faster spelling of it that
    the tests prove byte-identical.
    """
    return _encoder.encode({name: values[name] for name in HASHED_FIELDS})


def _text(value):
    return "null" if value is None else encode_basestring(value)


def _int(value):
    return "null" if value is None else str(value)


_RECORD_TEMPLATE = (
    '{"author":%s,"chain":%s,"company":%s,"event_type":%s,"occurred_at":%s,'
    '"payload":%s,"reason":%s,"recorded_at":%s,"res_id":%s,"res_model":%s,'
    '"sequence":%s}'
)


#: The hashed fields in the order of the canonical record's keys (sorted).
RECORD_ORDER = tuple(sorted(HASHED_FIELDS))


def canonical_record_row(row):
    """Canonical text of one event from its values in :data:`RECORD_ORDER` order.

    Integers: author, chain, company, res_id (0 or None without subject), sequence.
    Text: event_type, occurred_at and recorded_at (``YYYY-MM-DD HH:MM:SS``, UTC),
    payload (canonical JSON text); reason and res_model are text or None.
    """
    (
        author,
        chain,
        company,
        event_type,
        occurred_at,
        payload,
        reason,
        recorded_at,
        res_id,
        res_model,
        sequence,
    ) = row
    return _RECORD_TEMPLATE % (
        _int(author),
        _int(chain),
        _int(company),
        _text(event_type),
        _text(occurred_at),
        _text(payload),
        _text(reason),
        _text(recorded_at),
        _int(res_id),
        _text(res_model),
        _int(sequence),
    )


def canonical_record(values):
    """Canonical text of one event's hashed fields (a mapping with HASHED_FIELDS)."""
    return canonical_record_row([values[name] for name in RECORD_ORDER])


def bare_digest(stored_hash):
    """The hex digest of a stored ``$version$digest`` hash ('' for none)."""
    if not stored_hash:
        return ""
    return stored_hash.rsplit("$", 1)[-1]


def compute_hash(previous_hash, record_text, version=HASH_VERSION):
    """Hash of an event given its predecessor's stored hash and its canonical record."""
    if version != 1:
        raise ValueError(f"unknown ledger hash version {version}")
    digest = sha256((bare_digest(previous_hash) + record_text).encode("utf-8"))
    return f"${version}${digest.hexdigest()}"


def hash_version(stored_hash):
    """Version number of a stored hash, or None when it is not of the known form."""
    parts = (stored_hash or "").split("$")
    if len(parts) != 3 or parts[0] or not parts[1].isdigit():
        return None
    return int(parts[1])


#: Breaks described one by one per chain; beyond, only counted (bounded memory).
MAX_BREAKS = 1000


class ChainVerifier:
    """Streaming verifier of one chain: feed events in sequence order.

    Keeps the previous hash, counters and the first :data:`MAX_BREAKS` breaks, so
    memory does not grow with the chain. Every event that does not match is a
    break (wrong sequence, wrong link to its predecessor, malformed hash, or a
    hash that does not recompute); verification then goes on from the event's
    stored values, so each later break is reported on its own, with its cause.
    ``broken`` is the first break (or None), ``breaks`` the described ones and
    ``break_count`` how many there are.
    """

    __slots__ = (
        "checked",
        "previous_hash",
        "expected_sequence",
        "breaks",
        "break_count",
    )

    def __init__(self, previous_hash=None, first_sequence=1):
        self.checked = 0
        self.previous_hash = previous_hash
        self.expected_sequence = first_sequence
        self.breaks = []
        self.break_count = 0

    @property
    def broken(self):
        return self.breaks[0] if self.breaks else None

    def feed(self, event_id, row, stored_previous, stored_hash):
        """Check one event given its values in RECORD_ORDER order (sequence last).

        Returns True when it matches; otherwise records the break and returns
        False. Either way the next event is checked against this one's stored
        hash and sequence.
        """
        sequence = row[-1]
        ok = True
        if sequence != self.expected_sequence:
            # Events missing (or moved) before this one: its link cannot match
            # either; its own hash is still checked below.
            ok = self._fail(
                event_id,
                sequence,
                "sequence_gap",
                str(self.expected_sequence),
                str(sequence),
            )
        elif (stored_previous or "") != (self.previous_hash or ""):
            ok = self._fail(
                event_id, sequence, "broken_link", self.previous_hash, stored_previous
            )
        if ok:
            version = hash_version(stored_hash)
            if version != HASH_VERSION:
                ok = self._fail(event_id, sequence, "malformed_hash", "", stored_hash)
            else:
                expected = compute_hash(
                    stored_previous, canonical_record_row(row), version
                )
                if expected != stored_hash:
                    ok = self._fail(
                        event_id, sequence, "hash_mismatch", expected, stored_hash
                    )
        elif hash_version(stored_hash) == HASH_VERSION and sequence is not None:
            # Not linked where expected: does the event at least match itself?
            expected = compute_hash(stored_previous, canonical_record_row(row))
            if expected != stored_hash:
                self.breaks[-1]["also"] = "hash_mismatch"
        if ok:
            self.checked += 1
        self.previous_hash = stored_hash
        self.expected_sequence = (sequence or self.expected_sequence) + 1
        return ok

    def feed_rows(self, rows):
        """Check a page of ``(id, previous_hash, hash, *record_row)`` rows in order.

        The same checks as :meth:`feed` in one tight loop, verification's hot path:
        the columns the database declares NOT NULL are formatted without None
        checks. Any row that does not pass is handed to :meth:`feed`, which gives the
        diagnosis. Returns False when the page holds a break.
        """
        enc = encode_basestring
        previous = self.previous_hash
        previous_bare = bare_digest(previous)
        expected_sequence = self.expected_sequence
        checked = 0
        clean = True
        for row in rows:
            (
                event_id,
                stored_previous,
                stored_hash,
                author,
                chain,
                company,
                event_type,
                occurred_at,
                payload,
                reason,
                recorded_at,
                res_id,
                res_model,
                sequence,
            ) = row
            try:
                # An f-string, faster than the template. As there, a value of the
                # wrong type (a NULL where the database has none) raises instead of
                # being formatted, and the careful path below says what it is.
                record = (
                    f'{{"author":{author:d},"chain":{chain:d},"company":{company:d},'
                    f'"event_type":{enc(event_type)},'
                    f'"occurred_at":{enc(occurred_at)},"payload":{enc(payload)},'
                    f'"reason":{"null" if reason is None else enc(reason)},'
                    f'"recorded_at":{enc(recorded_at)},'
                    f'"res_id":{"null" if res_id is None else res_id},'
                    f'"res_model":{"null" if res_model is None else enc(res_model)},'
                    f'"sequence":{sequence:d}}}'
                )
                digest = sha256((previous_bare + record).encode("utf-8")).hexdigest()
            except (TypeError, ValueError):  # a NULL or a text: the careful path says
                digest = None
            if (
                sequence != expected_sequence
                or stored_previous != previous
                or stored_hash != "$1$" + (digest or "")
            ):
                self.previous_hash, self.expected_sequence = previous, expected_sequence
                self.checked += checked
                checked = 0
                clean = (
                    self.feed(event_id, row[3:], stored_previous, stored_hash) and clean
                )
                previous, expected_sequence = self.previous_hash, self.expected_sequence
                previous_bare = bare_digest(previous)
                continue
            previous = stored_hash
            previous_bare = digest
            expected_sequence += 1
            checked += 1
        self.previous_hash, self.expected_sequence = previous, expected_sequence
        self.checked += checked
        return clean

    def add_break(self, event_id, sequence, reason, expected="", stored="", **extra):
        """Record a break found outside the stream (head, checkpoints...)."""
        self._fail(event_id, sequence, reason, expected, stored, **extra)

    def _fail(self, event_id, sequence, reason, expected, stored, **extra):
        self.break_count += 1
        if len(self.breaks) < MAX_BREAKS:
            self.breaks.append(
                dict(
                    {
                        "id": event_id,
                        "sequence": sequence,
                        "reason": reason,
                        "expected": expected or "",
                        "stored": stored or "",
                    },
                    **extra,
                )
            )
        return False
