"""Service partners working their tickets: assignment by region and scope, the
partner's actions and their ledger events, refusals of everyone else."""

import base64
import hashlib
import json
from datetime import date

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGA"
    "hKmMIQAAAABJRU5ErkJggg=="
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def partner_portal_fixture(cls):
    """A Guangdong customer under contract, service partners A and B backing it
    in Guangdong, C backing it in Beijing only, D for installations only; a
    portal user of A, of B and of the customer; a ticket for A and one for B."""
    env = cls.env
    cn = env.ref("base.cn")
    gd = env.ref("base.state_cn_GD")
    bj = env.ref("base.state_cn_BJ")
    cls.repair = env.ref("aftersales_sla.service_type_repair")
    cls.installation = env.ref("aftersales_sla.service_type_installation")
    calendar = env["resource.calendar"].create(
        {"name": "Partner portal 7x24", "tz": "Asia/Shanghai"}
    )
    policy = env["aftersales.sla.policy"].create(
        {
            "name": "Heater SLA",
            "target_ids": [
                (0, 0, {"metric": "response", "priority": "1", "target_hours": 4}),
                (0, 0, {"metric": "resolution", "priority": "1", "target_hours": 48}),
            ],
        }
    )
    cls.customer = env["res.partner"].create(
        {
            "name": "广州市温馨家电测试店",
            "is_company": True,
            "country_id": cn.id,
            "state_id": gd.id,
            "city": "广州市",
            "street": "天河路 1 号",
        }
    )
    cls.contract = env["aftersales.contract"].create(
        {
            "partner_id": cls.customer.id,
            "title": "热水器维保",
            "date_start": date(2026, 1, 1),
            "date_end": date(2027, 12, 31),
            "amount_value": 88000,
            "calendar_id": calendar.id,
            "sla_policy_id": policy.id,
        }
    )
    cls.contract.action_activate()

    def partner(name, **values):
        company = env["res.partner"].create(
            {"name": name, "is_company": True, "country_id": cn.id}
        )
        backing = env["aftersales.contract"].create(
            dict(
                {
                    "contract_type": "partner",
                    "partner_id": company.id,
                    "parent_id": cls.contract.id,
                    "date_start": date(2026, 1, 1),
                    "date_end": date(2027, 12, 31),
                    "amount_value": 12000,
                    "calendar_id": calendar.id,
                    "sla_policy_id": policy.id,
                    "country_ids": [(6, 0, cn.ids)],
                    "country_state_ids": [(6, 0, gd.ids)],
                },
                **values,
            )
        )
        backing.action_activate()
        return company

    cls.partner_a = partner("顺德安装服务部 A")
    cls.partner_b = partner("番禺维修服务部 B")
    cls.partner_c = partner("北京维修服务部 C", country_state_ids=[(6, 0, bj.ids)])
    cls.partner_d = partner("安装队 D", service_type_ids=[(6, 0, cls.installation.ids)])

    def portal_user(login, company, name):
        contact = env["res.partner"].create({"name": name, "parent_id": company.id})
        return new_test_user(
            env, login, groups="base.group_portal", partner_id=contact.id
        )

    cls.tech_a = portal_user("pp_tech_a", cls.partner_a, "陈师傅 A")
    cls.tech_a2 = portal_user("pp_tech_a2", cls.partner_a, "李师傅 A")
    cls.tech_b = portal_user("pp_tech_b", cls.partner_b, "张师傅 B")
    cls.customer_user = portal_user("pp_customer", cls.customer, "王芳")
    cls.manager = new_test_user(
        env, "pp_manager", groups="aftersales_sla.group_aftersales_manager"
    )
    Ticket = env["aftersales.ticket"].with_user(cls.manager)
    cls.ticket_a = Ticket.create(
        {
            "name": "热水器忽冷忽热",
            "partner_id": cls.customer.id,
            "service_type_id": cls.repair.id,
            "serial_number": "JSQ25-T-0001",
            "service_partner_id": cls.partner_a.id,
        }
    ).with_user(env.user)
    cls.ticket_b = Ticket.create(
        {
            "name": "热水器漏水",
            "partner_id": cls.customer.id,
            "service_type_id": cls.repair.id,
            "service_partner_id": cls.partner_b.id,
        }
    ).with_user(env.user)


def payload(event):
    event.ensure_one()
    return json.loads(event.payload)


def ticket_events(ticket, event_type):
    return (
        ticket.env["aftersales.event"]
        .sudo()
        .search(
            [
                ("res_model", "=", "aftersales.ticket"),
                ("res_id", "=", ticket.id),
                ("event_type", "=", event_type),
            ],
            order="id",
        )
    )


