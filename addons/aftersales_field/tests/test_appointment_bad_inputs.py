"""Booking and rescheduling visits: bad input is refused with a clear message and
leaves nothing behind; an overlapping visit is a warning; only the business
methods write appointments and move their calendar events."""

from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.aftersales_sla.tests.common import call_kw, shanghai

from .test_appointment_clock import AppointmentCase

NOW = shanghai(2026, 11, 20, 21, 5)
START = shanghai(2026, 11, 21, 9, 0)
END = shanghai(2026, 11, 21, 11, 0)


@tagged("post_install", "-at_install")
class TestAppointmentBadInputs(AppointmentCase):
    def setUp(self):
        super().setUp()
        frozen = freeze_time(NOW)
        frozen.start()
        self.addCleanup(frozen.stop)
        self.ticket = self.report()
        self.Appointment = self.env["aftersales.appointment"]

    def assertNothingBooked(self):
        self.assertFalse(self.ticket.appointment_ids)
        self.assertFalse(self.events(self.ticket, "ticket.appointment_booked"))
        self.assertFalse(self.line(self.ticket, "arrival"))

    def test_slot_in_the_past_is_refused_in_the_users_time_zone(self):
        with self.assertRaises(ValidationError) as caught:
            self.book(self.ticket, NOW - timedelta(hours=3), NOW - timedelta(hours=1))
        # 20:05 Shanghai time, the dispatcher's time zone (12:05 UTC).
        self.assertIn("2026-11-20 20:05", str(caught.exception))
        self.assertIn("Asia/Shanghai", str(caught.exception))
        self.assertNothingBooked()

    def test_end_before_start_and_overlong_slots_are_refused(self):
        with self.assertRaises(ValidationError):
            self.book(self.ticket, END, START)
        with self.assertRaises(ValidationError):
            self.book(self.ticket, START, START)
        with self.assertRaises(ValidationError):
            self.book(self.ticket, START, START + timedelta(days=2))
        self.assertNothingBooked()

    def test_resolved_or_closed_tickets_get_no_visit(self):
        self.ticket.action_resolve(reason="电话解决 / Solved over the phone")
        with self.assertRaises(UserError):
            self.book(self.ticket, START, END)
        self.assertNothingBooked()

    def test_a_second_booking_is_a_reschedule(self):
        self.book(self.ticket, START, END)
        with self.assertRaises(UserError):
            self.book(self.ticket, START + timedelta(days=1), END + timedelta(days=1))
        self.assertEqual(len(self.ticket.appointment_ids), 1)

    def test_reschedule_needs_a_reason_and_who_asked(self):
        appointment = self.book(self.ticket, START, END)
        for requested_by, reason in (("customer", ""), ("customer", "  "), ("", "x")):
            with self.assertRaises(UserError):
                appointment.with_user(self.dispatcher).action_reschedule(
                    START + timedelta(days=1),
                    END + timedelta(days=1),
                    requested_by,
                    reason,
                )
        self.assertEqual(appointment.state, "planned")
        self.assertEqual(self.ticket.appointment_ids, appointment)
        self.assertFalse(self.events(self.ticket, "ticket.appointment_rescheduled"))

    def test_overlap_is_a_warning_naming_the_other_ticket(self):
        other = self.report(name="另一把锁")
        self.book(other, START, END)
        wizard = Form(
            self.env["aftersales.appointment.book"]
            .with_user(self.dispatcher)
            .with_context(default_ticket_id=self.ticket.id)
        )
        wizard.user_id = self.technician
        wizard.slot_start = START + timedelta(hours=1)
        wizard.slot_end = END + timedelta(hours=1)
        self.assertIn(other.number, wizard.overlap_warning)
        wizard.save().action_confirm()
        self.assertEqual(self.ticket.appointment_id.user_id, self.technician)
        # Not overlapping: no warning.
        wizard = Form(
            self.env["aftersales.appointment.book"]
            .with_user(self.dispatcher)
            .with_context(default_ticket_id=other.id)
        )
        self.assertTrue(wizard.is_reschedule)
        wizard.slot_start = END + timedelta(hours=5)
        wizard.slot_end = END + timedelta(hours=6)
        self.assertFalse(wizard.overlap_warning)

    def test_technician_needs_write_access_to_the_ticket(self):
        stranger = new_test_user(
            self.env,
            login="appt_stranger",
            groups="aftersales_sla.group_aftersales_user",
        )
        with self.assertRaises(AccessError):
            self.ticket.with_user(stranger).action_book_appointment(
                stranger, START, END
            )
        # His own ticket: he books it.
        appointment = self.ticket.with_user(self.technician).action_book_appointment(
            self.technician, START, END
        )
        self.assertEqual(appointment.state, "planned")
        # He reads the dispatch of the company (every visit).
        self.assertIn(appointment, self.Appointment.with_user(stranger).search([]))

    def test_portal_and_accountants_cannot_book(self):
        accountant = new_test_user(
            self.env, login="appt_accountant", groups="account.group_account_invoice"
        )
        with self.assertRaises(AccessError):
            self.ticket.with_user(accountant).action_book_appointment(
                self.technician, START, END
            )
        self.assertNothingBooked()

    def test_technician_must_be_an_internal_user(self):
        portal = new_test_user(
            self.env, login="appt_portal", groups="base.group_portal"
        )
        with self.assertRaises(UserError):
            self.book(self.ticket, START, END, user=portal)
        self.assertNothingBooked()

    def test_appointments_change_only_through_their_methods(self):
        appointment = self.book(self.ticket, START, END)
        for values in (
            {"state": "done"},
            {"slot_end": fields.Datetime.to_string(END + timedelta(hours=5))},
            {"requested_by": "customer"},
        ):
            with self.assertRaises(UserError):
                appointment.write(values)
        with self.assertRaises(UserError):
            self.Appointment.create(
                {
                    "ticket_id": self.ticket.id,
                    "user_id": self.technician.id,
                    "slot_start": START,
                    "slot_end": END,
                }
            )
        with self.assertRaises(UserError):
            appointment.unlink()
        with self.assertRaises(UserError):
            self.ticket.write({"appointment_id": False})
        self.assertEqual(appointment.state, "planned")
        self.assertEqual(self.ticket.appointment_id, appointment)

    def test_calendar_event_cannot_be_moved_or_deleted_in_the_calendar(self):
        appointment = self.book(self.ticket, START, END)
        event = appointment.calendar_event_id.with_user(self.technician)
        with self.assertRaises(UserError) as caught:
            event.write({"start": START + timedelta(hours=2)})
        self.assertIn("reschedule it from the ticket", str(caught.exception))
        with self.assertRaises(UserError):
            event.unlink()
        # Its description may change; its slot did not.
        event.write({"description": "带上梯子 / Bring a ladder"})
        self.assertEqual(appointment.calendar_event_id.start, START)

    def test_other_companies_do_not_see_the_visits(self):
        appointment = self.book(self.ticket, START, END)
        other_company = self.env["res.company"].create({"name": "Other Heater Co"})
        outsider = new_test_user(
            self.env,
            login="appt_outsider",
            groups="aftersales_sla.group_aftersales_manager",
            company_id=other_company.id,
            company_ids=[(6, 0, other_company.ids)],
        )
        self.assertNotIn(appointment, self.Appointment.with_user(outsider).search([]))
        with self.assertRaises(AccessError):
            self.ticket.with_user(outsider).action_book_appointment(
                self.technician, START + timedelta(days=1), END + timedelta(days=1)
            )


