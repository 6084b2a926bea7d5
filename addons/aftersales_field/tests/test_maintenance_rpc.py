"""Planned maintenance over JSON-RPC, as the web client (or an attacker) calls it."""

from datetime import date, timedelta

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.aftersales_repair.tests.common import make_heater
from odoo.addons.aftersales_sla.tests.common import call_kw

REFUSED = "cannot be written directly"


@tagged("post_install", "-at_install")
class TestMaintenanceRpc(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        env.cr.execute("UPDATE aftersales_maintenance_schedule SET active = false")
        cls.technician = new_test_user(
            env, "mnt_tech", groups="aftersales_sla.group_aftersales_user"
        )
        cls.manager = new_test_user(
            env, "mnt_manager", groups="aftersales_sla.group_aftersales_manager"
        )
        today = date.today()
        customer = env["res.partner"].create({"name": "佛山酒店", "is_company": True})
        cls.contract = env["aftersales.contract"].create(
            {
                "partner_id": customer.id,
                "title": "Heater maintenance",
                "date_start": today - timedelta(days=30),
                "date_end": today + timedelta(days=365),
                "amount_value": 1000,
                "calendar_id": env.ref("resource.resource_calendar_std").id,
                "sla_policy_id": env["aftersales.sla.policy"]
                .create(
                    {
                        "name": "Heater SLA",
                        "target_ids": [
                            (
                                0,
                                0,
                                {
                                    "metric": "resolution",
                                    "priority": "1",
                                    "target_hours": 48,
                                },
                            )
                        ],
                    }
                )
                .id,
            }
        )
        cls.contract.action_activate()
        heater = make_heater(env)
        lot = env["stock.lot"].create({"name": "MNT-RPC-1", "product_id": heater.id})
        cls.unit = env["aftersales.unit"].create(
            {
                "product_id": heater.id,
                "lot_id": lot.id,
                "partner_id": customer.id,
                "contract_id": cls.contract.id,
            }
        )
        cls.plan = env["aftersales.maintenance.plan"].create(
            {
                "name": "Quarterly",
                "contract_id": cls.contract.id,
                "date_first_due": today + timedelta(days=10),
                "all_units": True,
                "checklist_ids": [(0, 0, {"name": "Burner check"})],
            }
        )
        cls.ticket = env["aftersales.maintenance.schedule"]._generate_due()
        cls.ticket.user_id = cls.technician

    def rpc(self, model, method, args, kwargs=None):
        with mute_logger("odoo.http"):
            return call_kw(self, model, method, args, kwargs)

    def test_technician_ticks_checks_only(self):
        self.assertEqual(len(self.ticket), 1)
        self.authenticate("mnt_tech", "mnt_tech")
        response = self.rpc(
            "aftersales.ticket",
            "write",
            [[self.ticket.id], {"maintenance_due": "2099-12-31"}],
        )
        self.assertIn(REFUSED, response["error"]["data"]["message"])
        check = self.ticket.maintenance_check_ids
        response = self.rpc(
            "aftersales.maintenance.check", "write", [check.ids, {"name": "Skip"}]
        )
        self.assertIn("only ticks", response["error"]["data"]["message"])
        response = self.rpc(
            "aftersales.maintenance.check", "write", [check.ids, {"done": True}]
        )
        self.assertNotIn("error", response, response)
        self.assertTrue(check.done)
        self.assertEqual(check.name, "Burner check")
        # Plans are the managers'.
        response = self.rpc(
            "aftersales.maintenance.plan",
            "write",
            [self.plan.ids, {"interval_months": 1}],
        )
        self.assertIn("error", response)
        self.assertEqual(self.plan.interval_months, 3)
        response = self.rpc(
            "aftersales.maintenance.plan",
            "create",
            [
                {
                    "name": "Sneaky",
                    "contract_id": self.contract.id,
                    "date_first_due": "2099-01-01",
                    "all_units": True,
                }
            ],
        )
        self.assertIn("error", response)
        self.assertEqual(
            self.env["aftersales.maintenance.plan"].search_count(
                [("contract_id", "=", self.contract.id)]
            ),
            1,
        )

    def test_manager_cannot_rewrite_the_due_date(self):
        self.authenticate("mnt_manager", "mnt_manager")
        response = self.rpc(
            "aftersales.ticket",
            "write",
            [[self.ticket.id], {"maintenance_due": "2099-12-31"}],
        )
        self.assertIn(REFUSED, response["error"]["data"]["message"])
        response = self.rpc(
            "aftersales.maintenance.plan",
            "write",
            [self.plan.ids, {"unit_ids": [(5,)], "all_units": False}],
        )
        self.assertIn("covers no unit", response["error"]["data"]["message"])
        response = self.rpc(
            "aftersales.maintenance.plan", "write", [self.plan.ids, {"lead_days": 7}]
        )
        self.assertNotIn("error", response, response)
