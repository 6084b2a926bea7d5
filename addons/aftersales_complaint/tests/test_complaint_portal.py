"""Complaints on the portal over HTTP: filing one about one's own ticket, the
complainant's confirmation and rejection, and what other users cannot do (also
over JSON-RPC)."""

import re
from datetime import date

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.aftersales_sla.tests.common import call_kw


@tagged("post_install", "-at_install")
class TestComplaintPortal(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        policy = env["aftersales.sla.policy"].create(
            {
                "name": "Heater SLA",
                "target_ids": [
                    (0, 0, {"metric": "response", "target_hours": 4}),
                ],
            }
        )

        def customer(name):
            partner = env["res.partner"].create({"name": name, "is_company": True})
            contract = env["aftersales.contract"].create(
                {
                    "partner_id": partner.id,
                    "title": f"{name} heater care",
                    "date_start": date(2026, 1, 1),
                    "date_end": date(2027, 12, 31),
                    "sla_policy_id": policy.id,
                    "calendar_id": env.company.resource_calendar_id.id,
                }
            )
            contract.action_activate()
            return partner

        cls.customer = customer("广州热水器客户 Test")
        cls.other = customer("Other Estate")
        cls.contact = env["res.partner"].create(
            {"name": "安居 李", "parent_id": cls.customer.id, "email": "li@example.com"}
        )
        cls.portal_user = new_test_user(
            env,
            "complaint_portal_li",
            groups="base.group_portal",
            partner_id=cls.contact.id,
        )
        cls.other_user = new_test_user(
            env,
            "complaint_portal_other",
            groups="base.group_portal",
            partner_id=env["res.partner"]
            .create({"name": "Mr Other", "parent_id": cls.other.id})
            .id,
        )
        cls.desk = new_test_user(
            env, "complaint_desk_mgr", groups="aftersales_sla.group_aftersales_manager"
        )
        Ticket = env["aftersales.ticket"]
        cls.ticket = Ticket.create(
            {"name": "热水器不出热水", "partner_id": cls.customer.id}
        )
        cls.foreign_ticket = Ticket.create(
            {"name": "Other's heater", "partner_id": cls.other.id}
        )
        cls.missed = env.ref(
            "aftersales_complaint.complaint_category_missed_appointment"
        )
        cls.Ticket = Ticket

    def csrf(self, url):
        page = self.url_open(url).text
        return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    def file(self, ticket_id, name="约好上午上门，没有人来"):
        token = self.csrf("/my/aftersales/complaints/new")
        return self.url_open(
            "/my/aftersales/complaints/new",
            data={
                "csrf_token": token,
                "name": name,
                "category_id": self.missed.id,
                "ticket_id": ticket_id,
                "description": "等了一上午",
            },
        )

    def complaints(self):
        return self.Ticket.search(
            [("is_complaint", "=", True), ("partner_id", "=", self.customer.id)]
        )

    def test_customer_files_a_complaint_about_their_ticket(self):
        self.authenticate("complaint_portal_li", "complaint_portal_li")
        page = self.url_open(self.ticket.get_portal_url()).text
        self.assertIn(f"/my/aftersales/complaints/new?ticket_id={self.ticket.id}", page)
        form = self.url_open(
            f"/my/aftersales/complaints/new?ticket_id={self.ticket.id}"
        ).text
        self.assertIn(self.ticket.number, form)
        self.assertNotIn(self.foreign_ticket.number, form)
        response = self.file(self.ticket.id)
        self.assertEqual(response.status_code, 200)
        complaint = self.complaints()
        self.assertEqual(len(complaint), 1)
        self.assertEqual(complaint.channel, "portal")
        self.assertEqual(complaint.complaint_ticket_id, self.ticket)
        self.assertEqual(complaint.complaint_category_id, self.missed)
        self.assertEqual(complaint.contact_id, self.contact)
        self.assertEqual(complaint.complaint_state, "open")
        self.assertTrue(
            complaint.sla_ids.filtered(lambda line: line.metric == "complaint_response")
        )
        self.assertIn("o_complaint_filed", response.text)

    def test_customer_files_a_general_complaint_from_the_tickets_list(self):
        self.authenticate("complaint_portal_li", "complaint_portal_li")
        page = self.url_open("/my/aftersales/tickets").text
        self.assertIn('href="/my/aftersales/complaints/new"', page)
        self.file("", name="客服电话总是打不通")
        complaint = self.complaints()
        self.assertEqual(len(complaint), 1)
        self.assertFalse(complaint.complaint_ticket_id)
        self.assertEqual(complaint.complaint_category_id, self.missed)

    def test_another_customers_ticket_is_refused(self):
        self.authenticate("complaint_portal_li", "complaint_portal_li")
        response = self.file(self.foreign_ticket.id)
        self.assertIn("not one of yours", response.text)
        self.assertFalse(self.complaints())
        self.assertFalse(
            self.Ticket.search([("complaint_ticket_id", "=", self.foreign_ticket.id)])
        )

    def answered_complaint(self):
        complaint = self.Ticket.create(
            {
                "name": "约好上午上门，没有人来",
                "partner_id": self.customer.id,
                "contact_id": self.contact.id,
                "service_type_id": self.env.ref(
                    "aftersales_sla.service_type_complaint"
                ).id,
                "complaint_category_id": self.missed.id,
                "complaint_ticket_id": self.ticket.id,
                "channel": "portal",
            }
        )
        complaint.with_user(self.desk).action_complaint_classify()
        complaint.complaint_outcome = "<p>已安排主管上门致歉。</p>"
        complaint.with_user(self.desk).action_complaint_send_outcome()
        return complaint

    def post(self, complaint, answer, **data):
        token = self.csrf("/my/aftersales/complaints/new")
        return self.url_open(
            f"/my/aftersales/complaints/{complaint.id}/{answer}",
            data=dict(data, csrf_token=token),
        )

    def test_complainant_rejects_then_confirms_on_the_portal(self):
        complaint = self.answered_complaint()
        self.authenticate("complaint_portal_li", "complaint_portal_li")
        page = self.url_open(complaint.get_portal_url()).text
        self.assertIn("已安排主管上门致歉", page)
        self.assertIn("o_complaint_confirm", page)
        self.assertNotIn("o_aftersales_sign", page)
        response = self.post(complaint, "reject", reason="")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(complaint.complaint_state, "answered")
        response = self.post(complaint, "reject", reason="主管没有来")
        self.assertEqual(response.status_code, 200)
        complaint.invalidate_recordset()
        self.assertEqual(complaint.complaint_state, "rejected")
        self.assertEqual(complaint.complaint_rejection_count, 1)
        self.assertEqual(complaint.state, "open")
        # Not answered again yet: confirming is refused.
        self.assertEqual(self.post(complaint, "confirm").status_code, 400)
        complaint.with_user(self.desk).write(
            {"complaint_outcome": "<p>主管已上门。</p>"}
        )
        complaint.with_user(self.desk).action_complaint_send_outcome()
        self.assertEqual(self.post(complaint, "confirm").status_code, 200)
        complaint.invalidate_recordset()
        self.assertEqual(complaint.complaint_state, "confirmed")
        self.assertEqual(complaint.state, "closed")

    def test_another_customer_cannot_answer(self):
        complaint = self.answered_complaint()
        self.authenticate("complaint_portal_other", "complaint_portal_other")
        self.assertEqual(self.post(complaint, "confirm").status_code, 404)
        self.assertEqual(
            self.post(complaint, "reject", reason="not mine").status_code, 404
        )
        complaint.invalidate_recordset()
        self.assertEqual(complaint.complaint_state, "answered")
        self.assertEqual(complaint.state, "resolved")

    def test_json_rpc_cannot_write_the_complaint_state_or_confirm(self):
        complaint = self.answered_complaint()
        self.authenticate("complaint_desk_mgr", "complaint_desk_mgr")
        with mute_logger("odoo.http"):
            self._json_rpc_refusals(complaint)
        complaint.invalidate_recordset()
        self.assertEqual(complaint.complaint_state, "answered")
        self.assertEqual(complaint.complaint_category_id, self.missed)

    def _json_rpc_refusals(self, complaint):
        answer = call_kw(
            self,
            "aftersales.ticket",
            "write",
            [complaint.ids, {"complaint_state": "confirmed"}],
        )
        self.assertIn("error", answer)
        self.assertIn("ledger", answer["error"]["data"]["message"])
        answer = call_kw(
            self, "aftersales.ticket", "_complaint_confirm", [complaint.ids, 2]
        )
        self.assertIn("error", answer)
        answer = call_kw(
            self,
            "aftersales.ticket",
            "write",
            [complaint.ids, {"complaint_category_id": False}],
        )
        self.assertIn("error", answer)
