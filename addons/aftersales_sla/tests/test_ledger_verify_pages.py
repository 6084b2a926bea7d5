"""Verification reads a chain in keyset pages, the next page fetched while the
current one is hashed (tools/ledger_stream.py). Whatever the page size, it must find
and name the same breaks as the event-by-event reference (``ChainVerifier.feed``
over the whole chain in one list): at a page seam, on the first and last events,
in several pages at once, for an event deleted or two events swapped at a seam.

Seven events in pages of three: pages hold sequences 1-3, 4-6 and 7.
"""

from operator import itemgetter
from unittest.mock import patch

from odoo.tests import BaseCase, tagged
from odoo.tools import mute_logger

from ..models.aftersales_event_chain import _RECORD_SQL
from ..tools import ledger_hash, ledger_stream
from .common import owner_cursor, separate_env, wipe_chain_as_owner
from .test_ledger_tampering import MUTE, CommittedLedgerCase

STREAM_REASONS = {"sequence_gap", "broken_link", "malformed_hash", "hash_mismatch"}
PAGE_SIZES = (1, 2, 3, 20000)


@tagged("post_install", "-at_install")
class TestVerificationPages(CommittedLedgerCase):
    def reference(self):
        """The breaks found event by event over the whole chain read at once."""
        with owner_cursor() as cr:
            cr.execute(
                f"""SELECT e.id, e.previous_hash, e.hash, {_RECORD_SQL}, e.sequence
                      FROM aftersales_event e
                     WHERE e.chain_id = %s AND e.sequence > 0
                  ORDER BY e.sequence""",
                [self.chain_id],
            )
            rows = cr.fetchall()
        verifier = ledger_hash.ChainVerifier()
        for row in rows:
            verifier.feed(row[0], row[3:], row[1], row[2])
        return verifier

    def verify_paged(self, page_size):
        with separate_env(self.dbname, commit=False) as env, mute_logger(*MUTE):
            return env["aftersales.event"].verify_ledger(
                self.chain_id, page_size=page_size
            )

    def assert_found_in_every_page_size(self, expected):
        """Every page size reports ``expected`` ((reason, sequence) in order) with
        the reference's ids, expected and stored values, and the same counts."""
        reference = self.reference()
        self.assertEqual(
            [(item["reason"], item["sequence"]) for item in reference.breaks],
            expected,
        )
        for page_size in PAGE_SIZES:
            with self.subTest(page_size=page_size):
                result = self.verify_paged(page_size)
                self.assertFalse(result["ok"])
                found = [
                    {key: item.get(key) for key in (*reference.breaks[0], "also")}
                    for item in result["breaks"]
                    if item["reason"] in STREAM_REASONS
                ]
                self.assertEqual(
                    found,
                    [dict(item, also=item.get("also")) for item in reference.breaks],
                )
                self.assertEqual(result["checked"], reference.checked)
                for item in result["breaks"]:
                    self.assertLessEqual(
                        {"id", "sequence", "reason", "expected", "stored"}, set(item)
                    )
        return result

    # ------------------------------------------------------------------

    def test_intact_chain_in_every_page_size(self):
        self.append(7)
        for page_size in PAGE_SIZES:
            with self.subTest(page_size=page_size):
                result = self.verify_paged(page_size)
                self.assertTrue(result["ok"], result["breaks"])
                self.assertEqual(result["checked"], 7)
                self.assertEqual(result["chains"][0]["last_sequence"], 7)

    def test_breaks_on_both_sides_of_a_seam(self):
        ids = self.append(7)
        self.as_owner(
            (
                "UPDATE aftersales_event SET payload = '{}' WHERE id = ANY(%s)",
                [[ids[2], ids[3]]],
            )
        )
        result = self.assert_found_in_every_page_size(
            [("hash_mismatch", 3), ("hash_mismatch", 4)]
        )
        self.assertEqual([item["id"] for item in result["breaks"]], ids[2:4])

    def test_forged_hash_at_the_end_of_a_page_breaks_the_next_pages_link(self):
        ids = self.append(7)
        forged = "$1$" + "b" * 64
        self.as_owner(
            (
                "UPDATE aftersales_event SET reason = 'forged', hash = %s "
                "WHERE id = %s",
                [forged, ids[2]],
            )
        )
        result = self.assert_found_in_every_page_size(
            [("hash_mismatch", 3), ("broken_link", 4)]
        )
        link = result["breaks"][1]
        self.assertEqual((link["id"], link["expected"]), (ids[3], forged))

    def test_first_and_last_event(self):
        ids = self.append(7)
        self.as_owner(
            (
                "UPDATE aftersales_event SET reason = 'changed' WHERE id = ANY(%s)",
                [[ids[0], ids[6]]],
            )
        )
        self.assert_found_in_every_page_size(
            [("hash_mismatch", 1), ("hash_mismatch", 7)]
        )

    def test_first_event_linked_to_something(self):
        ids = self.append(7)
        self.as_owner(
            (
                "UPDATE aftersales_event SET previous_hash = '$1$' || repeat('c', 64) "
                "WHERE id = %s",
                [ids[0]],
            )
        )
        self.assert_found_in_every_page_size([("broken_link", 1)])

    def test_several_breaks_in_different_pages(self):
        ids = self.append(7)
        self.as_owner(
            (
                "UPDATE aftersales_event SET payload = '{\"x\":1}' WHERE id = ANY(%s)",
                [[ids[1], ids[4], ids[6]]],
            ),
            ("UPDATE aftersales_event SET hash = 'not a hash' WHERE id = %s", [ids[3]]),
        )
        self.assert_found_in_every_page_size(
            [
                ("hash_mismatch", 2),
                ("malformed_hash", 4),
                # Linked to the hash as it was (and changed itself).
                ("broken_link", 5),
                ("hash_mismatch", 7),
            ]
        )

    def test_deleted_event_at_a_seam(self):
        for deleted in (3, 4):
            with self.subTest(deleted=deleted):
                ids = self.append(7)
                self.as_owner(
                    ("DELETE FROM aftersales_event WHERE id = %s", [ids[deleted - 1]])
                )
                result = self.assert_found_in_every_page_size(
                    [("sequence_gap", deleted + 1)]
                )
                gap = result["breaks"][0]
                self.assertEqual(
                    (gap["id"], gap["expected"], gap["stored"]),
                    (ids[deleted], str(deleted), str(deleted + 1)),
                )
                wipe_chain_as_owner(self.chain_id)

    def test_swapped_pair_at_a_seam(self):
        ids = self.append(7)
        self.as_owner(
            ("UPDATE aftersales_event SET sequence = 1000003 WHERE id = %s", [ids[2]]),
            ("UPDATE aftersales_event SET sequence = 3 WHERE id = %s", [ids[3]]),
            ("UPDATE aftersales_event SET sequence = 4 WHERE id = %s", [ids[2]]),
        )
        result = self.assert_found_in_every_page_size(
            [("broken_link", 3), ("broken_link", 4), ("broken_link", 5)]
        )
        # Each swapped event also fails its own hash (its sequence is hashed).
        self.assertEqual(
            [item.get("also") for item in result["breaks"][:2]],
            ["hash_mismatch", "hash_mismatch"],
        )
        self.assertEqual([item["id"] for item in result["breaks"][:2]], ids[3:1:-1])

    def test_described_breaks_are_bounded_across_pages(self):
        ids = self.append(7)
        self.as_owner(
            (
                "UPDATE aftersales_event SET reason = 'changed' WHERE id = ANY(%s)",
                [ids[1:6]],
            )
        )
        with patch.object(ledger_hash, "MAX_BREAKS", 2):
            result = self.verify_paged(3)
        self.assertEqual(
            [(item["reason"], item["sequence"]) for item in result["breaks"]],
            [("hash_mismatch", 2), ("hash_mismatch", 3)],
        )
        self.assertEqual(result["break_count"], 5)
        self.assertEqual(result["checked"], 2)

    def test_events_sealed_in_the_callers_transaction_are_verified(self):
        """The next page is read on the caller's own connection: what its
        transaction appended and sealed, not committed, is verified too."""
        self.append(2)
        with separate_env(self.dbname, commit=False) as env:
            env["aftersales.event"]._append_events(
                [
                    {"event_type": "ledger.note", "company": self.company_id}
                    for _n in range(5)
                ]
            )
            env.flush_all()
            chain = env["aftersales.event.chain"].browse(self.chain_id)
            env["aftersales.event"]._seal_chains(chain)
            with mute_logger(*MUTE):
                result = env["aftersales.event"].verify_ledger(chain, page_size=2)
            self.assertTrue(result["ok"], result["breaks"])
            self.assertEqual(result["checked"], 7)


