"""Complaint figures of a contract evaluation on a constructed March: the complaint
count, the complaint rate (per 100 service tickets) and the complaints resolved on
time (per the complaint feedback clock), a rejected and reopened complaint counted
once, and the complaint rate's threshold closing into an activity and a penalty."""

from datetime import date, datetime

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import BaseCase, new_test_user, tagged

from odoo.addons.aftersales_sla.tests.common import TicketCase, shanghai
from odoo.addons.aftersales_sla.tools import door

from ..tools import evaluation as kpis


def at(*args):
    """Freeze the clock at a Shanghai wall-clock time."""
    return freeze_time(shanghai(*args))


class ComplaintKpiCase(TicketCase):
    """March 2026 on the 08:00-22:00 Shanghai calendar; complaint response 2 h and
    complaint feedback 8 h (business hours).

    ========  ===========  ==========================================  ==========
    ticket    reported     work                                        on time?
    ========  ===========  ==========================================  ==========
    S1..S5    03-02..03-06 service tickets (not complaints)
    C1        03-10 09:00  resolved 12:00 (3 h)                        yes
    C2        03-11 09:00  feedback breached 17:00, resolved 19:00     no
    C3        03-12 09:00  resolved 10:00, rejected, reopened 03-13     yes, once
                           09:00, resolved 10:00 (2 h in all)
    C4        03-30 20:00  still open                                  not yet
    CF        02-20 09:00  resolved 02-20 10:00 (February)             February's
    ========  ===========  ==========================================  ==========

    March: 4 complaints / 5 service tickets = 80 %; resolved in March: C1, C2, C3,
    on time C1 and C3 = 66.67 %.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy.write(
            {
                "target_ids": [
                    (
                        0,
                        0,
                        {
                            "metric": metric,
                            "priority": "1",
                            "target_hours": hours,
                            "calendar_id": cls.calendar.id,
                        },
                    )
                    for metric, hours in (
                        ("complaint_response", 2),
                        ("complaint_feedback", 8),
                    )
                ]
            }
        )
        cls.kpi_manager = new_test_user(
            cls.env,
            "complaint_kpi_manager",
            groups="aftersales_sla.group_aftersales_manager",
            tz="Asia/Shanghai",
        )
        cls.contract.action_terminate(reason="replaced by the evaluated contract")
        cls.evaluated = cls.env["aftersales.contract"].create(
            {
                "partner_id": cls.customer.id,
                "title": "Smart lock service with complaint figures",
                "date_start": date(2026, 1, 1),
                "date_end": date(2026, 12, 31),
                "amount_value": 365000,
                "calendar_id": cls.calendar.id,
                "sla_policy_id": cls.policy.id,
                "kpi_manager_id": cls.kpi_manager.id,
                "penalty_rule_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "Complaint rate",
                            "rule_type": "percent_period_fee",
                            "percent": 5,
                            "kpi": "complaint_rate",
                        },
                    ),
                ],
                "kpi_threshold_ids": [
                    (0, 0, {"kpi": "complaint_rate", "threshold": 50}),
                    (0, 0, {"kpi": "complaint_timeliness", "threshold": 60}),
                ],
            }
        )
        cls.evaluated.action_activate()
        cls.complaint_type = cls.env.ref("aftersales_sla.service_type_complaint")
        cls.service_tickets = cls.Ticket.browse()
        for day in range(2, 7):
            cls.service_tickets |= cls.work((2026, 3, day, 9, 0), [])
        cls.c1 = cls.complain((2026, 3, 10, 9, 0), [((2026, 3, 10, 12, 0), "resolve")])
        cls.c2 = cls.complain(
            (2026, 3, 11, 9, 0),
            [((2026, 3, 11, 17, 30), "watch"), ((2026, 3, 11, 19, 0), "resolve")],
        )
        cls.c3 = cls.complain(
            (2026, 3, 12, 9, 0),
            [
                ((2026, 3, 12, 10, 0), "resolve"),
                ((2026, 3, 13, 9, 0), "reject"),
                ((2026, 3, 13, 10, 0), "resolve"),
            ],
        )
        cls.c4 = cls.complain((2026, 3, 30, 20, 0), [])
        cls.february = cls.complain(
            (2026, 2, 20, 9, 0), [((2026, 2, 20, 10, 0), "resolve")]
        )
        cls.Evaluation = cls.env["aftersales.evaluation"]

    @classmethod
    def work(cls, reported, steps, **values):
        """A ticket reported at the Shanghai time ``reported``, then each step
        (moment, action name) at its moment."""
        values = dict({"name": "门锁故障", "partner_id": cls.customer.id}, **values)
        with at(*reported):
            ticket = cls.Ticket.create(dict(values, reported_at=shanghai(*reported)))
        for moment, action in steps:
            with at(*moment):
                cls.step(ticket, action)
        return ticket

    @classmethod
    def step(cls, ticket, action):
        if action == "resolve":
            ticket.action_resolve()
        elif action == "watch":
            cls.env["aftersales.ticket.sla"]._cron_sla_watch()
        elif action == "reject":
            # What the complainant's rejection does (the complaints desk): the
            # rejection counted, the complaint reopened.
            if "complaint_rejection_count" in ticket._fields:
                cls.set_complaint(
                    ticket,
                    complaint_rejection_count=ticket.complaint_rejection_count + 1,
                )
            ticket.action_reopen(reason="投诉人不接受处理结果 / outcome rejected")

    @classmethod
    def set_complaint(cls, ticket, **values):
        """Write complaint fields as the complaints desk's actions would (set-up
        only: through the ticket's door, whichever of them the desk guards)."""
        with door.opened("aftersales.ticket"):
            ticket.sudo().write(values)

    @classmethod
    def complain(cls, reported, steps, **values):
        return cls.work(
            reported,
            steps,
            **dict(
                {"name": "投诉：师傅迟到", "service_type_id": cls.complaint_type.id},
                **values,
            ),
        )

    def evaluate(self, month, contract=None):
        evaluation = self.Evaluation.create(
            {
                "contract_id": (contract or self.evaluated).id,
                "period_type": "month",
                "date_from": date(2026, month, 1),
            }
        )
        with freeze_time("2026-04-02 08:00:00"):
            evaluation.with_user(self.kpi_manager).action_compute()
        return evaluation

    @staticmethod
    def figures(record):
        return {
            line.kpi: round(line.value, 2) if line.has_value else None
            for line in record.kpi_line_ids
        }


