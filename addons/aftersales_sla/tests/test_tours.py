"""Browser tours (Chromium) of the back office: what managers, technicians and
accountants do with their mouse, checked in the UI and then in the database."""

from datetime import date

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingHttpCommon


def make_policy(env, name, calendar=None):
    """Response 4 h and resolution 24 h for Normal priority (24x7 without calendar)."""
    return env["aftersales.sla.policy"].create(
        {
            "name": name,
            "target_ids": [
                Command.create(
                    {
                        "metric": metric,
                        "priority": "1",
                        "target_hours": hours,
                        "calendar_id": calendar.id if calendar else False,
                        "time_basis": "calendar" if calendar else "always",
                    }
                )
                for metric, hours in (("response", 4), ("resolution", 24))
            ],
        }
    )


@tagged("post_install", "-at_install")
class TestBackOfficeTours(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create(
            {"name": "Tour Lock Customer", "is_company": True}
        )
        cls.calendar = cls.env["resource.calendar"].create(
            {"name": "Tour Service Hours", "tz": "Asia/Shanghai"}
        )
        cls.policy = make_policy(cls.env, "Tour Lock SLA")

    def test_manager_creates_and_activates_a_contract(self):
        new_test_user(
            self.env,
            "tour_manager",
            groups="aftersales_sla.group_aftersales_manager",
            lang="en_US",
        )
        self.start_tour(
            "/odoo/action-aftersales_sla.aftersales_contract_action/new",
            "aftersales_manager_contract",
            login="tour_manager",
        )
        contract = self.env["aftersales.contract"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(len(contract), 1)
        self.assertEqual(contract.state, "active")
        self.assertEqual(contract.title, "Tour smart lock service")
        self.assertEqual(contract.amount_value, 120000)
        self.assertEqual(contract.date_end, date(2030, 12, 31))
        self.assertEqual(contract.sla_policy_id, self.policy)
        activated = self.env["aftersales.event"].search(
            [
                ("res_model", "=", "aftersales.contract"),
                ("res_id", "=", contract.id),
                ("event_type", "=", "contract.activated"),
            ]
        )
        self.assertEqual(len(activated), 1)

    def test_technician_works_a_ticket_through_its_milestones(self):
        technician = new_test_user(
            self.env,
            "tour_technician",
            groups="aftersales_sla.group_aftersales_user",
            lang="en_US",
        )
        contract = self.env["aftersales.contract"].create(
            {
                "partner_id": self.customer.id,
                "title": "Tour contract",
                "date_start": date(2020, 1, 1),
                "date_end": date(2099, 12, 31),
                "calendar_id": self.calendar.id,
                "sla_policy_id": self.policy.id,
            }
        )
        contract.action_activate()
        ticket = self.env["aftersales.ticket"].create(
            {
                "name": "Tour lock jammed",
                "partner_id": self.customer.id,
                "user_id": technician.id,
            }
        )
        self.assertEqual(ticket.sla_status, "running")
        self.start_tour(
            "/odoo/action-aftersales_sla.aftersales_ticket_action",
            "aftersales_technician_ticket",
            login="tour_technician",
        )
        ticket.invalidate_recordset()
        self.assertEqual(ticket.state, "resolved")
        self.assertEqual(ticket.sla_status, "met")
        self.assertEqual(
            sorted(ticket.sla_ids.mapped("state")), ["met", "met"], "both clocks met"
        )
        authors = ticket.event_ids.filtered(
            lambda e: e.event_type in ("ticket.responded", "ticket.resolved")
        ).author_id
        self.assertEqual(authors, technician)


@tagged("post_install", "-at_install")
class TestAccountantTour(AccountTestInvoicingHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        company_ids = [Command.set(cls.company.ids)]
        cls.manager = new_test_user(
            cls.env,
            login="tour_penalty_manager",
            groups="aftersales_sla.group_aftersales_manager",
            company_id=cls.company.id,
            company_ids=company_ids,
        )
        cls.accountant = new_test_user(
            cls.env,
            login="tour_accountant",
            groups="account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=company_ids,
            lang="en_US",
        )
        income = cls.copy_account(cls.company_data["default_account_revenue"])
        cls.company.aftersales_penalty_product_id = cls._create_product(
            name="Liquidated damages",
            type="service",
            property_account_income_id=income.id,
            taxes_id=[Command.clear()],
            supplier_taxes_id=[Command.clear()],
        )
        su_env = cls.env(su=True)
        cls.customer = su_env["res.partner"].create(
            {"name": "Tour Lock Customer", "is_company": True}
        )
        contract = su_env["aftersales.contract"].create(
            {
                "partner_id": cls.customer.id,
                "company_id": cls.company.id,
                "title": "Penalised contract",
                "date_start": date(2020, 1, 1),
                "date_end": date(2099, 12, 31),
                "amount_value": 100000,
                "calendar_id": cls.company.resource_calendar_id.id,
                "sla_policy_id": make_policy(su_env, "Tour penalty SLA").id,
            }
        )
        contract.action_activate()
        Penalty = cls.env["aftersales.penalty"].with_user(cls.manager)
        cls.penalties = Penalty.browse()
        for amount, reason in ((1000, "Late response"), (500, "Late arrival")):
            cls.penalties |= Penalty._assess_manual(contract, amount, reason)
        cls.penalties.action_confirm()

    def test_accountant_posts_penalties_to_a_credit_note(self):
        self.start_tour(
            "/odoo/action-aftersales_sla.aftersales_penalty_action",
            "aftersales_accountant_credit_note",
            login="tour_accountant",
        )
        penalties = self.penalties.sudo()
        penalties.invalidate_recordset()
        self.assertEqual(set(penalties.mapped("state")), {"invoiced"})
        move = penalties.move_id
        self.assertEqual(len(move), 1)
        self.assertEqual(move.move_type, "out_refund")
        self.assertEqual(move.state, "posted")
        self.assertEqual(move.partner_id, self.customer)
        self.assertEqual(move.amount_total, 1500)
