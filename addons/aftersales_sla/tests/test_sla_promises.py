"""Every promise gets a clock, and every clock means what the contract means (#10).

Each test pins one rule of docs/architecture.md ("Which target, which clock"):
targets for any priority or service type, the flag for tickets no target fits,
re-targeting when a ticket's contract, service type or customer is corrected,
what each milestone does to each metric, pause reasons and stages, the contract's
service hours, elapsed-time ceilings, bounds, and the manager's rebuild.
"""

from datetime import date, datetime

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import TicketCase, shanghai

H = 3600


class PromiseCase(TicketCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            login="promise_manager",
            groups="aftersales_sla.group_aftersales_manager",
        )
        cls.technician = new_test_user(
            cls.env,
            login="promise_technician",
            groups="aftersales_sla.group_aftersales_user",
        )
        cls.team = cls.env["aftersales.team"].create(
            {
                "name": "Lock team",
                "leader_id": cls.manager.id,
                "member_ids": [Command.link(cls.technician.id)],
            }
        )
        cls.repair = cls.env.ref("aftersales_sla.service_type_repair")
        cls.installation = cls.env.ref("aftersales_sla.service_type_installation")
        cls.complaint = cls.env.ref("aftersales_sla.service_type_complaint")
        cls.weekdays = cls.env["resource.calendar"].create(
            {
                "name": "Office 09:00-18:00 Mon-Fri",
                "tz": "Asia/Shanghai",
                "attendance_ids": [Command.clear()]
                + [
                    Command.create(
                        {
                            "name": f"Day {day}",
                            "dayofweek": str(day),
                            "hour_from": 9,
                            "hour_to": 18,
                        }
                    )
                    for day in range(5)
                ],
            }
        )

    @classmethod
    def make_contract(cls, targets, customer=None, calendar=None, **values):
        policy = cls.env["aftersales.sla.policy"].create(
            {
                "name": values.pop("policy_name", "Policy"),
                "target_ids": [Command.create(target) for target in targets],
            }
        )
        customer = customer or cls.env["res.partner"].create(
            {"name": "杭州热水器用户", "is_company": True}
        )
        contract = cls.env["aftersales.contract"].create(
            dict(
                {
                    "partner_id": customer.id,
                    "date_start": date(2026, 1, 1),
                    "date_end": date(2026, 12, 31),
                    "amount_value": 50000,
                    "calendar_id": (calendar or cls.calendar).id,
                    "sla_policy_id": policy.id,
                },
                **values,
            )
        )
        contract.action_activate()
        return contract

    def ticket_for(self, contract, reported=None, **values):
        return self.report(
            reported=reported or fields.Datetime.now(),
            partner_id=contract.partner_id.id,
            **values,
        )


