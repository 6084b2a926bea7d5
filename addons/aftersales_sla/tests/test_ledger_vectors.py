"""Golden vectors: fixed events with their expected hashes.

A change to the canonical serialisation or to the hash (a key renamed, a timestamp
format, an escaping rule, the digest) must fail here, not in every ledger already in
use. The vectors live in ``data/ledger_golden_vectors.json``; the last hash is also
written below, so that regenerating the file alone does not make this test pass.
"""

import json
from pathlib import Path

from odoo.tests import BaseCase, TransactionCase, tagged

from ..models.aftersales_event_chain import _RECORD_SQL
from ..tools import ledger_hash, ledger_verify_worker

VECTORS = json.loads(
    (Path(__file__).parent / "data" / "ledger_golden_vectors.json").read_text("utf-8")
)
LAST_HASH = "$1$166adf67968e23d0b3c353af22a0bb448a814f8c2973c5d1beaeb615d2413bae"


def _row(values):
    return [values[name] for name in ledger_hash.RECORD_ORDER]


class TestLedgerGoldenVectors(BaseCase):
    def test_version_and_last_hash_are_pinned(self):
        self.assertEqual(VECTORS["hash_version"], ledger_hash.HASH_VERSION)
        self.assertEqual(VECTORS["events"][-1]["hash"], LAST_HASH)

    def test_canonical_records_and_hashes(self):
        for index, vector in enumerate(VECTORS["events"], start=1):
            with self.subTest(sequence=index):
                values = vector["values"]
                record = ledger_hash.canonical_record(values)
                self.assertEqual(record, vector["canonical_record"])
                self.assertEqual(ledger_hash.canonical_record_reference(values), record)
                self.assertEqual(
                    ledger_hash.compute_hash(vector["previous_hash"], record),
                    vector["hash"],
                )

    def test_streaming_verifier_accepts_the_vectors_and_names_a_change(self):
        rows = [
            (index, vector["previous_hash"], vector["hash"], *_row(vector["values"]))
            for index, vector in enumerate(VECTORS["events"], start=1)
        ]
        verifier = ledger_hash.ChainVerifier()
        self.assertTrue(verifier.feed_rows(rows))
        self.assertEqual(verifier.checked, len(rows))
        self.assertEqual(verifier.previous_hash, LAST_HASH)
        # One character of one payload changed: that event, and only its hash.
        changed = list(rows[3])
        changed[8] = changed[8].replace("維修", "维修")
        verifier = ledger_hash.ChainVerifier()
        self.assertFalse(verifier.feed_rows([*rows[:3], tuple(changed), *rows[4:]]))
        self.assertEqual(
            (verifier.broken["sequence"], verifier.broken["reason"]),
            (4, "hash_mismatch"),
        )


@tagged("post_install", "-at_install")
class TestLedgerGoldenVectorsSql(TransactionCase):
    def test_the_sealer_reads_the_same_text_from_the_database(self):
        """The SQL the sealer and the verifier read events with (timestamps as
        text; the verifier's cheaper in DateStyle ISO) gives the canonical values
        of the vectors."""
        for vector in VECTORS["events"]:
            for record_sql in (_RECORD_SQL, ledger_verify_worker.RECORD_SQL_ISO):
                values = vector["values"]
                self.env.cr.execute(
                    f"""SELECT {record_sql}
                          FROM (VALUES (%s, %s, %s, %s, %s::timestamp, %s, %s,
                                        %s::timestamp, %s, %s))
                               AS e(author_id, chain_id, company_id, event_type,
                                    occurred_at, payload, reason, recorded_at, res_id,
                                    res_model)""",
                    [
                        values["author"],
                        values["chain"],
                        values["company"],
                        values["event_type"],
                        values["occurred_at"],
                        values["payload"],
                        values["reason"],
                        values["recorded_at"],
                        values["res_id"],
                        values["res_model"],
                    ],
                )
                row = (*self.env.cr.fetchone(), values["sequence"])
                self.assertEqual(
                    ledger_hash.canonical_record_row(row), vector["canonical_record"]
                )

    def test_the_cheaper_timestamp_text_is_to_chars(self):
        """Verification reads timestamps with a cheaper expression than the
        sealer's to_char: the same text for every timestamp, fractions of a
        second, years before 1000 and after 9999, BC and infinities included."""
        cheaper = ledger_verify_worker.iso_timestamp_sql("t")
        self.env.cr.execute("SHOW DateStyle")
        self.assertTrue(self.env.cr.fetchone()[0].startswith("ISO"))
        self.env.cr.execute(
            f"""SELECT t::text, {cheaper}, to_char(t, 'YYYY-MM-DD HH24:MI:SS')
                  FROM unnest(%s::timestamp[]) AS t""",
            [
                [
                    "2026-12-01 09:00:00",
                    "2026-12-01 09:00:00.999999",
                    "1000-01-01 00:00:00",
                    "0999-12-31 23:59:59.5",
                    "9999-12-31 23:59:59.999999",
                    "10000-01-01 00:00:00",
                    "0044-03-15 12:00:00 BC",
                    "infinity",
                    "-infinity",
                ]
            ],
        )
        for value, text, reference in self.env.cr.fetchall():
            with self.subTest(value):
                self.assertEqual(text, reference)
