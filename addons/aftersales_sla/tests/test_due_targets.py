"""Targets that promise an instant (``due``) and events that set some metrics only.

The field-service addon builds agreed visit slots and planned maintenance on these two
hooks of the projection; here they are pinned on the projection itself, with the
ledger events a ticket would have.
"""

from datetime import datetime, timedelta
from unittest.mock import patch

from odoo.tests import TransactionCase, tagged

H = 3600
T0 = datetime(2026, 11, 20, 9, 0)


def target(metric, seconds=0, due=None):
    info = {
        "metric": metric,
        "target": False,
        "seconds": seconds,
        "calendar": None,
        "warning": 50.0,
        "pause_reasons": ["customer"],
    }
    if due:
        info["due"] = due.strftime("%Y-%m-%d %H:%M:%S")
    return info


@tagged("post_install", "-at_install")
class TestDueTargets(TransactionCase):
    def project(self, events):
        """{metric: values} of a ticket with ``events`` (type, at, payload), where
        ``test.slot`` events set the metrics they name only."""
        Sla = self.env["aftersales.ticket.sla"]
        numbered = [
            (kind, at, payload, n) for n, (kind, at, payload) in enumerate(events)
        ]
        with patch.object(
            type(Sla), "_partial_target_event_types", lambda self: ("test.slot",)
        ):
            clocks = Sla._clock_events(numbered)
        worktimes = Sla._worktimes(T0, T0 + timedelta(days=30), calendars=[])
        return {
            metric: Sla._project_clock_values(info, clock_events, worktimes)
            for metric, (info, clock_events) in clocks.items()
        }

    def test_a_due_target_set_later_starts_its_clock_and_keeps_the_others(self):
        due = T0 + timedelta(days=1, hours=2)
        clocks = self.project(
            [
                ("ticket.reported", T0, {"targets": [target("response", 4 * H)]}),
                (
                    "test.slot",
                    T0 + timedelta(hours=1),
                    {"targets": [target("arrival", due=due)]},
                ),
            ]
        )
        self.assertEqual(clocks["response"]["state"], "running")
        self.assertEqual(clocks["response"]["deadline"], T0 + timedelta(hours=4))
        self.assertEqual(clocks["arrival"]["state"], "running")
        self.assertEqual(clocks["arrival"]["deadline"], due)
        self.assertFalse(clocks["arrival"]["calendar_id"], "counted on all time")

    def test_moving_the_due_moves_the_deadline_and_a_pause_does_not(self):
        first = T0 + timedelta(days=1)
        later = T0 + timedelta(days=3)
        slot = target("arrival", due=first)
        moved = target("arrival", due=later)
        clocks = self.project(
            [
                ("ticket.reported", T0, {"targets": [target("response", 4 * H)]}),
                ("test.slot", T0 + timedelta(hours=1), {"targets": [slot]}),
                ("ticket.paused", T0 + timedelta(hours=2), {"reason": "customer"}),
                ("test.slot", T0 + timedelta(hours=3), {"targets": [moved]}),
            ]
        )
        self.assertEqual(clocks["arrival"]["deadline"], later)
        self.assertEqual(clocks["arrival"]["state"], "running", "not paused")
        self.assertEqual(clocks["response"]["state"], "paused")

    def test_a_due_passed_without_the_milestone_is_a_breach_at_the_due(self):
        due = T0 + timedelta(hours=5)
        clocks = self.project(
            [
                ("ticket.reported", T0, {"targets": [target("response", 4 * H)]}),
                (
                    "test.slot",
                    T0 + timedelta(hours=1),
                    {"targets": [target("arrival", due=due)]},
                ),
                ("ticket.arrived", T0 + timedelta(hours=7), {}),
            ]
        )
        self.assertEqual(clocks["arrival"]["state"], "breached")
        self.assertEqual(clocks["arrival"]["breached_at"], due)
        self.assertEqual(clocks["arrival"]["lateness_seconds"], 2 * H)

    def test_a_full_retargeting_without_the_metric_cancels_it(self):
        due = T0 + timedelta(days=1)
        clocks = self.project(
            [
                ("ticket.reported", T0, {"targets": [target("response", 4 * H)]}),
                (
                    "test.slot",
                    T0 + timedelta(hours=1),
                    {"targets": [target("arrival", due=due)]},
                ),
                (
                    "ticket.retargeted",
                    T0 + timedelta(hours=2),
                    {"targets": [target("response", 4 * H)]},
                ),
            ]
        )
        self.assertEqual(clocks["arrival"]["state"], "cancelled")
        self.assertEqual(clocks["response"]["state"], "running")

    def test_a_due_target_in_a_report_counts_from_the_report(self):
        due = T0 + timedelta(days=2)
        clocks = self.project(
            [("ticket.reported", T0, {"targets": [target("resolution", due=due)]})]
        )
        self.assertEqual(clocks["resolution"]["deadline"], due)
        self.assertEqual(clocks["resolution"]["target_seconds"], 48 * H)
