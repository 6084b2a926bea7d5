"""Sending satisfaction surveys: after a ticket closes (to a reproducible sample),
periodically, reminders; and who may trigger them."""

import json
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, new_test_user, tagged

from ..tools import kpi


def make_survey(env, title="售后服务满意度调查"):
    """A one-page survey: a single choice scored 10/7/4/0 (attitude), a 1-5 scale
    and a 0-10 number (quality), a multiple choice scored 5/5/0 (timeliness) and an
    unmapped text question."""
    ref = env.ref
    return env["survey.survey"].create(
        {
            "title": title,
            "access_mode": "token",
            "users_login_required": False,
            "questions_layout": "one_page",
            "question_and_page_ids": [
                Command.create(
                    {
                        "title": "How courteous was our technician?",
                        "sequence": 1,
                        "question_type": "simple_choice",
                        "constr_mandatory": False,
                        "aftersales_indicator_id": ref(
                            "aftersales_survey.indicator_attitude"
                        ).id,
                        "suggested_answer_ids": [
                            Command.create({"value": value, "answer_score": score})
                            for value, score in (
                                ("Very", 10),
                                ("Rather", 7),
                                ("Hardly", 4),
                                ("Not at all", 0),
                            )
                        ],
                    }
                ),
                Command.create(
                    {
                        "title": "How well was the problem solved?",
                        "sequence": 2,
                        "question_type": "scale",
                        "scale_min": 1,
                        "scale_max": 5,
                        "constr_mandatory": False,
                        "aftersales_indicator_id": ref(
                            "aftersales_survey.indicator_quality"
                        ).id,
                    }
                ),
                Command.create(
                    {
                        "title": "How likely is the fix to last (0-10)?",
                        "sequence": 3,
                        "question_type": "numerical_box",
                        "validation_required": True,
                        "validation_min_float_value": 0,
                        "validation_max_float_value": 10,
                        "constr_mandatory": False,
                        "aftersales_indicator_id": ref(
                            "aftersales_survey.indicator_quality"
                        ).id,
                    }
                ),
                Command.create(
                    {
                        "title": "What was on time?",
                        "sequence": 4,
                        "question_type": "multiple_choice",
                        "constr_mandatory": False,
                        "aftersales_indicator_id": ref(
                            "aftersales_survey.indicator_timeliness"
                        ).id,
                        "suggested_answer_ids": [
                            Command.create({"value": value, "answer_score": score})
                            for value, score in (
                                ("Arrival", 5),
                                ("Repair", 5),
                                ("Nothing", 0),
                            )
                        ],
                    }
                ),
                Command.create(
                    {
                        "title": "Anything else?",
                        "sequence": 5,
                        "question_type": "text_box",
                        "constr_mandatory": False,
                    }
                ),
            ],
        }
    )


def setup_survey_data(cls):
    """Service terms, a customer with two contacts, a technician and an active
    contract that surveys every closed ticket (weights: attitude 2, quality 1)."""
    env = cls.env
    today = fields.Date.context_today(env["res.partner"])
    calendar = env["resource.calendar"].create(
        {
            "name": "7x14",
            "tz": "Asia/Shanghai",
            "attendance_ids": [Command.clear()]
            + [
                Command.create(
                    {
                        "name": str(day),
                        "dayofweek": str(day),
                        "hour_from": 8,
                        "hour_to": 22,
                    }
                )
                for day in range(7)
            ],
        }
    )
    cls.policy = env["aftersales.sla.policy"].create(
        {
            "name": "Survey SLA",
            "target_ids": [
                Command.create(
                    {"metric": "response", "priority": "1", "target_hours": 12}
                )
            ],
        }
    )
    cls.calendar = calendar
    cls.customer = env["res.partner"].create(
        {"name": "深圳安居物业", "is_company": True, "email": "office@anju.example"}
    )
    cls.contact = env["res.partner"].create(
        {"name": "李女士", "parent_id": cls.customer.id, "email": "li@anju.example"}
    )
    cls.silent_contact = env["res.partner"].create(
        {"name": "No Mail", "parent_id": cls.customer.id}
    )
    cls.technician = new_test_user(
        env,
        login="survey_technician",
        groups="aftersales_sla.group_aftersales_user",
    )
    cls.team = env["aftersales.team"].create(
        {"name": "Shenzhen field team", "member_ids": [Command.link(cls.technician.id)]}
    )
    cls.survey = make_survey(env)
    cls.attitude = env.ref("aftersales_survey.indicator_attitude")
    cls.quality = env.ref("aftersales_survey.indicator_quality")
    cls.timeliness = env.ref("aftersales_survey.indicator_timeliness")
    cls.today = today
    cls.contract = make_contract(cls, cls.customer)


