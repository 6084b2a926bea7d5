import psycopg2

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import LedgerCase


@tagged("post_install", "-at_install")
class TestLedgerGuard(LedgerCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.events = cls.append(cls, count=3)
        cls.Event._seal_chains(cls.chain)

    def test_orm_write_and_unlink_refused_for_everyone(self):
        for env in (self.env, self.env(su=True), self.manager_env()):
            events = self.events.with_env(env)
            with self.subTest(user=env.user.login, su=env.su):
                with self.assertRaises(UserError):
                    events.write({"payload": '{"n":42}'})
                with self.assertRaises(UserError):
                    events.unlink()
                with self.assertRaises(UserError):
                    events[0].copy()
        self.events.invalidate_recordset()
        self.assertEqual(self.events[0].payload, '{"n":0,"text":"客户来电"}')

    def manager_env(self):
        return self.env(user=self.manager)

    def _sql_refused(self, query, params=()):
        """Refused to the role Odoo runs as: it has no UPDATE, DELETE or TRUNCATE
        right on the ledger (the owner step); the guard trigger refuses the same
        to the owner (tests/test_ledger_tampering.py)."""
        with self.assertRaises(psycopg2.errors.InsufficientPrivilege) as caught:
            with self.env.cr.savepoint(), mute_logger("odoo.sql_db"):
                self.env.cr.execute(query, params)
        self.assertIn("permission denied", str(caught.exception))

    def test_sql_update_delete_truncate_refused(self):
        ids = tuple(self.events.ids)
        self._sql_refused(
            "UPDATE aftersales_event SET payload = '{}' WHERE id IN %s", [ids]
        )
        self._sql_refused(
            "UPDATE aftersales_event SET hash = NULL, sequence = NULL WHERE id IN %s",
            [ids],
        )
        self._sql_refused(
            "UPDATE aftersales_event SET sequence = sequence + 100 WHERE id IN %s",
            [ids],
        )
        self._sql_refused("DELETE FROM aftersales_event WHERE id IN %s", [ids])
        self._sql_refused("TRUNCATE aftersales_event CASCADE")
        self.env.cr.execute(
            "SELECT count(*) FROM aftersales_event WHERE id IN %s", [ids]
        )
        self.assertEqual(self.env.cr.fetchone()[0], 3)
        self.assertTrue(self.Event.verify_ledger(self.chain)["ok"])

    def test_an_unsealed_event_may_be_sealed_once_and_nothing_else(self):
        pending = self.append()
        # Sealing must not smuggle in a content change.
        self._sql_refused(
            "UPDATE aftersales_event SET sequence = 99, hash = 'x', payload = '{}' "
            "WHERE id = %s",
            [pending.id],
        )
        self._sql_refused(
            "UPDATE aftersales_event SET reason = 'changed' WHERE id = %s", [pending.id]
        )
        self.assertEqual(self.Event._seal_chains(self.chain), 1)
        self._sql_refused(
            "UPDATE aftersales_event SET previous_hash = NULL WHERE id = %s",
            [pending.id],
        )

    def test_uninstall_hook_leaves_the_owners_guards_alone(self):
        """Run as the role Odoo runs as, the uninstall hook cannot (and does not
        try to) drop the guards the ledger owner holds."""
        from ..hooks import uninstall_hook

        with self.env.cr.savepoint(flush=False) as savepoint:
            uninstall_hook(self.env)
            savepoint.rollback()
        self.env.cr.execute(
            "SELECT count(*) FROM pg_trigger "
            "WHERE tgrelid = 'aftersales_event'::regclass "
            "AND NOT tgisinternal AND tgenabled <> 'D'"
        )
        self.assertEqual(self.env.cr.fetchone()[0], 4)
