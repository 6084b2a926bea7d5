from contextlib import closing, contextmanager

from odoo import SUPERUSER_ID, api
from odoo.sql_db import db_connect
from odoo.tests import TransactionCase, new_test_user


class LedgerCase(TransactionCase):
    """Fixtures for ledger tests: two companies, a technician and a manager."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Event = cls.env["aftersales.event"]
        cls.Chain = cls.env["aftersales.event.chain"]
        cls.company = cls.env["res.company"].create({"name": "Lock Maker Ltd"})
        cls.other_company = cls.env["res.company"].create({"name": "Heater Maker Ltd"})
        cls.chain = cls.Chain.search([("company_id", "=", cls.company.id)])
        cls.other_chain = cls.Chain.search([("company_id", "=", cls.other_company.id)])
        cls.partner = cls.env["res.partner"].create(
            {"name": "深圳市客户有限公司", "company_id": cls.company.id}
        )
        cls.technician = new_test_user(
            cls.env,
            login="ledger_technician",
            groups="aftersales_sla.group_aftersales_user",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )
        cls.manager = new_test_user(
            cls.env,
            login="ledger_manager",
            groups="aftersales_sla.group_aftersales_manager",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )

    def append(self, count=1, company=None, **values):
        entries = [
            dict(
                {
                    "event_type": "ledger.note",
                    "subject": self.partner,
                    "payload": {"n": index, "text": "客户来电"},
                    "company": company or self.company,
                },
                **values,
            )
            for index in range(count)
        ]
        return self.Event._append_events(entries)

    def event_count(self, chain=None):
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT count(*) FROM aftersales_event WHERE chain_id = %s",
            [(chain or self.chain).id],
        )
        return self.env.cr.fetchone()[0]


@contextmanager
def separate_env(dbname, commit=True):
    """An environment on a connection of its own, outside the test's transaction."""
    with closing(db_connect(dbname).cursor()) as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        yield env
        if commit:
            env.flush_all()
            cr.commit()  # pylint: disable=invalid-commit
        else:
            cr.rollback()
