from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.aftersales_sla.tests.common import shanghai

from .test_appointment_clock import AppointmentCase

SUMMARY = "ERASEGAP-VISIT 李四家门锁打不开"


@tagged("post_install", "-at_install")
class TestErasureGapsField(AppointmentCase):
    def test_visit_calendar_event_is_neutralised_by_the_purge(self):
        self.customer.write({"street": "ERASEGAP-STREET 南山区科技园 8 栋"})
        with freeze_time(shanghai(2026, 11, 20, 21, 5)):
            ticket = self.report(name=SUMMARY)
            appointment = self.book(
                ticket, shanghai(2026, 11, 21, 9, 0), shanghai(2026, 11, 21, 11, 0)
            )
        event = appointment.calendar_event_id
        event.partner_ids = [(4, self.customer.id)]
        self.assertIn(self.customer.name, event.name)
        self.assertIn("ERASEGAP", event.description + event.location)
        event.message_post(body="ERASEGAP-CHAT 李四说下午在家")
        start, stop = event.start, event.stop
        ticket.action_close()
        ticket._purge_personal_data()
        self.env.flush_all()
        for table, expr in (
            ("calendar_event", "name"),
            ("calendar_event", "description::text"),
            ("calendar_event", "location"),
            ("mail_message", "body::text"),
        ):
            self.env.cr.execute(
                f"SELECT count(*) FROM {table} WHERE {expr} LIKE %s",  # noqa: S608
                ["%ERASEGAP%"],
            )
            self.assertEqual(self.env.cr.fetchone()[0], 0, f"{table}.{expr}")
        self.assertNotIn(self.customer.name, event.name)
        self.assertIn(ticket.number, event.name)
        self.assertEqual(event.partner_ids, self.technician.partner_id)
        self.assertEqual((event.start, event.stop), (start, stop))
        self.assertEqual(event.user_id, self.technician)
        self.assertEqual(appointment.calendar_event_id, event)