class FakeConnection:
    """Rows 1..total served in keyset pages, with the queries it was asked."""

    def __init__(self, total, fail_after=None):
        self.total = total
        self.fail_after = fail_after
        self.asked = []

    def cursor(self):
        connection = self

        class Cursor:
            def __enter__(self):
                return self

            def __exit__(self, *exc):
                return False

            def execute(self, query, params):
                connection.asked.append(params["after"])
                if connection.fail_after is not None and (
                    params["after"] >= connection.fail_after
                ):
                    raise RuntimeError("connection lost")
                first = params["after"] + 1
                last = min(connection.total, params["after"] + params["limit"])
                self.rows = [(key,) for key in range(first, last + 1)]

            def fetchall(self):
                return self.rows

        return Cursor()


@tagged("post_install", "-at_install")
class TestPrefetchedPages(BaseCase):
    def pages(self, connection, page_size):
        return ledger_stream.prefetched_pages(
            connection, "query", {}, key=itemgetter(0), page_size=page_size
        )

    def test_every_row_once_in_order(self):
        for total, page_size in ((0, 3), (7, 3), (6, 3), (1, 1), (5, 20000)):
            with self.subTest(total=total, page_size=page_size):
                connection = FakeConnection(total)
                pages = list(self.pages(connection, page_size))
                self.assertEqual(
                    [row[0] for page in pages for row in page],
                    list(range(1, total + 1)),
                )
                self.assertTrue(all(len(page) <= page_size for page in pages))
                # A short page is the last: no query after it.
                self.assertEqual(
                    len(connection.asked),
                    max(len(pages), 1) + (1 if total and total % page_size == 0 else 0),
                )

    def test_a_failed_read_reaches_the_caller(self):
        connection = FakeConnection(10, fail_after=3)
        pages = self.pages(connection, 3)
        self.assertEqual(next(pages), [(1,), (2,), (3,)])
        with self.assertRaisesRegex(RuntimeError, "connection lost"):
            next(pages)

    def test_stopping_early_waits_for_the_read_in_flight(self):
        connection = FakeConnection(10)
        pages = self.pages(connection, 3)
        next(pages)
        pages.close()
        # The read of the second page had been started and was let finish.
        self.assertEqual(connection.asked, [0, 3])
