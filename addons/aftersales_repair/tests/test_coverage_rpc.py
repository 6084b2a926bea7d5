"""The coverage over JSON-RPC, as the web client (or an attacker) calls it."""

from datetime import date

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.aftersales_sla.tests.common import call_kw

from .common import make_heater

REFUSED = "they cannot be written directly"


@tagged("post_install", "-at_install")
class TestCoverageRpc(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.technician = new_test_user(
            env, "cov_tech", groups="aftersales_sla.group_aftersales_user"
        )
        cls.manager = new_test_user(
            env, "cov_manager", groups="aftersales_sla.group_aftersales_manager"
        )
        heater = make_heater(env)
        consumer = env["res.partner"].create({"name": "赵先生"})
        lot = env["stock.lot"].create({"name": "RPC-0001", "product_id": heater.id})
        cls.unit = env["aftersales.unit"].create(
            {
                "product_id": heater.id,
                "lot_id": lot.id,
                "partner_id": consumer.id,
                "installation_date": date.today(),
            }
        )
        cls.ticket = env["aftersales.ticket"].create(
            {
                "name": "不点火",
                "partner_id": consumer.id,
                "serial_number": "RPC-0001",
                "user_id": cls.technician.id,
            }
        )

    def rpc(self, method, args, kwargs=None):
        with mute_logger("odoo.http"):
            return call_kw(self, "aftersales.ticket", method, args, kwargs)

    def test_technician_cannot_override_or_write(self):
        self.assertEqual(self.ticket.coverage, "warranty")
        self.authenticate("cov_tech", "cov_tech")
        response = self.rpc(
            "action_override_coverage",
            [[self.ticket.id], "chargeable", "excluded_misuse", "摔坏"],
        )
        self.assertIn("Only After-Sales managers", response["error"]["data"]["message"])
        response = self.rpc(
            "write",
            [
                [self.ticket.id],
                {"coverage": "chargeable", "coverage_reason": "expired"},
            ],
        )
        self.assertIn(REFUSED, response["error"]["data"]["message"])
        # The technician reads the coverage of their ticket.
        response = self.rpc("read", [[self.ticket.id], ["coverage", "unit_id"]])
        self.assertEqual(response["result"][0]["coverage"], "warranty")
        self.assertEqual(self.ticket.coverage, "warranty")

    def test_manager_overrides_over_rpc_not_by_writing(self):
        self.authenticate("cov_manager", "cov_manager")
        response = self.rpc("write", [[self.ticket.id], {"coverage": "chargeable"}])
        self.assertIn(REFUSED, response["error"]["data"]["message"])
        response = self.rpc(
            "action_override_coverage",
            [[self.ticket.id], "chargeable", "excluded_force_majeure", "雷击"],
        )
        self.assertNotIn("error", response, response)
        self.ticket.invalidate_recordset()
        self.assertEqual(self.ticket.coverage_reason, "excluded_force_majeure")

    def test_other_roles_write_neither_coverage_nor_units(self):
        """Billing, portal and a user without after-sales rights: the coverage and
        the unit's customer and installation date are refused over JSON-RPC."""
        new_test_user(self.env, "cov_billing", groups="account.group_account_invoice")
        new_test_user(self.env, "cov_portal", groups="base.group_portal")
        new_test_user(self.env, "cov_plain", groups="base.group_user")
        stranger = self.env["res.partner"].create({"name": "钱女士"})
        for login in ("cov_billing", "cov_portal", "cov_plain", "cov_tech"):
            with self.subTest(login=login):
                self.authenticate(login, login)
                response = self.rpc(
                    "write", [[self.ticket.id], {"coverage": "chargeable"}]
                )
                self.assertIn("error", response)
                with mute_logger("odoo.http"):
                    response = call_kw(
                        self,
                        "aftersales.unit",
                        "write",
                        [
                            [self.unit.id],
                            {
                                "partner_id": stranger.id,
                                "installation_date": "2020-01-01",
                            },
                        ],
                    )
                self.assertIn("error", response)
        self.ticket.invalidate_recordset()
        self.unit.invalidate_recordset()
        self.assertEqual(self.ticket.coverage, "warranty")
        self.assertNotEqual(self.unit.partner_id, stranger)
        self.assertEqual(self.unit.installation_date, date.today())

    def test_only_managers_and_billing_refund_over_rpc(self):
        """Technicians, portal customers and users without after-sales rights
        neither refund a repair nor open the refund wizard over JSON-RPC (the
        invoice does not matter: the role is refused first)."""
        new_test_user(self.env, "cov_portal", groups="base.group_portal")
        new_test_user(self.env, "cov_plain", groups="base.group_user")
        for login in ("cov_tech", "cov_portal", "cov_plain"):
            with self.subTest(login=login):
                self.authenticate(login, login)
                response = self.rpc(
                    "action_refund", [[self.ticket.id], 1, 10.0, "维修失败"]
                )
                self.assertIn(
                    "Only After-Sales managers and billing users refund",
                    response["error"]["data"]["message"],
                )
                with mute_logger("odoo.http"):
                    response = call_kw(
                        self,
                        "aftersales.ticket.refund",
                        "create",
                        [{"ticket_id": self.ticket.id, "amount": 10.0, "reason": "x"}],
                    )
                self.assertIn("error", response)
        self.assertFalse(
            self.env["aftersales.event"].search(
                [("event_type", "=", "ticket.refunded")]
            )
        )
