"""Concurrent appends and sealing on real, separate PostgreSQL connections.

These tests commit (they must: the point is what other transactions see), so they work
on a company of their own, created and committed once.
"""

import threading
import time
import uuid
from contextlib import closing

from odoo import SUPERUSER_ID, api
from odoo.sql_db import db_connect
from odoo.tests import BaseCase, get_db_name, tagged

from .common import separate_env


@tagged("post_install", "-at_install")
class TestLedgerConcurrency(BaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dbname = get_db_name()
        with separate_env(cls.dbname) as env:
            company = env["res.company"].create(
                {"name": f"Concurrency {uuid.uuid4().hex[:8]}"}
            )
            cls.company_id = company.id
            cls.chain_id = (
                env["aftersales.event.chain"]
                .search([("company_id", "=", company.id)])
                .id
            )

    def append(self, env, count, label):
        return env["aftersales.event"]._append_events(
            [
                {
                    "event_type": "ledger.note",
                    "payload": {"writer": label, "n": index},
                    "company": self.company_id,
                }
                for index in range(count)
            ]
        )

    def chain_state(self):
        with separate_env(self.dbname, commit=False) as env:
            env.cr.execute(
                "SELECT sequence, hash IS NOT NULL FROM aftersales_event "
                "WHERE chain_id = %s "
                "ORDER BY sequence NULLS LAST",
                [self.chain_id],
            )
            rows = env.cr.fetchall()
            result = env["aftersales.event"].verify_ledger(self.chain_id)
        return rows, result

    def test_two_appenders_neither_wait_nor_fork(self):
        rows_before, _result = self.chain_state()
        with (
            closing(db_connect(self.dbname).cursor()) as cr_a,
            closing(db_connect(self.dbname).cursor()) as cr_b,
        ):
            env_a = api.Environment(cr_a, SUPERUSER_ID, {})
            env_b = api.Environment(cr_b, SUPERUSER_ID, {})
            # A appends and keeps its transaction open...
            self.append(env_a, 5, "a")
            # ... B appends on the same chain and commits; with a lock timeout, any
            # wait on A would raise instead of blocking.
            cr_b.execute("SET lock_timeout = '2s'")
            started = time.monotonic()
            self.append(env_b, 5, "b")
            env_b.flush_all()
            cr_b.commit()  # runs B's post-commit sealing, on a third connection
            self.assertLess(time.monotonic() - started, 2, "B did not wait for A")
            cr_a.execute("SET lock_timeout = '2s'")
            cr_a.commit()  # A's own post-commit sealing follows B's

        rows, result = self.chain_state()
        added = rows[len(rows_before) :]
        self.assertEqual(len(added), 10)
        self.assertTrue(
            all(sealed for _sequence, sealed in rows), "sealed right after commit"
        )
        self.assertEqual(
            [sequence for sequence, _sealed in rows], list(range(1, len(rows) + 1))
        )
        self.assertTrue(result["ok"], result)
        self.assertEqual(result["unsealed"], 0)

    def test_busy_sealer_is_skipped_and_stale_sealer_cannot_fork(self):
        with separate_env(self.dbname) as env:
            env.cr.postcommit.clear()
            self.append(env, 4, "pending")
            env.cr.postcommit.clear()  # leave them unsealed for the sealers below
        with (
            closing(db_connect(self.dbname).cursor()) as cr_1,
            closing(db_connect(self.dbname).cursor()) as cr_2,
        ):
            Chain_1 = api.Environment(cr_1, SUPERUSER_ID, {})["aftersales.event.chain"]
            Chain_2 = api.Environment(cr_2, SUPERUSER_ID, {})["aftersales.event.chain"]
            cr_2.execute("SELECT 1")  # sealer 2's snapshot predates sealer 1's commit
            cr_2.execute("SET lock_timeout = '2s'")
            self.assertEqual(Chain_1._seal_chain(self.chain_id), 4)
            # While sealer 1 holds the chain, sealer 2 skips it at once.
            self.assertIsNone(Chain_2._seal_chain(self.chain_id))
            cr_2.rollback()
            cr_2.execute("SELECT 1")  # a fresh snapshot, still before 1 commits
            cr_1.commit()
            # Sealer 2 now works from a snapshot without sealer 1's work: it must not
            # number the same events again (that would fork the chain).
            self.assertEqual(Chain_2._seal_chains(Chain_2.browse(self.chain_id)), 0)
            cr_2.rollback()
        rows, result = self.chain_state()
        self.assertTrue(result["ok"], result)
        self.assertEqual(
            [sequence for sequence, _sealed in rows], list(range(1, len(rows) + 1))
        )

    def test_parallel_writers_end_gap_free(self):
        errors = []

        def writer(label):
            try:
                for _round in range(5):
                    with separate_env(self.dbname) as env:
                        self.append(env, 20, label)
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)

        threads = [threading.Thread(target=writer, args=(f"w{i}",)) for i in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        self.assertEqual(errors, [])
        with separate_env(self.dbname) as env:
            env["aftersales.event"]._seal_chains(
                env["aftersales.event.chain"].browse(self.chain_id)
            )
        rows, result = self.chain_state()
        self.assertTrue(result["ok"], result)
        self.assertGreaterEqual(len(rows), 400)
        self.assertEqual(
            [sequence for sequence, _sealed in rows], list(range(1, len(rows) + 1))
        )
