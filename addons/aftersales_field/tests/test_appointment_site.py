"""Site addresses of tickets (from the unit, else the customer), the dispatch
grouped by day, technician and region, and the customer's portal page showing
the agreed visit."""

from datetime import date, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.aftersales_repair.tests.common import make_heater
from odoo.addons.aftersales_sla.tests.common import shanghai

from .test_appointment_clock import AppointmentCase


@tagged("post_install", "-at_install")
class TestAppointmentSite(AppointmentCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.write(
            {
                "city": "深圳市",
                "state_id": cls.env.ref("base.state_cn_GD").id,
                "country_id": cls.env.ref("base.cn").id,
            }
        )
        cls.site = cls.env["res.partner"].create(
            {
                "name": "安居物业 东莞项目 / Dongguan site",
                "parent_id": cls.customer.id,
                "type": "delivery",
                "street": "南城区鸿福路 200 号",
                "city": "东莞市",
                "state_id": cls.env.ref("base.state_cn_GD").id,
                "country_id": cls.env.ref("base.cn").id,
            }
        )
        heater = make_heater(cls.env, "Site heater", tracking="none")
        cls.unit = cls.env["aftersales.unit"].create(
            {
                "product_id": heater.id,
                "partner_id": cls.customer.id,
                "site_partner_id": cls.site.id,
                "installation_date": date(2026, 1, 10),
            }
        )

    def test_site_defaults_to_the_units_site_else_the_customer(self):
        with freeze_time(shanghai(2026, 11, 20, 21, 5)):
            plain = self.report()
            at_unit = self.report(unit_id=self.unit.id)
        self.assertEqual(plain.site_partner_id, self.customer)
        self.assertEqual(plain.site_city, "深圳市")
        self.assertEqual(at_unit.site_partner_id, self.site)
        self.assertEqual(at_unit.site_city, "东莞市")
        self.assertEqual(at_unit.site_state_id, self.env.ref("base.state_cn_GD"))
        # Another address of the customer may be chosen.
        plain.site_partner_id = self.site
        self.assertEqual(plain.site_city, "东莞市")

    def test_dispatch_groups_by_day_technician_and_region(self):
        with freeze_time(shanghai(2026, 11, 20, 21, 5)):
            first = self.report(unit_id=self.unit.id)
            second = self.report()
            third = self.report()
            self.book(
                first, shanghai(2026, 11, 21, 9, 0), shanghai(2026, 11, 21, 11, 0)
            )
            self.book(
                second, shanghai(2026, 11, 21, 14, 0), shanghai(2026, 11, 21, 16, 0)
            )
            self.book(
                third,
                shanghai(2026, 11, 22, 9, 0),
                shanghai(2026, 11, 22, 11, 0),
                user=self.other_technician,
            )
        groups = (
            self.env["aftersales.appointment"]
            .with_user(self.dispatcher)
            .with_context(tz="Asia/Shanghai")
            .read_group(
                [("ticket_id", "in", (first | second | third).ids)],
                ["user_id"],
                ["slot_start:day", "user_id", "site_city"],
                lazy=False,
            )
        )
        counts = {
            (group["slot_start:day"], group["user_id"][0], group["site_city"]): group[
                "__count"
            ]
            for group in groups
        }
        day_one, day_two = sorted({key[0] for key in counts})
        self.assertEqual(
            counts,
            {
                (day_one, self.technician.id, "东莞市"): 1,
                (day_one, self.technician.id, "深圳市"): 1,
                (day_two, self.other_technician.id, "深圳市"): 1,
            },
        )


@tagged("post_install", "-at_install")
class TestAppointmentPortal(HttpCase):
    def test_customer_sees_the_agreed_visit_on_the_ticket_page(self):
        env = self.env
        customer = env["res.partner"].create(
            {"name": "Portal 陈女士", "email": "chen@example.cn", "city": "佛山市"}
        )
        portal_user = new_test_user(
            env,
            "appt_portal_customer",
            groups="base.group_portal",
            partner_id=customer.id,
        )
        technician = new_test_user(
            env,
            "appt_portal_tech",
            groups="aftersales_sla.group_aftersales_user",
            tz="Asia/Shanghai",
        )
        ticket = env["aftersales.ticket"].create(
            {"name": "热水器漏水", "partner_id": customer.id, "user_id": technician.id}
        )
        start = fields.Datetime.now().replace(microsecond=0) + timedelta(days=1)
        ticket.with_user(technician).action_book_appointment(
            technician, start, start + timedelta(hours=2)
        )
        self.assertTrue(portal_user)
        self.authenticate("appt_portal_customer", "appt_portal_customer")
        page = self.url_open(ticket.get_portal_url())
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_aftersales_portal_visit", page.text)
        self.assertIn("佛山市", page.text)
