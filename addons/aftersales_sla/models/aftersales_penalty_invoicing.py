from collections import defaultdict

from odoo import Command, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools import door

#: The document settling a penalty, by direction: what we owe the customer is a
#: customer credit note (or a negative line on their invoice); what the service
#: partner owes us is a vendor credit note (or a negative line on their bill).
CREDIT_NOTE_TYPES = {"payable": "out_refund", "receivable": "in_refund"}
INVOICE_TYPES = {"payable": "out_invoice", "receivable": "in_invoice"}


class AftersalesPenalty(models.Model):
    """Accounting hand-off: confirmed penalties become credit notes, or negative
    lines on a draft invoice; the move and its lines link back to them."""

    _inherit = "aftersales.penalty"

    # ------------------------------------------------------------------
    # Checks
    # ------------------------------------------------------------------

    def _check_invoicing_rights(self):
        if not self.env.user.has_group("account.group_account_invoice"):
            raise AccessError(
                self.env._("Only users with invoicing rights invoice penalties.")
            )

    def _state_label(self):
        self.ensure_one()
        return dict(self._fields["state"]._description_selection(self.env))[self.state]

    def _prepare_invoicing(self):
        """Check the penalties can be invoiced, before anything is written.

        :return: ``{penalty: its confirmed adjustments}`` for the penalties to
            settle (adjustments selected together with their penalty are settled
            with it; alone they are refused).
        """
        self._check_invoicing_rights()
        if not self:
            raise UserError(self.env._("Select the penalties to invoice."))
        adjustments = self.filtered("parent_id")
        for adjustment in adjustments:
            if adjustment.parent_id not in self:
                raise UserError(
                    self.env._(
                        "Penalty %(penalty)s adjusts %(parent)s: it is invoiced "
                        "together with it.",
                        penalty=adjustment.name,
                        parent=adjustment.parent_id.name,
                    )
                )
        plan = {}
        for penalty in self - adjustments:
            if penalty.state != "confirmed":
                raise UserError(
                    self.env._(
                        "Penalty %(penalty)s is %(state)s: only confirmed penalties "
                        "are invoiced.",
                        penalty=penalty.name,
                        state=penalty._state_label(),
                    )
                )
            if penalty.move_line_id:
                raise UserError(
                    self.env._(
                        "Penalty %(penalty)s is already settled by %(move)s.",
                        penalty=penalty.name,
                        move=penalty.move_line_id.move_id.display_name,
                    )
                )
            currency = penalty.currency_id
            if currency.compare_amounts(penalty.amount, 0) <= 0:
                raise UserError(
                    self.env._(
                        "Penalty %(penalty)s has no amount to invoice.",
                        penalty=penalty.name,
                    )
                )
            reductions = penalty.adjustment_ids.filtered(
                lambda p: p.state == "confirmed" and not p.move_line_id
            )
            net = penalty.amount + sum(reductions.mapped("amount"))
            if currency.compare_amounts(net, 0) <= 0:
                raise UserError(
                    self.env._(
                        "Penalty %(penalty)s is reduced to nothing: waive it instead "
                        "of invoicing it.",
                        penalty=penalty.name,
                    )
                )
            plan[penalty] = reductions
        return plan

    # ------------------------------------------------------------------
    # Move lines
    # ------------------------------------------------------------------

    def _get_penalty_product(self, company):
        # sudo: the company's penalty product, whoever invoices
        product = company.sudo().aftersales_penalty_product_id or self.env.ref(
            "aftersales_sla.product_aftersales_penalty", raise_if_not_found=False
        )
        if not product:
            raise UserError(
                self.env._(
                    "Set a penalty product for %(company)s in the After-Sales "
                    "settings.",
                    company=company.display_name,
                )
            )
        return product

    def _move_line_label(self):
        self.ensure_one()
        # sudo: the label names the contract, whoever invoices
        penalty = self.sudo()
        parts = [penalty.name, penalty.contract_id.name]
        if penalty.ticket_id:
            parts.append(penalty.ticket_id.number or penalty.ticket_id.name)
        return " - ".join(part for part in parts if part)

    def _prepare_move_line_vals(self, product, sign=1):
        self.ensure_one()
        return {
            "product_id": product.id,
            "name": self._move_line_label(),
            "quantity": 1.0,
            "price_unit": sign * self.amount,
            "aftersales_penalty_id": self.id,
        }

    @door.opens("aftersales.penalty")
    def _link_move_lines(self, lines, post_moves=None):
        """Mark the penalties of ``lines`` invoiced by them; post ``post_moves``
        when given; then record the events (with the moves' final names)."""
        for line in lines:
            # sudo: penalties are marked invoiced by their move line, whoever invoices
            line.aftersales_penalty_id.sudo().write(
                {"move_line_id": line.id, "state": "invoiced"}
            )
        if post_moves:
            post_moves.action_post()
        # sudo: penalties are marked invoiced by their move line, whoever invoices
        penalties = lines.aftersales_penalty_id.sudo()
        penalties._append(
            "penalty.invoiced",
            lambda p: {
                "move": p.move_line_id.move_id.name
                if p.move_line_id.move_id.name != "/"
                else None,
                "move_id": p.move_line_id.move_id.id,
                "move_type": p.move_line_id.move_id.move_type,
                "move_line_id": p.move_line_id.id,
            },
        )
        return penalties

    @door.opens("aftersales.penalty")
    def _uninvoice(self, payload, reason):
        """Back to ``confirmed``: the move settling them is gone or undone."""
        # sudo: penalties go back to confirmed when their move goes, whoever undoes it
        penalties = self.sudo().filtered(lambda p: p.state == "invoiced")
        penalties.write({"state": "confirmed", "move_line_id": False})
        penalties._append("penalty.uninvoiced", payload, reason=reason)
        return penalties

    # ------------------------------------------------------------------
    # Credit notes
    # ------------------------------------------------------------------

    @door.opens("account.move.line")
    def _create_credit_notes(self, post=False):
        """Create one credit note per company, commercial partner, currency and
        direction, with one line per penalty (and per adjustment, negative).

        :return: the ``account.move`` records created.
        """
        plan = self._prepare_invoicing()
        groups = defaultdict(list)
        for penalty in plan:
            key = (
                penalty.company_id,
                penalty.partner_id.commercial_partner_id,
                penalty.currency_id,
                penalty.direction,
            )
            groups[key].append(penalty)
        products = {
            company: self._get_penalty_product(company)
            for company in {key[0] for key in groups}
        }
        moves = self.env["account.move"]
        for (company, partner, currency, direction), penalties in groups.items():
            product = products[company]
            line_vals = []
            for penalty in penalties:
                line_vals.append(penalty._prepare_move_line_vals(product))
                line_vals.extend(
                    reduction._prepare_move_line_vals(product)
                    for reduction in plan[penalty]
                )
            # sudo: the contracts' customers are invoiced, whoever invoices
            contracts = self.browse([p.id for p in penalties]).sudo().contract_id
            moves |= (
                self.env["account.move"]
                .with_company(company)
                .create(
                    {
                        "move_type": CREDIT_NOTE_TYPES[direction],
                        "partner_id": partner.id,
                        "currency_id": currency.id,
                        "invoice_date": fields.Date.context_today(self),
                        "invoice_origin": ", ".join(contracts.mapped("name")),
                        "ref": self.env._("After-sales penalties"),
                        "invoice_line_ids": [Command.create(v) for v in line_vals],
                    }
                )
            ).with_env(self.env)
        self._link_move_lines(
            moves.line_ids.filtered("aftersales_penalty_id"),
            post_moves=moves if post else None,
        )
        return moves

    # ------------------------------------------------------------------
    # Deduction on an invoice
    # ------------------------------------------------------------------

    @door.opens("account.move.line")
    def _add_to_invoice(self, invoice):
        """Deduct the penalties as negative lines on a draft ``invoice`` of their
        partner: a customer invoice for payable penalties, a vendor bill for
        receivable ones.

        :return: the invoice.
        """
        plan = self._prepare_invoicing()
        if len(invoice) != 1:
            raise UserError(self.env._("Choose one draft invoice."))
        penalties = self.browse([p.id for p in plan])
        directions = set(penalties.mapped("direction"))
        if len(directions) > 1:
            raise UserError(
                self.env._(
                    "Payable and receivable penalties are deducted from different "
                    "documents: select one kind."
                )
            )
        expected_type = INVOICE_TYPES[directions.pop()]
        if invoice.state != "draft" or invoice.move_type != expected_type:
            labels = dict(invoice._fields["move_type"]._description_selection(self.env))
            raise UserError(
                self.env._(
                    "These penalties are deducted from a draft %(type)s; "
                    "%(invoice)s is not one.",
                    type=labels[expected_type],
                    invoice=invoice.display_name,
                )
            )
        for penalty in penalties:
            if (
                penalty.partner_id.commercial_partner_id
                != invoice.commercial_partner_id
            ):
                raise UserError(
                    self.env._(
                        "Penalty %(penalty)s is settled with %(partner)s, not with "
                        "%(invoice_partner)s.",
                        penalty=penalty.name,
                        partner=penalty.partner_id.commercial_partner_id.display_name,
                        invoice_partner=invoice.commercial_partner_id.display_name,
                    )
                )
            if penalty.currency_id != invoice.currency_id:
                raise UserError(
                    self.env._(
                        "Penalty %(penalty)s is in %(currency)s, %(invoice)s in "
                        "%(invoice_currency)s.",
                        penalty=penalty.name,
                        currency=penalty.currency_id.name,
                        invoice=invoice.display_name,
                        invoice_currency=invoice.currency_id.name,
                    )
                )
            if penalty.company_id != invoice.company_id:
                raise UserError(
                    self.env._(
                        "Penalty %(penalty)s belongs to %(company)s, %(invoice)s to "
                        "%(invoice_company)s.",
                        penalty=penalty.name,
                        company=penalty.company_id.display_name,
                        invoice=invoice.display_name,
                        invoice_company=invoice.company_id.display_name,
                    )
                )
        product = self._get_penalty_product(invoice.company_id)
        line_vals = []
        for penalty in penalties:
            line_vals.append(penalty._prepare_move_line_vals(product, sign=-1))
            line_vals.extend(
                reduction._prepare_move_line_vals(product, sign=-1)
                for reduction in plan[penalty]
            )
        existing = invoice.line_ids
        invoice.with_company(invoice.company_id).write(
            {"invoice_line_ids": [Command.create(v) for v in line_vals]}
        )
        self._link_move_lines(
            (invoice.line_ids - existing).filtered("aftersales_penalty_id")
        )
        return invoice
