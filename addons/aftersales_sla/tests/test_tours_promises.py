"""Browser tours of issue #10 as a service manager does it (Chromium): the ticket no
SLA target fits is found and given its clock; the pause wizard shows which clocks
stop."""

from datetime import date

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestPromiseTours(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            "tour_promise_manager",
            groups="aftersales_sla.group_aftersales_manager",
            lang="en_US",
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Tour Promise Customer", "is_company": True}
        )
        cls.policy = cls.env["aftersales.sla.policy"].create(
            {
                "name": "Tour Normal-only SLA",
                "target_ids": [
                    Command.create(
                        {
                            "metric": metric,
                            "priority": "1",
                            "target_hours": hours,
                            "time_basis": "always",
                        }
                    )
                    for metric, hours in (("response", 4), ("resolution", 24))
                ],
            }
        )
        cls.contract = cls.env["aftersales.contract"].create(
            {
                "partner_id": cls.customer.id,
                "title": "Tour promise contract",
                "date_start": date(2020, 1, 1),
                "date_end": date(2099, 12, 31),
                "calendar_id": cls.env.ref("resource.resource_calendar_std").id,
                "sla_policy_id": cls.policy.id,
            }
        )
        cls.contract.action_activate()

    def test_manager_finds_the_unmatched_ticket_and_adds_a_target(self):
        ticket = self.env["aftersales.ticket"].create(
            {
                "name": "Tour urgent lock",
                "partner_id": self.customer.id,
                "priority": "2",
            }
        )
        self.assertEqual(ticket.sla_status, "unmatched")
        self.start_tour(
            "/odoo/action-aftersales_sla.aftersales_ticket_action?view_type=list",
            "aftersales_unmatched_target",
            login="tour_promise_manager",
        )
        added = self.policy.target_ids.filtered(lambda t: t.target_hours == 8)
        self.assertEqual(len(added), 1)
        self.assertFalse(added.priority, "left empty: any priority")
        ticket.invalidate_recordset()
        self.assertFalse(ticket.sla_unmatched)
        self.assertEqual(ticket.sla_status, "running")
        self.assertEqual(ticket.sla_ids.target_seconds, 8 * 3600)
        self.assertIn("ticket.retargeted", ticket.event_ids.mapped("event_type"))

    def test_pause_wizard_shows_the_clocks_and_moves_the_stage(self):
        ticket = self.env["aftersales.ticket"].create(
            {"name": "Tour waiting lock", "partner_id": self.customer.id}
        )
        self.start_tour(
            "/odoo/action-aftersales_sla.aftersales_ticket_action?view_type=list",
            "aftersales_pause_shows_clocks",
            login="tour_promise_manager",
        )
        ticket.invalidate_recordset()
        self.assertEqual(ticket.pause_reason_id.code, "waiting_customer")
        states = {line.metric: line.state for line in ticket.sla_ids}
        self.assertEqual(states, {"response": "running", "resolution": "paused"})
        self.assertEqual(
            ticket.stage_id,
            self.env.ref("aftersales_sla.ticket_stage_waiting_customer"),
        )
