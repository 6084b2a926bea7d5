"""Browser tour (Chromium): the manager settles last month of a service partner,
in English and in Chinese (static/tests/tours/aftersales_settlement_tour.js)."""

from datetime import datetime, time

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.aftersales_repair.tests.test_repair_orders import make_fee_products

#: The tour's data (see the constants of aftersales_settlement_tour.js).
CONTRACT_TITLE = "Tour 顺德背靠背"


@tagged("post_install", "-at_install")
class TestSettlementTour(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        today = fields.Date.today()
        cls.month_start = today.replace(day=1) - relativedelta(months=1)
        visit, labour, part = make_fee_products(env)
        part.standard_price = 100.0
        parts_fee = env["product.product"].create(
            {
                "name": "Tour 备件成本加成",
                "type": "service",
                "aftersales_fee_kind": "parts",
                "supplier_taxes_id": [Command.clear()],
            }
        )
        (visit | labour).write({"supplier_taxes_id": [Command.clear()]})
        cls.part = part
        calendar = env.company.resource_calendar_id
        policy = env["aftersales.sla.policy"].create(
            {
                "name": "Tour settlement SLA",
                "target_ids": [
                    Command.create(
                        {
                            "metric": "response",
                            "priority": "1",
                            "target_hours": 24,
                            "time_basis": "always",
                        }
                    )
                ],
            }
        )
        customer = env["res.partner"].create(
            {"name": "Tour 广州温馨家电", "is_company": True}
        )
        cls.installer = env["res.partner"].create(
            {"name": "Tour 顺德安装服务部", "is_company": True}
        )
        dates = {
            "date_start": cls.month_start - relativedelta(months=1),
            "date_end": today + relativedelta(years=1),
            "amount_value": 10000,
            "calendar_id": calendar.id,
            "sla_policy_id": policy.id,
        }
        cls.contract = env["aftersales.contract"].create(
            dict(dates, partner_id=customer.id, title="Tour 热水器服务")
        )
        cls.contract.action_activate()
        cls.partner_contract = env["aftersales.contract"].create(
            dict(
                dates,
                partner_id=cls.installer.id,
                contract_type="partner",
                parent_id=cls.contract.id,
                title=CONTRACT_TITLE,
                fee_line_ids=[
                    Command.create({"product_id": visit.id, "price_unit": 50.0}),
                    Command.create({"product_id": labour.id, "price_unit": 80.0}),
                    Command.create(
                        {"product_id": parts_fee.id, "cost_plus_percent": 15.0}
                    ),
                ],
            )
        )
        cls.partner_contract.action_activate()
        cls.customer = customer
        cls.lock = env["product.product"].create(
            {"name": "Tour 智能门锁", "type": "consu"}
        )
        cls.manager_group = env.ref("aftersales_sla.group_aftersales_manager")

    def at(self, day, hour):
        return datetime.combine(self.month_start.replace(day=day), time(hour))

    def job(self, day, hours, parts):
        ticket = self.env["aftersales.ticket"].create(
            {
                "name": "Tour 热水器不出热水",
                "partner_id": self.customer.id,
                "product_id": self.lock.id,
                "service_partner_id": self.installer.id,
                "reported_at": self.at(day, 2),
                "late_entry_reason": "phone",
            }
        )
        ticket.action_create_repair_order()
        repair = ticket.repair_ids
        repair.aftersales_labour_hours = hours
        if parts:
            repair.write(
                {
                    "move_ids": [
                        Command.create(
                            {
                                "product_id": self.part.id,
                                "product_uom_qty": parts,
                                "repair_line_type": "add",
                            }
                        )
                    ]
                }
            )
        ticket.action_arrive(when=self.at(day, 4), reason="Tour: from the job sheet")
        ticket.action_resolve(when=self.at(day, 6), reason="Tour: from the job sheet")
        return ticket

    def run_tour(self, lang):
        self.env["res.lang"]._activate_lang(lang)
        # One job: visit 50 + 2 h x 80 + 2 parts x 115 = 440.
        self.job(10, 2.0, 2.0)
        # A penalty assessed last month, confirmed, deducted.
        with freeze_time(self.at(20, 3)):
            penalty = self.env["aftersales.penalty"]._assess_manual(
                self.partner_contract, 300.0, "Tour: late on site"
            )
        penalty.action_confirm()
        login = f"tour_settle_manager_{lang}"
        manager = new_test_user(
            self.env,
            login,
            groups="aftersales_sla.group_aftersales_manager,"
            "account.group_account_invoice",
            lang=lang,
        )
        self.start_tour(
            "/odoo/action-aftersales_field.aftersales_partner_settlement_action",
            "aftersales_settlement_month",
            login=login,
        )
        settlement = self.env["aftersales.partner.settlement"].search(
            [("contract_id", "=", self.partner_contract.id)]
        )
        self.assertEqual(settlement.state, "billed")
        self.assertEqual(settlement.create_uid, manager)
        self.assertEqual(settlement.date_from, self.month_start)
        self.assertEqual(settlement.amount_net, 140.0)
        self.assertEqual(settlement.move_id.amount_total, 140.0)
        self.assertEqual(penalty.state, "invoiced")

    def test_manager_settles_the_month_en(self):
        self.run_tour("en_US")

    def test_manager_settles_the_month_zh(self):
        self.run_tour("zh_CN")
