from odoo import fields, models


class AftersalesSettlementAdjust(models.TransientModel):
    """A manager adjusts a disputed settlement line by an amount."""

    _name = "aftersales.settlement.adjust"
    _description = "Adjust a Disputed Settlement Line"

    line_id = fields.Many2one(
        "aftersales.partner.settlement.line", required=True, ondelete="cascade"
    )
    currency_id = fields.Many2one(related="line_id.currency_id")
    line_amount = fields.Monetary(related="line_id.amount", string="Line Amount")
    dispute_reason = fields.Text(related="line_id.dispute_reason")
    amount = fields.Monetary(
        string="Adjustment",
        required=True,
        help="Added to the statement: negative to pay the partner less, positive "
        "to pay it more.",
    )
    note = fields.Text(string="Decision", required=True)

    def action_apply(self):
        self.ensure_one()
        self.line_id.action_settle_dispute("adjust", amount=self.amount, note=self.note)
        return {"type": "ir.actions.act_window_close"}
