"""Accounting hand-off of penalties: credit notes (amounts, accounts, taxes,
currency), deductions on draft invoices, moves undone sending penalties back,
bad inputs refused with nothing written, and who may do it."""

import json
from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


@tagged("post_install", "-at_install")
class TestPenaltyInvoicing(AccountTestInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        su_env = cls.env(su=True)
        company_ids = [Command.set(cls.company.ids)]
        cls.manager = new_test_user(
            su_env,
            login="inv_as_manager",
            groups="aftersales_sla.group_aftersales_manager",
            company_id=cls.company.id,
            company_ids=company_ids,
        )
        cls.technician = new_test_user(
            su_env,
            login="inv_as_technician",
            groups="aftersales_sla.group_aftersales_user",
            company_id=cls.company.id,
            company_ids=company_ids,
        )
        cls.accountant = new_test_user(
            su_env,
            login="inv_as_accountant",
            groups="account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=company_ids,
        )
        # A penalty rate: 1 company currency unit = 2 units of the other one.
        other_code = "EUR" if cls.company.currency_id.name != "EUR" else "USD"
        cls.other_currency = cls.setup_other_currency(
            other_code, rates=[("2000-01-01", 2.0)]
        )
        cls.income_account = cls.copy_account(
            cls.company_data["default_account_revenue"]
        )
        cls.expense_account = cls.copy_account(
            cls.company_data["default_account_expense"]
        )
        cls.penalty_product = cls._create_product(
            name="Liquidated damages",
            type="service",
            property_account_income_id=cls.income_account.id,
            property_account_expense_id=cls.expense_account.id,
            taxes_id=[Command.clear()],
            supplier_taxes_id=[Command.clear()],
        )
        cls.company.aftersales_penalty_product_id = cls.penalty_product

        policy = su_env["aftersales.sla.policy"].create(
            {
                "name": "Lock SLA",
                "target_ids": [
                    Command.create(
                        {
                            "metric": "response",
                            "priority": "1",
                            "target_hours": 4,
                            "calendar_id": cls.company.resource_calendar_id.id,
                        }
                    )
                ],
            }
        )
        cls.customer = cls.partner_a
        cls.service_partner = cls.partner_b

        def contract(partner, **values):
            record = su_env["aftersales.contract"].create(
                dict(
                    {
                        "partner_id": partner.id,
                        "title": "Smart lock service",
                        "company_id": cls.company.id,
                        "date_start": date(2026, 1, 1),
                        "date_end": date(2026, 12, 31),
                        "amount_value": 100000,
                        "calendar_id": cls.company.resource_calendar_id.id,
                        "sla_policy_id": policy.id,
                        "penalty_rule_ids": [
                            Command.create(
                                {
                                    "name": "响应超时",
                                    "rule_type": "fixed",
                                    "amount": 500,
                                    "metric": "response",
                                }
                            )
                        ],
                    },
                    **values,
                )
            )
            record.action_activate()
            return record.with_env(cls.env)

        cls.contract = contract(cls.customer)
        cls.contract_other_currency = contract(
            cls.customer, currency_id=cls.other_currency.id
        )
        cls.partner_contract = contract(cls.service_partner, contract_type="partner")
        cls.Penalty = cls.env["aftersales.penalty"]
        cls.Move = cls.env["account.move"]

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def assess(self, contract, amount, confirm=True):
        penalty = self.Penalty.with_user(self.manager)._assess_manual(
            contract, amount, "Late on site"
        )
        if confirm:
            penalty.action_confirm()
        return penalty.with_env(self.env)

    def events(self, penalty, event_type):
        return (
            self.env["aftersales.event"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "aftersales.penalty"),
                    ("res_id", "=", penalty.id),
                    ("event_type", "=", event_type),
                ],
                order="id",
            )
        )

    def counts(self):
        self.env.flush_all()
        return (
            self.Move.sudo().search_count([]),
            self.env["account.move.line"].sudo().search_count([]),
            self.env["aftersales.event"].sudo().search_count([]),
        )

    def assertInvoiced(self, penalty, move):
        self.assertEqual(penalty.state, "invoiced")
        self.assertEqual(penalty.move_id, move)
        self.assertEqual(penalty.move_line_id.aftersales_penalty_id, penalty)
        event = self.events(penalty, "penalty.invoiced")[-1:]
        self.assertTrue(event)
        self.assertEqual(json.loads(event.payload)["move_id"], move.id)

    def assertUninvoiced(self, penalty, reason):
        self.assertEqual(penalty.state, "confirmed")
        self.assertFalse(penalty.move_line_id)
        event = self.events(penalty, "penalty.uninvoiced")[-1:]
        self.assertTrue(event)
        self.assertEqual(event.reason_text, reason)

    # ------------------------------------------------------------------
    # Credit notes
    # ------------------------------------------------------------------

    def test_credit_notes_by_partner_currency_and_direction(self):
        first = self.assess(self.contract, 500)
        second = self.assess(self.contract, 300)
        foreign = self.assess(self.contract_other_currency, 200)
        receivable = self.assess(self.partner_contract, 400)
        penalties = (first | second | foreign | receivable).with_user(self.accountant)

        moves = penalties._create_credit_notes()

        self.assertEqual(len(moves), 3)
        self.assertEqual(set(moves.mapped("state")), {"draft"})
        out_refunds = moves.filtered(lambda m: m.move_type == "out_refund")
        local = out_refunds.filtered(
            lambda m: m.currency_id == self.company.currency_id
        )
        foreign_move = out_refunds - local
        vendor_refund = moves.filtered(lambda m: m.move_type == "in_refund")

        # Payable, company currency: one line per penalty, on the income account.
        self.assertEqual(local.partner_id, self.customer)
        self.assertEqual(local.company_id, self.company)
        self.assertEqual(local.journal_id.type, "sale")
        self.assertEqual(local.amount_untaxed, 800)
        self.assertEqual(local.amount_tax, 0)
        self.assertEqual(local.amount_total, 800)
        lines = local.invoice_line_ids.sorted("price_unit")
        self.assertEqual(lines.mapped("price_unit"), [300, 500])
        self.assertEqual(lines.mapped("quantity"), [1, 1])
        self.assertEqual(lines.product_id, self.penalty_product)
        self.assertEqual(lines.account_id, self.income_account)
        self.assertEqual(lines.aftersales_penalty_id, first | second)
        self.assertEqual(
            lines[1].name, f"{first.name} - {self.contract.name}", "no ticket"
        )
        self.assertIn(self.contract.name, local.invoice_origin)

        # Payable, other currency: the credit note is in the penalty's currency,
        # its balance converted at the rate of the invoice date (2 : 1).
        self.assertEqual(foreign_move.currency_id, self.other_currency)
        self.assertEqual(foreign_move.amount_total, 200)
        self.assertEqual(foreign_move.amount_total_signed, -100)
        self.assertEqual(foreign_move.invoice_line_ids.balance, 100)
        self.assertEqual(foreign_move.invoice_line_ids.amount_currency, 200)

        # Receivable: a vendor credit note of the service partner, on the
        # expense account.
        self.assertEqual(vendor_refund.partner_id, self.service_partner)
        self.assertEqual(vendor_refund.journal_id.type, "purchase")
        self.assertEqual(vendor_refund.amount_total, 400)
        self.assertEqual(
            vendor_refund.invoice_line_ids.account_id, self.expense_account
        )
        self.assertEqual(vendor_refund.invoice_line_ids.balance, -400)

        for penalty, move in (
            (first, local),
            (second, local),
            (foreign, foreign_move),
            (receivable, vendor_refund),
        ):
            self.assertInvoiced(penalty, move)

    def test_line_references_ticket_and_contract(self):
        ticket = (
            self.env(su=True)["aftersales.ticket"]
            .create(
                {
                    "name": "门锁无法开启",
                    "partner_id": self.customer.id,
                    "contract_id": self.contract.id,
                    "company_id": self.company.id,
                }
            )
            .with_env(self.env)
        )
        penalty = self.Penalty.with_user(self.manager)._assess_manual(
            self.contract, 120, "Late on site", ticket=ticket
        )
        penalty.action_confirm()
        move = penalty.with_user(self.accountant)._create_credit_notes()
        self.assertTrue(ticket.number)
        self.assertEqual(
            move.invoice_line_ids.name,
            f"{penalty.name} - {self.contract.name} - {ticket.number}",
        )

    def test_product_taxes_and_posting(self):
        tax = self.env["account.tax"].create(
            {
                "name": "VAT 13%",
                "amount": 13,
                "amount_type": "percent",
                "type_tax_use": "sale",
                "company_id": self.company.id,
            }
        )
        self.penalty_product.taxes_id = tax
        penalty = self.assess(self.contract, 1000)

        move = penalty.with_user(self.accountant)._create_credit_notes(post=True)

        self.assertEqual(move.state, "posted")
        self.assertEqual(move.invoice_line_ids.tax_ids, tax)
        self.assertEqual(move.amount_untaxed, 1000)
        self.assertEqual(move.amount_tax, 130)
        self.assertEqual(move.amount_total, 1130)
        self.assertInvoiced(penalty, move)
        payload = json.loads(self.events(penalty, "penalty.invoiced").payload)
        self.assertEqual(payload["move"], move.name)

    def test_default_product_when_the_company_has_none(self):
        self.company.aftersales_penalty_product_id = False
        penalty = self.assess(self.contract, 250)
        move = penalty.with_user(self.accountant)._create_credit_notes()
        self.assertEqual(
            move.invoice_line_ids.product_id,
            self.env.ref("aftersales_sla.product_aftersales_penalty"),
        )
        self.assertEqual(move.amount_total, 250, "no tax on the default product")

    def test_reduced_penalty_is_invoiced_net(self):
        penalty = self.assess(self.contract, 500)
        penalty.with_user(self.manager).action_dispute("Technician was on site")
        reduction = penalty.with_user(self.manager).action_resolve_dispute(
            "reduce", amount=100
        )
        with self.assertRaises(UserError):
            reduction.with_user(self.accountant)._create_credit_notes()
        move = (penalty | reduction).with_user(self.accountant)._create_credit_notes()
        self.assertEqual(
            sorted(move.invoice_line_ids.mapped("price_unit")), [-100, 500]
        )
        self.assertEqual(move.amount_total, 400)
        self.assertInvoiced(penalty, move)
        self.assertInvoiced(reduction, move)
        move.button_cancel()
        self.assertUninvoiced(penalty, "Journal entry cancelled")
        self.assertUninvoiced(reduction, "Journal entry cancelled")

    def test_multi_company(self):
        other = self.setup_other_company(name="Heater Maker Ltd")["company"]
        su_env = self.env(su=True)
        for user in (self.env.user, self.manager, self.accountant):
            user.sudo().company_ids |= other
        policy = su_env["aftersales.sla.policy"].create(
            {"name": "Heater SLA", "company_id": other.id}
        )
        contract = (
            su_env["aftersales.contract"]
            .with_company(other)
            .create(
                {
                    "partner_id": self.customer.id,
                    "company_id": other.id,
                    "currency_id": other.currency_id.id,
                    "date_start": date(2026, 1, 1),
                    "date_end": date(2026, 12, 31),
                    "amount_value": 50000,
                    "calendar_id": other.resource_calendar_id.id,
                    "sla_policy_id": policy.id,
                }
            )
        )
        here = self.assess(self.contract, 100)
        there = self.Penalty.with_user(self.manager).with_company(other)
        there = there._assess_manual(contract, 200, "Late")
        there.action_confirm()
        moves = (
            (here | there.with_env(self.env))
            .with_user(self.accountant)
            .with_context(allowed_company_ids=[self.company.id, other.id])
            ._create_credit_notes()
            .sudo()
        )
        self.assertEqual(len(moves), 2)
        for penalty in (here, there):
            move = moves.filtered(
                lambda m, p=penalty: m.company_id == p.sudo().company_id
            )
            self.assertEqual(move.journal_id.company_id, move.company_id)
            self.assertEqual(move.amount_total, penalty.sudo().amount)
            self.assertEqual(penalty.sudo().move_id, move)

    # ------------------------------------------------------------------
    # Deduction on a draft invoice
    # ------------------------------------------------------------------

    def test_add_to_draft_invoice_and_bill(self):
        invoice = self.init_invoice("out_invoice", self.customer, amounts=[5000])
        first = self.assess(self.contract, 500)
        second = self.assess(self.contract, 300)
        (first | second).with_user(self.accountant)._add_to_invoice(
            invoice.with_user(self.accountant)
        )
        lines = invoice.invoice_line_ids.filtered("aftersales_penalty_id")
        self.assertEqual(sorted(lines.mapped("price_unit")), [-500, -300])
        self.assertEqual(invoice.amount_untaxed, 4200)
        self.assertInvoiced(first, invoice)
        self.assertInvoiced(second, invoice)

        # Removing the penalty's line from the draft invoice frees it.
        invoice.write({"invoice_line_ids": [Command.unlink(first.move_line_id.id)]})
        self.assertUninvoiced(first, "Journal item deleted")
        self.assertEqual(second.state, "invoiced")

        bill = self.init_invoice("in_invoice", self.service_partner, amounts=[2000])
        receivable = self.assess(self.partner_contract, 400)
        receivable.with_user(self.accountant)._add_to_invoice(bill)
        line = bill.invoice_line_ids.filtered("aftersales_penalty_id")
        self.assertEqual(line.price_unit, -400)
        self.assertEqual(line.account_id, self.expense_account)
        self.assertEqual(bill.amount_untaxed, 1600)
        self.assertInvoiced(receivable, bill)

    def test_wizard_from_contract(self):
        penalty = self.assess(self.contract, 500)
        self.assess(self.contract, 100, confirm=False)
        wizard = (
            self.env["aftersales.penalty.invoice"]
            .with_user(self.accountant)
            .with_context(default_contract_id=self.contract.id)
            .create({"post": True})
        )
        self.assertEqual(wizard.penalty_ids, penalty, "the confirmed ones")
        action = wizard.action_apply()
        move = self.Move.browse(action["res_id"])
        self.assertEqual(move.move_type, "out_refund")
        self.assertEqual(move.state, "posted")
        self.assertInvoiced(penalty, move)

        other = self.assess(self.contract, 50)
        invoice = self.init_invoice("out_invoice", self.customer, amounts=[1000])
        wizard = (
            self.env["aftersales.penalty.invoice"]
            .with_user(self.accountant)
            .with_context(active_model="aftersales.penalty", active_ids=other.ids)
            .create({"mode": "add_to_invoice", "invoice_id": invoice.id})
        )
        self.assertEqual(wizard.invoice_move_type, "out_invoice")
        self.assertEqual(wizard.partner_id, self.customer)
        wizard.action_apply()
        self.assertInvoiced(other, invoice)

    # ------------------------------------------------------------------
    # Moves undone
    # ------------------------------------------------------------------

    def test_cancel_reset_delete_and_repost(self):
        penalty = self.assess(self.contract, 500)
        accountant_penalty = penalty.with_user(self.accountant)

        move = accountant_penalty._create_credit_notes(post=True)
        move.with_user(self.accountant).button_cancel()
        self.assertEqual(move.state, "cancel")
        self.assertUninvoiced(penalty, "Journal entry cancelled")
        self.assertEqual(
            len(self.events(penalty, "penalty.uninvoiced")), 1, "one event"
        )

        move = accountant_penalty._create_credit_notes(post=True)
        self.assertInvoiced(penalty, move)
        move.with_user(self.accountant).button_draft()
        self.assertUninvoiced(penalty, "Journal entry reset to draft")
        # Posted again, the move settles its penalty again.
        move.with_user(self.accountant).action_post()
        self.assertInvoiced(penalty, move)
        move.with_user(self.accountant).button_draft()

        draft = accountant_penalty._create_credit_notes()
        self.assertInvoiced(penalty, draft)
        with self.assertRaises(UserError):
            move.action_post()  # its penalty is settled by the new draft
        draft.with_user(self.accountant).unlink()
        self.assertUninvoiced(penalty, "Journal entry deleted")
        self.assertEqual(len(self.events(penalty, "penalty.uninvoiced")), 4)
        self.assertEqual(len(self.events(penalty, "penalty.invoiced")), 4)

    def test_reversal_returns_the_penalty(self):
        penalty = self.assess(self.contract, 500)
        move = penalty.with_user(self.accountant)._create_credit_notes(post=True)
        move._reverse_moves(cancel=True)
        self.assertUninvoiced(penalty, "Journal entry reversed")

    # ------------------------------------------------------------------
    # Bad inputs
    # ------------------------------------------------------------------

    def test_bad_inputs_are_refused_and_write_nothing(self):
        assessed = self.assess(self.contract, 500, confirm=False)
        confirmed = self.assess(self.contract, 300)
        foreign = self.assess(self.contract_other_currency, 200)
        receivable = self.assess(self.partner_contract, 400)
        invoiced = self.assess(self.contract, 100)
        invoiced.with_user(self.accountant)._create_credit_notes()
        invoice = self.init_invoice("out_invoice", self.customer, amounts=[1000])
        other_partner_invoice = self.init_invoice(
            "out_invoice", self.partner_b, amounts=[1000]
        )
        bill = self.init_invoice("in_invoice", self.customer, amounts=[1000])
        posted = self.init_invoice(
            "out_invoice", self.customer, amounts=[1000], post=True
        )
        before = self.counts()
        invoice_lines = invoice.invoice_line_ids

        def refused(penalties, invoice=None, message=None):
            penalties = penalties.with_user(self.accountant)
            with self.assertRaisesRegex(UserError, message):
                if invoice is None:
                    penalties._create_credit_notes()
                else:
                    penalties._add_to_invoice(invoice.with_user(self.accountant))
            self.assertEqual(self.counts(), before)

        refused(assessed | confirmed, message="only confirmed penalties")
        refused(invoiced, message="is Invoiced")
        refused(confirmed, other_partner_invoice, "is settled with")
        refused(foreign, invoice, "is in")
        refused(confirmed, bill, "is not one")
        refused(confirmed, posted, "is not one")
        refused(confirmed | receivable, invoice, "select one kind")
        self.assertEqual(assessed.state, "assessed")
        self.assertEqual(confirmed.state, "confirmed")
        self.assertFalse(confirmed.move_line_id)
        self.assertEqual(invoice.invoice_line_ids, invoice_lines)

    # ------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------

    def test_invoicing_user_invoices_but_does_not_waive(self):
        penalty = self.assess(self.contract, 500)
        as_accountant = penalty.with_user(self.accountant)
        self.assertFalse(
            self.accountant.has_group("aftersales_sla.group_aftersales_user")
        )
        # Reads what it invoices: the penalties of its company, their contracts.
        self.assertIn(
            penalty,
            self.Penalty.with_user(self.accountant).search(
                [("state", "=", "confirmed")]
            ),
        )
        self.assertEqual(as_accountant.contract_id.name, self.contract.name)
        with self.assertRaises(AccessError):
            as_accountant.action_waive("goodwill")
        with self.assertRaises(AccessError):
            as_accountant.action_confirm()
        self.assertEqual(penalty.state, "confirmed")
        move = as_accountant._create_credit_notes()
        self.assertInvoiced(penalty, move)

    def test_technician_cannot_invoice(self):
        penalty = self.assess(self.contract, 500)
        before = self.counts()
        with self.assertRaises(AccessError):
            penalty.with_user(self.technician)._create_credit_notes()
        with self.assertRaises(AccessError):
            penalty.with_user(self.technician)._add_to_invoice(self.Move)
        self.assertEqual(self.counts(), before)
        self.assertEqual(penalty.state, "confirmed")

    def test_credit_note_and_statement_print_the_signed_ledger_head(self):
        """The other party keeps a checkpoint of the ledger from every credit note
        settling penalties and every SLA statement (signed when printed)."""
        penalty = self.assess(self.contract, 80)
        move = penalty.with_user(self.accountant)._create_credit_notes()
        self.env["aftersales.event"]._seal_chains()
        chain = (
            self.env["aftersales.event.chain"]
            .sudo()
            .search([("company_id", "=", self.company.id)])
        )
        html, _kind = (
            self.env["ir.actions.report"]
            .with_user(self.accountant)
            ._render_qweb_html("account.account_invoices", move.ids)
        )
        self.assertIn(f"ASL1.{chain.id}.{chain.last_sequence}.", html.decode())
        html, _kind = (
            self.env["ir.actions.report"]
            .with_user(self.manager)
            ._render_qweb_html(
                "aftersales_sla.action_report_sla_statement", self.contract.ids
            )
        )
        token = f"ASL1.{chain.id}.{chain.last_sequence}."
        self.assertIn(token, html.decode())
        printed = html.decode().split(token)[1].split("<")[0].strip()
        result = (
            self.env["aftersales.event"]
            .with_user(self.manager)
            .verify_ledger(chain, checkpoints=token + printed)
        )
        self.assertEqual(
            [
                item["status"]
                for item in result["checkpoints"]
                if item["source"] == "given"
            ],
            ["ok"],
        )