@tagged("post_install", "-at_install")
class TestComplaintKpis(ComplaintKpiCase):
    def test_clocks_as_built(self):
        # The scenario's clocks are what the figures below assume.
        feedback = {
            ticket: self.line(ticket, "complaint_feedback")
            for ticket in (self.c1, self.c2, self.c3)
        }
        self.assertEqual(feedback[self.c1].state, "met")
        self.assertEqual(feedback[self.c2].state, "breached")
        self.assertEqual(feedback[self.c3].state, "met")
        self.assertEqual(feedback[self.c3].elapsed_seconds, 2 * 3600)
        self.assertEqual(self.c3.reopen_count, 1)

    def test_march_complaint_figures(self):
        figures = self.figures(self.evaluate(3))
        self.assertEqual(figures["complaint_count"], 4)
        # 4 complaints per 5 service tickets.
        self.assertEqual(figures["complaint_rate"], 80.0)
        # C1 and C3 on time, C2 late; C3 counted once although resolved twice.
        self.assertEqual(figures["complaint_timeliness"], 66.67)

    def test_february_and_april(self):
        february = self.figures(self.evaluate(2))
        self.assertEqual(february["complaint_count"], 1)
        # A complaint but no service ticket: no rate to give.
        self.assertIsNone(february["complaint_rate"])
        self.assertEqual(february["complaint_timeliness"], 100.0)
        april = self.figures(self.evaluate(4))
        self.assertEqual(april["complaint_count"], 0)
        self.assertIsNone(april["complaint_timeliness"])

    def test_reopened_complaint_counts_in_the_period_of_its_last_resolution(self):
        # Rejected again in April and resolved late: March no longer counts it,
        # April does, once.
        with at(2026, 4, 1, 9, 0):
            self.step(self.c1, "reject")
        with at(2026, 4, 1, 22, 0):
            self.env["aftersales.ticket.sla"]._cron_sla_watch()
        with at(2026, 4, 2, 9, 0):
            self.step(self.c1, "resolve")
        self.assertEqual(self.line(self.c1, "complaint_feedback").state, "breached")
        march = self.figures(self.evaluate(3))
        self.assertEqual(march["complaint_count"], 4)
        self.assertEqual(march["complaint_timeliness"], 50.0)  # C3 of C2 and C3
        april = self.figures(self.evaluate(4))
        self.assertEqual(april["complaint_count"], 0)
        self.assertEqual(april["complaint_timeliness"], 0.0)

    def test_complaint_rate_over_threshold_closes_into_activity_and_penalty(self):
        evaluation = self.evaluate(3)
        line = evaluation.kpi_line_ids.filtered(
            lambda line: line.kpi == "complaint_rate"
        )
        self.assertEqual(line.result, "fail")
        self.assertEqual(line.display_threshold, "≤ 50.00")
        timeliness = evaluation.kpi_line_ids.filtered(
            lambda line: line.kpi == "complaint_timeliness"
        )
        self.assertEqual(timeliness.result, "pass")
        with freeze_time("2026-04-02 09:00:00"):
            evaluation.with_user(self.kpi_manager).action_close()
        penalty = evaluation.penalty_ids
        self.assertEqual(penalty.kpi, "complaint_rate")
        # 5 % of March's share of the contract value (31 of 365 days).
        self.assertAlmostEqual(penalty.amount, 365000 * 31 / 365 * 0.05, places=2)
        activities = evaluation.activity_ids
        self.assertEqual(len(activities), 1)
        self.assertEqual(activities.user_id, self.kpi_manager)
        self.assertIn("80.00", activities.note)

    def test_complaint_rate_under_threshold_passes(self):
        # Four more service tickets: 4 complaints per 9 service tickets, 44.44 %.
        for day in range(16, 20):
            self.work((2026, 3, day, 9, 0), [])
        evaluation = self.evaluate(3)
        line = evaluation.kpi_line_ids.filtered(
            lambda line: line.kpi == "complaint_rate"
        )
        self.assertEqual(round(line.value, 2), 44.44)
        self.assertEqual(line.result, "pass")
        with freeze_time("2026-04-02 09:00:00"):
            evaluation.with_user(self.kpi_manager).action_close()
        self.assertFalse(evaluation.penalty_ids)
        self.assertFalse(evaluation.activity_ids)

    def test_complaint_rate_threshold_is_a_percentage(self):
        draft = self.env["aftersales.contract"].create(
            {
                "partner_id": self.customer.id,
                "title": "Draft with a wrong complaint rate",
                "date_start": date(2027, 1, 1),
                "date_end": date(2027, 12, 31),
            }
        )
        with self.assertRaises(ValidationError):
            draft.write(
                {
                    "kpi_threshold_ids": [
                        (0, 0, {"kpi": "complaint_rate", "threshold": 120})
                    ]
                }
            )


