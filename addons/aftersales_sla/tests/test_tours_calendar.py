"""Browser tour (Chromium): a service manager adds a public holiday to a service
calendar on which a ticket's clock runs, and the ticket's deadline moves."""

from datetime import date

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .test_tours import make_policy


@tagged("post_install", "-at_install")
class TestCalendarTour(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            "tour_calendar_manager",
            groups="aftersales_sla.group_aftersales_manager",
            lang="en_US",
        )
        # on-site service 08:00-22:00 every day
        cls.calendar = cls.env["resource.calendar"].create(
            {
                "name": "Tour Service Calendar",
                "tz": "Asia/Shanghai",
                "attendance_ids": [Command.clear()]
                + [
                    Command.create(
                        {
                            "name": f"Day {day}",
                            "dayofweek": str(day),
                            "hour_from": 8,
                            "hour_to": 22,
                        }
                    )
                    for day in range(7)
                ],
                "global_leave_ids": [
                    Command.clear(),
                    Command.create(
                        {
                            "name": "Tour Founding Day",
                            "date_from": "2027-03-01 16:00:00",
                            "date_to": "2027-03-02 15:59:59",
                        }
                    ),
                ],
            }
        )
        cls.env["aftersales.calendar.extra.day"].create(
            {
                "calendar_id": cls.calendar.id,
                "date": date(2027, 3, 7),
                "name": "Tour swapped working day",
            }
        )
        customer = cls.env["res.partner"].create(
            {"name": "Tour Calendar Customer", "is_company": True}
        )
        contract = cls.env["aftersales.contract"].create(
            {
                "partner_id": customer.id,
                "title": "Tour calendar contract",
                "date_start": date(2020, 1, 1),
                "date_end": date(2099, 12, 31),
                "calendar_id": cls.calendar.id,
                "sla_policy_id": make_policy(
                    cls.env, "Tour calendar SLA", cls.calendar
                ).id,
            }
        )
        contract.action_activate()
        cls.ticket = cls.env["aftersales.ticket"].create(
            {"name": "Tour door lock offline", "partner_id": customer.id}
        )

    def test_manager_adds_a_public_holiday_over_a_running_deadline(self):
        self.assertFalse(self.manager.has_group("base.group_no_one"))
        response = self.ticket.sla_ids.filtered(lambda line: line.metric == "response")
        self.assertEqual(response.state, "running")
        deadline = response.deadline
        self.start_tour(
            "/odoo/action-aftersales_sla.aftersales_ticket_action",
            "aftersales_calendar_holiday",
            login="tour_calendar_manager",
        )
        holiday = self.env["resource.calendar.leaves"].search(
            [("name", "=", "Tour Company Outing")]
        )
        self.assertEqual(len(holiday), 1)
        self.assertEqual(holiday.calendar_id, self.calendar)
        self.assertFalse(holiday.resource_id)
        self.assertEqual(holiday.create_uid, self.manager)
        self.assertTrue(holiday.date_from <= deadline <= holiday.date_to)
        self.env.invalidate_all()
        self.assertEqual(response.state, "running")
        self.assertGreater(response.deadline, holiday.date_to, "the deadline moved")