@tagged("post_install", "-at_install")
class TestPartnerPortalModel(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        partner_portal_fixture(cls)

    def test_service_partner_flag(self):
        self.assertTrue(self.partner_a.is_aftersales_service_partner)
        self.assertTrue(self.tech_a.partner_id.is_aftersales_service_partner)
        self.assertFalse(self.customer.is_aftersales_service_partner)
        found = self.env["res.partner"].search(
            [
                ("is_aftersales_service_partner", "=", True),
                ("id", "in", [self.partner_a.id, self.customer.id]),
            ]
        )
        self.assertEqual(found, self.partner_a)

    def test_assignment_is_recorded_in_the_ledger(self):
        event = ticket_events(self.ticket_a, "ticket.partner_assigned")
        self.assertEqual(len(event), 1)
        self.assertEqual(payload(event)["from"], None)
        self.assertEqual(payload(event)["to"], self.partner_a.id)
        self.ticket_a.with_user(self.manager).service_partner_id = self.partner_b
        event = ticket_events(self.ticket_a, "ticket.partner_assigned")[-1:]
        self.assertEqual(payload(event)["from"], self.partner_a.id)
        self.assertEqual(payload(event)["to"], self.partner_b.id)
        self.assertEqual(event.author_id, self.manager)

    def test_assignment_outside_region_or_scope_is_refused(self):
        ticket = self.ticket_a.with_user(self.manager)
        stranger = self.env["res.partner"].create(
            {"name": "No contract Ltd", "is_company": True}
        )
        for partner, message in (
            (self.partner_c, "outside the region"),
            (self.partner_d, "does not cover the service"),
            (stranger, "no active back-to-back"),
        ):
            # A savepoint, as the request's transaction: the refusal rolls back.
            with (
                self.assertRaisesRegex(ValidationError, message),
                self.env.cr.savepoint(),
            ):
                ticket.service_partner_id = partner
            self.env.invalidate_all()
        self.assertEqual(self.ticket_a.service_partner_id, self.partner_a)
        self.assertEqual(
            len(ticket_events(self.ticket_a, "ticket.partner_assigned")), 1
        )

    def test_partner_technician_belongs_to_the_partner(self):
        self.ticket_a.with_user(self.manager).partner_technician_id = self.tech_a2
        with self.assertRaises(ValidationError):
            self.ticket_a.with_user(self.manager).partner_technician_id = self.tech_b
        with self.assertRaises(ValidationError):
            self.ticket_a.with_user(
                self.manager
            ).partner_technician_id = self.customer_user
        # Another partner takes the ticket: the former one's technician leaves.
        self.ticket_a.with_user(self.manager).service_partner_id = self.partner_b
        self.assertFalse(self.ticket_a.partner_technician_id)

    def test_partner_reads_its_tickets_only(self):
        Ticket = self.env["aftersales.ticket"].with_user(self.tech_a)
        tickets = Ticket.search([("id", "in", (self.ticket_a | self.ticket_b).ids)])
        self.assertEqual(tickets, self.ticket_a)
        # The customer's portal user still reads his company's tickets only.
        other = self.env["aftersales.ticket"].create(
            {"name": "Other customer", "partner_id": self.partner_b.id}
        )
        seen = (
            self.env["aftersales.ticket"]
            .with_user(self.customer_user)
            .search([("id", "in", (self.ticket_a | other).ids)])
        )
        self.assertEqual(seen, self.ticket_a)
        # No contract amounts of the customer's contract.
        with self.assertRaises(AccessError):
            self.contract.with_user(self.tech_a).read(["amount_value"])

    def test_actions_are_recorded_under_the_partner(self):
        ticket = self.ticket_a.with_user(self.tech_a)
        ticket._partner_portal_action("acknowledge")
        ticket._partner_portal_action("arrive", photos=[("site.png", PNG, "image/png")])
        ticket._partner_portal_action("resolve", note="更换比例阀，试机正常")
        ticket._partner_portal_action(
            "report", file=("report.pdf", PDF, "application/pdf")
        )
        self.assertEqual(self.ticket_a.state, "resolved")
        for event_type in (
            "ticket.responded",
            "ticket.arrived",
            "ticket.resolved",
            "ticket.service_report_uploaded",
        ):
            event = ticket_events(self.ticket_a, event_type)
            self.assertEqual(len(event), 1, event_type)
            self.assertEqual(event.author_id, self.tech_a, event_type)
            self.assertEqual(payload(event)["by"], "service_partner", event_type)
            self.assertEqual(payload(event)["partner"], self.partner_a.id, event_type)
        arrived = ticket_events(self.ticket_a, "ticket.arrived")
        self.assertEqual(
            [photo["sha256"] for photo in payload(arrived)["photos"]],
            [hashlib.sha256(PNG).hexdigest()],
        )
        resolved = ticket_events(self.ticket_a, "ticket.resolved")
        self.assertEqual(resolved.reason_text, "更换比例阀，试机正常")
        report = ticket_events(self.ticket_a, "ticket.service_report_uploaded")
        self.assertEqual(payload(report)["sha256"], hashlib.sha256(PDF).hexdigest())
        attachment = self.env["ir.attachment"].browse(payload(report)["attachment"])
        self.assertEqual(attachment.res_id, self.ticket_a.id)
        # Back-office actions are not marked as the partner's.
        self.assertNotIn(
            "by", payload(ticket_events(self.ticket_a, "ticket.partner_assigned"))
        )

    def test_others_are_refused_and_nothing_recorded(self):
        before = self.env["aftersales.event"].sudo().search_count([])
        for user in (self.tech_b, self.customer_user, self.manager):
            with self.assertRaises(AccessError):
                self.ticket_a.with_user(user)._partner_portal_action("acknowledge")
        self.assertFalse(self.ticket_a.responded_at)
        self.assertEqual(self.env["aftersales.event"].sudo().search_count([]), before)

    def test_public_actions_are_refused_to_portal_users(self):
        for user in (self.tech_a, self.tech_b, self.customer_user):
            for method in ("action_acknowledge", "action_arrive", "action_resolve"):
                with self.assertRaises(AccessError, msg=(user.login, method)):
                    getattr(self.ticket_a.with_user(user), method)()
            with self.assertRaises(AccessError):
                self.ticket_a.with_user(user).write({"partner_technician_id": user.id})
        self.assertFalse(self.ticket_a.responded_at)

    def test_bad_input_is_refused(self):
        ticket = self.ticket_a.with_user(self.tech_a)
        with self.assertRaises(UserError):
            ticket._partner_portal_action("arrive", photos=[])
        with self.assertRaises(UserError):
            ticket._partner_portal_action(
                "arrive", photos=[("x.pdf", PDF, "application/pdf")]
            )
        with self.assertRaises(UserError):
            ticket._partner_portal_action("resolve", note="  ")
        with self.assertRaises(UserError):
            ticket._partner_portal_action(
                "report", file=("r.exe", b"MZ", "application/octet-stream")
            )
        with self.assertRaises(UserError):
            ticket._partner_portal_action("delete")
        self.assertFalse(self.ticket_a.arrived_at)
        self.assertEqual(self.ticket_a.state, "open")
        self.assertFalse(ticket_events(self.ticket_a, "ticket.arrived"))

    def test_partner_assigns_its_technician(self):
        self.ticket_a.with_user(self.tech_a)._partner_portal_action(
            "technician", user_id=self.tech_a2.id
        )
        self.assertEqual(self.ticket_a.partner_technician_id, self.tech_a2)
        with self.assertRaises(ValidationError):
            self.ticket_a.with_user(self.tech_a)._partner_portal_action(
                "technician", user_id=self.tech_b.id
            )


@tagged("post_install", "-at_install")
class TestPartnerTechnicianQualification(TransactionCase):
    """A gas appliance job goes only to a partner technician certified for it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        partner_portal_fixture(cls)
        cls.gas = cls.env.ref("aftersales_field.qualification_type_gas")
        product = cls.env["product.product"].create(
            {
                "name": "燃气热水器 JSQ-T",
                "aftersales_qualification_type_ids": [(6, 0, cls.gas.ids)],
            }
        )
        cls.ticket_a.with_user(cls.manager).product_id = product

    def test_an_uncertified_partner_technician_is_refused(self):
        with self.assertRaisesRegex(UserError, "pp_tech_a .*Gas appliance"):
            self.ticket_a.with_user(self.tech_a)._partner_portal_action(
                "technician", user_id=self.tech_a.id
            )
        self.assertFalse(self.ticket_a.partner_technician_id)
        with self.assertRaises(UserError):
            self.ticket_a.with_user(self.manager).partner_technician_id = self.tech_a2

    def test_a_certified_partner_technician_is_assigned(self):
        self.env["aftersales.qualification"].create(
            {
                "partner_id": self.tech_a2.partner_id.id,
                "type_id": self.gas.id,
                "issued_on": date(2025, 1, 1),
                "expires_on": date(2099, 1, 1),
            }
        )
        self.ticket_a.with_user(self.tech_a)._partner_portal_action(
            "technician", user_id=self.tech_a2.id
        )
        self.assertEqual(self.ticket_a.partner_technician_id, self.tech_a2)


@tagged("post_install", "-at_install")
class TestPartnerPortalParts(TransactionCase):
    """The partner's technician records the parts he used from his company's
    stock; they enter the ledger under the partner's name when he resolves."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        partner_portal_fixture(cls)
        env = cls.env
        Product = env["product.product"]
        heater = Product.create({"name": "燃气热水器 JSQ-P", "type": "consu"})
        cls.igniter = Product.create(
            {"name": "点火针 Igniter P", "type": "consu", "is_storable": True}
        )
        heater.aftersales_approved_part_ids = cls.igniter.product_tmpl_id
        warehouse = env["stock.warehouse"].search(
            [("company_id", "=", env.company.id)], limit=1
        )
        cls.partner_stock = env["stock.location"].create(
            {
                "name": "顺德 A 备件库",
                "usage": "internal",
                "location_id": warehouse.view_location_id.id,
            }
        )
        cls.partner_a.aftersales_stock_location_id = cls.partner_stock
        env["stock.quant"]._update_available_quantity(
            cls.igniter, cls.partner_stock, 5.0
        )
        env["stock.quant"]._update_available_quantity(
            cls.igniter, warehouse.lot_stock_id, 5.0
        )
        cls.ticket_a.with_user(cls.manager).product_id = heater

    def test_parts_from_the_partners_stock_enter_the_ledger_at_resolve(self):
        ticket = self.ticket_a.with_user(self.tech_a)
        ticket._partner_portal_action("parts", product_id=self.igniter.id, quantity="2")
        move = self.ticket_a.repair_ids.move_ids
        self.assertEqual(move.product_id, self.igniter)
        self.assertEqual(move.product_uom_qty, 2)
        self.assertEqual(move.location_id, self.partner_stock)
        ticket._partner_portal_action("arrive", photos=[("site.png", PNG, "image/png")])
        ticket._partner_portal_action("resolve", note="更换点火针")
        self.assertEqual(self.ticket_a.repair_ids.state, "done")
        event = ticket_events(self.ticket_a, "ticket.parts_used")
        self.assertEqual(event.author_id, self.tech_a)
        data = payload(event)
        self.assertEqual(data["by"], "service_partner")
        self.assertEqual(data["partner"], self.partner_a.id)
        self.assertEqual([part["qty"] for part in data["parts"]], [2.0])

    def test_other_users_and_bad_input_record_no_part(self):
        for user in (self.tech_b, self.customer_user):
            with self.assertRaises(AccessError):
                self.ticket_a.with_user(user)._partner_portal_action(
                    "parts", product_id=self.igniter.id, quantity=1
                )
        ticket = self.ticket_a.with_user(self.tech_a)
        for values in (
            {"product_id": 0, "quantity": 1},
            {"product_id": self.igniter.id, "quantity": "-1"},
            {"product_id": self.igniter.id, "quantity": "a lot"},
        ):
            with self.assertRaises(UserError):
                ticket._partner_portal_action("parts", **values)
        self.assertFalse(self.ticket_a.repair_ids.move_ids)
        self.partner_a.aftersales_stock_location_id = False
        with self.assertRaisesRegex(UserError, "no stock location"):
            ticket._partner_portal_action("parts", product_id=self.igniter.id)


@tagged("post_install", "-at_install")
class TestPartnerRegionBySite(TransactionCase):
    """A partner serves the region of the ticket's site, not of the customer's
    head office."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        partner_portal_fixture(cls)
        cls.beijing_store = cls.env["res.partner"].create(
            {
                "name": "北京门店",
                "type": "delivery",
                "parent_id": cls.customer.id,
                "country_id": cls.env.ref("base.cn").id,
                "state_id": cls.env.ref("base.state_cn_BJ").id,
                "city": "北京市",
            }
        )

    def test_the_sites_region_decides(self):
        ticket = (
            self.env["aftersales.ticket"]
            .with_user(self.manager)
            .create(
                {
                    "name": "北京门店热水器不点火",
                    "partner_id": self.customer.id,
                    "service_type_id": self.repair.id,
                    "site_partner_id": self.beijing_store.id,
                }
            )
        )
        with self.assertRaisesRegex(ValidationError, "顺德安装服务部 A"):
            ticket.service_partner_id = self.partner_a
        ticket.service_partner_id = self.partner_c
        self.assertEqual(ticket.service_partner_id, self.partner_c)

    def test_moving_the_site_out_of_the_partners_region_is_refused(self):
        with self.assertRaises(ValidationError):
            self.ticket_a.with_user(self.manager).site_partner_id = self.beijing_store
