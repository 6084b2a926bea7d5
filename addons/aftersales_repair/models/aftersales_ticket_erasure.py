from odoo import api, models


class AftersalesTicket(models.Model):
    _inherit = "aftersales.ticket"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _erasure_personal_fields(self):
        # The coverage override's note (what the technician saw at the customer's).
        return super()._erasure_personal_fields() + ["coverage_note"]
