from odoo import api, fields, models

from ..models.aftersales_penalty import WAIVER_REASONS


class AftersalesPenaltyDecide(models.TransientModel):
    """Waive a penalty, record a dispute, or settle one."""

    _name = "aftersales.penalty.decide"
    _description = "Decide on After-Sales Penalties"

    mode = fields.Selection(
        [("waive", "Waive"), ("dispute", "Dispute"), ("resolve", "Settle Dispute")],
        required=True,
        default="waive",
    )
    penalty_ids = fields.Many2many("aftersales.penalty", required=True)
    currency_id = fields.Many2one(related="penalty_ids.currency_id")
    waiver_reason = fields.Selection(WAIVER_REASONS)
    note = fields.Text()
    dispute_reason = fields.Text()
    attachment_ids = fields.Many2many("ir.attachment", string="Evidence")
    outcome = fields.Selection(
        [("uphold", "Uphold"), ("reduce", "Reduce"), ("waive", "Waive")],
        default="uphold",
    )
    amount = fields.Monetary(string="Reduce By")
    opinion = fields.Text(string="Mediator's Opinion")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "aftersales.penalty":
            values["penalty_ids"] = [(6, 0, self.env.context.get("active_ids", []))]
        return values

    def action_apply(self):
        self.ensure_one()
        penalties = self.penalty_ids
        if self.mode == "waive":
            penalties.action_waive(self.waiver_reason, self.note)
        elif self.mode == "dispute":
            penalties.action_dispute(self.dispute_reason, self.attachment_ids)
        else:
            penalties.action_resolve_dispute(
                self.outcome, amount=self.amount, opinion=self.opinion, note=self.note
            )
        return {"type": "ir.actions.act_window_close"}