@tagged("post_install", "-at_install")
class TestTargetsForAny(PromiseCase):
    @freeze_time("2026-11-20 13:05:00")
    def test_most_specific_target_wins_and_empty_means_any(self):
        contract = self.make_contract(
            [
                {"metric": "response", "target_hours": 24},
                {"metric": "response", "priority": "3", "target_hours": 4},
                {
                    "metric": "response",
                    "service_type_id": self.installation.id,
                    "target_hours": 8,
                },
                {
                    "metric": "response",
                    "priority": "3",
                    "service_type_id": self.installation.id,
                    "target_hours": 2,
                },
            ]
        )
        cases = [
            (self.repair, "2", 24),  # nothing specific: any/any
            (self.repair, "3", 4),  # the priority
            (self.installation, "1", 8),  # the service type, any priority
            (self.installation, "3", 2),  # both
        ]
        for service_type, priority, hours in cases:
            ticket = self.ticket_for(
                contract, service_type_id=service_type.id, priority=priority
            )
            self.assertEqual(
                self.line(ticket, "response").target_seconds,
                hours * H,
                f"{service_type.code} priority {priority}",
            )

    def test_a_new_target_is_for_any_priority(self):
        target = self.env["aftersales.sla.target"].create(
            {"policy_id": self.policy.id, "metric": "arrival", "target_hours": 6}
        )
        self.assertFalse(target.priority)
        self.assertEqual(target.time_basis, "contract")

    @freeze_time("2026-11-20 13:05:00")
    def test_no_matching_target_is_flagged_never_silent(self):
        contract = self.make_contract(
            [{"metric": "response", "priority": "3", "target_hours": 4}]
        )
        ticket = self.ticket_for(contract, priority="2", team_id=self.team.id)
        self.assertFalse(ticket.sla_ids)
        self.assertTrue(ticket.sla_unmatched)
        self.assertEqual(ticket.sla_status, "unmatched")
        activity_type = self.env.ref("aftersales_sla.mail_activity_type_sla_unmatched")
        activity = ticket.activity_ids.filtered(
            lambda a: a.activity_type_id == activity_type
        )
        self.assertEqual(activity.user_id, self.manager, "the team's service manager")
        self.assertIn(
            ticket,
            self.Ticket.search([("sla_unmatched", "=", True)]),
            "the 'No Matching SLA Target' filter finds it",
        )
        # A ticket without any contract is not flagged: nothing was promised.
        stranger = self.env["res.partner"].create({"name": "No contract Ltd"})
        self.assertEqual(self.report(partner_id=stranger.id).sla_status, "none")
        # Raised to Urgent, a target fits: the flag and the activity go.
        ticket.priority = "3"
        self.assertFalse(ticket.sla_unmatched)
        self.assertEqual(ticket.sla_status, "running")
        self.assertFalse(
            ticket.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)
        )
        # A flagged ticket closed as it is keeps its status, not the to-do.
        other = self.ticket_for(contract, priority="2", team_id=self.team.id)
        other.action_close()
        self.assertEqual(other.sla_status, "unmatched")
        self.assertFalse(
            other.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)
        )

    def test_target_added_gives_flagged_tickets_their_clock(self):
        contract = self.make_contract(
            [{"metric": "response", "priority": "3", "target_hours": 4}]
        )
        with freeze_time("2026-11-20 13:00:00"):  # Friday 21:00 in Shanghai
            ticket = self.ticket_for(contract, priority="2")
            running = self.ticket_for(contract, priority="3")
        self.assertTrue(ticket.sla_unmatched)
        with freeze_time(shanghai(2026, 11, 21, 9, 0)):
            self.env["aftersales.sla.target"].with_user(self.manager).create(
                {
                    "policy_id": contract.sla_policy_id.id,
                    "metric": "response",
                    "target_hours": 12,
                }
            )
        self.assertFalse(ticket.sla_unmatched)
        # Counted from the report on the contract's service hours.
        self.assertEqual(
            self.line(ticket, "response").deadline, shanghai(2026, 11, 21, 19, 0)
        )
        self.assertEqual(
            self.line(running, "response").target_seconds,
            4 * H,
            "tickets with clocks keep the targets they were reported with",
        )


