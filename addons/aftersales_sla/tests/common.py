import json
import os
from contextlib import closing, contextmanager
from datetime import date, datetime
from zoneinfo import ZoneInfo

import psycopg2

from odoo import SUPERUSER_ID, api
from odoo.sql_db import db_connect
from odoo.tests import TransactionCase, new_test_user

from ..models.aftersales_event import GUARD_SQL

#: Exported by scripts/test.sh: a libpq DSN of the ledger owner role on the test
#: database, for tests that tamper as an attacker holding the owner's password.
OWNER_DSN_VARIABLE = "AFTERSALES_LEDGER_OWNER_DSN"


@contextmanager
def owner_cursor():
    """A cursor connected as the ledger owner role (committing on success)."""
    dsn = os.environ.get(OWNER_DSN_VARIABLE)
    if not dsn:
        raise AssertionError(
            f"{OWNER_DSN_VARIABLE} is not set: run the tests through scripts/test.sh "
            "(it sets up the ledger owner role and exports its connection string)"
        )
    with closing(psycopg2.connect(dsn)) as connection:
        with connection, connection.cursor() as cr:
            yield cr


def wipe_chain_as_owner(chain_id):
    """Leave a test chain empty again, as the owner: no events, no checkpoints,
    head at zero, guards as installed (tests that tamper clean up after them)."""
    with owner_cursor() as cr:
        cr.execute(GUARD_SQL.read_text(encoding="utf-8"))
        cr.execute("ALTER TABLE aftersales_event DISABLE TRIGGER USER")
        cr.execute("ALTER TABLE aftersales_event_checkpoint DISABLE TRIGGER USER")
        cr.execute("DELETE FROM aftersales_event WHERE chain_id = %s", [chain_id])
        cr.execute(
            "DELETE FROM aftersales_event_checkpoint WHERE chain_id = %s", [chain_id]
        )
        cr.execute(
            """UPDATE aftersales_event_chain
                  SET last_sequence = 0, last_hash = NULL, audit_from_sequence = 0
                WHERE id = %s""",
            [chain_id],
        )
        cr.execute("ALTER TABLE aftersales_event ENABLE TRIGGER USER")
        cr.execute("ALTER TABLE aftersales_event_checkpoint ENABLE TRIGGER USER")


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


def call_kw(case, model, method, args, kwargs=None):
    """Call ``model.method`` over JSON-RPC as the web client does, in the session of
    HttpCase ``case``; returns the decoded JSON-RPC answer (result or error)."""
    return case.url_open(
        "/web/dataset/call_kw",
        data=json.dumps(
            {
                "jsonrpc": "2.0",
                "method": "call",
                "id": 1,
                "params": {
                    "model": model,
                    "method": method,
                    "args": args,
                    "kwargs": kwargs or {},
                },
            }
        ),
        headers={"Content-Type": "application/json"},
    ).json()


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


H = 3600


def shanghai(*args):
    moment = datetime(*args, tzinfo=ZoneInfo("Asia/Shanghai"))
    return moment.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


class TicketCase(TransactionCase):
    """An active contract on an 08:00-22:00 Shanghai calendar with its SLA policy."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar = cls.env["resource.calendar"].create(
            {
                "name": "On-site 08:00-22:00 daily",
                "tz": "Asia/Shanghai",
                "attendance_ids": [(5, 0, 0)]
                + [
                    (
                        0,
                        0,
                        {
                            "name": f"Day {day}",
                            "dayofweek": str(day),
                            "hour_from": 8,
                            "hour_to": 22,
                        },
                    )
                    for day in range(7)
                ],
            }
        )
        waiting_customer = cls.env.ref("aftersales_sla.pause_reason_waiting_customer")
        cls.policy = cls.env["aftersales.sla.policy"].create(
            {
                "name": "Smart lock SLA",
                "target_ids": [
                    (
                        0,
                        0,
                        {
                            "metric": "response",
                            "priority": priority,
                            "target_hours": 12,
                            "calendar_id": cls.calendar.id,
                            "pause_reason_ids": [(6, 0, waiting_customer.ids)],
                        },
                    )
                    for priority in ("1", "3")
                ]
                + [
                    (
                        0,
                        0,
                        {
                            "metric": "resolution",
                            "priority": "1",
                            "target_hours": 48,
                            "calendar_id": cls.calendar.id,
                            "pause_reason_ids": [(6, 0, waiting_customer.ids)],
                        },
                    ),
                    (
                        0,
                        0,
                        {
                            "metric": "resolution",
                            "priority": "3",
                            "target_hours": 8,
                            "calendar_id": cls.calendar.id,
                        },
                    ),
                    (
                        0,
                        0,
                        {
                            "metric": "arrival",
                            "priority": "3",
                            "target_hours": 4,
                            "time_basis": "always",
                        },
                    ),
                ],
            }
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "深圳安居物业管理有限公司", "is_company": True}
        )
        cls.contract = cls.env["aftersales.contract"].create(
            {
                "partner_id": cls.customer.id,
                "title": "Smart lock service 2026",
                "date_start": date(2026, 1, 1),
                "date_end": date(2026, 12, 31),
                "amount_value": 100000,
                "calendar_id": cls.calendar.id,
                "sla_policy_id": cls.policy.id,
            }
        )
        cls.contract.action_activate()
        cls.Ticket = cls.env["aftersales.ticket"]

    def report(self, reported=None, **values):
        reported = reported or shanghai(2026, 11, 20, 21, 0)
        return self.Ticket.create(
            dict(
                {
                    "name": "门锁无法开启",
                    "partner_id": self.customer.id,
                    "reported_at": reported,
                },
                **values,
            )
        )

    def line(self, ticket, metric):
        return ticket.sla_ids.filtered(lambda line: line.metric == metric)