def make_contract(cls, partner, **values):
    contract = cls.env["aftersales.contract"].create(
        dict(
            {
                "partner_id": partner.id,
                "title": "智能门锁维保",
                "date_start": cls.today - timedelta(days=60),
                "date_end": cls.today + timedelta(days=300),
                "calendar_id": cls.calendar.id,
                "sla_policy_id": cls.policy.id,
                "survey_id": cls.survey.id,
                "survey_after_close": True,
                "survey_sample_percent": 100,
                "survey_expiry_days": 14,
                "survey_reminder_days": 3,
                "survey_max_reminders": 2,
                "indicator_ids": [
                    Command.create({"indicator_id": cls.attitude.id, "weight": 2}),
                    Command.create({"indicator_id": cls.quality.id, "weight": 1}),
                ],
            },
            **values,
        )
    )
    contract.action_activate()
    return contract


def make_ticket(cls, contract=None, **values):
    contract = cls.contract if contract is None else contract
    return cls.env["aftersales.ticket"].create(
        dict(
            {
                "name": "门锁无法开启",
                "partner_id": (contract.partner_id or cls.customer).id,
                "contact_id": cls.contact.id,
                "contract_id": contract.id or False,
                "user_id": cls.technician.id,
                "team_id": cls.team.id,
            },
            **values,
        )
    )


class SurveyCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_survey_data(cls)
        cls.Input = cls.env["survey.user_input"]

    def invitations(self, **domain):
        return self.Input.search(
            [("aftersales_contract_id", "!=", False)]
            + [(name, "=", value) for name, value in domain.items()]
        )

    def events(self, event_type, user_input):
        return self.env["aftersales.event"].search(
            [
                ("event_type", "=", event_type),
                ("res_model", "=", "survey.user_input"),
                ("res_id", "in", user_input.ids),
            ]
        )

    def mails(self, user_input):
        return self.env["mail.mail"].search(
            [("model", "=", "survey.user_input"), ("res_id", "=", user_input.id)]
        )


@tagged("post_install", "-at_install")
class TestSurveyAfterClose(SurveyCase):
    def test_technician_closes_ticket_and_its_contact_is_invited_once(self):
        ticket = make_ticket(self)
        as_technician = ticket.with_user(self.technician)
        as_technician.action_resolve()
        as_technician.action_close()

        invitation = self.invitations(aftersales_ticket_id=ticket.id)
        self.assertEqual(len(invitation), 1)
        self.assertEqual(invitation.partner_id, self.contact)
        self.assertEqual(invitation.survey_id, self.survey)
        self.assertEqual(invitation.aftersales_trigger, "ticket_closed")
        self.assertEqual(invitation.state, "new")
        self.assertEqual(
            invitation.deadline, invitation.aftersales_sent_at + timedelta(days=14)
        )
        # The e-mail carries the personal link, absolute, and the ticket.
        mail = self.mails(invitation)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.recipient_ids, self.contact)
        link = invitation.get_base_url() + invitation.get_start_url()
        self.assertTrue(link.startswith("http"))
        self.assertIn(link, mail.body_html)
        self.assertIn(ticket.number, mail.subject)
        self.assertIn(ticket.number, mail.body_html)
        # One survey.sent event, by the technician who closed the ticket.
        event = self.events("survey.sent", invitation)
        self.assertEqual(len(event), 1)
        self.assertEqual(event.author_id, self.technician)
        self.assertEqual(event.company_id, self.contract.company_id)
        payload = json.loads(event.payload)
        self.assertEqual(payload["contract"], self.contract.id)
        self.assertEqual(payload["contract_name"], self.contract.name)
        self.assertEqual(payload["ticket"], ticket.id)
        self.assertEqual(payload["partner"], self.contact.id)
        self.assertEqual(payload["trigger"], "ticket_closed")
        self.assertEqual(payload["survey"], self.survey.id)
        self.assertEqual(
            payload["deadline"], fields.Datetime.to_string(invitation.deadline)
        )

        # Whatever runs the close hook again, the ticket is not surveyed twice.
        ticket._survey_after_close()
        self.assertEqual(self.invitations(aftersales_ticket_id=ticket.id), invitation)

    def test_technician_has_no_survey_rights(self):
        ticket = make_ticket(self)
        ticket.action_resolve()
        ticket.action_close()
        Score = self.env["aftersales.survey.score"].with_user(self.technician)
        with self.assertRaises(AccessError):
            Score.search([])
        with self.assertRaises(AccessError):
            self.Input.with_user(self.technician).search(
                [("aftersales_ticket_id", "=", ticket.id)]
            )
        with self.assertRaises(AccessError):
            ticket.with_user(self.technician).action_send_survey()

    def test_accepted_ticket_invites_the_customer_without_contact(self):
        ticket = make_ticket(self, contact_id=False)
        ticket.action_resolve()
        ticket.action_accept()
        self.assertEqual(ticket.state, "closed")
        invitation = self.invitations(aftersales_ticket_id=ticket.id)
        self.assertEqual(invitation.partner_id, self.customer)

    def test_no_invitation_when_nobody_can_be_asked(self):
        walk_in = self.env["res.partner"].create(
            {"name": "Walk-in customer", "email": "walk-in@example.com"}
        )
        without_contract = make_ticket(
            self,
            contract=self.env["aftersales.contract"],
            partner_id=walk_in.id,
            contact_id=False,
        )
        self.assertFalse(without_contract.contract_id)
        without_mail = make_ticket(self, contact_id=self.silent_contact.id)
        quiet = make_contract(self, self.customer, survey_after_close=False)
        not_surveyed = make_ticket(self, contract=quiet)
        tickets = without_contract | without_mail | not_surveyed
        tickets.action_close()
        self.assertEqual(tickets.mapped("state"), ["closed"] * 3)
        self.assertFalse(
            self.Input.search([("aftersales_ticket_id", "in", tickets.ids)])
        )

    def test_manual_survey_by_a_manager(self):
        manager = new_test_user(
            self.env,
            login="survey_manager_a",
            groups="aftersales_sla.group_aftersales_manager",
        )
        ticket = make_ticket(self)
        ticket.with_user(manager).action_send_survey()
        invitation = self.invitations(aftersales_ticket_id=ticket.id)
        self.assertEqual(invitation.aftersales_trigger, "manual")
        self.assertEqual(invitation.partner_id, self.contact)

    def test_contract_without_survey_is_refused(self):
        contract = make_contract(self, self.customer, survey_id=False)
        with self.assertRaisesRegex(UserError, "has no satisfaction survey"):
            self.Input._aftersales_invite(contract, self.contact, "manual")


