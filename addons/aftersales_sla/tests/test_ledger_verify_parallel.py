"""A large chain is verified in ranges by worker processes reading the caller's
exported snapshot (tools/ledger_verify_worker.py). Forced here on a chain of twelve
events (threshold 1): three workers verify sequences 1-4, 5-8 and 9-12, four
workers 1-3, 4-6, 7-9 and 10-12. Whatever the ranges, the result must be the one
of the sequential pass (one worker): every break, at a range's first or last event
or in its middle, with the same ids, values and counts; and when the snapshot
cannot be shared or a worker fails, the sequential pass gives it.
"""

from contextlib import closing
from unittest.mock import patch

from odoo import SUPERUSER_ID, api
from odoo.sql_db import db_connect
from odoo.tests import tagged
from odoo.tools import config, mute_logger

from ..models import aftersales_event_chain
from ..tools import ledger_hash
from .common import separate_env, wipe_chain_as_owner
from .test_ledger_tampering import MUTE, CommittedLedgerCase

MUTE_PARALLEL = tuple(name for name in MUTE if name != aftersales_event_chain.__name__)
#: Range bounds with three workers: the first and last event of each range.
BOUNDARIES = (1, 4, 5, 8, 9, 12)
SETTINGS = (
    "aftersales_sla.ledger_verify_workers",
    "aftersales_sla.ledger_verify_parallel_threshold",
)


def on_events(sql, sequences):
    """A tampering statement for ``tampered``: ``sql`` (with ``id = ANY(%s)``) on
    the events of these sequence numbers."""
    return lambda ids: (sql, [[ids[n - 1] for n in sequences]])