@tagged("post_install", "-at_install")
class TestAppointmentRpc(HttpCase):
    """Over JSON-RPC as the web client sends it: appointments are read-only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.technician = new_test_user(
            cls.env, "appt_rpc_tech", groups="aftersales_sla.group_aftersales_user"
        )
        cls.manager = new_test_user(
            cls.env,
            "appt_rpc_manager",
            groups="aftersales_sla.group_aftersales_manager",
        )
        customer = cls.env["res.partner"].create({"name": "广州市客户"})
        cls.ticket = cls.env["aftersales.ticket"].create(
            {
                "name": "热水器不点火",
                "partner_id": customer.id,
                "user_id": cls.technician.id,
            }
        )
        cls.start = fields.Datetime.now().replace(microsecond=0) + timedelta(days=1)
        cls.end = cls.start + timedelta(hours=2)

    def rpc(self, model, method, args, kwargs=None):
        with mute_logger("odoo.http"):
            return call_kw(self, model, method, args, kwargs)

    def test_book_over_rpc_then_direct_writes_are_refused(self):
        self.authenticate("appt_rpc_tech", "appt_rpc_tech")
        response = self.rpc(
            "aftersales.ticket",
            "action_book_appointment",
            [
                [self.ticket.id],
                self.technician.id,
                fields.Datetime.to_string(self.start),
                fields.Datetime.to_string(self.end),
            ],
        )
        self.assertNotIn("error", response)
        appointment = self.ticket.appointment_id
        self.assertEqual(appointment.slot_start, self.start)
        for login in ("appt_rpc_tech", "appt_rpc_manager"):
            self.authenticate(login, login)
            response = self.rpc(
                "aftersales.appointment", "write", [[appointment.id], {"state": "done"}]
            )
            self.assertIn("error", response)
            response = self.rpc(
                "calendar.event",
                "write",
                [
                    [appointment.calendar_event_id.id],
                    {
                        "start": fields.Datetime.to_string(
                            self.start + timedelta(hours=3)
                        )
                    },
                ],
            )
            self.assertIn(
                "reschedule it from the ticket", response["error"]["data"]["message"]
            )
            response = self.rpc(
                "aftersales.ticket",
                "write",
                [[self.ticket.id], {"appointment_id": False}],
            )
            self.assertIn("error", response)
        appointment.invalidate_recordset()
        self.assertEqual(appointment.state, "planned")
        self.assertEqual(appointment.calendar_event_id.start, self.start)
        self.assertEqual(self.ticket.appointment_id, appointment)

    def test_slot_in_the_past_over_rpc(self):
        self.authenticate("appt_rpc_manager", "appt_rpc_manager")
        past = self.start - timedelta(days=3)
        response = self.rpc(
            "aftersales.ticket",
            "action_book_appointment",
            [
                [self.ticket.id],
                self.technician.id,
                fields.Datetime.to_string(past),
                fields.Datetime.to_string(past + timedelta(hours=2)),
            ],
        )
        self.assertIn("already passed", response["error"]["data"]["message"])
        self.assertFalse(self.ticket.appointment_ids)
