"""Tampering with the ledger as an attacker would: SQL as the role Odoo runs as
(refused by PostgreSQL), SQL as the ledger owner role (found by verification,
by the chain's head and by signed checkpoints).

These tests commit (the owner works on its own connection, which sees only
committed rows), on a company of their own; each starts from an empty chain and
leaves it empty (tests/common.py: wipe_chain_as_owner).
"""

import uuid
from contextlib import closing

import psycopg2
import psycopg2.errors

from odoo import api
from odoo.sql_db import db_connect
from odoo.tests import BaseCase, get_db_name, new_test_user, tagged
from odoo.tools import mute_logger

from ..tools import ledger_hash
from .common import owner_cursor, separate_env, wipe_chain_as_owner

MUTE = ("odoo.sql_db", "odoo.addons.aftersales_sla.models.aftersales_event_chain")


class CommittedLedgerCase(BaseCase):
    """A committed company with its chain and manager; a clean chain per test."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dbname = get_db_name()
        label = uuid.uuid4().hex[:8]
        with separate_env(cls.dbname) as env:
            company = env["res.company"].create({"name": f"Tampering {label}"})
            cls.company_id = company.id
            cls.chain_id = (
                env["aftersales.event.chain"]
                .search([("company_id", "=", company.id)])
                .id
            )
            cls.manager_id = new_test_user(
                env,
                login=f"tamper_manager_{label}",
                groups="aftersales_sla.group_aftersales_manager",
                company_id=company.id,
                company_ids=[(6, 0, company.ids)],
            ).id

    def setUp(self):
        super().setUp()
        wipe_chain_as_owner(self.chain_id)
        self.addCleanup(wipe_chain_as_owner, self.chain_id)

    # ------------------------------------------------------------------

    def append(self, count, seal=True):
        """Append and commit ``count`` events (sealed right after commit)."""
        with separate_env(self.dbname) as env:
            events = env["aftersales.event"]._append_events(
                [
                    {
                        "event_type": "ledger.note",
                        "company": self.company_id,
                        "payload": {"n": n, "备注": "客户来电"},
                    }
                    for n in range(count)
                ]
            )
            ids = events.ids
            if not seal:
                env.cr.postcommit.clear()  # leave them unsealed
        return ids

    def rows(self):
        with owner_cursor() as cr:
            cr.execute(
                "SELECT id, sequence, hash FROM aftersales_event "
                "WHERE chain_id = %s ORDER BY sequence NULLS LAST, id",
                [self.chain_id],
            )
            return cr.fetchall()

    def verify(self, checkpoints=None):
        with separate_env(self.dbname, commit=False) as env, mute_logger(*MUTE):
            return env["aftersales.event"].verify_ledger(
                self.chain_id, checkpoints=checkpoints
            )

    def printed_token(self):
        """The checkpoint a statement printed now carries (nothing stored)."""
        with separate_env(self.dbname, commit=False) as env:
            printed = env["aftersales.event.chain"].browse(self.chain_id)
            printed = printed._print_checkpoint()
            assert "token" in printed, printed
            return printed["token"]

    def breaks(self, result):
        return [(item["reason"], item["sequence"]) for item in result["breaks"]]

    def as_owner(self, *statements):
        """Run SQL as the owner with the guards disabled, as an attacker would."""
        with owner_cursor() as cr:
            cr.execute("ALTER TABLE aftersales_event DISABLE TRIGGER USER")
            for statement in statements:
                query, params = (
                    statement if isinstance(statement, tuple) else (statement, ())
                )
                cr.execute(query, params)
            cr.execute("ALTER TABLE aftersales_event ENABLE TRIGGER USER")

    def as_runtime(self, query, params=()):
        """Run SQL as the role Odoo runs as; returns the error it raised."""
        with closing(db_connect(self.dbname).cursor()) as cr, mute_logger(*MUTE):
            try:
                cr.execute(query, params)
            except psycopg2.Error as error:
                return error
            finally:
                cr.rollback()
        return None

    def assert_refused(
        self, query, params=(), errors=(psycopg2.errors.InsufficientPrivilege,)
    ):
        error = self.as_runtime(query, params)
        self.assertIsInstance(error, errors, f"not refused: {query}")
        return error


@tagged("post_install", "-at_install")
class TestRuntimeRoleIsRefused(CommittedLedgerCase):
    """The role Odoo runs as (what an RPC-reachable bug or a stolen odoo.conf
    gives an attacker) cannot rewrite the ledger nor switch its guards off."""

    def test_update_delete_truncate_refused(self):
        ids = tuple(self.append(3))
        before = self.rows()
        for query in (
            "UPDATE aftersales_event SET payload = '{}' WHERE id IN %s",
            "UPDATE aftersales_event SET hash = NULL, sequence = NULL WHERE id IN %s",
            "DELETE FROM aftersales_event WHERE id IN %s",
        ):
            with self.subTest(query=query):
                self.assertIn(
                    "permission denied", str(self.assert_refused(query, [ids]))
                )
        self.assert_refused("TRUNCATE aftersales_event CASCADE")
        self.assertEqual(self.rows(), before)
        self.assertTrue(self.verify()["ok"])

    def test_guards_cannot_be_disabled_replaced_or_dropped(self):
        for query in (
            "ALTER TABLE aftersales_event DISABLE TRIGGER USER",
            "ALTER TABLE aftersales_event DISABLE TRIGGER aftersales_event_no_update",
            "DROP TRIGGER aftersales_event_no_update ON aftersales_event",
            "CREATE OR REPLACE FUNCTION aftersales_event_guard() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$",
            "DROP FUNCTION aftersales_event_guard() CASCADE",
            "ALTER TABLE aftersales_event OWNER TO CURRENT_USER",
            "DROP TABLE aftersales_event CASCADE",
            "ALTER TABLE aftersales_event_checkpoint DISABLE TRIGGER USER",
            "DELETE FROM aftersales_event_checkpoint",
        ):
            with self.subTest(query=query):
                self.assert_refused(query)
        result = self.verify()
        self.assertEqual(
            [item for item in result["guards"] if item["severity"] == "break"], []
        )
        self.assertNotIn(
            "runtime_owns_ledger", [item["code"] for item in result["guards"]]
        )

    def test_chain_head_moves_only_by_sealing(self):
        self.append(2)
        self.assert_refused(
            "UPDATE aftersales_event_chain SET last_sequence = 1 WHERE id = %s",
            [self.chain_id],
        )
        self.assert_refused(
            "UPDATE aftersales_event_chain SET last_hash = NULL WHERE id = %s",
            [self.chain_id],
        )
        # Its bookkeeping stays the application's.
        self.assertIsNone(
            self.as_runtime(
                "UPDATE aftersales_event_chain SET last_verification_state = 'ok' "
                "WHERE id = %s",
                [self.chain_id],
            )
        )

    def test_insert_that_is_not_an_append_is_refused(self):
        base = (
            "INSERT INTO aftersales_event (chain_id, company_id, event_type, "
            "occurred_at, recorded_at, author_id, payload{cols}) VALUES "
            "(%s, %s, 'ledger.note', now() AT TIME ZONE 'UTC' - interval '1 day', "
            "{recorded}, 1, '{{}}'{vals})"
        )
        now = "date_trunc('second', now() AT TIME ZONE 'UTC')"
        params = [self.chain_id, self.company_id]
        cases = {
            "sequence preset": (", sequence", ", 1", now),
            "hash preset": (", hash", ", '$1$' || repeat('a', 64)", now),
            "previous hash preset": (", previous_hash", ", 'x'", now),
            "sealed-at preset": (", sealed_at", ", now()", now),
            "backdated recording": (
                "",
                "",
                "now() AT TIME ZONE 'UTC' - interval '1 hour'",
            ),
            "recording in the future": (
                "",
                "",
                "now() AT TIME ZONE 'UTC' + interval '1 hour'",
            ),
        }
        for label, (cols, vals, recorded) in cases.items():
            with self.subTest(label):
                error = self.assert_refused(
                    base.format(cols=cols, vals=vals, recorded=recorded), params
                )
                self.assertIn("append-only", str(error))
        # A plain append goes in (unsealed, its audit columns mirroring the
        # hashed ones whatever the insert said).
        self.assertIsNone(
            self.as_runtime(
                "INSERT INTO aftersales_event (chain_id, company_id, event_type, "
                "occurred_at, recorded_at, author_id, payload, create_uid, "
                "create_date) VALUES (%s, %s, 'ledger.note', "
                f"{now}, {now}, 1, '{{}}', 2, '2000-01-01')",
                params,
            )
        )

    def test_sealing_function_seals_only_the_oldest_in_order(self):
        sealed = self.append(1)
        pending = self.append(3, seal=False)
        digest = "$1$" + "a" * 64
        seal = "SELECT aftersales_event_seal(%s, %s::integer[], %s::varchar[])"
        for label, ids in (
            ("out of order", [pending[1], pending[0]]),
            ("skipping the oldest", [pending[1]]),
            ("an event already sealed", sealed),
        ):
            with self.subTest(label):
                error = self.as_runtime(seal, [self.chain_id, ids, [digest] * len(ids)])
                self.assertIsInstance(error, psycopg2.errors.InvalidParameterValue)
        error = self.as_runtime(seal, [self.chain_id, pending[:1], ["forged"]])
        self.assertIsInstance(error, psycopg2.errors.InvalidParameterValue)


@tagged("post_install", "-at_install")
class TestOwnerTamperingIsFound(CommittedLedgerCase):
    """What the owner of the ledger tables (or the superuser) can still do, and
    what names it. Each finding is reported with its cause, every one of them."""

    def test_changed_events_are_each_named(self):
        ids = self.append(6)
        self.as_owner(
            ("UPDATE aftersales_event SET payload = '{}' WHERE id = %s", [ids[1]]),
            ("UPDATE aftersales_event SET reason = 'x' WHERE id = %s", [ids[4]]),
        )
        result = self.verify()
        self.assertFalse(result["ok"])
        self.assertEqual(
            self.breaks(result), [("hash_mismatch", 2), ("hash_mismatch", 5)]
        )
        self.assertEqual([item["id"] for item in result["breaks"]], [ids[1], ids[4]])
        self.assertEqual(result["checked"], 4)

    def test_rewritten_event_with_recomputed_hash_breaks_the_next_link(self):
        ids = self.append(4)
        self.as_owner(
            (
                "UPDATE aftersales_event SET reason = 'forged', "
                "hash = '$1$' || repeat('a', 64) WHERE id = %s",
                [ids[1]],
            )
        )
        self.assertEqual(
            self.breaks(self.verify()), [("hash_mismatch", 2), ("broken_link", 3)]
        )

    def test_deleted_event_in_the_middle(self):
        ids = self.append(5)
        self.as_owner(("DELETE FROM aftersales_event WHERE id = %s", [ids[2]]))
        result = self.verify()
        self.assertEqual(self.breaks(result), [("sequence_gap", 4)])
        self.assertEqual(result["broken"]["id"], ids[3])

    def test_cut_off_tail_is_found_by_the_head_then_by_a_checkpoint(self):
        ids = self.append(5)
        token = self.printed_token()
        self.as_owner(("DELETE FROM aftersales_event WHERE id = ANY(%s)", [ids[3:]]))
        # The head and the checkpoint the sealer signed both name it.
        self.assertEqual(
            self.breaks(self.verify()),
            [("head_mismatch", 5), ("checkpoint_truncated", 5)],
        )
        # The owner moves the head back as well: the chain is consistent again,
        # but the signed checkpoints (stored, and printed) name the truncation.
        self.as_owner(
            (
                "UPDATE aftersales_event_chain SET last_sequence = 3, last_hash = "
                "(SELECT hash FROM aftersales_event WHERE id = %s) WHERE id = %s",
                [ids[2], self.chain_id],
            )
        )
        result = self.verify()
        self.assertIn(("checkpoint_truncated", 5), self.breaks(result))
        self.assertNotIn("hash_mismatch", [item["reason"] for item in result["breaks"]])
        # What the other party kept names it too, on its own.
        with owner_cursor() as cr:
            cr.execute("ALTER TABLE aftersales_event_checkpoint DISABLE TRIGGER USER")
            cr.execute(
                "DELETE FROM aftersales_event_checkpoint WHERE chain_id = %s",
                [self.chain_id],
            )
            cr.execute("ALTER TABLE aftersales_event_checkpoint ENABLE TRIGGER USER")
        self.assertEqual(self.breaks(self.verify()), [])
        result = self.verify(
            checkpoints=f"Ledger checkpoint:\n{token[:60]}\n{token[60:]}"
        )
        self.assertEqual(self.breaks(result), [("checkpoint_truncated", 5)])
        self.assertEqual(result["checkpoints"][0]["source"], "given")

    def test_wiped_chain(self):
        self.append(3)
        token = self.printed_token()
        self.as_owner(
            ("DELETE FROM aftersales_event WHERE chain_id = %s", [self.chain_id]),
            (
                "UPDATE aftersales_event_chain SET last_sequence = 0, "
                "last_hash = NULL WHERE id = %s",
                [self.chain_id],
            ),
        )
        result = self.verify(checkpoints=token)
        self.assertEqual(self.breaks(result), [("checkpoint_wiped", 3)])
        self.assertFalse(result["ok"])

    def test_append_while_moving_the_head(self):
        """The owner appends a forged, correctly hashed event behind the sealer's
        back and moves the head along: the head is no longer the signed one."""
        ids = self.append(3)
        with owner_cursor() as cr:
            cr.execute(
                "SELECT last_hash, author_id FROM aftersales_event e "
                "JOIN aftersales_event_chain c ON c.id = e.chain_id WHERE e.id = %s",
                [ids[-1]],
            )
            previous, author = cr.fetchone()
            cr.execute("SELECT date_trunc('second', now() AT TIME ZONE 'UTC')")
            now = cr.fetchone()[0]
        stamp = now.strftime("%Y-%m-%d %H:%M:%S")
        record = ledger_hash.canonical_record(
            {
                "author": author,
                "chain": self.chain_id,
                "company": self.company_id,
                "event_type": "ledger.note",
                "occurred_at": stamp,
                "payload": '{"forged":true}',
                "reason": None,
                "recorded_at": stamp,
                "res_id": None,
                "res_model": None,
                "sequence": 4,
            }
        )
        forged = ledger_hash.compute_hash(previous, record)
        self.as_owner(
            (
                "INSERT INTO aftersales_event (chain_id, company_id, event_type, "
                "occurred_at, recorded_at, author_id, payload, sequence, "
                "previous_hash, hash, sealed_at, create_uid, write_uid, create_date, "
                "write_date) VALUES (%s, %s, 'ledger.note', %s, %s, %s, "
                "'{\"forged\":true}', 4, %s, %s, %s, %s, %s, %s, %s)",
                [
                    self.chain_id,
                    self.company_id,
                    now,
                    now,
                    author,
                    previous,
                    forged,
                    now,
                    author,
                    author,
                    now,
                    now,
                ],
            ),
            (
                "UPDATE aftersales_event_chain SET last_sequence = 4, last_hash = %s "
                "WHERE id = %s",
                [forged, self.chain_id],
            ),
        )
        result = self.verify()
        self.assertEqual(result["checked"], 4, "the forgery hashes correctly")
        self.assertEqual(self.breaks(result), [("unsigned_events", 4)])

    def test_changed_unhashed_column(self):
        ids = self.append(3)
        other_user = self.manager_id
        self.as_owner(
            (
                "UPDATE aftersales_event SET create_uid = %s WHERE id = %s",
                [other_user, ids[1]],
            ),
            (
                "UPDATE aftersales_event "
                "SET write_date = write_date - interval '1 day' WHERE id = %s",
                [ids[2]],
            ),
        )
        result = self.verify()
        self.assertEqual(
            self.breaks(result), [("unhashed_changed", 2), ("unhashed_changed", 3)]
        )
        self.assertEqual(result["checked"], 3, "the hashes still match")

    def test_rewrite_of_everything_with_recomputed_hashes(self):
        """The owner changes one event and recomputes every hash after it, and
        the head: the chain is consistent, only signed checkpoints name it."""
        ids = self.append(4)
        token = self.printed_token()
        with separate_env(self.dbname, commit=False) as env:
            env.cr.execute(
                "SELECT e.id, e.author_id, e.chain_id, e.company_id, e.event_type, "
                "to_char(e.occurred_at, 'YYYY-MM-DD HH24:MI:SS'), e.payload, e.reason, "
                "to_char(e.recorded_at, 'YYYY-MM-DD HH24:MI:SS'), e.res_id, "
                "e.res_model, e.sequence FROM aftersales_event e "
                "WHERE chain_id = %s ORDER BY sequence",
                [self.chain_id],
            )
            rows = env.cr.fetchall()
        statements = []
        previous = None
        for event_id, *values in rows:
            if event_id == ids[1]:
                values[5] = '{"n":99}'  # payload
                statements.append(
                    (
                        "UPDATE aftersales_event SET payload = %s WHERE id = %s",
                        [values[5], event_id],
                    )
                )
            digest = ledger_hash.compute_hash(
                previous, ledger_hash.canonical_record_row(values)
            )
            statements.append(
                (
                    "UPDATE aftersales_event SET previous_hash = %s, hash = %s "
                    "WHERE id = %s",
                    [previous, digest, event_id],
                )
            )
            previous = digest
        statements.append(
            (
                "UPDATE aftersales_event_chain SET last_hash = %s WHERE id = %s",
                [previous, self.chain_id],
            )
        )
        self.as_owner(*statements)
        result = self.verify(checkpoints=token)
        self.assertEqual(result["checked"], 4, "every hash recomputes")
        reasons = {item["reason"] for item in result["breaks"]}
        self.assertEqual(reasons, {"checkpoint_rewritten"})
        self.assertIn(("checkpoint_rewritten", 4), self.breaks(result))
        self.assertIn("given", [item["source"] for item in result["checkpoints"]])

    def test_disabled_trigger_and_replaced_guard_are_named(self):
        self.append(1)
        with owner_cursor() as cr:
            cr.execute(
                "ALTER TABLE aftersales_event "
                "DISABLE TRIGGER aftersales_event_no_delete"
            )
            cr.execute(
                "CREATE OR REPLACE FUNCTION aftersales_event_guard() RETURNS trigger "
                "LANGUAGE plpgsql AS $guard$ BEGIN RETURN NEW; END $guard$"
            )
        result = self.verify()
        self.assertFalse(result["ok"])
        self.assertEqual(
            sorted(
                (item["code"], item["name"])
                for item in result["guards"]
                if item["severity"] == "break"
            ),
            [
                ("function_replaced", "aftersales_event_guard"),
                ("trigger_disabled", "aftersales_event_no_delete"),
            ],
        )

    def test_forged_or_foreign_checkpoint_is_named(self):
        self.append(2)
        token = self.printed_token()
        parts = token.split(".")
        parts[2] = "1"  # claims another sequence under the same signature
        result = self.verify(checkpoints=".".join(parts))
        self.assertEqual(self.breaks(result), [("checkpoint_bad_signature", 1)])
        result = self.verify(checkpoints=token)
        self.assertTrue(result["ok"], result["breaks"])
        self.assertEqual(
            [
                item["status"]
                for item in result["checkpoints"]
                if item["source"] == "given"
            ],
            ["ok"],
        )

    def test_verify_wizard_and_daily_action_report_every_break(self):
        ids = self.append(4)
        token = self.printed_token()
        self.as_owner(
            ("UPDATE aftersales_event SET reason = 'x' WHERE id = %s", [ids[0]]),
            ("UPDATE aftersales_event SET reason = 'y' WHERE id = %s", [ids[3]]),
        )
        with separate_env(self.dbname, commit=False) as env, mute_logger(*MUTE):
            manager_env = api.Environment(env.cr, self.manager_id, {})
            wizard = manager_env["aftersales.event.verify"].create(
                {"checkpoint_text": token}
            )
            wizard.action_verify()
            self.assertEqual(wizard.state, "broken")
            self.assertEqual(wizard.break_count, 2)
            self.assertEqual(wizard.broken_event_id.id, ids[0])
            self.assertIn(f"Event {ids[0]} (sequence 1)", wizard.result_message)
            self.assertIn(f"Event {ids[3]} (sequence 4)", wizard.result_message)
            self.assertIn("the event was changed", wizard.result_message)
            chain = env["aftersales.event.chain"].browse(self.chain_id)
            with self.assertLogs(
                "odoo.addons.aftersales_sla.models.aftersales_event_chain", "ERROR"
            ):
                env["aftersales.event.chain"]._cron_verify_ledger()
            self.assertEqual(chain.last_verification_state, "broken")
            self.assertIn(str(ids[3]), chain.last_verification_message)