@tagged("post_install", "-at_install")
class TestRetargeting(PromiseCase):
    def test_contract_given_afterwards_counts_from_the_report(self):
        customer = self.env["res.partner"].create({"name": "后补合同客户"})
        with freeze_time("2026-11-20 13:05:00"):  # Friday 21:05 in Shanghai
            ticket = self.report(partner_id=customer.id)
        self.assertEqual(ticket.contract_match, "none")
        self.assertFalse(ticket.sla_ids)
        contract = self.make_contract(
            [{"metric": "response", "target_hours": 12}], customer=customer
        )
        with freeze_time(shanghai(2026, 11, 21, 10, 0)):
            ticket.contract_id = contract
        response = self.line(ticket, "response")
        # Counted from the report: 1 h on Friday, then Saturday from 08:00.
        self.assertEqual(response.deadline, shanghai(2026, 11, 21, 19, 0))
        self.assertEqual(response.elapsed_seconds, 3 * H)
        self.assertEqual(
            ticket.event_ids.mapped("event_type"),
            ["ticket.reported", "ticket.retargeted"],
        )
        # The SLA watch books the breach at the deadline; replay agrees.
        with freeze_time(shanghai(2026, 11, 21, 20, 0)):
            self.env["aftersales.ticket.sla"]._cron_sla_watch()
        self.assertEqual(response.state, "breached")
        self.assertEqual(response.breached_at, shanghai(2026, 11, 21, 19, 0))
        self.assertEqual(
            self.env["aftersales.ticket.sla"]._rebuild_from_ledger(ticket, fix=False),
            [],
        )

    def test_other_contract_keeps_time_counted_and_cancels_what_it_lacks(self):
        other = self.make_contract(
            [{"metric": "response", "target_hours": 6, "time_basis": "always"}],
            customer=self.customer,
            service_type_ids=[Command.set(self.installation.ids)],
        )
        with freeze_time("2026-11-20 13:00:00"):  # Friday 21:00 in Shanghai
            ticket = self.report()
        self.assertEqual(ticket.contract_id, self.contract)
        with freeze_time(shanghai(2026, 11, 21, 10, 0)):
            ticket.contract_id = other
        response = self.line(ticket, "response")
        # 3 business hours counted on the old calendar (Fri 21-22, Sat 08-10) stay
        # counted; the remaining 3 h run 24x7 from the change.
        self.assertEqual(response.target_seconds, 6 * H)
        self.assertEqual(response.elapsed_seconds, 3 * H)
        self.assertEqual(response.deadline, shanghai(2026, 11, 21, 13, 0))
        self.assertFalse(response.calendar_id, "now 24x7")
        self.assertEqual(self.line(ticket, "resolution").state, "cancelled")
        event = ticket.event_ids.filtered(lambda e: e.event_type == "ticket.retargeted")
        self.assertIn(f'"contract":{other.id}', event.payload)
        self.assertEqual(ticket.contract_match, "manual")

    def test_customer_corrected_finds_the_contract(self):
        stranger = self.env["res.partner"].create({"name": "打错的客户"})
        with freeze_time("2026-11-20 13:00:00"):
            ticket = self.report(partner_id=stranger.id)
        self.assertFalse(ticket.contract_id)
        with freeze_time("2026-11-20 14:00:00"):
            ticket.partner_id = self.customer
        self.assertEqual(ticket.contract_id, self.contract)
        self.assertEqual(ticket.contract_match, "matched")
        self.assertEqual(
            self.line(ticket, "response").deadline, shanghai(2026, 11, 21, 19, 0)
        )
        self.assertIn("ticket.retargeted", ticket.event_ids.mapped("event_type"))

    def test_product_corrected_without_contract_records_no_retargeting(self):
        stranger = self.env["res.partner"].create({"name": "无合同客户"})
        product = self.env["product.product"].create({"name": "热水器 JSQ25"})
        with freeze_time("2026-11-20 13:00:00"):
            ticket = self.report(partner_id=stranger.id)
        with freeze_time("2026-11-20 14:00:00"):
            ticket.product_id = product
        self.assertFalse(ticket.contract_id)
        self.assertEqual(
            ticket.event_ids.mapped("event_type"),
            ["ticket.reported"],
            "still no contract: nothing was re-targeted",
        )

    def test_service_type_corrected_to_complaint(self):
        # The complaints desk (aftersales_complaint), when installed, gives
        # complaints a default promise (its own tests): switched off here.
        if "aftersales_complaint_response_hours" in self.env.company._fields:
            self.env.company.write(
                {
                    "aftersales_complaint_response_hours": 0,
                    "aftersales_complaint_feedback_hours": 0,
                }
            )
        with freeze_time("2026-11-20 13:00:00"):
            ticket = self.report()
        with freeze_time("2026-11-20 14:00:00"):
            ticket.service_type_id = self.complaint
        self.assertEqual(
            set(ticket.sla_ids.mapped("state")),
            {"cancelled"},
            "repair clocks no longer apply",
        )
        # The contract promises service, but its policy has no complaint target.
        self.assertEqual(ticket.sla_status, "unmatched")

    def test_closed_ticket_is_not_retargeted(self):
        with freeze_time("2026-11-20 13:00:00"):
            ticket = self.report()
            ticket.action_close()
        stranger = self.env["res.partner"].create({"name": "B"})
        with self.assertRaisesRegex(UserError, "is closed"):
            ticket.partner_id = stranger
        self.assertEqual(ticket.partner_id, self.customer)