class TestComplaintFigureRules(BaseCase):
    """The complaint figures of tools/evaluation.py on plain rows."""

    def test_complaints_given_apart_from_tickets(self):
        start, end = datetime(2026, 3, 1), datetime(2026, 4, 1)

        def ticket(reported, complaint=False):
            return {
                "reported_at": reported,
                "resolved_at": None,
                "reopen_count": 0,
                "is_complaint": complaint,
            }

        def complaint(reported, resolved=None, on_time=None):
            return {
                "reported_at": reported,
                "resolved_at": resolved,
                "feedback_on_time": on_time,
            }

        tickets = [ticket(datetime(2026, 3, day)) for day in (2, 3, 4, 5)]
        # A complaint among the tickets: ignored when the complaints are given.
        tickets.append(ticket(datetime(2026, 3, 6), complaint=True))
        complaints = [
            complaint(datetime(2026, 3, 2), datetime(2026, 3, 3), True),
            complaint(datetime(2026, 3, 4), datetime(2026, 3, 9), False),
            # Reported in February, resolved on time in March.
            complaint(datetime(2026, 2, 20), datetime(2026, 3, 1), True),
            # Resolved in March without a feedback clock: not judged.
            complaint(datetime(2026, 3, 10), datetime(2026, 3, 11), None),
            # Still open.
            complaint(datetime(2026, 3, 31, 23)),
        ]
        figures = kpis.compute_kpis(start, end, tickets, complaints=complaints)
        self.assertEqual(figures["complaint_count"], 4)
        self.assertEqual(figures["complaint_rate"], 100.0)  # 4 per 4 service
        self.assertAlmostEqual(figures["complaint_timeliness"], 200 / 3)
        # Without complaints given, the complaints among the tickets count.
        figures = kpis.compute_kpis(start, end, tickets)
        self.assertEqual(figures["complaint_count"], 1)
        self.assertEqual(figures["complaint_rate"], 25.0)
        self.assertIsNone(figures["complaint_timeliness"])
        self.assertEqual(kpis.judge("complaint_rate", 25.0, 20), "fail")
        self.assertEqual(kpis.trend("complaint_rate", 10.0, 25.0), "better")