@tagged("post_install", "-at_install")
class TestSurveySample(SurveyCase):
    def close(self, contract, count):
        tickets = self.env["aftersales.ticket"]
        for _index in range(count):
            tickets |= make_ticket(self, contract=contract)
        tickets.action_close()
        surveyed = self.Input.search(
            [("aftersales_ticket_id", "in", tickets.ids)]
        ).aftersales_ticket_id
        return tickets, surveyed

    def test_half_sample_is_the_documented_reproducible_one(self):
        contract = make_contract(self, self.customer, survey_sample_percent=50)
        tickets, surveyed = self.close(contract, 20)
        # The documented rule: SHA-256 of "<contract id>:<ticket id>".
        expected = tickets.filtered(
            lambda ticket: kpi.in_sample(ticket.id, 50, salt=contract.id)
        )
        self.assertEqual(surveyed, expected)
        self.assertTrue(0 < len(surveyed) < 20, len(surveyed))
        # The same tickets on a second run.
        self.assertEqual(tickets.filtered(lambda t: t._survey_sampled()), expected)

    def test_sample_share_over_many_tickets(self):
        share = sum(
            kpi.in_sample(ticket_id, 30, salt=self.contract.id)
            for ticket_id in range(1, 4001)
        )
        self.assertTrue(1080 <= share <= 1320, share)  # 30 % of 4000, +-3 points

    def test_no_sample_and_full_sample(self):
        nobody = make_contract(self, self.customer, survey_sample_percent=0)
        _tickets, surveyed = self.close(nobody, 10)
        self.assertFalse(surveyed)
        everybody = make_contract(self, self.customer, survey_sample_percent=100)
        tickets, surveyed = self.close(everybody, 10)
        self.assertEqual(surveyed, tickets)


