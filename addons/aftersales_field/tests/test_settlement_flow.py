"""Partner settlement (issue #14, item 5): a service partner's month priced from
its back-to-back contract's fees, net of its receivable penalties, confirmed
into the ledger, billed; a period settled once; amounts and states written only
by the actions."""

import json
from datetime import date, timedelta

import psycopg2

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.aftersales_repair.tests.test_repair_orders import RepairOrderCase
from odoo.addons.aftersales_sla.tests.common import shanghai

REFUSED = "they cannot be written directly"


def payload_of(event):
    payload = event.payload
    return json.loads(payload) if isinstance(payload, str) else payload


class SettlementCase(RepairOrderCase):
    """The case's customer contract backed by a service partner's contract with a
    visit fee (50), a labour fee (80 an hour) and parts at cost plus 15 %."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        Product = env["product.product"]
        cls.part.standard_price = 100.0
        cls.lock = Product.create(
            {"name": "智能门锁 Smart lock", "type": "consu", "list_price": 1500.0}
        )
        cls.parts_fee = Product.create(
            {
                "name": "备件成本加成 Parts at cost plus",
                "type": "service",
                "aftersales_fee_kind": "parts",
                "supplier_taxes_id": [Command.clear()],
                "taxes_id": [Command.clear()],
            }
        )
        (cls.visit | cls.labour).write({"supplier_taxes_id": [Command.clear()]})
        cls.installer = env["res.partner"].create(
            {"name": "顺德安装服务部 Shunde installers", "is_company": True}
        )
        cls.other_installer = env["res.partner"].create(
            {"name": "佛山维修 Foshan repairs", "is_company": True}
        )
        cls.partner_contract = cls.make_partner_contract(cls.installer)
        cls.other_partner_contract = cls.make_partner_contract(cls.other_installer)
        cls.accountant = new_test_user(
            env, "settle_accountant", groups="account.group_account_invoice"
        )
        cls.manager.groups_id |= env.ref("account.group_account_invoice")
        cls.plain_manager = new_test_user(
            env,
            "settle_plain_manager",
            groups="aftersales_sla.group_aftersales_manager",
        )
        cls.portal_user = new_test_user(
            env,
            "settle_portal",
            groups="base.group_portal",
            partner_id=env["res.partner"]
            .create({"name": "陈师傅 Master Chen", "parent_id": cls.installer.id})
            .id,
        )
        cls.other_portal_user = new_test_user(
            env,
            "settle_other_portal",
            groups="base.group_portal",
            partner_id=env["res.partner"]
            .create({"name": "刘师傅 Master Liu", "parent_id": cls.other_installer.id})
            .id,
        )
        cls.Settlement = env["aftersales.partner.settlement"]
        # November 2026 (Shanghai), up to today if the tests run later: the
        # penalties assessed now fall in the period.
        cls.period = {
            "date_from": date(2026, 11, 1),
            "date_to": max(date(2026, 11, 30), fields.Date.today() + timedelta(days=1)),
        }

    @classmethod
    def make_partner_contract(cls, partner):
        contract = cls.env["aftersales.contract"].create(
            {
                "partner_id": partner.id,
                "contract_type": "partner",
                "parent_id": cls.contract.id,
                "title": "背靠背服务 Back-to-back service",
                "date_start": date(2026, 1, 1),
                "date_end": date(2026, 12, 31),
                "amount_value": 20000,
                "calendar_id": cls.calendar.id,
                "sla_policy_id": cls.policy.id,
                "fee_line_ids": [
                    Command.create({"product_id": cls.visit.id, "price_unit": 50.0}),
                    Command.create({"product_id": cls.labour.id, "price_unit": 80.0}),
                    Command.create(
                        {"product_id": cls.parts_fee.id, "cost_plus_percent": 15.0}
                    ),
                ],
            }
        )
        contract.action_activate()
        return contract

    def job(self, partner=None, day=21, arrive=True, hours=2.0, parts=2.0):
        """A ticket of the contract's customer served by ``partner``, resolved on
        ``day`` of November 2026, with a repair of ``hours`` and ``parts``."""
        ticket = self.report(
            reported=shanghai(2026, 11, day - 1, 10, 0),
            product_id=self.lock.id,
            service_partner_id=(partner or self.installer).id,
            late_entry_reason="phone",
        )
        self.assertEqual(ticket.contract_id, self.contract)
        if hours or parts:
            repair = self.make_repair(ticket)
            repair.aftersales_labour_hours = hours
            if parts:
                self.add_part(repair, qty=parts)
        if arrive:
            ticket.action_arrive(
                when=shanghai(2026, 11, day - 1, 14, 0),
                reason="Entered from the job sheet",
            )
        ticket.action_resolve(
            when=shanghai(2026, 11, day, 9, 0), reason="Entered from the job sheet"
        )
        return ticket

    def penalty(self, amount, contract=None):
        penalty = (
            self.env["aftersales.penalty"]
            .with_user(self.manager)
            ._assess_manual(contract or self.partner_contract, amount, "Late on site")
        )
        penalty.action_confirm()
        return penalty.with_env(self.env)

    def settle(self, contract=None, user=None, **values):
        return self.Settlement.with_user(user or self.manager).create(
            dict(
                self.period,
                contract_id=(contract or self.partner_contract).id,
                **values,
            )
        )

    def events(self, settlement, event_type):
        return (
            self.env["aftersales.event"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "aftersales.partner.settlement"),
                    ("res_id", "=", settlement.id),
                    ("event_type", "=", event_type),
                ]
            )
        )


@tagged("post_install", "-at_install")
class TestSettlementFlow(SettlementCase):
    def test_compute_prices_the_partners_jobs_and_deducts_its_penalties(self):
        full = self.job()
        no_visit = self.job(day=22, arrive=False, hours=1.0, parts=0)
        self.job(partner=self.other_installer)  # another partner's job
        penalty = self.penalty(300)
        self.penalty(99, contract=self.other_partner_contract)
        settlement = self.settle()
        settlement.action_compute()
        by_kind = {(line.ticket_id, line.kind): line for line in settlement.line_ids}
        self.assertEqual(
            set(by_kind),
            {(full, "visit"), (full, "labour"), (full, "parts"), (no_visit, "labour")},
        )
        self.assertEqual(by_kind[full, "visit"].amount, 50.0)
        self.assertEqual(by_kind[full, "labour"].quantity, 2.0)
        self.assertEqual(by_kind[full, "labour"].amount, 160.0)
        parts = by_kind[full, "parts"]
        self.assertEqual((parts.unit_cost, parts.price_unit), (100.0, 115.0))
        self.assertEqual(parts.amount, 230.0)
        self.assertEqual(by_kind[no_visit, "labour"].amount, 80.0)
        self.assertEqual(settlement.penalty_ids, penalty)
        self.assertEqual(settlement.job_count, 2)
        self.assertEqual(settlement.amount_jobs, 520.0)
        self.assertEqual(settlement.amount_deductions, 300.0)
        self.assertEqual(settlement.amount_net, 220.0)
        # Computing again gives the same statement, not twice the lines.
        settlement.action_compute()
        self.assertEqual(len(settlement.line_ids), 4)
        self.assertEqual(settlement.amount_net, 220.0)
        # A job outside the period is not in it.
        settlement.write({"date_from": date(2026, 11, 22)})
        self.assertFalse(settlement.line_ids)
        settlement.action_compute()
        self.assertEqual(settlement.line_ids.ticket_id, no_visit)

    def test_markup_is_amended_like_the_other_fees(self):
        parts_line = self.partner_contract.fee_line_ids.filtered(
            lambda fee: fee.product_id == self.parts_fee
        )
        values = {
            "fee_line_ids": [
                dict(
                    {
                        name: fee[name]
                        for name in ("product_id", "name", "uom_id", "price_unit")
                    },
                    id=fee.id,
                    cost_plus_percent=20.0
                    if fee == parts_line
                    else fee.cost_plus_percent,
                )
                for fee in self.partner_contract.fee_line_ids
            ]
        }
        amendment = self.partner_contract._apply_amendment(
            values, shanghai(2026, 11, 25, 0, 0), "Parts markup 20 %"
        )
        self.assertEqual(parts_line.cost_plus_percent, 20.0)
        self.assertIn("cost_plus_percent", amendment.changes_json)
        self.job()
        settlement = self.settle()
        settlement.action_compute()
        parts = settlement.line_ids.filtered(lambda line: line.kind == "parts")
        self.assertEqual(parts.price_unit, 120.0)

    def test_confirm_and_bill(self):
        self.job()
        penalty = self.penalty(300)
        settlement = self.settle()
        settlement.action_compute()
        with self.refused(AccessError, "Only After-Sales managers"):
            settlement.with_user(self.accountant).action_confirm()
        with self.refused(UserError, "cannot be billed"):
            settlement.with_user(self.accountant).action_create_bill()
        settlement.action_confirm()
        self.assertEqual(settlement.state, "confirmed")
        confirmed = self.events(settlement, "settlement.confirmed")
        self.assertEqual(len(confirmed), 1)
        payload = payload_of(confirmed)
        self.assertEqual(payload["lines"], 3)
        self.assertEqual(payload["amount_net"], 140.0)
        self.assertEqual(payload["contract"], self.partner_contract.id)
        self.assertEqual(len(payload["lines_sha256"]), 64)
        # A manager without invoicing rights does not bill.
        with self.refused(AccessError, "invoicing rights"):
            settlement.with_user(self.plain_manager).action_create_bill()
        action = settlement.with_user(self.accountant).action_create_bill()
        bill = settlement.move_id
        self.assertEqual(action["res_id"], bill.id)
        self.assertEqual(settlement.state, "billed")
        self.assertEqual(bill.move_type, "in_invoice")
        self.assertEqual(bill.partner_id, self.installer)
        lines = {line.product_id: line.price_subtotal for line in bill.invoice_line_ids}
        self.assertEqual(
            lines,
            {
                self.visit: 50.0,
                self.labour: 160.0,
                self.parts_fee: 230.0,
                penalty._get_penalty_product(bill.company_id): -300.0,
            },
        )
        self.assertEqual(bill.amount_total, 140.0)
        self.assertEqual(penalty.state, "invoiced")
        self.assertEqual(penalty.move_id, bill)
        self.assertEqual(len(self.events(settlement, "settlement.billed")), 1)
        # Cancelled while billed: only once its bill is cancelled; the bill's
        # cancellation sends the penalty back (the core's deduction).
        with self.refused(UserError, "cancel the bill first"):
            settlement.action_cancel()
        bill.button_cancel()
        self.assertEqual(penalty.state, "confirmed")
        settlement.action_cancel()
        self.assertEqual(settlement.state, "cancelled")
        again = self.settle()
        again.action_compute()
        self.assertEqual(again.penalty_ids, penalty)
        self.assertEqual(len(again.line_ids), 3)

    def test_period_already_settled_is_refused(self):
        self.job()
        first = self.settle()
        first.action_compute()
        count = self.Settlement.search_count([])
        with self.refused(UserError, "already settled"):
            self.settle(date_from=date(2026, 11, 15), date_to=date(2026, 12, 15))
        with self.refused(UserError, "already settled"):
            self.settle()
        self.assertEqual(self.Settlement.search_count([]), count)
        # Moving another settlement onto the period is refused too.
        december = self.settle(date_from=date(2027, 1, 1), date_to=date(2027, 1, 31))
        with self.refused(UserError, "already settled"):
            december.write({"date_from": date(2026, 11, 30)})
        # The database refuses it as well (two transactions that both passed
        # the check): the exclusion constraint.
        self.env.flush_all()
        with (
            self.assertRaises(psycopg2.errors.ExclusionViolation),
            mute_logger("odoo.sql_db"),
        ):
            self.env.cr.execute(
                """INSERT INTO aftersales_partner_settlement
                       (contract_id, company_id, date_from, date_to, state)
                   VALUES (%s, %s, '2026-11-10', '2026-11-12', 'draft')""",
                [self.partner_contract.id, self.partner_contract.company_id.id],
            )
        # Another partner's contract is settled independently; a cancelled
        # settlement frees its period.
        self.settle(contract=self.other_partner_contract)
        first.action_cancel()
        self.settle()

    def test_bad_inputs_refused(self):
        with self.refused(UserError, "not a service partner contract"):
            self.settle(contract=self.contract)
        with self.refused(UserError, "ends on or after its start"):
            self.settle(date_from=date(2026, 11, 30), date_to=date(2026, 11, 1))
        settlement = self.settle()
        with self.refused(UserError, "nothing to settle"):
            settlement.action_confirm()
        self.job()
        settlement.action_compute()
        settlement.action_confirm()
        with self.refused(UserError, "cannot be computed"):
            settlement.action_compute()
        with self.refused(UserError, "its contract and period are fixed"):
            settlement.write({"date_to": date(2026, 12, 31)})

    def test_amounts_and_states_only_through_the_actions(self):
        self.job()
        settlement = self.settle()
        settlement.action_compute()
        line = settlement.line_ids[0]
        for vals in (
            {"state": "billed"},
            {"amount_net": 1.0},
            {"amount_jobs": 1e6},
            {"move_id": self.env["account.move"].search([], limit=1).id},
            {"line_ids": [Command.clear()]},
        ):
            with self.refused(UserError, REFUSED):
                settlement.write(vals)
        with self.refused(UserError, REFUSED):
            line.write({"price_unit": 1000.0})
        with self.refused(UserError, "cannot be created directly"):
            self.env["aftersales.partner.settlement.line"].create(
                {
                    "settlement_id": settlement.id,
                    "ticket_id": line.ticket_id.id,
                    "kind": "visit",
                    "price_unit": 999.0,
                    "quantity": 1,
                }
            )
        with self.refused(UserError, REFUSED):
            self.Settlement.create(
                dict(
                    self.period,
                    contract_id=self.other_partner_contract.id,
                    amount_net=5000.0,
                )
            )
        self.assertEqual(settlement.amount_net, 440.0)
        # A technician neither reads nor settles.
        with self.assertRaises(AccessError):
            settlement.with_user(self.technician).read(["amount_net"])
        with self.assertRaises(AccessError):
            self.settle(user=self.technician, contract=self.other_partner_contract)

    def test_disputed_line_blocks_the_bill_until_settled(self):
        self.job()
        settlement = self.settle()
        settlement.action_compute()
        labour = settlement.line_ids.filtered(lambda line: line.kind == "labour")
        # Draft statements are not the partner's to see.
        with self.assertRaises(AccessError):
            labour.with_user(self.portal_user).action_dispute("Only 1 hour")
        settlement.action_confirm()
        with self.assertRaises(AccessError):
            labour.with_user(self.other_portal_user).action_dispute("Not ours")
        with self.refused(AccessError, "Only the service partner"):
            labour.with_user(self.manager).action_dispute("Manager")
        with self.refused(UserError, "Say why"):
            labour.with_user(self.portal_user).action_dispute("  ")
        labour.with_user(self.portal_user).action_dispute("工时只有1小时 Only 1 hour")
        self.assertEqual(labour.dispute_state, "disputed")
        disputed = self.events(settlement, "settlement.line_disputed")
        self.assertEqual(payload_of(disputed)["line_id"], labour.id)
        with self.refused(UserError, "already disputed"):
            labour.with_user(self.portal_user).action_dispute("Again")
        with self.refused(UserError, "disputed line"):
            settlement.with_user(self.accountant).action_create_bill()
        self.assertFalse(settlement.move_id)
        with self.refused(AccessError, "Only After-Sales managers"):
            labour.with_user(self.accountant).action_settle_dispute("uphold")
        with self.refused(UserError, "cannot take more"):
            labour.action_settle_dispute("adjust", amount=-500.0, note="x")
        wizard = (
            self.env["aftersales.settlement.adjust"]
            .with_user(self.manager)
            .create({"line_id": labour.id, "amount": -80.0, "note": "One hour only"})
        )
        wizard.action_apply()
        self.assertEqual(labour.dispute_state, "adjusted")
        self.assertEqual(settlement.amount_jobs, 360.0)
        settled = self.events(settlement, "settlement.dispute_settled")
        self.assertEqual(payload_of(settled)["outcome"], "adjust")
        settlement.with_user(self.accountant).action_create_bill()
        labour_bill = settlement.move_id.invoice_line_ids.filtered(
            lambda line: line.product_id == self.labour
        )
        self.assertEqual(labour_bill.price_subtotal, 80.0)

    def test_a_penalty_clipped_to_nothing_is_not_deducted(self):
        self.job()
        whole = self.penalty(self.partner_contract.penalty_cap_left)
        clipped = self.penalty(100)
        self.assertEqual(clipped.amount, 0, "the cap is used up")
        settlement = self.settle()
        settlement.action_compute()
        self.assertEqual(settlement.penalty_ids, whole)
        settlement.action_confirm()
        settlement.with_user(self.accountant).action_create_bill()
        self.assertEqual(settlement.state, "billed")
        self.assertEqual(clipped.state, "confirmed")
