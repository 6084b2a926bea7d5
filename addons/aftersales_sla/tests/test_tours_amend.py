"""Browser tour (Chromium): a service manager amends a contract in force."""

import json
from datetime import date

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .test_tours import make_policy


@tagged("post_install", "-at_install")
class TestAmendTour(HttpCase):
    def test_manager_amends_an_active_contract(self):
        new_test_user(
            self.env,
            "tour_amend_manager",
            groups="aftersales_sla.group_aftersales_manager",
            lang="en_US",
        )
        lock = self.env["product.product"].create({"name": "Tour Smart Lock"})
        contract = self.env["aftersales.contract"].create(
            {
                "partner_id": self.env["res.partner"]
                .create({"name": "Tour Amend Customer", "is_company": True})
                .id,
                "title": "Tour amended contract",
                "date_start": date(2020, 1, 1),
                "date_end": date(2099, 12, 31),
                "amount_value": 100000,
                "calendar_id": self.env["resource.calendar"]
                .create({"name": "Tour Amend Hours", "tz": "Asia/Shanghai"})
                .id,
                "sla_policy_id": make_policy(self.env, "Tour Amend SLA").id,
                "penalty_cap_amount": 8000,
                "product_line_ids": [
                    Command.create(
                        {"product_id": lock.id, "serial_number": "TOUR-SN-1"}
                    )
                ],
                "penalty_rule_ids": [
                    Command.create(
                        {
                            "name": "Tour response late",
                            "rule_type": "fixed",
                            "amount": 100,
                            "metric": "response",
                        }
                    )
                ],
            }
        )
        contract.action_activate()
        self.start_tour(
            f"/odoo/action-aftersales_sla.aftersales_contract_action/{contract.id}",
            "aftersales_manager_amend_contract",
            login="tour_amend_manager",
        )
        contract.invalidate_recordset()
        self.assertEqual(contract.penalty_cap_amount, 6000)
        self.assertEqual(
            sorted(contract.product_line_ids.mapped("serial_number")),
            ["TOUR-SN-1", "TOUR-SN-2"],
        )
        self.assertEqual(contract.fee_line_ids.name, "Night call-out")
        self.assertEqual(contract.fee_line_ids.price_unit, 300)
        amendment = contract.amendment_ids
        self.assertEqual(len(amendment), 1)
        self.assertEqual(
            amendment.reason, "Second lock covered, night call-outs, lower cap"
        )
        changes = json.loads(amendment.changes_json)
        self.assertEqual(
            sorted(changes), ["fee_line_ids", "penalty_cap_amount", "product_line_ids"]
        )
        self.assertEqual(changes["penalty_cap_amount"], [8000.0, 6000.0])
        self.assertEqual(changes["fee_line_ids"][0], [])
        self.assertEqual(
            [line["serial_number"] for line in changes["product_line_ids"][1]],
            ["TOUR-SN-1", "TOUR-SN-2"],
        )
        event = self.env["aftersales.event"].search(
            [
                ("res_model", "=", "aftersales.contract"),
                ("res_id", "=", contract.id),
                ("event_type", "=", "contract.amended"),
            ]
        )
        self.assertEqual(len(event), 1)
        self.assertEqual(json.loads(event.payload)["changes"], changes)
        self.assertEqual(event.author_id.login, "tour_amend_manager")
        # The clause untouched by the amendment is the same record.
        self.assertEqual(contract.penalty_rule_ids.name, "Tour response late")
        self.assertFalse(contract.penalty_rule_ids.date_from)