@tagged("post_install", "-at_install")
class TestSurveyPeriodic(SurveyCase):
    def setUp(self):
        super().setUp()
        # Only this test's contracts are due.
        self.env["aftersales.contract"].search([]).write({"survey_every_months": 0})

    def test_periodic_survey_is_sent_on_its_day_once(self):
        contract = make_contract(
            self,
            self.customer,
            survey_every_months=3,
            survey_next_date=self.today,
            survey_partner_ids=[Command.set((self.contact | self.silent_contact).ids)],
        )
        later = make_contract(
            self,
            self.customer,
            survey_every_months=3,
            survey_next_date=self.today + timedelta(days=1),
        )
        self.Input._cron_aftersales_periodic()
        sent = self.invitations(aftersales_contract_id=contract.id)
        self.assertEqual(sent.partner_id, self.contact)  # the one with an e-mail
        self.assertEqual(sent.aftersales_trigger, "periodic")
        self.assertFalse(sent.aftersales_ticket_id)
        self.assertEqual(len(self.events("survey.sent", sent)), 1)
        self.assertEqual(
            contract.survey_next_date, self.today + relativedelta(months=3)
        )
        self.assertFalse(self.invitations(aftersales_contract_id=later.id))
        # A second run the same day sends nothing more.
        self.Input._cron_aftersales_periodic()
        self.assertEqual(self.invitations(aftersales_contract_id=contract.id), sent)
        self.assertEqual(
            contract.survey_next_date, self.today + relativedelta(months=3)
        )

    def test_first_and_late_periodic_surveys(self):
        first = make_contract(self, self.customer, survey_every_months=6)
        late_date = self.today - relativedelta(months=7)
        late = make_contract(
            self, self.customer, survey_every_months=3, survey_next_date=late_date
        )
        draft = self.env["aftersales.contract"].create(
            {
                "partner_id": self.customer.id,
                "title": "Not in force",
                "date_start": self.today,
                "date_end": self.today + timedelta(days=300),
                "survey_id": self.survey.id,
                "survey_every_months": 1,
            }
        )
        self.Input._cron_aftersales_periodic()
        # No survey contacts: the customer.
        self.assertEqual(
            self.invitations(aftersales_contract_id=first.id).partner_id, self.customer
        )
        self.assertEqual(first.survey_next_date, self.today + relativedelta(months=6))
        # Seven months late: sent once, the next date is the first one after today
        # on the contract's own rhythm (late + 3 + 3 + 3 months).
        self.assertEqual(len(self.invitations(aftersales_contract_id=late.id)), 1)
        self.assertEqual(late.survey_next_date, late_date + relativedelta(months=9))
        self.assertGreater(late.survey_next_date, self.today)
        self.assertFalse(self.invitations(aftersales_contract_id=draft.id))

    def test_batches(self):
        contracts = make_contract(
            self, self.customer, survey_every_months=1, survey_next_date=self.today
        ) | make_contract(
            self, self.customer, survey_every_months=1, survey_next_date=self.today
        )
        first = self.Input._cron_aftersales_periodic(batch_size=1)
        self.assertEqual(len(first), 1)
        second = self.Input._cron_aftersales_periodic(batch_size=1)
        self.assertEqual(first | second, contracts)
        self.assertFalse(self.Input._cron_aftersales_periodic(batch_size=1))


@tagged("post_install", "-at_install")
class TestSurveyReminders(SurveyCase):
    def invite(self, days_ago=4, contract=None):
        invitation = self.Input._aftersales_invite(
            contract or self.contract, self.contact, "manual"
        )
        sent = fields.Datetime.now() - timedelta(days=days_ago)
        invitation.write({"aftersales_sent_at": sent, "deadline": sent + timedelta(14)})
        return invitation

    def reminders(self, invitation):
        template = self.env.ref("aftersales_survey.mail_template_survey_reminder")
        subject = template._render_field("subject", invitation.ids)[invitation.id]
        return self.mails(invitation).filtered(lambda mail: mail.subject == subject)

    def test_reminders_until_the_maximum(self):
        invitation = self.invite(days_ago=4)
        fresh = self.invite(days_ago=1)
        self.Input._cron_aftersales_reminders()
        self.assertEqual(invitation.aftersales_reminder_count, 1)
        self.assertTrue(invitation.aftersales_reminded_at)
        self.assertEqual(len(self.reminders(invitation)), 1)
        self.assertEqual(self.reminders(invitation).recipient_ids, self.contact)
        self.assertEqual(fresh.aftersales_reminder_count, 0)
        self.assertFalse(self.reminders(fresh))
        # Again right away: the last reminder is too recent.
        self.Input._cron_aftersales_reminders()
        self.assertEqual(invitation.aftersales_reminder_count, 1)
        # Three days after the first reminder: the second and last one.
        invitation.aftersales_reminded_at -= timedelta(days=3)
        self.Input._cron_aftersales_reminders()
        self.assertEqual(invitation.aftersales_reminder_count, 2)
        invitation.aftersales_reminded_at -= timedelta(days=3)
        self.Input._cron_aftersales_reminders()
        self.assertEqual(invitation.aftersales_reminder_count, 2)
        self.assertEqual(len(self.reminders(invitation)), 2)

    def test_no_reminder_for_answered_expired_or_unreminded(self):
        answered = self.invite()
        answered._mark_done()
        expired = self.invite(days_ago=20)  # deadline 6 days ago
        never = self.invite(contract=make_contract(self, self.customer))
        never.aftersales_contract_id.survey_reminder_days = 0
        self.Input._cron_aftersales_reminders()
        for invitation in answered | expired | never:
            self.assertEqual(invitation.aftersales_reminder_count, 0)
            self.assertFalse(self.reminders(invitation))