@tagged("post_install", "-at_install")
class TestMilestones(PromiseCase):
    def test_resolution_is_also_the_response(self):
        with freeze_time("2026-11-20 13:00:00"):
            ticket = self.report()
        with freeze_time(shanghai(2026, 11, 21, 9, 0)):
            ticket.action_resolve()
        response = self.line(ticket, "response")
        self.assertEqual(response.state, "met")
        self.assertEqual(response.met_at, shanghai(2026, 11, 21, 9, 0))
        self.assertEqual(ticket.responded_at, shanghai(2026, 11, 21, 9, 0))
        # The next day's watch finds nothing to breach: no penalty.
        with freeze_time(shanghai(2026, 11, 23, 9, 0)):
            result = self.env["aftersales.ticket.sla"]._cron_sla_watch()
        self.assertFalse(result["breached"])
        self.assertFalse(
            self.env["aftersales.penalty"].search([("ticket_id", "=", ticket.id)])
        )

    def test_remote_fix_cancels_the_visit_and_arrival_is_a_response(self):
        with freeze_time("2026-11-20 13:00:00"):
            remote = self.report(priority="3")
            visited = self.report(priority="3")
        with freeze_time("2026-11-20 14:00:00"):
            visited.action_arrive()
        self.assertEqual(self.line(visited, "response").state, "met")
        self.assertEqual(self.line(visited, "arrival").state, "met")
        with freeze_time("2026-11-20 14:30:00"):
            remote.action_resolve()
        self.assertEqual(self.line(remote, "arrival").state, "cancelled")
        with freeze_time("2026-11-22 14:30:00"):
            self.env["aftersales.ticket.sla"]._cron_sla_watch()
        self.assertEqual(self.line(remote, "arrival").state, "cancelled")


@tagged("post_install", "-at_install")
class TestPauseReasonsAndStages(PromiseCase):
    def test_standard_reasons_stop_resolution_by_default(self):
        contract = self.make_contract(
            [
                {"metric": "response", "target_hours": 12},
                {"metric": "resolution", "target_hours": 48},
            ]
        )
        targets = contract.sla_policy_id.target_ids
        waiting = self.env.ref("aftersales_sla.pause_reason_waiting_customer")
        resolution = targets.filtered(lambda t: t.metric == "resolution")
        self.assertIn(waiting, resolution.pause_reason_ids)
        self.assertFalse(
            targets.filtered(lambda t: t.metric == "response").pause_reason_ids
        )
        with freeze_time("2026-11-20 13:00:00"):
            ticket = self.ticket_for(contract)
        with freeze_time(shanghai(2026, 11, 21, 10, 0)):
            wizard = (
                self.env["aftersales.ticket.pause"]
                .with_context(active_model="aftersales.ticket", active_ids=ticket.ids)
                .create({"reason_id": waiting.id})
            )
            summary = str(wizard.clock_summary)
            self.assertRegex(summary, r"Clocks that stop.*Clocks that keep running")
            self.assertRegex(summary, r"<td>Resolution</td><td>Response</td>")
            wizard.action_pause()
        self.assertEqual(self.line(ticket, "resolution").state, "paused")
        self.assertEqual(self.line(ticket, "response").state, "running")
        self.assertEqual(
            ticket.stage_id,
            self.env.ref("aftersales_sla.ticket_stage_waiting_customer"),
        )
        with freeze_time(shanghai(2026, 11, 21, 11, 0)):
            ticket.action_resume()
        self.assertEqual(
            ticket.stage_id, self.env.ref("aftersales_sla.ticket_stage_in_progress")
        )
        self.assertEqual(self.line(ticket, "resolution").paused_seconds, H)

    def test_closed_ticket_refuses_another_stage(self):
        with freeze_time("2026-11-20 13:00:00"):
            ticket = self.report()
            ticket.action_close()
        closed = ticket.stage_id
        with self.assertRaisesRegex(UserError, "is closed"):
            ticket.stage_id = self.env.ref("aftersales_sla.ticket_stage_in_progress")
        self.assertEqual(ticket.stage_id, closed)
        self.assertEqual(ticket.state, "closed")

    def test_resolved_ticket_moved_back_is_reopened_through_the_ledger(self):
        with freeze_time("2026-11-20 13:00:00"):
            ticket = self.report()
        with freeze_time("2026-11-20 14:00:00"):
            ticket.action_resolve()
        with freeze_time("2026-11-20 15:00:00"):
            ticket.stage_id = self.env.ref("aftersales_sla.ticket_stage_waiting_parts")
        self.assertEqual(ticket.state, "open")
        self.assertEqual(ticket.reopen_count, 1)
        self.assertEqual(ticket.pause_reason_id.code, "waiting_parts")
        self.assertEqual(
            ticket.event_ids.mapped("event_type")[-2:],
            ["ticket.reopened", "ticket.paused"],
        )


