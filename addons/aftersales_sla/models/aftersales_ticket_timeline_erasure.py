from odoo import api, fields, models


class AftersalesTicketTimeline(models.Model):
    _inherit = "aftersales.ticket.timeline"  # pylint: disable=consider-merging-classes-inherited

    reason_text = fields.Char(
        compute="_compute_reason_text",
        help="The reason as typed (from the ledger's personal data vault), or "
        "'(erased)'.",
    )

    @api.depends("reason")
    def _compute_reason_text(self):
        # The vault lookup does not check access: whoever sees a ticket's
        # timeline reads the reasons of its events (see _resolve_tokens).
        texts = self.env["aftersales.event.personal"]._resolve_tokens(
            self.mapped("reason")
        )
        for line in self:
            line.reason_text = texts.get(line.reason, line.reason) or False
