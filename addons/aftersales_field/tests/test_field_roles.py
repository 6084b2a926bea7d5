"""Every role that reads a ticket reads it whole, field service included: the form's
fields (visits, checklist, plan, qualifications, partner technician) load for the
accountant and the auditor as for technicians and managers."""

from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import new_test_user, tagged

from .maintenance_common import TODAY, MaintenanceCase


@tagged("post_install", "-at_install")
class TestTicketFormForEveryRole(MaintenanceCase):
    def test_the_ticket_form_loads_for_every_role_reading_tickets(self):
        self.make_plan()
        self.generate()
        ticket = self.env["aftersales.ticket"].search(
            [("contract_id", "=", self.hotel_contract.id)], limit=1
        )
        self.assertTrue(ticket.maintenance_check_ids)
        technician = new_test_user(
            self.env,
            "roles_technician",
            groups="aftersales_sla.group_aftersales_user",
            tz="Asia/Shanghai",
        )
        with freeze_time(TODAY):
            start = fields.Datetime.now() + timedelta(days=1)
            ticket.action_book_appointment(
                technician, start, start + timedelta(hours=2)
            )
        self.assertTrue(ticket.appointment_id)
        users = {
            "technician": technician,
            "manager": new_test_user(
                self.env,
                "roles_manager",
                groups="aftersales_sla.group_aftersales_manager",
            ),
            "auditor": new_test_user(
                self.env,
                "roles_auditor",
                groups="aftersales_sla.group_aftersales_auditor",
            ),
            "billing": new_test_user(
                self.env, "roles_billing", groups="account.group_account_invoice"
            ),
        }
        ticket.user_id = technician  # his own ticket (record rules)
        for role, user in users.items():
            with self.subTest(role=role):
                Ticket = self.env["aftersales.ticket"].with_user(user)
                views = Ticket.get_views([(False, "form")])
                names = list(views["models"]["aftersales.ticket"]["fields"])
                values = Ticket.browse(ticket.id).read(names)[0]
                self.assertEqual(
                    values["maintenance_plan_id"][0], ticket.maintenance_plan_id.id
                )
                self.assertEqual(values["appointment_id"][0], ticket.appointment_id.id)
                self.assertEqual(
                    len(values["maintenance_check_ids"]),
                    len(ticket.maintenance_check_ids),
                )
