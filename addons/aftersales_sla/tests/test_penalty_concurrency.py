"""Caps hold when two workers assess breaches of one contract at the same moment."""

import threading
import uuid
from datetime import date, timedelta

import psycopg2.errors

from odoo import fields
from odoo.tests import BaseCase, get_db_name, tagged

from .common import separate_env


@tagged("post_install", "-at_install")
class TestPenaltyCapConcurrency(BaseCase):
    def test_cap_holds_under_concurrent_assessment(self):
        dbname = get_db_name()
        with separate_env(dbname) as env:
            customer = env["res.partner"].create(
                {"name": f"Cap customer {uuid.uuid4().hex[:6]}", "is_company": True}
            )
            policy = env["aftersales.sla.policy"].create(
                {
                    "name": "1 h 24x7 caps",
                    "target_ids": [
                        (
                            0,
                            0,
                            {
                                "metric": "response",
                                "priority": "1",
                                "target_hours": 1,
                                "time_basis": "always",
                            },
                        )
                    ],
                }
            )
            contract = env["aftersales.contract"].create(
                {
                    "partner_id": customer.id,
                    "date_start": date(2026, 1, 1),
                    "date_end": date(2027, 12, 31),
                    "amount_value": 10000,  # default cap: 10 % = 1,000
                    "calendar_id": env.company.resource_calendar_id.id,
                    "sla_policy_id": policy.id,
                    "penalty_rule_ids": [
                        (
                            0,
                            0,
                            {"name": "Fixed 800", "rule_type": "fixed", "amount": 800},
                        )
                    ],
                }
            )
            contract.action_activate()
            reported = fields.Datetime.now() - timedelta(hours=3)
            tickets = env["aftersales.ticket"].create(
                [
                    {
                        "name": f"Cap {n}",
                        "partner_id": customer.id,
                        "reported_at": reported,
                        "late_entry_reason": "phone",
                    }
                    for n in range(4)
                ]
            )
            contract_id, ticket_ids = contract.id, tickets.ids

        barrier = threading.Barrier(2)
        errors, retries = [], []

        def worker():
            try:
                with separate_env(dbname) as env:
                    barrier.wait(timeout=30)
                    Sla = env["aftersales.ticket.sla"]
                    for _attempt in range(50):
                        try:
                            result = Sla._cron_sla_watch(batch_size=1)
                            env.cr.commit()
                        except psycopg2.errors.SerializationFailure:
                            # The other worker assessed on the contract meanwhile:
                            # Odoo's cron retries the batch on a fresh snapshot.
                            env.cr.rollback()
                            env.invalidate_all()
                            retries.append(1)
                            continue
                        if not result["remaining"]:
                            break
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)

        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        self.assertEqual(errors, [])
        with separate_env(dbname, commit=False) as env:
            penalties = env["aftersales.penalty"].search(
                [("contract_id", "=", contract_id)]
            )
            self.assertEqual(len(penalties), 4, "each breach assessed exactly once")
            self.assertEqual(len(penalties.sla_line_id), 4)
            self.assertEqual(sum(penalties.mapped("amount")), 1000, "the cap holds")
            self.assertEqual(
                sorted(penalties.mapped("amount")), [0.0, 0.0, 200.0, 800.0]
            )
            self.assertEqual(sum(penalties.mapped("amount_clipped")), 4 * 800 - 1000)
            self.assertEqual(
                env["aftersales.contract"].browse(contract_id).penalty_total, 1000
            )
            self.assertEqual(set(penalties.ticket_id.ids), set(ticket_ids))
