"""The technician quotes his ticket's repair from the ticket (Send Quotation),
without the Repairs and Sales rights; the customer finds it on the portal; the
accountant invoices the approved quotation from the ticket (Create Invoice)."""

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.aftersales_sla.tests.common import call_kw

from .test_repair_orders import RepairOrderCase


@tagged("post_install", "-at_install")
class TestTicketQuotation(RepairOrderCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_technician = new_test_user(
            cls.env, "quote_other_tech", groups="aftersales_sla.group_aftersales_user"
        )
        cls.accountant = new_test_user(
            cls.env, "quote_accountant", groups="account.group_account_invoice"
        )
        cls.portal_user = new_test_user(
            cls.env,
            "quote_portal",
            groups="base.group_portal",
            partner_id=cls.consumer.id,
            name=cls.consumer.name,
        )

    def chargeable_ticket(self, with_repair=True):
        ticket = self.report_consumer(
            serial_number="WH-T-0002", user_id=self.technician.id
        )
        self.assertEqual(ticket.coverage, "chargeable")
        if with_repair:
            self.make_repair(ticket, user=self.technician)
        return ticket

    def sent_events(self, ticket):
        return self.coverage_events(ticket, "ticket.quotation_sent")

    def test_technician_sends_the_quotation_of_his_ticket(self):
        ticket = self.chargeable_ticket()
        repair = ticket.sudo().repair_ids
        self.add_part(repair)
        ticket = ticket.with_user(self.technician)
        self.assertTrue(ticket.can_send_quotation)
        # The button opens the wizard, which sends with the hours he typed.
        action = ticket.action_open_quotation_send()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.technician)
            .with_context(**action["context"])
            .create({"labour_hours": 1.5})
        )
        self.assertEqual(wizard.partner_id, self.consumer)
        result = wizard.action_send()
        order = repair.sale_order_id
        self.assertTrue(order)
        self.assertIn(order.name, result["params"]["message"])
        self.assertEqual(order.state, "sent")
        self.assertEqual(order.partner_id, self.consumer)
        self.assertTrue(order.require_signature)
        self.assertFalse(order.require_payment)
        self.assertEqual(
            self.order_lines(order),
            {
                self.visit: (1.0, 80.0),
                self.labour: (1.5, 120.0),
                self.part: (1.0, 200.0),
            },
        )
        self.assertEqual(repair.aftersales_labour_hours, 1.5)
        self.assertEqual(len(self.sent_events(ticket)), 1)
        # The ticket's followers are told where to sign it.
        message = ticket.sudo().message_ids[0]
        self.assertIn(f'href="{order.access_url}"', message.body)
        self.assertIn(order.name, message.body)
        self.assertEqual(message.author_id, self.technician.partner_id)
        # Quoted: no second quotation offered.
        ticket.invalidate_recordset(["can_send_quotation"])
        self.assertFalse(ticket.can_send_quotation)
        with self.refused(UserError, "quoted already"):
            ticket.action_send_quotation()
        self.assertEqual(len(self.sent_events(ticket)), 1)
        # The customer reads it on his portal, among his quotations.
        self.assertIn(self.consumer, order.message_partner_ids)
        Order = self.env["sale.order"].with_user(self.portal_user)
        self.assertEqual(
            Order.search([("state", "=", "sent")]), order, "his quotation, only his"
        )
        self.assertEqual(order.with_user(self.portal_user).amount_untaxed, 460.0)

    def test_portal_customer_opens_the_quotation(self):
        ticket = self.chargeable_ticket()
        ticket.with_user(self.technician).action_send_quotation()
        order = ticket.sudo().repair_ids.sale_order_id
        self.authenticate("quote_portal", "quote_portal")
        response = self.url_open(f"/my/orders/{order.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn(order.name, response.text)
        self.assertIn("Sign", response.text)
        # Another customer's portal user does not.
        new_test_user(
            self.env,
            "quote_portal_li",
            groups="base.group_portal",
            partner_id=self.other_consumer.id,
            name=self.other_consumer.name,
        )
        self.authenticate("quote_portal_li", "quote_portal_li")
        response = self.url_open(f"/my/orders/{order.id}", allow_redirects=False)
        self.assertNotEqual(response.status_code, 200)

    def test_covered_ticket_refused_nothing_written(self):
        ticket = self.report_consumer(
            serial_number="WH-T-0001", user_id=self.technician.id
        )
        self.assertEqual(ticket.coverage, "warranty")
        repair = self.make_repair(ticket, user=self.technician)
        self.assertFalse(ticket.with_user(self.technician).can_send_quotation)
        orders_before = self.env["sale.order"].search_count([])
        with self.refused(UserError, "gets no quotation"):
            ticket.with_user(self.technician).action_send_quotation(labour_hours=3)
        self.assertEqual(repair.aftersales_labour_hours, 1.0)
        self.assertFalse(repair.sale_order_id)
        self.assertEqual(self.env["sale.order"].search_count([]), orders_before)
        self.assertFalse(self.sent_events(ticket))

    def test_bad_requests_refused(self):
        ticket = self.chargeable_ticket(with_repair=False)
        technician_ticket = ticket.with_user(self.technician)
        self.assertFalse(technician_ticket.can_send_quotation)
        with self.refused(UserError, "has no repair order"):
            technician_ticket.action_send_quotation()
        repair = self.make_repair(ticket, user=self.technician)
        for hours, text in ((-1, "at least 0"), ("abc", "must be a number")):
            with self.subTest(hours=hours), self.refused(ValidationError, text):
                technician_ticket.action_send_quotation(labour_hours=hours)
        ticket.action_close()
        with self.refused(UserError, "is closed"):
            technician_ticket.action_send_quotation()
        self.assertFalse(repair.sale_order_id)
        self.assertFalse(self.sent_events(ticket))

    def test_other_roles_refused(self):
        ticket = self.chargeable_ticket()
        for user in (self.other_technician, self.accountant, self.portal_user):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                ticket.with_user(user).action_send_quotation()
        self.assertFalse(ticket.sudo().repair_ids.sale_order_id)

    def test_other_technician_refused_over_rpc(self):
        ticket = self.chargeable_ticket()
        self.authenticate("quote_other_tech", "quote_other_tech")
        with mute_logger("odoo.http"):
            response = call_kw(
                self, "aftersales.ticket", "action_send_quotation", [ticket.ids]
            )
            self.assertEqual(
                response["error"]["data"]["name"], "odoo.exceptions.AccessError"
            )
            # Nor through the wizard, naming a ticket that is not his.
            response = call_kw(
                self,
                "aftersales.ticket.quotation.send",
                "create",
                [{"ticket_id": ticket.id, "labour_hours": 2}],
            )
            if "error" not in response:
                response = call_kw(
                    self,
                    "aftersales.ticket.quotation.send",
                    "action_send",
                    [[response["result"]]],
                )
            self.assertEqual(
                response["error"]["data"]["name"], "odoo.exceptions.AccessError"
            )
        self.assertFalse(ticket.sudo().repair_ids.sale_order_id)
        self.assertFalse(self.sent_events(ticket))
        # His own technician does it over RPC.
        self.authenticate("repair_tech", "repair_tech")
        response = call_kw(
            self, "aftersales.ticket", "action_send_quotation", [ticket.ids]
        )
        self.assertNotIn("error", response)
        self.assertEqual(ticket.sudo().repair_ids.sale_order_id.state, "sent")

    def test_accountant_invoices_the_approved_quotation(self):
        ticket = self.chargeable_ticket()
        ticket.with_user(self.technician).action_send_quotation(labour_hours=2)
        order = ticket.sudo().repair_ids.sale_order_id
        accountant_ticket = ticket.with_user(self.accountant)
        # Not approved yet: nothing to invoice.
        self.assertFalse(accountant_ticket.can_create_invoice)
        with self.refused(UserError, "no approved quotation"):
            accountant_ticket.action_create_invoice()
        order.action_confirm()  # signed on the portal
        accountant_ticket.invalidate_recordset(["can_create_invoice"])
        self.assertTrue(accountant_ticket.can_create_invoice)
        for user in (self.technician, self.portal_user, self.other_technician):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                ticket.with_user(user).action_create_invoice()
        self.assertFalse(order.invoice_ids)
        action = accountant_ticket.action_create_invoice()
        invoice = order.invoice_ids
        self.assertEqual(len(invoice), 1)
        self.assertEqual(action["res_id"], invoice.id)
        self.assertEqual(invoice.state, "draft")
        self.assertEqual(invoice.partner_id, self.consumer)
        self.assertAlmostEqual(invoice.amount_untaxed, 320.0)
        self.assertEqual(invoice.create_uid, self.accountant)
        accountant_ticket.invalidate_recordset(["can_create_invoice"])
        self.assertFalse(accountant_ticket.can_create_invoice)
        with self.refused(UserError, "no approved quotation"):
            accountant_ticket.action_create_invoice()
        invoice.with_user(self.accountant).action_post()
        invoiced = self.coverage_events(ticket, "ticket.invoiced")
        self.assertEqual(len(invoiced), 1)
        self.assertEqual(invoiced.author_id, self.accountant)
