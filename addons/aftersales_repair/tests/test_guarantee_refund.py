"""The re-repair guarantee of paid repairs and the refund of a failed repair."""

import json
from datetime import date

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user

from odoo.addons.aftersales_sla.tests.common import shanghai

from .test_repair_orders import RepairOrderCase


def payload_of(event):
    payload = event.payload
    return json.loads(payload) if isinstance(payload, str) else payload


class GuaranteeCase(RepairOrderCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.aftersales_repair_guarantee_days = 30
        cls.billing = new_test_user(
            cls.env, "repair_billing", groups="account.group_account_invoice"
        )
        cls.portal = new_test_user(cls.env, "repair_portal", groups="base.group_portal")

    def finish(self, repair):
        """The repair order done: resolving its ticket ended it."""
        self.assertEqual(repair.state, "done")

    def quote(self, repair):
        """Quote the chargeable repair (visit 80, one hour 120, a part 200) and
        confirm the quotation."""
        self.add_part(repair)
        repair.with_user(self.manager).action_create_sale_order()
        repair.sale_order_id.action_confirm()

    def bill(self, repair):
        """The posted invoice of the repair's quotation."""
        invoice = repair.sale_order_id._create_invoices()
        invoice.action_post()
        return invoice

    def paid_repair(self, ticket, resolved=None):
        """The ticket's repair quoted, the ticket resolved (by default on 2
        November, 23:30 in Shanghai), the repair done, then invoiced:
        (repair, invoice)."""
        repair = self.make_repair(ticket)
        self.quote(repair)
        ticket.action_resolve(
            when=resolved or shanghai(2026, 11, 2, 23, 30), reason="phone"
        )
        self.finish(repair)
        return repair, self.bill(repair)

    def first_ticket(self, **values):
        """A chargeable ticket (expired unit WH-T-0002) reported on 1 November."""
        ticket = self.report_consumer(
            reported=shanghai(2026, 11, 1, 9, 0), serial_number="WH-T-0002", **values
        )
        self.assertEqual(ticket.coverage, "chargeable")
        return ticket


class TestGuarantee(GuaranteeCase):
    def test_paid_repair_guarantee_from_resolution_day_in_company_tz(self):
        ticket = self.first_ticket()
        # Resolved at 23:30 in Shanghai on 2 November (15:30 UTC): the guarantee
        # counts from 2 November, 30 days (the company's default).
        repair, invoice = self.paid_repair(ticket)
        self.assertEqual(repair.aftersales_guarantee_days, 30)
        self.assertEqual(repair.aftersales_guarantee_end, date(2026, 12, 2))
        events = self.coverage_events(ticket, "ticket.guarantee_started")
        self.assertEqual(len(events), 1)
        payload = payload_of(events)
        self.assertEqual(payload["repair"], repair.name)
        self.assertEqual(payload["days"], 30)
        self.assertEqual(payload["guarantee_end"], "2026-12-02")
        self.assertEqual(payload["invoices"], [invoice.name])
        self.assertTrue(self.env["aftersales.event"].verify_ledger()["ok"])

    def test_guarantee_waits_for_the_repair_done_and_starts_once(self):
        ticket = self.first_ticket()
        repair = self.make_repair(ticket)
        self.quote(repair)
        self.bill(repair)
        # Invoiced but not repaired: not paid work yet.
        self.assertFalse(repair.aftersales_guarantee_end)
        self.assertFalse(self.coverage_events(ticket, "ticket.guarantee_started"))
        # Resolving the ticket ends the repair: the guarantee starts.
        ticket.action_resolve(when=shanghai(2026, 11, 3, 10, 0), reason="phone")
        self.finish(repair)
        self.assertEqual(repair.aftersales_guarantee_end, date(2026, 12, 3))
        self.assertEqual(
            len(self.coverage_events(ticket, "ticket.guarantee_started")), 1
        )

    def test_contract_fee_schedule_gives_the_days(self):
        contract = self.env["aftersales.contract"].create(
            {
                "partner_id": self.consumer.id,
                "title": "Heater care 2026",
                "amount_value": 5000,
                "date_start": date(2026, 1, 1),
                "date_end": date(2026, 12, 31),
                "calendar_id": self.calendar.id,
                "sla_policy_id": self.policy.id,
                "repair_guarantee_days": 60,
            }
        )
        contract.action_activate()
        # The days are a contractual term: fixed while the contract is in force,
        # except by an amendment (recorded in the ledger).
        with self.refused(UserError, "can only be changed by an amendment"):
            contract.repair_guarantee_days = 365
        action = contract.with_user(self.manager).action_open_amend_wizard()
        with Form(
            self.env["aftersales.contract.amend"]
            .with_user(self.manager)
            .with_context(**action["context"])
        ) as form:
            self.assertEqual(form.repair_guarantee_days, 60)
            form.repair_guarantee_days = 45
            form.effective_date = shanghai(2026, 10, 1, 0, 0)
            form.reason = "补充协议: 维修保修期 45 天"
        form.save().action_apply()
        self.assertEqual(contract.repair_guarantee_days, 45)
        amended = self.env["aftersales.event"].search(
            [
                ("res_model", "=", "aftersales.contract"),
                ("res_id", "=", contract.id),
                ("event_type", "=", "contract.amended"),
            ]
        )
        self.assertEqual(
            payload_of(amended)["changes"]["repair_guarantee_days"], [60, 45]
        )
        ticket = self.report_consumer(
            reported=shanghai(2026, 11, 1, 9, 0), serial_number="WH-T-0002"
        )
        self.assertEqual((ticket.contract_id, ticket.coverage), (contract, "contract"))
        # The technician found the unit dropped: chargeable, under the contract.
        ticket.with_user(self.manager).action_override_coverage(
            "chargeable", "excluded_misuse", "外壳摔裂"
        )
        repair, _invoice = self.paid_repair(ticket)
        self.assertEqual(repair.aftersales_guarantee_days, 45)
        self.assertEqual(repair.aftersales_guarantee_end, date(2026, 12, 17))

    def test_no_guarantee_when_company_gives_none(self):
        self.env.company.aftersales_repair_guarantee_days = 0
        ticket = self.first_ticket()
        repair, _invoice = self.paid_repair(ticket)
        self.assertFalse(repair.aftersales_guarantee_end)
        self.assertFalse(self.coverage_events(ticket, "ticket.guarantee_started"))

    def test_same_unit_within_guarantee_is_free(self):
        first = self.first_ticket()
        repair, _invoice = self.paid_repair(first)
        again = self.report_consumer(serial_number="WH-T-0002")
        self.assertEqual(
            (again.coverage, again.coverage_reason), ("guarantee", "repeat_fault")
        )
        self.assertEqual(again.unit_guarantee_end, date(2026, 12, 2))
        self.assertEqual(again.unit_guarantee_repair, repair.name)
        reported = payload_of(self.coverage_events(again, "ticket.reported"))
        self.assertEqual(reported["coverage"], "guarantee")
        self.assertEqual(reported["guarantee_repair"], repair.name)
        self.assertEqual(reported["guarantee_end"], "2026-12-02")
        # The repeat repair is free: under warranty, no quotation.
        second = self.make_repair(again)
        self.assertTrue(second.under_warranty)
        with self.refused(UserError, "is free for the customer"):
            second.with_user(self.manager).action_create_sale_order()
        self.assertFalse(second.sale_order_id)
        # The first ticket's own repair does not cover the first ticket.
        self.assertFalse(first.unit_guarantee_end)

    def test_open_repeat_reported_before_the_invoice_follows(self):
        """The same fault reported again after the repair was resolved, but
        before its invoice was posted: covered once the guarantee starts; a
        ticket reported before the repair was resolved stays chargeable."""
        first = self.first_ticket()
        parallel = self.report_consumer(
            reported=shanghai(2026, 11, 2, 9, 0), serial_number="WH-T-0002"
        )
        repair = self.make_repair(first)
        self.quote(repair)
        first.action_resolve(when=shanghai(2026, 11, 2, 23, 30), reason="phone")
        self.finish(repair)
        again = self.report_consumer(
            reported=shanghai(2026, 11, 10, 9, 0), serial_number="WH-T-0002"
        )
        self.assertEqual(again.coverage, "chargeable")
        self.bill(repair)
        self.assertEqual(
            (again.coverage, again.coverage_reason), ("guarantee", "repeat_fault")
        )
        self.assertEqual(
            payload_of(self.coverage_events(again))["coverage"], "guarantee"
        )
        self.assertEqual(parallel.coverage, "chargeable")
        # Decided again later: still not a repeat of a repair done after it.
        parallel._decide_coverage()
        self.assertEqual(parallel.coverage, "chargeable")
        self.assertFalse(parallel.unit_guarantee_end)

    def test_after_guarantee_or_other_unit_is_chargeable(self):
        self.env.company.aftersales_repair_guarantee_days = 10
        first = self.first_ticket()
        self.paid_repair(first)  # guarantee to 12 November
        late = self.report_consumer(serial_number="WH-T-0002")
        self.assertEqual(
            (late.coverage, late.coverage_reason), ("chargeable", "expired")
        )
        self.assertEqual(late.unit_guarantee_end, date(2026, 11, 12))
        within = self.report_consumer(
            reported=shanghai(2026, 11, 12, 23, 0), serial_number="WH-T-0002"
        )
        self.assertEqual(within.coverage, "guarantee")
        # Another expired unit of the customer: its own warranty decides.
        self.Unit.create(
            {
                "product_id": self.heater.id,
                "lot_id": self.lot("WH-T-0003").id,
                "partner_id": self.consumer.id,
                "installation_date": date(2023, 6, 1),
            }
        )
        other_unit = self.report_consumer(
            reported=shanghai(2026, 11, 5, 9, 0), serial_number="WH-T-0003"
        )
        self.assertEqual(
            (other_unit.coverage, other_unit.coverage_reason), ("chargeable", "expired")
        )

    def test_manager_overrides_a_different_fault(self):
        self.paid_repair(self.first_ticket())
        again = self.report_consumer(serial_number="WH-T-0002")
        self.assertEqual(again.coverage, "guarantee")
        with self.refused(AccessError, "Only After-Sales managers"):
            again.with_user(self.technician).action_override_coverage(
                "chargeable", "different_fault", "不是同一故障"
            )
        again.with_user(self.manager).action_override_coverage(
            "chargeable", "different_fault", "漏水, 上次修的是点火"
        )
        self.assertEqual(
            (again.coverage, again.coverage_reason), ("chargeable", "different_fault")
        )
        # The override sticks when the ticket changes.
        again.write({"name": "漏水"})
        again.with_user(self.manager).write({"serial_number": "WH-T-0002"})
        self.assertEqual(again.coverage, "chargeable")

    def test_guarantee_not_set_by_hand(self):
        ticket = self.first_ticket()
        repair, _invoice = self.paid_repair(ticket)
        for values in (
            {"aftersales_guarantee_end": date(2030, 1, 1)},
            {"aftersales_guarantee_days": 3650},
        ):
            with self.refused(UserError, "cannot be set by hand"):
                repair.with_user(self.manager).write(values)
        self.assertEqual(repair.aftersales_guarantee_end, date(2026, 12, 2))


class TestRefund(GuaranteeCase):
    def refunds(self, invoice):
        return self.env["account.move"].search(
            [("reversed_entry_id", "=", invoice.id), ("move_type", "=", "out_refund")]
        )

    def test_partial_refunds_up_to_the_invoice(self):
        ticket = self.first_ticket()
        _repair, invoice = self.paid_repair(ticket)
        self.assertAlmostEqual(invoice.amount_total, 400.0)
        credit = ticket.with_user(self.manager).action_refund(
            invoice.id, 150.0, "点火针又坏了, 客户另找人修"
        )
        self.assertEqual(credit.state, "posted")
        self.assertEqual(credit.move_type, "out_refund")
        self.assertEqual(credit.reversed_entry_id, invoice)
        self.assertAlmostEqual(credit.amount_total, 150.0)
        event = self.coverage_events(ticket, "ticket.refunded")
        self.assertEqual(len(event), 1)
        payload = payload_of(event)
        self.assertEqual(payload["invoice"], invoice.name)
        self.assertEqual(payload["credit_note"], credit.name)
        self.assertAlmostEqual(payload["amount"], 150.0)
        self.assertAlmostEqual(payload["refunded_total"], 150.0)
        self.assertEqual(event.reason_text, "点火针又坏了, 客户另找人修")
        # More than what is left (250) is refused; nothing written.
        with self.refused(ValidationError, "is more than what is left of invoice"):
            ticket.with_user(self.billing).action_refund(invoice, 250.01, "again")
        self.assertEqual(self.refunds(invoice), credit)
        self.assertEqual(len(self.coverage_events(ticket, "ticket.refunded")), 1)
        # The rest, by a billing user.
        rest = ticket.with_user(self.billing).action_refund(invoice, 250.0, "全退")
        self.assertAlmostEqual(rest.amount_total, 250.0)
        with self.refused(ValidationError, "is more than what is left of invoice"):
            ticket.with_user(self.manager).action_refund(invoice, 0.01, "once more")
        self.assertTrue(self.env["aftersales.event"].verify_ledger()["ok"])

    def test_whole_refund_reverses_the_invoice(self):
        ticket = self.first_ticket()
        _repair, invoice = self.paid_repair(ticket)
        Wizard = (
            self.env["aftersales.ticket.refund"]
            .with_user(self.billing)
            .with_context(default_ticket_id=ticket.id)
        )
        with Form(Wizard) as form:
            # The ticket's invoice and all of it are proposed.
            self.assertEqual(form.invoice_id, invoice)
            self.assertAlmostEqual(form.amount, 400.0)
            form.reason = "维修失败"
        wizard = form.save()
        wizard.action_apply()
        credit = self.refunds(invoice)
        self.assertEqual(credit.state, "posted")
        self.assertAlmostEqual(credit.amount_total, 400.0)
        # Odoo's reversal: the invoice's lines, each reversed.
        self.assertEqual(
            credit.invoice_line_ids.mapped("product_id"),
            invoice.invoice_line_ids.mapped("product_id"),
        )

    def test_credit_notes_made_in_invoicing_are_checked_and_recorded(self):
        """The accountant's own credit note of a ticket's invoice (Odoo's reversal
        or by hand) is an event of the ticket too, and never refunds more than
        the invoice."""
        ticket = self.first_ticket()
        _repair, invoice = self.paid_repair(ticket)
        ticket.with_user(self.billing).action_refund(invoice, 300.0, "部分退款")
        # The whole invoice reversed in Invoicing: 400 where 100 is left.
        reversal = invoice._reverse_moves([{"ref": "客户投诉"}])
        with self.refused(ValidationError, "is more than what is left of invoice"):
            reversal.action_post()
        self.assertEqual(reversal.state, "draft")
        self.assertEqual(len(self.coverage_events(ticket, "ticket.refunded")), 1)
        reversal.button_cancel()
        # A credit note of the 100 left, by hand.
        by_hand = self.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": invoice.partner_id.id,
                "reversed_entry_id": invoice.id,
                "ref": "余款退回",
                "invoice_line_ids": [
                    (0, 0, {"name": "退款", "quantity": 1, "price_unit": 100.0})
                ],
            }
        )
        by_hand.action_post()
        events = self.coverage_events(ticket, "ticket.refunded")
        self.assertEqual(len(events), 2)
        self.assertEqual(events[-1].reason_text, "余款退回")
        payload = payload_of(events[-1])
        self.assertEqual(payload["credit_note"], by_hand.name)
        self.assertAlmostEqual(payload["refunded_total"], 400.0)

    def test_bad_refunds_refused(self):
        ticket = self.first_ticket()
        _repair, invoice = self.paid_repair(ticket)
        other = self.report_consumer(serial_number="WH-T-0001")
        for amount, text in (
            (0, "must be more than zero"),
            (-5, "must be more than zero"),
            ("lots", "must be a number"),
            (400.01, "is more than what is left of invoice"),
        ):
            with self.refused(ValidationError, text):
                ticket.with_user(self.manager).action_refund(invoice, amount, "x")
        with self.refused(ValidationError, "is required"):
            ticket.with_user(self.manager).action_refund(invoice, 10, "  ")
        # An invoice of another ticket's repairs (or none of a repair).
        with self.refused(UserError, "is not a posted customer invoice of the repairs"):
            other.with_user(self.manager).action_refund(invoice, 10, "x")
        self.assertFalse(self.refunds(invoice))
        self.assertFalse(self.coverage_events(ticket, "ticket.refunded"))

    def test_technician_and_portal_refused(self):
        ticket = self.first_ticket(user_id=self.technician.id)
        _repair, invoice = self.paid_repair(ticket)
        for user in (self.technician, self.portal):
            with self.refused(AccessError, "Only After-Sales managers and billing"):
                ticket.with_user(user).action_refund(invoice.id, 10.0, "x")
            with self.assertRaises(AccessError):
                self.env["aftersales.ticket.refund"].with_user(user).create(
                    {
                        "ticket_id": ticket.id,
                        "invoice_id": invoice.id,
                        "amount": 10.0,
                        "reason": "x",
                    }
                )
        self.assertFalse(self.refunds(invoice))
