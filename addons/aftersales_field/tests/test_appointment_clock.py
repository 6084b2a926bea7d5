"""Agreed visit slots and the on-site arrival clock (issue #14, item 1): booked,
arrived on time or late, missed (the SLA watch books the breach at slot end plus
grace), rescheduled at the customer's request (the promise moves) or the
service's (it does not), replayed from the ledger."""

import json
from datetime import date, timedelta

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import new_test_user, tagged

from odoo.addons.aftersales_sla.tests.common import TicketCase, shanghai

GRACE = 30


class AppointmentCase(TicketCase):
    """The smart-lock contract, its normal-priority arrival promised at the agreed
    slot with 30 minutes' grace (its urgent arrival stays 4 hours after the
    report), and a technician with his own calendar."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.slot_target = cls.env["aftersales.sla.target"].create(
            {
                "policy_id": cls.policy.id,
                "metric": "arrival",
                "priority": "1",
                "arrival_basis": "slot",
                "slot_grace_minutes": GRACE,
                "target_hours": 0,
                "time_basis": "always",
            }
        )
        cls.technician = new_test_user(
            cls.env,
            login="appt_technician",
            name="张师傅",
            groups="aftersales_sla.group_aftersales_user",
            tz="Asia/Shanghai",
        )
        cls.other_technician = new_test_user(
            cls.env,
            login="appt_technician_2",
            name="李师傅",
            groups="aftersales_sla.group_aftersales_user",
            tz="Asia/Shanghai",
        )
        cls.dispatcher = new_test_user(
            cls.env,
            login="appt_dispatcher",
            groups="aftersales_sla.group_aftersales_manager",
            tz="Asia/Shanghai",
        )
        cls.Sla = cls.env["aftersales.ticket.sla"]

    def report(self, reported=None, **values):
        values.setdefault("user_id", self.technician.id)
        return super().report(reported, **values)

    def book(self, ticket, start, end, user=None):
        return ticket.with_user(self.dispatcher).action_book_appointment(
            user or self.technician, start, end
        )

    def events(self, ticket, event_type):
        return [
            json.loads(event.payload)
            for event in ticket.event_ids.sorted("id")
            if event.event_type == event_type
        ]

    def watch(self):
        self.env.ref(
            "aftersales_sla.ir_cron_aftersales_sla_watch"
        ).method_direct_trigger()

    def assertReplays(self, ticket):
        self.assertEqual(self.Sla._rebuild_from_ledger(ticket, fix=False), [])


@tagged("post_install", "-at_install")
class TestAppointmentClock(AppointmentCase):
    def test_no_clock_until_a_slot_is_booked_then_due_at_slot_end_plus_grace(self):
        with freeze_time(shanghai(2026, 11, 20, 21, 5)):
            ticket = self.report()
            self.assertFalse(self.line(ticket, "arrival"))
            self.assertTrue(ticket.appointment_needed)
            self.assertIn(
                ticket,
                self.Ticket.search([("appointment_needed", "=", True)]),
            )
            appointment = self.book(
                ticket, shanghai(2026, 11, 21, 9, 0), shanghai(2026, 11, 21, 11, 0)
            )
        self.assertEqual(ticket.appointment_id, appointment)
        self.assertFalse(ticket.appointment_needed)
        line = self.line(ticket, "arrival")
        self.assertEqual(line.state, "running")
        self.assertEqual(
            line.deadline, shanghai(2026, 11, 21, 11, 0) + timedelta(minutes=GRACE)
        )
        # The other clocks are left alone.
        self.assertEqual(self.line(ticket, "response").state, "running")
        (booked,) = self.events(ticket, "ticket.appointment_booked")
        self.assertEqual(booked["appointment"], appointment.id)
        self.assertEqual(booked["technician"], self.technician.id)
        self.assertEqual(booked["targets"][0]["basis"], "slot")
        # No name, phone or address of the customer in the ledger.
        self.assertNotIn(self.customer.name, json.dumps(booked, ensure_ascii=False))
        # In the technician's calendar.
        event = appointment.calendar_event_id
        self.assertEqual(event.user_id, self.technician)
        self.assertEqual(event.partner_ids, self.technician.partner_id)
        self.assertEqual(event.start, shanghai(2026, 11, 21, 9, 0))
        self.assertEqual(event.stop, shanghai(2026, 11, 21, 11, 0))
        self.assertIn(ticket.number, event.name)
        self.assertReplays(ticket)

    def test_arrival_on_time_meets_the_promise(self):
        with freeze_time(shanghai(2026, 11, 20, 21, 5)):
            ticket = self.report()
            appointment = self.book(
                ticket, shanghai(2026, 11, 21, 9, 0), shanghai(2026, 11, 21, 11, 0)
            )
        with freeze_time(shanghai(2026, 11, 21, 11, 20)):  # within the grace
            ticket.with_user(self.technician).action_arrive()
        self.assertEqual(self.line(ticket, "arrival").state, "met")
        self.assertEqual(appointment.state, "done")
        self.assertReplays(ticket)

    def test_arrival_after_the_grace_is_late(self):
        with freeze_time(shanghai(2026, 11, 20, 21, 5)):
            ticket = self.report()
            appointment = self.book(
                ticket, shanghai(2026, 11, 21, 9, 0), shanghai(2026, 11, 21, 11, 0)
            )
        with freeze_time(shanghai(2026, 11, 21, 12, 0)):
            ticket.with_user(self.technician).action_arrive()
        line = self.line(ticket, "arrival")
        self.assertEqual(line.state, "breached")
        self.assertEqual(line.breached_at, shanghai(2026, 11, 21, 11, 30))
        self.assertEqual(appointment.state, "missed")
        self.assertReplays(ticket)

    def test_missed_slot_is_booked_as_a_breach_by_the_watch(self):
        with freeze_time(shanghai(2026, 11, 20, 21, 5)):
            ticket = self.report()
            appointment = self.book(
                ticket, shanghai(2026, 11, 21, 9, 0), shanghai(2026, 11, 21, 11, 0)
            )
        with freeze_time(shanghai(2026, 11, 21, 11, 25)):
            self.watch()
            self.assertEqual(self.line(ticket, "arrival").state, "running")
            self.assertEqual(appointment.state, "planned")
        with freeze_time(shanghai(2026, 11, 21, 11, 35)):
            # Searchable as passed, even before the watch ran.
            self.assertIn(
                appointment,
                self.env["aftersales.appointment"].search([("slot_passed", "=", True)]),
            )
            self.watch()
        line = self.line(ticket, "arrival")
        self.assertEqual(line.state, "breached")
        self.assertEqual(line.breached_at, shanghai(2026, 11, 21, 11, 30))
        self.assertEqual(appointment.state, "missed")
        breaches = [
            payload
            for payload in self.events(ticket, "sla.breached")
            if payload.get("metric") == "arrival"
        ]
        self.assertEqual(len(breaches), 1)
        # Another slot is booked for the missed visit; the breach stays.
        self.assertTrue(ticket.appointment_needed)
        with freeze_time(shanghai(2026, 11, 21, 11, 40)):
            again = self.book(
                ticket, shanghai(2026, 11, 21, 14, 0), shanghai(2026, 11, 21, 16, 0)
            )
        self.assertEqual(again.previous_id, appointment)
        self.assertEqual(appointment.state, "missed")
        self.assertEqual(self.line(ticket, "arrival").state, "breached")
        self.assertReplays(ticket)

    def test_customer_reschedule_moves_the_promise(self):
        with freeze_time(shanghai(2026, 11, 20, 21, 5)):
            ticket = self.report()
            first = self.book(
                ticket, shanghai(2026, 11, 21, 9, 0), shanghai(2026, 11, 21, 11, 0)
            )
        with freeze_time(shanghai(2026, 11, 21, 8, 0)):
            second = first.with_user(self.dispatcher).action_reschedule(
                shanghai(2026, 11, 22, 14, 0),
                shanghai(2026, 11, 22, 16, 0),
                "customer",
                "客户周六不在家 / The customer is away",
            )
        self.assertEqual(first.state, "replaced")
        self.assertFalse(first.calendar_event_id)
        self.assertEqual(ticket.appointment_id, second)
        self.assertEqual(second.previous_id, first)
        self.assertEqual(
            self.line(ticket, "arrival").deadline,
            shanghai(2026, 11, 22, 16, 0) + timedelta(minutes=GRACE),
        )
        (moved,) = self.events(ticket, "ticket.appointment_rescheduled")
        self.assertEqual(moved["requested_by"], "customer")
        self.assertEqual(moved["previous"], first.id)
        # The old slot passes: nothing is breached.
        with freeze_time(shanghai(2026, 11, 21, 12, 0)):
            self.watch()
        self.assertEqual(self.line(ticket, "arrival").state, "running")
        with freeze_time(shanghai(2026, 11, 22, 15, 0)):
            ticket.with_user(self.technician).action_arrive()
        self.assertEqual(self.line(ticket, "arrival").state, "met")
        self.assertEqual(second.state, "done")
        self.assertReplays(ticket)

    def test_service_reschedule_keeps_the_promise(self):
        with freeze_time(shanghai(2026, 11, 20, 21, 5)):
            ticket = self.report()
            first = self.book(
                ticket, shanghai(2026, 11, 21, 9, 0), shanghai(2026, 11, 21, 11, 0)
            )
        with freeze_time(shanghai(2026, 11, 21, 8, 0)):
            second = first.with_user(self.dispatcher).action_reschedule(
                shanghai(2026, 11, 21, 14, 0),
                shanghai(2026, 11, 21, 16, 0),
                "service",
                "师傅车坏了 / The technician's van broke down",
                user=self.other_technician,
            )
        self.assertEqual(second.user_id, self.other_technician)
        self.assertEqual(second.calendar_event_id.user_id, self.other_technician)
        promised = shanghai(2026, 11, 21, 11, 0) + timedelta(minutes=GRACE)
        self.assertEqual(self.line(ticket, "arrival").deadline, promised)
        # A priority change re-derives the targets: the promise still stands on
        # the first slot.
        with freeze_time(shanghai(2026, 11, 21, 8, 30)):
            ticket.priority = "2"
            ticket.priority = "1"
        self.assertEqual(self.line(ticket, "arrival").deadline, promised)
        with freeze_time(shanghai(2026, 11, 21, 15, 0)):
            ticket.with_user(self.dispatcher).action_arrive()
        line = self.line(ticket, "arrival")
        self.assertEqual(line.state, "breached")
        self.assertEqual(line.breached_at, promised)
        # The second visit took place in its slot: it is done, not missed.
        self.assertEqual(second.state, "done")
        self.assertReplays(ticket)

    def test_hours_basis_arrival_is_not_moved_by_a_slot(self):
        with freeze_time(shanghai(2026, 11, 20, 21, 5)):
            ticket = self.report(priority="3")
            deadline = self.line(ticket, "arrival").deadline
            self.assertEqual(deadline, shanghai(2026, 11, 21, 1, 0))
            self.assertFalse(ticket.appointment_needed)
            self.book(
                ticket, shanghai(2026, 11, 21, 9, 0), shanghai(2026, 11, 21, 11, 0)
            )
        (booked,) = self.events(ticket, "ticket.appointment_booked")
        self.assertEqual(booked["targets"], [])
        self.assertEqual(self.line(ticket, "arrival").deadline, deadline)
        self.assertReplays(ticket)

    def test_resolving_without_a_visit_cancels_the_slot(self):
        with freeze_time(shanghai(2026, 11, 20, 21, 5)):
            ticket = self.report()
            appointment = self.book(
                ticket, shanghai(2026, 11, 21, 9, 0), shanghai(2026, 11, 21, 11, 0)
            )
            event = appointment.calendar_event_id
        with freeze_time(shanghai(2026, 11, 20, 22, 0)):
            ticket.with_user(self.technician).action_resolve(
                reason="电话指导解决 / Solved over the phone"
            )
        self.assertEqual(appointment.state, "cancelled")
        self.assertFalse(event.exists())
        self.assertEqual(self.line(ticket, "arrival").state, "cancelled")
        self.assertReplays(ticket)

    def test_a_slot_only_promise_is_not_unmatched(self):
        policy = self.env["aftersales.sla.policy"].create(
            {
                "name": "Visit at the agreed slot only",
                "target_ids": [
                    (
                        0,
                        0,
                        {
                            "metric": "arrival",
                            "arrival_basis": "slot",
                            "slot_grace_minutes": 15,
                            "target_hours": 0,
                            "time_basis": "always",
                        },
                    )
                ],
            }
        )
        customer = self.env["res.partner"].create(
            {"name": "佛山市顺德区某酒店", "is_company": True}
        )
        contract = self.env["aftersales.contract"].create(
            {
                "partner_id": customer.id,
                "title": "Visits only",
                "date_start": date(2026, 1, 1),
                "date_end": date(2026, 12, 31),
                "amount_value": 1000,
                "calendar_id": self.calendar.id,
                "sla_policy_id": policy.id,
            }
        )
        contract.action_activate()
        with freeze_time(shanghai(2026, 11, 20, 21, 5)):
            ticket = self.report(partner_id=customer.id)
        self.assertEqual(ticket.contract_id, contract)
        self.assertFalse(ticket.sla_ids)
        self.assertFalse(ticket.sla_unmatched)
        self.assertTrue(ticket.appointment_needed)
        with freeze_time(shanghai(2026, 11, 20, 21, 10)):
            self.book(
                ticket, shanghai(2026, 11, 21, 9, 0), shanghai(2026, 11, 21, 11, 0)
            )
        self.assertEqual(
            self.line(ticket, "arrival").deadline,
            shanghai(2026, 11, 21, 11, 15),
        )

    def test_slot_basis_only_for_arrival_and_bounded_grace(self):
        with self.assertRaises(ValidationError):
            self.slot_target.copy({"metric": "response"})
        with self.assertRaises(ValidationError):
            self.slot_target.slot_grace_minutes = -5
        with self.assertRaises(ValidationError):
            self.slot_target.slot_grace_minutes = 3000
