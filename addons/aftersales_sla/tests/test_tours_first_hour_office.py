"""The first hour of the service manager and of the accountant (issue #12), walked
in the browser on the DEMO data, in English and in Chinese; what changed is checked
in the database afterwards."""

from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestFirstHourOfficeTours(HttpCase):
    def manager_tour(self, lang):
        admin = self.env.ref("base.user_admin")
        admin.lang = lang
        contract = self.env.ref("aftersales_sla.demo_contract_lock_shenzhen")
        penalties = self.env["aftersales.penalty"].search(
            [("contract_id", "=", contract.id)]
        )
        others = self.env["aftersales.penalty"].search(
            [("contract_id", "!=", contract.id), ("state", "=", "assessed")]
        )
        self.assertTrue(penalties)
        self.assertEqual(set(penalties.mapped("state")), {"assessed"})
        self.assertTrue(contract.ticket_count)
        # An empty configuration list: every SLA policy archived.
        self.env["aftersales.sla.policy"].search([]).action_archive()
        self.start_tour(
            f"/odoo/action-aftersales_sla.aftersales_contract_action/{contract.id}",
            "aftersales_first_hour_manager",
            login="admin",
        )
        penalties.invalidate_recordset()
        self.assertEqual(set(penalties.mapped("state")), {"confirmed"})
        events = self.env["aftersales.event"].search(
            [
                ("res_model", "=", "aftersales.penalty"),
                ("res_id", "in", penalties.ids),
                ("event_type", "=", "penalty.confirmed"),
            ]
        )
        # The form's confirmation, once per penalty, by the manager.
        self.assertEqual(sorted(events.mapped("res_id")), sorted(penalties.ids))
        self.assertEqual(events.author_id, admin)
        others.invalidate_recordset()
        self.assertEqual(set(others.mapped("state")), {"assessed"})

    def test_manager_first_hour_in_english(self):
        self.manager_tour("en_US")

    def test_manager_first_hour_in_chinese(self):
        self.manager_tour("zh_CN")

    def accountant_tour(self, lang):
        accountant = self.env.ref("aftersales_sla.demo_user_accountant")
        self.assertFalse(accountant.has_group("aftersales_sla.group_aftersales_user"))
        accountant.lang = lang
        # The manager confirmed one penalty of a breached response: hers to settle.
        penalty = self.env["aftersales.penalty"].search(
            [("state", "=", "assessed"), ("metric", "=", "response")],
            order="id",
            limit=1,
        )
        self.assertTrue(penalty)
        penalty.action_confirm()
        self.start_tour(
            "/odoo/action-aftersales_sla.aftersales_penalty_action",
            "aftersales_first_hour_accountant",
            login="wang.fang",
        )
        penalty.invalidate_recordset()
        self.assertEqual(penalty.state, "invoiced")
        move = penalty.move_id
        self.assertEqual(move.move_type, "out_refund")
        self.assertEqual(move.state, "posted")
        self.assertEqual(move.partner_id, penalty.partner_id)
        self.assertEqual(move.amount_total, penalty.amount)
        self.assertEqual(move.create_uid, accountant)

    def test_accountant_first_hour_in_english(self):
        self.accountant_tour("en_US")

    def test_accountant_first_hour_in_chinese(self):
        self.accountant_tour("zh_CN")

    def test_demo_technician_sees_no_money(self):
        technician = self.env.ref("base.user_demo")
        self.assertTrue(technician.has_group("aftersales_sla.group_aftersales_user"))
        for group in (
            "account.group_account_invoice",
            "account.group_account_readonly",
            "account.group_account_manager",
        ):
            self.assertFalse(technician.has_group(group), group)
        self.assertFalse(
            self.env["aftersales.penalty"].with_user(technician).has_access("read")
        )
