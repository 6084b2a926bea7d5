from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.aftersales_sla.tools import door

from .aftersales_partner_settlement import SETTLEMENT, SETTLEMENT_LINE

#: Fields of a line only the settlement's actions write (all but the chatter's).
GUARDED_LINE_FIELDS = frozenset(
    {
        "company_id",
        "currency_id",
        "settlement_id",
        "ticket_id",
        "kind",
        "product_id",
        "name",
        "quantity",
        "unit_cost",
        "price_unit",
        "amount",
        "dispute_state",
        "dispute_reason",
        "decision_note",
        "adjusted_line_id",
    }
)


class AftersalesPartnerSettlementLine(models.Model):
    _name = "aftersales.partner.settlement.line"
    _description = "After-Sales Partner Settlement Line"
    _order = "settlement_id, ticket_id, id"

    settlement_id = fields.Many2one(
        "aftersales.partner.settlement",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, readonly=True
    )
    # The settlement's, written with the line (a related field would be computed
    # for each line of a large statement when its amounts are stored).
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    ticket_id = fields.Many2one(
        "aftersales.ticket",
        string="Job",
        required=True,
        index=True,
        readonly=True,
        ondelete="restrict",
    )
    kind = fields.Selection(
        [("visit", "Visit"), ("labour", "Labour"), ("parts", "Parts")],
        required=True,
        readonly=True,
    )
    product_id = fields.Many2one("product.product", readonly=True)
    name = fields.Char(string="Description", readonly=True)
    quantity = fields.Float(digits="Product Unit of Measure", readonly=True)
    unit_cost = fields.Monetary(
        readonly=True, help="Parts: the product's cost, before the markup."
    )
    price_unit = fields.Monetary(string="Unit Price", readonly=True)
    amount = fields.Monetary(readonly=True, aggregator="sum")
    dispute_state = fields.Selection(
        [
            ("none", "Not Disputed"),
            ("disputed", "Disputed"),
            ("upheld", "Upheld"),
            ("adjusted", "Adjusted"),
        ],
        string="Dispute",
        default="none",
        required=True,
        readonly=True,
        index=True,
    )
    dispute_reason = fields.Text(readonly=True)
    decision_note = fields.Text(readonly=True)
    adjusted_line_id = fields.Many2one(
        "aftersales.partner.settlement.line",
        string="Adjusts",
        readonly=True,
        index="btree_not_null",
        ondelete="cascade",
        help="The disputed line this line adjusts.",
    )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        if not door.is_open(SETTLEMENT_LINE):
            raise UserError(
                self.env._(
                    "A settlement's lines are computed from the partner's jobs "
                    "(Compute); they cannot be created directly."
                )
            )
        settlements = self.env["aftersales.partner.settlement"].browse(
            {vals["settlement_id"] for vals in vals_list}
        )
        by_id = {settlement.id: settlement for settlement in settlements}
        for vals in vals_list:
            # The amount is the line's price: set here, in one pass, rather than
            # computed and written back for each line of a large statement.
            settlement = by_id[vals["settlement_id"]]
            vals["company_id"] = settlement.company_id.id
            vals["currency_id"] = settlement.currency_id.id
            vals["amount"] = settlement.currency_id.round(
                vals.get("quantity", 0.0) * vals.get("price_unit", 0.0)
            )
        return super().create(vals_list)

    def write(self, vals):
        if not door.is_open(SETTLEMENT_LINE):
            guarded = GUARDED_LINE_FIELDS.intersection(vals)
            if guarded:
                door.refuse(self, guarded)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_fixed(self):
        if not door.is_open(SETTLEMENT_LINE) and any(
            line.settlement_id.state != "draft" for line in self
        ):
            raise UserError(self.env._("The lines of a confirmed settlement are kept."))

    # ------------------------------------------------------------------
    # Disputes
    # ------------------------------------------------------------------

    def action_dispute(self, reason):
        """The service partner disputes a line of its confirmed statement."""
        self.ensure_one()
        self.check_access("read")
        settlement = self.settlement_id
        settlement._check_portal_party()
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Say why you dispute this line."))
        if settlement.state != "confirmed":
            raise UserError(
                self.env._(
                    "Settlement %(settlement)s is %(state)s: its lines are disputed "
                    "while it is confirmed and not yet billed.",
                    settlement=settlement.display_name,
                    state=settlement._state_label(),
                )
            )
        if self.dispute_state != "none" or self.adjusted_line_id:
            raise UserError(self.env._("This line is already disputed or settled."))
        # sudo: the portal user has no write access; the checks above are its
        # right to dispute its own statement's line.
        line = self.sudo()
        with door.opened(SETTLEMENT_LINE):
            line.write({"dispute_state": "disputed", "dispute_reason": reason})
        line.settlement_id._append(
            "settlement.line_disputed",
            {"line_id": line.id, "ticket": line.ticket_id.id, "kind": line.kind},
            reason=reason,
        )
        return True

    def action_uphold(self):
        """Uphold the disputed line as computed (the form's button)."""
        return self.action_settle_dispute("uphold")

    def action_open_adjust(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Adjust the Disputed Line"),
            "res_model": "aftersales.settlement.adjust",
            "view_mode": "form",
            "target": "new",
            "context": {"default_line_id": self.id},
        }

    def action_settle_dispute(self, outcome, amount=None, note=None):
        """A manager settles a disputed line: ``uphold`` it as computed, or
        ``adjust`` it by an adjusting line of ``amount`` (the correction, positive
        or negative), which joins the statement's totals."""
        self.ensure_one()
        settlement = self.settlement_id
        settlement._check_manager()
        if self.dispute_state != "disputed":
            raise UserError(self.env._("Only a disputed line is settled."))
        if outcome not in ("uphold", "adjust"):
            raise UserError(self.env._("Uphold the line or adjust it."))
        currency = settlement.currency_id
        if outcome == "adjust" and (amount is None or currency.is_zero(amount or 0.0)):
            raise UserError(
                self.env._("Give the adjustment's amount (positive or negative).")
            )
        if outcome == "adjust" and currency.compare_amounts(-amount, self.amount) > 0:
            raise UserError(
                self.env._(
                    "The adjustment cannot take more than the line's amount "
                    "(%(amount)s).",
                    amount=self.amount,
                )
            )
        with self.env.cr.savepoint(), door.opened(SETTLEMENT, SETTLEMENT_LINE):
            extra = {}
            if outcome == "adjust":
                adjustment = self.create(
                    {
                        "settlement_id": settlement.id,
                        "ticket_id": self.ticket_id.id,
                        "kind": self.kind,
                        "product_id": self.product_id.id,
                        "name": self.env._(
                            "Adjustment of %(line)s", line=self.name or ""
                        ),
                        "quantity": 1.0,
                        "price_unit": currency.round(amount),
                        "adjusted_line_id": self.id,
                        "decision_note": note,
                    }
                )
                extra = {"adjustment_line_id": adjustment.id, "amount": amount}
            self.write(
                {
                    "dispute_state": "upheld" if outcome == "uphold" else "adjusted",
                    "decision_note": note,
                }
            )
            settlement._update_totals()
            settlement._append(
                "settlement.dispute_settled",
                dict(extra, line_id=self.id, outcome=outcome),
                reason=note,
            )
        return True
