from odoo import api, fields, models

from ..tools import coverage as rule


class AftersalesTicketCoverageOverride(models.TransientModel):
    """A manager overrides the coverage decided for a ticket, with a reason code
    and a note (recorded in the service ledger)."""

    _name = "aftersales.ticket.coverage.override"
    _description = "Override a Ticket's Coverage"

    ticket_id = fields.Many2one("aftersales.ticket", required=True, readonly=True)
    current_coverage = fields.Selection(related="ticket_id.coverage")
    current_reason = fields.Selection(related="ticket_id.coverage_reason")
    coverage = fields.Selection(
        [(code, label) for code, label in rule.COVERAGES],
        string="New Coverage",
        required=True,
    )
    coverage_reason = fields.Selection(
        [(code, label) for code, label in rule.REASONS],
        string="Reason",
        required=True,
    )
    note = fields.Text(
        required=True, help="Why: what the technician found, who decided."
    )

    @api.onchange("coverage")
    def _onchange_coverage(self):
        reasons = rule.REASONS_BY_COVERAGE.get(self.coverage, ())
        if self.coverage_reason not in reasons and len(reasons) == 1:
            self.coverage_reason = next(iter(reasons))

    def action_apply(self):
        self.ensure_one()
        self.ticket_id.action_override_coverage(
            self.coverage, self.coverage_reason, self.note
        )
        return {"type": "ir.actions.act_window_close"}
