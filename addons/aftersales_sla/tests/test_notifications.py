"""E-mails that follow the ledger: who gets which template when, exactly once,
never an internal one to the customer, in the recipient's language."""

import logging
from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user, tagged

from odoo.addons.aftersales_sla.models.aftersales_event_notification import (
    notifications_silenced,
)

from .common import TicketCase, shanghai

EVENT_LOGGER = "odoo.addons.aftersales_sla.models.aftersales_event_notification"


@tagged("post_install", "-at_install")
class TestNotifications(TicketCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.email = "service@anju.example.com"
        cls.contact = cls.env["res.partner"].create(
            {
                "name": "李女士",
                "parent_id": cls.customer.id,
                "email": "li@anju.example.com",
            }
        )
        cls.tech = new_test_user(
            cls.env,
            "notify_tech",
            groups="aftersales_sla.group_aftersales_user",
            name="王伟",
            email="wang.wei@lockmaker.example.com",
            mobile="+86 138 0000 0001",
        )
        cls.lead = new_test_user(
            cls.env,
            "notify_lead",
            groups="aftersales_sla.group_aftersales_user",
            name="Team Lead Zhao",
            email="zhao@lockmaker.example.com",
        )
        cls.manager = new_test_user(
            cls.env,
            "notify_manager",
            groups="aftersales_sla.group_aftersales_manager",
            name="Service Manager Chen",
            email="chen@lockmaker.example.com",
        )
        cls.team = cls.env["aftersales.team"].create(
            {"name": "深圳服务组", "leader_id": cls.lead.id}
        )
        # The contract's manager follows it.
        cls.contract.message_subscribe(partner_ids=cls.manager.partner_id.ids)
        cls.Penalty = cls.env["aftersales.penalty"]

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def notify(self):
        """What a commit and its post-commit delivery do: flush, then deliver the
        queued notifications (here in the test's transaction)."""
        self.env.cr.flush()
        self.env["aftersales.event.notification"]._cron_deliver()

    def watch(self):
        self.env["aftersales.ticket.sla"]._cron_sla_watch()

    def mails(self, record, subject):
        """The outgoing mails of ``record`` whose subject starts with ``subject``,
        to the explicit recipients of their message (followers get a copy of
        customer messages, as Odoo does: not what is tested here)."""
        self.env.flush_all()
        mails = self.env["mail.mail"].search(
            [
                ("model", "=", record._name),
                ("res_id", "=", record.id),
                ("subject", "=ilike", f"{subject}%"),
            ]
        )
        return mails.filtered(
            lambda mail: mail.recipient_ids & mail.mail_message_id.partner_ids
        )

    def report_ticket(self, **values):
        with freeze_time("2026-11-20 13:05:00"):
            ticket = self.report(contact_id=self.contact.id, **values)
            self.notify()
        return ticket

    def assert_customer_never_got(self, subject):
        customers = self.customer | self.contact
        leaked = self.env["mail.mail"].search(
            [
                ("subject", "=ilike", f"{subject}%"),
                ("recipient_ids", "in", customers.ids),
            ]
        )
        self.assertFalse(leaked, "internal e-mails never reach the customer")
        messages = self.env["mail.message"].search(
            [("subject", "=ilike", f"{subject}%"), ("partner_ids", "in", customers.ids)]
        )
        self.assertFalse(messages)

    # ------------------------------------------------------------------
    # Ticket received, assigned, resolved (the customer)
    # ------------------------------------------------------------------

    def test_ticket_received_to_the_contact_with_deadlines(self):
        ticket = self.report_ticket()
        mail = self.mails(ticket, f"Service request {ticket.number} received")
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.recipient_ids, self.contact)
        self.assertIn(ticket.number, mail.subject)
        self.assertIn("门锁无法开启", mail.subject)
        body = mail.body_html
        self.assertIn(ticket.number, body)
        # Reported Friday 21:00, response within 12 business hours on 08-22 daily:
        # Saturday 19:00 (Shanghai); resolution within 48 h: Tuesday 13:00.
        self.assertIn("Nov 20, 2026", body)
        self.assertIn("Response", body)
        self.assertIn("Nov 21, 2026, 7:00:00", body)
        self.assertIn("Resolution", body)
        self.assertIn("Nov 24, 2026, 1:00:00", body)
        self.assertIn("Asia/Shanghai", body)
        self.assertIn(f"/my/aftersales/tickets/{ticket.id}?access_token=", body)
        self.assertIn(ticket.get_base_url(), body)
        message = mail.mail_message_id
        self.assertEqual(message.subtype_id, self.env.ref("mail.mt_comment"))
        self.assertIn(message, ticket.message_ids, "it lands in the chatter")
        # Exactly once: a second commit sends nothing more.
        self.notify()
        self.assertEqual(
            len(self.mails(ticket, f"Service request {ticket.number} received")), 1
        )

    def test_ticket_assigned_names_the_technician_to_the_customer(self):
        ticket = self.report_ticket()
        ticket.user_id = self.tech
        self.notify()
        mail = self.mails(ticket, f"Service request {ticket.number}:")
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.recipient_ids, self.contact)
        self.assertIn("王伟", mail.subject)
        self.assertIn("王伟", mail.body_html)
        self.assertIn("+86 138 0000 0001", mail.body_html)
        self.assertIn(f"/my/aftersales/tickets/{ticket.id}", mail.body_html)
        # Unassigning tells nobody anything.
        ticket.user_id = False
        self.notify()
        self.assertEqual(
            len(self.mails(ticket, f"Service request {ticket.number}:")), 1
        )

    def test_ticket_resolved_asks_for_acceptance(self):
        ticket = self.report_ticket(user_id=self.tech.id)
        with freeze_time(shanghai(2026, 11, 21, 15, 0)):
            ticket.action_resolve(reason="更换锁芯后恢复正常")
            self.notify()
        mail = self.mails(ticket, f"Service request {ticket.number} resolved")
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.recipient_ids, self.contact)
        self.assertIn(ticket.number, mail.subject)
        body = mail.body_html
        self.assertIn("更换锁芯后恢复正常", body)
        self.assertIn("Nov 21, 2026, 3:00:00", body)
        self.assertIn("王伟", body)
        self.assertIn(f"/my/aftersales/tickets/{ticket.id}?access_token=", body)
        self.assertIn("Review and accept", body)
        self.assertIn("within 7 days", " ".join(body.split()))
        if "survey_input_ids" not in ticket:
            self.assertNotIn("/survey/", body)

    def test_ticket_resolved_links_a_pending_survey(self):
        """With aftersales_survey installed, a pending invitation of the contact
        is linked from the resolution e-mail (aftersales_sla does not depend on
        it: the template checks that the field exists)."""
        if "survey_input_ids" not in self.Ticket:
            self.skipTest("aftersales_survey is not installed")
        survey = self.env["survey.survey"].create(
            {"title": "服务满意度调查", "access_mode": "token"}
        )
        self.contract.sudo().survey_id = survey
        ticket = self.report_ticket(user_id=self.tech.id)
        invitation = self.env["survey.user_input"]._aftersales_invite(
            self.contract, self.contact, "manual", ticket=ticket
        )
        with freeze_time(shanghai(2026, 11, 21, 15, 0)):
            ticket.action_resolve()
            self.notify()
        mail = self.mails(ticket, f"Service request {ticket.number} resolved")
        self.assertIn(invitation.get_start_url(), mail.body_html.replace("&amp;", "&"))

    def test_no_recipient_with_an_email_sends_nothing_quietly(self):
        self.contact.email = False
        self.customer.email = False
        with (
            freeze_time("2026-11-20 13:05:00"),
            self.assertLogs(EVENT_LOGGER, level=logging.INFO) as logs,
        ):
            ticket = self.report(contact_id=self.contact.id)
            self.notify()
        self.assertFalse(
            self.mails(ticket, f"Service request {ticket.number} received")
        )
        self.assertTrue(any("1 ticket.reported" in line for line in logs.output))
        # INFO only: Odoo names its level 25 "INFO" too, hence the numeric levels.
        self.assertTrue(all(record.levelno == logging.INFO for record in logs.records))

    def test_silenced_by_server_code_only(self):
        with freeze_time("2026-11-20 13:05:00"):
            with notifications_silenced():
                ticket = self.Ticket.create(
                    {"name": "批量导入", "partner_id": self.customer.id}
                )
            # The old context key is an RPC caller's to set: it silences nothing.
            loud = self.Ticket.with_context(aftersales_no_notify=True).create(
                {"name": "RPC import", "partner_id": self.customer.id}
            )
            self.notify()
        self.assertFalse(
            self.mails(ticket, f"Service request {ticket.number} received")
        )
        self.assertTrue(self.mails(loud, f"Service request {loud.number} received"))

    def test_rolled_back_fact_sends_nothing(self):
        received = [
            ("model", "=", "aftersales.ticket"),
            ("subject", "ilike", "received"),
        ]
        before = self.env["mail.mail"].search(received)
        with freeze_time("2026-11-20 13:05:00"):
            with self.assertRaises(RuntimeError), self.env.cr.savepoint():
                self.report(contact_id=self.contact.id)
                raise RuntimeError("the request failed")
            self.notify()
        self.assertEqual(self.env["mail.mail"].search(received), before)

    def test_a_template_that_fails_does_not_fail_the_business(self):
        """A template that does not render fails neither the business action nor
        the notification: it is tried again, then marked failed with its error
        for the managers, who fix the template and retry."""
        template = self.env.ref("aftersales_sla.mail_template_ticket_received")
        body = template.body_html
        template.body_html = '<p><t t-out="object.no_such_field"/></p>'
        with (
            freeze_time("2026-11-20 13:05:00"),
            self.assertLogs(EVENT_LOGGER, level=logging.WARNING) as logs,
        ):
            ticket = self.report(contact_id=self.contact.id)
            self.notify()
        self.assertTrue(ticket.exists())
        self.assertEqual(ticket.sla_ids.mapped("state"), ["running", "running"])
        self.assertIn("retried later", logs.output[0])
        notification = self.env["aftersales.event.notification"].search(
            [("res_model", "=", ticket._name), ("res_id", "=", ticket.id)]
        )
        self.assertEqual(notification.state, "pending")
        self.assertEqual(notification.attempts, 1)
        self.assertIn("no_such_field", notification.last_error)
        # Tried again when due (1 min, then 5 min later), then failed for good.
        with self.assertLogs(EVENT_LOGGER, level=logging.ERROR) as logs:
            for moment in ("2026-11-20 13:06:30", "2026-11-20 13:12:00"):
                with freeze_time(moment):
                    self.notify()
        self.assertIn("could not be sent after 3 attempts", logs.output[-1])
        self.assertEqual(notification.state, "failed")
        self.assertEqual(notification.attempts, 3)
        self.assertFalse(
            self.mails(ticket, f"Service request {ticket.number} received")
        )
        # Managers see it and retry it once the template is fixed.
        failed = (
            self.env["aftersales.event.notification"]
            .with_user(self.manager)
            .search([("state", "=", "failed")])
        )
        self.assertIn(notification, failed)
        with self.assertRaises(AccessError):
            notification.with_user(self.tech).action_retry()
        template.body_html = body
        with freeze_time("2026-11-20 13:20:00"):
            notification.with_user(self.manager).action_retry()
            self.notify()
        self.assertEqual(notification.state, "sent")
        self.assertEqual(
            len(self.mails(ticket, f"Service request {ticket.number} received")), 1
        )

    # ------------------------------------------------------------------
    # SLA warning and breach (internal)
    # ------------------------------------------------------------------

    def test_sla_warning_to_assignee_and_team_leader_only(self):
        ticket = self.report_ticket(user_id=self.tech.id, team_id=self.team.id)
        # 80 % of the 12 h response target is reached Saturday 16:36.
        with freeze_time(shanghai(2026, 11, 21, 17, 0)):
            self.watch()
            self.notify()
            self.watch()
            self.notify()
        mail = self.mails(ticket, "SLA at risk:")
        self.assertEqual(len(mail), 1, "once per clock")
        self.assertEqual(mail.recipient_ids, (self.tech | self.lead).partner_id)
        self.assertIn(ticket.number, mail.subject)
        body = mail.body_html
        self.assertIn("Response", body)
        self.assertIn("Nov 21, 2026, 7:00:00", body)
        self.assertIn("83", body)  # 10 of 12 business hours at 17:00
        self.assertIn(
            f"/mail/view?model=aftersales.ticket&amp;res_id={ticket.id}", body
        )
        self.assertEqual(mail.mail_message_id.subtype_id, self.env.ref("mail.mt_note"))
        self.assert_customer_never_got("SLA at risk:")

    def test_sla_breach_to_assignee_leader_and_contract_manager(self):
        ticket = self.report_ticket(user_id=self.tech.id, team_id=self.team.id)
        with freeze_time(shanghai(2026, 11, 22, 9, 0)):
            self.watch()
            self.notify()
            self.watch()
            self.notify()
        mail = self.mails(ticket, "SLA breached:")
        self.assertEqual(len(mail), 1, "once per breach")
        self.assertEqual(
            mail.recipient_ids, (self.tech | self.lead | self.manager).partner_id
        )
        body = mail.body_html
        self.assertIn(ticket.number, body)
        self.assertIn("Response", body)
        self.assertIn("Nov 21, 2026, 7:00:00", body)
        # Saturday 19:00-22:00 and Sunday 08:00-09:00.
        self.assertIn("4.0", body)
        self.assertEqual(mail.mail_message_id.subtype_id, self.env.ref("mail.mt_note"))
        self.assert_customer_never_got("SLA breached:")

    def test_the_customer_is_never_an_internal_recipient(self):
        """Even when the customer's contact follows the contract, it gets no
        breach: internal notes keep internal users only."""
        self.contract.message_subscribe(partner_ids=self.contact.ids)
        ticket = self.report_ticket(user_id=self.tech.id)
        with freeze_time(shanghai(2026, 11, 22, 9, 0)):
            self.watch()
            self.notify()
        self.assertTrue(self.mails(ticket, "SLA breached:"))
        self.assert_customer_never_got("SLA breached:")

    # ------------------------------------------------------------------
    # Disputes
    # ------------------------------------------------------------------

    def assess(self, amount=500.0):
        with freeze_time("2026-11-25 02:00:00"):
            return self.Penalty.with_user(self.manager)._assess_manual(
                self.contract, amount, "Technician arrived late"
            )

    def test_dispute_reduced_tells_the_new_amount(self):
        penalty = self.assess()
        penalty.action_dispute("客户称系停电所致")
        penalty.action_resolve_dispute(
            "reduce", amount=200.0, opinion="双方各承担部分责任"
        )
        self.notify()
        mail = self.mails(penalty, "Your dispute")
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.recipient_ids, self.customer)
        self.assertIn(penalty.name, mail.subject)
        body = mail.body_html
        self.assertIn("reduced", body)
        self.assertIn("200.00", body)
        self.assertIn("300.00", body)
        self.assertIn("双方各承担部分责任", body)
        self.assertIn("客户称系停电所致", body)
        self.assertIn("/my/aftersales/penalties", body)

    def test_dispute_upheld_and_waived(self):
        upheld = self.assess()
        upheld.action_dispute("Not our fault")
        upheld.action_resolve_dispute("uphold")
        waived = self.assess(300.0)
        waived.action_dispute("Power cut")
        waived.action_resolve_dispute("waive", opinion="Force majeure confirmed")
        self.notify()
        mail = self.mails(upheld, "Your dispute")
        self.assertEqual(len(mail), 1)
        self.assertIn("upheld", mail.body_html)
        self.assertIn("500.00", mail.body_html)
        mail = self.mails(waived, "Your dispute")
        self.assertEqual(len(mail), 1)
        self.assertIn("waived", mail.body_html)
        self.assertIn("Force majeure confirmed", mail.body_html)
        # A waiver after an upheld dispute is no dispute outcome: nothing more.
        upheld.with_user(self.manager).action_waive("goodwill")
        self.notify()
        self.assertEqual(len(self.mails(upheld, "Your dispute")), 1)

    def test_waiver_without_dispute_sends_nothing(self):
        penalty = self.assess()
        penalty.action_waive("goodwill")
        self.notify()
        self.assertFalse(self.mails(penalty, "Your dispute"))

    def test_dispute_outcome_also_to_the_portal_user_who_disputed(self):
        portal = new_test_user(
            self.env,
            "notify_portal_li",
            groups="base.group_portal",
            partner_id=self.contact.id,
        )
        penalty = self.assess()
        penalty.with_user(portal).action_dispute("The technician never came")
        penalty.with_user(self.manager).action_resolve_dispute("uphold")
        self.notify()
        mail = self.mails(penalty, "Your dispute")
        self.assertEqual(mail.recipient_ids, self.customer | self.contact)

    # ------------------------------------------------------------------
    # SLA statement, sent from its wizard
    # ------------------------------------------------------------------

    def test_statement_sent_from_the_wizard(self):
        penalty = self.assess(500.0)
        disputed = self.assess(250.0)
        disputed.action_dispute("Under review")
        statement = (
            self.env["aftersales.sla.statement"]
            .with_user(self.manager)
            .create(
                {
                    "contract_id": self.contract.id,
                    "date_from": date(2026, 11, 1),
                    "date_to": date(2026, 11, 30),
                }
            )
        )
        action = statement.action_send_by_email()
        self.assertEqual(action["res_model"], "mail.compose.message")
        composer_form = Form(
            self.env["mail.compose.message"]
            .with_user(self.manager)
            .with_context(**action["context"])
        )
        self.assertEqual(composer_form.partner_ids[:], self.customer)
        composer = composer_form.save()
        composer.action_send_mail()
        self.notify()
        mail = self.mails(self.contract, "SLA statement of contract")
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.recipient_ids, self.customer)
        self.assertIn(self.contract.name, mail.subject)
        self.assertIn("11/01/2026", mail.subject)
        self.assertIn("11/30/2026", mail.subject)
        body = mail.body_html
        self.assertIn("750.00", body)  # assessed in the period
        self.assertIn("250.00", body)  # in dispute
        self.assertIn("9,250.00", body)  # left under the 10 % term cap
        self.assertIn(f"/my/aftersales/contracts/{self.contract.id}", body)
        message = mail.mail_message_id
        self.assertIn(message, self.contract.message_ids)
        if self.env.ref("aftersales_sla.action_report_sla_statement", False):
            self.assertEqual(len(message.attachment_ids), 1)
            self.assertEqual(message.attachment_ids.res_model, "aftersales.contract")
        self.assertTrue(penalty.exists())

    # ------------------------------------------------------------------
    # Language
    # ------------------------------------------------------------------

    def test_rendered_in_the_customers_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["aftersales_sla"], ["zh_CN"])
        self.contact.lang = "zh_CN"
        ticket = self.report_ticket()
        self.assertFalse(
            self.mails(ticket, f"Service request {ticket.number} received")
        )
        mail = self.mails(ticket, "")
        self.assertEqual(len(mail), 1)
        # Subject and body from the template's zh_CN translation.
        self.assertIn(ticket.number, mail.subject)
        self.assertIn("服务请求", mail.subject)
        body = mail.body_html
        # The metric's label from zh_CN.po, and a Chinese date.
        self.assertIn("响应", body)
        self.assertIn("2026年11月21日", body)
        self.assertNotIn("Nov 21, 2026", body)