@tagged("post_install", "-at_install")
class TestParallelVerification(CommittedLedgerCase):
    def setUp(self):
        super().setUp()
        self.jobs = []
        self.settings_restored = False
        original = aftersales_event_chain._run_verify_workers

        def spy(jobs):
            self.jobs.append(jobs)
            return original(jobs)

        self.startPatcher(
            patch.object(aftersales_event_chain, "_run_verify_workers", spy)
        )

    def set_workers(self, workers):
        """Commit the system parameters: ``workers`` workers from one event up
        (1: the sequential pass); the defaults are back after the test."""
        with separate_env(self.dbname) as env:
            params = env["ir.config_parameter"]
            if not self.settings_restored:
                self.settings_restored = True
                saved = {key: params.get_param(key) for key in SETTINGS}
                self.addCleanup(self.restore_settings, saved)
            params.set_param(SETTINGS[0], workers)
            params.set_param(SETTINGS[1], 1)

    def restore_settings(self, saved):
        with separate_env(self.dbname) as env:
            for key, value in saved.items():
                env["ir.config_parameter"].set_param(key, value)

    def verify_env(self, env, page_size=20000):
        with mute_logger(*MUTE_PARALLEL):
            return env["aftersales.event"].verify_ledger(
                self.chain_id, page_size=page_size
            )

    def verify_with(self, workers, page_size=20000):
        """verify_ledger with ``workers`` workers (1: the sequential pass), in a
        transaction of its own that writes nothing."""
        self.set_workers(workers)
        with separate_env(self.dbname, commit=False) as env:
            return self.verify_env(env, page_size)

    def assert_parallel_as_sequential(self, expected=None):
        """Three and four workers (pages of 2 and 20,000 events) give the very
        result of the sequential pass; ``expected``: its (reason, sequence)."""
        self.jobs.clear()
        sequential = self.verify_with(1)
        self.assertFalse(self.jobs, "one worker: the sequential pass")
        if expected is not None:
            self.assertEqual(
                [(item["reason"], item["sequence"]) for item in sequential["breaks"]],
                expected,
            )
        for workers in (3, 4):
            for page_size in (2, 20000):
                with self.subTest(workers=workers, page_size=page_size):
                    self.jobs.clear()
                    with patch.object(aftersales_event_chain, "_logger") as logger:
                        parallel = self.verify_with(workers, page_size)
                    self.assertFalse(logger.info.called)
                    self.assertEqual(len(self.jobs), 1)
                    self.assertEqual(len(self.jobs[0]), workers)
                    self.assertEqual(parallel, sequential)
        return sequential

    def logged(self, logger):
        """The INFO line logged on the mock ``logger`` (exactly one)."""
        self.assertEqual(len(logger.info.call_args_list), 1)
        args = logger.info.call_args.args
        return args[0] % args[1:]

    def tampered(self, *statements, count=12):
        """A fresh chain of ``count`` events, then ``statements`` as the owner."""
        wipe_chain_as_owner(self.chain_id)
        ids = self.append(count)
        self.as_owner(*(statement(ids) for statement in statements))
        return ids

    # ------------------------------------------------------------------

    def test_intact_chain(self):
        self.append(12)
        result = self.assert_parallel_as_sequential([])
        self.assertTrue(result["ok"])
        self.assertEqual(result["checked"], 12)
        self.assertEqual(result["chains"][0]["last_sequence"], 12)
        ranges = [(job["after"], job["upto"]) for job in self.jobs[0]]
        self.assertEqual(ranges, [(0, 3), (3, 6), (6, 9), (9, None)])

    def test_changed_events_at_range_bounds_and_inside(self):
        for sequences in (BOUNDARIES, (2, 6, 7, 11)):
            with self.subTest(sequences=sequences):
                self.tampered(
                    on_events(
                        "UPDATE aftersales_event SET reason = 'changed' "
                        "WHERE id = ANY(%s)",
                        sequences,
                    )
                )
                self.assert_parallel_as_sequential(
                    [("hash_mismatch", n) for n in sequences]
                )

    def test_broken_links_at_range_bounds_and_inside(self):
        for sequences in (BOUNDARIES, (3, 6, 10)):
            with self.subTest(sequences=sequences):
                self.tampered(
                    on_events(
                        "UPDATE aftersales_event "
                        "SET previous_hash = '$1$' || repeat('c', 64) "
                        "WHERE id = ANY(%s)",
                        sequences,
                    )
                )
                # The link is hashed too: the event no longer matches itself either.
                result = self.assert_parallel_as_sequential(
                    [("broken_link", n) for n in sequences]
                )
                self.assertEqual(
                    {item.get("also") for item in result["breaks"]}, {"hash_mismatch"}
                )

    def test_malformed_hashes_at_range_bounds_and_inside(self):
        for sequences in ((4, 9), (5, 8), (6,)):
            with self.subTest(sequences=sequences):
                self.tampered(
                    on_events(
                        "UPDATE aftersales_event SET hash = 'not a hash' "
                        "WHERE id = ANY(%s)",
                        sequences,
                    )
                )
                # The next event is linked to the hash as it was.
                expected = []
                for n in sequences:
                    expected += [("malformed_hash", n), ("broken_link", n + 1)]
                self.assert_parallel_as_sequential(expected)

    def test_deleted_events_at_range_bounds_and_inside(self):
        for deleted in ((4, 9), (5, 8), (6,), (1,)):
            with self.subTest(deleted=deleted):
                ids = self.tampered(
                    on_events(
                        "DELETE FROM aftersales_event WHERE id = ANY(%s)",
                        deleted,
                    )
                )
                result = self.assert_parallel_as_sequential(
                    [("sequence_gap", n + 1) for n in deleted]
                )
                self.assertEqual(
                    [(item["id"], item["expected"]) for item in result["breaks"]],
                    [(ids[n], str(n)) for n in deleted],
                )

    def test_last_events_cut_off_is_a_head_mismatch(self):
        for deleted in ((12,), (9, 10, 11, 12)):
            with self.subTest(deleted=deleted):
                ids = self.tampered(
                    on_events(
                        "DELETE FROM aftersales_event WHERE id = ANY(%s)",
                        deleted,
                    )
                )
                last = deleted[0] - 1
                # The signed head names an event the chain no longer has, too.
                result = self.assert_parallel_as_sequential(
                    [("head_mismatch", 12), ("checkpoint_truncated", 12)]
                )
                self.assertEqual(result["chains"][0]["last_sequence"], last)
                self.assertTrue(
                    result["breaks"][0]["expected"].startswith(f"{last} $1$")
                )
                self.assertEqual(len(ids), 12)

    def test_forged_head(self):
        self.tampered(
            lambda ids: (
                "UPDATE aftersales_event_chain "
                "SET last_hash = '$1$' || repeat('d', 64) WHERE id = %s",
                [self.chain_id],
            )
        )
        self.assert_parallel_as_sequential([("head_mismatch", 12)])

    def test_more_breaks_than_described(self):
        for sequences in (range(2, 12), (3, 6, 7, 10, 11)):
            with self.subTest(sequences=sequences):
                self.tampered(
                    on_events(
                        "UPDATE aftersales_event SET reason = 'changed' "
                        "WHERE id = ANY(%s)",
                        sequences,
                    )
                )
                with patch.object(ledger_hash, "MAX_BREAKS", 2):
                    result = self.assert_parallel_as_sequential(
                        [("hash_mismatch", n) for n in list(sequences)[:2]]
                    )
                self.assertEqual(result["break_count"], len(sequences))

    # ------------------------------------------------------------------

    def test_workers_read_the_callers_snapshot(self):
        """A change committed after the caller's snapshot was taken is not seen
        by the workers: they read what the caller's transaction sees."""
        ids = self.append(12)
        original = aftersales_event_chain.AftersalesEventChain._verify_worker_connection

        def tamper_first(model):
            self.as_owner(
                ("UPDATE aftersales_event SET reason = 'late' WHERE id = %s", [ids[5]])
            )
            return original(model)

        with patch.object(
            aftersales_event_chain.AftersalesEventChain,
            "_verify_worker_connection",
            tamper_first,
        ):
            result = self.verify_with(3)
        self.assertEqual(len(self.jobs), 1)
        self.assertTrue(result["ok"], result["breaks"])
        self.assertEqual(result["checked"], 12)
        # Committed meanwhile, found by the next verification.
        self.assertEqual(
            [(item["reason"], item["id"]) for item in self.verify_with(3)["breaks"]],
            [("hash_mismatch", ids[5])],
        )

    def test_read_only_cursor(self):
        """On a read-only cursor (the replica's when the server has one) the
        workers connect as the caller's connection does."""
        self.tampered(
            lambda ids: (
                "UPDATE aftersales_event SET payload = '{}' WHERE id = %s",
                [ids[4]],
            )
        )
        sequential = self.verify_with(1)
        self.set_workers(3)
        # A replica configured: here the same server (the read-only pool's cursor
        # then opens a read-only transaction on it).
        replica = {
            "db_replica_host": config["db_host"],
            "db_replica_port": config["db_port"],
        }
        with (
            patch.dict(config.options, replica),
            closing(db_connect(self.dbname, readonly=True).cursor()) as cr,
        ):
            env = api.Environment(cr, SUPERUSER_ID, {})
            self.assertTrue(cr.readonly)
            with mute_logger(*MUTE_PARALLEL):
                result = env["aftersales.event"].verify_ledger(self.chain_id)
        self.assertEqual(len(self.jobs), 1)
        self.assertEqual(result["breaks"], sequential["breaks"])
        self.assertEqual(result["checked"], 11)

    def test_events_written_by_the_callers_transaction(self):
        """An exported snapshot does not hold the caller's own uncommitted writes:
        a transaction that wrote to the ledger is verified in one pass, its
        events included."""
        self.append(6)
        self.set_workers(3)
        with separate_env(self.dbname, commit=False) as env:
            env["aftersales.event"]._append_events(
                [
                    {"event_type": "ledger.note", "company": self.company_id}
                    for _n in range(6)
                ]
            )
            env.flush_all()
            env["aftersales.event"]._seal_chains(
                env["aftersales.event.chain"].browse(self.chain_id)
            )
            with patch.object(aftersales_event_chain, "_logger") as logger:
                result = self.verify_env(env)
        self.assertFalse(self.jobs)
        self.assertIn("has written to the ledger", self.logged(logger))
        self.assertTrue(result["ok"], result["breaks"])
        self.assertEqual(result["checked"], 12)

    def test_a_worker_that_cannot_connect_falls_back(self):
        ids = self.tampered(
            lambda ids: (
                "UPDATE aftersales_event SET reason = 'changed' WHERE id = %s",
                [ids[4]],
            )
        )
        sequential = self.verify_with(1)
        Chain = aftersales_event_chain.AftersalesEventChain
        original = Chain._verify_worker_connection

        def wrong_password(model):
            return dict(original(model), password="not the password")

        with (
            patch.object(Chain, "_verify_worker_connection", wrong_password),
            patch.object(aftersales_event_chain, "_logger") as logger,
        ):
            result = self.verify_with(3)
        self.assertEqual(len(self.jobs), 1)
        self.assertIn("a worker failed", self.logged(logger))
        self.assertEqual(result, sequential)
        self.assertEqual(result["breaks"][0]["id"], ids[4])

    def test_a_worker_that_cannot_start_falls_back(self):
        self.append(12)
        sequential = self.verify_with(1)
        with (
            patch.object(
                aftersales_event_chain, "VERIFY_WORKER", "/nonexistent/worker.py"
            ),
            patch.object(aftersales_event_chain, "_logger") as logger,
        ):
            result = self.verify_with(3)
        self.assertIn("a worker failed", self.logged(logger))
        self.assertEqual(result, sequential)
        self.assertTrue(result["ok"])
