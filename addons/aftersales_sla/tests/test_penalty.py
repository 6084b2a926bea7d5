"""Penalties: every clause type with concrete numbers, caps, back-to-back
contracts, disputes, and who may do what."""

import re
from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import TicketCase, shanghai


class PenaltyCase(TicketCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Penalty = cls.env["aftersales.penalty"]
        cls.manager = new_test_user(
            cls.env, "pen_manager", groups="aftersales_sla.group_aftersales_manager"
        )
        cls.technician = new_test_user(
            cls.env, "pen_tech", groups="aftersales_sla.group_aftersales_user"
        )
        cls.accountant = new_test_user(
            cls.env, "pen_accountant", groups="account.group_account_invoice"
        )

    def make_contract(self, rules, **values):
        contract = self.env["aftersales.contract"].create(
            dict(
                {
                    "partner_id": self.customer.id,
                    "title": "Penalty contract",
                    "date_start": date(2026, 1, 1),
                    "date_end": date(2026, 12, 31),
                    "amount_value": 100000,
                    "calendar_id": self.calendar.id,
                    "sla_policy_id": self.policy.id,
                    "penalty_rule_ids": [(0, 0, rule) for rule in rules],
                },
                **values,
            )
        )
        contract.action_activate()
        self.contract.action_terminate(reason="replaced")
        return contract

    def breach_response(self, **values):
        with freeze_time("2026-11-20 13:05:00"):
            ticket = self.report(**values)
        with freeze_time(shanghai(2026, 11, 22, 9, 0)):
            self.env["aftersales.ticket.sla"]._cron_sla_watch()
        return ticket


@tagged("post_install", "-at_install")
class TestPenaltyRules(PenaltyCase):
    def test_fixed_and_percentage_clauses_at_the_breach(self):
        contract = self.make_contract(
            [
                {
                    "name": "响应超时",
                    "rule_type": "fixed",
                    "amount": 500,
                    "metric": "response",
                },
                {
                    "name": "1% per breach",
                    "rule_type": "percent_value",
                    "percent": 1,
                    "metric": "response",
                },
                {
                    "name": "Resolution only",
                    "rule_type": "fixed",
                    "amount": 9,
                    "metric": "resolution",
                },
            ]
        )
        ticket = self.breach_response()
        penalties = self.Penalty.search([("ticket_id", "=", ticket.id)], order="id")
        self.assertEqual(penalties.mapped("amount"), [500.0, 1000.0])
        self.assertEqual(set(penalties.mapped("direction")), {"payable"})
        self.assertEqual(penalties.partner_id, self.customer)
        self.assertEqual(penalties.contract_id, contract)
        breach = self.line(ticket, "response").breach_event_id
        self.assertEqual(penalties.event_id, breach)
        self.assertEqual(set(penalties.mapped("state")), {"assessed"})
        self.assertEqual(contract.penalty_total, 1500)
        self.assertEqual(
            contract.penalty_cap_left, 8500, "default cap: 10 % of 100,000"
        )
        events = self.env["aftersales.event"].search(
            [("res_model", "=", "aftersales.penalty"), ("res_id", "in", penalties.ids)]
        )
        self.assertEqual(events.mapped("event_type"), ["penalty.assessed"] * 2)
        # Running the watch again assesses nothing more.
        with freeze_time(shanghai(2026, 11, 22, 10, 0)):
            self.env["aftersales.ticket.sla"]._cron_sla_watch()
        self.assertEqual(self.Penalty.search_count([("ticket_id", "=", ticket.id)]), 2)

    def test_pivot_opens_on_months_by_state(self):
        """The accountant's pivot opens on months (rows) by state (columns): its
        first screen has a row per month of history, not one per contract and
        month (which grows with contracts x years and took seconds at size)."""
        self.make_contract(
            [
                {
                    "name": "Fixed",
                    "rule_type": "fixed",
                    "amount": 500,
                    "metric": "response",
                }
            ]
        )
        first, second = self.breach_response(), self.breach_response(name="Again")
        self.Penalty.search([("ticket_id", "=", second.id)]).with_user(
            self.manager
        ).action_confirm()
        arch = self.Penalty.with_user(self.accountant).get_views([(False, "pivot")])[
            "views"
        ]["pivot"]["arch"]
        rows = re.findall(r'<field name="(\w+)" interval="(\w+)" type="row"', arch)
        cols = re.findall(r'<field name="(\w+)" type="col"', arch)
        self.assertEqual((rows, cols), ([("assessed_at", "month")], ["state"]))
        groups = self.Penalty.with_user(self.accountant).read_group(
            [("ticket_id", "in", (first | second).ids)],
            ["amount:sum"],
            ["assessed_at:month", "state"],
            lazy=False,
        )
        self.assertEqual(
            sorted((g["assessed_at:month"], g["state"], g["amount"]) for g in groups),
            [
                ("November 2026", "assessed", 500.0),
                ("November 2026", "confirmed", 500.0),
            ],
        )

    def test_per_hour_clause_is_final_at_the_milestone(self):
        self.make_contract(
            [
                {
                    "name": "每超时1小时",
                    "rule_type": "per_hour",
                    "amount": 100,
                    "max_per_ticket": 1000,
                    "metric": "response",
                }
            ]
        )
        ticket = self.breach_response()
        self.assertFalse(
            self.Penalty.search([("ticket_id", "=", ticket.id)]), "accruing"
        )
        with freeze_time(shanghai(2026, 11, 22, 9, 30)):
            ticket.action_acknowledge()
        penalty = self.Penalty.search([("ticket_id", "=", ticket.id)])
        # Late from Saturday 19:00 to 22:00 and Sunday 08:00 to 09:30: 4.5 h, 5 started.
        self.assertEqual(self.line(ticket, "response").lateness_seconds, 4.5 * 3600)
        self.assertEqual(penalty.amount, 500)
        with freeze_time("2026-11-20 13:05:00"):
            late = self.report(name="Very late")
        with freeze_time(shanghai(2026, 11, 26, 9, 0)):
            late.action_acknowledge()
        self.assertEqual(
            self.Penalty.search([("ticket_id", "=", late.id)]).amount,
            1000,
            "per-ticket max",
        )

    def test_per_hour_penalty_accrues_visibly_until_the_milestone(self):
        self.make_contract(
            [
                {
                    "name": "Hourly",
                    "rule_type": "per_hour",
                    "amount": 100,
                    "metric": "response",
                }
            ]
        )
        ticket = self.breach_response()
        line = self.line(ticket, "response")
        with freeze_time(shanghai(2026, 11, 22, 10, 30)):
            line.invalidate_recordset(["penalty_accrued"])
            # Late Saturday 19:00-22:00 and Sunday 08:00-10:30: 5.5 h, 6 started.
            self.assertEqual(line.penalty_accrued, 600)

    def test_statement_of_a_period(self):
        contract = self.make_contract(
            [
                {
                    "name": "Fixed",
                    "rule_type": "fixed",
                    "amount": 700,
                    "metric": "response",
                }
            ]
        )
        ticket = self.breach_response()
        penalty = self.Penalty.search([("ticket_id", "=", ticket.id)])
        penalty.with_user(self.manager).action_confirm()
        Statement = self.env["aftersales.sla.statement"]
        statement = Statement.create(
            {
                "contract_id": contract.id,
                "date_from": date(2026, 11, 1),
                "date_to": date(2026, 11, 30),
            }
        )
        self.assertEqual(statement.penalty_ids, penalty)
        self.assertEqual(statement.breach_count, 1)
        self.assertEqual(statement.ticket_count, 1)
        self.assertEqual(statement.amount_confirmed, 700)
        self.assertEqual(statement.cap_left, 10000 - 700)
        october = Statement.create(
            {
                "contract_id": contract.id,
                "date_from": date(2026, 10, 1),
                "date_to": date(2026, 10, 31),
            }
        )
        self.assertFalse(october.penalty_ids)
        with self.assertRaises(ValidationError):
            Statement.create(
                {
                    "contract_id": contract.id,
                    "date_from": date(2026, 11, 30),
                    "date_to": date(2026, 11, 1),
                }
            )

    def test_caps_per_term_and_period_clip_and_record(self):
        contract = self.make_contract(
            [
                {
                    "name": "Big",
                    "rule_type": "fixed",
                    "amount": 3000,
                    "metric": "response",
                }
            ],
            penalty_period_cap_amount=5000,
        )
        tickets = [self.breach_response(name=f"Cap {n}") for n in range(2)]
        penalties = self.Penalty.search(
            [("ticket_id", "in", [t.id for t in tickets])], order="id"
        )
        self.assertEqual(penalties.mapped("amount"), [3000.0, 2000.0])
        self.assertEqual(penalties.mapped("amount_clipped"), [0.0, 1000.0])
        self.assertEqual(penalties.mapped("amount_computed"), [3000.0, 3000.0])
        payload = (
            self.env["aftersales.event"]
            .search(
                [
                    ("res_model", "=", "aftersales.penalty"),
                    ("res_id", "=", penalties[1].id),
                ]
            )
            .payload
        )
        self.assertIn('"clipped":1000.0', payload)
        self.assertEqual(contract.penalty_total, 5000)

    def test_back_to_back_assesses_both_contracts(self):
        contract = self.make_contract(
            [
                {
                    "name": "Customer clause",
                    "rule_type": "fixed",
                    "amount": 800,
                    "metric": "response",
                }
            ]
        )
        installer = self.env["res.partner"].create(
            {"name": "佛山市顺德区安装服务部", "is_company": True}
        )
        backing = self.env["aftersales.contract"].create(
            {
                "contract_type": "partner",
                "partner_id": installer.id,
                "parent_id": contract.id,
                "date_start": date(2026, 1, 1),
                "date_end": date(2026, 12, 31),
                "amount_value": 20000,
                "calendar_id": self.calendar.id,
                "sla_policy_id": self.policy.id,
                "penalty_rule_ids": [
                    (
                        0,
                        0,
                        {"name": "Partner clause", "rule_type": "fixed", "amount": 300},
                    )
                ],
            }
        )
        backing.action_activate()
        ticket = self.breach_response(service_partner_id=installer.id)
        penalties = self.Penalty.search([("ticket_id", "=", ticket.id)])
        by_direction = {p.direction: p for p in penalties}
        self.assertEqual(by_direction["payable"].amount, 800)
        self.assertEqual(by_direction["payable"].partner_id, self.customer)
        self.assertEqual(by_direction["receivable"].amount, 300)
        self.assertEqual(by_direction["receivable"].partner_id, installer)
        self.assertEqual(by_direction["receivable"].contract_id, backing)


@tagged("post_install", "-at_install")
class TestPenaltyLifecycle(PenaltyCase):
    def setUp(self):
        super().setUp()
        self.contract2 = self.make_contract(
            [
                {
                    "name": "Fixed",
                    "rule_type": "fixed",
                    "amount": 1000,
                    "metric": "response",
                }
            ]
        )
        self.ticket = self.breach_response()
        self.penalty = self.Penalty.search([("ticket_id", "=", self.ticket.id)])

    def event_types(self, penalty):
        return (
            self.env["aftersales.event"]
            .search(
                [("res_model", "=", "aftersales.penalty"), ("res_id", "=", penalty.id)],
                order="id",
            )
            .mapped("event_type")
        )

    def test_dispute_upheld_reduced_or_waived(self):
        penalty = self.penalty.with_user(self.manager)
        penalty.action_confirm()
        penalty.action_dispute("客户称系停电所致")
        self.assertEqual(penalty.state, "disputed")
        adjustment = penalty.action_resolve_dispute(
            "reduce", amount=400, opinion="调解员: 部分责任在客户"
        )
        self.assertEqual(penalty.state, "confirmed")
        self.assertEqual(adjustment.amount, -400)
        self.assertEqual(adjustment.parent_id, penalty)
        self.assertEqual(penalty.amount, 1000, "the original amount never changes")
        self.assertEqual(self.contract2.penalty_total, 600)
        self.assertEqual(
            self.event_types(penalty),
            [
                "penalty.assessed",
                "penalty.confirmed",
                "penalty.disputed",
                "penalty.upheld",
            ],
        )
        self.assertEqual(self.event_types(adjustment), ["penalty.assessed"])
        penalty.action_dispute("Again")
        penalty.action_resolve_dispute("waive", note="Goodwill after review")
        self.assertEqual(penalty.state, "waived")
        self.assertEqual(adjustment.state, "waived", "its reduction goes with it")
        self.assertEqual(self.contract2.penalty_total, 0)

    def test_waiver_needs_a_reason_and_amounts_are_frozen(self):
        penalty = self.penalty.with_user(self.manager)
        with self.assertRaises(ValidationError):
            penalty.action_waive()
        with self.assertRaises(ValidationError):
            penalty.action_waive("other")
        with self.assertRaises(UserError):
            penalty.sudo().write({"amount": 1})
        with self.assertRaises(UserError):
            penalty.sudo().unlink()
        penalty.action_waive("force_majeure", "台风停电")
        self.assertEqual(penalty.waiver_reason, "force_majeure")
        self.assertEqual(self.contract2.penalty_total, 0)
        self.assertEqual(self.event_types(penalty)[-1], "penalty.waived")

    def test_who_may_do_what(self):
        with self.assertRaises(AccessError):
            self.penalty.with_user(self.technician).action_confirm()
        with self.assertRaises(AccessError):
            self.penalty.with_user(self.technician).action_waive("goodwill")
        with self.assertRaises(AccessError):
            self.penalty.with_user(self.accountant).action_waive("goodwill")
        self.assertEqual(self.penalty.state, "assessed")

    def test_bad_inputs_are_refused_and_write_nothing(self):
        count = self.Penalty.search_count([])
        draft = self.env["aftersales.contract"].create(
            {
                "partner_id": self.customer.id,
                "date_start": date(2026, 1, 1),
                "date_end": date(2026, 12, 31),
            }
        )
        with self.assertRaises(ValidationError):
            self.env["aftersales.penalty.rule"].create(
                {
                    "contract_id": draft.id,
                    "name": "Negative",
                    "rule_type": "fixed",
                    "amount": -5,
                }
            )
        # Penalty clauses are contractual: in force, only an amendment changes them.
        rules = self.contract2.penalty_rule_ids
        with self.assertRaises(UserError):
            self.env["aftersales.penalty.rule"].create(
                {
                    "contract_id": self.contract2.id,
                    "name": "Added later",
                    "rule_type": "fixed",
                    "amount": 5,
                }
            )
        with self.assertRaises(UserError):
            rules[:1].amount = 1
        with self.assertRaises(UserError):
            rules[:1].unlink()
        self.assertEqual(self.contract2.penalty_rule_ids, rules)
        with self.assertRaises(ValidationError):
            self.env["aftersales.contract"].create(
                {
                    "partner_id": self.customer.id,
                    "date_start": date(2026, 1, 1),
                    "date_end": date(2026, 12, 31),
                    "penalty_cap_percent": 150,
                }
            )
        with self.assertRaises(ValidationError):
            self.Penalty.with_user(self.manager)._assess_manual(
                self.contract2, -10, "why"
            )
        with self.assertRaises(AccessError):
            self.Penalty.with_user(self.technician)._assess_manual(
                self.contract2, 10, "why"
            )
        self.assertEqual(self.Penalty.search_count([]), count)
        manual = self.Penalty.with_user(self.manager)._assess_manual(
            self.contract2, 50000, "客户投诉处理不当"
        )
        self.assertEqual(manual.amount, 9000, "clipped to the 10 % term cap left")
        self.assertEqual(manual.amount_clipped, 41000)
