"""KPI arithmetic of tools/evaluation.py, directly: periods, figures, verdicts."""

from datetime import date, datetime

from odoo.tests import BaseCase

from ..tools import evaluation as kpis

START, END = datetime(2026, 3, 1), datetime(2026, 4, 1)


def clock(metric, met=None, breached=None, hours=0):
    return {
        "metric": metric,
        "met_at": met,
        "breached_at": breached,
        "elapsed_seconds": hours * 3600,
    }


class TestPeriods(BaseCase):
    def test_bounds_and_labels(self):
        self.assertEqual(
            kpis.period_bounds("month", date(2026, 2, 14)),
            (date(2026, 2, 1), date(2026, 2, 28)),
        )
        self.assertEqual(
            kpis.period_bounds("quarter", date(2026, 11, 22)),
            (date(2026, 10, 1), date(2026, 12, 31)),
        )
        self.assertEqual(
            kpis.period_bounds("half_year", date(2026, 7, 1)),
            (date(2026, 7, 1), date(2026, 12, 31)),
        )
        self.assertEqual(kpis.period_label("half_year", date(2026, 7, 1)), "2026-H2")
        self.assertEqual(kpis.period_label("quarter", date(2026, 4, 1)), "2026-Q2")
        self.assertEqual(
            kpis.previous_period("half_year", date(2026, 1, 1)),
            (date(2025, 7, 1), date(2025, 12, 31)),
        )
        with self.assertRaises(kpis.EvaluationError):
            kpis.period_bounds("week", date(2026, 1, 1))

    def test_ended_periods(self):
        periods = list(
            kpis.ended_periods("quarter", date(2025, 11, 5), date(2026, 7, 1))
        )
        self.assertEqual(
            [start for start, _end in periods],
            [date(2025, 10, 1), date(2026, 1, 1), date(2026, 4, 1)],
        )
        # A period ending today has not ended yet.
        self.assertEqual(
            len(list(kpis.ended_periods("month", date(2026, 6, 1), date(2026, 6, 30)))),
            0,
        )

    def test_period_fee_is_pro_rata_of_the_term(self):
        self.assertEqual(
            kpis.period_fee(
                365000,
                date(2026, 1, 1),
                date(2026, 12, 31),
                date(2026, 3, 1),
                date(2026, 3, 31),
            ),
            31000,
        )
        # Only the days of the period within the term count.
        self.assertEqual(
            kpis.period_fee(
                365000,
                date(2026, 3, 16),
                date(2027, 3, 15),
                date(2026, 3, 1),
                date(2026, 3, 31),
            ),
            16000,
        )
        self.assertEqual(
            kpis.period_fee(
                1000,
                date(2026, 1, 1),
                date(2026, 1, 31),
                date(2026, 3, 1),
                date(2026, 3, 31),
            ),
            0.0,
        )


class TestFigures(BaseCase):
    def test_clocks_count_where_they_are_decided(self):
        figures = kpis.compute_kpis(
            START,
            END,
            clocks=[
                clock("response", met=datetime(2026, 3, 2), hours=1),
                # Breached in March, responded in April: decided in March, its
                # hours count in April.
                clock(
                    "response",
                    met=datetime(2026, 4, 1, 1),
                    breached=datetime(2026, 3, 31),
                    hours=20,
                ),
                # Breached in February: not March's.
                clock(
                    "response",
                    met=datetime(2026, 3, 3),
                    breached=datetime(2026, 2, 27),
                    hours=30,
                ),
                clock("resolution"),  # running: never counts
            ],
        )
        self.assertEqual(figures["sla_response"], 50.0)
        self.assertEqual(figures["mean_response_hours"], 15.5)  # 1 h and 30 h
        self.assertIsNone(figures["sla_resolution"])
        self.assertIsNone(figures["mean_resolution_hours"])

    def test_tickets_and_surveys(self):
        tickets = [
            {
                "reported_at": datetime(2026, 3, 1),
                "resolved_at": datetime(2026, 3, 2),
                "reopen_count": 0,
                "is_complaint": False,
            },
            {
                "reported_at": datetime(2026, 2, 1),
                "resolved_at": datetime(2026, 3, 2),
                "reopen_count": 2,
                "is_complaint": False,
            },
            {
                "reported_at": datetime(2026, 3, 5),
                "resolved_at": None,
                "reopen_count": 0,
                "is_complaint": True,
            },
        ]
        responses = [
            {"answered_at": datetime(2026, 3, 3), "index": 90.0},
            {"answered_at": datetime(2026, 3, 4), "index": None},  # nothing scored
            {"answered_at": datetime(2026, 4, 4), "index": 10.0},
        ]
        invitations = [
            {"sent_at": datetime(2026, 3, 2), "answered": True},
            {"sent_at": datetime(2026, 3, 3), "answered": False},
            {"sent_at": datetime(2026, 3, 4), "answered": False},
            {"sent_at": datetime(2026, 3, 5), "answered": True},
        ]
        figures = kpis.compute_kpis(
            START, END, tickets=tickets, responses=responses, invitations=invitations
        )
        self.assertEqual(figures["first_time_fix_rate"], 50.0)
        self.assertEqual(figures["complaint_count"], 1)
        self.assertEqual(figures["workload"], 2)
        self.assertEqual(figures["satisfaction_index"], 90.0)
        self.assertEqual(figures["surveys_answered"], 2)
        self.assertEqual(figures["surveys_sent"], 4)
        self.assertEqual(figures["survey_response_rate"], 50.0)
        empty = kpis.compute_kpis(START, END)
        self.assertIsNone(empty["satisfaction_index"])
        self.assertIsNone(empty["survey_response_rate"])
        self.assertEqual(empty["complaint_count"], 0)


class TestVerdicts(BaseCase):
    def test_judge_by_direction_and_shown_precision(self):
        self.assertEqual(kpis.judge("sla_response", 95.0, 95), "pass")
        self.assertEqual(kpis.judge("sla_response", 94.999, 95), "pass")
        self.assertEqual(kpis.judge("sla_response", 94.99, 95), "fail")
        self.assertEqual(kpis.judge("complaint_count", 3, 2), "fail")
        self.assertEqual(kpis.judge("mean_response_hours", 1.5, 2), "pass")
        self.assertEqual(kpis.judge("sla_response", None, 95), "na")
        self.assertEqual(kpis.judge("sla_response", 80, None), "na")
        self.assertEqual(kpis.judge("surveys_sent", 5, 1), "na")

    def test_trend_from_the_kpis_point_of_view(self):
        self.assertEqual(kpis.trend("satisfaction_index", 88, 70), "better")
        self.assertEqual(kpis.trend("mean_resolution_hours", 10, 8), "worse")
        self.assertEqual(kpis.trend("complaint_count", 1, 3), "better")
        self.assertEqual(kpis.trend("sla_response", 90.001, 90), "same")
        self.assertEqual(kpis.trend("sla_response", 90, None), "na")