@tagged("post_install", "-at_install")
class TestServiceHoursAndCeilings(PromiseCase):
    @freeze_time("2026-11-20 09:00:00")  # Friday 17:00 in Shanghai
    def test_targets_count_on_the_contracts_service_hours(self):
        contract = self.make_contract(
            [
                {"metric": "response", "target_hours": 4},
                {"metric": "resolution", "target_hours": 4, "time_basis": "always"},
            ],
            calendar=self.weekdays,
        )
        ticket = self.ticket_for(contract)
        response = self.line(ticket, "response")
        self.assertEqual(response.calendar_id, self.weekdays)
        # 1 h on Friday, 3 h on Monday from 09:00.
        self.assertEqual(response.deadline, shanghai(2026, 11, 23, 12, 0))
        self.assertEqual(
            self.line(ticket, "resolution").deadline, shanghai(2026, 11, 20, 21, 0)
        )
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "aftersales_sla.action_report_aftersales_contract", contract.ids
            )[0]
            .decode()
        )
        self.assertIn(self.weekdays.name, html, "the annex prints the clocks' hours")

    def test_ceiling_in_elapsed_hours_whichever_comes_first(self):
        contract = self.make_contract(
            [{"metric": "response", "target_hours": 24, "ceiling_hours": 48}],
            calendar=self.weekdays,
        )
        with freeze_time("2026-11-20 09:00:00"):  # Friday 17:00 in Shanghai
            ticket = self.ticket_for(contract)
        response = self.line(ticket, "response")
        # 24 business hours would end on Wednesday 14:00; 48 h end on Sunday 17:00.
        self.assertEqual(response.deadline, shanghai(2026, 11, 22, 17, 0))
        self.assertEqual(response.ceiling_seconds, 48 * H)
        with freeze_time(shanghai(2026, 11, 23, 8, 0)):
            self.env["aftersales.ticket.sla"]._cron_sla_watch()
        self.assertEqual(response.state, "breached")
        self.assertEqual(response.breached_at, shanghai(2026, 11, 22, 17, 0))
        self.assertEqual(
            self.env["aftersales.ticket.sla"]._rebuild_from_ledger(ticket, fix=False),
            [],
        )

    def test_business_deadline_first_when_it_is_earlier(self):
        contract = self.make_contract(
            [{"metric": "response", "target_hours": 2, "ceiling_hours": 48}],
            calendar=self.weekdays,
        )
        with freeze_time("2026-11-19 02:00:00"):  # Thursday 10:00 in Shanghai
            ticket = self.ticket_for(contract)
        self.assertEqual(
            self.line(ticket, "response").deadline, shanghai(2026, 11, 19, 12, 0)
        )


