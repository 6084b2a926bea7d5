"""Browser tours (Chromium) of issue #15's complaints desk, in English and in
Chinese: a customer complains on the portal about a missed appointment on one of
their tickets; the desk classifies, escalates and sends the outcome; the customer
rejects it; the desk answers again; the customer confirms. The database is checked
between the tours (static/tests/tours/aftersales_complaint_desk_tour.js)."""

import json
from datetime import date

from odoo.tests import HttpCase, new_test_user, tagged

#: The tours' data (see the constants of aftersales_complaint_desk_tour.js).
SUBJECT = "Tour 约好上门没有人来"
OUTCOME = "Tour 已安排主管上门致歉"
OUTCOME_AGAIN = "Tour 主管已上门并免收上门费"
REASON = "Tour 主管没有来"
ESCALATION = "Tour 客户要向12315投诉"


@tagged("post_install", "-at_install")
class TestComplaintTours(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        policy = env["aftersales.sla.policy"].create(
            {
                "name": "Tour heater SLA",
                "target_ids": [
                    (0, 0, {"metric": "response", "target_hours": 4}),
                ],
            }
        )
        cls.customer = env["res.partner"].create(
            {"name": "Tour 广州温馨物业", "is_company": True}
        )
        contract = env["aftersales.contract"].create(
            {
                "partner_id": cls.customer.id,
                "title": "Tour heater care",
                "date_start": date(2026, 1, 1),
                "date_end": date(2027, 12, 31),
                "sla_policy_id": policy.id,
                "calendar_id": env.company.resource_calendar_id.id,
            }
        )
        contract.action_activate()
        contact = env["res.partner"].create(
            {
                "name": "Tour 王女士",
                "parent_id": cls.customer.id,
                "email": "wang@example.cn",
            }
        )
        cls.portal_user = new_test_user(
            env,
            "tour_complaint_customer",
            groups="base.group_portal",
            partner_id=contact.id,
        )
        cls.desk = new_test_user(
            env,
            "tour_complaint_desk",
            groups="aftersales_sla.group_aftersales_manager",
        )
        env["aftersales.complaint.escalation.level"].search([]).write({"active": False})
        cls.level = env["aftersales.complaint.escalation.level"].create(
            {
                "name": "Tour team lead",
                "level": 1,
                "threshold_percent": 50,
                "user_ids": [(6, 0, cls.desk.ids)],
                "company_id": False,
            }
        )
        cls.ticket = env["aftersales.ticket"].create(
            {
                "name": "Tour 热水器上门检修",
                "partner_id": cls.customer.id,
                "contact_id": contact.id,
            }
        )

    def events(self, ticket):
        return (
            self.env["aftersales.event"]
            .search(
                [("res_model", "=", ticket._name), ("res_id", "=", ticket.id)],
                order="sequence",
            )
            .filtered(lambda event: event.event_type.startswith("complaint."))
        )

    def desk_url(self, complaint):
        return (
            "/odoo/action-aftersales_complaint.aftersales_complaint_action/"
            f"{complaint.id}"
        )

    def run_chain(self, lang):
        (self.portal_user | self.desk).write({"lang": lang})
        self.start_tour(
            self.ticket.get_portal_url(),
            "aftersales_complaint_customer_complains",
            login="tour_complaint_customer",
        )
        complaint = self.env["aftersales.ticket"].search([("name", "=", SUBJECT)])
        self.assertEqual(len(complaint), 1)
        self.assertEqual(complaint.channel, "portal")
        self.assertEqual(complaint.complaint_ticket_id, self.ticket)
        self.assertEqual(complaint.complaint_category_id.code, "missed_appointment")
        self.assertEqual(complaint.complaint_state, "open")

        self.start_tour(
            self.desk_url(complaint),
            "aftersales_complaint_desk_handles",
            login="tour_complaint_desk",
        )
        complaint.invalidate_recordset()
        self.assertTrue(complaint.complaint_classified_at)
        self.assertEqual(complaint.complaint_escalation_level, 1)
        self.assertEqual(complaint.complaint_state, "answered")
        self.assertEqual(complaint.state, "resolved")
        self.assertIn(OUTCOME, complaint.complaint_outcome)

        self.start_tour(
            complaint.get_portal_url(),
            "aftersales_complaint_customer_rejects",
            login="tour_complaint_customer",
        )
        complaint.invalidate_recordset()
        self.assertEqual(complaint.complaint_state, "rejected")
        self.assertEqual(complaint.state, "open")

        self.start_tour(
            self.desk_url(complaint),
            "aftersales_complaint_desk_answers_again",
            login="tour_complaint_desk",
        )
        self.start_tour(
            complaint.get_portal_url(),
            "aftersales_complaint_customer_confirms",
            login="tour_complaint_customer",
        )
        complaint.invalidate_recordset()
        self.assertEqual(complaint.complaint_state, "confirmed")
        self.assertEqual(complaint.state, "closed")
        self.assertEqual(complaint.complaint_rejection_count, 1)
        self.assertEqual(complaint.reopen_count, 1)
        events = self.events(complaint)
        self.assertEqual(
            events.mapped("event_type"),
            [
                "complaint.classified",
                "complaint.escalated",
                "complaint.answered",
                "complaint.rejected",
                "complaint.answered",
                "complaint.confirmed",
            ],
        )
        self.assertEqual(events[1].reason_text, ESCALATION)
        self.assertEqual(events[3].reason_text, REASON)
        self.assertEqual(
            json.loads(events[0].payload)["category"], "missed_appointment"
        )
        self.assertTrue(self.env["aftersales.event"].verify_ledger()["ok"])

    def test_complaint_chain_in_english(self):
        self.run_chain("en_US")

    def test_complaint_chain_in_chinese(self):
        self.run_chain("zh_CN")
