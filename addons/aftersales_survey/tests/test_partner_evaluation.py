"""A service partner contract's evaluation: the tickets its partner served under
the customer contract it backs, and the customers' answers about those tickets;
its thresholds and "% of period fee" clauses fire (receivable penalties)."""

from datetime import date

from freezegun import freeze_time

from odoo.tests import new_test_user, tagged

from odoo.addons.aftersales_sla.tests.common import TicketCase, shanghai

from .test_evaluation import report_and_work


@tagged("post_install", "-at_install")
class TestPartnerEvaluation(TicketCase):
    """March 2026, priority Normal, response 12 business hours (08:00-22:00):

    ========  ===============  ==========================  ==============
    ticket    served by        response                    survey answer
    ========  ===============  ==========================  ==============
    P1        Shunde partner   03-02 10:00 (met)           80
    P2        Shunde partner   breached, 03-05 09:00       (none)
    O         our technician   03-03 10:00 (met)           20
    ========  ===============  ==========================  ==============
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            "partner_eval_manager",
            groups="aftersales_sla.group_aftersales_manager",
            tz="Asia/Shanghai",
        )
        cls.technician = new_test_user(
            cls.env, "partner_eval_tech", groups="aftersales_sla.group_aftersales_user"
        )
        cls.shunde = cls.env["res.partner"].create(
            {"name": "顺德安装服务有限公司", "is_company": True}
        )
        cls.shunde_staff = cls.env["res.partner"].create(
            {"name": "Installer Chen", "parent_id": cls.shunde.id}
        )
        cls.partner_contract = cls.env["aftersales.contract"].create(
            {
                "contract_type": "partner",
                "partner_id": cls.shunde.id,
                "parent_id": cls.contract.id,
                "title": "Shunde back-to-back service 2026",
                "date_start": date(2026, 1, 1),
                "date_end": date(2026, 12, 31),
                "amount_value": 36500,
                "calendar_id": cls.calendar.id,
                "sla_policy_id": cls.policy.id,
                "kpi_manager_id": cls.manager.id,
                "penalty_rule_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "Partner response compliance",
                            "rule_type": "percent_period_fee",
                            "percent": 10,
                            "kpi": "sla_response",
                        },
                    ),
                ],
                "kpi_threshold_ids": [
                    (0, 0, {"kpi": "satisfaction_index", "threshold": 75}),
                    (0, 0, {"kpi": "sla_response", "threshold": 90}),
                ],
            }
        )
        cls.partner_contract.action_activate()

        def work(reported, steps, **values):
            values = dict(
                {"name": "热水器不点火", "partner_id": cls.customer.id}, **values
            )
            return report_and_work(cls.Ticket, values, reported, steps)

        def ack(ticket):
            ticket.action_acknowledge()

        def watch(ticket):
            cls.env["aftersales.ticket.sla"]._cron_sla_watch()

        cls.p1 = work(
            (2026, 3, 2, 9, 0),
            [((2026, 3, 2, 10, 0), ack)],
            service_partner_id=cls.shunde_staff.id,
        )
        cls.p2 = work(
            (2026, 3, 4, 9, 0),
            [((2026, 3, 5, 8, 30), watch), ((2026, 3, 5, 9, 0), ack)],
            service_partner_id=cls.shunde.id,
        )
        cls.other = work(
            (2026, 3, 3, 9, 0),
            [((2026, 3, 3, 10, 0), ack)],
            user_id=cls.technician.id,
        )
        survey = cls.env["survey.survey"].create({"title": "Heater satisfaction"})
        for ticket, index in ((cls.p1, 80.0), (cls.other, 20.0)):
            cls.env["survey.user_input"].create(
                {
                    "survey_id": survey.id,
                    "partner_id": cls.customer.id,
                    "state": "done",
                    "aftersales_contract_id": cls.contract.id,
                    "aftersales_ticket_id": ticket.id,
                    "aftersales_sent_at": shanghai(2026, 3, 6, 16, 0),
                    "end_datetime": shanghai(2026, 3, 7, 9, 0),
                    "aftersales_scored": True,
                    "aftersales_index": index,
                }
            )

    def evaluate(self, contract):
        evaluation = self.env["aftersales.evaluation"].create(
            {
                "contract_id": contract.id,
                "period_type": "month",
                "date_from": date(2026, 3, 1),
            }
        )
        with freeze_time("2026-04-02 08:00:00"):
            evaluation.with_user(self.manager).action_compute()
        return evaluation

    def figures(self, evaluation):
        return {
            line.kpi: round(line.value, 2) if line.has_value else None
            for line in evaluation.kpi_line_ids
        }

    def test_tickets_and_answers_of_the_partner_only(self):
        self.assertEqual(self.contract, self.p1.contract_id | self.other.contract_id)
        evaluation = self.evaluate(self.partner_contract)
        figures = self.figures(evaluation)
        # P1 met, P2 breached; O is not the partner's.
        self.assertEqual(figures["sla_response"], 50.0)
        # Only the answer about P1.
        self.assertEqual(figures["satisfaction_index"], 80.0)
        self.assertEqual(figures["surveys_answered"], 1)
        results = {line.kpi: line.result for line in evaluation.kpi_line_ids}
        self.assertEqual(results["sla_response"], "fail")
        self.assertEqual(results["satisfaction_index"], "pass")
        with freeze_time("2026-04-02 09:00:00"):
            evaluation.with_user(self.manager).action_close()
        penalty = evaluation.penalty_ids
        self.assertEqual(len(penalty), 1)
        self.assertEqual(penalty.direction, "receivable")
        self.assertEqual(penalty.partner_id, self.shunde)
        self.assertEqual(penalty.kpi, "sla_response")
        # 10 % of the March fee: 36,500 over 365 days, 31 days.
        self.assertEqual(penalty.amount, 310.0)
        self.assertEqual(penalty.contract_id, self.partner_contract)

    def test_customer_contract_evaluation_is_unchanged(self):
        figures = self.figures(self.evaluate(self.contract))
        # All three tickets and both answers.
        self.assertEqual(figures["sla_response"], 66.67)
        self.assertEqual(figures["satisfaction_index"], 50.0)
        self.assertEqual(figures["surveys_answered"], 2)

    def test_a_partner_contract_backing_nothing_counts_nothing(self):
        unbacked = self.partner_contract.copy({"parent_id": False})
        self.assertFalse(unbacked.parent_id)
        figures = self.figures(self.evaluate(unbacked))
        self.assertIsNone(figures["sla_response"])
        self.assertIsNone(figures["satisfaction_index"])