@tagged("post_install", "-at_install")
class TestHolidayWarning(PromiseCase):
    def test_contract_says_which_years_have_no_holidays(self):
        self.env["resource.calendar.leaves"].create(
            {
                "name": "国庆节",
                "calendar_id": self.weekdays.id,
                "date_from": shanghai(2026, 10, 1, 0, 0),
                "date_to": shanghai(2026, 10, 7, 23, 59),
            }
        )
        contract = self.make_contract(
            [{"metric": "response", "target_hours": 4}],
            calendar=self.weekdays,
            date_end=date(2027, 12, 31),
        )
        self.assertIn("2027", contract.holiday_warning)
        self.assertNotIn("2026", contract.holiday_warning)
        self.assertIn(self.weekdays.name, contract.holiday_warning)


@tagged("post_install", "-at_install")
class TestBounds(PromiseCase):
    def test_target_hours_are_bounded_to_a_year(self):
        Target = self.env["aftersales.sla.target"]
        for values in (
            {"target_hours": 1e6},
            {"target_hours": 1e9},
            {"target_hours": 0},
            {"target_hours": 4, "ceiling_hours": 1e9},
            {"target_hours": 4, "ceiling_hours": -1},
        ):
            with self.subTest(values=values), self.assertRaises(ValidationError):
                Target.create(
                    dict({"policy_id": self.policy.id, "metric": "arrival"}, **values)
                )
        Target.create(
            {"policy_id": self.policy.id, "metric": "arrival", "target_hours": 8784}
        )

    @freeze_time("2026-11-20 13:00:00")
    def test_ticket_outside_the_contract_term(self):
        count = self.Ticket.search_count([])
        with self.assertRaisesRegex(ValidationError, "outside the term"):
            self.report(
                reported=datetime(1970, 1, 1, 0, 0),
                late_entry_reason="typo",
                contract_id=self.contract.id,
            )
        self.assertEqual(self.Ticket.search_count([]), count, "nothing written")
        ticket = self.report(
            reported=datetime(1970, 1, 1, 0, 0), late_entry_reason="typo"
        )
        self.assertEqual(ticket.contract_match, "none")
        self.assertFalse(ticket.sla_ids)
        result = self.env["aftersales.ticket.sla"]._cron_sla_watch()
        self.assertFalse(
            result["breached"].filtered(lambda line: line.ticket_id == ticket)
        )
        with self.assertRaisesRegex(ValidationError, "outside the term"):
            ticket.contract_id = self.contract


@tagged("post_install", "-at_install")
class TestRebuildAsManager(PromiseCase):
    @freeze_time("2026-11-20 13:05:00")
    def test_manager_rebuilds_a_drifted_clock(self):
        ticket = self.report(team_id=self.team.id)
        response = self.line(ticket, "response")
        good = response.deadline
        self.env.cr.execute(
            "UPDATE aftersales_ticket_sla SET deadline = deadline + interval '3 days'"
            " WHERE id = %s",
            [response.id],
        )
        response.invalidate_recordset()
        result = ticket.with_user(self.manager).action_rebuild_sla()
        self.assertEqual(result["params"]["message"], "1 differences found and fixed.")
        response.invalidate_recordset()
        self.assertEqual(response.deadline, good)
        with self.assertRaises(AccessError):
            ticket.with_user(self.technician).action_rebuild_sla()

    @freeze_time("2026-11-20 13:05:00")
    def test_technician_reads_clocks_but_not_the_money_accruing(self):
        ticket = self.report(team_id=self.team.id)
        lines = ticket.with_user(self.technician).sla_ids
        self.assertTrue(lines.read(["deadline", "state"]))
        with self.assertRaises(AccessError):
            lines.read(["penalty_accrued"])
        self.assertTrue(
            ticket.with_user(self.manager).sla_ids.read(["penalty_accrued"])
        )
