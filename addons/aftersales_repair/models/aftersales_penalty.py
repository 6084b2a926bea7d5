from odoo import api, models


class AftersalesPenalty(models.Model):
    _inherit = "aftersales.penalty"

    @api.model
    def _contracts_for(self, ticket):
        """No contract's clauses for a ticket running on a standard promise (its
        contract, if any, does not cover it): a standard promise has no penalty."""
        if ticket.contract_id and ticket._sla_terms().get("source") != "contract":
            return self.env["aftersales.contract"]
        return super()._contracts_for(ticket)
