"""The complaints desk: classification, default deadlines, escalation, the outcome
and the complainant's answer, and the fields only these actions write."""

import json
from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from odoo.addons.aftersales_repair.tests.common import RepairCase
from odoo.addons.aftersales_sla.tests.common import shanghai

H = 3600
REPORTED = shanghai(2026, 11, 20, 21, 0)


def at(moment):
    return freeze_time(moment)


@tagged("post_install", "-at_install")
class TestComplaintDesk(RepairCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.complaint_type = env.ref("aftersales_sla.service_type_complaint")
        cls.missed = env.ref(
            "aftersales_complaint.complaint_category_missed_appointment"
        )
        cls.attitude = env.ref(
            "aftersales_complaint.complaint_category_service_attitude"
        )
        cls.contact = env["res.partner"].create(
            {
                "name": "陈女士",
                "parent_id": cls.customer.id,
                "email": "chen@example.com",
            }
        )
        cls.complainant = new_test_user(
            env, "complaint_chen", groups="base.group_portal", partner_id=cls.contact.id
        )
        cls.colleague = new_test_user(
            env,
            "complaint_colleague",
            groups="base.group_portal",
            partner_id=env["res.partner"]
            .create({"name": "赵先生", "parent_id": cls.customer.id})
            .id,
        )
        cls.stranger = new_test_user(
            env,
            "complaint_stranger",
            groups="base.group_portal",
            partner_id=env["res.partner"]
            .create({"name": "Ms Zhou", "parent_id": cls.other_consumer.id})
            .id,
        )
        cls.shunde = env["res.partner"].create(
            {"name": "顺德服务商 Test", "is_company": True}
        )
        cls.Level = env["aftersales.complaint.escalation.level"]
        cls.lead = new_test_user(
            env, "complaint_lead", groups="aftersales_sla.group_aftersales_user"
        )
        cls.gm = new_test_user(
            env, "complaint_gm", groups="aftersales_sla.group_aftersales_manager"
        )
        cls.Level.search([]).write({"active": False})
        cls.level1 = cls.Level.create(
            {
                "name": "Team lead",
                "level": 1,
                "threshold_percent": 50,
                "user_ids": [(6, 0, cls.lead.ids)],
                "company_id": False,
            }
        )
        cls.level2 = cls.Level.create(
            {
                "name": "Service manager",
                "level": 2,
                "threshold_percent": 80,
                "user_ids": [(6, 0, cls.manager.ids)],
                "company_id": False,
            }
        )
        cls.level3 = cls.Level.create(
            {
                "name": "General manager",
                "level": 3,
                "threshold_percent": 100,
                "user_ids": [(6, 0, cls.gm.ids)],
                "company_id": False,
            }
        )

    def original(self):
        with at(REPORTED):
            return self.report(user_id=self.technician.id)

    def complain(self, reported=REPORTED, **values):
        with at(reported):
            return self.report(
                reported,
                **dict(
                    {
                        "name": "师傅没有按约上门",
                        "service_type_id": self.complaint_type.id,
                        "contact_id": self.contact.id,
                        "complaint_category_id": self.missed.id,
                        # The desk member handling it (technicians write their own).
                        "user_id": self.technician.id,
                    },
                    **values,
                ),
            )

    def events(self, ticket, prefix="complaint."):
        return (
            self.env["aftersales.event"]
            .search(
                [("res_model", "=", ticket._name), ("res_id", "=", ticket.id)],
                order="sequence",
            )
            .filtered(lambda event: event.event_type.startswith(prefix))
        )

    # ------------------------------------------------------------------
    # Classification
    # ------------------------------------------------------------------

    def test_complained_ticket_fills_what_the_complaint_is_about(self):
        original = self.original()
        complaint = self.complain(complaint_ticket_id=original.id)
        self.assertEqual(complaint.complaint_state, "open")
        self.assertEqual(complaint.complaint_user_id, self.technician)
        reported = self.events(complaint, "ticket.reported")
        self.assertEqual(
            json.loads(reported.payload)["complaint"]["category"], "missed_appointment"
        )
        self.assertEqual(
            json.loads(reported.payload)["complaint"]["about_ticket"], original.id
        )

    def test_classification_is_recorded_and_then_guarded(self):
        original = self.original()
        complaint = self.complain()
        desk = complaint.with_user(self.technician)
        desk.action_complaint_classify({"complaint_ticket_id": original.id})
        event = self.events(complaint)
        self.assertEqual(event.event_type, "complaint.classified")
        self.assertEqual(
            json.loads(event.payload),
            {
                "ticket": complaint.number,
                "category": "missed_appointment",
                "about_ticket": original.id,
                "about_technician": self.technician.id,
                "about_partner": None,
                "about_unit": None,
            },
        )
        # Classified: the links change only by classifying again, with a reason.
        for user in (self.technician, self.manager, self.env.user):
            with self.assertRaises(UserError):
                complaint.with_user(user).write(
                    {"complaint_category_id": self.attitude.id}
                )
        with self.assertRaisesRegex(UserError, "classified again"):
            desk.action_complaint_classify({"complaint_category_id": self.attitude.id})
        desk.action_complaint_classify(
            {"complaint_category_id": self.attitude.id}, reason="客户补充：态度问题"
        )
        self.assertEqual(complaint.complaint_category_id, self.attitude)
        events = self.events(complaint)
        self.assertEqual(len(events), 2)
        self.assertEqual(events[-1].reason_text, "客户补充：态度问题")
        self.assertEqual(json.loads(events[-1].payload)["category"], "service_attitude")

    def test_complaint_state_counts_and_level_are_never_written_directly(self):
        complaint = self.complain()
        for user in (self.technician, self.manager, self.env.user):
            for field, value in (
                ("complaint_state", "confirmed"),
                ("complaint_rejection_count", 0),
                ("complaint_escalation_level", 3),
                ("complaint_classified_at", REPORTED),
            ):
                with self.assertRaises(UserError, msg=f"{user.login} {field}"):
                    complaint.with_user(user).write({field: value})
        with at(REPORTED), self.assertRaises(UserError):
            self.report(
                REPORTED,
                service_type_id=self.complaint_type.id,
                complaint_state="confirmed",
            )
        self.assertEqual(complaint.complaint_state, "open")
        self.assertFalse(self.events(complaint))

    def test_complaint_about_another_customers_ticket_or_unit_is_refused(self):
        with at(REPORTED):
            foreign = self.Ticket.create(
                {"name": "Other's", "partner_id": self.consumer.id}
            )
        with self.assertRaisesRegex(ValidationError, "same customer"):
            self.complain(complaint_ticket_id=foreign.id)
        with self.assertRaisesRegex(ValidationError, "another customer"):
            self.complain(complaint_unit_id=self.unit_new.id)
        complaint = self.complain()
        with self.assertRaisesRegex(ValidationError, "same customer"):
            complaint.with_user(self.technician).action_complaint_classify(
                {"complaint_ticket_id": foreign.id}
            )
        self.assertFalse(complaint.complaint_ticket_id)
        self.assertFalse(complaint.complaint_classified_at)

    def test_bad_classification_input_is_refused(self):
        complaint = self.complain()
        desk = complaint.with_user(self.technician)
        for values in (
            {"complaint_ticket_id": 999999999},
            {"complaint_category_id": "missed"},
            {"complaint_state": "confirmed"},
            ["complaint_category_id"],
        ):
            with self.assertRaises(ValidationError, msg=str(values)):
                desk.action_complaint_classify(values)
        self.assertFalse(complaint.complaint_classified_at)
        self.assertFalse(self.events(complaint))

    # ------------------------------------------------------------------
    # Default deadlines
    # ------------------------------------------------------------------

    def test_default_complaint_deadlines_24_and_72_hours(self):
        complaint = self.complain()
        response = self.line(complaint, "complaint_response")
        feedback = self.line(complaint, "complaint_feedback")
        self.assertEqual(response.deadline, REPORTED + timedelta(hours=24))
        self.assertEqual(feedback.deadline, REPORTED + timedelta(hours=72))
        self.assertFalse(response.calendar_id)
        self.assertFalse(complaint.sla_unmatched)

    def test_company_setting_changes_the_default(self):
        self.env.company.aftersales_complaint_response_hours = 12
        self.env.company.aftersales_complaint_feedback_hours = 0
        complaint = self.complain()
        self.assertEqual(
            self.line(complaint, "complaint_response").deadline,
            REPORTED + timedelta(hours=12),
        )
        self.assertFalse(self.line(complaint, "complaint_feedback"))
        with self.assertRaises(ValidationError):
            self.env.company.aftersales_complaint_response_hours = -1

    def test_what_the_contract_says_wins(self):
        self.policy.write(
            {
                "target_ids": [
                    (
                        0,
                        0,
                        {
                            "metric": "complaint_response",
                            "target_hours": 2,
                            "time_basis": "always",
                        },
                    )
                ]
            }
        )
        complaint = self.complain()
        self.assertEqual(
            self.line(complaint, "complaint_response").deadline,
            REPORTED + timedelta(hours=2),
        )
        self.assertEqual(
            self.line(complaint, "complaint_feedback").deadline,
            REPORTED + timedelta(hours=72),
        )

    def test_a_ticket_corrected_to_a_complaint_gets_the_default_clocks(self):
        ticket = self.original()
        with at(REPORTED + timedelta(hours=1)):
            ticket.service_type_id = self.complaint_type
        self.assertEqual(ticket.complaint_state, "open")
        self.assertEqual(
            self.line(ticket, "complaint_feedback").deadline,
            REPORTED + timedelta(hours=72),
        )
        self.assertFalse(ticket.sla_unmatched)

    # ------------------------------------------------------------------
    # Escalation
    # ------------------------------------------------------------------

    def test_cron_escalates_by_the_most_urgent_clock_never_down(self):
        complaint = self.complain()
        Ticket = self.env["aftersales.ticket"]
        with at(REPORTED + timedelta(hours=10)):  # 42 % of 24 h
            Ticket._cron_complaint_escalation()
        self.assertEqual(complaint.complaint_escalation_level, 0)
        with at(REPORTED + timedelta(hours=13)):  # 54 %
            Ticket._cron_complaint_escalation()
            Ticket._cron_complaint_escalation()
        self.assertEqual(complaint.complaint_escalation_level, 1)
        event = self.events(complaint)
        self.assertEqual(len(event), 1)
        self.assertEqual(json.loads(event.payload)["level"], 1)
        self.assertEqual(json.loads(event.payload)["metric"], "complaint_response")
        self.assertEqual(json.loads(event.payload)["elapsed_percent"], 54.2)
        activity = complaint.activity_ids.filtered(lambda a: a.user_id == self.lead)
        self.assertIn("level 1", activity.summary)
        with at(REPORTED + timedelta(hours=30)):  # response breached: level 3 at once
            Ticket._cron_complaint_escalation()
        self.assertEqual(complaint.complaint_escalation_level, 3)
        self.assertTrue(complaint.activity_ids.filtered(lambda a: a.user_id == self.gm))
        self.assertEqual(len(self.events(complaint)), 2)

    def test_acknowledged_complaint_escalates_on_its_feedback_clock(self):
        complaint = self.complain()
        with at(REPORTED + timedelta(hours=1)):
            complaint.action_acknowledge()
        with at(REPORTED + timedelta(hours=40)):  # 56 % of 72 h
            self.env["aftersales.ticket"]._cron_complaint_escalation()
        self.assertEqual(complaint.complaint_escalation_level, 1)
        self.assertEqual(
            json.loads(self.events(complaint).payload)["metric"], "complaint_feedback"
        )

    def test_levels_of_another_company_do_not_apply_and_groups_are_notified(self):
        other = self.env["res.company"].create({"name": "Other Maker Ltd"})
        self.Level.create(
            {
                "name": "Other's early level",
                "level": 1,
                "threshold_percent": 10,
                "user_ids": [(6, 0, self.lead.ids)],
                "company_id": other.id,
            }
        )
        self.level3.write(
            {
                "user_ids": [(5, 0, 0)],
                "group_id": self.env.ref("aftersales_sla.group_aftersales_manager").id,
            }
        )
        complaint = self.complain()
        Ticket = self.env["aftersales.ticket"]
        with at(REPORTED + timedelta(hours=5)):  # 21 %
            Ticket._cron_complaint_escalation()
        self.assertEqual(complaint.complaint_escalation_level, 0)
        with at(REPORTED + timedelta(hours=25)):  # breached
            Ticket._cron_complaint_escalation()
        self.assertEqual(complaint.complaint_escalation_level, 3)
        notified = complaint.activity_ids.user_id
        self.assertIn(self.gm, notified)
        self.assertIn(self.manager, notified)
        self.assertNotIn(self.lead, notified)

    def test_manager_escalates_by_hand_with_a_reason(self):
        complaint = self.complain()
        with self.assertRaises(AccessError):
            complaint.with_user(self.technician).action_complaint_escalate(
                self.level2.id, "客户情绪激动"
            )
        with self.assertRaises(ValidationError):
            complaint.with_user(self.manager).action_complaint_escalate(
                self.level2.id, ""
            )
        with at(REPORTED + timedelta(hours=1)):
            complaint.with_user(self.manager).action_complaint_escalate(
                self.level2.id, "客户情绪激动"
            )
        self.assertEqual(complaint.complaint_escalation_level, 2)
        event = self.events(complaint)
        self.assertTrue(json.loads(event.payload)["manual"])
        self.assertEqual(event.reason_text, "客户情绪激动")
        with self.assertRaisesRegex(UserError, "higher level"):
            complaint.with_user(self.manager).action_complaint_escalate(
                self.level1.id, "again"
            )

    # ------------------------------------------------------------------
    # Outcome and the complainant's answer
    # ------------------------------------------------------------------

    def answer(self, complaint, text="已安排主管上门并致歉，免收上门费。"):
        desk = complaint.with_user(self.technician)
        if not complaint.complaint_classified_at:
            desk.action_complaint_classify()
        desk.complaint_outcome = f"<p>{text}</p>"
        desk.action_complaint_send_outcome()

    def test_outcome_needs_text_and_resolves_the_complaint(self):
        complaint = self.complain()
        with self.assertRaisesRegex(UserError, "Write the outcome"):
            complaint.with_user(self.technician).action_complaint_send_outcome()
        complaint.complaint_outcome = "<p>已处理</p>"
        with self.assertRaisesRegex(UserError, "Classify"):
            complaint.with_user(self.technician).action_complaint_send_outcome()
        with self.assertRaises(AccessError):
            complaint.with_user(self.complainant).action_complaint_send_outcome()
        with at(REPORTED + timedelta(hours=5)):
            self.answer(complaint)
        self.assertEqual(complaint.complaint_state, "answered")
        self.assertEqual(complaint.state, "resolved")
        self.assertEqual(self.line(complaint, "complaint_feedback").state, "met")
        self.assertEqual(self.events(complaint)[-1].event_type, "complaint.answered")
        message = complaint.message_ids.filtered(
            lambda m: self.contact in m.partner_ids
        )
        self.assertIn("/my/aftersales/tickets/", message.body)
        # Sent: the outcome stays as the complainant read it.
        with self.assertRaises(UserError):
            complaint.with_user(self.technician).complaint_outcome = "<p>changed</p>"
        # Never accepted automatically: the complainant answers.
        with at(REPORTED + timedelta(days=30)):
            self.env["aftersales.ticket"]._cron_auto_accept()
        self.assertEqual(complaint.state, "resolved")

    def test_complainant_rejects_then_confirms(self):
        complaint = self.complain()
        with self.assertRaisesRegex(UserError, "Open"):
            complaint.with_user(self.complainant)._complaint_confirm_by_customer()
        with at(REPORTED + timedelta(hours=5)):
            self.answer(complaint)
        mine = complaint.with_user(self.complainant)
        with self.assertRaises(ValidationError):
            mine._complaint_reject_by_customer("  ")
        with at(REPORTED + timedelta(hours=6)):
            mine._complaint_reject_by_customer("主管并未上门")
        self.assertEqual(complaint.complaint_state, "rejected")
        self.assertEqual(complaint.complaint_rejection_count, 1)
        self.assertEqual(complaint.state, "open")
        self.assertEqual(complaint.reopen_count, 1)
        self.assertEqual(self.line(complaint, "complaint_feedback").state, "running")
        with at(REPORTED + timedelta(hours=8)):
            self.answer(complaint, "主管已于今日上门，客户确认。")
            mine._complaint_confirm_by_customer()
        self.assertEqual(complaint.complaint_state, "confirmed")
        self.assertEqual(complaint.state, "closed")
        self.assertEqual(complaint.acceptance, "customer")
        self.assertEqual(
            self.events(complaint).mapped("event_type"),
            [
                "complaint.classified",
                "complaint.answered",
                "complaint.rejected",
                "complaint.answered",
                "complaint.confirmed",
            ],
        )
        self.assertEqual(self.events(complaint)[2].reason_text, "主管并未上门")
        with self.assertRaisesRegex(UserError, "Confirmed"):
            mine._complaint_confirm_by_customer()

    def test_only_the_complainant_answers(self):
        complaint = self.complain()
        with at(REPORTED + timedelta(hours=5)):
            self.answer(complaint)
        # A colleague of the same customer, a portal user of another customer,
        # the desk itself: refused, nothing changes.
        for user in (self.colleague, self.stranger, self.technician):
            with self.assertRaises(AccessError, msg=user.login):
                complaint.with_user(user)._complaint_confirm_by_customer()
            with self.assertRaises(AccessError, msg=user.login):
                complaint.with_user(user)._complaint_reject_by_customer("no")
        self.assertEqual(complaint.complaint_state, "answered")
        self.assertEqual(complaint.state, "resolved")
        # A manager records a confirmation given by phone, with a reason.
        with self.assertRaises(AccessError):
            complaint.with_user(self.technician).action_complaint_record_confirmation(
                "电话确认"
            )
        with at(REPORTED + timedelta(hours=6)):
            self.env["aftersales.complaint.record.confirmation"].with_user(
                self.manager
            ).with_context(active_id=complaint.id).create(
                {"reason": "客户电话确认满意"}
            ).action_record()
        self.assertEqual(complaint.complaint_state, "confirmed")
        event = self.events(complaint)[-1]
        self.assertEqual(event.reason_text, "客户电话确认满意")
        self.assertFalse(json.loads(event.payload)["on_portal"])
