"""The canonical serialisation and hash chaining, tested without the ORM."""

import json
from hashlib import sha256

from hypothesis import given, settings
from hypothesis import strategies as st

from odoo.tests import BaseCase

from ..tools import ledger_hash

text = st.text(max_size=40)
record_values = st.fixed_dictionaries(
    {
        "author": st.integers(1, 2**31 - 1),
        "chain": st.integers(1, 2**31 - 1),
        "company": st.integers(1, 2**31 - 1),
        "event_type": text,
        "occurred_at": text,
        "payload": text,
        "reason": st.none() | text,
        "recorded_at": text,
        "res_id": st.none() | st.integers(0, 2**31 - 1),
        "res_model": st.none() | text,
        "sequence": st.integers(1, 2**31 - 1),
    }
)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | text,
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(text, inner, max_size=4),
    max_leaves=20,
)


def sample(**values):
    base = {
        "author": 2,
        "chain": 1,
        "company": 1,
        "event_type": "ticket.reported",
        "occurred_at": "2026-11-20 13:00:00",
        "payload": '{"priority":"2"}',
        "reason": "报修电话",
        "recorded_at": "2026-11-22 02:25:25",
        "res_id": 7,
        "res_model": "res.partner",
        "sequence": 1,
    }
    base.update(values)
    return base


class TestLedgerHash(BaseCase):
    @settings(max_examples=300, deadline=None)
    @given(record_values)
    def test_fast_canonical_record_equals_reference_json(self, values):
        self.assertEqual(
            ledger_hash.canonical_record(values),
            ledger_hash.canonical_record_reference(values),
        )

    @settings(max_examples=200, deadline=None)
    @given(st.dictionaries(text, json_values, max_size=6))
    def test_canonical_payload_round_trips_and_is_stable(self, payload):
        canonical = ledger_hash.canonical_payload(payload)
        self.assertEqual(json.loads(canonical), payload)
        # Key order in the input does not matter.
        reordered = dict(reversed(list(payload.items())))
        self.assertEqual(ledger_hash.canonical_payload(reordered), canonical)

    def test_canonical_payload_is_compact_sorted_and_keeps_chinese(self):
        self.assertEqual(
            ledger_hash.canonical_payload(
                {"b": 1, "a": "维修", "c": [1.5, None, True]}
            ),
            '{"a":"维修","b":1,"c":[1.5,null,true]}',
        )

    def test_hash_is_sha256_over_previous_digest_and_record(self):
        first = sample()
        record = ledger_hash.canonical_record(first)
        first_hash = ledger_hash.compute_hash(None, record)
        self.assertEqual(first_hash, "$1$" + sha256(record.encode()).hexdigest())
        second = sample(sequence=2)
        second_record = ledger_hash.canonical_record(second)
        second_hash = ledger_hash.compute_hash(first_hash, second_record)
        bare = first_hash.split("$")[2]
        self.assertEqual(
            second_hash, "$1$" + sha256((bare + second_record).encode()).hexdigest()
        )
        self.assertEqual(ledger_hash.hash_version(second_hash), 1)
        with self.assertRaises(ValueError):
            ledger_hash.compute_hash(None, record, version=99)

    def test_bad_payloads_are_refused_with_a_reason(self):
        cases = {
            "not_an_object": ["a", "list"],
            "not_serialisable": {"when": object()},
            "key_not_text": {1: "x"},
            "not_finite": {"x": float("nan")},
            "too_large": {"blob": "x" * (ledger_hash.MAX_PAYLOAD_BYTES + 1)},
        }
        deep = current = {}
        for _level in range(ledger_hash.MAX_PAYLOAD_DEPTH + 1):
            current["x"] = {}
            current = current["x"]
        cases["too_deep"] = deep
        for code, payload in cases.items():
            with (
                self.subTest(code=code),
                self.assertRaises(ledger_hash.PayloadError) as caught,
            ):
                ledger_hash.canonical_payload(payload)
            self.assertEqual(caught.exception.code, code)

    def _chain(self, count):
        rows, previous = [], None
        for sequence in range(1, count + 1):
            values = sample(sequence=sequence, payload=json.dumps({"n": sequence}))
            row = [values[name] for name in ledger_hash.RECORD_ORDER]
            digest = ledger_hash.compute_hash(
                previous, ledger_hash.canonical_record_row(row)
            )
            rows.append((sequence, row, previous, digest))
            previous = digest
        return rows

    def _verify(self, rows):
        """Verify with the careful path and the fast page path; they must agree."""
        verifier = ledger_hash.ChainVerifier()
        for event_id, row, previous, digest in rows:
            verifier.feed(event_id, row, previous, digest)
        fast = ledger_hash.ChainVerifier()
        fast.feed_rows(
            [
                (event_id, previous, digest, *row)
                for event_id, row, previous, digest in rows
            ]
        )
        self.assertEqual(
            (fast.checked, fast.breaks, fast.break_count),
            (verifier.checked, verifier.breaks, verifier.break_count),
        )
        return verifier

    def test_verifier_accepts_an_intact_chain(self):
        verifier = self._verify(self._chain(5))
        self.assertIsNone(verifier.broken)
        self.assertEqual(verifier.checked, 5)

    def test_verifier_names_every_tampered_event_once(self):
        rows = self._chain(6)
        for index in (2, 4):
            event_id, row, previous, digest = rows[index]
            row = list(row)
            row[ledger_hash.RECORD_ORDER.index("payload")] = '{"n":999}'
            rows[index] = (event_id, row, previous, digest)
        event_id, row, previous, digest = rows[2]
        verifier = self._verify(rows)
        # Each changed event is one break; the events after it still link to
        # its stored hash and are checked.
        self.assertEqual(verifier.checked, 4)
        self.assertEqual(
            [(item["id"], item["reason"]) for item in verifier.breaks],
            [(3, "hash_mismatch"), (5, "hash_mismatch")],
        )
        self.assertEqual(verifier.broken["id"], 3)
        self.assertEqual(verifier.broken["reason"], "hash_mismatch")
        self.assertEqual(verifier.broken["stored"], digest)
        self.assertNotEqual(verifier.broken["expected"], digest)

    def test_verifier_detects_a_removed_event_and_a_relinked_chain(self):
        rows = self._chain(4)
        gap = self._verify(rows[:1] + rows[2:])
        self.assertEqual(gap.broken["reason"], "sequence_gap")
        self.assertEqual(gap.broken["id"], 3)
        self.assertEqual((gap.break_count, gap.checked), (1, 2))
        relinked = list(rows)
        event_id, row, _previous, digest = relinked[1]
        relinked[1] = (event_id, row, "$1$" + "0" * 64, digest)
        self.assertEqual(self._verify(relinked).broken["reason"], "broken_link")
