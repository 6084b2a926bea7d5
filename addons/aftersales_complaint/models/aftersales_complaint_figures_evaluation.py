from odoo import models
from odoo.osv import expression


class AftersalesEvaluation(models.Model):
    """A contract's complaint figures count the complaints about its work: for a
    service partner's contract, also the complaints against the partner (or about
    a ticket it served) under the customer contract it backs."""

    _inherit = "aftersales.evaluation"

    def _kpi_complaint_domain(self):
        domain = super()._kpi_complaint_domain()
        contract = self.contract_id
        if contract.contract_type != "partner":
            return domain
        partner = contract.partner_id.commercial_partner_id
        return expression.OR(
            [
                domain,
                [
                    ("contract_id", "in", contract.parent_id.ids),
                    "|",
                    ("complaint_partner_id.commercial_partner_id", "=", partner.id),
                    (
                        "complaint_ticket_id.service_partner_id.commercial_partner_id",
                        "=",
                        partner.id,
                    ),
                ],
            ]
        )
