"""Contract evaluations on a constructed month of tickets with known figures:
KPI values, thresholds, trend, closing (ledger snapshot, KPI penalties,
improvement activities), the scheduled action, scorecards, access and bad input."""

import json
from datetime import date, datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from odoo.addons.aftersales_sla.tests.common import TicketCase, shanghai


def at(*args):
    """Freeze the clock at a Shanghai wall-clock time."""
    return freeze_time(shanghai(*args))


def report_and_work(Ticket, values, reported, steps):
    """A ticket of ``values`` reported at the Shanghai wall-clock time
    ``reported``, then each of ``steps`` [(moment, action(ticket))] at its
    moment."""
    with at(*reported):
        ticket = Ticket.create(dict(values, reported_at=shanghai(*reported)))
    for moment, action in steps:
        with at(*moment):
            action(ticket)
    return ticket


class EvaluationCase(TicketCase):
    """March 2026 on a 08:00-22:00 daily Shanghai calendar, priority Normal:
    response 12 business hours, resolution 48, complaint response 2.

    ======  ===========  ================  ===================  ==================
    ticket  reported     response          resolution           notes
    ======  ===========  ================  ===================  ==================
    A       03-02 09:00  10:00 (1 h, met)  15:00 (6 h, met)     technician Wang
    B       03-03 09:00  12:00 (3 h, met)  13:00, reopened       technician Li
                                           14:00, 17:00 (7 h)
    C       03-04 09:00  breached 21:00,   03-05 10:00 (15 h)   technician Wang
                         03-05 09:00 (14h)
    D       03-06 09:00  complaint: 10:00 (1 h, met)            complaint
    E       02-10 09:00  09:30 (0.5 h)     10:00 (1 h)          February
    F       03-31 20:00  still open        still open           decided in April
    ======  ===========  ================  ===================  ==================
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
                            "metric": "complaint_response",
                            "priority": "1",
                            "target_hours": 2,
                            "calendar_id": cls.calendar.id,
                        },
                    )
                ]
            }
        )
        cls.manager = new_test_user(
            cls.env,
            "eval_manager",
            groups="aftersales_sla.group_aftersales_manager",
            tz="Asia/Shanghai",
        )
        cls.wang = new_test_user(
            cls.env, "eval_wang", groups="aftersales_sla.group_aftersales_user"
        )
        cls.li = new_test_user(
            cls.env, "eval_li", groups="aftersales_sla.group_aftersales_user"
        )
        cls.team = cls.env["aftersales.team"].create(
            {
                "name": "Shenzhen lock team",
                "member_ids": [(6, 0, (cls.wang | cls.li).ids)],
            }
        )
        cls.indicators = {
            code: cls.env.ref(f"aftersales_survey.indicator_{code}")
            for code in ("attitude", "quality")
        }
        cls.contract.action_terminate(reason="replaced by the evaluated contract")
        cls.evaluated = cls.env["aftersales.contract"].create(
            {
                "partner_id": cls.customer.id,
                "title": "Evaluated smart lock service 2026",
                "date_start": date(2026, 1, 1),
                "date_end": date(2026, 12, 31),
                "amount_value": 365000,
                "calendar_id": cls.calendar.id,
                "sla_policy_id": cls.policy.id,
                "kpi_manager_id": cls.manager.id,
                "penalty_rule_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "Response compliance",
                            "rule_type": "percent_period_fee",
                            "percent": 10,
                            "kpi": "sla_response",
                        },
                    ),
                    (
                        0,
                        0,
                        {
                            "name": "Any KPI",
                            "rule_type": "percent_period_fee",
                            "percent": 5,
                        },
                    ),
                ],
                "indicator_ids": [
                    (
                        0,
                        0,
                        {"indicator_id": cls.indicators["attitude"].id, "weight": 2},
                    ),
                    (0, 0, {"indicator_id": cls.indicators["quality"].id, "weight": 1}),
                ],
                "kpi_threshold_ids": [
                    (0, 0, {"kpi": "satisfaction_index", "threshold": 75}),
                    (0, 0, {"kpi": "sla_response", "threshold": 90}),
                    (0, 0, {"kpi": "first_time_fix_rate", "threshold": 60}),
                    (0, 0, {"kpi": "mean_response_hours", "threshold": 4}),
                    (0, 0, {"kpi": "complaint_count", "threshold": 2}),
                ],
            }
        )
        cls.evaluated.action_activate()
        complaint = cls.env.ref("aftersales_sla.service_type_complaint")

        def work(reported, steps, **values):
            values = dict({"name": "门锁故障", "partner_id": cls.customer.id}, **values)
            return report_and_work(cls.Ticket, values, reported, steps)

        def ack(ticket):
            ticket.action_acknowledge()

        def resolve(ticket):
            ticket.action_resolve()

        def reopen(ticket):
            ticket.action_reopen(reason="lock jammed again")

        def watch(ticket):
            cls.env["aftersales.ticket.sla"]._cron_sla_watch()

        march = (2026, 3)
        cls.ticket_a = work(
            (*march, 2, 9, 0),
            [((*march, 2, 10, 0), ack), ((*march, 2, 15, 0), resolve)],
            user_id=cls.wang.id,
            team_id=cls.team.id,
        )
        cls.ticket_b = work(
            (*march, 3, 9, 0),
            [
                ((*march, 3, 12, 0), ack),
                ((*march, 3, 13, 0), resolve),
                ((*march, 3, 14, 0), reopen),
                ((*march, 3, 17, 0), resolve),
            ],
            user_id=cls.li.id,
            team_id=cls.team.id,
        )
        cls.ticket_c = work(
            (*march, 4, 9, 0),
            [
                ((*march, 5, 8, 30), watch),
                ((*march, 5, 9, 0), ack),
                ((*march, 5, 10, 0), resolve),
            ],
            user_id=cls.wang.id,
            team_id=cls.team.id,
        )
        cls.ticket_d = work(
            (*march, 6, 9, 0),
            [((*march, 6, 10, 0), ack)],
            service_type_id=complaint.id,
        )
        cls.ticket_e = work(
            (2026, 2, 10, 9, 0),
            [((2026, 2, 10, 9, 30), ack), ((2026, 2, 10, 10, 0), resolve)],
            user_id=cls.wang.id,
        )
        cls.ticket_f = work((*march, 31, 20, 0), [])
        # Survey invitations as the survey side records them: two answered in
        # March (indexes 80 and 60), one sent and not answered.
        survey = cls.env["survey.survey"].create({"title": "Lock satisfaction"})
        cls.evaluated.survey_id = survey
        Input = cls.env["survey.user_input"]
        for index, state in ((80.0, "done"), (60.0, "done"), (0.0, "new")):
            Input.create(
                {
                    "survey_id": survey.id,
                    "partner_id": cls.customer.id,
                    "state": state,
                    "aftersales_contract_id": cls.evaluated.id,
                    "aftersales_ticket_id": cls.ticket_a.id,
                    "aftersales_sent_at": shanghai(2026, 3, 2, 16, 0),
                    "end_datetime": shanghai(2026, 3, 3, 9, 0)
                    if state == "done"
                    else False,
                    "aftersales_scored": state == "done",
                    "aftersales_index": index,
                }
            )
        cls.Evaluation = cls.env["aftersales.evaluation"]

    def evaluate(self, month, user=None):
        evaluation = self.Evaluation.create(
            {
                "contract_id": self.evaluated.id,
                "period_type": "month",
                "date_from": date(2026, month, 1),
            }
        )
        with freeze_time("2026-04-02 08:00:00"):
            evaluation.with_user(user or self.manager).action_compute()
        return evaluation

    def figures(self, evaluation):
        return {
            line.kpi: round(line.value, 2) if line.has_value else None
            for line in evaluation.kpi_line_ids
        }

    def results(self, evaluation):
        return {line.kpi: line.result for line in evaluation.kpi_line_ids}


@tagged("post_install", "-at_install")
class TestEvaluationFigures(EvaluationCase):
    def test_march_figures(self):
        evaluation = self.evaluate(3)
        self.assertEqual(evaluation.period_label, "2026-03")
        self.assertEqual(evaluation.date_to, date(2026, 3, 31))
        figures = self.figures(evaluation)
        expected = {
            # A and B met, C breached.
            "sla_response": 66.67,
            "sla_resolution": 100.0,
            "sla_complaint_response": 100.0,
            # 1 h, 3 h, 14 h.
            "mean_response_hours": 6.0,
            # 6 h, 4 h + 3 h after the reopening, 13 h + 2 h.
            "mean_resolution_hours": 9.33,
            # A and C fixed the first time, B reopened; D is a complaint.
            "first_time_fix_rate": 66.67,
            "complaint_count": 1,
            # D per the 4 service tickets reported in March (A, B, C, F).
            "complaint_rate": 25.0,
            "satisfaction_index": 70.0,
            "surveys_sent": 3,
            "surveys_answered": 2,
            "survey_response_rate": 66.67,
        }
        for kpi, value in expected.items():
            self.assertEqual(figures[kpi], value, kpi)
        # No clock of those metrics was decided in March: no data, no verdict.
        self.assertIsNone(figures["sla_arrival"])
        self.assertIsNone(figures["sla_complaint_feedback"])
        # D is not resolved: no complaint resolved, on time or late.
        self.assertIsNone(figures["complaint_timeliness"])
        self.assertEqual(
            self.results(evaluation),
            dict(
                {kpi: "na" for kpi in figures},
                satisfaction_index="fail",
                sla_response="fail",
                first_time_fix_rate="pass",
                mean_response_hours="fail",
                complaint_count="pass",
            ),
        )
        self.assertEqual(evaluation.failed_count, 3)
        self.assertEqual(evaluation.passed_count, 2)
        self.assertIn("66.67", evaluation.findings)
        self.assertTrue(self.evaluated.kpi_at_risk)

    def test_trend_against_the_previous_month(self):
        february = self.evaluate(2)
        self.assertEqual(self.figures(february)["sla_response"], 100.0)
        self.assertEqual(self.figures(february)["mean_response_hours"], 0.5)
        march = self.evaluate(3)
        lines = {line.kpi: line for line in march.kpi_line_ids}
        self.assertEqual(lines["sla_response"].trend, "worse")
        self.assertEqual(lines["sla_response"].previous_value, 100.0)
        self.assertEqual(lines["mean_response_hours"].trend, "worse")
        # Fewer hours is better: February (1 h) to March (9.33 h) is worse too.
        self.assertEqual(lines["mean_resolution_hours"].trend, "worse")
        self.assertEqual(lines["sla_resolution"].trend, "same")
        self.assertEqual(lines["satisfaction_index"].trend, "na")

    def test_period_is_the_contract_calendars_local_month(self):
        # A ticket reported at 07:00 on 1 April in Shanghai is 23:00 UTC on
        # 31 March: it belongs to April, not to March.
        with at(2026, 4, 1, 7, 0):
            self.Ticket.create(
                {
                    "name": "深夜报修",
                    "partner_id": self.customer.id,
                    "reported_at": shanghai(2026, 4, 1, 7, 0),
                    "service_type_id": self.env.ref(
                        "aftersales_sla.service_type_complaint"
                    ).id,
                }
            )
        self.assertEqual(self.figures(self.evaluate(3))["complaint_count"], 1)
        with freeze_time("2026-04-02 08:00:00"):
            april = self.evaluate(4)
        self.assertEqual(self.figures(april)["complaint_count"], 1)


@tagged("post_install", "-at_install")
class TestEvaluationClosing(EvaluationCase):
    def test_closing_appends_snapshot_penalties_and_activities(self):
        evaluation = self.evaluate(3)
        events_before = self.env["aftersales.event"].search_count([])
        with freeze_time("2026-04-02 09:00:00"):
            evaluation.with_user(self.manager).action_close()
        self.assertEqual(evaluation.state, "closed")
        event = evaluation.event_id
        self.assertEqual(event.event_type, "evaluation.closed")
        self.assertEqual(event.res_model, "aftersales.evaluation")
        self.assertEqual(event.res_id, evaluation.id)
        # Snapshot event + one penalty.assessed per penalty.
        penalties = evaluation.penalty_ids
        self.assertEqual(
            self.env["aftersales.event"].search_count([]),
            events_before + 1 + len(penalties),
        )
        # Period fee: 365,000 over 365 days, March has 31: 31,000.
        # sla_response misses: 10 % (its own clause) + 5 % (any KPI);
        # satisfaction and mean response hours: 5 % each.
        amounts = sorted((p.kpi, p.rule_id.name, p.amount) for p in penalties)
        self.assertEqual(
            amounts,
            [
                ("mean_response_hours", "Any KPI", 1550.0),
                ("satisfaction_index", "Any KPI", 1550.0),
                ("sla_response", "Any KPI", 1550.0),
                ("sla_response", "Response compliance", 3100.0),
            ],
        )
        self.assertTrue(all(p.state == "assessed" for p in penalties))
        self.assertEqual(evaluation.penalty_total, 7750.0)
        self.assertEqual(self.evaluated.penalty_total, 7750.0)
        activities = evaluation.activity_ids
        self.assertEqual(len(activities), 3)
        self.assertEqual(activities.user_id, self.manager)
        self.assertEqual(
            activities.activity_type_id,
            self.env.ref("aftersales_survey.mail_activity_kpi_improvement"),
        )
        # Closed is final.
        with self.assertRaises(UserError):
            evaluation.with_user(self.manager).action_compute()
        with self.assertRaises(UserError):
            evaluation.with_user(self.manager).action_close()
        self.assertEqual(len(evaluation.penalty_ids), 4)
        with self.assertRaises(UserError):
            evaluation.with_user(self.manager).unlink()

    def test_snapshot_checks_against_the_ledger(self):
        evaluation = self.evaluate(3)
        evaluation.with_user(self.manager).action_close()
        unsealed = evaluation._verify_snapshot()
        self.assertFalse(unsealed["ok"])
        self.env["aftersales.event"]._seal_chains()
        self.env.invalidate_all()
        result = evaluation._verify_snapshot()
        self.assertTrue(result["ok"], result["problems"])
        self.assertEqual(
            evaluation.action_verify_snapshot()["params"]["type"], "success"
        )
        # Someone changes a closed figure behind the application's back.
        self.env.cr.execute(
            "UPDATE aftersales_kpi_line SET value = 95 "
            "WHERE evaluation_id = %s AND kpi = 'sla_response'",
            [evaluation.id],
        )
        self.env.invalidate_all()
        result = evaluation._verify_snapshot()
        self.assertFalse(result["ok"])
        self.assertIn("sla_response", result["problems"][0])
        self.assertEqual(
            evaluation.action_verify_snapshot()["params"]["type"], "danger"
        )

    def test_passing_evaluation_creates_nothing(self):
        # The thresholds are waived from the start by an amendment.
        self.evaluated._apply_amendment(
            {"kpi_threshold_ids": []}, datetime(2026, 1, 1), "Thresholds waived"
        )
        evaluation = self.evaluate(3)
        evaluation.with_user(self.manager).action_close()
        self.assertFalse(evaluation.penalty_ids)
        self.assertFalse(evaluation.activity_ids)
        self.assertEqual(evaluation.failed_count, 0)
        self.assertFalse(self.evaluated.kpi_at_risk)


@tagged("post_install", "-at_install")
class TestEvaluationSchedule(EvaluationCase):
    def test_scheduled_action_fills_periods_once(self):
        self.evaluated.evaluation_period = "month"
        with freeze_time("2026-04-10 02:00:00"):
            self.Evaluation._cron_evaluate()
        evaluations = self.evaluated.evaluation_ids.sorted("date_from")
        self.assertEqual(
            evaluations.mapped("period_label"),
            ["2026-01", "2026-02", "2026-03", "2026-04"],
        )
        self.assertTrue(all(evaluations.mapped("computed_at")))
        self.assertEqual(set(evaluations.mapped("state")), {"draft"})
        march = evaluations[2]
        self.assertEqual(self.figures(march)["sla_response"], 66.67)
        # March's surveys were answered, April's not yet: no index, not 0.
        self.assertTrue(march.has_satisfaction_index)
        self.assertFalse(evaluations[3].has_satisfaction_index)
        # Trend reads the period before, computed first.
        self.assertEqual(
            {line.kpi: line.trend for line in march.kpi_line_ids}["sla_response"],
            "worse",
        )
        # The same day again: nothing new, nothing recomputed.
        computed = evaluations.mapped("computed_at")
        with freeze_time("2026-04-10 05:00:00"):
            result = self.Evaluation._cron_evaluate()
        self.assertFalse(result["done"])
        self.assertEqual(self.evaluated.evaluation_ids, evaluations)
        self.assertEqual(evaluations.mapped("computed_at"), computed)
        # The next day refreshes only the running period and the open drafts.
        with freeze_time("2026-05-01 02:00:00"):
            self.Evaluation._cron_evaluate()
        self.assertEqual(
            self.evaluated.evaluation_ids.sorted("date_from").mapped("period_label"),
            ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05"],
        )

    def test_on_demand_wizard(self):
        wizard = (
            self.env["aftersales.evaluation.wizard"]
            .with_user(self.manager)
            .create(
                {
                    "contract_ids": [(6, 0, self.evaluated.ids)],
                    "period_type": "quarter",
                    "date_from": date(2026, 1, 1),
                    "date_to": date(2026, 3, 31),
                }
            )
        )
        with freeze_time("2026-04-02 08:00:00"):
            action = wizard.action_evaluate()
        evaluation = self.Evaluation.browse(action["res_id"])
        self.assertEqual(evaluation.period_label, "2026-Q1")
        # Q1 holds February's E and March's A, B, C: 3 of 4 responses met.
        self.assertEqual(self.figures(evaluation)["sla_response"], 75.0)


@tagged("post_install", "-at_install")
class TestScorecards(EvaluationCase):
    def test_technician_and_team_scorecards(self):
        with freeze_time("2026-04-02 08:00:00"):
            cards = (
                self.env["aftersales.scorecard"]
                .with_user(self.manager)
                ._generate("month", date(2026, 3, 15))
            )
        by_subject = {(c.subject_type, c.user_id or c.team_id): c for c in cards}
        wang = by_subject[("technician", self.wang)]
        li = by_subject[("technician", self.li)]
        team = by_subject[("team", self.team)]
        self.assertEqual(self.figures(wang)["workload"], 2)
        self.assertEqual(self.figures(wang)["sla_response"], 50.0)  # A met, C late
        self.assertEqual(self.figures(wang)["first_time_fix_rate"], 100.0)
        self.assertEqual(self.figures(wang)["mean_response_hours"], 7.5)
        self.assertEqual(self.figures(li)["first_time_fix_rate"], 0.0)
        self.assertEqual(self.figures(team)["workload"], 3)
        self.assertEqual(self.figures(team)["first_time_fix_rate"], 66.67)
        # Survey answers of Wang's ticket A count for Wang, not for Li.
        self.assertEqual(self.figures(wang)["satisfaction_index"], 70.0)
        self.assertIsNone(self.figures(li)["satisfaction_index"])
        self.assertEqual(wang.workload, 2)
        # Computing again refreshes the same scorecards.
        with freeze_time("2026-04-03 08:00:00"):
            again = (
                self.env["aftersales.scorecard"]
                .with_user(self.manager)
                ._generate("month", date(2026, 3, 1))
            )
        self.assertEqual(again, cards)

    def test_no_answer_is_not_a_satisfaction_of_zero(self):
        with freeze_time("2026-04-02 08:00:00"):
            cards = (
                self.env["aftersales.scorecard"]
                .with_user(self.manager)
                ._generate("month", date(2026, 3, 15))
            )
        technicians = cards.filtered(lambda c: c.subject_type == "technician")
        wang = technicians.filtered(lambda c: c.user_id == self.wang)
        li = technicians.filtered(lambda c: c.user_id == self.li)
        self.assertTrue(wang.has_satisfaction_index)
        self.assertEqual(wang.satisfaction_display, "70.00")
        # Nobody answered about Li's tickets: said so, in the list, the form and
        # on the KPI line, instead of 0.00.
        self.assertFalse(li.has_satisfaction_index)
        self.assertEqual(li.satisfaction_display, "no answer yet")
        line = li.kpi_line_ids.filtered(lambda kpi: kpi.kpi == "satisfaction_index")
        self.assertEqual(line.display_value, "no answer yet")
        # Averages (list groups, pivot, graph) leave the unanswered out.
        answered = technicians.filtered("has_satisfaction_index")
        expected = sum(answered.mapped("satisfaction_index")) / len(answered)
        self.assertLess(len(answered), len(technicians))
        Card = self.env["aftersales.scorecard"].with_user(self.manager)
        [(average,)] = Card._read_group(
            [("id", "in", technicians.ids)], [], ["satisfaction_index:avg"]
        )
        self.assertAlmostEqual(average, expected)
        groups = Card.read_group(
            [("id", "in", technicians.ids)],
            ["satisfaction_index:avg"],
            ["subject_type"],
        )
        self.assertAlmostEqual(groups[0]["satisfaction_index"], expected)


@tagged("post_install", "-at_install")
class TestEvaluationAccessAndInput(EvaluationCase):
    def test_access_per_group(self):
        evaluation = self.evaluate(3)
        with self.assertRaises(AccessError):
            evaluation.with_user(self.wang).read(["name"])
        with self.assertRaises(AccessError):
            self.evaluate(2, user=self.wang)
        with self.assertRaises(AccessError):
            self.env["aftersales.scorecard"].with_user(self.wang)._generate(
                "month", date(2026, 3, 1)
            )
        portal = new_test_user(self.env, "eval_portal", groups="base.group_portal")
        with self.assertRaises(AccessError):
            evaluation.with_user(portal).read(["name"])
        with self.assertRaises(AccessError):
            evaluation.kpi_line_ids.with_user(self.wang).read(["value"])
        self.assertTrue(evaluation.with_user(self.manager).kpi_line_ids)

    def test_weights_summing_to_zero_are_refused(self):
        before = self.evaluated.indicator_ids.mapped("weight")
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self.evaluated.indicator_ids.write({"weight": 0})
        self.evaluated.invalidate_recordset()
        self.assertEqual(self.evaluated.indicator_ids.mapped("weight"), before)
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self.evaluated.indicator_ids[0].weight = -1
        template_count = self.env["aftersales.indicator.template"].search_count([])
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self.env["aftersales.indicator.template"].create(
                {
                    "name": "Broken",
                    "survey_id": self.evaluated.survey_id.id,
                    "line_ids": [
                        (
                            0,
                            0,
                            {
                                "indicator_id": self.indicators["quality"].id,
                                "weight": 0,
                            },
                        )
                    ],
                }
            )
        self.assertEqual(
            self.env["aftersales.indicator.template"].search_count([]), template_count
        )

    def test_thresholds_outside_their_range_are_refused(self):
        Threshold = self.env["aftersales.kpi.threshold"]
        draft = self.evaluated.copy()  # thresholds of a draft are edited directly
        count = Threshold.search_count([])
        for kpi, value in (
            ("sla_arrival", 120),
            ("complaint_timeliness", -5),
            ("mean_resolution_hours", -1),
            ("surveys_sent", 10),
        ):
            with self.assertRaises(ValidationError), self.env.cr.savepoint():
                Threshold.create(
                    {"contract_id": draft.id, "kpi": kpi, "threshold": value}
                )
        self.assertEqual(Threshold.search_count([]), count)
        # Hours and counts are not percentages: 150 hours is a valid maximum.
        draft.kpi_threshold_ids.filtered(
            lambda t: t.kpi == "mean_response_hours"
        ).threshold = 150

    def test_period_ending_before_it_starts_is_refused(self):
        count = self.Evaluation.search_count([])
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self.Evaluation.create(
                {
                    "contract_id": self.evaluated.id,
                    "period_type": "month",
                    "date_from": date(2026, 3, 31),
                    "date_to": date(2026, 3, 1),
                }
            )
        wizard = (
            self.env["aftersales.evaluation.wizard"]
            .with_user(self.manager)
            .create(
                {
                    "contract_ids": [(6, 0, self.evaluated.ids)],
                    "period_type": "month",
                    "date_from": date(2026, 3, 31),
                    "date_to": date(2026, 3, 1),
                }
            )
        )
        with self.assertRaises(UserError):
            wizard.action_evaluate()
        self.assertEqual(self.Evaluation.search_count([]), count)

    def test_template_gives_the_contract_its_survey_and_weights(self):
        survey = self.env["survey.survey"].create({"title": "Template survey"})
        overall = self.env.ref("aftersales_survey.indicator_overall")
        template = self.env["aftersales.indicator.template"].create(
            {
                "name": "Lock template",
                "survey_id": survey.id,
                "line_ids": [
                    (0, 0, {"indicator_id": overall.id, "weight": 3}),
                    (
                        0,
                        0,
                        {"indicator_id": self.indicators["quality"].id, "weight": 1},
                    ),
                ],
            }
        )
        with self.assertRaises(UserError):
            self.evaluated.with_user(self.manager).action_apply_indicator_template()
        self.evaluated.indicator_template_id = template
        self.evaluated.with_user(self.manager).action_apply_indicator_template()
        self.assertEqual(self.evaluated.survey_id, survey)
        self.assertEqual(
            self.evaluated._indicator_weights(),
            {overall.id: 3, self.indicators["quality"].id: 1},
        )

    def test_kpi_clause_must_be_a_period_fee_clause(self):
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self.env["aftersales.penalty.rule"].create(
                {
                    "contract_id": self.contract.id,
                    "name": "Wrong",
                    "rule_type": "fixed",
                    "amount": 100,
                    "kpi": "sla_response",
                }
            )


@tagged("post_install", "-at_install")
class TestKpiThresholdAmendment(EvaluationCase):
    """KPI thresholds are contractual: amended, never edited, while in force; a
    period is judged by the thresholds in force when it began."""

    def test_thresholds_change_only_by_amendment(self):
        contract = self.evaluated.with_user(self.manager)
        old = contract._kpi_thresholds()
        with self.assertRaises(UserError):
            contract.kpi_threshold_ids[:1].threshold = 1
        with self.assertRaises(UserError):
            contract.kpi_threshold_ids[:1].unlink()
        with self.assertRaises(UserError):
            self.env["aftersales.kpi.threshold"].with_user(self.manager).create(
                {"contract_id": contract.id, "kpi": "sla_resolution", "threshold": 80}
            )
        with self.assertRaises(UserError):
            contract.write({"kpi_threshold_ids": [(5,)]})
        self.assertEqual(contract._kpi_thresholds(), old)
        # Through the wizard, effective mid-March.
        action = contract.action_open_amend_wizard()
        form = Form(
            self.env["aftersales.contract.amend"]
            .with_user(self.manager)
            .with_context(**action["context"])
        )
        self.assertEqual(len(form.kpi_threshold_ids), len(old))
        form.effective_date = shanghai(2026, 3, 15, 0, 0)
        form.reason = "Satisfaction target relaxed, complaints no longer counted"
        kpis = contract.kpi_threshold_ids.mapped("kpi")  # the wizard's order
        with form.kpi_threshold_ids.edit(kpis.index("satisfaction_index")) as line:
            self.assertEqual(line.kpi, "satisfaction_index")
            line.threshold = 50
        form.kpi_threshold_ids.remove(kpis.index("complaint_count"))
        form.save().action_apply()
        new = dict(old, satisfaction_index=50.0)
        del new["complaint_count"]
        self.assertEqual(contract._kpi_thresholds(), new)
        amendment = contract.amendment_ids
        changes = json.loads(amendment.changes_json)
        self.assertEqual(
            {
                line["kpi"]: line["threshold"]
                for line in changes["kpi_threshold_ids"][0]
            },
            old,
        )
        self.assertEqual(
            {
                line["kpi"]: line["threshold"]
                for line in changes["kpi_threshold_ids"][1]
            },
            new,
        )
        event = self.env["aftersales.event"].search(
            [
                ("res_model", "=", "aftersales.contract"),
                ("res_id", "=", contract.id),
                ("event_type", "=", "contract.amended"),
            ]
        )
        self.assertEqual(
            json.loads(event.payload)["changes"]["kpi_threshold_ids"],
            changes["kpi_threshold_ids"],
        )
        # March began before the amendment: old thresholds; April: the new ones.
        self.assertEqual(self.evaluate(3)._kpi_thresholds(), old)
        april = self.Evaluation.create(
            {
                "contract_id": self.evaluated.id,
                "period_type": "month",
                "date_from": date(2026, 4, 1),
            }
        )
        self.assertEqual(april._kpi_thresholds(), new)
